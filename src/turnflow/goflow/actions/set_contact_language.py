"""Changes the contact's language to an ISO 639-3 code (an empty one clears it).

Example:

    {"type": "set_contact_language", "uuid": "...", "language": "por"}

Events:

    [{"type": "contact_language_changed", "language": "por"}]
"""

from __future__ import annotations

from ...core.runtime import Runtime
from ..languages import is_language
from .base import BaseAction, evaluate_checked
from .contact import modify


def language_error(code: str) -> str | None:
    """Why ``code`` isn't an ISO 639-3 language code (goflow's wording), or None."""

    if len(code) != 3:
        return f"iso-639-3 codes must be 3 characters, got: {code}"
    if not is_language(code):
        return f"unrecognized language code: {code}"
    return None


class SetContactLanguage(BaseAction):
    type = "set_contact_language"

    def execute(self, rt: Runtime) -> None:
        language, ok = evaluate_checked(rt, self.data.get("language", ""))
        if not ok:
            return
        language = language.strip()
        problem = language_error(language) if language else None
        if problem:
            rt.error(problem)
            return
        modify(rt, {"type": "language", "language": language})
