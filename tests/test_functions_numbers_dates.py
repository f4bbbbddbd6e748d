"""The conversion, number and date functions, called through the function table."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from turnflow.expressions.environment import Environment
from turnflow.expressions.functions import FUNCTIONS
from turnflow.expressions.values import XError, XObject, render_text

GYE = ZoneInfo("America/Guayaquil")
NOW = dt.datetime(2018, 4, 11, 18, 24, 30, 123456, tzinfo=dt.UTC)


class FakeRandom:
    def __init__(self, floats: list[float]) -> None:
        self.floats = list(floats)

    def float64(self) -> float:
        return self.floats.pop(0)

    def int_n(self, n: int) -> int:
        raise AssertionError("goflow's rand functions only draw floats")


def make_env(floats: list[float] | None = None) -> Environment:
    return Environment(date_format="DD-MM-YYYY", time_format="tt:mm", timezone=GYE,
                       now=lambda: NOW, random=FakeRandom(floats or []))


ENV = make_env()


def call(name: str, *args: object) -> object:
    return FUNCTIONS[name].call(ENV, list(args))


def text_of(name: str, *args: object) -> str:
    result = call(name, *args)
    assert type(result) is not XError, result
    return render_text(result)


D = Decimal


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("text", (True,), "true"),
        ("boolean", ("FALSE",), "false"),
        ("number", ("123.45000",), "123.45"),
        ("date", ("1979-07-18T10:30:45.123456Z",), "1979-07-18"),
        ("date", ("10/05/2010",), "2010-05-10"),
        ("date", (dt.datetime(2018, 1, 1, 2, 0, tzinfo=dt.UTC),), "2017-12-31"),  # env zone
        ("datetime", ("1979-07-18",), "1979-07-18T00:00:00.000000-05:00"),
        ("datetime", ("1979-07-18T10:30:45.123456Z",), "1979-07-18T10:30:45.123456Z"),
        ("time", ("10:30:45 PM",), "22:30:45.000000"),
        ("time", (D("10.7"),), "10:00:00.000000"),
        ("time", (D(24),), "00:00:00.000000"),
        ("abs", (D(-10),), "10"),
        ("round", (D("12.146"), D(-1)), "10"),
        ("round", (D("12.146"), D(2)), "12.15"),
        ("round_up", (D("12.141"),), "13"),
        ("round_down", (D("12.146"), D(2)), "12.14"),
        ("max", (D(1), D(-1), "10"), "10"),
        ("min", (D(2), D(2), D(-10)), "-10"),
        ("mean", (D(1), D(2)), "1.5"),
        ("mean", (D(1), D(1), D(2)), "1.3333333333333333"),
        ("mod", (D(5), D(2)), "1"),
        ("mod", (D(-5), D(2)), "-1"),
        ("percent", (D("0.54234"),), "54%"),
        ("percent", (D("1.2"),), "120%"),
        ("format_number", (D("1234.5670"),), "1,234.567"),
        ("format_number", (D("1234.5670"), D(2), True), "1,234.57"),
        ("format_number", (D("1234.5678"), D(0), False), "1235"),
        ("parse_datetime", ("2010 5 10 12:50", "YYYY M DD tt:mm", "America/Los_Angeles"),
         "2010-05-10T12:50:00.000000-07:00"),
        ("datetime_from_epoch", (D("1497286619.123456"),), "2017-06-12T11:56:59.123456-05:00"),
        ("datetime_diff", ("2017-01-15", "2017-05-15", "W"), "17"),
        ("datetime_diff", ("2017-01-15", "2017-05-15", "M"), "4"),
        ("datetime_diff", ("2017-01-17 10:50", "2017-01-17 12:30", "h"), "1"),
        ("datetime_diff", ("2017-01-17 12:30", "2017-01-17 10:50", "m"), "-100"),
        ("datetime_diff", ("2017-01-17", "2015-12-17", "Y"), "-2"),
        ("datetime_diff", ("2017-01-22", "2017-01-15", "W"), "-1"),
        ("datetime_add", ("2017-01-15 10:45", D(30), "m"), "2017-01-15T11:15:00.000000-05:00"),
        ("datetime_add", ("2017-01-31", D(1), "M"), "2017-03-03T00:00:00.000000-05:00"),
        ("datetime_add", ("2016-02-29", D(1), "Y"), "2017-03-01T00:00:00.000000-05:00"),
        ("datetime_add", ("2017-01-15", D(-2), "W"), "2017-01-01T00:00:00.000000-05:00"),
        ("replace_time", ("2017-01-15", "10:30"), "2017-01-15T10:30:00.000000-05:00"),
        ("tz", ("2017-01-15T02:15:18.123456Z",), "UTC"),
        ("tz", ("2017-01-15 02:15:18PM",), "America/Guayaquil"),
        ("tz_offset", ("2017-01-15T02:15:18.123456Z",), "+0000"),
        ("tz_offset", ("2017-01-15",), "-0500"),
        ("epoch", ("2017-06-12T18:56:59.000000+02:00",), "1497286619"),
        ("epoch", ("2017-06-12T16:56:59.123456Z",), "1497286619.123456"),
        ("now", (), "2018-04-11T13:24:30.123456-05:00"),
        ("today", (), "2018-04-11"),
        ("date_from_parts", (D(2017), D(2), D(31)), "2017-03-03"),
        ("weekday", ("2017-01-15",), "0"),
        ("week_number", ("2019-01-01",), "1"),
        ("week_number", ("2019-07-23T16:56:59.000000Z",), "30"),
        ("parse_time", ("2:40 pm", "h:mm aa"), "14:40:00.000000"),
        ("time_from_parts", (D(8), D(10), D(0)), "08:10:00.000000"),
        ("format", (D("1234.5670"),), "1,234.567"),
        ("format", (dt.date(2018, 4, 11),), "11-04-2018"),
        ("format", (NOW,), "11-04-2018 13:24"),
        ("format", (dt.time(9, 5),), "09:05"),
        ("format", (None,), ""),
        ("format", ([D(1234), "a"],), "1,234, a"),
        ("format", (XObject({"b": D(1000), "a": "x"}),), "a: x\nb: 1,000"),
        ("format", (XError("boom"),), ""),
        ("format_date", ("1979-07-18T15:00:00.000000Z", "YYYY M D"), "1979 7 18"),
        ("format_datetime", ("2010-05-10T19:50:00.000000Z", "YYYY-MM-DD hh:mm AA",
                             "America/Los_Angeles"), "2010-05-10 12:50 PM"),
        ("format_datetime", ("1979-07-18T15:00:00.000000Z",), "18-07-1979 10:00"),
        ("format_time", ("14:50:30.000000", "h:mm aa"), "2:50 pm"),
        ("format_time", ("15:00:27.000000", "s"), "27"),
        ("legacy_add", ("2017-01-15", D(2)), "2017-01-17T00:00:00.000000-05:00"),
        ("legacy_add", (D(-1), "2017-01-15"), "2017-01-14T00:00:00.000000-05:00"),
        ("legacy_add", (D(1), "2.5"), "3.5"),
    ],
)
def test_functions(name: str, args: tuple[object, ...], expected: str) -> None:
    assert text_of(name, *args) == expected


@pytest.mark.parametrize(
    ("name", "args", "message"),
    [
        ("number", ("what?",), 'unable to convert "what?" to a number'),
        ("number", (None,), "unable to convert null to a number"),
        ("datetime", ("foo",), 'unable to convert "foo" to a datetime'),
        ("date", ("NOT DATE",), 'unable to convert "NOT DATE" to a date'),
        ("time", (D(25),), "unable to convert 25 to a time"),
        ("round", ("notnum", D(2)), 'unable to convert "notnum" to a number'),
        ("mod", (D(5), D(0)), "division by zero"),
        ("format_number", (D(1), D(10)), "must take 0-9 number of places, got 10"),
        ("datetime_diff", ("2017-01-15", "2017-01-17", "x"),
         "unknown unit: x, must be one of s, m, h, D, W, M, Y"),
        ("datetime_add", ("2017-01-15", D(1), "x"),
         "unknown unit: x, must be one of s, m, h, D, W, M, Y"),
        ("date_from_parts", (D(2017), D(13), D(15)), "invalid value for month, must be 1-12"),
        ("time_from_parts", (D(25), D(0), D(0)), "invalid value for hour, must be 0-23"),
        ("time_from_parts", (D(1), D(60), D(0)), "invalid value for minute, must be 0-59"),
        ("parse_datetime", ("2017-01-15", "YYYY-MM-DD", "Mars/Base"),
         "unknown time zone Mars/Base"),
        ("parse_datetime", ("NOT DATE", "YYYY-MM-DD"),
         'parsing time "NOT DATE" as "2006-01-02": cannot parse "NOT DATE" as "2006"'),
        ("format_date", ("2017-01-15", "tt"), "'tt' is not valid in a date formatting layout"),
        ("format_time", ("10:30", "YYYY"), "'YYYY' is not valid in a time formatting layout"),
        ("legacy_add", ("2017-01-15", "2017-01-16"), "cannot operate on two dates"),
        ("legacy_add", (D(1), "x"), 'unable to convert "x" to a number'),
    ],
)
def test_errors(name: str, args: tuple[object, ...], message: str) -> None:
    result = call(name, *args)
    assert type(result) is XError
    assert result.message == f"error calling {name}(...): {message}"


def test_error_arguments_are_wrapped_with_the_function_name() -> None:
    # goflow wraps every error a function returns, an error argument passed on included
    error = XError("boom")
    for name in ("text", "number", "datetime", "date", "time", "abs", "tz", "format_date"):
        assert call(name, error) == XError(f"error calling {name}(...): boom")


def test_results_are_decimals() -> None:
    for name, args in (("weekday", ("2017-01-15",)), ("epoch", ("2017-01-15",)),
                       ("datetime_diff", ("2017-01-15", "2017-01-17", "D"))):
        assert type(call(name, *args)) is Decimal


def test_rand_uses_the_environment_source() -> None:
    # goflow's documented sequence: the seeded source yields these floats in this order
    env = make_env([0.774856886849196, 0.5342568785221806, 0.656779756512028,
                    0.7296562439280363])
    rand = FUNCTIONS["rand"]
    between = FUNCTIONS["rand_between"]
    assert render_text(rand.call(env, [])) == "0.774856886849196"
    assert render_text(rand.call(env, [])) == "0.5342568785221806"
    assert render_text(between.call(env, [D(1), D(10)])) == "7"
    assert render_text(between.call(env, [D(1), D(10)])) == "8"


def test_datetime_diff_uses_local_calendar_days() -> None:
    first = dt.datetime(2017, 1, 15, 23, 0, tzinfo=GYE)
    second = dt.datetime(2017, 1, 16, 4, 30, tzinfo=dt.UTC)  # same instant-ish, next UTC day
    assert call("datetime_diff", first, second, "D") == 1
    assert call("datetime_diff", first, second, "h") == 0
