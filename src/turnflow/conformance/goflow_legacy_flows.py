"""Data set ``legacy-flows``: goflow's flows/definition/legacy/testdata/*.json.

Legacy (v11.x) definitions migrated to 13.0.0 as goflow's legacy migrator does, new UUIDs
from the v4 generator seeded 123456 (restarted per case) and media made absolute against
``https://myfiles.com``. As in goflow's test, an action, rule test or rule set is wrapped in
a small legacy flow, and the part under test (plus localization and the editor's _ui entry)
is compared as JSON:

- actions.json: ``nodes[0].actions[0]`` and ``localization``
- tests.json: ``nodes[0].router.cases[0]``, ``localization``, the case's _ui config
- rulesets.json: ``nodes[0]``, its _ui node, ``localization``
- flows.json: the whole migrated flow
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import TurnflowError
from ..generators import SeededUUIDs, SequentialClock
from ..goflow.legacy import migrate_legacy
from . import DataSetResult

MEDIA_URL = "https://myfiles.com"
_HOLDER_UUID = "10e483a8-5ffb-4c4f-917b-d43ce86c1d65"
_METADATA = {"uuid": "50c3706e-fedb-42c0-8eab-dda3335714b7", "name": "TestFlow"}

Json = dict[str, Any]


def run_legacy_flows(goflow_dir: Path) -> DataSetResult:
    result = DataSetResult("legacy-flows")
    folder = goflow_dir / "flows/definition/legacy/testdata"
    checks: dict[str, Callable[[Json], str | None]] = {
        "actions.json": _check_action,
        "tests.json": _check_test,
        "rulesets.json": _check_ruleset,
        "flows.json": _check_flow,
    }
    for name, check in checks.items():
        path = folder / name
        try:
            cases = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            result.record(False, f"{name}: can't read: {exc}")
            continue
        for index, case in enumerate(cases):
            try:
                problem = check(case)
            except TurnflowError as exc:
                problem = f"migration failed: {exc}"
            except (KeyError, IndexError, TypeError) as exc:
                problem = f"unexpected output shape: {exc!r}"
            label = case.get("description") or _summary(case)
            result.record(problem is None, f"{name}[{index}] {label}: {problem}")
    return result


def _migrate(definition: Json) -> Json:
    uuids = SeededUUIDs(123456, SequentialClock())
    return migrate_legacy(copy.deepcopy(definition), uuids=uuids, base_media_url=MEDIA_URL)


def _diff(what: str, expected: Any, actual: Any) -> str | None:
    if expected == actual:
        return None
    return (f"{what}: expected {json.dumps(expected, sort_keys=True)} "
            f"got {json.dumps(actual, sort_keys=True)}")


def _first(*problems: str | None) -> str | None:
    return next((p for p in problems if p is not None), None)


def _check_action(case: Json) -> str | None:
    flow = {
        "base_language": "eng",
        "entry": _HOLDER_UUID,
        "flow_type": case.get("legacy_flow_type") or "F",
        "action_sets": [{
            "uuid": _HOLDER_UUID, "y": 100, "x": 100, "destination": None,
            "exit_uuid": "cfcf5cef-49f9-41a6-886b-f466575a3045",
            "actions": [case["legacy_action"]],
        }],
        "metadata": dict(_METADATA),
    }
    migrated = _migrate(flow)
    return _first(
        _diff("action", case["expected_action"], migrated["nodes"][0]["actions"][0]),
        _diff("localization", case["expected_localization"], migrated["localization"]),
    )


def _check_test(case: Json) -> str | None:
    flow = {
        "base_language": "eng",
        "entry": _HOLDER_UUID,
        "flow_type": "F",
        "rule_sets": [{
            "uuid": _HOLDER_UUID,
            "rules": [{
                "test": case["legacy_test"], "category": {"eng": "All Responses"},
                "destination": None, "uuid": "c072ecb5-0686-40ea-8ed3-898dc1349783",
                "destination_type": None,
            }],
            "ruleset_type": "wait_message", "label": "Name", "operand": "@step.value",
            "finished_key": None, "response_type": "", "y": 0, "x": 100, "config": {},
        }],
        "metadata": dict(_METADATA),
    }
    migrated = _migrate(flow)
    kase = migrated["nodes"][0]["router"]["cases"][0]
    problem = _first(
        _diff("case", case["expected_case"], kase),
        _diff("localization", case["expected_localization"], migrated["localization"]),
    )
    if problem is None and case.get("expected_ui") is not None:
        ui = migrated["_ui"]["nodes"][_HOLDER_UUID]["config"]["cases"][kase["uuid"]]
        problem = _diff("case _ui", case["expected_ui"], ui)
    return problem


def _check_ruleset(case: Json) -> str | None:
    def action_set(uuid: str, y: int, exit_uuid: str) -> Json:
        return {"uuid": uuid, "x": 0, "y": y, "destination": None, "exit_uuid": exit_uuid,
                "actions": []}

    flow = {
        "base_language": "eng",
        "entry": _HOLDER_UUID,
        "flow_type": "F",
        "rule_sets": [case["legacy_ruleset"]],
        "action_sets": [
            action_set("5b977652-91e3-48be-8e86-7c8094b4aa8f", 2200,
                       "cfcf5cef-49f9-41a6-886b-f466575a3045"),
            action_set("833fc698-d590-42dc-93e1-39e701b7e8e4", 2400,
                       "da3e7eaf-c087-4e80-97b5-0b2e217fcc93"),
            action_set("42ff72d3-5f4d-4dbf-89c9-8a97864dabcd", 2600,
                       "6a8cb81b-1b59-4cfb-b00e-575ccbafd3ba"),
        ],
        "metadata": dict(_METADATA),
    }
    migrated = _migrate(flow)
    node = migrated["nodes"][0]
    return _first(
        _diff("node", case["expected_node"], node),
        _diff("node _ui", case["expected_ui"], migrated["_ui"]["nodes"].get(node["uuid"])),
        _diff("localization", case["expected_localization"], migrated["localization"]),
    )


def _check_flow(case: Json) -> str | None:
    return _diff("flow", case["expected"], _migrate(case["legacy"]))


def _summary(case: Json) -> str:
    for key in ("legacy_action", "legacy_test", "legacy_ruleset"):
        item = case.get(key)
        if isinstance(item, dict):
            return str(item.get("type") or item.get("ruleset_type"))
    legacy = case.get("legacy")
    if isinstance(legacy, dict):
        return repr((legacy.get("metadata") or {}).get("name") or legacy.get("name") or "")
    return ""
