"""The standard goflow test session that expression examples are evaluated in.

goflow builds it by running the flow in ``_extracted/test_session/sessionAssets.json`` for
the contact in ``sessionContact.json`` and resuming it with ``sessionResume.json``; turnflow's
engine does the same (see :mod:`turnflow.conformance.goflow_templates`). The examples then
run with the documentation's fixed "now" rather than the session's test clock.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ..expressions.environment import Environment
from ..expressions.locations import LocationHierarchy
from ..expressions.values import XObject
from ..generators import FixedClock, SeededRandom
from .goflow_templates import standard_session as run_standard_session

# the fixed "now" and environment of goflow's documentation examples
DOCS_NOW = "2018-04-11T13:24:30.123456-05:00"


def docs_environment(assets: dict[str, Any]) -> Environment:
    now = dt.datetime.fromisoformat(DOCS_NOW)
    return Environment(
        date_format="DD-MM-YYYY",
        time_format="tt:mm",
        timezone=ZoneInfo("America/Guayaquil"),
        default_country="US",
        allowed_languages=("eng", "spa"),
        now=FixedClock(now).now,
        random=SeededRandom(123456),
        locations=LocationHierarchy.coerce(assets.get("locations")),
        # the documentation examples run with this "categorize" prompt
        llm_prompts={
            "categorize": "Categorize the following text into one of the following: {{ .arg1 }}"
        },
    )


def standard_session(goflow_dir: Path) -> tuple[XObject, Environment]:
    """The context of goflow's standard test session (its first run, after the resume) and
    the documentation examples' environment."""
    base = goflow_dir / "_extracted" / "test_session"
    assets = json.loads((base / "sessionAssets.json").read_text())
    session = run_standard_session(goflow_dir)
    return session.runtime().context(), docs_environment(assets)
