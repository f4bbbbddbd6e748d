"""Legacy flow versions 7 ... 11.11 upgraded to 11.12 (goflow/legacy/versions.py)."""

from __future__ import annotations

import json

import pytest

from turnflow.generators import SeededUUIDs
from turnflow.goflow.legacy.semantics import legacy_engine_semantics
from turnflow.goflow.legacy.versions import (
    LEGACY_VERSIONS,
    LegacyVersionError,
    iso639_3,
    legacy_version,
    normalize_version,
    upgrade_export,
    upgrade_legacy,
    upgrade_v7_template,
    versions_after,
)

from .conftest import SHARED, require_fixtures

FLOWS = SHARED / "fixtures" / "rapidpro" / "flows" / "common" / "test_flows"


def load(name: str) -> dict:
    return json.loads((require_fixtures(FLOWS) / name).read_text())


def flow(version, action_sets=(), rule_sets=(), **extra) -> dict:
    data = {"version": version, "base_language": "eng", "flow_type": "F",
            "entry": action_sets[0]["uuid"] if action_sets else None,
            "action_sets": list(action_sets), "rule_sets": list(rule_sets),
            "metadata": {"uuid": "a4f64f1b-85bc-477e-b706-de313a022979", "name": "Test"}}
    data.update(extra)
    return data


def action_set(uuid: str, *actions: dict, y: int = 0, destination=None) -> dict:
    return {"uuid": uuid, "x": 100, "y": y, "destination": destination, "actions": list(actions)}


AS1 = "11111111-1111-4111-8111-111111111111"
AS2 = "22222222-2222-4222-8222-222222222222"
RS1 = "33333333-3333-4333-8333-333333333333"


# -- versions -----------------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    (7, "7"), ("7", "7"), ("7.2", "7"), (8, "8"), ("9", "9"), (10, "10"), ("10.0", "10"),
    ("10.4", "10.4"), ("11", "11.0"), ("11.0", "11.0"), ("11.10", "11.10"), (11.5, "11.5"),
    ("11.12", "11.12"),
])
def test_normalize_version(value, expected):
    assert normalize_version(value) == expected


@pytest.mark.parametrize("value, message", [
    (None, "has no 'version'"),
    ("", "has no 'version'"),
    (6, "version 6, which is not supported"),
    ("5", "version 5, which is not supported"),
    ("10.7", "which RapidPro never had"),
    ("13.0.0", "not a legacy version"),
    ("abc", "invalid 'version'"),
    (True, "invalid 'version'"),
])
def test_bad_versions_are_refused(value, message):
    with pytest.raises(LegacyVersionError, match=message):
        normalize_version(value)


def test_versions_after():
    assert versions_after("11.10") == ["11.11", "11.12"]
    assert versions_after("7")[:3] == ["8", "9", "10"]
    assert versions_after("11.12") == []
    assert LEGACY_VERSIONS[0] == "7" and LEGACY_VERSIONS[-1] == "11.12"


def test_fixture_flows_upgrade_to_11_12():
    for name in ("basic-form.json", "birthdate-check.json", "empty.json", "greatwall.json",
                 "media.json", "mushrooms.json", "registration.json"):
        upgraded = upgrade_legacy(load(name), country="RW")
        assert upgraded["version"] == "11.12", name
        for node in upgraded["action_sets"]:
            assert node["exit_uuid"]
            assert all(action["uuid"] for action in node["actions"])


def test_missing_and_unsupported_fixture_versions():
    with pytest.raises(LegacyVersionError, match="no 'version'"):
        upgrade_legacy(load("missing-version.json"))
    with pytest.raises(LegacyVersionError, match="version 6"):
        legacy_version(load("unsupported-version.json"))


def test_input_is_not_changed_and_output_is_reproducible():
    original = load("mushrooms.json")
    before = json.dumps(original, sort_keys=True)
    first = upgrade_legacy(original)
    assert json.dumps(original, sort_keys=True) == before
    assert upgrade_legacy(original) == first  # same UUIDs every time


def test_to_version_stops_early():
    upgraded = upgrade_legacy(load("greatwall.json"), to_version="10")
    assert upgraded["version"] == "10"
    assert "exit_uuid" not in upgraded["action_sets"][0]


# -- version 8: expressions ---------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("Hi @contact.name|upper_case", "Hi @(UPPER(contact.name))"),
    ("@contact.name|capitalize|first_word", "@(FIRST_WORD(PROPER(contact.name)))"),
    ("Hi @contact.name", "Hi @contact.name"),
    ("=UPPER(contact.name) there", "@(UPPER(contact.name)) there"),
    ("Hi =contact.name.", "Hi @contact.name."),
    ("=(1 + 2)", "@(1 + 2)"),
    ("a=b and x =foo.bar", "a=b and x =foo.bar"),
    ('=CONCAT("a", @contact.name|upper_case)', '@(CONCAT("a", UPPER(contact.name)))'),
])
def test_v7_templates(text, expected):
    assert upgrade_v7_template(text) == expected


