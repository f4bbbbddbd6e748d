"""Fuzzy date parsing, layouts and Go-style parsing with goflow's semantics."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from turnflow.expressions.dates import (
    DATE_ONLY,
    DATETIME,
    TIME_ONLY,
    LayoutError,
    convert_layout,
    format_date,
    format_datetime,
    format_layout,
    format_time,
    go_date,
    parse_date_text,
    parse_datetime_text,
    parse_layout_datetime,
    parse_layout_time,
    parse_time_text,
    tz_name,
)
from turnflow.expressions.environment import Environment

GYE = ZoneInfo("America/Guayaquil")
NOW = dt.datetime(2018, 4, 11, 18, 24, 30, 123456, tzinfo=dt.UTC)


def make_env(date_format: str = "DD-MM-YYYY") -> Environment:
    return Environment(date_format=date_format, timezone=GYE, now=lambda: NOW)


ENV = make_env()


def iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1979-07-18", "1979-07-18T00:00:00-05:00"),
        ("1979-07-18T10:30:45.123456Z", "1979-07-18T10:30:45.123456+00:00"),
        ("2017-06-12T18:56:59+02:00", "2017-06-12T18:56:59+02:00"),
        ("2017-01-15T02:15Z", "2017-01-15T02:15:00+00:00"),
        ("10/05/2010", "2010-05-10T00:00:00-05:00"),
        ("2017-01-15 02:15:18PM", "2017-01-15T14:15:18-05:00"),
        ("the date is 15/01/2017 15:00", "2017-01-15T15:00:00-05:00"),
        ("31-02-2017", None),  # no 31 February: goflow finds no date
        ("31-11-2017 or 01-12-2017", "2017-12-01T00:00:00-05:00"),  # looks on to the next one
        ("15-01-2017 24:30", "2017-01-15T00:00:00-05:00"),  # 24:30 is no time: midnight
        ("15-01-2017 10:60", "2017-01-15T00:00:00-05:00"),
        ("1.2.17", "2017-02-01T00:00:00-05:00"),
        ("1.2.99", "1999-02-01T00:00:00-05:00"),
        ("  15 01 2017 10pm ", "2017-01-15T22:00:00-05:00"),
        ("2017-01-15 24:00", "2017-01-15T00:00:00-05:00"),
        ("NOT DATE", None),
        ("just a year 2017", None),
        ("32/01/2017", None),
    ],
)
def test_parse_datetime_text(text: str, expected: str | None) -> None:
    assert iso(parse_datetime_text(ENV, text)) == expected


def test_parse_datetime_text_zones() -> None:
    assert tz_name(parse_datetime_text(ENV, "2017-01-15T02:15:18.123456Z")) == "UTC"
    assert tz_name(parse_datetime_text(ENV, "2017-01-15T02:15:18-05:00")) == "America/Guayaquil"
    assert tz_name(parse_datetime_text(ENV, "2017-01-15T02:15:18+02:00")) == ""
    assert tz_name(parse_datetime_text(ENV, "2017-01-15")) == "America/Guayaquil"


def test_parse_datetime_text_fill_time() -> None:
    parsed = parse_datetime_text(ENV, "15/01/2017", fill_time=True)
    assert iso(parsed) == "2017-01-15T13:24:30.123456-05:00"
    assert iso(parse_datetime_text(ENV, "15/01/2017 9:00", fill_time=True)) == (
        "2017-01-15T09:00:00-05:00"
    )


def test_other_date_formats() -> None:
    us = make_env("MM-DD-YYYY")
    assert iso(parse_datetime_text(us, "10/05/2010")) == "2010-10-05T00:00:00-05:00"
    ymd = make_env("YYYY-MM-DD")
    assert iso(parse_datetime_text(ymd, "2010/5/10")) == "2010-05-10T00:00:00-05:00"


def test_parse_date_text() -> None:
    assert parse_date_text(ENV, "1979-07-18T23:30:00Z") == dt.date(1979, 7, 18)
    assert parse_date_text(ENV, "the 10/05/2010") == dt.date(2010, 5, 10)
    assert parse_date_text(ENV, "foo") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10:30", dt.time(10, 30)),
        ("10:30:45 PM", dt.time(22, 30, 45)),
        ("12 am", dt.time(0)),
        ("10 PM", dt.time(22)),
        ("1030", dt.time(10, 30)),
        ("10:30:45.123456789", dt.time(10, 30, 45, 123456)),
        ("24:30", None),  # only 24:00 is a time (midnight); 24:30, 10:60, 10:30:60 are not
        ("10:60", None),
        ("10:30:60", None),
        ("24:00:00", dt.time(0)),
        ("the number 25", None),
        ("what?", None),
    ],
)
def test_parse_time_text(text: str, expected: dt.time | None) -> None:
    assert parse_time_text(ENV, text) == expected


def test_go_date_rolls_over() -> None:
    assert go_date(2017, 2, 31) == dt.datetime(2017, 3, 3)
    assert go_date(2017, 13, 1) == dt.datetime(2018, 1, 1)
    assert go_date(2017, 1, 0) == dt.datetime(2016, 12, 31)
    assert go_date(10000, 1, 1) is None


def test_convert_layout() -> None:
    assert convert_layout("YYYY-MM-DD tt:mm:ss.fff aa Z", DATETIME) == (
        "2006-01-02 15:04:05.000 pm Z07:00"
    )
    with pytest.raises(LayoutError, match="'MMM' is not valid in a datetime parsing layout"):
        convert_layout("DD MMM YYYY", DATETIME)
    with pytest.raises(LayoutError, match="'tt' is not valid in a date parsing layout"):
        convert_layout("tt", DATE_ONLY)
    with pytest.raises(LayoutError, match="'x' is not valid"):
        convert_layout("x", DATETIME)


def test_format_layouts() -> None:
    moment = dt.datetime(2010, 5, 10, 14, 5, 7, 123456, tzinfo=GYE)
    assert format_layout(moment, "YYYY M DD tt:mm", DATETIME) == "2010 5 10 14:05"
    assert format_layout(moment, "YY-MM-D h:m:s aa", DATETIME) == "10-05-10 2:5:7 pm"
    assert format_layout(moment, "hh AA fff ffffff fffffffff", DATETIME) == (
        "02 PM 123 123456 123456000"
    )
    assert format_layout(moment, "EEE EEEE, MMM MMMM", DATETIME) == "Mon Monday, May May"
    assert format_layout(moment, "Z ZZZ", DATETIME) == "-05:00 -05:00"
    utc = moment.astimezone(dt.UTC)
    assert format_layout(utc, "Z ZZZ", DATETIME) == "Z +00:00"
    midnight = dt.time(0, 10)
    assert format_layout(midnight, "t:mm", TIME_ONLY) == ":10"  # Go trims both zeros
    assert format_layout(midnight, "h:mm aa", TIME_ONLY) == "12:10 am"
    with pytest.raises(LayoutError):
        format_layout(midnight, "Z", TIME_ONLY)


def test_format_with_env_defaults() -> None:
    value = dt.datetime(1979, 7, 18, 15, 0, tzinfo=dt.UTC)
    assert format_datetime(ENV, value) == "18-07-1979 10:00"
    assert format_datetime(ENV, value, "YYYY-MM-DD hh:mm AA", ZoneInfo("America/Los_Angeles")) == (
        "1979-07-18 08:00 AM"
    )
    assert format_date(ENV, dt.date(2019, 4, 11)) == "11-04-2019"
    assert format_time(ENV, dt.time(14, 50, 30)) == "14:50"


@pytest.mark.parametrize(
    ("text", "layout", "expected"),
    [
        ("1979-07-18", "YYYY-MM-DD", "1979-07-18T00:00:00-05:00"),
        ("2010 5 10", "YYYY M DD", "2010-05-10T00:00:00-05:00"),
        ("10-5-2010 2:40 pm", "DD-M-YYYY h:mm aa", "2010-05-10T14:40:00-05:00"),
        ("2017-01-15T10:30:45.123Z", "YYYY-MM-DDTtt:mm:ssZ", "2017-01-15T10:30:45.123000+00:00"),
        ("2017-01-15T10:30:45+02:00", "YYYY-MM-DDTtt:mm:ssZZZ", "2017-01-15T10:30:45+02:00"),
        ("2017-01-15 10:30:45.12", "YYYY-MM-DD tt:mm:ss.fff", None),  # needs 3 digits
        ("2017-01-15 10:30:45.123", "YYYY-MM-DD tt:mm:ss.fff", "2017-01-15T10:30:45.123000-05:00"),
        ("17-1-5", "YY-M-D", "2017-01-05T00:00:00-05:00"),
        ("70-1-5", "YY-M-D", "1970-01-05T00:00:00-05:00"),
        ("2017-02-30", "YYYY-MM-DD", None),
        ("2017-13-01", "YYYY-MM-DD", None),
        ("2017-01-01 extra", "YYYY-MM-DD", None),
        ("NOT DATE", "YYYY-MM-DD", None),
        ("2017  1 15", "YYYY M D", "2017-01-15T00:00:00-05:00"),  # spaces match spaces
    ],
)
def test_parse_layout_datetime(text: str, layout: str, expected: str | None) -> None:
    parsed = parse_layout_datetime(text, layout, GYE)
    if expected is None:
        assert isinstance(parsed, str)
    else:
        assert not isinstance(parsed, str), parsed
        assert parsed.isoformat() == expected


def test_parse_layout_datetime_location() -> None:
    parsed = parse_layout_datetime("2010 5 10 12:50", "YYYY M DD tt:mm",
                                   ZoneInfo("America/Los_Angeles"))
    assert parsed.isoformat() == "2010-05-10T12:50:00-07:00"


def test_parse_layout_errors_are_messages() -> None:
    assert parse_layout_datetime("NOT DATE", "YYYY-MM-DD", GYE) == (
        'parsing time "NOT DATE" as "2006-01-02": cannot parse "NOT DATE" as "2006"'
    )
    assert parse_layout_datetime("x", "MMM", GYE) == (
        "'MMM' is not valid in a datetime parsing layout"
    )


@pytest.mark.parametrize(
    ("text", "layout", "expected"),
    [
        ("15:28", "tt:mm", dt.time(15, 28)),
        ("2:40 pm", "h:mm aa", dt.time(14, 40)),
        ("12:40 am", "h:mm aa", dt.time(0, 40)),
        ("2:40 PM", "h:mm aa", None),  # case matters
        ("2:40 PM", "h:mm AA", dt.time(14, 40)),
        ("10:30:15.5", "tt:mm:ss", dt.time(10, 30, 15, 500000)),  # fraction accepted anyway
        ("25:00", "tt:mm", None),
        ("NOT TIME", "tt:mm", None),
    ],
)
def test_parse_layout_time(text: str, layout: str, expected: dt.time | None) -> None:
    parsed = parse_layout_time(text, layout)
    if expected is None:
        assert isinstance(parsed, str)
    else:
        assert parsed == expected
