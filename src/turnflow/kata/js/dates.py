"""``Date`` in expressions: ``new Date()`` (the host's clock), ``new Date(ms)``,
``new Date('2026-12-04T10:00:00Z')``, ``new Date(y, m, d, ...)``, ``Date.UTC``, ``Date.parse``
and the getters (``getHours()``, ``getDay()``, ``toISOString()``...). Local time is the host's
time zone (UTC unless the host says). Dates are read-only here: the setters, which would
change the date in place, are not provided (expressions change nothing).
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from turnflow.kata.js.errors import JsRuntimeError
from turnflow.kata.js.functions import Impl, JsFunction, arg
from turnflow.kata.js.values import (
    UNDEFINED,
    HostObject,
    js_number,
    to_js_string,
    to_number,
    to_primitive,
)

MAX_TIME = 8.64e15  # ECMAScript's range of time values, in ms either side of 1970
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DAYS = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ISO = re.compile(
    r"([+-][0-9]{6}|[0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?"
    r"(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,9}))?)?)?"
    r"\s*(Z|[+-][0-9]{2}:?[0-9]{2})?\Z"
)


def time_clip(ms: float) -> float:
    if ms != ms or abs(ms) > MAX_TIME:
        return math.nan
    return float(math.trunc(ms)) + 0.0


class JsDate(HostObject):
    """A point in time (``ms`` since 1970 UTC, NaN when invalid) seen from ``tz``."""

    __slots__ = ("ms", "tz")

    def __init__(self, ms: float, tz: tzinfo | None) -> None:
        self.ms = time_clip(ms)
        self.tz = tz or UTC

    @property
    def valid(self) -> bool:
        return self.ms == self.ms

    def local(self) -> datetime:
        return (_EPOCH + timedelta(milliseconds=self.ms)).astimezone(self.tz)

    def utc(self) -> datetime:
        return _EPOCH + timedelta(milliseconds=self.ms)

    def primitive(self, hint: str) -> Any:
        return js_number(self.ms) if hint == "number" else self.js_string()

    def js_string(self) -> str:
        if not self.valid:
            return "Invalid Date"
        d = self.local()
        return f"{_date_string(d)} {_time_string(d)}"

    def iso(self) -> str:
        if not self.valid:
            raise JsRuntimeError("Invalid time value")
        d = self.utc()
        year = f"{d.year:04d}" if 0 <= d.year <= 9999 else f"{d.year:+07d}"
        return f"{year}-{d.month:02d}-{d.day:02d}T{d.hour:02d}:{d.minute:02d}:" \
               f"{d.second:02d}.{d.microsecond // 1000:03d}Z"

    def json_value(self) -> Any:
        return self.iso() if self.valid else None

    def get_property(self, name: str) -> Any:
        impl = DATE_METHODS.get(name)
        if impl is None:
            return UNDEFINED
        return JsFunction(name, lambda this, args, env: impl(self, args, env))

    def __repr__(self) -> str:
        return f"JsDate({self.iso() if self.valid else 'Invalid Date'})"


def _offset(d: datetime) -> str:
    minutes = int((d.utcoffset() or timedelta()).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"GMT{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def _date_string(d: datetime) -> str:
    return f"{_DAYS[(d.weekday() + 1) % 7]} {_MONTHS[d.month - 1]} {d.day:02d} {d.year:04d}"


def _time_string(d: datetime) -> str:
    return f"{d.hour:02d}:{d.minute:02d}:{d.second:02d} {_offset(d)}"


def _getter(part: str, utc: bool) -> Impl:
    def impl(date: JsDate, args: list[Any], env: Any) -> Any:
        if not date.valid:
            return math.nan
        d = date.utc() if utc else date.local()
        if part == "day":
            return (d.weekday() + 1) % 7
        if part == "month":
            return d.month - 1
        if part == "ms":
            return d.microsecond // 1000
        if part == "date":
            return d.day
        return getattr(d, part)

    return impl


def _time(date: JsDate, args: list[Any], env: Any) -> Any:
    return js_number(date.ms)


def _offset_minutes(date: JsDate, args: list[Any], env: Any) -> Any:
    if not date.valid:
        return math.nan
    return -int((date.local().utcoffset() or timedelta()).total_seconds() // 60)


def _formatter(kind: str) -> Impl:
    def impl(date: JsDate, args: list[Any], env: Any) -> Any:
        if kind == "iso":
            return date.iso()
        if kind == "json":
            return date.json_value()
        if not date.valid:
            return "Invalid Date"
        d = date.local()
        if kind == "date":
            return _date_string(d)
        if kind == "time":
            return _time_string(d)
        if kind == "utc":
            u = date.utc()
            return f"{_DAYS[(u.weekday() + 1) % 7]}, {u.day:02d} {_MONTHS[u.month - 1]} " \
                   f"{u.year:04d} {u.hour:02d}:{u.minute:02d}:{u.second:02d} GMT"
        hour12 = d.hour % 12 or 12
        ampm = "AM" if d.hour < 12 else "PM"
        local_date = f"{d.month}/{d.day}/{d.year}"
        local_time = f"{hour12}:{d.minute:02d}:{d.second:02d} {ampm}"
        if kind == "localeDate":
            return local_date
        if kind == "localeTime":
            return local_time
        if kind == "locale":
            return f"{local_date}, {local_time}"
        return date.js_string()

    return impl


DATE_METHODS: dict[str, Impl] = {
    "getTime": _time, "valueOf": _time, "getTimezoneOffset": _offset_minutes,
    **{f"get{name}": _getter(part, False) for name, part in (
        ("FullYear", "year"), ("Month", "month"), ("Date", "date"), ("Day", "day"),
        ("Hours", "hour"), ("Minutes", "minute"), ("Seconds", "second"),
        ("Milliseconds", "ms"))},
    **{f"getUTC{name}": _getter(part, True) for name, part in (
        ("FullYear", "year"), ("Month", "month"), ("Date", "date"), ("Day", "day"),
        ("Hours", "hour"), ("Minutes", "minute"), ("Seconds", "second"),
        ("Milliseconds", "ms"))},
    "toISOString": _formatter("iso"), "toJSON": _formatter("json"),
    "toString": _formatter("string"), "toDateString": _formatter("date"),
    "toTimeString": _formatter("time"), "toUTCString": _formatter("utc"),
    "toLocaleDateString": _formatter("localeDate"),
    "toLocaleTimeString": _formatter("localeTime"), "toLocaleString": _formatter("locale"),
}  # fmt: skip


def _local_ms(parts: list[float], tz: tzinfo) -> float:
    """MakeDate of local-time parts (year, month 0-based, day, h, min, s, ms), overflow
    allowed (month 12 is January of the next year)."""
    if any(p != p or p in (math.inf, -math.inf) for p in parts):
        return math.nan
    year, month, day, hour, minute, second, ms = (math.trunc(p) for p in parts)
    year += month // 12
    month %= 12
    if not -271821 <= year <= 275760 or not 1 <= year <= 9999:
        return math.nan
    base = datetime(year, month + 1, 1)
    naive = base + timedelta(days=day - 1, hours=hour, minutes=minute, seconds=second,
                             milliseconds=ms)
    aware = naive.replace(tzinfo=tz)
    return (aware - _EPOCH) / timedelta(milliseconds=1)


def parse_date(text: str, tz: tzinfo) -> float:
    """Date.parse of the ISO format (and its ``YYYY-MM-DD HH:mm`` variant); NaN otherwise.
    A date alone is UTC, a date and time without an offset local time, as ECMAScript says."""
    m = _ISO.match(text.strip())
    if not m:
        return math.nan
    year_s, month_s, day_s, hour_s, minute_s, second_s, frac_s, zone = m.groups()
    try:
        year = int(year_s)
        month = int(month_s or 1)
        day = int(day_s or 1)
        hour, minute = int(hour_s or 0), int(minute_s or 0)
        second = int(second_s or 0)
        ms = int((frac_s or "0")[:3].ljust(3, "0"))
        if hour == 24 and minute == 0 and second == 0 and ms == 0:
            naive = datetime(year, month, day) + timedelta(days=1)
        else:
            naive = datetime(year, month, day, hour, minute, second, ms * 1000)
    except ValueError:
        return math.nan
    if zone is None:
        zone_tz: tzinfo = UTC if hour_s is None else tz
    elif zone == "Z":
        zone_tz = UTC
    else:
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        zone_tz = _fixed(sign * (int(digits[:2]) * 60 + int(digits[2:])))
    return (naive.replace(tzinfo=zone_tz) - _EPOCH) / timedelta(milliseconds=1)


def _fixed(minutes: int) -> tzinfo:
    from datetime import timezone

    return timezone(timedelta(minutes=minutes))


def _host_tz(env: Any) -> tzinfo:
    return getattr(env.host, "tz", None) or UTC


def construct(this: Any, args: list[Any], env: Any) -> JsDate:
    """``new Date(...)``."""
    tz = _host_tz(env)
    if not args:
        return JsDate(math.floor(env.host.now_ms()), tz)
    if len(args) == 1:
        v = args[0]
        if isinstance(v, JsDate):
            return JsDate(v.ms, tz)
        v = to_primitive(v)
        if type(v) is str:
            return JsDate(parse_date(v, tz), tz)
        return JsDate(to_number(v), tz)
    parts = [to_number(a) for a in args[:7]]
    defaults = [math.nan, 0, 1, 0, 0, 0, 0]
    full = parts + defaults[len(parts):]
    if 0 <= full[0] <= 99:
        full[0] += 1900
    return JsDate(_local_ms(full, tz), tz)


def call(this: Any, args: list[Any], env: Any) -> str:
    """``Date()`` without ``new``: the current time as a string."""
    return construct(this, [], env).js_string()


def utc(this: Any, args: list[Any], env: Any) -> int | float:
    parts = [to_number(a) for a in args[:7]]
    full = parts + [math.nan, 0, 1, 0, 0, 0, 0][len(parts):]
    if 0 <= full[0] <= 99:
        full[0] += 1900
    return js_number(time_clip(_local_ms(full, UTC)))


def parse(this: Any, args: list[Any], env: Any) -> int | float:
    return js_number(time_clip(parse_date(to_js_string(arg(args, 0)), _host_tz(env))))


def now(this: Any, args: list[Any], env: Any) -> int | float:
    return js_number(float(math.floor(env.host.now_ms())))