def test_v8_upgrades_actions_and_rules():
    data = flow(7, [action_set(AS1, {"type": "reply", "msg": {"eng": "Hi @contact|upper_case"}},
                               destination=RS1)],
                [{"uuid": RS1, "x": 0, "y": 100, "label": "Age", "ruleset_type": "expression",
                  "operand": "=contact.age", "rules": [
                      {"uuid": AS2, "category": {"eng": "Old"},
                       "test": {"type": "gt", "test": "=(contact.limit)"}}]}])
    upgraded = upgrade_legacy(data, to_version="8")
    assert upgraded["action_sets"][0]["actions"][0]["msg"]["eng"] == "Hi @(UPPER(contact))"
    rule_set = upgraded["rule_sets"][0]
    assert rule_set["operand"] == "@contact.age"
    assert rule_set["rules"][0]["test"]["test"] == "@(contact.limit)"


def test_group_names_are_cleansed_and_empty_action_sets_dropped():
    data = flow(7, [
        action_set(AS1, y=50, destination=AS2),  # no actions: dropped, entry recomputed
        action_set(AS2, {"type": "add_group", "group": {"name": " Spaced"}}, y=10),
    ])
    upgraded = upgrade_legacy(data, to_version="8")
    assert [a["uuid"] for a in upgraded["action_sets"]] == [AS2]
    assert upgraded["entry"] == AS2
    assert upgraded["action_sets"][0]["actions"][0]["groups"] == [{"name": "Contacts  Spaced"}]


# -- version 9: ids -> UUIDs ------------------------------------------------------------------


def test_v9_ids_become_uuids_and_extra_flow_becomes_parent():
    data = flow(8, [action_set(
        AS1,
        {"type": "add_group", "groups": [{"id": 22, "name": "Testers"}, "Plain", "@contact.x"]},
        {"type": "del_group", "groups": [{"id": 22, "name": "Testers"}]},
        {"type": "flow", "id": 17, "name": "Other Flow"},
        {"type": "reply", "msg": {"eng": "@extra.flow.name and @(UPPER(extra.contact))"}},
    )])
    data["metadata"]["id"] = 4
    upgraded = upgrade_legacy(data, to_version="9", uuids=SeededUUIDs(1))
    add, remove, start, reply = upgraded["action_sets"][0]["actions"]
    testers = add["groups"][0]
    assert set(testers) == {"uuid", "name"} and testers["name"] == "Testers"
    assert remove["groups"][0]["uuid"] == testers["uuid"]  # same id, same UUID
    assert add["groups"][1:] == [{"name": "Plain"}, "@contact.x"]
    assert start["flow"]["name"] == "Other Flow" and "id" not in start
    assert reply["msg"]["eng"] == "@parent.name and @(UPPER(parent.contact))"
    assert upgraded["metadata"]["uuid"] == "a4f64f1b-85bc-477e-b706-de313a022979"
    assert "id" not in upgraded["metadata"]


def test_v9_keeps_existing_flow_references():
    ref = {"uuid": "b9c1a0f5-9e41-4a5e-9b1f-1d8c7f5e2a11", "name": "Child"}
    data = flow(8, [action_set(AS1, {"type": "flow", "flow": dict(ref)})])
    upgraded = upgrade_legacy(data, to_version="9")
    assert upgraded["action_sets"][0]["actions"][0]["flow"] == ref


# -- versions 10 to 10.4 ----------------------------------------------------------------------


def test_v10_webhook_rulesets_route_success_and_failure():
    data = flow(9, [action_set(AS1, {"type": "reply", "msg": {"eng": "hi"}})],
                [{"uuid": RS1, "x": 0, "y": 0, "label": "Hook", "ruleset_type": "webhook",
                  "webhook": "http://x.com", "webhook_action": "GET", "operand": "@step.value",
                  "rules": [{"uuid": AS2, "category": {"eng": "All"}, "destination": AS1,
                             "destination_type": "A", "test": {"type": "true"}}]}])
    rule_set = upgrade_legacy(data, to_version="10")["rule_sets"][0]
    assert rule_set["config"] == {"webhook_action": "GET", "webhook": "http://x.com"}
    assert "webhook" not in rule_set
    success, failure = rule_set["rules"]
    assert success["uuid"] == AS2
    assert success["test"] == {"status": "success", "type": "webhook_status"}
    assert failure["category"] == {"eng": "Failure"} and failure["destination"] == AS1


