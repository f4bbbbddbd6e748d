"""goflow's trigger tests (``flows/triggers/testdata``) as a data set.

``*.json`` cases: a trigger that must be refused with ``read_error``, or read, written back
unchanged and give ``context`` as ``@(json(trigger))`` (with the test assets' users for
``@trigger.user``). ``TestTriggerMarshaling_*.snap`` snapshots: each must be read and written
back unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..expressions import Environment, XObject, evaluate_template
from ..goflow.assets import Assets
from ..goflow.triggers import TriggerReadError, read_trigger
from . import DataSetResult, testdata_cases

TESTDATA = "flows/triggers/testdata"


def _context_json(trigger: Any, assets: Any) -> Any:
    result = evaluate_template(
        "@(json(trigger))", XObject({"trigger": trigger.context(assets)}), Environment()
    )
    failures = list(result.failures())
    if failures:
        return {"error": failures[0][1].message}
    return json.loads(result.text)


def run_case(case: dict[str, Any], assets: Any) -> str:
    expected_error = case.get("read_error")
    try:
        trigger = read_trigger(case["trigger"])
    except TriggerReadError as exc:
        if expected_error is None:
            return f"refused: {exc.message}"
        if exc.message == expected_error:
            return ""
        return f"refused with {exc.message!r}, expected {expected_error!r}"
    if expected_error is not None:
        return f"accepted; expected read error {expected_error!r}"
    problems = []
    if trigger.to_json() != case["trigger"]:
        problems.append(f"written back as {json.dumps(trigger.to_json(), sort_keys=True)}")
    if "context" in case:
        context = _context_json(trigger, assets)
        if context != case["context"]:
            problems.append(
                f"context {json.dumps(context, sort_keys=True)},"
                f" expected {json.dumps(case['context'], sort_keys=True)}"
            )
    return "; ".join(problems)


def run_snapshot(path: Path) -> str:
    data = json.loads(path.read_text())
    try:
        trigger = read_trigger(data)
    except TriggerReadError as exc:
        return f"refused: {exc.message}"
    if trigger.to_json() == data:
        return ""
    return f"written back as {json.dumps(trigger.to_json(), sort_keys=True)}"


def run_triggers(goflow_dir: Path) -> DataSetResult:
    result = DataSetResult("triggers")
    folder = goflow_dir / TESTDATA
    assets = Assets.from_file(folder / "_assets.json")
    for label, case in testdata_cases(folder):
        try:
            problem = run_case(case, assets)
        except Exception as exc:  # a crash fails that case only
            problem = f"crashed: {type(exc).__name__}: {exc}"
        result.record(not problem, f"{label}: {problem}" if problem else label)
    for path in sorted(folder.glob("*.snap")):
        try:
            problem = run_snapshot(path)
        except Exception as exc:
            problem = f"crashed: {type(exc).__name__}: {exc}"
        result.record(not problem, f"{path.stem}: {problem}" if problem else path.stem)
    return result
