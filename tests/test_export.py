"""RapidPro exports as asset bundles, keyword triggers, and legacy transcript tests."""

from __future__ import annotations

import json

import pytest

from turnflow.goflow.export import (
    ExportError,
    Trigger,
    assets_json_for,
    field_asset,
    file_kind,
    find_trigger_flow,
    load_assets,
    load_export,
    match_message_trigger,
    migrate_flow,
    read_triggers,
)
from turnflow.testing.rapidpro_transcripts import AnyPlaceLocations, run_transcripts

from .conftest import SHARED, require_fixtures

COMMON = SHARED / "fixtures" / "rapidpro" / "flows" / "common"
FLOWS = COMMON / "test_flows"
RUNS = COMMON / "test_runs"
PARENT = "a9ae3ba3-6b6e-4a6c-8e7b-1c1d8f3a4b10"
CHILD = "8a2c48a7-0592-4863-85c1-6b32584d4a93"


def load(name: str):
    return json.loads((require_fixtures(FLOWS) / name).read_text())


def reply_flow(uuid: str, name: str, text: str) -> dict:
    return {"version": "11.12", "base_language": "eng", "flow_type": "F",
            "entry": "11111111-1111-4111-8111-111111111111", "rule_sets": [],
            "action_sets": [{"uuid": "11111111-1111-4111-8111-111111111111", "x": 0, "y": 0,
                             "destination": None,
                             "exit_uuid": "22222222-2222-4222-8222-222222222222",
                             "actions": [{"type": "reply",
                                          "uuid": "33333333-3333-4333-8333-333333333333",
                                          "msg": {"eng": text}}]}],
            "metadata": {"uuid": uuid, "name": name}}


def export_with_triggers() -> dict:
    return {
        "version": "11.12", "site": "https://app.rapidpro.io",
        "flows": [reply_flow(PARENT, "Join", "Welcome!"), reply_flow(CHILD, "Fallback", "Eh?")],
        "fields": [{"key": "age", "label": "Age", "value_type": "N"}],
        "groups": [
            {"uuid": "c6d5d9c1-8c5f-4b5a-9f5e-0a8f2e7c1d01", "name": "Members", "query": None}
        ],
        "campaigns": [],
        "triggers": [
            {"trigger_type": "K", "keyword": "join", "flow": {"uuid": PARENT, "name": "Join"},
             "groups": [], "channel": None},
            {"trigger_type": "K", "keywords": ["stop"], "match_type": "O",
             "flow": {"uuid": CHILD, "name": "Fallback"}, "groups": [], "channel": None},
            {"trigger_type": "C", "flow": {"uuid": CHILD, "name": "Fallback"}, "groups": []},
        ],
    }


# -- file kinds and loading ---------------------------------------------------------------


def test_file_kinds():
    assert file_kind(load("subflow.json")) == "export"
    assert file_kind(load("greatwall.json")) == "legacy_flow"
    assert file_kind(load("unsupported-version.json")) == "legacy_flow"
    assert file_kind({"uuid": PARENT, "spec_version": "13.0.0", "nodes": []}) == "flow"
    assert file_kind({"flows": []}) == "assets"
    assert file_kind([{"org": {}, "messages": []}]) == "rapidpro_runs"
    assert file_kind(42) == "unknown"


def test_export_loads_as_one_bundle():
    assets = load_export(load("subflow.json"), "subflow.json")
    refs = assets.flow_refs()
    assert [r["name"] for r in refs] == ["Parent Flow", "Child Flow"]
    for ref in refs:
        assert assets.flow(ref["uuid"]).definition["spec_version"] == "14.4.2"
        assert assets.check_flow(ref["uuid"]) == []


def test_export_fields_and_groups_become_assets():
    data = assets_json_for(export_with_triggers())
    assert data["fields"][0]["key"] == "age"
    assert data["fields"][0]["type"] == "number" and data["fields"][0]["name"] == "Age"
    assert data["groups"] == [{"uuid": "c6d5d9c1-8c5f-4b5a-9f5e-0a8f2e7c1d01", "name": "Members"}]


def test_field_asset_shapes():
    assert field_asset({"key": "dob", "label": "DOB", "value_type": "D"})["type"] == "datetime"
    assert field_asset({"key": "home", "name": "Home", "type": "state"})["type"] == "state"
    with pytest.raises(ExportError):
        field_asset({"label": "no key"})


def test_groups_and_fields_a_flow_uses_are_added():
    data = assets_json_for(load("mushrooms.json"), country="RW")
    assert [g["name"] for g in data["groups"]] == ["Approved"]
    assert [(f["key"], f["name"], f["type"]) for f in data["fields"]] == [
        ("preference", "Preference", "text")]


