"""The global names of the expression language: ``parseInt``, ``Math``, ``JSON``, ``Object``,
``Array``, ``Date.now``, ``encodeURIComponent``... (``GLOBALS``), and the constants
``undefined``, ``NaN``, ``Infinity`` (``CONSTANTS``)."""

from __future__ import annotations

import math
import urllib.parse
from collections.abc import Mapping
from typing import Any

from turnflow.kata.js import dates
from turnflow.kata.js.errors import JsRuntimeError
from turnflow.kata.js.functions import JsFunction, JsNamespace, arg
from turnflow.kata.js.jsjson import json_parse, json_stringify
from turnflow.kata.js.numbers import parse_float, parse_int
from turnflow.kata.js.regexp import JsRegExp
from turnflow.kata.js.values import (
    UNDEFINED,
    js_number,
    to_js_string,
    to_number,
    truthy,
)

CONSTANTS: dict[str, Any] = {"undefined": UNDEFINED, "NaN": math.nan, "Infinity": math.inf}


def _fn(name: str, impl: Any, props: dict[str, Any] | None = None) -> JsFunction:
    return JsFunction(name, impl, props)


def _unary_math(name: str, f: Any) -> JsFunction:
    def impl(this: Any, args: list[Any], env: Any) -> Any:
        x = to_number(arg(args, 0))
        if type(x) is int and name in ("floor", "ceil", "round", "trunc", "abs"):
            return abs(x) if name == "abs" else x
        try:
            return js_number(float(f(x)))
        except (ValueError, OverflowError):
            if x != x:
                return math.nan
            if name in ("floor", "ceil", "round", "trunc"):
                return x  # infinities
            return math.nan

    return _fn(name, impl)


def _round(x: float) -> float:
    r = math.floor(x)
    return r + 1 if x - r >= 0.5 else r


def _sign(x: float) -> float:
    return x if x == 0 or x != x else math.copysign(1, x)


def _cbrt(x: float) -> float:
    return math.copysign(abs(x) ** (1 / 3), x)


def _min_max(name: str) -> JsFunction:
    def impl(this: Any, args: list[Any], env: Any) -> Any:
        numbers = [to_number(a) for a in args]
        if any(n != n for n in numbers):
            return math.nan
        if not numbers:
            return math.inf if name == "min" else -math.inf
        return min(numbers) if name == "min" else max(numbers)

    return _fn(name, impl)


def _pow(this: Any, args: list[Any], env: Any) -> Any:
    from turnflow.kata.js.operators import power

    return power(arg(args, 0), arg(args, 1))


def _atan2(this: Any, args: list[Any], env: Any) -> Any:
    return js_number(math.atan2(to_number(arg(args, 0)), to_number(arg(args, 1))))


def _hypot(this: Any, args: list[Any], env: Any) -> Any:
    return js_number(math.hypot(*(to_number(a) for a in args)))


def _random(this: Any, args: list[Any], env: Any) -> float:
    return float(env.host.random())


MATH = JsNamespace(
    "Math",
    {
        **{
            name: _unary_math(name, f)
            for name, f in {
                "abs": abs, "ceil": math.ceil, "floor": math.floor, "round": _round,
                "trunc": math.trunc, "sign": _sign, "sqrt": math.sqrt, "cbrt": _cbrt,
                "exp": math.exp, "log": math.log, "log2": math.log2, "log10": math.log10,
                "sin": math.sin, "cos": math.cos, "tan": math.tan, "asin": math.asin,
                "acos": math.acos, "atan": math.atan,
            }.items()
        },
        "min": _min_max("min"), "max": _min_max("max"), "pow": _fn("pow", _pow),
        "atan2": _fn("atan2", _atan2), "hypot": _fn("hypot", _hypot),
        "random": _fn("random", _random),
        "PI": math.pi, "E": math.e, "LN2": math.log(2), "LN10": math.log(10),
        "LOG2E": 1 / math.log(2), "LOG10E": 1 / math.log(10), "SQRT2": math.sqrt(2),
        "SQRT1_2": math.sqrt(0.5),
    },
)  # fmt: skip

JSON_NS = JsNamespace(
    "JSON", {"stringify": _fn("stringify", json_stringify), "parse": _fn("parse", json_parse)}
)


