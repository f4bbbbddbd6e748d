"""``JSON.stringify`` and ``JSON.parse`` with JavaScript's rules: ``undefined`` and functions
are left out of objects and become ``null`` in arrays, NaN and Infinity become ``null``,
numbers print as JavaScript prints them (``1`` not ``1.0``), non-ASCII text stays as it is."""

from __future__ import annotations

import json
from collections.abc import Mapping
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any

from turnflow.kata.js.errors import JsRuntimeError
from turnflow.kata.js.functions import JsFunction, arg, to_integer
from turnflow.kata.js.values import (
    UNDEFINED,
    HostObject,
    js_number,
    number_to_string,
    to_js_string,
)

_MAX_DEPTH = 200


def stringify(value: Any, replacer: Any = UNDEFINED, space: Any = UNDEFINED, env: Any = None
              ) -> Any:
    """JSON.stringify(value, replacer, space); ``undefined`` when value can't be serialized."""
    indent = ""
    if type(space) is int or type(space) is float:
        indent = " " * int(min(10, max(0, to_integer(space))))
    elif type(space) is str:
        indent = space[:10]
    allowed: set[str] | None = None
    fn: JsFunction | None = None
    if type(replacer) is JsFunction:
        fn = replacer
    elif type(replacer) is list:
        allowed = {to_js_string(k) for k in replacer if type(k) in (str, int, float)}
    active: set[int] = set()

    def ser(holder: Any, key: str, v: Any, current: str) -> str | None:
        if fn is not None:
            v = fn.impl(holder, [key, v], env)
        t = type(v)
        if t is str:
            return encode_basestring(v)
        if t is bool:
            return "true" if v else "false"
        if t is int or t is float:
            return number_to_string(v) if v == v and v not in (float("inf"), float("-inf")) \
                else "null"
        if v is None:
            return "null"
        if v is UNDEFINED or isinstance(v, JsFunction):
            return None
        if isinstance(v, HostObject):
            plain = v.json_value()
            return "{}" if plain == {} else ser(holder, key, plain, current)
        if len(active) >= _MAX_DEPTH:
            raise JsRuntimeError("JSON.stringify: structure nested too deeply")
        if id(v) in active:
            raise JsRuntimeError("Converting circular structure to JSON")
        active.add(id(v))
        try:
            inner = current + indent
            sep = ",\n" + inner if indent else ","
            if t is list or t is tuple:
                items = [ser(v, str(i), e, inner) or "null" for i, e in enumerate(v)]
                if not items:
                    return "[]"
                if indent:
                    return "[\n" + inner + sep.join(items) + "\n" + current + "]"
                return "[" + ",".join(items) + "]"
            if isinstance(v, Mapping):
                parts = []
                colon = ": " if indent else ":"
                for k, e in v.items():
                    k = k if type(k) is str else to_js_string(k)
                    if allowed is not None and k not in allowed:
                        continue
                    s = ser(v, k, e, inner)
                    if s is not None:
                        parts.append(encode_basestring(k) + colon + s)
                if not parts:
                    return "{}"
                if indent:
                    return "{\n" + inner + sep.join(parts) + "\n" + current + "}"
                return "{" + ",".join(parts) + "}"
            return encode_basestring(to_js_string(v))  # dates and other host values
        finally:
            active.discard(id(v))

    out = ser({"": value}, "", value, "")
    return UNDEFINED if out is None else out


def to_json_value(value: Any) -> Any:
    """The plain JSON value (dicts, lists, str, int/float, bool, None) that JavaScript would
    store for ``value``: what ``JSON.parse(JSON.stringify(value))`` gives (dates become ISO
    strings, functions and ``undefined`` in objects are dropped, NaN becomes null);
    ``UNDEFINED`` for a value JSON can't hold at all."""
    t = type(value)
    if t is str or t is bool or t is int or value is None:
        return value
    text = stringify(value)
    return UNDEFINED if text is UNDEFINED else parse(text)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"Unexpected token {name[0]}")


def _parse_int(text: str) -> int | float:
    v = int(text)
    return v if -(2**53) <= v <= 2**53 else float(v)


def parse(text: Any) -> Any:
    """JSON.parse(text): objects become dicts, arrays lists, integral numbers ints."""
    source = to_js_string(text)
    try:
        return json.loads(
            source,
            parse_float=lambda s: js_number(float(s)),
            parse_int=_parse_int,
            parse_constant=_reject_constant,
        )
    except json.JSONDecodeError as exc:
        if exc.pos >= len(source):
            raise JsRuntimeError("Unexpected end of JSON input") from None
        raise JsRuntimeError(
            f"Unexpected token {source[exc.pos]!r} in JSON at position {exc.pos}"
        ) from None
    except (ValueError, RecursionError) as exc:
        raise JsRuntimeError(f"JSON.parse: {exc}") from None


def json_stringify(this: Any, args: list[Any], env: Any) -> Any:
    return stringify(arg(args, 0), arg(args, 1), arg(args, 2), env)


def json_parse(this: Any, args: list[Any], env: Any) -> Any:
    return parse(arg(args, 0))
