"""The environment an expression is evaluated in: formats, time zone, clock, random, limits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol
from zoneinfo import ZoneInfo


class RandomSource(Protocol):
    """Where ``rand()``, ``rand_between()`` and random routers get their numbers."""

    def float64(self) -> float:
        """A float in [0, 1)."""

    def int_n(self, n: int) -> int:
        """An int in [0, n)."""


def _system_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _system_random() -> RandomSource:
    # imported here: expressions alone don't otherwise load the generators (nor stdlib random)
    from ..generators import SystemRandom

    return SystemRandom()


@dataclass
class ExpressionLimits:
    """Safety limits; exceeding one gives a clear error instead of runaway work."""

    max_template_length: int = 10_000  # characters of template source
    max_output_length: int = 10_000  # characters per evaluated template (goflow's limit)
    max_depth: int = 50  # nesting of parentheses / calls in one expression
    max_loop_items: int = 10_000  # items foreach / filter / repeat may produce
    regex_timeout: float = 0.5  # seconds per regular expression match
    regex_budget: float = 2.0  # seconds of matching in all per evaluation (goflow: per sprint)


@dataclass
class Environment:
    """Settings that change how values are parsed, formatted and computed.

    The defaults are goflow's defaults. ``now`` and ``random`` are injectable so tests and
    conformance runs are deterministic.
    """

    date_format: str = "YYYY-MM-DD"
    time_format: str = "tt:mm"
    timezone: dt.tzinfo = field(default_factory=lambda: ZoneInfo("UTC"))
    number_decimal: str = "."
    number_grouping: str = ","
    default_country: str = ""
    default_language: str = ""
    allowed_languages: tuple[str, ...] = ()
    # a session's: the contact's language where the environment allows it (goflow's merged
    # environment's default language), which names days and months in dates
    locale_language: str = ""
    redaction_policy: str = "none"  # "none" or "urns"
    input_collation: str = "default"
    now: Callable[[], dt.datetime] = _system_now
    random: RandomSource = field(default_factory=_system_random)
    limits: ExpressionLimits = field(default_factory=ExpressionLimits)
    locations: Any = None  # a location hierarchy for has_state / has_district / has_ward
    llm_prompts: dict[str, str] = field(default_factory=dict)  # name -> template for prompt()
    # dates as RapidPro's legacy engine had them: month names are read ("28th May 1981") and
    # a date test's match is the date alone in date_format ("28-05-1981"), not a datetime
    legacy_dates: bool = False

    def local_now(self) -> dt.datetime:
        """The current time in this environment's time zone."""
        return self.now().astimezone(self.timezone)

    def today(self) -> dt.date:
        return self.local_now().date()
