"""Date and time case tests: has_date, has_date_eq/gt/lt, has_time.

A date found in the text keeps the current time of day when the text has none, but the
comparisons look only at the calendar date in the environment's time zone. With the
environment's ``legacy_dates`` on, the match is what RapidPro's legacy engine saved: the date
alone, as text in the environment's date format ("28-05-1981").
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable

from ..dates import format_date, parse_datetime_text
from ..environment import Environment
from ..functions.args import convert_all
from ..values import XError, XValue, to_datetime, to_text, to_time
from .base import case_test, false_result, true_result


def _parse_filled(env: Environment, text: str) -> dt.datetime | None:
    """A datetime in text, taking now's time of day when the text has none."""
    return parse_datetime_text(env, text, fill_time=True)


def _find_date(
    env: Environment,
    value: XValue,
    limits: tuple[XValue, ...],
    accept: Callable[..., bool],
) -> XValue:
    """A date in the text for which ``accept(date, *limit_dates)`` holds, all compared as
    calendar dates in the environment's time zone."""
    text = to_text(env, value)
    if type(text) is XError:
        return text
    bounds = convert_all(env, to_datetime, limits)
    if type(bounds) is XError:
        return bounds
    found = _parse_filled(env, text)
    if found is None:
        return false_result()
    local = [when.astimezone(env.timezone).date() for when in (found, *bounds)]
    if not accept(*local):
        return false_result()
    if env.legacy_dates:
        return true_result(format_date(env, local[0]))
    return true_result(found)


def _any_date(found: dt.date) -> bool:
    return True


@case_test("has_date", 1)
def has_date(env: Environment, value: XValue) -> XValue:
    return _find_date(env, value, (), _any_date)


@case_test("has_date_lt", 2)
def has_date_lt(env: Environment, value: XValue, maximum: XValue) -> XValue:
    return _find_date(env, value, (maximum,), operator.lt)


@case_test("has_date_eq", 2)
def has_date_eq(env: Environment, value: XValue, date: XValue) -> XValue:
    return _find_date(env, value, (date,), operator.eq)


@case_test("has_date_gt", 2)
def has_date_gt(env: Environment, value: XValue, minimum: XValue) -> XValue:
    return _find_date(env, value, (minimum,), operator.gt)


@case_test("has_time", 1)
def has_time(env: Environment, value: XValue) -> XValue:
    text = to_text(env, value)
    if type(text) is XError:
        return text
    found = to_time(env, text)
    if type(found) is XError:
        return false_result()
    return true_result(found)
