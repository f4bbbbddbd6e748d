"""The session's merged country (goflow's MergedEnvironment default country): the contact's
country (its preferred channel's, else its first phone number's), else the environment's.

A goflow runtime works it out with its environment, when the sprint starts and again when an
action changes the contact's URNs, and message routes, phone numbers and broadcasts read it
from there rather than parsing the contact's URNs again."""

from __future__ import annotations

from pathlib import Path

from turnflow.chat import DEFAULT_CONTACT
from turnflow.goflow.actions.contact import modify
from turnflow.goflow.actions.message_route import contact_country, merged_country
from turnflow.goflow.engine import GoflowEngine
from turnflow.goflow.export import load_assets
from turnflow.goflow.runtime import GoflowRuntime
from turnflow.testing.goflow_runner import read_contact

FLOW = (
    Path(__file__).resolve().parents[2]
    / "shared/fixtures/rapidpro/flows/common/test_flows/greatwall.json"
)


def _runtime(urns: list[str], default_country: str | None) -> GoflowRuntime:
    assets = load_assets(FLOW)
    engine = GoflowEngine(assets)
    engine.env.default_country = default_country
    contact = read_contact({**DEFAULT_CONTACT, "urns": urns}, assets)
    trigger = {"type": "manual", "flow": assets.flow_refs()[0],
               "triggered_on": "2025-01-01T00:00:00Z"}  # fmt: skip
    session, _ = engine.start(contact, trigger)
    rt = GoflowRuntime(engine.core, session)
    rt.state = engine.core.family.begin_sprint(rt)
    return rt


def test_a_phone_number_gives_its_country_over_the_environments() -> None:
    rt = _runtime(["tel:+250788123123"], "US")
    assert rt.country == "RW"
    assert rt.env.default_country == "RW"
    assert merged_country(rt) == "RW"


def test_without_a_phone_number_the_environments_country_is_the_sessions() -> None:
    rt = _runtime(["mailto:bob@example.com"], "US")
    assert rt.country == "US" and merged_country(rt) == "US"
    rt = _runtime(["mailto:bob@example.com"], None)
    assert rt.country == "" and merged_country(rt) == ""


def test_a_changed_phone_number_changes_the_sessions_country() -> None:
    rt = _runtime(["tel:+250788123123"], "US")
    modify(rt, {"type": "urns", "urns": ["tel:+593979123456"], "modification": "set"})
    assert contact_country(rt) == "EC"
    assert rt.country == "EC" and merged_country(rt) == "EC"
    assert rt.env.default_country == "EC"


def test_a_contact_given_as_json_is_read_each_time() -> None:
    session = _runtime(["tel:+250788123123"], "US").session
    session.contact = {"uuid": DEFAULT_CONTACT["uuid"], "urns": ["tel:+593979123456"]}
    rt = GoflowRuntime(session=session, engine=_runtime([], "US").engine)
    assert rt.country is None  # (merged_env reads contact objects only)
    assert merged_country(rt) == "EC"
