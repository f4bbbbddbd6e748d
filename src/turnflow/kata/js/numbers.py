"""``Number.prototype`` methods (``toFixed``, ``toString(radix)``, ``toPrecision``) and the
number parsing globals (``parseInt``, ``parseFloat``)."""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from turnflow.kata.js.errors import JsRuntimeError
from turnflow.kata.js.functions import Impl, arg, to_integer
from turnflow.kata.js.values import (
    JS_WHITESPACE,
    UNDEFINED,
    js_number,
    number_to_string,
    to_int32,
    to_js_string,
    to_number,
)

_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_FLOAT_PREFIX = re.compile(r"[+-]?(?:Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)")


def to_fixed(x: int | float, args: list[Any], env: Any) -> str:
    digits = to_integer(arg(args, 0))
    if not 0 <= digits <= 100:
        raise JsRuntimeError("toFixed() digits argument must be between 0 and 100")
    if x != x:
        return "NaN"
    if abs(x) >= 1e21 or x in (math.inf, -math.inf):
        return number_to_string(x)
    # ties go up (away from zero), on the exact binary value, as the spec says
    q = Decimal(x).quantize(Decimal(1).scaleb(-int(digits)), rounding=ROUND_HALF_UP)
    text = f"{q:f}"
    if text.startswith("-") and x == 0:  # -0 prints as 0; -0.001 as -0.00
        text = text[1:]
    return text


def to_precision(x: int | float, args: list[Any], env: Any) -> str:
    if arg(args, 0) is UNDEFINED:
        return number_to_string(x)
    p = to_integer(args[0])
    if x != x or x in (math.inf, -math.inf):
        return number_to_string(x)
    if not 1 <= p <= 100:
        raise JsRuntimeError("toPrecision() argument must be between 1 and 100")
    p = int(p)
    sign = "-" if x < 0 else ""
    d = Decimal(abs(x))
    if d == 0:
        return sign + ("0" if p == 1 else "0." + "0" * (p - 1))
    e = d.adjusted()
    q = d.scaleb(-e).quantize(Decimal(1).scaleb(-(p - 1)), rounding=ROUND_HALF_UP)
    if q >= 10:  # rounding carried into a new digit: 9.99 -> 10.0
        e += 1
        q = (q / 10).quantize(Decimal(1).scaleb(-(p - 1)), rounding=ROUND_HALF_UP)
    digits = f"{q:f}".replace(".", "")
    if e < -6 or e >= p:
        mantissa = digits[0] + ("." + digits[1:] if p > 1 else "")
        return f"{sign}{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"
    if e >= 0:
        whole, frac = digits[: e + 1], digits[e + 1 :]
        return sign + whole + ("." + frac if frac else "")
    return sign + "0." + "0" * (-e - 1) + digits


def to_string_radix(x: int | float, args: list[Any], env: Any) -> str:
    radix_arg = arg(args, 0)
    radix = 10 if radix_arg is UNDEFINED else to_integer(radix_arg)
    if not 2 <= radix <= 36:
        raise JsRuntimeError("toString() radix must be between 2 and 36")
    if radix == 10 or x != x or x in (math.inf, -math.inf):
        return number_to_string(x)
    radix = int(radix)
    negative = x < 0
    x = abs(x)
    whole = int(x)
    out = ""
    while True:
        whole, r = divmod(whole, radix)
        out = _DIGITS[r] + out
        if not whole:
            break
    frac = x - int(x)
    if frac:
        out += "."
        # a power-of-two radix writes the double's fraction exactly (it ends); others stop
        # after enough digits to tell any two doubles apart
        for _ in range(1100 if radix & (radix - 1) == 0 else 52):
            frac *= radix
            digit = int(frac)
            out += _DIGITS[digit]
            frac -= digit
            if not frac:
                break
    return ("-" if negative else "") + out


def value_of(x: int | float, args: list[Any], env: Any) -> int | float:
    return x


# (group separator, decimal separator) by language; the others write numbers as English does
_LOCALE_SEPARATORS = {
    **dict.fromkeys(("id", "de", "es", "it", "pt", "nl", "tr", "da", "el", "vi", "ro", "hr",
                     "sl", "sr", "ms-id"), (".", ",")),
    **dict.fromkeys(("fr", "nb", "no", "sv", "fi", "cs", "pl", "ru", "uk", "sk", "hu", "bg"),
                    ("\u202f", ",")),
}  # fmt: skip


def to_locale_string(x: int | float, args: list[Any], env: Any) -> str:
    """``toLocaleString(locale, {minimumFractionDigits, maximumFractionDigits})``: grouped
    digits with the locale's separators (``'id-ID'``: ``1.234,5``; English by default:
    ``1,234.5``), at most three fraction digits unless the options say otherwise."""
    if x != x or x in (math.inf, -math.inf):
        return "NaN" if x != x else ("∞" if x > 0 else "-∞")
    locale = arg(args, 0)
    language = to_js_string(locale).lower() if type(locale) is str else "en"
    group, point = _LOCALE_SEPARATORS.get(
        language, _LOCALE_SEPARATORS.get(language.split("-")[0], (",", "."))
    )
    options = arg(args, 1)
    low, high = 0, 3
    if isinstance(options, dict):
        if options.get("minimumFractionDigits", UNDEFINED) is not UNDEFINED:
            low = int(min(max(to_integer(options["minimumFractionDigits"]), 0), 20))
            high = max(high, low)
        if options.get("maximumFractionDigits", UNDEFINED) is not UNDEFINED:
            high = int(min(max(to_integer(options["maximumFractionDigits"]), 0), 20))
            low = min(low, high)
    q = Decimal(x).quantize(Decimal(1).scaleb(-high), rounding=ROUND_HALF_UP)
    text = f"{abs(q):,f}"
    whole, _, frac = text.partition(".")
    frac = frac.rstrip("0").ljust(low, "0")
    sign = "-" if q < 0 else ""
    return sign + whole.replace(",", group) + (point + frac if frac else "")


NUMBER_METHODS: dict[str, Impl] = {
    "toFixed": to_fixed, "toLocaleString": to_locale_string, "toPrecision": to_precision,
    "toString": to_string_radix, "valueOf": value_of,
}  # fmt: skip


def parse_int(args: list[Any]) -> int | float:
    s = to_js_string(arg(args, 0)).lstrip(JS_WHITESPACE)
    sign = 1
    if s[:1] in ("+", "-"):
        sign = -1 if s[0] == "-" else 1
        s = s[1:]
    radix = to_int32(arg(args, 1))
    strip_prefix = True
    if radix != 0:
        if not 2 <= radix <= 36:
            return math.nan
        strip_prefix = radix == 16
    else:
        radix = 10
    if strip_prefix and s[:2] in ("0x", "0X"):
        s = s[2:]
        radix = 16
    valid = _DIGITS[:radix]
    end = 0
    while end < len(s) and s[end].lower() in valid:
        end += 1
    if end == 0:
        return math.nan
    value = int(s[:end], radix)
    if value > 2**53:
        return sign * float(value)
    return sign * value


def parse_float(args: list[Any]) -> int | float:
    s = to_js_string(arg(args, 0)).lstrip(JS_WHITESPACE)
    m = _FLOAT_PREFIX.match(s)
    if not m:
        return math.nan
    text = m.group()
    if text.endswith("Infinity"):
        return -math.inf if text[0] == "-" else math.inf
    return js_number(float(text))


def number_of(v: Any) -> int | float:
    return to_number(v)
