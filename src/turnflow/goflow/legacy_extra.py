"""``@legacy_extra``: what RapidPro's legacy ``@extra`` became, built as goflow builds it.

It is an object made of, in order (later keys replace earlier ones):

1. the trigger's ``params`` (an array counts as an object keyed 0, 1, ...);
2. every run result that has an ``extra``, oldest first: the result's key holds the extra as
   JSON text, and the extra's own properties are added too.

Keys are lower-cased with anything but letters, digits and ``_`` made ``_``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..core.session import Run
from ..expressions import XObject
from ..expressions.values import XValue, from_json
from .results import snakify

_INVALID_KEY_CHARS = re.compile(r"[^a-zA-Z0-9_]")


class RawJSONObject(dict):
    """A result's extra parsed from JSON text that keeps that text, as goflow keeps the body a
    webhook returned: ``@legacy_extra`` shows it as it came (until the session is stored)."""

    __slots__ = ("text",)

    def __init__(self, value: dict[str, Any], text: str) -> None:
        super().__init__(value)
        self.text = text


class RawJSONList(list):
    """A list extra that keeps its JSON text (see :class:`RawJSONObject`)."""

    __slots__ = ("text",)

    def __init__(self, value: list[Any], text: str) -> None:
        super().__init__(value)
        self.text = text


def keep_text(value: Any, text: str) -> Any:
    """``value`` parsed from ``text``, carrying the text if it's an object or array."""
    if isinstance(value, dict):
        return RawJSONObject(value, text)
    if isinstance(value, list):
        return RawJSONList(value, text)
    return value


def _key(name: str) -> str:
    return _INVALID_KEY_CHARS.sub("_", name.lower())[:255]


def _add(values: dict[str, XValue], data: Any) -> None:
    if isinstance(data, list):
        data = {str(i): item for i, item in enumerate(data)}
    if isinstance(data, dict):
        for name, item in data.items():
            values[_key(name)] = from_json(item)


def _extra_text(extra: Any) -> str:
    text = getattr(extra, "text", None)
    if text is not None:
        return text
    return json.dumps(extra, ensure_ascii=False, separators=(",", ":"), default=str)


def legacy_extra(run: Run | None, trigger: dict[str, Any] | None) -> XObject:
    values: dict[str, XValue] = {}
    if trigger:
        _add(values, trigger.get("params"))
    if run is not None:
        results = [r for r in run.results.values() if r.get("extra") is not None]
        results.sort(key=lambda r: r.get("created_on") or "")  # (a stable sort, as goflow's)
        for result in results:
            extra = result["extra"]
            values[snakify(result.get("name") or "")] = _extra_text(extra)
            _add(values, extra)
    return XObject(values)


# -- extras as stored ---------------------------------------------------------------------------

_RESULT_EXTRA_DEPTH = 5  # session > runs > run > results > result > extra


def stored_indent(text: str) -> int:
    """How many spaces a level of the stored session JSON is indented by (0: compact)."""
    if not text.startswith("{\n"):
        return 0
    spaces = len(text) - len(text[2:].lstrip(" ")) - 2
    return spaces if 0 < spaces <= 8 else 0


def keep_stored_extras(session: Any, indent: int) -> None:
    """Give the results' extras of a session read from indented JSON the text they had there
    (goflow keeps a result's extra as the raw JSON it read, so ``@legacy_extra`` shows it
    indented as it was stored)."""
    margin = "\n" + " " * (indent * _RESULT_EXTRA_DEPTH)
    for run in session.runs:
        for result in run.results.values():
            extra = result.get("extra")
            if isinstance(extra, dict | list) and extra:
                text = json.dumps(extra, ensure_ascii=False, indent=indent)
                result["extra"] = keep_text(extra, text.replace("\n", margin))
