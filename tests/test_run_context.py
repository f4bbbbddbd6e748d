"""The goflow run context (@contact, @results, @child, @parent ...) in goflow's standard test
session, run by turnflow's engine."""

from __future__ import annotations

import json

import pytest

from turnflow.conformance.goflow_templates import run_templates, standard_session
from turnflow.expressions import XObject, compile_template
from turnflow.goflow.context import (
    contact_ref,
    deprecate,
    strip_urn_params,
    ticket_context,
    urn_context_text,
    user_context,
)
from turnflow.goflow.sprint import GoflowSprint

from .conftest import GOFLOW_FIXTURES, require_fixtures


@pytest.fixture(scope="module")
def session():
    return standard_session(require_fixtures(GOFLOW_FIXTURES))


@pytest.fixture(scope="module")
def redacted():
    return standard_session(require_fixtures(GOFLOW_FIXTURES), redact_urns=True)


def texts(events):
    return [(e["type"], e["text"]) for e in events]


def test_session_ran_the_registration_flow(session):
    assert session.session.status == "completed"
    assert [r.flow.name for r in session.session.runs] == ["Registration", "Collect Age"]
    assert session.evaluate("@run.status") == ("completed", [])
    assert session.evaluate("@fields.age") == ("23", [])  # set by the Collect Age sub-flow


def test_contact(session, redacted):
    assert session.evaluate("@contact") == ("Ryan Lewis", [])
    assert session.evaluate("@contact.urn")[0] == "tel:+12024561111"
    assert session.evaluate("@(contact.urns[1])")[0] == "twitterid:54784326227#nyaruka"
    assert session.evaluate("@contact.channel")[0] == "My Android Phone"
    assert redacted.evaluate("@contact.urns")[0] == (
        "[tel:********, twitterid:********, mailto:********]"
    )
    assert redacted.evaluate("@urns.tel")[0] == "tel:********"


def test_deprecated_properties_warn_on_paths_only(session):
    _, events = session.evaluate("@contact.id")
    assert texts(events) == [("warning", "@contact.id is deprecated, use @contact.ref instead")]
    assert events[0]["code"] == "context:deprecated"
    # serializing the whole contact reads id and tickets without warning
    text, events = session.evaluate("@(json(contact))")
    assert json.loads(text)["id"] == "1234567" and events == []
    # a template using a deprecated property twice warns once
    _, events = session.evaluate('@(legacy_extra["foo"])@(legacy_extra["bar"])')
    assert texts(events) == [("warning", "@legacy_extra is deprecated")]
    _, events = session.evaluate("@child.run.status")
    assert texts(events) == [
        ("warning", "@child.run.status is deprecated, use @child.status instead")
    ]
    assert session.evaluate("@child.status") == ("completed", [])


def test_tickets(session):
    assert session.evaluate("@ticket")[0] == (
        "{assignee: Bob, topic: Weather, uuid: 78d1fe0d-7e39-461e-81c3-a6a25f15ed69}"
    )
    assert session.evaluate("@ticket.assignee.email")[0] == "bob@nyaruka.com"


def test_results_input_webhook(session):
    assert session.evaluate("@results.favorite_color.category") == ("Red", [])
    assert session.evaluate("@results.webhook.input")[0].startswith("GET http://127.0.0.1:49992/")
    assert session.evaluate("@input.channel.name")[0] == "My Android Phone"
    assert session.evaluate("@(webhook.json.results[1].state)")[0] == "IN"
    assert session.evaluate('@(webhook.headers["Content-Length"])')[0] == "43"


def test_parent_from_trigger_summary(session):
    text, events = session.evaluate("@(json(parent))")
    parent = json.loads(text)
    assert events == []
    assert parent["flow"] == {
        "name": "Parent", "revision": 0, "uuid": "fece6eac-9127-4343-9269-56e88f391562"
    }
    assert parent["contact"]["name"] == "Jasmine" and parent["contact"]["ref"] == ""
    assert parent["fields"]["age"] == 33
    assert session.evaluate("@parent.results.role.category")[0] == "Reporter"


def test_templates_data_set():
    result = run_templates(require_fixtures(GOFLOW_FIXTURES))
    assert result.passed >= 97, "\n".join(result.failures)


def test_deprecate_keeps_get_silent():
    calls: list[str] = []
    obj = deprecate(XObject({"old": "x", "new": "y"}), "old", "old is deprecated", calls.append)
    assert obj.get("old") == "x" and obj.items() == [("new", "y"), ("old", "x")]
    assert calls == []
    compiled = compile_template("@obj.old @obj.new @obj.old")
    from turnflow.expressions import Environment

    assert compiled.render(XObject({"obj": obj}), Environment()).text == "x y x"
    assert calls == ["old is deprecated", "old is deprecated"]  # every path read reports


