"""JavaScript values as Python values, and the ECMAScript conversions between them.

Mapping: ``undefined`` is :data:`UNDEFINED`, ``null`` is ``None``, booleans are ``bool``,
numbers are ``int`` (when integral and exactly representable) or ``float``, strings are
``str``, objects are ``dict`` (any ``Mapping`` is read as one), arrays are ``list`` (tuples are
read as arrays too). Built-in functions and regular expressions are :class:`HostObject`s.

``bool`` is a subclass of ``int`` in Python, so every check here uses ``type(v) is ...``
rather than ``isinstance`` where the two must differ.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

__all__ = [
    "UNDEFINED", "HostObject", "js_number", "js_typeof", "loose_equals", "number_to_string",
    "same_value_zero", "strict_equals", "to_int32", "to_js_string", "to_number",
    "to_primitive", "to_uint32", "truthy",
]  # fmt: skip


class _Undefined:
    """The type of :data:`UNDEFINED` (one instance)."""

    __slots__ = ()
    _instance: _Undefined | None = None

    def __new__(cls) -> _Undefined:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "undefined"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        return "UNDEFINED"


UNDEFINED: Any = _Undefined()
"""JavaScript's ``undefined``: what a missing name or property reads as."""

MAX_SAFE = 2**53


class HostObject:
    """A JavaScript value that is neither a plain object nor an array: a built-in function,
    a regular expression. Subclasses say how they convert and what properties they have."""

    __slots__ = ()
    typeof = "object"

    def js_string(self) -> str:
        return "[object Object]"

    def primitive(self, hint: str) -> Any:
        """ToPrimitive with ``hint`` ``"number"``, ``"string"`` or ``"default"``."""
        return self.js_string()

    def get_property(self, name: str) -> Any:
        return UNDEFINED

    def json_value(self) -> Any:
        """What JSON.stringify writes for it (``{}`` unless the object says)."""
        return {}


# --------------------------------------------------------------------------- numbers


def js_number(x: float) -> int | float:
    """A float result as the number turnflow keeps: an ``int`` when integral and safe
    (JS prints ``4/2`` as ``2``; JSON and Python comparisons then see ``2`` too)."""
    if x.is_integer() and -MAX_SAFE <= x <= MAX_SAFE:
        if x == 0 and math.copysign(1.0, x) < 0:
            return x  # keep -0 (1/-0 is -Infinity)
        return int(x)
    return x


def number_to_string(x: int | float) -> str:
    """Number::toString(10) of ECMAScript: ``1.0`` -> ``1``, ``1e21`` -> ``1e+21``,
    ``0.000001`` -> ``0.000001``, ``1e-7`` -> ``1e-7``, ``NaN``, ``Infinity``."""
    if type(x) is int:
        if -MAX_SAFE <= x <= MAX_SAFE:
            return str(x)
        x = float(x)
    if x != x:
        return "NaN"
    if x == math.inf:
        return "Infinity"
    if x == -math.inf:
        return "-Infinity"
    if x == 0:
        return "0"
    if x.is_integer() and abs(x) <= MAX_SAFE:
        return str(int(x))
    sign = "-" if x < 0 else ""
    # repr is the shortest text that reads back as x: its digits and exponent are JS's k, n
    _, digit_tuple, exponent = Decimal(repr(abs(x))).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0") or "0"
    stripped = len("".join(map(str, digit_tuple))) - len(digits)
    k = len(digits)
    n = int(exponent) + stripped + k  # value = 0.digits * 10**n
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + digits
    e = n - 1
    exp = ("e+" if e >= 0 else "e-") + str(abs(e))
    if k == 1:
        return sign + digits + exp
    return sign + digits[0] + "." + digits[1:] + exp


# JS StrWhiteSpaceChar: WhiteSpace and LineTerminator
JS_WHITESPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_DECIMAL = re.compile(r"[+-]?(?:Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)\Z")
_NON_DECIMAL = re.compile(r"0(?:([xX][0-9a-fA-F]+)|([oO][0-7]+)|([bB][01]+))\Z")


def string_to_number(s: str) -> int | float:
    """StringToNumber: ``""`` and blanks are 0, hex/octal/binary prefixes, else NaN."""
    s = s.strip(JS_WHITESPACE)
    if not s:
        return 0
    if _DECIMAL.match(s):
        if s.endswith("Infinity"):
            return -math.inf if s[0] == "-" else math.inf
        if "." not in s and "e" not in s and "E" not in s:
            v = int(s)
            return v if -MAX_SAFE <= v <= MAX_SAFE else float(v)
        return js_number(float(s))
    m = _NON_DECIMAL.match(s)
    if m:
        base = 16 if m.group(1) else 8 if m.group(2) else 2
        v = int(s[2:], base)
        return v if v <= MAX_SAFE else float(v)
    return math.nan


def to_number(v: Any) -> int | float:
    """ECMAScript ToNumber: ``undefined`` -> NaN, ``null`` -> 0, booleans -> 0/1, strings
    parsed, objects and arrays through their primitive (``[]`` -> 0, ``[5]`` -> 5)."""
    t = type(v)
    if t is int or t is float:
        return v
    if t is str:
        return string_to_number(v)
    if t is bool:
        return 1 if v else 0
    if v is None:
        return 0
    if v is UNDEFINED:
        return math.nan
    if isinstance(v, int | float):  # other numeric types (IntEnum, numpy scalars...)
        return js_number(float(v)) if isinstance(v, float) else int(v)
    return to_number(to_primitive(v, "number"))


