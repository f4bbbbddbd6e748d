"""Deterministic and production sources of time, randomness and UUIDs.

goflow's test universe pins all three, so the seeded versions here reproduce it exactly:

* ``GoPCG`` is Go ``math/rand/v2``'s PCG-DXSM generator, with Go's ``Float64`` and ``IntN``
  reductions on top (``SeededRandom`` wraps it behind the ``RandomSource`` protocol).
* ``SequentialClock`` is goflow's sequential ``now`` (each call returns the next step) and keeps
  nanoseconds, which goflow snapshots print (``2025-05-04T12:30:45.123456789Z``).
* ``SeededUUIDs`` builds v4 / v7 UUIDs from 16 PCG bytes, taking v7 timestamps from a clock.

The production counterparts are ``SystemRandom``, ``SystemClock`` and ``RandomUUIDs``.
"""

from __future__ import annotations

import datetime as dt
import os
import random as _random
import re
import threading
import time
import weakref
from decimal import Decimal
from typing import Protocol

_MASK64 = (1 << 64) - 1
_MASK128 = (1 << 128) - 1
_MASK48 = (1 << 48) - 1

# 128-bit LCG multiplier and increment used by Go's PCG (the pcg-cpp defaults).
_PCG_MUL = (2549297995355413924 << 64) | 4865540595714422341
_PCG_INC = (6364136223846793005 << 64) | 1442695040888963407
_DXSM_MUL = 0xDA942042E4DD58B5

_NS_PER_SECOND = 1_000_000_000
_NS_PER_MS = 1_000_000
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


# --------------------------------------------------------------------------------------------
# Random numbers
# --------------------------------------------------------------------------------------------


class GoPCG:
    """Go ``rand.New(rand.NewPCG(seed1, seed2))``: same ``Uint64`` stream, ``Float64``, ``IntN``."""

    __slots__ = ("_state",)

    def __init__(self, seed1: int, seed2: int) -> None:
        # Go takes uint64 seeds; a negative int64 seed wraps the same way Go's conversion does.
        self._state = ((seed1 & _MASK64) << 64) | (seed2 & _MASK64)

    def uint64(self) -> int:
        """The next uniformly distributed 64-bit value."""
        self._state = (self._state * _PCG_MUL + _PCG_INC) & _MASK128
        hi = self._state >> 64
        lo = self._state & _MASK64
        # DXSM output permutation ("double xorshift multiply") of the high half.
        hi ^= hi >> 32
        hi = (hi * _DXSM_MUL) & _MASK64
        hi ^= hi >> 48
        return (hi * (lo | 1)) & _MASK64

    def float64(self) -> float:
        """Go's ``Float64``: the low 53 bits of one ``Uint64`` scaled into [0, 1)."""
        return (self.uint64() & ((1 << 53) - 1)) / (1 << 53)

    def uint64n(self, n: int) -> int:
        """Go's unbiased reduction into [0, n) (64-bit platform path)."""
        if n <= 0 or n > _MASK64:
            raise ValueError(f"invalid bound {n}")
        if n & (n - 1) == 0:  # a power of two: just mask
            return self.uint64() & (n - 1)
        # Lemire: the high word of x*n, rejecting the few low words that would bias the result.
        product = self.uint64() * n
        low = product & _MASK64
        if low < n:
            threshold = ((1 << 64) - n) % n
            while low < threshold:
                product = self.uint64() * n
                low = product & _MASK64
        return product >> 64

    def int_n(self, n: int) -> int:
        """Go's ``IntN``: a value in [0, n); n must be positive."""
        if n <= 0:
            raise ValueError("invalid argument to int_n")
        return self.uint64n(n)

    def read(self, size: int) -> bytes:
        """``size`` bytes, each ``Uint64`` contributing 8 bytes little-endian."""
        chunks = bytearray()
        while len(chunks) < size:
            chunks += self.uint64().to_bytes(8, "little")
        return bytes(chunks[:size])


class SeededRandom:
    """goflow's ``random.NewSeededGenerator(seed)``: a PCG seeded with (seed, seed)."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._pcg = GoPCG(seed, seed)
        self._lock = threading.Lock()

    def float64(self) -> float:
        with self._lock:
            return self._pcg.float64()

    def int_n(self, n: int) -> int:
        with self._lock:
            return self._pcg.int_n(n)


class SystemRandom:
    """Production randomness from the operating system."""

    def __init__(self) -> None:
        self._rng = _random.SystemRandom()

    def float64(self) -> float:
        # Same construction as Go's Float64, so values are multiples of 2**-53 in [0, 1).
        return self._rng.getrandbits(53) / (1 << 53)

    def int_n(self, n: int) -> int:
        if n <= 0:
            raise ValueError("invalid argument to int_n")
        return self._rng.randrange(n)


def decimal_from_float(value: float) -> Decimal:
    """The shortest decimal that round-trips ``value``, as shopspring's ``NewFromFloat`` gives."""
    return Decimal(repr(value))