def _object_arg(args: list[Any], what: str) -> Any:
    v = arg(args, 0)
    if v is None or v is UNDEFINED:
        raise JsRuntimeError(f"Cannot convert undefined or null to object (in Object.{what})")
    return v


def _keys(v: Any) -> list[str]:
    if isinstance(v, Mapping):
        return [k if type(k) is str else to_js_string(k) for k in v]
    if type(v) is list or type(v) is tuple or type(v) is str:
        return [str(i) for i in range(len(v))]
    return []


def _object_keys(this: Any, args: list[Any], env: Any) -> list[str]:
    return _keys(_object_arg(args, "keys"))


def _object_values(this: Any, args: list[Any], env: Any) -> list[Any]:
    v = _object_arg(args, "values")
    if isinstance(v, Mapping):
        return list(v.values())
    if type(v) is list or type(v) is tuple or type(v) is str:
        return list(v)
    return []


def _object_entries(this: Any, args: list[Any], env: Any) -> list[Any]:
    v = _object_arg(args, "entries")
    if isinstance(v, Mapping):
        return [[k if type(k) is str else to_js_string(k), e] for k, e in v.items()]
    if type(v) is list or type(v) is tuple or type(v) is str:
        return [[str(i), e] for i, e in enumerate(v)]
    return []


OBJECT = JsFunction(
    "Object",
    lambda this, args, env: {} if arg(args, 0) in (None, UNDEFINED) else args[0],
    {
        "keys": _fn("keys", _object_keys),
        "values": _fn("values", _object_values),
        "entries": _fn("entries", _object_entries),
    },
)


def _is_array(this: Any, args: list[Any], env: Any) -> bool:
    v = arg(args, 0)
    return type(v) is list or type(v) is tuple


def _array_from(this: Any, args: list[Any], env: Any) -> list[Any]:
    v = arg(args, 0)
    if type(v) is list or type(v) is tuple or type(v) is str:
        items = list(v)
    elif isinstance(v, Mapping) and "length" in v:
        n = int(to_number(v["length"]) or 0)
        n = max(0, min(n, 1 << 20))
        env.spend(n)
        items = [v.get(str(i), v.get(i, UNDEFINED)) for i in range(n)]
    else:
        items = []
    fn = arg(args, 1)
    if type(fn) is JsFunction:
        return [fn.impl(UNDEFINED, [e, i], env) for i, e in enumerate(items)]
    return items


ARRAY = JsFunction(
    "Array",
    lambda this, args, env: list(args),
    {
        "isArray": _fn("isArray", _is_array),
        "from": _fn("from", _array_from),
        "of": _fn("of", lambda this, args, env: list(args)),
    },
)


def _is_nan(this: Any, args: list[Any], env: Any) -> bool:
    n = to_number(arg(args, 0))
    return n != n


def _is_finite(this: Any, args: list[Any], env: Any) -> bool:
    n = to_number(arg(args, 0))
    return n == n and n not in (math.inf, -math.inf)


def _number_is_integer(this: Any, args: list[Any], env: Any) -> bool:
    v = arg(args, 0)
    if type(v) is int:
        return True
    return type(v) is float and v.is_integer()


def _number_is_finite(this: Any, args: list[Any], env: Any) -> bool:
    v = arg(args, 0)
    return (type(v) is int or type(v) is float) and _is_finite(this, [v], env)


def _number_is_nan(this: Any, args: list[Any], env: Any) -> bool:
    v = arg(args, 0)
    return type(v) is float and v != v


PARSE_INT = _fn("parseInt", lambda this, args, env: parse_int(args))
PARSE_FLOAT = _fn("parseFloat", lambda this, args, env: parse_float(args))

