"""Legacy (v11.x) flow definitions: goflow's migration to 13.0.0, and reading them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from turnflow.generators import SeededUUIDs
from turnflow.goflow.assets import Assets
from turnflow.goflow.legacy import LegacyFlowError, is_legacy_definition, migrate_legacy
from turnflow.goflow.reader import is_legacy, read_flow
from turnflow.goflow.validation import FlowReadError

GOFLOW = Path("/work/shared/fixtures/goflow")
ENTRY = "10e483a8-5ffb-4c4f-917b-d43ce86c1d65"
METADATA = {"uuid": "50c3706e-fedb-42c0-8eab-dda3335714b7", "name": "TestFlow", "revision": 3}


def _flow(action_sets=(), rule_sets=(), **extra) -> dict:
    return {"base_language": "eng", "flow_type": "F", "entry": ENTRY,
            "action_sets": list(action_sets), "rule_sets": list(rule_sets),
            "metadata": dict(METADATA), **extra}


def _action_set(actions, uuid=ENTRY, y=0, destination=None) -> dict:
    return {"uuid": uuid, "x": 10, "y": y, "destination": destination,
            "exit_uuid": "cfcf5cef-49f9-41a6-886b-f466575a3045", "actions": actions}


def _migrate(definition: dict) -> dict:
    return migrate_legacy(definition, uuids=SeededUUIDs(123456))


def test_header_and_ui():
    migrated = _migrate(_flow(metadata={**METADATA, "expires": 60,
                                        "notes": [{"x": 1.9, "y": -2.5, "title": "T",
                                                   "body": "B"}]}))
    assert migrated["uuid"] == METADATA["uuid"]
    assert migrated["spec_version"] == "13.0.0"
    assert (migrated["type"], migrated["revision"], migrated["expire_after_minutes"]) == (
        "messaging", 3, 60)
    sticky = next(iter(migrated["_ui"]["stickies"].values()))
    assert sticky == {"position": {"left": 1, "top": -2}, "title": "T", "body": "B",
                      "color": "yellow"}


def test_missing_uuid_is_generated_after_nodes():
    migrated = _migrate({"base_language": "eng", "flow_type": "S"})
    assert migrated["uuid"] == "1b2083ab-a0cb-48da-924e-9de1a11831b3"
    assert migrated["type"] == "messaging_offline"


def test_reply_with_translations_and_media():
    action = {"type": "reply", "uuid": "5a4d00aa-807e-44af-9693-64b9fdedd352",
              "msg": {"eng": "Hi @contact.name", "fra": "Salut @contact.name"},
              "media": {"eng": "photo.jpg"}, "quick_replies": [{"eng": "Yes", "fra": "Oui"}]}
    migrated = migrate_legacy(_flow([_action_set([action])]), uuids=SeededUUIDs(123456),
                              base_media_url="https://files/")
    send = migrated["nodes"][0]["actions"][0]
    assert send == {"uuid": action["uuid"], "type": "send_msg", "text": "Hi @contact.name",
                    "attachments": ["image:https://files/photo.jpg"], "quick_replies": ["Yes"]}
    assert migrated["localization"] == {"fra": {action["uuid"]: {
        "text": ["Salut @contact.name"], "quick_replies": ["Oui"]}}}


def test_save_first_name_and_urn():
    def one(field: str) -> dict:
        action = {"type": "save", "uuid": "5a4d00aa-807e-44af-9693-64b9fdedd352",
                  "field": field, "label": "X", "value": "@step.value"}
        return _migrate(_flow([_action_set([action])]))["nodes"][0]["actions"][0]

    assert one("first_name")["name"] == "@input @(word_slice(contact.name, 1, -1))"
    assert one("tel_e164")["scheme"] == "tel"
    assert one("telegram")["type"] == "add_contact_urn"
    assert one("age")["field"] == {"key": "age", "name": "X"}


def test_unknown_action_type_names_its_place():
    action = {"type": "bogus", "uuid": "5a4d00aa-807e-44af-9693-64b9fdedd352"}
    with pytest.raises(LegacyFlowError) as info:
        _migrate(_flow([_action_set([action])]))
    assert info.value.message == (
        f"error migrating action_set[uuid={ENTRY}]: error migrating action[type=bogus]: "
        "unable to migrate legacy action type: bogus")


def test_invalid_node_uuid_is_refused():
    with pytest.raises(LegacyFlowError, match=r"action_sets\[0\]\.uuid' must be a valid UUID4"):
        _migrate(_flow([_action_set([], uuid="not-a-uuid")]))


def _wait_ruleset(rules, **extra) -> dict:
    return {"uuid": ENTRY, "x": 0, "y": 0, "label": "Answer", "operand": "@step.value",
            "ruleset_type": "wait_message", "config": {}, "rules": rules, **extra}


def _rule(uuid: str, test: dict, category: str, destination=None) -> dict:
    return {"uuid": uuid, "test": test, "category": {"eng": category},
            "destination": destination}


def test_rules_merge_categories_and_timeout():
    rules = [
        _rule("ea304225-332e-49d4-9768-1e804cd0b6c2", {"type": "contains_any",
                                                        "test": {"eng": "yes"}}, "Yes"),
        _rule("633dfe67-988e-4190-a95f-70f477494032", {"type": "contains_any",
                                                        "test": {"eng": "sure"}}, "Yes"),
        _rule("1fc4c133-d038-4f75-a69e-6e7e3190e5d8", {"type": "timeout", "minutes": 5},
              "No Response"),
        _rule("b8922464-5343-43c9-ad92-09e01c4c9a2f", {"type": "true"}, "Other"),
    ]
    node = _migrate(_flow(rule_sets=[_wait_ruleset(rules)]))["nodes"][0]
    router = node["router"]
    assert [c["name"] for c in router["categories"]] == ["Yes", "No Response", "Other"]
    assert len(router["cases"]) == 2
    assert router["cases"][0]["category_uuid"] == router["cases"][1]["category_uuid"]
    assert router["wait"]["timeout"] == {"seconds": 300,
                                         "category_uuid": router["categories"][1]["uuid"]}
    assert router["default_category_uuid"] == router["categories"][2]["uuid"]
    assert [e["uuid"] for e in node["exits"]] == [rules[0]["uuid"], rules[2]["uuid"],
                                                  rules[3]["uuid"]]


def test_unsupported_test_type():
    rules = [_rule("ea304225-332e-49d4-9768-1e804cd0b6c2", {"type": "nope"}, "X")]
    with pytest.raises(LegacyFlowError, match="migration of 'nope' tests not supported"):
        _migrate(_flow(rule_sets=[_wait_ruleset(rules)]))


def test_airtime_amounts_per_currency():
    ruleset = _wait_ruleset([
        _rule("ea304225-332e-49d4-9768-1e804cd0b6c2", {"type": "airtime_status",
                                                        "exit_status": "success"}, "Success"),
        _rule("633dfe67-988e-4190-a95f-70f477494032", {"type": "airtime_status",
                                                        "exit_status": "failed"}, "Failure"),
    ], ruleset_type="airtime", label="Transfer",
        config={"EC": {"currency_code": "USD", "amount": 3},
                "RW": {"currency_code": "RWF", "amount": 2.5}})
    node = _migrate(_flow(rule_sets=[ruleset]))["nodes"][0]
    assert node["actions"][0]["amounts"] == {"USD": 3, "RWF": 2.5}
    assert node["router"]["operand"] == "@results.transfer"
    ruleset["config"]["US"] = {"currency_code": "USD", "amount": 4}
    with pytest.raises(LegacyFlowError, match="different amounts in same currency"):
        _migrate(_flow(rule_sets=[ruleset]))


def test_nodes_ordered_entry_first_then_top():
    sets = [_action_set([], uuid="d51ec25f-04e6-4349-a448-e7c4d93d4597", y=50),
            _action_set([], uuid="397e6a5d-b5ea-4d3a-91fa-de0b0f3efeca", y=10),
            _action_set([], y=100)]
    nodes = _migrate(_flow(sets))["nodes"]
    assert [n["uuid"] for n in nodes] == [ENTRY, sets[1]["uuid"], sets[0]["uuid"]]


def test_detection():
    assert is_legacy_definition({"flow_type": "M"})
    assert not is_legacy_definition({})
    assert is_legacy({"action_sets": [], "metadata": {}})
    assert not is_legacy({"uuid": METADATA["uuid"], "spec_version": "13.0", "nodes": []})
    assert is_legacy({"uuid": METADATA["uuid"], "spec_version": "11.12", "action_sets": []})


def test_read_flow_migrates_legacy_to_latest():
    action = {"type": "reply", "uuid": "5a4d00aa-807e-44af-9693-64b9fdedd352",
              "msg": {"eng": "Hi @contact.first_name"}}
    flow = read_flow(_flow([_action_set([action])], version="11.12"))
    assert flow.uuid == METADATA["uuid"]
    assert flow.spec_version == "13.0.0"
    assert flow.definition["spec_version"] == "14.4.2"
    assert flow.nodes[0].uuid == ENTRY


def test_read_flow_wraps_migration_errors():
    bad = _flow([_action_set([{"type": "bogus", "uuid": ENTRY}])])
    with pytest.raises(FlowReadError, match="error migrating what appears to be a legacy"):
        read_flow(bad, "flows[0]")


def test_assets_read_legacy_flows():
    assets = Assets({"flows": [_flow([_action_set([])])]})
    assert assets.flow_refs() == [{"uuid": METADATA["uuid"], "name": "TestFlow"}]
    assert assets.flow(METADATA["uuid"]).uuid == METADATA["uuid"]


@pytest.mark.skipif(not GOFLOW.exists(), reason="goflow fixtures not available")
def test_goflow_legacy_flows_conformance():
    from turnflow.conformance.goflow_legacy_flows import run_legacy_flows

    result = run_legacy_flows(GOFLOW)
    assert result.failed == 0, "\n".join(result.failures[:5])
    assert result.passed == 86


@pytest.mark.skipif(not GOFLOW.exists(), reason="goflow fixtures not available")
def test_goflow_legacy_flows_read():
    cases = json.loads((GOFLOW / "flows/definition/legacy/testdata/flows.json").read_text())
    for case in cases:
        if "fre" in json.dumps(case["expected"]["localization"]):
            continue  # fre (ISO 639-2/B) isn't an ISO 639-3 code
        flow = read_flow(case["legacy"], uuids=SeededUUIDs(123456))
        assert flow.uuid == case["expected"]["uuid"]
