"""Shared test helpers: where the shared fixtures live, and a deterministic environment."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from turnflow.expressions import Environment
from turnflow.generators import FixedClock, SeededRandom

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
GOFLOW_FIXTURES = SHARED / "fixtures" / "goflow"


def require_fixtures(path: Path) -> Path:
    if not path.exists():
        pytest.fail(f"shared fixtures missing: {path} (expected ../shared beside the repository)")
    return path


@pytest.fixture
def env() -> Environment:
    """goflow's documentation environment: DD-MM-YYYY, America/Guayaquil, fixed now, seeded."""
    now = dt.datetime(2018, 4, 11, 13, 24, 30, 123456, tzinfo=ZoneInfo("America/Guayaquil"))
    return Environment(
        date_format="DD-MM-YYYY",
        time_format="tt:mm",
        timezone=ZoneInfo("America/Guayaquil"),
        default_country="US",
        now=FixedClock(now).now,
        random=SeededRandom(123456),
    )
