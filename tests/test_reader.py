"""Reading goflow flow definitions: the graph, and goflow's errors for broken ones."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from turnflow.goflow.reader import read_action, read_flow
from turnflow.goflow.validation import FlowReadError, validate_action

GOFLOW = Path("/work/shared/fixtures/goflow")
BROKEN = GOFLOW / "flows/definition/testdata/broken_flows"

FLOW = {
    "uuid": "8ca44c09-791d-453a-9799-a70dd3303306",
    "name": "Test Flow",
    "spec_version": "14.4.2",
    "language": "eng",
    "type": "messaging",
    "revision": 3,
    "expire_after_minutes": 30,
    "localization": {"spa": {"76112ef2-790e-4b5b-84cb-e910f191a335": {"text": ["Hola"]}}},
    "nodes": [
        {
            "uuid": "a58be63b-907d-4a1a-856b-0bb5579d7507",
            "actions": [
                {"type": "send_msg", "uuid": "76112ef2-790e-4b5b-84cb-e910f191a335",
                 "text": "Do you like beer?"}
            ],
            "router": {
                "type": "switch",
                "wait": {"type": "msg", "timeout": {
                    "seconds": 60, "category_uuid": "8fd08f1c-8f4e-42c1-af6c-df2db2e0eda6"}},
                "operand": "@input.text",
                "cases": [{"uuid": "9f593e22-7886-4c08-a52f-0e8780504d75",
                           "type": "has_any_word", "arguments": ["yes", "yeah"],
                           "category_uuid": "97b9451c-2856-475b-af38-32af68100897"}],
                "default_category_uuid": "8fd08f1c-8f4e-42c1-af6c-df2db2e0eda6",
                "result_name": "Response 1",
                "categories": [
                    {"uuid": "97b9451c-2856-475b-af38-32af68100897", "name": "Yes",
                     "exit_uuid": "023a5c10-d74a-4fad-9560-990caead8170"},
                    {"uuid": "8fd08f1c-8f4e-42c1-af6c-df2db2e0eda6", "name": "No",
                     "exit_uuid": "8943c032-2a91-456c-8080-2a249f1b420c"},
                ],
            },
            "exits": [
                {"uuid": "023a5c10-d74a-4fad-9560-990caead8170",
                 "destination_uuid": "baaf9085-1198-4b41-9a1c-cc51c6dbec99"},
                {"uuid": "8943c032-2a91-456c-8080-2a249f1b420c"},
            ],
        },
        {"uuid": "baaf9085-1198-4b41-9a1c-cc51c6dbec99",
         "exits": [{"uuid": "3e077111-7b62-4407-b8a4-4fddaf0d2f24"}]},
    ],
}


def flow(**changes):
    data = copy.deepcopy(FLOW)
    data.update(changes)
    return data


def error(data, prefix="") -> FlowReadError:
    with pytest.raises(FlowReadError) as info:
        read_flow(data, prefix)
    return info.value


def test_reads_graph():
    f = read_flow(flow())
    assert (f.uuid, f.name, f.language, f.type, f.revision) == (
        FLOW["uuid"], "Test Flow", "eng", "messaging", 3)
    assert f.expire_after_minutes == 30
    node = f.nodes[0]
    assert node.actions[0].type == "send_msg"
    assert node.actions[0].uuid == "76112ef2-790e-4b5b-84cb-e910f191a335"
    router = node.router
    assert router.type == "switch" and router.operand == "@input.text"
    assert router.cases[0].arguments == ("yes", "yeah")
    assert router.wait.type == "msg" and router.wait.timeout.seconds == 60
    assert router.result_name == "Response 1"
    assert node.exits[1].destination_uuid is None
    assert f.node("baaf9085-1198-4b41-9a1c-cc51c6dbec99").router is None
    assert f.localized("spa", "76112ef2-790e-4b5b-84cb-e910f191a335", "text") == ["Hola"]


def test_header_errors():
    e = error({"nodes": []})
    assert e.message == ("unable to read flow header: field 'uuid' is required, "
                         "field 'spec_version' is required")
    e = error(flow(uuid="nope"), "flows[2]")
    assert e.message == "unable to read flow header: field 'uuid' must be a valid UUID"
    assert e.path == "flows[2].uuid"


def test_spec_versions():
    assert read_flow(flow(spec_version="13.0")).spec_version == "13.0"
    e = error(flow(spec_version="14.5.0"))
    assert e.message == "spec version 14.5.0 is newer than this library (14.4.2)"
    assert "newer" in error(flow(spec_version="2000.0")).message
    assert "legacy" in error(flow(spec_version="11.12")).message
    # legacy (v11.x) definitions are migrated to 13.0.0 on read (tests/test_legacy_flows.py)
    legacy = {"base_language": "eng", "flow_type": "M", "action_sets": [], "rule_sets": []}
    assert read_flow(legacy).spec_version == "13.0.0"


def test_base_language_before_13_2():
    assert read_flow(flow(spec_version="13.0.0", language="base")).language == "und"
    assert error(flow(language="base")).message == "field 'language' is not a valid language code"


def test_envelope_errors():
    data = flow()
    del data["type"]
    assert error(data).message == "field 'type' is required"
    assert error(flow(type="whispers")).message == "field 'type' is not a valid flow type"
    e = error(flow(name=5))
    assert e.message == "unable to read flow header: field 'name' must be a string"


def test_paths_are_precise():
    data = flow()
    data["nodes"][0]["actions"][0]["text"] = ""
    e = error(data, "flows[0]")
    assert e.message == "unable to read action[0]: field 'text' is required"
    assert e.path == "flows[0].nodes[0].actions[0].text"
    assert e.detail.startswith("flows[0].nodes[0].actions[0].text: ")


def test_unknown_types():
    data = flow()
    data["nodes"][0]["actions"][0]["type"] = "fly"
    assert error(data).message == "unable to read action[0]: unknown type: 'fly'"
    data = flow()
    data["nodes"][0]["router"]["type"] = "magic"
    assert error(data).message == "unable to read router: unknown type: 'magic'"
    data = flow()
    data["nodes"][0]["router"]["wait"]["type"] = "nap"
    assert error(data).message == "unable to read router: unable to read wait: unknown type: 'nap'"


def test_graph_errors():
    data = flow()
    category = data["nodes"][0]["router"]["categories"][0]
    category["exit_uuid"] = "11111111-1111-4111-8111-111111111111"
    assert error(data).message.endswith(
        "invalid router: category exit 11111111-1111-4111-8111-111111111111 is not a valid exit")
    data = flow()
    data["nodes"][1]["exits"][0]["uuid"] = "023a5c10-d74a-4fad-9560-990caead8170"
    assert error(data).message == (
        "invalid node[uuid=baaf9085-1198-4b41-9a1c-cc51c6dbec99]: "
        "exit UUID 023a5c10-d74a-4fad-9560-990caead8170 isn't unique")
    data = flow()
    data["nodes"][1]["actions"] = [copy.deepcopy(data["nodes"][0]["actions"][0])]
    assert "action UUID 76112ef2-790e-4b5b-84cb-e910f191a335 isn't unique" in error(data).message
    data = flow()
    data["nodes"][0]["router"]["cases"][0]["type"] = "has_magic"
    assert "has_magic is not a registered test function" in error(data).message


def test_action_fields_in_goflow_order():
    action = {"type": "send_msg", "uuid": "ad154980-7bf7-4ab8-8728-545fd6378912", "text": "",
              "attachments": ["image:a.jpg"] * 11, "quick_replies": ["x"] * 11}
    with pytest.raises(FlowReadError) as info:
        read_action(action, "a")
    assert info.value.message == (
        "field 'text' is required, field 'attachments' must have a maximum of 10 items, "
        "field 'quick_replies' must have a maximum of 10 items")


def test_action_validate():
    assert validate_action({"type": "remove_contact_groups", "all_groups": True,
                            "groups": [{"uuid": "b7cf0d83-f1c9-411c-96fd-c511a4cfa86d"}]}) == (
        "can't specify specific groups when all_groups=true")
    assert validate_action({"type": "transfer_airtime", "amounts": {"USD": -1}}) == (
        "amount for 'USD' is out of range")


@pytest.mark.skipif(not GOFLOW.exists(), reason="goflow fixtures not present")
def test_action_fixtures_read_errors():
    for path in sorted((GOFLOW / "flows/actions/testdata").glob("*.json")):
        cases = json.loads(path.read_text())
        if not isinstance(cases, list):
            continue
        for case in cases:
            try:
                read_action(case["action"], "action")
                got = validate_action(case["action"])
            except FlowReadError as exc:
                got = exc.message
            assert got == case.get("read_error"), (path.name, case.get("description"))


@pytest.mark.skipif(not BROKEN.exists(), reason="goflow fixtures not present")
def test_broken_flows_expected_messages():
    expected = json.loads((GOFLOW / "_extracted/broken_flows_expected_errors.json").read_text())
    for case in expected["cases"]:
        data = json.loads((BROKEN / case["file"]).read_text())
        assert error(data["flows"][0], "flows[0]").message == case["expected_error"], case["file"]


@pytest.mark.skipif(not GOFLOW.exists(), reason="goflow fixtures not present")
def test_runner_flows_read():
    for path in sorted((GOFLOW / "test/testdata/runner").glob("*.json")):
        if ".test." in path.name.lower():
            continue
        for index, definition in enumerate(json.loads(path.read_text()).get("flows", [])):
            if "action_sets" in definition:
                continue
            read_flow(definition, f"flows[{index}]")


def test_language_codes_read_from_pycountrys_file_are_pycountrys():
    import pycountry

    from turnflow.iso639 import _entries_from_file

    # a change in pycountry's file layout would silently fall back to the slow path
    entries = _entries_from_file()
    assert entries is not None
    assert {entry["alpha_3"]: entry.get("alpha_2") for entry in entries} == {
        language.alpha_3: getattr(language, "alpha_2", None) for language in pycountry.languages
    }
