"""Deterministic and production sources of time, randomness and UUIDs.

goflow's test universe pins all three, so the seeded versions here reproduce it exactly:

* ``GoPCG`` is Go ``math/rand/v2``'s PCG-DXSM generator, with Go's ``Float64`` and ``IntN``
  reductions on top (``SeededRandom`` wraps it behind the ``RandomSource`` protocol).
* ``SequentialClock`` is goflow's sequential ``now`` (each call returns the next step) and keeps
  nanoseconds, which goflow snapshots print (``2025-05-04T12:30:45.123456789Z``).
* ``SeededUUIDs`` builds v4 / v7 UUIDs from 16 PCG bytes, taking v7 timestamps from a clock.

The production counterparts are ``SystemRandom``, ``SystemClock`` and ``RandomUUIDs``.

One module per concern: ``times`` (``NanoTime`` and its RFC3339 text), ``clock``, ``rand``
(random numbers) and ``uuids``. This package re-exports what the rest of turnflow uses.
"""

from __future__ import annotations

from .clock import Clock, FixedClock, SequentialClock, SystemClock
from .rand import GoPCG, SeededRandom, SystemRandom, decimal_from_float
from .times import NanoTime, format_rfc3339_nano, utc_text
from .uuids import RandomUUIDs, SeededUUIDs, UUIDSource, v7_at_reading

__all__ = [
    "Clock",
    "FixedClock",
    "GoPCG",
    "NanoTime",
    "RandomUUIDs",
    "SeededRandom",
    "SeededUUIDs",
    "SequentialClock",
    "SystemClock",
    "SystemRandom",
    "UUIDSource",
    "decimal_from_float",
    "format_rfc3339_nano",
    "utc_text",
    "v7_at_reading",
]