NUMBER = JsFunction(
    "Number",
    lambda this, args, env: to_number(args[0]) if args else 0,
    {
        "isInteger": _fn("isInteger", _number_is_integer),
        "isSafeInteger": _fn(
            "isSafeInteger",
            lambda this, args, env: _number_is_integer(this, args, env)
            and abs(args[0]) <= 2**53 - 1,
        ),
        "isFinite": _fn("isFinite", _number_is_finite),
        "isNaN": _fn("isNaN", _number_is_nan),
        "parseInt": PARSE_INT, "parseFloat": PARSE_FLOAT,
        "MAX_SAFE_INTEGER": 2**53 - 1, "MIN_SAFE_INTEGER": -(2**53 - 1),
        "MAX_VALUE": 1.7976931348623157e308, "MIN_VALUE": 5e-324,
        "EPSILON": 2.0**-52, "POSITIVE_INFINITY": math.inf, "NEGATIVE_INFINITY": -math.inf,
        "NaN": math.nan,
    },
)  # fmt: skip


def _from_char_code(this: Any, args: list[Any], env: Any) -> str:
    return "".join(chr(int(to_number(a)) & 0xFFFF) for a in args)


STRING = JsFunction(
    "String",
    lambda this, args, env: to_js_string(args[0]) if args else "",
    {"fromCharCode": _fn("fromCharCode", _from_char_code)},
)

BOOLEAN = JsFunction("Boolean", lambda this, args, env: truthy(arg(args, 0)))


DATE = JsFunction(
    "Date",
    dates.call,
    {"now": _fn("now", dates.now), "UTC": _fn("UTC", dates.utc),
     "parse": _fn("parse", dates.parse)},
    construct=dates.construct,
)


def _regexp(this: Any, args: list[Any], env: Any) -> JsRegExp:
    pattern = arg(args, 0)
    flags_arg = arg(args, 1)
    if isinstance(pattern, JsRegExp):
        source = pattern.source
        flags = pattern.flags if flags_arg is UNDEFINED else to_js_string(flags_arg)
    else:
        source = "(?:)" if pattern is UNDEFINED else to_js_string(pattern)
        flags = "" if flags_arg is UNDEFINED else to_js_string(flags_arg)
    try:
        return JsRegExp(source, flags)
    except ValueError as exc:
        raise JsRuntimeError(str(exc)) from None


_URI_COMPONENT_SAFE = "-_.!~*'()"
_URI_SAFE = _URI_COMPONENT_SAFE + ";,/?:@&=+$#"


def _encoder(name: str, safe: str) -> JsFunction:
    def impl(this: Any, args: list[Any], env: Any) -> str:
        text = to_js_string(arg(args, 0))
        try:
            return urllib.parse.quote(text, safe=safe, encoding="utf-8", errors="strict")
        except UnicodeEncodeError:
            raise JsRuntimeError("URI malformed") from None

    return _fn(name, impl)


def _decoder(name: str, keep: str) -> JsFunction:
    def impl(this: Any, args: list[Any], env: Any) -> str:
        text = to_js_string(arg(args, 0))
        out = bytearray()
        i = 0
        while i < len(text):
            c = text[i]
            if c == "%":
                h = text[i + 1 : i + 3]
                if len(h) != 2 or any(ch not in "0123456789abcdefABCDEF" for ch in h):
                    raise JsRuntimeError("URI malformed")
                byte = int(h, 16)
                if byte < 0x80 and chr(byte) in keep:
                    out += text[i : i + 3].encode()
                else:
                    out.append(byte)
                i += 3
            else:
                out += c.encode("utf-8", "surrogatepass")
                i += 1
        try:
            return out.decode("utf-8")
        except UnicodeDecodeError:
            raise JsRuntimeError("URI malformed") from None

    return _fn(name, impl)


GLOBALS: dict[str, Any] = {
    "Math": MATH, "JSON": JSON_NS, "Object": OBJECT, "Array": ARRAY, "Number": NUMBER,
    "String": STRING, "Boolean": BOOLEAN, "Date": DATE, "RegExp": _fn("RegExp", _regexp),
    "parseInt": PARSE_INT, "parseFloat": PARSE_FLOAT, "isNaN": _fn("isNaN", _is_nan),
    "isFinite": _fn("isFinite", _is_finite),
    "encodeURIComponent": _encoder("encodeURIComponent", _URI_COMPONENT_SAFE),
    "encodeURI": _encoder("encodeURI", _URI_SAFE),
    "decodeURIComponent": _decoder("decodeURIComponent", ""),
    "decodeURI": _decoder("decodeURI", ";,/?:@&=+$#"),
}  # fmt: skip
