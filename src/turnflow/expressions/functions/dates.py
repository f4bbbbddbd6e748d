"""Date, datetime and time functions, including the formatting functions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from .. import dates as d
from .. import numbers as nums
from ..values import (
    XError,
    XObject,
    XValue,
    render_text,
    to_datetime,
    to_text,
)
from .args import (
    convert_all,
    date_arg,
    datetime_arg,
    integer_arg,
    number_arg,
    optional_arg,
    time_arg,
)
from .numbers import checked
from .registry import register

if TYPE_CHECKING:
    from ..environment import Environment

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_NANOS = Decimal(1_000_000_000)
_UNITS = "unknown unit: {}, must be one of s, m, h, D, W, M, Y"


def _location(env: Environment, value: XValue) -> dt.tzinfo | XError:
    name = to_text(env, value)
    if type(name) is XError:
        return name
    tz = d.load_location(name)
    if tz is None:
        return XError(f"unknown time zone {name}")
    return tz


def _truncated_div(a: int, b: int) -> int:
    """Integer division rounding towards zero, as Go's."""
    quotient = abs(a) // b
    return -quotient if a < 0 else quotient


def _guard(value: dt.datetime | dt.date | None) -> XValue:
    if value is None:
        return XError("date value out of range")
    return value


# -- datetimes ------------------------------------------------------------------------------


@register("parse_datetime", 2, 3)
def parse_datetime(env: Environment, *args: XValue) -> XValue:
    texts = convert_all(env, to_text, args[:2])
    if type(texts) is XError:
        return texts
    text, layout = texts
    location = optional_arg(env, args, 2, _location, env.timezone)
    if type(location) is XError:
        return location
    parsed = d.parse_layout_datetime(text, layout, location)
    return XError(parsed) if isinstance(parsed, str) else parsed


