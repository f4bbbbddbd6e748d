"""Data set ``events``: goflow's event marshalling snapshots (``core/events/testdata/*.snap``).

Each snapshot is one event as goflow marshals it. A case passes when the event validates and
:func:`~turnflow.goflow.events.marshal_event` gives back the same JSON (key order aside).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import TurnflowError
from ..goflow.events import marshal_event, validate_event
from . import DataSetResult

SNAPSHOT_DIR = Path("core") / "events" / "testdata"


def snapshot_files(goflow_dir: Path) -> list[Path]:
    return sorted((goflow_dir / SNAPSHOT_DIR).glob("*.snap"))


def json_equal(a: Any, b: Any) -> bool:
    """JSON equality that, unlike ``==``, tells true from 1 and an array from an object."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float, Decimal)) and isinstance(b, (int, float, Decimal)):
        return Decimal(str(a)) == Decimal(str(b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def _diff(expected: dict[str, Any], got: dict[str, Any]) -> str:
    parts = []
    for key in sorted(expected.keys() | got.keys()):
        if key not in got:
            parts.append(f"missing {key}")
        elif key not in expected:
            parts.append(f"extra {key}={json.dumps(got[key])}")
        elif not json_equal(expected[key], got[key]):
            parts.append(f"{key}: expected {json.dumps(expected[key])}, got {json.dumps(got[key])}")
    return "; ".join(parts)


def run_events(goflow_dir: Path) -> DataSetResult:
    result = DataSetResult("events")
    for path in snapshot_files(goflow_dir):
        name = path.stem.removeprefix("TestEventMarshaling_")
        try:
            expected = json.loads(path.read_text())
            event = validate_event(expected)
            got = json.loads(marshal_event(event))
        except TurnflowError as exc:
            result.record(False, f"{name}: rejected: {exc}")
            continue
        except Exception as exc:  # a crash is a failed case, and shown as such
            result.record(False, f"{name}: crashed: {type(exc).__name__}: {exc}")
            continue
        ok = json_equal(expected, got)
        result.record(ok, f"{name}: {'' if ok else _diff(expected, got)}")
    return result