def test_deprecated_values_api():
    from turnflow.expressions import Environment, Lazy
    from turnflow.expressions.values import deprecated, to_json

    computed: list[int] = []

    def compute() -> str:
        computed.append(1)
        return "v"

    shared = XObject(
        {"a": Lazy(compute, "a is old"), "b": deprecated(Lazy(lambda: "w"), "b is old")}
    )
    one: list[str] = []
    two: list[str] = []
    view1 = shared.with_deprecation_hook(one.append)
    view2 = shared.with_deprecation_hook(two.append)
    template = compile_template("@x.a@x.b")
    env = Environment()
    assert template.render(XObject({"x": view1}), env).text == "vw"
    assert template.render(XObject({"x": view2}), env).text == "vw"
    assert template.render(XObject({"x": shared}), env).text == "vw"  # no hook: silent
    assert one == ["a is old", "b is old"] and two == ["a is old", "b is old"]
    assert computed == [1]  # computed once, for every view
    assert to_json(env, view1) == '{"a":"v","b":"w"}' and one == ["a is old", "b is old"]


def test_contact_ref_is_goflows_obfuscated_id():
    # goflow's utils/obfuscate test table (its test key is turnflow's default key)
    table = {
        1: "E2E6MX", 2: "3MWB69", 3: "Q3GP9G", 4: "U6Y6T5", 5: "SJPWLU", 12345: "A6YWQL",
        999_999_999: "KNGEUX", 1_073_741_823: "NVQ26R", 1_073_741_824: "GQENS3N",
        1_073_741_825: "NTA3479", 1_073_741_826: "KYEKD42", 9_999_999_999: "P7U8B2J",
        1234567: "PLZGVS",
    }  # fmt: skip
    assert {i: contact_ref(i) for i in table} == table
    assert contact_ref(0) == contact_ref(None) == contact_ref(10_000_000_000) == ""
    assert contact_ref(1, (1, 2, 3, 4)) != "E2E6MX"


def test_contact_context_is_cached_until_the_contact_changes():
    from turnflow.expressions import Environment
    from turnflow.goflow.contact import Contact

    contact = Contact.from_json(
        {"uuid": "u", "created_on": "2020-01-01T00:00:00Z", "name": "Ann Lee", "id": 12}
    )
    env = Environment()
    key = (env,)
    builds: list[int] = []

    def build() -> XObject:
        builds.append(1)
        return contact.context(env, [])

    first = contact.cached_context(key, build)
    assert contact.cached_context(key, build) is first and len(builds) == 1
    assert contact.cached_context((Environment(),), build) is not first  # other key
    contact.name = "Bob"  # an assignment drops it
    assert contact.cached_context(key, build).get("first_name") == "Bob"
    contact.fields["x"] = {"text": "1"}
    contact.changed()  # an in-place change is announced
    n = len(builds)
    contact.cached_context(key, build)
    assert len(builds) == n + 1
    assert first.get("ref") == "25HXPH"


def test_small_builders():
    assert strip_urn_params("tel:+1?channel=abc#disp") == "tel:+1#disp"
    assert urn_context_text("twitterid:5478#nyaruka", redact=True) == "twitterid:********"
    users = [{"uuid": "u1", "name": "Bob Smith", "email": "bob@x.com"}]
    user = user_context({"uuid": "u1", "name": "Bob Smith"}, users)
    assert (user.get("email"), user.get("first_name"), user.default) == (
        "bob@x.com", "Bob", "Bob Smith"
    )
    ticket = ticket_context({"uuid": "t", "topic": {"uuid": "p", "name": "Weather"}}, users)
    assert ticket.get("assignee") is None and ticket.get("topic").default == "Weather"


def test_resume_context_during_the_resumed_sprint():
    from types import SimpleNamespace

    from turnflow.goflow.run_context import resume_context

    dial = {
        "type": "dial",
        "resumed_on": "2000-01-01T00:00:00Z",
        "event": {
            "uuid": "0197b335-6ded-79a4-95a6-3af85b57f108",
            "type": "dial_ended",
            "created_on": "2025-05-04T12:30:56.123456789Z",
            "dial": {"status": "answered", "duration": 5},
        },
    }
    def sprint(resume):
        state = GoflowSprint()
        state.resume = resume
        return SimpleNamespace(state=state)

    assert resume_context(sprint(None)) is None
    obj = resume_context(sprint(dial))
    assert obj.get("type") == "dial" and obj.get("dial").get("status") == "answered"
    assert resume_context(sprint({"type": "bad"})) is None


def test_tel_region_is_cached():
    from turnflow.goflow.actions.message_route import _tel_region

    assert _tel_region("+250788383383") == "RW" and _tel_region("+12065551212") == "US"
    assert _tel_region("not a number") == ""
    assert _tel_region.cache_info().hits >= 0


def test_root_properties_are_computed_per_evaluation(session):
    rt = session.runtime()
    first, second = rt.context(), rt.context()
    assert first is not second
    # every top-level name is there before any is computed (templates check names first)
    assert {"contact", "results", "input", "legacy_extra", "ticket"} <= set(first.names())
    contact = first.lookup("contact")
    assert first.lookup("contact") is contact  # computed once per evaluation
    assert first.get("CONTACT") is contact
    assert first.get("nonesuch", "missing") == "missing"
    assert second.get("contact").lookup("name") == "Ryan Lewis"
    # a deprecated one reports when a path reads it, not when it is only got
    assert first.get("legacy_extra") is not None
    assert rt.emitted == []
    assert first.lookup("legacy_extra") is first.lookup("legacy_extra")
    assert texts(rt.emitted) == [("warning", "@legacy_extra is deprecated")]
