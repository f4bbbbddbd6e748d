"""Language codes: goflow's check that a flow's language is an ISO 639-3 code.

The codes are pycountry's copy of the standard (see :mod:`turnflow.iso639`).
"""

from __future__ import annotations

import re
from typing import Any

from ..iso639 import iso639_3_codes


def is_language(code: Any) -> bool:
    """goflow's language check: a 3-letter ISO 639-3 code (``und`` and ``mul`` included)."""
    if not isinstance(code, str) or not re.fullmatch(r"[a-z]{3}", code):
        return False
    return code in ("und", "mul") or code in iso639_3_codes()
