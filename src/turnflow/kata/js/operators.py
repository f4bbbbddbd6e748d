"""JavaScript's binary and unary operators on turnflow's JS values (see ``values``).

Each function has a fast path for the common case (two ints, two strings) before the general
ECMAScript algorithm.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from turnflow.kata.js.errors import MAX_STRING, JsRuntimeError, check_length
from turnflow.kata.js.values import (
    UNDEFINED,
    js_number,
    loose_equals,
    strict_equals,
    to_int32,
    to_js_string,
    to_number,
    to_primitive,
    to_uint32,
)

MAX_SAFE = 2**53


def _int_result(r: int) -> int | float:
    return r if -MAX_SAFE <= r <= MAX_SAFE else float(r)


def add(a: Any, b: Any) -> Any:
    ta = type(a)
    tb = type(b)
    if ta is int and tb is int:
        return _int_result(a + b)
    if ta is str and tb is str:
        if len(a) + len(b) > MAX_STRING:
            raise JsRuntimeError("Invalid string length")
        return a + b
    if (ta is int or ta is float) and (tb is int or tb is float):
        return js_number(a + b)
    a = to_primitive(a)
    b = to_primitive(b)
    if type(a) is str or type(b) is str:
        return check_length(to_js_string(a) + to_js_string(b))
    return numeric_add(to_number(a), to_number(b))


def numeric_add(a: int | float, b: int | float) -> int | float:
    if type(a) is int and type(b) is int:
        return _int_result(a + b)
    return js_number(a + b)


def sub(a: Any, b: Any) -> int | float:
    if type(a) is not int or type(b) is not int:
        a = to_number(a)
        b = to_number(b)
        if type(a) is not int or type(b) is not int:
            return js_number(a - b)
    return _int_result(a - b)


def mul(a: Any, b: Any) -> int | float:
    if type(a) is not int or type(b) is not int:
        a = to_number(a)
        b = to_number(b)
        if type(a) is not int or type(b) is not int:
            try:
                return js_number(a * b)
            except OverflowError:  # pragma: no cover - float * float gives inf, not an error
                return math.inf
    return _int_result(a * b)  # integers don't carry -0


def div(a: Any, b: Any) -> int | float:
    a = to_number(a)
    b = to_number(b)
    if b == 0:
        if a == 0 or a != a:
            return math.nan
        negative = (a < 0) != (math.copysign(1.0, b) < 0)
        return -math.inf if negative else math.inf
    if type(a) is int and type(b) is int and a % b == 0:
        return _int_result(a // b)
    return js_number(a / b)


def mod(a: Any, b: Any) -> int | float:
    a = to_number(a)
    b = to_number(b)
    if type(a) is int and type(b) is int:
        if b == 0:
            return math.nan
        r = abs(a) % abs(b)
        if a < 0:
            return -r if r else -0.0
        return r
    if b == 0 or a != a or b != b or a in (math.inf, -math.inf):
        return math.nan
    if b in (math.inf, -math.inf):
        return a
    return js_number(math.fmod(a, b))


def power(a: Any, b: Any) -> int | float:
    a = to_number(a)
    b = to_number(b)
    if b != b or (abs(a) == 1 and b in (math.inf, -math.inf)):
        return math.nan
    if type(a) is int and type(b) is int and b >= 0 and abs(a) <= 2**26 and b <= 64:
        return _int_result(a**b)
    try:
        return js_number(math.pow(a, b))
    except OverflowError:
        return math.inf if a > 0 or (float(b).is_integer() and int(b) % 2 == 0) else -math.inf
    except ValueError:  # negative base, fractional exponent; or 0 ** negative
        if a == 0:
            return math.inf
        return math.nan


def _compare(a: Any, b: Any) -> Any:
    """The Abstract Relational Comparison ``a < b``: True, False, or None (undefined: NaN)."""
    a = to_primitive(a, "number")
    b = to_primitive(b, "number")
    if type(a) is str and type(b) is str:
        return a < b
    x = to_number(a)
    y = to_number(b)
    if x != x or y != y:
        return None
    return x < y


def _both_numbers(a: Any, b: Any) -> bool:
    ta = type(a)
    tb = type(b)
    return (ta is int or ta is float) and (tb is int or tb is float)


def less(a: Any, b: Any) -> bool:
    if _both_numbers(a, b) or (type(a) is str and type(b) is str):
        return a < b
    return _compare(a, b) is True


def greater(a: Any, b: Any) -> bool:
    if _both_numbers(a, b) or (type(a) is str and type(b) is str):
        return a > b
    return _compare(b, a) is True


def less_equal(a: Any, b: Any) -> bool:
    if _both_numbers(a, b) or (type(a) is str and type(b) is str):
        return a <= b
    return _compare(b, a) is False


def greater_equal(a: Any, b: Any) -> bool:
    if _both_numbers(a, b) or (type(a) is str and type(b) is str):
        return a >= b
    return _compare(a, b) is False


def not_loose_equals(a: Any, b: Any) -> bool:
    return not loose_equals(a, b)


def not_strict_equals(a: Any, b: Any) -> bool:
    return not strict_equals(a, b)


def bit_and(a: Any, b: Any) -> int:
    return to_int32(to_int32(a) & to_int32(b))


def bit_or(a: Any, b: Any) -> int:
    return to_int32(to_int32(a) | to_int32(b))


def bit_xor(a: Any, b: Any) -> int:
    return to_int32(to_int32(a) ^ to_int32(b))


def shift_left(a: Any, b: Any) -> int:
    return to_int32(to_int32(a) << (to_uint32(b) & 31))


def shift_right(a: Any, b: Any) -> int:
    return to_int32(a) >> (to_uint32(b) & 31)


def shift_right_unsigned(a: Any, b: Any) -> int:
    return to_uint32(a) >> (to_uint32(b) & 31)


def negate(a: Any) -> int | float:
    n = to_number(a)
    if type(n) is float and n == 0:
        return -n
    return -n if n else 0


def bit_not(a: Any) -> int:
    return ~to_int32(a)


def void(_: Any) -> Any:
    return UNDEFINED


BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": add, "-": sub, "*": mul, "/": div, "%": mod, "**": power,
    "<": less, ">": greater, "<=": less_equal, ">=": greater_equal,
    "==": loose_equals, "!=": not_loose_equals, "===": strict_equals, "!==": not_strict_equals,
    "&": bit_and, "|": bit_or, "^": bit_xor, "<<": shift_left, ">>": shift_right,
    ">>>": shift_right_unsigned,
}  # fmt: skip
