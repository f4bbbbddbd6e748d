"""Language codes: goflow's check that a flow's language is an ISO 639-3 code.

The codes are pycountry's copy of the standard, read from its data file without importing
pycountry (which would put ~40 ms on the first flow read of every process).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _iso639_3() -> frozenset[str]:
    """ISO 639-3 language codes (from pycountry's copy of the standard).

    Read from pycountry's data file directly, the file ``pycountry.languages`` loads: that
    is ~6 ms, where importing pycountry and building its ~7,900 language objects is ~40 ms,
    paid by the first flow read in every process."""
    codes = _iso639_3_from_file()
    if codes is not None:
        return codes
    import pycountry  # (imported here: ~40 ms, and only needed when the file can't be read)

    return frozenset(language.alpha_3 for language in pycountry.languages)


def _iso639_3_from_file() -> frozenset[str] | None:
    """The alpha_3 codes of pycountry's ``databases/iso639-3.json`` (what its Languages
    database reads, under the same root key), without importing pycountry; None if the
    file can't be read so."""
    try:
        spec = importlib.util.find_spec("pycountry")
        locations = spec.submodule_search_locations if spec is not None else None
        if not locations:
            return None
        path = os.path.join(list(locations)[0], "databases", "iso639-3.json")
        with open(path, encoding="utf-8") as file:
            entries = json.load(file)["639-3"]
        return frozenset(entry["alpha_3"] for entry in entries)
    except (OSError, ValueError, KeyError, TypeError, ImportError):
        return None


def is_language(code: Any) -> bool:
    """goflow's language check: a 3-letter ISO 639-3 code (``und`` and ``mul`` included)."""
    if not isinstance(code, str) or not re.fullmatch(r"[a-z]{3}", code):
        return False
    return code in ("und", "mul") or code in _iso639_3()
