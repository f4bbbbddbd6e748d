"""Parsing, arithmetic helpers and formatting of Excellent numbers, with goflow's semantics.

goflow stores numbers as arbitrary precision decimals (shopspring/decimal) limited to 36
significant digits and a magnitude of 1E±100. Rounding is half away from zero and division
keeps 16 decimal places. Python's default decimal context (28 digits) is too narrow for
that, so everything here runs in a wide local context.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal, InvalidOperation
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .environment import Environment

WIDE = Context(prec=400, Emax=999_999, Emin=-999_999)
MAX_DIGITS = 36  # significant digits a number may have
MAX_EXPONENT = 100  # adjusted exponent bounds
DIVISION_PLACES = 16

_STRICT = re.compile(r"-?(?:[0-9]+|[0-9]+\.[0-9]+|\.[0-9]+)", re.ASCII)
# what shopspring's NewFromString accepts: sign, digits with one optional point, exponent
_LOOSE = re.compile(r"([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?", re.ASCII)


def in_range(number: Decimal) -> bool:
    """Whether goflow can hold this number (36 significant digits, magnitude within 1E±100)."""
    if not number.is_finite():
        return False
    if not number:
        return True
    sign, digits, exponent = number.as_tuple()
    significant = "".join(map(str, digits)).lstrip("0").rstrip("0")
    if len(significant) > MAX_DIGITS:
        return False
    adjusted = number.adjusted()
    return -MAX_EXPONENT <= adjusted <= MAX_EXPONENT


def _go_trim_space(text: str) -> str:
    # Go's strings.TrimSpace trims Unicode white space, as str.strip() does (bar a few controls)
    return text.strip()


def parse_decimal(env: Environment | None, text: str) -> Decimal | None:
    """Text as a number the way goflow's ToXNumber converts it, or None.

    Only plain decimals are accepted (``123``, ``-1.5``, ``.5``): no exponents, no grouping
    symbols, no plus sign. Use :func:`parse_decimal_fuzzy` for user input.
    """
    return _parse_plain(text)


@lru_cache(maxsize=4096)
def _parse_plain(text: str) -> Decimal | None:
    # pure and asked again and again for the same texts (case test arguments, results)
    cleaned = _go_trim_space(text)
    if not _STRICT.fullmatch(cleaned):
        return None
    number = Decimal(cleaned)
    return number if in_range(number) else None


def _ascii_digits(text: str) -> str:
    """Other scripts' decimal digits (e.g. Arabic-Indic) as ASCII digits."""
    if text.isascii():
        return text
    out = []
    for ch in text:
        value = unicodedata.decimal(ch, None) if not ch.isascii() else None
        out.append(str(value) if value is not None else ch)
    return "".join(out)


def parse_shopspring(text: str) -> Decimal | None:
    """Parse like shopspring's ``decimal.NewFromString`` (signs and exponents allowed)."""
    match = _LOOSE.fullmatch(text)
    if not match:
        return None
    sign, whole, fraction, exponent = match.groups()
    digits = whole + (fraction or "")
    if not digits:
        return None
    try:
        value = Decimal(f"{sign}{digits}E{int(exponent or 0) - len(fraction or '')}")
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def parse_decimal_fuzzy(env: Environment, text: str) -> Decimal | None:
    """goflow's ParseDecimalFuzzy: user input in the environment's number format.

    The grouping symbol is dropped, the decimal symbol becomes ``.`` and digits of other
    scripts become ASCII digits, then the text must be a number as a whole.
    """
    cleaned = _go_trim_space(text)
    if env.number_grouping:
        cleaned = cleaned.replace(env.number_grouping, "")
    if env.number_decimal and env.number_decimal != ".":
        cleaned = cleaned.replace(env.number_decimal, ".")
    return parse_shopspring(_ascii_digits(cleaned))


@lru_cache(maxsize=1)
def _number_class() -> str:
    """A regex character class body matching Unicode category N (Go's ``\\pN``)."""
    ranges: list[tuple[int, int]] = []
    for code in range(0x110000):
        if unicodedata.category(chr(code))[0] == "N":
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    parts = []
    for start, end in ranges:
        first = re.escape(chr(start))
        parts.append(first if start == end else f"{first}-{re.escape(chr(end))}")
    return "".join(parts)