def test_every_fixture_flow_loads(tmp_path):
    for name in ("basic-form.json", "birthdate-check.json", "empty.json", "greatwall.json",
                 "media.json", "mushrooms.json", "registration.json", "subflow.json"):
        assets = load_assets(FLOWS / name, country="RW")
        for ref in assets.flow_refs():
            assert assets.check_flow(ref["uuid"]) == [], name


def test_bad_files_give_one_clear_error(tmp_path):
    with pytest.raises(ExportError, match="legacy flow has no 'version'"):
        load_assets(FLOWS / "missing-version.json")
    with pytest.raises(ExportError, match="version 6, which is not supported"):
        load_assets(FLOWS / "unsupported-version.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    with pytest.raises(ExportError, match="invalid JSON at line 1"):
        load_assets(bad)
    with pytest.raises(ExportError, match="no such file"):
        load_assets(tmp_path / "missing.json")


def test_migrate_flow_to_a_legacy_or_goflow_version():
    legacy = migrate_flow(load("greatwall.json"), to_version="11.12")
    assert legacy["version"] == "11.12" and "action_sets" in legacy
    goflow = migrate_flow(load("greatwall.json"), to_version="13.0.0")
    assert goflow["spec_version"] == "13.0.0"
    latest = migrate_flow(goflow)
    assert latest["spec_version"] == "14.4.2"
    with pytest.raises(ExportError, match="back to legacy version"):
        migrate_flow(goflow, to_version="11.12")


# -- triggers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text, flow_uuid, keyword", [
    ("join", PARENT, "join"),
    ("JOIN now please", PARENT, "join"),
    ("  Join! me", PARENT, "join"),
    ("stop", CHILD, "stop"),
    ("stop it", CHILD, ""),  # "only" keyword: the message must be just that word -> catch-all
    ("hello", CHILD, ""),
    ("", CHILD, ""),
])
def test_message_triggers(text, flow_uuid, keyword):
    triggers = read_triggers(export_with_triggers())
    trigger, matched = match_message_trigger(triggers, text)
    assert trigger.flow["uuid"] == flow_uuid
    assert matched == keyword


def test_no_trigger_matches_without_a_catch_all():
    triggers = [t for t in read_triggers(export_with_triggers()) if t.type != "C"]
    assert match_message_trigger(triggers, "hello") is None
    assert find_trigger_flow(export_with_triggers(), "join")["name"] == "Join"


def test_group_and_channel_triggers_are_more_specific():
    general = Trigger(type="K", flow={"uuid": "1"}, keywords=["hi"])
    members = Trigger(type="K", flow={"uuid": "2"}, keywords=["hi"], groups=[{"name": "Members"}])
    excluded = Trigger(type="K", flow={"uuid": "3"}, keywords=["hi"], channel={"uuid": "ch1"},
                       exclude_groups=[{"name": "Blocked"}])
    triggers = [general, members, excluded]
    assert match_message_trigger(triggers, "hi", channel="ch2")[0] is general
    found = match_message_trigger(triggers, "hi", channel="ch2", contact_groups=["members"])
    assert found[0] is members
    assert match_message_trigger(triggers, "hi", channel={"uuid": "ch1"})[0] is excluded
    found = match_message_trigger(triggers, "hi", channel="ch1", contact_groups=["Blocked"])
    assert found[0] is general


# -- transcripts ------------------------------------------------------------------------------


def test_any_place_locations():
    places = AnyPlaceLocations()
    lagos = places.find_fuzzy("Lagos", 1)[0]
    assert lagos.path == "Country > Lagos"
    assert places.find_fuzzy("Xen", 1) == []
    assert places.find_fuzzy("Oyo", 2, lagos)[0].path == "Country > Lagos > Oyo"
    assert places.find_by_path("Country > Lagos") is lagos
    assert places.find_fuzzy("Country > Lagos", 1) == [lagos]


@pytest.mark.parametrize("name, count", [
    ("basic-form", 1), ("birthdate-check", 2), ("mushrooms", 3), ("registration", 2),
])
def test_transcripts_pass(name, count):
    result = run_transcripts(require_fixtures(RUNS) / f"{name}.runs.json")
    assert len(result.conversations) == count
    for conversation in result.conversations:
        assert conversation.passed, conversation.message


def test_transcript_failures_say_what_differs(tmp_path):
    runs = json.loads((require_fixtures(RUNS) / "mushrooms.runs.json").read_text())[:1]
    runs[0]["messages"][0]["msg"] = "Bonjour"
    (tmp_path / "mushrooms.runs.json").write_text(json.dumps(runs))
    (tmp_path / "mushrooms.json").write_text((FLOWS / "mushrooms.json").read_text())
    (conversation,) = run_transcripts(tmp_path / "mushrooms.runs.json").conversations
    assert not conversation.passed
    assert conversation.message == ("reply 1: expected 'Bonjour', got 'Hi Joe. Do you like "
                                    "mushrooms?'")
