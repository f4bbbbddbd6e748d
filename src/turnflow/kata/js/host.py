"""What expressions take from the world: the time (``Date.now()``) and chance
(``Math.random()``), injectable so that tests and conversation replays are deterministic."""

from __future__ import annotations

import random as _random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any


@dataclass(frozen=True, slots=True)
class JsHost:
    """``now_ms()`` gives milliseconds since 1970 (``Date.now()``, ``new Date()``);
    ``random()`` a float in [0, 1) (``Math.random()``); ``tz`` the time zone of a date's local
    time (``getHours()``), UTC when None."""

    now_ms: Callable[[], float] = field(default=lambda: time.time() * 1000.0)
    random: Callable[[], float] = field(default=_random.random)
    tz: tzinfo | None = None


DEFAULT_HOST = JsHost()


# Work one evaluation may do, in units: a call of a function expression (a loop body of
# `map`, `filter`, `replace`...) is 1, an array item built by `Array.from` or `split` is 1.
# Nested loops (`a.map(x => b.map(...))`) are what this stops: every single loop is already
# bounded by the size of its array.
MAX_WORK = 1_000_000


class Env:
    """One evaluation: the scope of free names, the function that calls bot methods, the host,
    the parameters of the function expressions being run (``locals``), and the work left
    (shared by the whole evaluation)."""

    __slots__ = ("scope", "calls", "host", "locals", "work")

    def __init__(
        self,
        scope: Mapping[str, Any],
        calls: Callable[[str, list[Any]], Any] | None,
        host: JsHost,
        locals_: dict[str, Any] | None = None,
        work: list[int] | None = None,
    ) -> None:
        self.scope = scope
        self.calls = calls
        self.host = host
        self.locals = locals_ if locals_ is not None else {}
        self.work = work if work is not None else [MAX_WORK]

    def child(self, locals_: dict[str, Any]) -> Env:
        return Env(self.scope, self.calls, self.host, locals_, self.work)

    def spend(self, units: int) -> None:
        """Count ``units`` of work; an expression that does too much fails (one line)."""
        left = self.work[0] - units
        self.work[0] = left
        if left < 0:
            from turnflow.kata.js.errors import JsRuntimeError  # errors imports nothing here

            raise JsRuntimeError(f"Expression does too much work (more than {MAX_WORK:,} "
                                 "function calls and array items)")
