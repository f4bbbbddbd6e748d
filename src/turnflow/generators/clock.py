"""Sources of "now", injected into the engine so tests can pin time.

``SequentialClock`` is goflow's sequential ``now`` (each reading is one step later) and
``FixedClock`` its fixed one, which reproduce goflow's test universe; ``SystemClock`` is the
real clock. Each gives the time as ns (``now_ns``), ``NanoTime`` or an aware datetime.
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections.abc import Callable
from typing import Protocol

from .times import NS_PER_SECOND, NanoTime


def _to_nanotime(value: int | str | dt.datetime | NanoTime) -> NanoTime:
    if isinstance(value, NanoTime):
        return value
    if isinstance(value, bool):
        raise TypeError("expected a time, not a bool")
    if isinstance(value, int):
        return NanoTime(value)
    if isinstance(value, str):
        return NanoTime.parse(value)
    if isinstance(value, dt.datetime):
        return NanoTime.from_datetime(value)
    raise TypeError(f"cannot use {value!r} as a time")


def _to_nanos(step: int | dt.timedelta) -> int:
    if isinstance(step, dt.timedelta):
        return (step.days * 86_400 + step.seconds) * NS_PER_SECOND + step.microseconds * 1000
    return int(step)


class Clock(Protocol):
    """A source of "now". Every call of any method reads the clock once (and may advance it)."""

    def now(self) -> dt.datetime: ...

    def now_ns(self) -> int: ...

    def now_time(self) -> NanoTime: ...


class SequentialClock:
    """goflow's ``dates.NewSequentialNow``: returns ``start``, then ``start + step``, ...

    ``start`` may be ns since the epoch, an RFC3339 string (nanoseconds kept) or an aware
    datetime; ``step`` is ns or a timedelta. ``now()``, ``now_ns()`` and ``now_time()`` each
    take one step, so a caller needing both forms of one instant calls ``now_time()`` once.
    """

    def __init__(
        self,
        start: int | str | dt.datetime | NanoTime = "2025-05-04T12:30:45.123456789Z",
        step: int | dt.timedelta = NS_PER_SECOND,
    ) -> None:
        # itertools.count gives each reading in C, atomically under the GIL (so thread safe
        # without a lock): goflow's tests read this clock a few dozen times a session
        self._readings = itertools.count(_to_nanotime(start).ns, _to_nanos(step))
        self.now_ns: Callable[[], int] = self._readings.__next__

    def now_time(self) -> NanoTime:
        return NanoTime(next(self._readings))

    def now(self) -> dt.datetime:
        return NanoTime(next(self._readings)).to_datetime()

    __call__ = now  # usable directly as Environment.now

    def peek(self) -> NanoTime:
        """The time the next call will return, without advancing."""
        # only the repr of an itertools.count shows its next value: "count(next[, step])"
        return NanoTime(int(repr(self._readings)[6:-1].split(",")[0]))


class FixedClock:
    """goflow's ``dates.NewFixedNow``: always the same instant."""

    def __init__(self, at: int | str | dt.datetime | NanoTime) -> None:
        self._at = _to_nanotime(at)
        self._ns = self._at.ns

    def now_ns(self) -> int:
        return self._ns

    def now_time(self) -> NanoTime:
        return self._at

    def now(self) -> dt.datetime:
        return self._at.to_datetime()

    __call__ = now


class SystemClock:
    """The real clock (UTC)."""

    # time.time_ns itself: the engine reads the clock a score of times per session, and a
    # method that forwards to it would double the calls
    now_ns = staticmethod(time.time_ns)

    def now_time(self) -> NanoTime:
        return NanoTime(time.time_ns())

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    __call__ = now
