"""Which translation of a flow's text a contact gets: goflow's language fallback order."""

from __future__ import annotations

from ..core.runtime import Runtime
from ..core.session import Run


def translation_languages(rt: Runtime, run: Run) -> tuple[str, ...]:
    """goflow's language fallback order for translations: the contact's language if the
    environment allows it, then the environment's default language (the flow's own language
    needs no translation and ends the list implicitly)."""
    contact = rt.session.contact
    if isinstance(contact, dict):
        language = contact.get("language")
    else:
        language = getattr(contact, "language", None)
    languages: list[str] = []
    if language and language in rt.env.allowed_languages:
        languages.append(language)
    default = rt.env.default_language
    if default and default != language:
        languages.append(default)
    return tuple(lang for lang in languages if lang != run.flow.language)


def translated(
    rt: Runtime, run: Run, item_uuid: str, key: str
) -> tuple[str | None, list[str] | None]:
    """The first language in the fallback order that translates the item, and its text."""
    if not run.flow.localization:  # most flows aren't translated: nothing to look up
        return None, None
    for language in translation_languages(rt, run):
        found = run.flow.localized(language, item_uuid, key)
        if found is not None:
            return language, found
    return None, None


def localized_list(
    rt: Runtime, run: Run, item_uuid: str, key: str, default: list[str]
) -> list[str]:
    """A localizable property in the first fallback language that translates it."""
    found = translated(rt, run, item_uuid, key)[1]
    return default if found is None else found
