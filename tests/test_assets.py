"""goflow assets files: loading, lookups, lazy flows and dependency checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from turnflow.conformance.goflow_broken_flows import run_broken_flows
from turnflow.goflow.assets import Assets, AssetsError
from turnflow.goflow.validation import FlowReadError

GOFLOW = Path("/work/shared/fixtures/goflow")

GROUP = {"uuid": "b7cf0d83-f1c9-411c-96fd-c511a4cfa86d", "name": "Testers"}
FLOW = {
    "uuid": "76f0a02f-3b75-4b86-9064-e9195e1b3a02", "name": "Flow", "spec_version": "14.4.2",
    "language": "eng", "type": "messaging",
    "nodes": [{
        "uuid": "a58be63b-907d-4a1a-856b-0bb5579d7507",
        "actions": [{"type": "add_contact_groups", "uuid": "ad154980-7bf7-4ab8-8728-545fd6378912",
                     "groups": [GROUP]},
                    {"type": "set_contact_field", "uuid": "bd154980-7bf7-4ab8-8728-545fd6378912",
                     "field": {"key": "gender", "name": "Gender"}, "value": "x"}],
        "exits": [{"uuid": "37d8813f-1402-4ad2-9cc2-e9054a96525b"}],
    }],
}
DATA = {
    "flows": [FLOW],
    "groups": [GROUP],
    "fields": [{"uuid": "d66a7823-eada-40e5-9a3a-57239d4690bf", "key": "gender",
                "name": "Gender", "type": "text"}],
    "resthooks": [{"slug": "new-registration", "subscribers": []}],
}


def test_lookups():
    assets = Assets.from_json(DATA)
    assert assets.groups.get(GROUP["uuid"]) == GROUP
    assert assets.group(name="testers") == GROUP
    assert assets.field("gender")["name"] == "Gender"
    assert assets.resthooks.by_key("new-registration") is not None
    assert len(assets.channels) == 0 and assets.labels.get("x") is None


def test_flows_are_read_once():
    assets = Assets.from_json(DATA)
    flow = assets.flow(FLOW["uuid"])
    assert flow is assets.flow(FLOW["uuid"])
    assert flow.nodes[0].actions[0].type == "add_contact_groups"
    with pytest.raises(AssetsError):
        assets.flow("11111111-1111-4111-8111-111111111111")
    assert assets.check_flow(FLOW["uuid"]) == []


def test_bad_flow_error_has_path():
    bad = json.loads(json.dumps(FLOW))
    bad["nodes"][0]["exits"] = []
    assets = Assets.from_json({"flows": [bad]})
    with pytest.raises(FlowReadError) as info:
        assets.flow(FLOW["uuid"])
    assert info.value.message == "unable to read node: field 'exits' must have a minimum of 1 items"
    assert info.value.path == "flows[0].nodes[0].exits"
    with pytest.raises(FlowReadError):  # the failure is cached too
        assets.flow(FLOW["uuid"])


def test_missing_dependencies():
    assets = Assets.from_json({"flows": [FLOW]})
    assert assets.check_flow(FLOW["uuid"]) == [
        f"missing dependency: group[uuid={GROUP['uuid']}, name=Testers]",
        "missing dependency: field[key=gender, name=Gender]",
    ]


def test_file_errors(tmp_path):
    with pytest.raises(AssetsError, match="no such file"):
        Assets.load(tmp_path / "nope.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"flows": [}')
    with pytest.raises(AssetsError, match=r"broken.json: invalid JSON at line 1 column 12"):
        Assets.load(broken)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"groups": [GROUP, {"name": "No UUID"}]}))
    with pytest.raises(AssetsError) as info:
        Assets.load(bad)
    assert info.value.path == "groups[1].uuid"
    assert str(info.value).endswith("bad.json: groups[1].uuid: field 'uuid' is required")
    bad.write_text(json.dumps({"fields": {"key": "x"}}))
    with pytest.raises(AssetsError, match="fields: must be an array"):
        Assets.load(bad)


@pytest.mark.skipif(not GOFLOW.exists(), reason="goflow fixtures not present")
def test_runner_assets_load():
    for path in sorted((GOFLOW / "test/testdata/runner").glob("*.json")):
        if ".test." not in path.name.lower():
            Assets.load(path)


@pytest.mark.skipif(not GOFLOW.exists(), reason="goflow fixtures not present")
def test_broken_flows_data_set():
    result = run_broken_flows(GOFLOW)
    assert result.failed == 0, result.failures
    assert result.passed == 29