def test_v10_2_localizes_bare_replies():
    data = flow(10, [action_set(AS1, {"type": "reply", "msg": "Hello"})])
    upgraded = upgrade_legacy(data, to_version="10.2")
    assert upgraded["action_sets"][0]["actions"][0]["msg"] == {"eng": "Hello"}


# -- 11.x ---------------------------------------------------------------------------------------


def test_11_0_wraps_dates_and_locations_in_messages():
    data = flow("10.4", [action_set(AS1, {"type": "reply", "msg": {"eng":
                "Born @flow.dob, lives in @flow.home. Joined @contact.joined at @date.now"}})],
                [{"uuid": RS1, "x": 0, "y": 100, "label": "DOB", "ruleset_type": "wait_message",
                  "operand": "@step.value", "rules": [
                      {"uuid": AS2, "category": {"eng": "Date"}, "test": {"type": "date"}}]},
                 {"uuid": "44444444-4444-4444-8444-444444444444", "x": 0, "y": 200,
                  "label": "Home", "ruleset_type": "wait_message", "operand": "@step.value",
                  "rules": [{"uuid": "55555555-5555-4555-8555-555555555555",
                             "category": {"eng": "State"}, "test": {"type": "state"}}]}])
    upgraded = upgrade_legacy(data, to_version="11.0", fields={"joined": "D"})
    assert upgraded["action_sets"][0]["actions"][0]["msg"]["eng"] == (
        "Born @(format_date(flow.dob)), lives in @(format_location(flow.home)). "
        "Joined @(format_date(contact.joined)) at @(format_date(date.now))")
    with legacy_engine_semantics():  # the legacy engine printed a date result as saved
        upgraded = upgrade_legacy(data, to_version="11.0", fields={"joined": "D"})
    assert upgraded["action_sets"][0]["actions"][0]["msg"]["eng"] == (
        "Born @flow.dob, lives in @(format_location(flow.home)). "
        "Joined @(format_date(contact.joined)) at @(format_date(date.now))")


@pytest.mark.parametrize("code, country, expected", [
    ("fre", None, "fra"), ("fr", None, "fra"), ("eng", None, "eng"), ("ger", None, "deu"),
    ("cpe", "NG", "pcm"), ("cpe", "LR", "lir"), ("cpe", None, "pcm"), ("zzz", None, "zzz"),
])
def test_iso639_3(code, country, expected):
    assert iso639_3(code, country) == expected


def test_11_1_and_11_2_language_codes():
    data = flow("11.0", [action_set(AS1, {"type": "reply", "msg": {"eng": "Hi", "fre": "Salut"}},
                                    {"type": "lang", "lang": "cpe", "name": "Pidgin"})],
                base_language="fre")
    upgraded = upgrade_legacy(data, to_version="11.2", country="NG")
    reply, lang = upgraded["action_sets"][0]["actions"]
    assert reply["msg"] == {"eng": "Hi", "fra": "Salut"}
    assert lang["lang"] == "pcm"
    assert upgraded["base_language"] == "fra"


def test_11_4_step_value_for_results_of_non_waiting_rulesets():
    reply = {"type": "reply", "msg": {"eng": "@flow.age.text / @flow.name.text"}}
    data = flow("11.3", [action_set(AS1, reply)],
                [{"uuid": RS1, "x": 0, "y": 100, "label": "Age", "ruleset_type": "expression",
                  "operand": "@contact.age", "rules": []},
                 {"uuid": AS2, "x": 0, "y": 200, "label": "Name", "ruleset_type": "wait_message",
                  "operand": "@step.value", "rules": []}])
    upgraded = upgrade_legacy(data, to_version="11.4")
    assert upgraded["action_sets"][0]["actions"][0]["msg"]["eng"] == "@step.value / @flow.name.text"


def test_11_5_webhook_results_become_extra():
    reply = {"type": "reply", "msg": {"eng": "@flow.lookup.value @flow.lookup.category"}}
    data = flow("11.4", [action_set(AS1, reply)],
                [{"uuid": RS1, "x": 0, "y": 100, "label": "Lookup", "ruleset_type": "webhook",
                  "operand": "@step.value", "config": {"webhook": "http://a.b"}, "rules": []}])
    upgraded = upgrade_legacy(data, to_version="11.5")
    text = upgraded["action_sets"][0]["actions"][0]["msg"]["eng"]
    assert text == "@extra.lookup @flow.lookup.category"


