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


class Env:
    """One evaluation: the scope of free names, the function that calls bot methods, the host,
    and the parameters of the function expressions being run (``locals``)."""

    __slots__ = ("scope", "calls", "host", "locals")

    def __init__(
        self,
        scope: Mapping[str, Any],
        calls: Callable[[str, list[Any]], Any] | None,
        host: JsHost,
        locals_: dict[str, Any] | None = None,
    ) -> None:
        self.scope = scope
        self.calls = calls
        self.host = host
        self.locals = locals_ if locals_ is not None else {}

    def child(self, locals_: dict[str, Any]) -> Env:
        return Env(self.scope, self.calls, self.host, locals_)