@lru_cache(maxsize=16)
def _number_finder(grouping: str, decimal: str) -> re.Pattern[str]:
    n = _number_class()
    g = re.escape(grouping)
    d = re.escape(decimal)
    # goflow's has_number pattern; Go's \W is ASCII only
    return re.compile(rf"[-+]?([{n}{g}]+({d}[{n}]+)?|([^0-9A-Za-z_]|^){d}[{n}]+)")


def find_numbers(env: Environment, text: str) -> list[Decimal]:
    """Every number-like run in text that parses, in order (goflow's has_number search)."""
    pattern = _number_finder(env.number_grouping, env.number_decimal)
    found = []
    for match in pattern.finditer(text):
        number = parse_decimal_fuzzy(env, match.group(0))
        if number is not None:
            found.append(number)
    return found


# -- arithmetic helpers ---------------------------------------------------------------------


def _exp(places: int) -> Decimal:
    return Decimal((0, (1,), -places))


def round_half_up(number: Decimal, places: int) -> Decimal:
    """shopspring's Round: half away from zero; negative places round the integer part."""
    if places > 300:  # can't change a number goflow can hold
        return number
    if places < -(MAX_EXPONENT + 300):
        return Decimal(0)
    return number.quantize(_exp(places), rounding=ROUND_HALF_UP, context=WIDE)


def round_up(number: Decimal, places: int) -> Decimal:
    """goflow's round_up: add half a unit then round, unless already at that precision."""
    if round_half_up(number, places) == number:
        return number
    half = Decimal((0, (5,), -places - 1))
    return round_half_up(WIDE.add(number, half), places)


def round_down(number: Decimal, places: int) -> Decimal:
    if round_half_up(number, places) == number:
        return number
    half = Decimal((0, (5,), -places - 1))
    return round_half_up(WIDE.subtract(number, half), places)


def divide(dividend: Decimal, divisor: Decimal) -> Decimal:
    """shopspring's Div: the quotient rounded half away from zero to 16 decimal places.

    The caller checks for a zero divisor.
    """
    quotient = WIDE.divide(dividend, divisor)
    if quotient.as_tuple().exponent < -DIVISION_PLACES:  # type: ignore[operator]
        quotient = quotient.quantize(_exp(DIVISION_PLACES), rounding=ROUND_HALF_UP, context=WIDE)
    return quotient


def floor(number: Decimal) -> Decimal:
    return number.to_integral_value(rounding=ROUND_FLOOR, context=WIDE)


def from_float(value: float) -> Decimal:
    """shopspring's NewFromFloat: the shortest decimal that round-trips the float."""
    return Decimal(repr(value))


# -- formatting -----------------------------------------------------------------------------


def _plain(number: Decimal) -> str:
    """shopspring's String(): no exponent, trailing fractional zeros removed."""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_number(env: Environment, number: Decimal, places: int = -1, group: bool = True) -> str:
    """goflow's XNumber.FormatCustom in the environment's number format.

    ``places`` of -1 keeps the significant decimals, otherwise the number is rounded (half
    away from zero) and padded to that many places. The sign is not a digit: -1234 groups as
    ``-1,234``. An empty decimal symbol joins the whole and fractional digits (as goflow).
    """
    if places >= 0:
        text = format(round_half_up(number, places), "f")
        if text.startswith("-") and text.strip("-0.") == "":
            text = text[1:]  # shopspring never shows a negative zero
    else:
        text = _plain(number)
    whole, point, fraction = text.partition(".")
    if group:
        sign = ""
        if whole.startswith("-"):
            sign, whole = "-", whole[1:]
        out = [sign]
        last = len(whole) - 1
        for i, ch in enumerate(whole):
            out.append(ch)
            remaining = last - i
            if remaining > 0 and remaining % 3 == 0:
                out.append(env.number_grouping)
        whole = "".join(out)
    if point:
        return whole + env.number_decimal + fraction
    return whole
