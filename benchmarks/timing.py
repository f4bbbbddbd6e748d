"""What the expression benchmarks share: calls per second, the best of several rounds."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def rate(fn: Callable[[], Any], seconds: float, batch: int) -> float:
    """Calls of ``fn`` per second: the best of timed rounds of ``batch`` calls, for
    ``seconds`` (after one call to warm its caches)."""
    fn()
    best = 0.0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        for _ in range(batch):
            fn()
        best = max(best, batch / (time.perf_counter() - start))
    return best
