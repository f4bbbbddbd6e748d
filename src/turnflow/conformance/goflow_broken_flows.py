"""Data set ``broken-flows``: goflow's flows/definition/testdata/broken_flows/*.json.

Every file is an assets file whose first flow must be refused. Where goflow's test gives the
expected read error (_extracted/broken_flows_expected_errors.json) the message must match
exactly; the other files (a broken child flow, missing assets) must fail the assets check.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..goflow.assets import Assets, AssetsError
from ..goflow.validation import FlowReadError
from . import DataSetResult


def run_broken_flows(goflow_dir: Path) -> DataSetResult:
    result = DataSetResult("broken-flows")
    folder = goflow_dir / "flows/definition/testdata/broken_flows"
    expected_file = goflow_dir / "_extracted/broken_flows_expected_errors.json"
    expected = {
        case["file"]: case["expected_error"]
        for case in json.loads(expected_file.read_text(encoding="utf-8"))["cases"]
    }
    files = sorted(folder.glob("*.json"))
    if not files:
        result.record(False, f"no broken flow files in {folder}")
    for path in files:
        ok, description = _run_case(path, expected.get(path.name))
        result.record(ok, f"{path.name}: {description}")
    return result


def _run_case(path: Path, expected: str | None) -> tuple[bool, str]:
    try:
        assets = Assets.load(path)
        first = assets.flows.items[0]["uuid"]
    except (AssetsError, IndexError) as exc:
        return False, f"assets not loaded: {exc}"
    try:
        assets.flow(first)
    except FlowReadError as exc:
        if expected is None or exc.message == expected:
            return True, "rejected"
        return False, f"expected error {expected!r}, got {exc.message!r}"
    if expected is not None:
        return False, f"accepted, expected error {expected!r}"
    problems = assets.check_flow(first)
    if problems:
        return True, "; ".join(problems)
    return False, "accepted with no problems"
