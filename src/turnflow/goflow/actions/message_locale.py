"""The language and locale (``language-COUNTRY``) a message or spoken text is in."""

from __future__ import annotations

from ...core.runtime import Runtime
from ..localization import translated
from .message_route import merged_country


def contact_language(rt: Runtime) -> str | None:
    contact = rt.session.contact
    return (
        contact.get("language") if isinstance(contact, dict) else getattr(contact, "language", None)
    )


def _locale_of(rt: Runtime, language: str | None, urns: list[str] | None = None) -> str | None:
    if not language:
        return None
    country = merged_country(rt, urns)
    return f"{language}-{country}" if country else language


def text_language(rt: Runtime, item_uuid: str | None, key: str = "text") -> str | None:
    """The language a localizable property is used in: the contact's where the flow
    translates it, else the flow's own."""
    run = rt.run
    language = None
    if run is not None and item_uuid and not run.flow.localization:
        language = run.flow.language  # not translated: the flow's own language
    elif run is not None:
        language = translated(rt, run, item_uuid, key)[0] if item_uuid else None
        language = language or run.flow.language
    return language or rt.env.default_language


def locale(rt: Runtime, item_uuid: str | None = None, key: str = "text") -> str | None:
    """``language-COUNTRY`` of a message, the country from the merged environment."""
    return _locale_of(rt, text_language(rt, item_uuid, key))
