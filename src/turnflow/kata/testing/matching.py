"""Partial matching of expected values against results, as Kata's tester compares them:
every value written in the expectation must be found at the same place in the result, and
what the expectation leaves out is not checked. Mappings match key by key, lists item by item
(the result may have more items), other values must be equal with JavaScript's types (``1``
and ``1.0`` are the same number; ``"1"``, ``1`` and ``true`` all differ). An expected
``null`` also accepts a value that is absent.

:func:`first_difference` says where the first mismatch is, e.g.
``context.size: expected "large", got "medium"``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

_ABSENT = object()


def show(value: Any, limit: int = 80) -> str:
    """A value as the reports print it: JSON, shortened."""
    if value is _ABSENT:
        return "nothing"
    try:
        text = json.dumps(value, ensure_ascii=False, default=str, sort_keys=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _same_leaf(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return expected == actual
    return type(expected) is type(actual) and expected == actual


def first_difference(expected: Any, actual: Any, path: str = "") -> str | None:
    """None when ``actual`` matches ``expected`` partially, else where and how it differs."""
    label = path or "value"
    if expected is None:
        if actual is None or actual is _ABSENT:
            return None
        return f"{label}: expected null, got {show(actual)}"
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            return f"{label}: expected {show(expected)}, got {show(actual)}"
        for key, value in expected.items():
            inner = f"{path}.{key}" if path else str(key)
            found = actual.get(key, _ABSENT) if isinstance(key, str) else _lookup(actual, key)
            difference = first_difference(value, found, inner)
            if difference is not None:
                return difference
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return f"{label}: expected {show(expected)}, got {show(actual)}"
        for index, value in enumerate(expected):
            inner = f"{path}[{index}]"
            if index >= len(actual):
                count = f"{len(actual)} item{'' if len(actual) == 1 else 's'}"
                return f"{inner}: expected {show(value)}, got nothing (only {count})"
            difference = first_difference(value, actual[index], inner)
            if difference is not None:
                return difference
        return None
    if actual is _ABSENT or not _same_leaf(expected, actual):
        hint = _type_hint(expected, actual)
        return f"{label}: expected {show(expected)}, got {show(actual)}{hint}"
    return None


def _type_hint(expected: Any, actual: Any) -> str:
    # NLUs give texts: `n: 4` written for the text "4" is the likeliest slip, so say so
    if isinstance(actual, str) and not isinstance(expected, str) and actual == show(expected):
        kind = "boolean" if isinstance(expected, bool) else "number"
        return f" (a text, not a {kind}: write {show(actual)})"
    return ""


def _lookup(actual: Mapping[str, Any], key: Any) -> Any:
    # a YAML key read as a number or boolean (`1:`, `true:`) names the same JS property
    text = json.dumps(key) if isinstance(key, bool) or key is None else str(key)
    return actual.get(text, actual.get(key, _ABSENT))
