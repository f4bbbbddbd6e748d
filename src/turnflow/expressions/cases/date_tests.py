"""Date and time case tests: has_date, has_date_eq/gt/lt, has_time.

A date found in the text keeps the current time of day when the text has none, but the
comparisons look only at the calendar date in the environment's time zone.
"""

from __future__ import annotations

import datetime as dt
import inspect
import operator
from collections.abc import Callable

from ..dates import parse_datetime_text
from ..environment import Environment
from ..values import XError, XValue, to_datetime, to_text, to_time
from .base import case_test, false_result, true_result

_NO_LIMIT = object()


def _parse_filled(env: Environment, text: str) -> dt.datetime | None:
    """A datetime in text, taking now's time of day when the text has none."""
    if _HAS_FILL:
        return parse_datetime_text(env, text, fill_time=True)
    # interim until dates.py takes fill_time: treat an exact midnight as "no time given"
    found = parse_datetime_text(env, text)
    if found is None or found.timetz().replace(tzinfo=None) != dt.time():
        return found
    now = env.now().astimezone(found.tzinfo)
    return found.replace(
        hour=now.hour, minute=now.minute, second=now.second, microsecond=now.microsecond
    )


_HAS_FILL = "fill_time" in inspect.signature(parse_datetime_text).parameters


def _find_date(
    env: Environment,
    value: XValue,
    compare: Callable[[dt.date, dt.date], bool],
    test: XValue = _NO_LIMIT,
) -> XValue:
    text = to_text(env, value)
    if type(text) is XError:
        return text
    limit: dt.datetime | None = None
    if test is not _NO_LIMIT:
        limit = to_datetime(env, test)
        if type(limit) is XError:
            return limit
    found = _parse_filled(env, text)
    if found is None:
        return false_result()
    found_date = found.astimezone(env.timezone).date()
    limit_date = limit.astimezone(env.timezone).date() if limit is not None else found_date
    return true_result(found) if compare(found_date, limit_date) else false_result()


def _any_date(found: dt.date, limit: dt.date) -> bool:
    return True


@case_test("has_date", 1)
def has_date(env: Environment, value: XValue) -> XValue:
    return _find_date(env, value, _any_date)


@case_test("has_date_lt", 2)
def has_date_lt(env: Environment, value: XValue, maximum: XValue) -> XValue:
    return _find_date(env, value, operator.lt, maximum)


@case_test("has_date_eq", 2)
def has_date_eq(env: Environment, value: XValue, date: XValue) -> XValue:
    return _find_date(env, value, operator.eq, date)


@case_test("has_date_gt", 2)
def has_date_gt(env: Environment, value: XValue, minimum: XValue) -> XValue:
    return _find_date(env, value, operator.gt, minimum)


@case_test("has_time", 1)
def has_time(env: Environment, value: XValue) -> XValue:
    text = to_text(env, value)
    if type(text) is XError:
        return text
    found = to_time(env, text)
    if type(found) is XError:
        return false_result()
    return true_result(found)
