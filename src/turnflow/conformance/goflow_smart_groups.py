"""goflow's query based group tests (``core/testdata/smart_groups.json``).

Each case reads ``contact_before`` against ``smart_groups.assets.json``, re-evaluates every
query based group as starting a session does (environment: languages eng and spa, country RW,
URNs redacted when ``redact_urns``) and must give exactly ``contact_after``.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..core.events import EventFactory
from ..expressions.environment import Environment
from ..generators import SeededUUIDs, SequentialClock
from ..goflow.contact import Contact, ContactAssets
from ..goflow.modifiers import ModifierContext, reevaluate_groups
from . import DataSetResult
from .goflow_modifiers import START, canonical


def run_smart_groups(goflow_dir: Path) -> DataSetResult:
    result = DataSetResult("smart-groups")
    base = goflow_dir / "core" / "testdata"
    assets = ContactAssets.from_json(json.loads((base / "smart_groups.assets.json").read_text()))
    for i, case in enumerate(json.loads((base / "smart_groups.json").read_text())):
        label = f"smart_groups.json[{i}] {case.get('description', '')}"
        clock = SequentialClock(START)
        env = Environment(
            default_country="RW",
            allowed_languages=("eng", "spa"),
            redaction_policy="urns" if case.get("redact_urns") else "none",
            now=clock.now,
        )
        ctx = ModifierContext(env, assets, EventFactory(SeededUUIDs(123456, clock), clock))
        try:
            contact = Contact.from_json(case["contact_before"], assets)
            reevaluate_groups(ctx, contact)
            after = contact.to_json()
        except Exception as exc:  # a crash is a failed case, reported with its cause
            result.record(False, f"{label}: {type(exc).__name__}: {exc}")
            continue
        ok = canonical(after) == canonical(case["contact_after"])
        result.record(ok, f"{label}: contact {json.dumps(after, default=str)}")
    return result
