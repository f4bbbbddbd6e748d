"""Data set ``migrations``: goflow's flows/definition/migrations/testdata/migrations/*.json.

Each file ``VERSION.json`` is a list of ``{description, original, migrated}``: the original is
migrated up to exactly VERSION, with new UUIDs from the seeded generator goflow's test uses,
and must equal ``migrated`` as JSON. As in goflow's test, the result must then read as a flow.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import TurnflowError
from ..generators import SeededUUIDs, SequentialClock
from ..goflow.migrations import migrate
from ..goflow.reader import read_flow
from . import DataSetResult


def run_migrations(goflow_dir: Path) -> DataSetResult:
    result = DataSetResult("migrations")
    folder = goflow_dir / "flows/definition/migrations/testdata/migrations"
    files = sorted(folder.glob("*.json"), key=lambda p: _version_key(p.stem))
    if not files:
        result.record(False, f"no migration test files in {folder}")
    for path in files:
        for index, case in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            ok, problem = _run_case(path.stem, case)
            result.record(ok, f"{path.name}[{index}] {case.get('description')!r}: {problem}")
    return result


def _version_key(text: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in text.split("."))


def _run_case(version: str, case: dict[str, Any]) -> tuple[bool, str]:
    uuids = SeededUUIDs(123456, SequentialClock())
    try:
        actual = migrate(case["original"], to=version, uuids=uuids)
    except TurnflowError as exc:
        return False, f"migration failed: {exc}"
    if actual != case["migrated"]:
        return False, "got " + json.dumps(actual, sort_keys=True)
    try:
        read_flow(actual)
    except TurnflowError as exc:
        return False, f"migrated flow doesn't read: {exc}"
    return True, "ok"
