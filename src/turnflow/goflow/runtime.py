"""The runtime of a goflow sprint: the core's, with its state typed as a
:class:`~turnflow.goflow.sprint.GoflowSprint` and templates rendered straight through
Excellent (:func:`~turnflow.goflow.evaluator.render`), as goflow evaluates many a sprint.

Its ``env`` is goflow's session environment: the engine's, in the contact's time zone when the
contact has one (goflow's MergedEnvironment), so dates a contact sends are read, stored and
shown in the contact's time zone.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..core.runtime import Runtime
from .evaluator import render
from .sprint import GoflowSprint


class GoflowRuntime(Runtime):
    __slots__ = ("_base_env", "_merged_key", "_merged_env")

    state: GoflowSprint
    evaluate = render  # rt.evaluate(template, context=None, truncate=True) -> text

    @property  # type: ignore[override]
    def env(self) -> Any:
        base = self._base_env
        contact = self.session.contact
        timezone = getattr(contact, "timezone", None) if contact is not None else None
        if not timezone:
            return base
        if timezone != self._merged_key:
            self._merged_key = timezone
            self._merged_env = _in_zone(base, timezone)
        return self._merged_env

    @env.setter
    def env(self, value: Any) -> None:
        self._base_env = value
        self._merged_key = None
        self._merged_env = value


def _in_zone(env: Any, timezone: str) -> Any:
    zone = _zone(timezone)
    if zone is None or zone == env.timezone or not dataclasses.is_dataclass(env):
        return env
    return _merged(env, zone)


@lru_cache(maxsize=256)
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


_MERGED: dict[tuple[int, Any], Any] = {}


def _merged(env: Any, zone: ZoneInfo) -> Any:
    # one merged environment per engine environment and zone (made once, then shared); the
    # engine's environment object is kept alive by the engine, so its id is stable
    key = (id(env), zone)
    merged = _MERGED.get(key)
    if merged is None or merged[0] is not env:
        merged = (env, dataclasses.replace(env, timezone=zone))
        if len(_MERGED) > 1024:
            _MERGED.clear()
        _MERGED[key] = merged
    return merged[1]
