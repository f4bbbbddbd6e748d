"""Parsing and formatting of dates, datetimes and times, with goflow's semantics.

Three layers:

* goflow's *fuzzy* parsing of user text (``DateTimeFromString``, ``DateFromString``,
  ``TimeFromString``): ISO 8601 first, then a day/month/year pattern in the environment's
  date format with an optional time of day after it.
* Excellent *layouts* (``YYYY-MM-DD tt:mm``...) for formatting and parsing. A layout is split
  into runs of one repeated character; each run must be a known sequence or a run of the
  ignored characters ``' ', ':', '/', '.', ',', 'T', '-', '_'``.
* Parsing with a layout converts it to Go's reference-time layout and then follows the rules
  of Go's ``time.Parse`` (that is what goflow does), reproduced by :func:`go_parse`.

Go has nanoseconds, Python microseconds: fractions are truncated to microseconds.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .date_names import ENGLISH, DateNames, env_date_names

if TYPE_CHECKING:
    from .environment import Environment

UTC = dt.UTC

# -- time zones -----------------------------------------------------------------------------


def fixed_zone(seconds: int) -> dt.tzinfo:
    """A zone with a fixed offset and no name (Go's ``FixedZone("", offset)``)."""
    return dt.timezone(dt.timedelta(seconds=seconds), "")


def load_location(name: str) -> dt.tzinfo | None:
    """Go's ``time.LoadLocation``: "" and "UTC" are UTC, otherwise an IANA zone name."""
    if name in ("", "UTC"):
        return UTC
    if name.startswith("/") or ".." in name or "\\" in name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def tz_name(value: dt.datetime) -> str:
    """The name Go gives a datetime's location: the IANA key, "UTC", or "" for fixed offsets."""
    tz = value.tzinfo
    if isinstance(tz, ZoneInfo):
        return tz.key
    if tz is UTC:
        return "UTC"
    return ""


def offset_seconds(value: dt.datetime) -> int:
    offset = value.utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


# -- Go's time.Date normalisation -----------------------------------------------------------


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in(month: int, year: int) -> int:
    if month == 2:
        return 29 if _is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def go_date(
    year: int,
    month: int,
    day: int,
    hour: int = 0,
    minute: int = 0,
    second: int = 0,
    micro: int = 0,
    tz: dt.tzinfo | None = None,
) -> dt.datetime | None:
    """Go's ``time.Date``: out of range fields roll over (Feb 31 -> Mar 3). None if the
    result is outside what Python can represent (years 1-9999)."""
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    try:
        base = dt.datetime(year, month, 1)
        base += dt.timedelta(days=day - 1, hours=hour, minutes=minute, seconds=second,
                             microseconds=micro)
    except (OverflowError, ValueError):
        return None
    return base.replace(tzinfo=tz) if tz is not None else base


def go_date_only(year: int, month: int, day: int) -> dt.date | None:
    value = go_date(year, month, day)
    return value.date() if value is not None else None


def add_date(value: dt.datetime, years: int, months: int, days: int) -> dt.datetime | None:
    """Go's ``Time.AddDate``: wall clock fields are added then normalised."""
    return go_date(value.year + years, value.month + months, value.day + days, value.hour,
                   value.minute, value.second, value.microsecond, value.tzinfo)


def add_duration(value: dt.datetime, delta: dt.timedelta) -> dt.datetime | None:
    """Go's ``Time.Add``: absolute time arithmetic, keeping the location."""
    try:
        return (value.astimezone(UTC) + delta).astimezone(value.tzinfo)
    except (OverflowError, ValueError):
        return None


# -- fuzzy parsing (goflow's envs/dates.go) -------------------------------------------------

_SEP = r"[-.\\/_ ]"
_DAY_MONTH_YEAR = re.compile(
    rf"\b([0-9]{{1,2}}){_SEP}([0-9]{{1,2}}){_SEP}([0-9]{{4}}|[0-9]{{2}})\b", re.ASCII
)
_YEAR_MONTH_DAY = re.compile(
    rf"\b([0-9]{{4}}|[0-9]{{2}}){_SEP}([0-9]{{1,2}}){_SEP}([0-9]{{1,2}})\b", re.ASCII
)
_TIME = re.compile(
    r"\b(\d{1,2})(?:(?::)?(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\W*([aApP][mM])?\b", re.ASCII
)

# (pattern, group of day, group of month, group of year) for each environment date format
_DATE_FORMATS = {
    "YYYY-MM-DD": (_YEAR_MONTH_DAY, 3, 2, 1),
    "DD-MM-YYYY": (_DAY_MONTH_YEAR, 1, 2, 3),
    "MM-DD-YYYY": (_DAY_MONTH_YEAR, 2, 1, 3),
}

_ISO_DATETIME_LAYOUTS = ("2006-01-02T15:04:05Z07:00", "2006-01-02T15:04Z07:00")


@dataclass(frozen=True)
class TimeOfDay:
    """goflow's TimeOfDay: hour, minute, second and nanoseconds as parsed."""

    hour: int
    minute: int
    second: int
    nanos: int

    def to_time(self) -> dt.time:
        total = self.hour * 3600 + self.minute * 60 + self.second
        total %= 86400
        return dt.time(total // 3600, total % 3600 // 60, total % 60, self.nanos // 1000)


def _trim(text: str) -> str:
    return text.strip(" \n\r\t")


def _current_year(env: Environment) -> int:
    return env.now().year


def _date_from_formats(env: Environment, text: str) -> tuple[tuple[int, int, int], str] | None:
    spec = _DATE_FORMATS.get(env.date_format)
    if spec is None:
        return None
    pattern, d, m, y = spec
    # goflow reads the clock (for the century of 2-digit years) before it looks: a test clock
    # that ticks on each reading then stamps what follows as goflow's does
    this_year = _current_year(env)
    for match in pattern.finditer(text):
        day = int(match.group(d))
        if day == 0 or day > 31:
            continue
        month = int(match.group(m))
        if month == 0 or month > 12:
            continue
        year_text = match.group(y)
        year = int(year_text)
        if len(year_text) == 2:
            year += 1900 if year > this_year % 1000 else 2000
        if day > days_in(month, year):  # 31/02 or 31/11 is no date: look further on
            continue
        return (year, month, day), text[match.end():]
    return None


def parse_date_parts(env: Environment, text: str) -> tuple[tuple[int, int, int], str] | None:
    """goflow's parseDate: an ISO date at the start, else the env format anywhere."""
    text = _trim(text)
    parsed = go_parse("2006-01-02", text[:10])
    if isinstance(parsed, GoTime) and parsed.zone is None:
        return (parsed.year, parsed.month, parsed.day), text[10:]
    found = _date_from_formats(env, text)
    if found is None and getattr(env, "legacy_dates", False):
        # (imported here: only RapidPro's legacy semantics read named dates)
        from .legacy_dates import find_named_date

        named = find_named_date(text, env.local_now().year)
        if named is not None:
            return (named.year, named.month, named.day), ""
    return found


def parse_time_of_day(text: str) -> TimeOfDay | None:
    """goflow's parseTime: the first plausible time of day anywhere in the text."""
    for match in _TIME.finditer(text):
        hour = int(match.group(1))
        minute = int(match.group(2) or 0)
        second = int(match.group(3) or 0)
        ampm = (match.group(5) or "").lower()
        if hour < 12 and ampm == "pm":
            hour += 12
        elif hour == 12 and ampm == "am":
            hour -= 12
        nanos = 0
        fraction = match.group(4)
        if fraction:
            fraction = fraction[:9]
            nanos = int(fraction) * 10 ** (9 - len(fraction))
        if hour == 24 and minute == 0 and second == 0 and nanos == 0:
            hour = 0
        if hour > 23 or minute > 59 or second > 59:  # 24:30, 10:60 are not times
            continue
        return TimeOfDay(hour, minute, second, nanos)
    return None


def parse_datetime_text(env: Environment, text: str, fill_time: bool = False) -> dt.datetime | None:
    """goflow's DateTimeFromString, or None if no date can be found.

    ISO 8601 datetimes keep their offset; otherwise a date is found in the environment's
    date format and combined with any time of day after it in the environment's timezone.
    Without a time the result is midnight, or the current time of day with ``fill_time``.
    """
    text = _trim(text)
    for layout in _ISO_DATETIME_LAYOUTS:
        parsed = go_parse(layout, text, env.timezone)
        if isinstance(parsed, GoTime):
            return parsed.to_datetime(env.timezone)
    found = parse_date_parts(env, text)
    if found is None:
        return None
    (year, month, day), remainder = found
    tod = parse_time_of_day(remainder)
    if tod is None:
        if fill_time:
            now = env.local_now()
            tod = TimeOfDay(now.hour, now.minute, now.second, now.microsecond * 1000)
        else:
            tod = TimeOfDay(0, 0, 0, 0)
    return go_date(year, month, day, tod.hour, tod.minute, tod.second, tod.nanos // 1000,
                   env.timezone)


def parse_date_text(env: Environment, text: str) -> dt.date | None:
    """goflow's DateFromString: the date part only (no time zone conversion)."""
    found = parse_date_parts(env, text)
    if found is None:
        return None
    return go_date_only(*found[0])


def parse_time_text(env: Environment | None, text: str) -> dt.time | None:
    """goflow's TimeFromString: the first time of day in the text, e.g. "10 PM" -> 22:00."""
    tod = parse_time_of_day(text)
    return tod.to_time() if tod is not None else None


# -- Excellent layouts ----------------------------------------------------------------------

DATE_SEQ, TIME_SEQ, DATETIME_SEQ = 1, 2, 4
DATE_ONLY = DATE_SEQ
TIME_ONLY = TIME_SEQ
DATETIME = DATE_SEQ | TIME_SEQ | DATETIME_SEQ

_TYPE_NAMES = {DATE_ONLY: "date", TIME_ONLY: "time"}

# sequence -> (Go layout element, type, parseable)
_SEQUENCES = {
    "YY": ("06", DATE_SEQ, True),
    "YYYY": ("2006", DATE_SEQ, True),
    "M": ("1", DATE_SEQ, True),
    "MM": ("01", DATE_SEQ, True),
    "MMM": ("Jan", DATE_SEQ, False),
    "MMMM": ("January", DATE_SEQ, False),
    "D": ("2", DATE_SEQ, True),
    "DD": ("02", DATE_SEQ, True),
    "EEE": ("Mon", DATE_SEQ, False),
    "EEEE": ("Monday", DATE_SEQ, False),
    "fffffffff": ("000000000", TIME_SEQ, True),
    "ffffff": ("000000", TIME_SEQ, True),
    "fff": ("000", TIME_SEQ, True),
    "h": ("3", TIME_SEQ, True),
    "hh": ("03", TIME_SEQ, True),
    "t": ("15", TIME_SEQ, True),
    "tt": ("15", TIME_SEQ, True),
    "m": ("4", TIME_SEQ, True),
    "mm": ("04", TIME_SEQ, True),
    "s": ("5", TIME_SEQ, True),
    "ss": ("05", TIME_SEQ, True),
    "aa": ("pm", TIME_SEQ, True),
    "AA": ("PM", TIME_SEQ, True),
    "Z": ("Z07:00", DATETIME_SEQ, True),
    "ZZZ": ("-07:00", DATETIME_SEQ, True),
}

_IGNORED = frozenset(" :/.,T-_")


class LayoutError(ValueError):
    pass


def visit_layout(layout: str, kind: int, parsing: bool) -> list[tuple[str, str]]:
    """Split a layout into (sequence, Go element) pairs; ignored runs have element ""."""
    out = []
    i = 0
    while i < len(layout):
        ch = layout[i]
        j = i + 1
        while j < len(layout) and layout[j] == ch:
            j += 1
        seq = layout[i:j]
        mapped = ""
        if ch not in _IGNORED:
            spec = _SEQUENCES.get(seq)
            if spec is None or not (spec[1] & kind) or (parsing and not spec[2]):
                mode = "parsing" if parsing else "formatting"
                raise LayoutError(
                    f"'{seq}' is not valid in a {_TYPE_NAMES.get(kind, 'datetime')} {mode} layout"
                )
            mapped = spec[0]
        out.append((seq, mapped))
        i = j
    return out


def convert_layout(layout: str, kind: int) -> str:
    """An Excellent parsing layout as a Go layout, e.g. "YYYY-MM-DD" -> "2006-01-02"."""
    return "".join(mapped or seq for seq, mapped in visit_layout(layout, kind, parsing=True))


def _go_weekday(value: dt.date) -> int:
    return value.isoweekday() % 7  # Sunday = 0


def _format_offset(seconds: int, colon: bool, z_for_utc: bool) -> str:
    if z_for_utc and seconds == 0:
        return "Z"
    minutes = seconds // 60 if seconds >= 0 else -((-seconds) // 60)
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    sep = ":" if colon else ""
    return f"{sign}{minutes // 60:02d}{sep}{minutes % 60:02d}"


def _format_element(value: dt.datetime, seq: str, mapped: str, names: DateNames) -> str:
    if mapped == "":
        return seq
    if mapped == "2006":
        return f"{value.year:04d}"
    if mapped == "06":
        return f"{value.year % 100:02d}"
    if mapped == "1":
        return str(value.month)
    if mapped == "01":
        return f"{value.month:02d}"
    if mapped == "January":
        return names.months[value.month - 1]
    if mapped == "Jan":
        return names.short_months[value.month - 1]
    if mapped == "2":
        return str(value.day)
    if mapped == "02":
        return f"{value.day:02d}"
    if mapped == "Monday":
        return names.days[_go_weekday(value)]
    if mapped == "Mon":
        return names.short_days[_go_weekday(value)]
    if mapped in ("3", "03"):
        hour = value.hour % 12 or 12
        return str(hour) if mapped == "3" else f"{hour:02d}"
    if mapped == "15":
        text = f"{value.hour:02d}"
        return (text.lstrip("0")) if seq == "t" else text
    if mapped == "4":
        return str(value.minute)
    if mapped == "04":
        return f"{value.minute:02d}"
    if mapped == "5":
        return str(value.second)
    if mapped == "05":
        return f"{value.second:02d}"
    if mapped in ("000", "000000", "000000000"):
        return f"{value.microsecond * 1000:09d}"[: len(mapped)]
    if mapped in ("pm", "PM"):
        marker = names.am_pm[1 if value.hour >= 12 else 0]
        return _go_upper(marker) if mapped == "PM" else _go_lower(marker)
    if mapped == "Z07:00":
        return _format_offset(offset_seconds(value), True, True)
    if mapped == "-07:00":
        return _format_offset(offset_seconds(value), True, False)
    raise LayoutError(f"'{seq}' is not a valid format sequence")  # pragma: no cover


def _go_upper(text: str) -> str:
    """Go's strings.ToUpper: character by character (no "ß" -> "SS" as Python has)."""
    return "".join(c if len(c.upper()) != 1 else c.upper() for c in text)


def _go_lower(text: str) -> str:
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def format_layout(
    value: dt.datetime | dt.date | dt.time, layout: str, kind: int, names: DateNames = ENGLISH
) -> str:
    """Format a datetime, date or time with an Excellent layout (raises LayoutError); day,
    month and AM/PM names are ``names`` (goflow: the environment's locale's)."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day, tzinfo=UTC)
    else:
        moment = dt.datetime(2000, 1, 1, value.hour, value.minute, value.second,
                             value.microsecond, tzinfo=UTC)
    return "".join(_format_element(moment, seq, mapped, names)
                   for seq, mapped in visit_layout(layout, kind, parsing=False))


def format_datetime(env: Environment, value: dt.datetime, layout: str | None = None,
                    tz: dt.tzinfo | None = None) -> str:
    """A datetime in the given zone (default the environment's) with a layout (default the
    environment's date and time formats). Raises LayoutError."""
    if layout is None:
        layout = f"{env.date_format} {env.time_format}"
    return format_layout(
        value.astimezone(tz or env.timezone), layout, DATETIME, env_date_names(env)
    )


def format_date(env: Environment, value: dt.date, layout: str | None = None) -> str:
    return format_layout(
        value, env.date_format if layout is None else layout, DATE_ONLY, env_date_names(env)
    )


def format_time(env: Environment, value: dt.time, layout: str | None = None) -> str:
    return format_layout(
        value, env.time_format if layout is None else layout, TIME_ONLY, env_date_names(env)
    )


# -- Go's time.Parse ------------------------------------------------------------------------

(
    _STD_NONE, _STD_LONG_YEAR, _STD_YEAR, _STD_NUM_MONTH, _STD_ZERO_MONTH, _STD_DAY,
    _STD_UNDER_DAY, _STD_ZERO_DAY, _STD_HOUR, _STD_HOUR12, _STD_ZERO_HOUR12, _STD_MINUTE,
    _STD_ZERO_MINUTE, _STD_SECOND, _STD_ZERO_SECOND, _STD_PM_UPPER, _STD_PM_LOWER,
    _STD_ISO_COLON_TZ, _STD_NUM_COLON_TZ, _STD_FRAC, _STD_UNSUPPORTED,
) = range(21)

_ZERO_PREFIXED = {
    "1": _STD_ZERO_MONTH, "2": _STD_ZERO_DAY, "3": _STD_ZERO_HOUR12,
    "4": _STD_ZERO_MINUTE, "5": _STD_ZERO_SECOND, "6": _STD_YEAR,
}


def _next_chunk(layout: str) -> tuple[str, int, str, str]:
    """Go's nextStdChunk for the elements an Excellent layout can produce.

    Returns (literal prefix, element code, element text, rest of layout)."""
    n = len(layout)
    for i, c in enumerate(layout):
        rest = layout[i:]
        if c == "J" and (rest.startswith("Jan")):
            return layout[:i], _STD_UNSUPPORTED, "Jan", layout[i + 3:]
        if c == "M" and rest.startswith(("Mon", "MST")):
            return layout[:i], _STD_UNSUPPORTED, rest[:3], layout[i + 3:]
        if c == "0":
            if i + 1 < n and "1" <= layout[i + 1] <= "6":
                return layout[:i], _ZERO_PREFIXED[layout[i + 1]], rest[:2], layout[i + 2:]
            if rest.startswith("002"):
                return layout[:i], _STD_UNSUPPORTED, "002", layout[i + 3:]
        elif c == "1":
            if i + 1 < n and layout[i + 1] == "5":
                return layout[:i], _STD_HOUR, "15", layout[i + 2:]
            return layout[:i], _STD_NUM_MONTH, "1", layout[i + 1:]
        elif c == "2":
            if rest.startswith("2006"):
                return layout[:i], _STD_LONG_YEAR, "2006", layout[i + 4:]
            return layout[:i], _STD_DAY, "2", layout[i + 1:]
        elif c == "_":
            if i + 1 < n and layout[i + 1] == "2":
                if rest.startswith("_2006"):
                    return layout[: i + 1], _STD_LONG_YEAR, "2006", layout[i + 5:]
                return layout[:i], _STD_UNDER_DAY, "_2", layout[i + 2:]
            if rest.startswith("__2"):
                return layout[:i], _STD_UNSUPPORTED, "__2", layout[i + 3:]
        elif c in "345":
            code = {"3": _STD_HOUR12, "4": _STD_MINUTE, "5": _STD_SECOND}[c]
            return layout[:i], code, c, layout[i + 1:]
        elif c == "P" and rest.startswith("PM"):
            return layout[:i], _STD_PM_UPPER, "PM", layout[i + 2:]
        elif c == "p" and rest.startswith("pm"):
            return layout[:i], _STD_PM_LOWER, "pm", layout[i + 2:]
        elif c == "-":
            for zone in ("-070000", "-07:00:00", "-0700", "-07:00", "-07"):
                if rest.startswith(zone):
                    code = _STD_NUM_COLON_TZ if zone == "-07:00" else _STD_UNSUPPORTED
                    return layout[:i], code, zone, layout[i + len(zone):]
        elif c == "Z":
            for zone in ("Z070000", "Z07:00:00", "Z0700", "Z07:00", "Z07"):
                if rest.startswith(zone):
                    code = _STD_ISO_COLON_TZ if zone == "Z07:00" else _STD_UNSUPPORTED
                    return layout[:i], code, zone, layout[i + len(zone):]
        elif c in ".,":
            if i + 1 < n and layout[i + 1] in "09":
                digit = layout[i + 1]
                j = i + 1
                while j < n and layout[j] == digit:
                    j += 1
                if not (j < n and layout[j].isdigit()):
                    code = _STD_FRAC if digit == "0" else _STD_UNSUPPORTED
                    return layout[:i], code, layout[i:j], layout[j:]
    return layout, _STD_NONE, "", ""


@dataclass
class GoTime:
    """The fields a Go parse produced; ``zone`` is None (use the location), "UTC" or an offset."""

    year: int
    month: int
    day: int
    hour: int
    minute: int
    second: int
    nanos: int
    zone: None | str | int

    def to_datetime(self, location: dt.tzinfo) -> dt.datetime | None:
        micro = self.nanos // 1000
        if self.zone == "UTC":
            return go_date(self.year, self.month, self.day, self.hour, self.minute, self.second,
                           micro, UTC)
        if isinstance(self.zone, int):
            naive = go_date(self.year, self.month, self.day, self.hour, self.minute, self.second,
                            micro)
            if naive is None:
                return None
            try:
                instant = (naive - dt.timedelta(seconds=self.zone)).replace(tzinfo=UTC)
                local = instant.astimezone(location)
            except (OverflowError, ValueError):
                return None
            if offset_seconds(local) == self.zone:
                return local
            return naive.replace(tzinfo=fixed_zone(self.zone))
        return go_date(self.year, self.month, self.day, self.hour, self.minute, self.second,
                       micro, location)

    def time_of_day(self) -> dt.time:
        return TimeOfDay(self.hour, self.minute, self.second, self.nanos).to_time()


def _getnum(value: str, fixed: bool) -> tuple[int, str] | None:
    if not value[:1].isdigit() or not value[:1].isascii():
        return None
    if len(value) < 2 or not (value[1].isascii() and value[1].isdigit()):
        if fixed:
            return None
        return int(value[0]), value[1:]
    return int(value[:2]), value[2:]


def _atoi(text: str) -> int | None:
    sign = 1
    if text[:1] in ("-", "+"):
        sign = -1 if text[0] == "-" else 1
        text = text[1:]
    if not text or not (text.isascii() and text.isdigit()):
        return None
    return sign * int(text)


def _skip(value: str, prefix: str) -> str | None:
    while prefix:
        if prefix[0] == " ":
            if value and value[0] != " ":
                return None
            prefix = prefix.lstrip(" ")
            value = value.lstrip(" ")
            continue
        if not value or value[0] != prefix[0]:
            return None
        prefix = prefix[1:]
        value = value[1:]
    return value


def _nanoseconds(value: str, nbytes: int) -> int | None:
    if value[:1] not in (".", ","):
        return None
    if nbytes > 10:
        value = value[:10]
        nbytes = 10
    ns = _atoi(value[1:nbytes])
    if ns is None or ns < 0:
        return None
    return ns * 10 ** (10 - nbytes)


def go_parse(layout: str, value: str, location: dt.tzinfo | None = None) -> GoTime | str:
    """Parse value with a Go layout as Go's ``time.Parse`` does: the fields, or an error."""
    original_value = value
    original_layout = layout

    def bad(rest: str, element: str) -> str:
        return (f'parsing time "{original_value}" as "{original_layout}": '
                f'cannot parse "{rest}" as "{element}"')

    def out_of_range(what: str) -> str:
        return f'parsing time "{original_value}": {what} out of range'

    year, month, day, hour, minute, second, nanos = 0, -1, -1, 0, 0, 0, 0
    zone: None | str | int = None
    pm_set = am_set = False

    while True:
        prefix, std, element, suffix = _next_chunk(layout)
        skipped = _skip(value, prefix)
        if skipped is None:
            return bad(value, prefix)
        value = skipped
        if std == _STD_NONE:
            if value:
                return f'parsing time "{original_value}": extra text: "{value}"'
            break
        layout = suffix
        hold = value
        if std == _STD_YEAR:
            if len(value) < 2:
                return bad(hold, element)
            parsed = _atoi(value[:2])
            if parsed is None:
                return bad(hold, element)
            year = parsed + (1900 if parsed >= 69 else 2000)
            value = value[2:]
        elif std == _STD_LONG_YEAR:
            if len(value) < 4 or not value[0].isdigit():
                return bad(hold, element)
            parsed = _atoi(value[:4])
            if parsed is None:
                return bad(hold, element)
            year = parsed
            value = value[4:]
        elif std in (_STD_NUM_MONTH, _STD_ZERO_MONTH):
            got = _getnum(value, std == _STD_ZERO_MONTH)
            if got is None:
                return bad(hold, element)
            month, value = got
            if month <= 0 or month > 12:
                return out_of_range("month")
        elif std in (_STD_DAY, _STD_UNDER_DAY, _STD_ZERO_DAY):
            if std == _STD_UNDER_DAY and value[:1] == " ":
                value = value[1:]
            got = _getnum(value, std == _STD_ZERO_DAY)
            if got is None:
                return bad(hold, element)
            day, value = got
        elif std == _STD_HOUR:
            got = _getnum(value, False)
            if got is None:
                return bad(hold, element)
            hour, value = got
            if hour >= 24:
                return out_of_range("hour")
        elif std in (_STD_HOUR12, _STD_ZERO_HOUR12):
            got = _getnum(value, std == _STD_ZERO_HOUR12)
            if got is None:
                return bad(hold, element)
            hour, value = got
            if hour > 12:
                return out_of_range("hour")
        elif std in (_STD_MINUTE, _STD_ZERO_MINUTE):
            got = _getnum(value, std == _STD_ZERO_MINUTE)
            if got is None:
                return bad(hold, element)
            minute, value = got
            if minute >= 60:
                return out_of_range("minute")
        elif std in (_STD_SECOND, _STD_ZERO_SECOND):
            got = _getnum(value, std == _STD_ZERO_SECOND)
            if got is None:
                return bad(hold, element)
            second, value = got
            if second >= 60:
                return out_of_range("second")
            # a fraction after the seconds is accepted even if the layout has none
            if len(value) >= 2 and value[0] in ".," and value[1].isascii() and value[1].isdigit():
                if _next_chunk(layout)[1] != _STD_FRAC:
                    n = 2
                    while n < len(value) and value[n].isascii() and value[n].isdigit():
                        n += 1
                    frac = _nanoseconds(value, n)
                    if frac is None:
                        return bad(hold, element)
                    nanos = frac
                    value = value[n:]
        elif std in (_STD_PM_UPPER, _STD_PM_LOWER):
            if len(value) < 2:
                return bad(hold, element)
            marker, value = value[:2], value[2:]
            am, pm = ("AM", "PM") if std == _STD_PM_UPPER else ("am", "pm")
            if marker == pm:
                pm_set = True
            elif marker == am:
                am_set = True
            else:
                return bad(hold, element)
        elif std in (_STD_ISO_COLON_TZ, _STD_NUM_COLON_TZ):
            if std == _STD_ISO_COLON_TZ and value[:1] == "Z":
                value = value[1:]
                zone = "UTC"
                continue
            if len(value) < 6 or value[3] != ":":
                return bad(hold, element)
            sign, hh, mm = value[0], value[1:3], value[4:6]
            value = value[6:]
            got_h = _getnum(hh, True)
            got_m = _getnum(mm, True)
            if got_h is None or got_m is None or sign not in "+-":
                return bad(hold, element)
            if got_h[0] > 24:
                return out_of_range("time zone offset hour")
            if got_m[0] > 60:
                return out_of_range("time zone offset minute")
            offset = (got_h[0] * 60 + got_m[0]) * 60
            zone = -offset if sign == "-" else offset
        elif std == _STD_FRAC:
            ndigit = len(element)
            if len(value) < ndigit:
                return bad(hold, element)
            frac = _nanoseconds(value, ndigit)
            if frac is None:
                return bad(hold, element)
            nanos = frac
            value = value[ndigit:]
        else:
            return bad(hold, element)

    if pm_set and hour < 12:
        hour += 12
    elif am_set and hour == 12:
        hour = 0
    if month < 0:
        month = 1
    if day < 0:
        day = 1
    if day < 1 or day > days_in(month, year):
        return f'parsing time "{original_value}": day out of range'
    return GoTime(year, month, day, hour, minute, second, nanos, zone)


def parse_layout_datetime(text: str, layout: str, location: dt.tzinfo) -> dt.datetime | str:
    """goflow's ParseDateTime with an Excellent layout: a datetime or an error message."""
    try:
        go_layout = convert_layout(layout, DATETIME)
    except LayoutError as exc:
        return str(exc)
    parsed = go_parse(go_layout, text, location)
    if isinstance(parsed, str):
        return parsed
    value = parsed.to_datetime(location)
    if value is None:
        return f'parsing time "{text}": year out of range'
    return value


def parse_layout_time(text: str, layout: str) -> dt.time | str:
    """goflow's ParseTimeOfDay with an Excellent layout: a time or an error message."""
    try:
        go_layout = convert_layout(layout, TIME_ONLY)
    except LayoutError as exc:
        return str(exc)
    parsed = go_parse(go_layout, text)
    if isinstance(parsed, str):
        return parsed
    return parsed.time_of_day()
