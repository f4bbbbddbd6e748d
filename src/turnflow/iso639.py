"""ISO 639 language codes, from pycountry's copy of the standard.

Read from pycountry's data file directly (the file ``pycountry.languages`` loads): that is
~6 ms, where importing pycountry and building its ~7,900 language objects is ~40 ms, paid by
the first flow read in every process. goflow names languages by their 3-letter ISO 639-3
codes; locale data (glibc's) names them by the 2-letter ISO 639-1 code where there is one.
"""

from __future__ import annotations

import importlib.util
import json
import os
from functools import lru_cache


@lru_cache(maxsize=1)
def _two_letter() -> dict[str, str | None]:
    """Every ISO 639-3 code -> its ISO 639-1 code (None: it has none)."""
    entries = _entries_from_file()
    if entries is None:
        import pycountry  # (imported here: ~40 ms, and only needed when the file can't be read)

        return {lang.alpha_3: getattr(lang, "alpha_2", None) for lang in pycountry.languages}
    return {entry["alpha_3"]: entry.get("alpha_2") for entry in entries}


def _entries_from_file() -> list[dict[str, str]] | None:
    """The entries of pycountry's ``databases/iso639-3.json`` (under the root key its
    Languages database reads), without importing pycountry; None if it can't be read so."""
    try:
        spec = importlib.util.find_spec("pycountry")
        locations = spec.submodule_search_locations if spec is not None else None
        if not locations:
            return None
        path = os.path.join(list(locations)[0], "databases", "iso639-3.json")
        with open(path, encoding="utf-8") as file:
            entries = json.load(file)["639-3"]
        return [entry for entry in entries if isinstance(entry.get("alpha_3"), str)]
    except (OSError, ValueError, KeyError, TypeError, AttributeError, ImportError):
        return None


@lru_cache(maxsize=1)
def iso639_3_codes() -> frozenset[str]:
    """The ISO 639-3 language codes."""
    return frozenset(_two_letter())


def two_letter_code(code: str) -> str | None:
    """The ISO 639-1 code of an ISO 639-3 one ("spa" -> "es"), None if it has none."""
    return _two_letter().get(code)
