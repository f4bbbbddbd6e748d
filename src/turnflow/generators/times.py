"""Instants with nanosecond precision and their RFC3339 text, as goflow writes them.

goflow keeps nanoseconds and prints them (``2025-05-04T12:30:45.123456789Z``), which Python's
datetime cannot hold, so the engine's times are ``NanoTime`` (ns since the Unix epoch). Every
event, result and path step carries a timestamp, so ``utc_text`` and ``NanoTime.parse`` keep
the text of recent seconds rather than format or parse each time in full.
"""

from __future__ import annotations

import datetime as dt
import re

NS_PER_SECOND = 1_000_000_000
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


_RFC3339_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?"
    r"(?:([Zz])|([+-])(\d{2}):(\d{2}))$"
)


class NanoTime(int):
    """An instant with nanosecond precision: ``ns`` nanoseconds since the Unix epoch (UTC).

    Immutable, ordered and hashable by ``ns``, and equal only to another NanoTime. An int
    subclass without slots of its own: one object per instant, made by C code (every step,
    run and event carries one, and a waiting session holds several). Arithmetic on it gives
    plain ints; it is always true, even at the epoch.
    """

    __slots__ = ()

    @property
    def ns(self) -> int:
        return _plain_int(self)

    def __repr__(self) -> str:
        return f"NanoTime(ns={_plain_int(self)!r})"

    def __bool__(self) -> bool:
        return True

    def __eq__(self, other: object) -> bool:
        if other.__class__ is NanoTime:
            return _int_eq(self, other)  # type: ignore[no-any-return]
        return False

    def __ne__(self, other: object) -> bool:
        if other.__class__ is NanoTime:
            return _int_ne(self, other)  # type: ignore[no-any-return]
        return True

    __hash__ = int.__hash__

    def __lt__(self, other: NanoTime) -> bool:  # type: ignore[override]
        if other.__class__ is NanoTime:
            return _int_lt(self, other)  # type: ignore[no-any-return]
        return _refuse(self, other)

    def __le__(self, other: NanoTime) -> bool:  # type: ignore[override]
        if other.__class__ is NanoTime:
            return _int_le(self, other)  # type: ignore[no-any-return]
        return _refuse(self, other)

    def __gt__(self, other: NanoTime) -> bool:  # type: ignore[override]
        if other.__class__ is NanoTime:
            return _int_gt(self, other)  # type: ignore[no-any-return]
        return _refuse(self, other)

    def __ge__(self, other: NanoTime) -> bool:  # type: ignore[override]
        if other.__class__ is NanoTime:
            return _int_ge(self, other)  # type: ignore[no-any-return]
        return _refuse(self, other)

    def __reduce__(self) -> tuple[type[NanoTime], tuple[int]]:
        return (NanoTime, (_plain_int(self),))

    @classmethod
    def from_datetime(cls, value: dt.datetime, nanos: int = 0) -> NanoTime:
        """From an aware datetime, plus ``nanos`` (0-999) below its microseconds."""
        if value.tzinfo is None:
            raise ValueError("datetime must be timezone aware")
        delta = value - _EPOCH
        micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        return cls(micros * 1000 + nanos)

    @classmethod
    def parse(cls, text: str) -> NanoTime:
        """Parse RFC3339 with up to 9 fractional digits (``2025-05-04T12:30:45.123456789Z``).

        The form the engine writes (UTC, ``Z``) takes a short path: a stored session holds a
        dozen such times, mostly in the same second, whose text up to the seconds is kept."""
        if len(text) >= 20 and text[-1] == "Z" and text[10] == "T":
            head, fraction = text[:19], text[19:-1]
            if not fraction or (fraction[0] == "." and 2 <= len(fraction) <= 10
                                and fraction[1:].isascii() and fraction[1:].isdigit()):
                seconds = _parsed_seconds.get(head)
                if seconds is None:  # the general parser checks the date and time
                    seconds = cls.parse_general(head + "Z").ns // NS_PER_SECOND
                    if len(_parsed_seconds) >= 64:
                        _parsed_seconds.clear()
                    _parsed_seconds[head] = seconds
                nanos = int(fraction[1:].ljust(9, "0")) if fraction else 0
                return cls(seconds * NS_PER_SECOND + nanos)
        return cls.parse_general(text)

    @classmethod
    def parse_general(cls, text: str) -> NanoTime:
        """:meth:`parse` for any offset and spacing, without the short path."""
        m = _RFC3339_RE.match(text.strip())
        if not m:
            raise ValueError(f"not an RFC3339 time: {text!r}")
        year, month, day, hour, minute, second = (int(g) for g in m.group(1, 2, 3, 4, 5, 6))
        nanos = int((m.group(7) or "").ljust(9, "0"))
        if m.group(8):
            tz = dt.UTC
        else:
            offset = dt.timedelta(hours=int(m.group(10)), minutes=int(m.group(11)))
            tz = dt.timezone(-offset if m.group(9) == "-" else offset)
        base = dt.datetime(year, month, day, hour, minute, second, tzinfo=tz)
        return cls.from_datetime(base, nanos)

    def to_datetime(self, tz: dt.tzinfo | None = None) -> dt.datetime:
        """An aware datetime (microseconds; the sub-microsecond part is dropped)."""
        value = _EPOCH + dt.timedelta(microseconds=self.ns // 1000)
        return value.astimezone(tz) if tz is not None else value

    def add(self, nanos: int) -> NanoTime:
        return NanoTime(self.ns + nanos)

    def format(self, tz: dt.tzinfo | None = None, trim: bool = True) -> str:
        return format_rfc3339_nano(self.ns, tz=tz, trim=trim)

    def __str__(self) -> str:
        return self.format()


# "2025-05-04T12:30:45" -> its Unix seconds, for NanoTime.parse's short path
_parsed_seconds: dict[str, int] = {}


def _refuse(time: NanoTime, other: object) -> bool:
    """NanoTimes order only among themselves (not against the ints they are made of)."""
    raise TypeError(f"cannot compare a NanoTime with {type(other).__name__}")


# int's own operations, for NanoTime's (which refuse plain ints)
_plain_int = int.__int__
_int_eq, _int_ne = int.__eq__, int.__ne__
_int_lt, _int_le, _int_gt, _int_ge = int.__lt__, int.__le__, int.__gt__, int.__ge__


def format_rfc3339_nano(
    value: int | NanoTime, tz: dt.tzinfo | None = None, trim: bool = True
) -> str:
    """Go's ``time.RFC3339Nano`` text of an instant given in ns since the epoch.

    ``trim`` drops trailing zeros of the fraction (and the dot when nothing is left), as Go does;
    ``trim=False`` always prints 9 digits. A zero offset prints as ``Z``.
    """
    ns = value.ns if value.__class__ is NanoTime else value  # type: ignore[union-attr]
    if tz is None:
        if trim:
            return utc_text(ns)
        seconds = ns // NS_PER_SECOND
        text = _utc_seconds.get(seconds) or _utc_seconds_text(seconds)
        return f"{text}.{ns % NS_PER_SECOND:09d}Z"
    seconds, nanos = divmod(ns, NS_PER_SECOND)
    moment = (_EPOCH + dt.timedelta(seconds=seconds)).astimezone(tz)
    fraction = f"{nanos:09d}"
    if trim:
        fraction = fraction.rstrip("0")
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if fraction:
        text += "." + fraction
    offset = moment.utcoffset() or dt.timedelta(0)
    if offset == dt.timedelta(0):
        return text + "Z"
    sign = "-" if offset < dt.timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{text}{sign}{minutes // 60:02d}:{minutes % 60:02d}"


# UTC seconds formatted lately -> their text up to the seconds ("2025-05-04T12:30:45"):
# consecutive stamps of a real clock share it
_utc_seconds: dict[int, str] = {}


def utc_text(ns: int) -> str:
    """``format_rfc3339_nano(ns)`` for the engine's every timestamp (UTC, trimmed), without
    the general function's options: events, results and segments make a score per session."""
    seconds = ns // 1_000_000_000
    nanos = ns % 1_000_000_000
    text = _utc_seconds.get(seconds)
    if text is None:
        text = _utc_seconds_text(seconds)
    if nanos:
        # the fraction's 9 digits, trimmed: one that isn't zero ends in a digit that isn't, so
        # rstrip stops there (printf-style formatting is the cheapest way to pad them)
        return f"{text}.{('%09d' % nanos).rstrip('0')}Z"  # noqa: UP031
    return text + "Z"


def _utc_seconds_text(seconds: int) -> str:
    """The UTC text of an instant up to its seconds, kept for a few dozen seconds (a test
    clock steps a second a reading, and stamps of now and of expirations an hour on
    alternate), made from the text of its minute."""
    minute, second = divmod(seconds, 60)
    text = _utc_minutes.get(minute)
    if text is None:
        days, minute_of_day = divmod(minute, 1440)
        day = _utc_days.get(days)
        if day is None:
            day = (_EPOCH + dt.timedelta(days=days)).strftime("%Y-%m-%dT")
            if len(_utc_days) >= 64:
                _utc_days.clear()
            _utc_days[days] = day
        text = f"{day}{_TWO_DIGITS[minute_of_day // 60]}:{_TWO_DIGITS[minute_of_day % 60]}:"
        if len(_utc_minutes) >= 64:
            _utc_minutes.clear()
        _utc_minutes[minute] = text
    text += _TWO_DIGITS[second]
    if len(_utc_seconds) >= 64:
        _utc_seconds.clear()
    _utc_seconds[seconds] = text
    return text


# UTC minutes since the epoch -> "YYYY-MM-DDTHH:MM:"
_utc_minutes: dict[int, str] = {}


# UTC days since the epoch -> "YYYY-MM-DDT"
_utc_days: dict[int, str] = {}


_TWO_DIGITS = tuple(f"{number:02d}" for number in range(60))
