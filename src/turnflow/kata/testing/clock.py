"""The clock tests run a bot on: it stands still until a test says time passes (``wait``)."""

from __future__ import annotations

import datetime as dt

from ...generators.times import NS_PER_SECOND, NanoTime

# a Monday morning: schedules and expiring flows are measured from here
TEST_START = NanoTime.parse("2026-01-05T09:00:00Z")


class TestClock:
    """Clock-like (``now``, ``now_ns``, ``now_time``) and moved by hand."""

    __test__ = False  # not a pytest class

    def __init__(self, start: NanoTime = TEST_START) -> None:
        self._ns = start.ns

    def now_ns(self) -> int:
        return self._ns

    def now_time(self) -> NanoTime:
        return NanoTime(self._ns)

    def now(self) -> dt.datetime:
        return self.now_time().to_datetime()

    __call__ = now

    def advance(self, seconds: float) -> None:
        self._ns += round(seconds * NS_PER_SECOND)

    def reset(self, start: NanoTime = TEST_START) -> None:
        self._ns = start.ns
