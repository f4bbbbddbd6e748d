"""Number case tests: has_number and the has_number_* comparisons.

They look for number-like runs in the text (digits of any script, with the environment's
grouping and decimal symbols) and use the first one that parses and passes the comparison.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import regex

from ..environment import Environment
from ..functions.args import convert_all
from ..numbers import parse_decimal
from ..values import XError, XValue, to_number, to_text
from .base import case_test, false_result, true_result

# Arabic-Indic, Persian/Urdu (extended Arabic-Indic) and Bengali digits are read as 0-9
# (other scripts' digits are not)
_NUMERALS = str.maketrans(
    {chr(0x0660 + i): str(i) for i in range(10)}
    | {chr(0x06F0 + i): str(i) for i in range(10)}
    | {chr(0x09E6 + i): str(i) for i in range(10)}
)
_GO_SPACE = "\t\n\v\f\r \x85\xa0"


@functools.lru_cache(maxsize=16)
def _number_finder(grouping: str, decimal: str) -> regex.Pattern[str]:
    group = regex.escape(grouping)
    dec = regex.escape(decimal)
    # \W and ^ are ASCII-only in goflow's (RE2) pattern
    return regex.compile(
        rf"[-+]?(?:[\p{{N}}{group}]+(?:{dec}[\p{{N}}]+)?|(?:[^0-9A-Za-z_]|^){dec}[\p{{N}}]+)"
    )


def parse_fuzzy_decimal(env: Environment, text: str) -> Decimal | None:
    """A number found in text: grouping symbols dropped, the env's decimal symbol read as ".",
    Eastern Arabic / Bengali digits mapped to ASCII."""
    cleaned = text.strip(_GO_SPACE)
    if env.number_grouping:
        cleaned = cleaned.replace(env.number_grouping, "")
    decimal = env.number_decimal
    if decimal:
        cleaned = cleaned.replace(decimal, ".")
    elif cleaned:
        # goflow replaces every occurrence of the empty symbol: a point between (and around)
        # every character, so nothing parses with an empty decimal symbol
        cleaned = "." + ".".join(cleaned) + "."
    # then the text must be a plain number in goflow's range (no plus sign, no exponent)
    return parse_decimal(env, cleaned.translate(_NUMERALS))


def _find_number(
    env: Environment,
    value: XValue,
    limits: tuple[XValue, ...],
    accept: Callable[..., bool],
) -> XValue:
    """The first number in the text for which ``accept(number, *limits)`` holds."""
    text = to_text(env, value)
    if type(text) is XError:
        return text
    bounds: Any = limits
    for limit in limits:
        if type(limit) is not Decimal:  # (routers give literal bounds as numbers already)
            bounds = convert_all(env, to_number, limits)
            if type(bounds) is XError:
                return bounds
            break
    number = first_number(env, text, bounds, accept)
    return true_result(number) if number is not None else false_result()


def first_number(
    env: Environment, text: str, bounds: Any, accept: Callable[..., bool]
) -> Decimal | None:
    """The first number in ``text`` for which ``accept(number, *bounds)`` holds (the bounds
    are numbers already), or None: what the number tests match. Routers with literal bounds
    call it straight (see goflow.routers.switch)."""
    if (text.isascii() and text.isdigit()
            and not _numeric_symbols(env.number_grouping, env.number_decimal)):
        # the usual answer, digits alone: the one number the search below would find
        number = Decimal(text)
        return number if accept(number, *bounds) else None
    finder = _number_finder(env.number_grouping, env.number_decimal)
    for found in finder.findall(text):
        number = parse_fuzzy_decimal(env, found)
        if number is not None and accept(number, *bounds):
            return number
    return None


@functools.lru_cache(maxsize=16)
def _numeric_symbols(grouping: str | None, decimal: str | None) -> bool:
    """Whether the grouping or decimal symbol has a numeral in it (then digits alone aren't
    necessarily one number)."""
    return any(ch.isnumeric() for ch in (grouping or "") + (decimal or ""))


def _any_number(number: Decimal) -> bool:
    return True


def _between(number: Decimal, low: Decimal, high: Decimal) -> bool:
    return low <= number <= high


# the tests whose arguments after the text are only ever read with to_number, and the
# comparison each makes (routers may convert literal arguments once and call first_number
# with it, see goflow.routers.switch._literal_numbers)
NUMBER_BOUND_TESTS: dict[str, Callable[..., bool]] = {
    "has_number_between": _between,
    "has_number_lt": operator.lt,
    "has_number_lte": operator.le,
    "has_number_eq": operator.eq,
    "has_number_gte": operator.ge,
    "has_number_gt": operator.gt,
}


@case_test("has_number", 1)
def has_number(env: Environment, value: XValue) -> XValue:
    return _find_number(env, value, (), _any_number)


@case_test("has_number_between", 3)
def has_number_between(env: Environment, value: XValue, low: XValue, high: XValue) -> XValue:
    return _find_number(env, value, (low, high), _between)


@case_test("has_number_lt", 2)
def has_number_lt(env: Environment, value: XValue, maximum: XValue) -> XValue:
    return _find_number(env, value, (maximum,), operator.lt)


@case_test("has_number_lte", 2)
def has_number_lte(env: Environment, value: XValue, maximum: XValue) -> XValue:
    return _find_number(env, value, (maximum,), operator.le)


@case_test("has_number_eq", 2)
def has_number_eq(env: Environment, value: XValue, expected: XValue) -> XValue:
    return _find_number(env, value, (expected,), operator.eq)


@case_test("has_number_gte", 2)
def has_number_gte(env: Environment, value: XValue, minimum: XValue) -> XValue:
    return _find_number(env, value, (minimum,), operator.ge)


@case_test("has_number_gt", 2)
def has_number_gt(env: Environment, value: XValue, minimum: XValue) -> XValue:
    return _find_number(env, value, (minimum,), operator.gt)
