"""JSON from outside (flow files, contacts, sessions, test files, webhook bodies) read with
limits, so that no document raises a raw Python error or reaches Python's recursion limit
later on.

* nesting deeper than :data:`MAX_DEPTH` is refused (Go's decoder stops at 10,000; nothing a
  flow or a service legitimately sends comes near 100 levels, and everything downstream of
  the reader walks values recursively);
* integers longer than Python's int-from-text limit (4300 digits) are refused;
* NaN, Infinity and floats beyond float range are refused (not JSON, or not readable);
* lone UTF-16 surrogates (``"\\udc80"``) become U+FFFD, as Go's decoder makes them, so the
  text can always be written out again as UTF-8.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from .errors import TurnflowError

MAX_DEPTH = 100
MAX_INT_DIGITS = 4300  # Python's default int <-> text limit

_SURROGATE = re.compile("[\ud800-\udfff]")


class JSONInputError(TurnflowError):
    """JSON that is invalid, too deep, or holds a number too long to read."""


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise JSONInputError(f"a number with {len(text)} digits (the limit is {MAX_INT_DIGITS})")
    return int(text)


def _parse_float(text: str) -> float:
    number = float(text)
    if math.isinf(number):
        raise JSONInputError(f"the number {text} is too large")
    return number


def decimal(text: str) -> Decimal:
    """A JSON number read as a Decimal of any size goflow reads, short of those whose digits
    alone would take more text than Python reads as an integer: 1e999999999 written out is a
    gigabyte. Use as ``parse_float``/``parse_int``."""
    number = Decimal(text)
    if number and abs(number.adjusted()) > MAX_INT_DIGITS:
        raise JSONInputError(f"the number {text[:20]} has more than {MAX_INT_DIGITS} digits")
    return number


def _parse_constant(name: str) -> Any:
    raise JSONInputError(f"{name} is not a JSON value")


def loads(
    text: str | bytes,
    *,
    max_depth: int = MAX_DEPTH,
    parse_float: Callable[[str], Any] | None = None,
) -> Any:
    """``json.loads`` with the limits above; every failure is a JSONInputError saying where.
    NaN and Infinity (which Python's json accepts) are refused, and so are numbers too large
    for a float unless ``parse_float`` reads them (e.g. ``Decimal``)."""
    try:
        data = json.loads(text, parse_int=_parse_int, parse_float=parse_float or _parse_float,
                          parse_constant=_parse_constant)  # fmt: skip
    except json.JSONDecodeError as exc:
        raise JSONInputError(
            f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise JSONInputError(f"JSON nested more than {max_depth} levels deep") from None
    except (ValueError, UnicodeDecodeError) as exc:  # bytes that aren't UTF-8...
        raise JSONInputError(f"invalid JSON: {exc}") from None
    return check(data, max_depth)


def check(data: Any, max_depth: int = MAX_DEPTH) -> Any:
    """``data`` (as json.loads made it) with lone surrogates replaced, or JSONInputError when
    it nests deeper than ``max_depth``. Walks iteratively: any depth is safe to check."""
    if isinstance(data, str):
        return _clean(data)
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > max_depth:
            raise JSONInputError(f"JSON nested more than {max_depth} levels deep")
        if isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, str):
                    if _SURROGATE.search(item):
                        value[index] = _clean(item)
                elif isinstance(item, list | dict):
                    stack.append((item, depth + 1))
        elif isinstance(value, dict):
            if any(_SURROGATE.search(key) for key in value):
                items = [(_clean(k), v) for k, v in value.items()]
                value.clear()
                value.update(items)
            for key, item in value.items():
                if isinstance(item, str):
                    if _SURROGATE.search(item):
                        value[key] = _clean(item)
                elif isinstance(item, list | dict):
                    stack.append((item, depth + 1))
    return data


def _clean(text: str) -> str:
    return _SURROGATE.sub("\ufffd", text)
