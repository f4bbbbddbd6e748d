"""goflow's contact modifier tests (``flows/modifiers/testdata/*.json``).

Each case reads ``contact_before``, applies ``modifier`` in goflow's mock universe (UUIDs
seeded 123456, a clock starting 2025-05-04T12:30:45.123456789Z and stepping 1s per read, a
fresh universe per case) and must give exactly ``contact_after`` and ``events`` (JSON
compared after parsing, so key order and number spelling don't matter).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..core.events import EventFactory
from ..expressions.environment import Environment
from ..generators import SeededUUIDs, SequentialClock
from ..goflow.contact import Contact, ContactAssets
from ..goflow.modifiers import ModifierContext, apply_modifier
from . import DataSetResult

START = "2025-05-04T12:30:45.123456789Z"


def canonical(value: Any) -> Any:
    """JSON values with every number as a Decimal, for order- and spelling-free comparison."""
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [canonical(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value)).normalize()
    return value


def mock_claim_urn(contact: Contact, urn: str) -> bool:
    """The goflow test engine's URN claim check: URNs containing "taken" belong to someone."""
    return "taken" not in urn.lower()


def apply_case(assets: ContactAssets, case: dict[str, Any]) -> tuple[dict[str, Any], list]:
    clock = SequentialClock(START)
    env = Environment(now=clock.now)
    ctx = ModifierContext(
        env=env,
        assets=assets,
        events=EventFactory(SeededUUIDs(123456, clock), clock),
        claim_urn=mock_claim_urn,
    )
    contact = Contact.from_json(case["contact_before"], assets)
    apply_modifier(ctx, contact, case["modifier"])
    return contact.to_json(), ctx.log


def run_modifiers(goflow_dir: Path) -> DataSetResult:
    result = DataSetResult("modifiers")
    base = goflow_dir / "flows" / "modifiers" / "testdata"
    assets = ContactAssets.from_json(json.loads((base / "_assets.json").read_text()))
    for path in sorted(base.glob("*.json")):
        if path.name.startswith("_"):
            continue
        for i, case in enumerate(json.loads(path.read_text())):
            label = f"{path.name}[{i}] {case.get('description', '')}"
            try:
                contact, events = apply_case(assets, case)
            except Exception as exc:  # a crash is a failed case, reported with its cause
                result.record(False, f"{label}: {type(exc).__name__}: {exc}")
                continue
            problems = []
            if canonical(contact) != canonical(case["contact_after"]):
                problems.append(f"contact {json.dumps(contact, default=str)}")
            if canonical(events) != canonical(case["events"]):
                problems.append(f"events {json.dumps(events, default=str)}")
            result.record(not problems, f"{label}: " + "; ".join(problems))
    return result
