"""The service's clock: the real one, or a scaled one for tests and demos.

``TURNFLOW_CLOCK=scaled:ANCHOR:SPEED`` runs time SPEED times faster from ANCHOR (seconds
since the epoch): now = ANCHOR + (real now - ANCHOR) x SPEED. Every server process given
the same setting reads the same time, so a restarted server sees the timers it left on
time (a one-minute expiry fires after 1 s at speed 60).
"""

from __future__ import annotations

import datetime as dt
import os
import time

from ..errors import TurnflowError
from ..generators import NanoTime, SystemClock


class ScaledClock:
    def __init__(self, anchor: float, speed: float) -> None:
        if speed <= 0:
            raise TurnflowError("clock speed must be above 0")
        self.anchor_ns = int(anchor * 1e9)
        self.speed = speed

    def now_ns(self) -> int:
        real = time.time_ns()
        return self.anchor_ns + int((real - self.anchor_ns) * self.speed)

    def now_time(self) -> NanoTime:
        return NanoTime(self.now_ns())

    def now(self) -> dt.datetime:
        return self.now_time().to_datetime()

    __call__ = now

    def real_seconds(self, seconds: float) -> float:
        """How long ``seconds`` of this clock last in real time."""
        return seconds / self.speed


def clock_from_setting(setting: str | None = None) -> SystemClock | ScaledClock:
    setting = setting if setting is not None else os.environ.get("TURNFLOW_CLOCK", "")
    if not setting or setting == "system":
        return SystemClock()
    parts = setting.split(":")
    if len(parts) == 3 and parts[0] == "scaled":
        try:
            return ScaledClock(float(parts[1]), float(parts[2]))
        except ValueError:
            pass
    raise TurnflowError(f"TURNFLOW_CLOCK: expected 'system' or 'scaled:ANCHOR:SPEED', got "
                        f"{setting!r}")


def now_of(clock: object) -> dt.datetime:
    """The clock's time as an aware UTC datetime (microseconds)."""
    return clock.now_time().to_datetime()  # type: ignore[attr-defined]