# --------------------------------------------------------------------------------------------
# Time
# --------------------------------------------------------------------------------------------


_RFC3339_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?"
    r"(?:([Zz])|([+-])(\d{2}):(\d{2}))$"
)


class NanoTime:
    """An instant with nanosecond precision: ``ns`` nanoseconds since the Unix epoch (UTC).

    Immutable, ordered and hashable by ``ns``. A plain slotted class rather than a frozen
    dataclass: the engine makes several per event, and a frozen dataclass is slow to build.
    """

    __slots__ = ("ns",)
    ns: int

    def __init__(self, ns: int) -> None:
        _set_ns(self, ns)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}")

    def __repr__(self) -> str:
        return f"NanoTime(ns={self.ns!r})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is NanoTime:
            return self.ns == other.ns  # type: ignore[attr-defined]
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.ns,))

    def __lt__(self, other: NanoTime) -> bool:
        if other.__class__ is NanoTime:
            return self.ns < other.ns
        return NotImplemented

    def __le__(self, other: NanoTime) -> bool:
        if other.__class__ is NanoTime:
            return self.ns <= other.ns
        return NotImplemented

    def __gt__(self, other: NanoTime) -> bool:
        if other.__class__ is NanoTime:
            return self.ns > other.ns
        return NotImplemented

    def __ge__(self, other: NanoTime) -> bool:
        if other.__class__ is NanoTime:
            return self.ns >= other.ns
        return NotImplemented

    def __reduce__(self) -> tuple[type[NanoTime], tuple[int]]:
        return (NanoTime, (self.ns,))

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
                    seconds = cls.parse_general(head + "Z").ns // _NS_PER_SECOND
                    if len(_parsed_seconds) >= 64:
                        _parsed_seconds.clear()
                    _parsed_seconds[head] = seconds
                nanos = int(fraction[1:].ljust(9, "0")) if fraction else 0
                return cls(seconds * _NS_PER_SECOND + nanos)
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


