"""The runtime of a goflow sprint: the core's, with its state typed as a
:class:`~turnflow.goflow.sprint.GoflowSprint` and templates rendered straight through
Excellent (:func:`~turnflow.goflow.evaluator.render`), as goflow evaluates many a sprint.

Its ``env`` is goflow's session environment (MergedEnvironment): the engine's, in the contact's
time zone when the contact has one, with the contact's country (its preferred channel's, or
its phone number's) as the default country when there is one, and the contact's language (when
the environment allows it) as the language dates name days and months in. So dates a contact
sends are read and shown in the contact's time zone and language, and a phone number without
its country code is read as one of the contact's country. It is worked out when the sprint
starts and again whenever an action changes the contact (:func:`contact_changed`).
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..core.runtime import Runtime
from ..expressions.environment import Environment
from .evaluator import render
from .sprint import GoflowSprint


class GoflowRuntime(Runtime):
    __slots__ = ("base_env", "country")

    state: GoflowSprint
    evaluate = render  # rt.evaluate(template, context=None, truncate=True) -> text

    def __init__(self, engine: Any, session: Any, input: Any = None) -> None:
        Runtime.__init__(self, engine, session, input)  # (without super()'s object: every sprint)
        self.base_env = self.env  # the engine's
        # the merged environment's country ('' if none), as merged_env worked it out from the
        # contact; None when it didn't (no contact object): message routes and phone numbers
        # ask for it, and working it out again means parsing the contact's URNs again
        self.country: str | None = None
        self.env = merged_env(self)


def contact_changed(rt: Runtime) -> None:
    """An action changed the contact: its time zone or country may be another now."""
    if isinstance(rt, GoflowRuntime):
        rt.env = merged_env(rt)


def merged_env(rt: GoflowRuntime) -> Any:
    """The engine's environment in the contact's time zone and country (itself if neither
    differs: the usual case, which costs a look at the contact)."""
    base = rt.base_env
    contact = rt.session.contact
    rt.country = None
    if contact is None or not hasattr(contact, "urns") or not isinstance(base, Environment):
        return base
    timezone = contact.timezone
    zone = _zone(timezone) if timezone else None
    if zone is None or zone == base.timezone:
        zone = base.timezone
    # the contact's message route, when worked out already (and kept on the contact while it
    # doesn't change), has this very country: the contact's, else the environment's
    route = getattr(contact, "_route", None)
    if route is not None:
        country = route[3]
    else:
        country = _contact_country(rt) or base.default_country
    rt.country = country or ""
    # the contact's language names dates when it is allowed and not the default already (the
    # first allowed language)
    language = contact.language
    if language:
        allowed = base.allowed_languages
        if language not in allowed or language == (base.default_language or allowed[0]):
            language = ""
    if zone is base.timezone and country == base.default_country and not language:
        return base
    return _merged(base, zone, country, language)


def _contact_country(rt: Runtime) -> str:
    global _contact_country
    from .actions.message_route import contact_country  # (actions import this module)

    _contact_country = contact_country
    return contact_country(rt)


@lru_cache(maxsize=256)
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # (OSError: a name too long)
        return None


_MERGED: dict[tuple[int, Any, str, str], tuple[Any, Any]] = {}


def _merged(env: Any, zone: Any, country: str, language: str) -> Any:
    # one merged environment per engine environment, zone, country and language (made once,
    # then shared); the entry keeps the engine's environment, so its id stays that object's
    key = (id(env), zone, country, language)
    merged = _MERGED.get(key)
    if merged is None or merged[0] is not env:
        merged = (env, dataclasses.replace(
            env, timezone=zone, default_country=country, locale_language=language
        ))  # fmt: skip
        if len(_MERGED) > 1024:
            _MERGED.clear()
        _MERGED[key] = merged
    return merged[1]