def test_11_7_webhook_actions_split_their_action_set():
    data = flow("11.6", [action_set(
        AS1,
        {"type": "reply", "uuid": "a1", "msg": {"eng": "before"}},
        {"type": "api", "uuid": "a2", "webhook": "http://x.com", "action": "GET"},
        {"type": "reply", "uuid": "a3", "msg": {"eng": "after"}},
        destination=None,
    )])
    upgraded = upgrade_legacy(data, to_version="11.7", uuids=SeededUUIDs(3))
    first = next(a for a in upgraded["action_sets"] if a["uuid"] == AS1)
    assert [a["uuid"] for a in first["actions"]] == ["a1"]
    (hook,) = upgraded["rule_sets"]
    assert first["destination"] == hook["uuid"]
    assert hook["ruleset_type"] == "webhook" and hook["label"] == "Migrated Webhook 1"
    assert hook["config"]["webhook"] == "http://x.com" and hook["config"]["webhook_action"] == "GET"
    last = next(a for a in upgraded["action_sets"] if a["uuid"] == hook["rules"][0]["destination"])
    assert [a["uuid"] for a in last["actions"]] == ["a3"]
    assert hook["y"] > first["y"] and last["y"] > hook["y"]


def test_11_8_duplicate_rule_uuids_are_replaced():
    rule = {"uuid": AS2, "category": {"eng": "A"}, "test": {"type": "true"}}
    data = flow("11.7", [], [{"uuid": RS1, "x": 0, "y": 0, "label": "X",
                              "ruleset_type": "wait_message", "operand": "@step.value",
                              "rules": [dict(rule), dict(rule)]}])
    rules = upgrade_legacy(data, to_version="11.8")["rule_sets"][0]["rules"]
    assert rules[0]["uuid"] == AS2 and rules[1]["uuid"] != AS2


def test_11_10_subflows_of_another_modality_become_trigger_flow():
    voice = "c0c0c0c0-0000-4000-8000-000000000001"
    data = flow("11.9", [action_set(AS1, {"type": "flow", "uuid": "a1",
                                         "flow": {"uuid": voice, "name": "Call"}})],
                [{"uuid": RS1, "x": 0, "y": 100, "label": "Sub", "ruleset_type": "subflow",
                  "operand": "@step.value", "config": {"flow": {"uuid": voice, "name": "Call"}},
                  "rules": [{"uuid": AS2, "category": {"eng": "Completed"}, "destination": AS1,
                             "test": {"type": "subflow", "exit_type": "completed"}}]}])
    upgraded = upgrade_legacy(data, to_version="11.10", flow_types={voice: "V"})
    assert upgraded["rule_sets"] == []
    start = upgraded["action_sets"][0]["actions"][0]
    assert start["type"] == "trigger-flow" and start["variables"] == [{"id": "@contact.uuid"}]
    replaced = upgraded["action_sets"][1]
    assert (replaced["uuid"], replaced["exit_uuid"], replaced["destination"]) == (RS1, AS2, AS1)


# -- exports --------------------------------------------------------------------------------


def test_export_upgrade_uses_each_flows_version():
    export = load("subflow.json")
    upgraded = upgrade_export(export)
    assert upgraded["version"] == "11.12"
    assert [f["version"] for f in upgraded["flows"]] == ["11.12", "11.12"]
    parent = upgraded["flows"][0]
    start = next(rs for rs in parent["rule_sets"] if rs["ruleset_type"] == "subflow")
    assert start["config"]["flow"]["uuid"] == upgraded["flows"][1]["metadata"]["uuid"]


def test_export_v8_triggers_and_campaigns_get_uuids():
    export = {"version": 8,
              "flows": [flow(8, [action_set(AS1, {"type": "reply", "msg": {"eng": "x"}})])],
              "triggers": [{"trigger_type": "K", "keyword": "join",
                            "flow": {"id": 4, "name": "Test"},
                            "groups": [{"id": 9, "name": "G"}]}],
              "campaigns": []}
    export["flows"][0]["metadata"]["id"] = 4
    upgraded = upgrade_export(export)
    trigger = upgraded["triggers"][0]
    assert trigger["flow"] == {"name": "Test", "uuid": "a4f64f1b-85bc-477e-b706-de313a022979"}
    assert set(trigger["groups"][0]) == {"uuid", "name"}


def test_iso639_3_table_agrees_with_pycountry():
    import pycountry

    from turnflow.goflow.legacy.versions import _BIBLIOGRAPHIC

    expected = {language.bibliographic: language.alpha_3 for language in pycountry.languages
                if getattr(language, "bibliographic", None)
                and language.bibliographic != language.alpha_3}
    assert _BIBLIOGRAPHIC == expected
    assert not any(pycountry.languages.get(alpha_3=code) for code in expected)
    assert iso639_3("ENG") == "eng" and iso639_3("ZZZ") == "ZZZ"  # the slow path still works