def to_int32(v: Any) -> int:
    n = to_number(v)
    if type(n) is float:
        if n != n or n in (math.inf, -math.inf):
            return 0
        n = int(n)
    n &= 0xFFFFFFFF
    return n - 0x100000000 if n >= 0x80000000 else n


def to_uint32(v: Any) -> int:
    return to_int32(v) & 0xFFFFFFFF


# --------------------------------------------------------------------------- strings


def to_js_string(v: Any) -> str:
    """ECMAScript ToString: ``null`` -> ``"null"``, ``1.0`` -> ``"1"``, ``[1, [2, 3]]`` ->
    ``"1,2,3"``, ``{}`` -> ``"[object Object]"``."""
    t = type(v)
    if t is str:
        return v
    if t is int or t is float:
        return number_to_string(v)
    if t is bool:
        return "true" if v else "false"
    if v is None:
        return "null"
    if v is UNDEFINED:
        return "undefined"
    if t is list or t is tuple:
        return ",".join("" if e is None or e is UNDEFINED else to_js_string(e) for e in v)
    if isinstance(v, HostObject):
        return v.js_string()
    if isinstance(v, Mapping):
        return "[object Object]"
    if isinstance(v, str):
        return str(v)
    if isinstance(v, int | float):
        return number_to_string(to_number(v))
    if isinstance(v, list | tuple):
        return to_js_string(list(v))
    return str(v)


def to_primitive(v: Any, hint: str = "default") -> Any:
    """ToPrimitive: primitives as they are, arrays and objects as their string (plain
    objects' valueOf is themselves, so their toString is what counts); host objects say
    (a date is its time in milliseconds for ``hint="number"``)."""
    t = type(v)
    if t is str or t is int or t is float or t is bool or v is None or v is UNDEFINED:
        return v
    if isinstance(v, HostObject):
        return v.primitive(hint)
    return to_js_string(v)


def js_typeof(v: Any) -> str:
    t = type(v)
    if t is str:
        return "string"
    if t is int or t is float:
        return "number"
    if t is bool:
        return "boolean"
    if v is UNDEFINED:
        return "undefined"
    if isinstance(v, HostObject):
        return v.typeof
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int | float):
        return "number"
    if isinstance(v, str):
        return "string"
    return "object"  # null, objects, arrays


# --------------------------------------------------------------------------- truth, equality


def truthy(v: Any) -> bool:
    """ToBoolean: ``false``, ``0``, ``-0``, ``NaN``, ``""``, ``null`` and ``undefined`` are
    falsy; everything else, ``[]`` and ``{}`` included, is truthy."""
    t = type(v)
    if t is bool:
        return v
    if t is str:
        return v != ""
    if t is int:
        return v != 0
    if t is float:
        return v == v and v != 0.0
    if v is None or v is UNDEFINED:
        return False
    if isinstance(v, int | float):
        return truthy(to_number(v))
    return True  # objects, arrays, functions


def _kind(v: Any) -> str:
    """The ECMAScript type of v, as the equality algorithms need it."""
    t = type(v)
    if t is str:
        return "string"
    if t is int or t is float:
        return "number"
    if t is bool:
        return "boolean"
    if v is None:
        return "null"
    if v is UNDEFINED:
        return "undefined"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int | float):
        return "number"
    if isinstance(v, str):
        return "string"
    return "object"


def strict_equals(a: Any, b: Any) -> bool:
    """``a === b``: same type and value; NaN equals nothing; objects and arrays by identity."""
    ka = _kind(a)
    if ka != _kind(b):
        return False
    if ka == "object":
        return a is b
    return a == b  # numbers: NaN != NaN, 0 == -0, 1 == 1.0


def loose_equals(a: Any, b: Any) -> bool:
    """``a == b`` (IsLooselyEqual): ``null == undefined``, numbers against strings by number,
    booleans as numbers, objects through their primitive value."""
    ka, kb = _kind(a), _kind(b)
    if ka == kb:
        if ka == "object":
            return a is b
        return a == b
    if ka in ("null", "undefined"):
        return kb in ("null", "undefined")
    if kb in ("null", "undefined"):
        return False
    if ka == "number" and kb == "string":
        return a == string_to_number(b)
    if ka == "string" and kb == "number":
        return string_to_number(a) == b
    if ka == "boolean":
        return loose_equals(1 if a else 0, b)
    if kb == "boolean":
        return loose_equals(a, 1 if b else 0)
    if ka == "object":  # b is a string or a number here
        return loose_equals(to_primitive(a), b)
    if kb == "object":
        return loose_equals(a, to_primitive(b))
    return False


def same_value_zero(a: Any, b: Any) -> bool:
    """SameValueZero (``Array.prototype.includes``): strict equality, but NaN equals NaN."""
    if type(a) is float and type(b) is float and a != a and b != b:
        return True
    return strict_equals(a, b)