@register("datetime_from_epoch", 1)
def datetime_from_epoch(env: Environment, seconds: XValue) -> XValue:
    number = number_arg(env, seconds)
    if type(number) is XError:
        return number
    nanos = int(nums.WIDE.multiply(number, _NANOS))  # truncated, as Go's IntPart
    try:
        instant = _EPOCH + dt.timedelta(microseconds=nanos // 1000)
        return instant.astimezone(env.timezone)
    except (OverflowError, ValueError):
        return XError("date value out of range")


@register("datetime_diff", 3)
def datetime_diff(env: Environment, first: XValue, second: XValue, unit: XValue) -> XValue:
    dates = convert_all(env, datetime_arg, (first, second))
    if type(dates) is XError:
        return dates
    date1, date2 = dates
    name = to_text(env, unit)
    if type(name) is XError:
        return name

    per_unit = {"s": 10**9, "m": 60 * 10**9, "h": 3600 * 10**9}.get(name)
    if per_unit is not None:
        # elapsed time, not wall-clock time: a DST change in between counts
        delta = date2.astimezone(dt.UTC) - date1.astimezone(dt.UTC)
        nanos = ((delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds) * 1000
        nanos = max(-(2**63), min(2**63 - 1, nanos))  # Go durations saturate
        return Decimal(_truncated_div(nanos, per_unit))
    if name in ("D", "W"):
        # calendar days, each date taken in its own time zone
        days = (date2.date() - date1.date()).days
        return Decimal(_truncated_div(days, 7) if name == "W" else days)
    if name == "M":
        return Decimal((date2.year - date1.year) * 12 + date2.month - date1.month)
    if name == "Y":
        return Decimal(date2.year - date1.year)
    return XError(_UNITS.format(name))


@register("datetime_add", 3)
def datetime_add(env: Environment, value: XValue, offset: XValue, unit: XValue) -> XValue:
    date = datetime_arg(env, value)
    if type(date) is XError:
        return date
    amount = integer_arg(env, offset)
    if type(amount) is XError:
        return amount
    name = to_text(env, unit)
    if type(name) is XError:
        return name
    if name in ("s", "m", "h"):
        seconds = amount * {"s": 1, "m": 60, "h": 3600}[name]
        return _guard(d.add_duration(date, dt.timedelta(seconds=seconds)))
    if name == "D":
        return _guard(d.add_date(date, 0, 0, amount))
    if name == "W":
        return _guard(d.add_date(date, 0, 0, amount * 7))
    if name == "M":
        return _guard(d.add_date(date, 0, amount, 0))
    if name == "Y":
        return _guard(d.add_date(date, amount, 0, 0))
    return XError(_UNITS.format(name))


@register("legacy_add", 2)
def legacy_add(env: Environment, first: XValue, second: XValue) -> XValue:
    """The old ``+``: a datetime plus a whole number of days, otherwise a numeric sum."""
    date1 = to_datetime(env, first)
    date2 = to_datetime(env, second)
    num1 = number_arg(env, first)
    num2 = number_arg(env, second)
    if type(date1) is not XError and type(date2) is not XError:
        return XError("cannot operate on two dates")
    for date, num in ((date1, num2), (date2, num1)):
        if type(date) is not XError and type(num) is not XError:
            days = int(num)
            if not -(2**31) <= days < 2**31:
                return XError("cannot operate on integers greater than 32 bit")
            return _guard(d.add_date(date, 0, 0, days))
    if type(num1) is XError:
        return num1
    if type(num2) is XError:
        return num2
    return checked(nums.WIDE.add(num1, num2))


@register("replace_time", 2)
def replace_time(env: Environment, value: XValue, time_of_day: XValue) -> XValue:
    date = datetime_arg(env, value)
    if type(date) is XError:
        return date
    t = time_arg(env, time_of_day)
    if type(t) is XError:
        return t
    return date.replace(hour=t.hour, minute=t.minute, second=t.second, microsecond=t.microsecond)


@register("tz", 1)
def tz(env: Environment, value: XValue) -> XValue:
    date = datetime_arg(env, value)
    if type(date) is XError:
        return date
    return d.tz_name(date)


@register("tz_offset", 1)
def tz_offset(env: Environment, value: XValue) -> XValue:
    date = datetime_arg(env, value)
    if type(date) is XError:
        return date
    seconds = d.offset_seconds(date)
    minutes = seconds // 60 if seconds >= 0 else -((-seconds) // 60)
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}{minutes % 60:02d}"


@register("epoch", 1)
def epoch(env: Environment, value: XValue) -> XValue:
    date = datetime_arg(env, value)
    if type(date) is XError:
        return date
    delta = date - _EPOCH
    micros = (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
    return nums.divide(Decimal(micros), Decimal(1_000_000))


@register("now", 0)
def now(env: Environment) -> XValue:
    return env.local_now()


# -- dates ----------------------------------------------------------------------------------


@register("date_from_parts", 3)
def date_from_parts(env: Environment, year: XValue, month: XValue, day: XValue) -> XValue:
    parts = convert_all(env, integer_arg, (year, month, day))
    if type(parts) is XError:
        return parts
    if not 1 <= parts[1] <= 12:
        return XError("invalid value for month, must be 1-12")
    return _guard(d.go_date_only(*parts))


@register("weekday", 1)
def weekday(env: Environment, value: XValue) -> XValue:
    date = date_arg(env, value)
    if type(date) is XError:
        return date
    return Decimal(date.isoweekday() % 7)


@register("week_number", 1)
def week_number(env: Environment, value: XValue) -> XValue:
    date = date_arg(env, value)
    if type(date) is XError:
        return date
    # weeks start on Sunday and the week holding January 1st is week 1
    weekday_ = date.isoweekday() % 7
    year_day = date.timetuple().tm_yday - 1
    return Decimal((year_day - weekday_ + 7) // 7 + 1)


@register("today", 0)
def today(env: Environment) -> XValue:
    return env.local_now().date()


# -- times ----------------------------------------------------------------------------------


@register("parse_time", 2)
def parse_time(env: Environment, value: XValue, layout: XValue) -> XValue:
    texts = convert_all(env, to_text, (value, layout))
    if type(texts) is XError:
        return texts
    parsed = d.parse_layout_time(*texts)
    return XError(parsed) if isinstance(parsed, str) else parsed


@register("time_from_parts", 3)
def time_from_parts(env: Environment, hour: XValue, minute: XValue, second: XValue) -> XValue:
    parts = convert_all(env, integer_arg, (hour, minute, second))
    if type(parts) is XError:
        return parts
    h, m, s = parts
    if not 0 <= h <= 23:
        return XError("invalid value for hour, must be 0-23")
    if not 0 <= m <= 59:
        return XError("invalid value for minute, must be 0-59")
    if not 0 <= s <= 59:
        return XError("invalid value for second, must be 0-59")
    return dt.time(h, m, s)


# -- formatting -----------------------------------------------------------------------------


def _indent(text: str, prefix: str) -> str:
    """Prefix every line that has content."""
    return "\n".join(prefix + line if line else line for line in text.split("\n"))


def format_value(env: Environment, value: XValue) -> str:
    """goflow's Format: a value as text for people, using the environment's formats."""
    t = type(value)
    if value is None or t is XError:
        return ""
    if t is Decimal:
        return nums.format_number(env, value)
    if t is dt.datetime:
        return d.format_datetime(env, value)
    if t is dt.date:
        return d.format_date(env, value)
    if t is dt.time:
        return d.format_time(env, value)
    if t is list:
        parts = [format_value(env, item) for item in value]
        if any("\n" in part for part in parts):
            return "\n".join("-" + _indent(part, "  ")[1:] for part in parts)
        return ", ".join(parts)
    if t is XObject:
        if value.has_default:
            return format_value(env, value.default)
        pairs = []
        for name, item in value.items():
            formatted = format_value(env, item)
            if "\n" in formatted:
                pairs.append(f"{name}:\n{_indent(formatted, '  ')}")
            else:
                pairs.append(f"{name}: {formatted}")
        return "\n".join(pairs)
    return render_text(value)


@register("format", 1)
def format_(env: Environment, value: XValue) -> XValue:
    return format_value(env, value)


def _formatted(
    env: Environment,
    args: tuple[XValue, ...],
    convert: Callable[[Environment, XValue], XValue],
    formatter: Callable[..., str],
) -> XValue:
    """``formatter(env, value, layout, *location)``: the shared body of the format_* functions."""
    value = convert(env, args[0])
    if type(value) is XError:
        return value
    layout = optional_arg(env, args, 1, to_text, None)
    if type(layout) is XError:
        return layout
    location = convert_all(env, _location, args[2:])
    if type(location) is XError:
        return location
    try:
        return formatter(env, value, layout, *location)
    except d.LayoutError as exc:
        return XError(str(exc))


@register("format_date", 1, 2)
def format_date(env: Environment, *args: XValue) -> XValue:
    return _formatted(env, args, date_arg, d.format_date)


@register("format_datetime", 1, 3)
def format_datetime(env: Environment, *args: XValue) -> XValue:
    return _formatted(env, args, datetime_arg, d.format_datetime)


@register("format_time", 1, 2)
def format_time(env: Environment, *args: XValue) -> XValue:
    return _formatted(env, args, time_arg, d.format_time)
