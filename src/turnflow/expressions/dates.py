"""Parsing and formatting of dates, datetimes and times (placeholder, completed later)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .environment import Environment


def parse_datetime_text(env: Environment, text: str) -> dt.datetime | None:
    """Find a datetime in text the way goflow does, or None."""
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=env.timezone)
    return value


def parse_time_text(env: Environment, text: str) -> dt.time | None:
    """Find a time of day in text the way goflow does, or None."""
    try:
        return dt.time.fromisoformat(text.strip())
    except ValueError:
        return None