# writes the slot directly (the class refuses attribute assignment; this is cheaper than
# object.__setattr__, and a clock makes a NanoTime for every reading)
_set_ns = NanoTime.__dict__["ns"].__set__


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
        text = _utc_seconds_text(ns // _NS_PER_SECOND)
        return f"{text}.{ns % _NS_PER_SECOND:09d}Z"
    seconds, nanos = divmod(ns, _NS_PER_SECOND)
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


# UTC seconds formatted lately, with their text up to the seconds (consecutive stamps share it)
_utc_seconds: dict[int, str] = {}


# the same texts with the fraction's dot, for utc_text (one concatenation less per stamp)
_utc_prefixes: dict[int, str] = {}


def utc_text(ns: int) -> str:
    """``format_rfc3339_nano(ns)`` for the engine's every timestamp (UTC, trimmed), without
    the general function's options: events, results and segments make a score per session."""
    seconds, nanos = divmod(ns, _NS_PER_SECOND)
    if nanos:
        prefix = _utc_prefixes.get(seconds)
        if prefix is None:
            prefix = _utc_prefix(seconds)
        # the 9 digits of the fraction, zero-padded by the leading 1 cut off (cheaper than a
        # format spec); a fraction that isn't zero ends in a digit that isn't: rstrip stops there
        return prefix + str(nanos + _NS_PER_SECOND)[1:].rstrip("0") + "Z"
    return _utc_seconds_text(seconds) + "Z"


def _utc_prefix(seconds: int) -> str:
    """``_utc_seconds_text(seconds) + "."``, kept the same way."""
    prefix = _utc_seconds_text(seconds) + "."
    if len(_utc_prefixes) >= 64:
        _utc_prefixes.clear()
    _utc_prefixes[seconds] = prefix
    return prefix


def _utc_seconds_text(seconds: int) -> str:
    """The UTC text of an instant up to its seconds, kept for a few seconds (stamps of now
    and of expirations an hour on alternate)."""
    text = _utc_seconds.get(seconds)
    if text is None:
        text = (_EPOCH + dt.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S")
        if len(_utc_seconds) >= 64:
            _utc_seconds.clear()
        _utc_seconds[seconds] = text
    return text


def _to_nanotime(value: int | str | dt.datetime | NanoTime) -> NanoTime:
    if isinstance(value, NanoTime):
        return value
    if isinstance(value, bool):
        raise TypeError("expected a time, not a bool")
    if isinstance(value, int):
        return NanoTime(value)
    if isinstance(value, str):
        return NanoTime.parse(value)
    if isinstance(value, dt.datetime):
        return NanoTime.from_datetime(value)
    raise TypeError(f"cannot use {value!r} as a time")


def _to_nanos(step: int | dt.timedelta) -> int:
    if isinstance(step, dt.timedelta):
        return (step.days * 86_400 + step.seconds) * _NS_PER_SECOND + step.microseconds * 1000
    return int(step)


class Clock(Protocol):
    """A source of "now". Every call of any method reads the clock once (and may advance it)."""

    def now(self) -> dt.datetime: ...

    def now_ns(self) -> int: ...

    def now_time(self) -> NanoTime: ...


class SequentialClock:
    """goflow's ``dates.NewSequentialNow``: returns ``start``, then ``start + step``, ...

    ``start`` may be ns since the epoch, an RFC3339 string (nanoseconds kept) or an aware
    datetime; ``step`` is ns or a timedelta. ``now()``, ``now_ns()`` and ``now_time()`` each
    take one step, so a caller needing both forms of one instant calls ``now_time()`` once.
    """

    def __init__(
        self,
        start: int | str | dt.datetime | NanoTime = "2025-05-04T12:30:45.123456789Z",
        step: int | dt.timedelta = _NS_PER_SECOND,
    ) -> None:
        self._next = _to_nanotime(start).ns
        self._step = _to_nanos(step)
        self._lock = threading.Lock()

    def now_ns(self) -> int:
        with self._lock:
            current = self._next
            self._next += self._step
            return current

    def now_time(self) -> NanoTime:
        return NanoTime(self.now_ns())

    def now(self) -> dt.datetime:
        return self.now_time().to_datetime()

    __call__ = now  # usable directly as Environment.now

    def peek(self) -> NanoTime:
        """The time the next call will return, without advancing."""
        return NanoTime(self._next)


class FixedClock:
    """goflow's ``dates.NewFixedNow``: always the same instant."""

    def __init__(self, at: int | str | dt.datetime | NanoTime) -> None:
        self._at = _to_nanotime(at)

    def now_ns(self) -> int:
        return self._at.ns

    def now_time(self) -> NanoTime:
        return self._at

    def now(self) -> dt.datetime:
        return self._at.to_datetime()

    __call__ = now


class SystemClock:
    """The real clock (UTC)."""

    # time.time_ns itself: the engine reads the clock a score of times per session, and a
    # method that forwards to it would double the calls
    now_ns = staticmethod(time.time_ns)

    def now_time(self) -> NanoTime:
        return NanoTime(time.time_ns())

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    __call__ = now


# --------------------------------------------------------------------------------------------
# UUIDs
# --------------------------------------------------------------------------------------------


class UUIDSource(Protocol):
    def new_v4(self) -> str: ...

    def new_v7(self) -> str: ...


def _v4_from_bytes(raw: bytes) -> bytearray:
    data = bytearray(raw)
    data[6] = (data[6] & 0x0F) | 0x40  # version 4
    data[8] = (data[8] & 0x3F) | 0x80  # RFC 4122 variant
    return data


def _stamp_v7(data: bytearray, ns: int) -> None:
    """Overwrite the first 64 bits' time fields: 48 bits of ms, version 7, 12 bits sub-ms."""
    ms, within = divmod(ns, _NS_PER_MS)
    sub = within >> 8  # sub-millisecond nanoseconds in 256 ns units (always < 4096)
    data[0:6] = (ms & ((1 << 48) - 1)).to_bytes(6, "big")
    data[6] = 0x70 | ((sub >> 8) & 0x0F)
    data[7] = sub & 0xFF


def _text(data: bytes | bytearray) -> str:
    """The canonical 8-4-4-4-12 text (what ``str(uuid.UUID(bytes=data))`` gives)."""
    h = data.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class SeededUUIDs:
    """goflow's ``uuids.NewSeededGenerator(seed, now)``.

    Each UUID takes 16 bytes from ``GoPCG(seed, seed)`` (two ``Uint64`` little-endian); v7 also
    reads the clock once. Pass the same clock the engine uses for timestamps, since goflow
    interleaves both on one sequence.
    """

    def __init__(self, seed: int = 123456, clock: Clock | None = None) -> None:
        self._pcg = GoPCG(seed, seed)
        self._clock: Clock = clock if clock is not None else SequentialClock()
        self._lock = threading.Lock()

    def _random_v4(self) -> bytearray:
        with self._lock:
            return _v4_from_bytes(self._pcg.read(16))

    def new_v4(self) -> str:
        return _text(self._random_v4())

    def new_v7(self) -> str:
        data = self._random_v4()
        _stamp_v7(data, self._clock.now_ns())
        return _text(data)


class RandomUUIDs:
    """Production UUIDs: ``uuid4`` and a monotonic RFC 9562 v7 (ms + 12 bits sub-ms)."""

    def __init__(self, clock: Clock | None = None) -> None:
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._lock = threading.Lock()
        # the last v7 time issued, (ms, sub-ms in 256 ns units), to keep v7s strictly increasing
        self._last = (-1, 0)
        # the random halves of the next v7s, as text ("8xxx-xxxxxxxxxxxx"), read ahead in
        # batches (one system call and one hex conversion per 512 UUIDs, not each)
        self._tails: list[str] = []
        self._v4s: list[str] = []  # v4s read ahead the same way
        self._ms_text = (-1, "")  # the last millisecond and its text ("xxxxxxxx-xxxx-7")
        _POOLED.add(self)

    # (the lock is taken with acquire/release in try/finally: half the cost of a with block)

    def new_v4(self) -> str:
        lock = self._lock
        lock.acquire()
        try:
            v4s = self._v4s
            if not v4s:
                v4s = self._v4s = _random_v4s()
            return v4s.pop()
        finally:
            lock.release()

    def new_v7(self) -> str:
        ns = self._clock.now_ns()
        ms, within = divmod(ns, _NS_PER_MS)
        sub = within >> 8  # sub-millisecond time in 256 ns units (always < 4096)
        lock = self._lock
        lock.acquire()
        try:
            last_ms, last_sub = self._last
            if ms < last_ms or (ms == last_ms and sub <= last_sub):
                # the same 256 ns slot or the clock went back: step past the last issued
                ms, sub = last_ms, last_sub + 1
                if sub == 4096:
                    ms, sub = ms + 1, 0
            self._last = (ms, sub)
            tails = self._tails
            if not tails:
                tails = self._tails = _random_tails()
            tail = tails.pop()
            ms_text = self._ms_text
            if ms_text[0] != ms:
                h = f"{ms & _MASK48:012x}"
                ms_text = self._ms_text = (ms, f"{h[:8]}-{h[8:]}-7")
        finally:
            lock.release()
        # 48 bits of ms, version 7, 12 bits sub-ms, then the RFC 4122 variant and 62 random bits
        return ms_text[1] + _SUB_MS_TEXT[sub] + tail

    def _forget_pool(self) -> None:
        self._lock = threading.Lock()
        self._tails = []
        self._v4s = []


# a v7's 12 bits of sub-millisecond time as UUID text ("7" + these + "-"), by value
_SUB_MS_TEXT = tuple(f"{sub:03x}-" for sub in range(4096))


# turns a random byte into one with RFC 4122's variant bits (10xxxxxx)
_VARIANT_BYTE = bytes((b & 0x3F) | 0x80 for b in range(256))


# turns a random byte into one with version 4's high nibble (0100xxxx)
_V4_BYTE = bytes((b & 0x0F) | 0x40 for b in range(256))


def _random_v4s(count: int = 256) -> list[str]:
    """``count`` random version 4 UUIDs, as text."""
    data = bytearray(os.urandom(16 * count))
    data[6::16] = data[6::16].translate(_V4_BYTE)
    data[8::16] = data[8::16].translate(_VARIANT_BYTE)
    return _hex_groups(data, 16, (4, 2, 2, 2, 6))


def _random_tails(count: int = 512) -> list[str]:
    """``count`` random v7 tails: the variant bits and 62 random bits, as UUID text."""
    data = bytearray(os.urandom(8 * count))
    data[0::8] = data[0::8].translate(_VARIANT_BYTE)
    return _hex_groups(data, 8, (2, 6))


def _hex_groups(data: bytearray, size: int, groups: tuple[int, ...]) -> list[str]:
    """``data`` cut into records of ``size`` bytes, each as hex text with a "-" between its
    groups of bytes (``groups``: their sizes). The text is laid out with strided slice
    copies, a few per batch rather than a format per record."""
    count = len(data) // size
    digits = data.hex().encode("ascii")
    width = 2 * size + len(groups)  # a record's hex digits, its dashes and a separator
    out = bytearray(b"-" * (width * count))
    out[width - 1 :: width] = b"," * count
    position = 0
    digit = 0
    for group in groups:
        for _ in range(2 * group):
            out[position::width] = digits[digit :: 2 * size]
            position += 1
            digit += 1
        position += 1  # the dash (or, after the last group, the separator)
    records = out.decode("ascii").split(",")
    records.pop()  # the empty text after the last separator
    return records


# a forked process must not reuse its parent's read-ahead random bytes
_POOLED: weakref.WeakSet[RandomUUIDs] = weakref.WeakSet()


def _after_fork() -> None:
    for source in list(_POOLED):
        source._forget_pool()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)
