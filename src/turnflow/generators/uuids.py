"""UUID sources: goflow's seeded UUIDs for tests, random ones read ahead in batches for production.

``SeededUUIDs`` builds v4 / v7 UUIDs from 16 ``GoPCG`` bytes, taking v7 timestamps from a
clock, as goflow's test universe does. ``RandomUUIDs`` issues many per turn, so it reads
random bytes ahead and formats them a batch at a time; a forked child drops what its parent
read ahead (``os.register_at_fork``), so the two never issue the same UUIDs.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Callable
from typing import Protocol

from .clock import Clock, SequentialClock, SystemClock
from .rand import GoPCG

_NS_PER_MS = 1_000_000
_MASK48 = (1 << 48) - 1


class UUIDSource(Protocol):
    def new_v4(self) -> str: ...

    def new_v7(self) -> str: ...


# a v4's 16 bytes as a little-endian int (GoPCG.read128): byte 6's high nibble becomes the
# version (4) and byte 8's two high bits RFC 4122's variant (10)
_V4_KEEP = ((1 << 128) - 1) ^ (0xF0 << 48) ^ (0xC0 << 64)
_V4_SET = (0x40 << 48) | (0x80 << 64)
# the same for a v7's random half (bytes 8-15, the second Uint64): the variant in its byte 0
_TAIL_KEEP = ((1 << 64) - 1) ^ 0xC0
_TAIL_SET = 0x80


class SeededUUIDs:
    """goflow's ``uuids.NewSeededGenerator(seed, now)``.

    Each UUID takes 16 bytes from ``GoPCG(seed, seed)`` (two ``Uint64`` little-endian); v7 also
    reads the clock once, after drawing its bytes. Pass the same clock the engine uses for
    timestamps, since goflow interleaves both on one sequence.
    """

    def __init__(self, seed: int = 123456, clock: Clock | None = None) -> None:
        self._pcg = GoPCG(seed, seed)
        self._clock: Clock = clock if clock is not None else SequentialClock()
        self._now_ns = self._clock.now_ns
        self._lock = threading.Lock()

    def new_v4(self) -> str:
        lock = self._lock
        lock.acquire()
        try:
            value = self._pcg.read128()
        finally:
            lock.release()
        h = ((value & _V4_KEEP) | _V4_SET).to_bytes(16, "little").hex()
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def new_v7(self) -> str:
        # the time fields overwrite all of the first Uint64's bytes: only the second shows
        lock = self._lock
        lock.acquire()
        try:
            random = self._pcg.second_uint64()
        finally:
            lock.release()
        ms, within = divmod(self._now_ns(), _NS_PER_MS)
        # 48 bits of ms ("xxxxxxxx-xxxx"), version 7 and 12 bits of sub-ms time in 256 ns
        # units (always < 4096), then the random half with the variant ("8xxx-xxxxxxxxxxxx")
        head = (ms & _MASK48).to_bytes(6, "big").hex("-", -4)
        tail = ((random & _TAIL_KEEP) | _TAIL_SET).to_bytes(8, "little").hex("-", 6)
        return f"{head}{_SUB_MS_TEXT[within >> 8]}{tail}"


class RandomUUIDs:
    """Production UUIDs: ``uuid4`` and a monotonic RFC 9562 v7 (ms + 12 bits sub-ms)."""

    def __init__(self, clock: Clock | None = None) -> None:
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._lock = threading.Lock()
        self._now_ns = self._clock.now_ns
        # the last v7 time issued (ms, and sub-ms time in 256 ns units), to keep v7s strictly
        # increasing, and the text of that ms ("xxxxxxxx-xxxx")
        self._last_ms = -1
        self._last_sub = 0
        self._ms_text = "ffffffff-ffff"  # ms -1's, as 48 bits
        # the random halves of the next v7s, as text ("8xxx-xxxxxxxxxxxx"), read ahead in
        # batches (one system call and one hex conversion per 512 UUIDs, not each)
        self._tails: list[str] = []
        self._v4s: list[str] = []  # v4s read ahead the same way
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
        return self.new_v7_at(self._now_ns())

    def new_v7_at(self, ns: int) -> str:
        """A v7 for ``ns``, a reading of this source's clock the caller took (and uses too:
        see :func:`v7_at_reading`)."""
        ms = ns // 1_000_000
        sub = (ns % 1_000_000) >> 8  # sub-ms time in 256 ns units (always < 4096)
        lock = self._lock
        lock.acquire()
        try:
            last_ms = self._last_ms
            if ms != last_ms or sub <= self._last_sub:  # not later in the same ms (rarer)
                if ms <= last_ms:
                    # the same 256 ns slot or the clock went back: step past the last issued
                    ms, sub = last_ms, self._last_sub + 1
                    if sub == 4096:
                        ms, sub = ms + 1, 0
                if ms != last_ms:
                    self._ms_text = (ms & _MASK48).to_bytes(6, "big").hex("-", -4)
                    self._last_ms = ms
            self._last_sub = sub
            ms_text = self._ms_text
            tails = self._tails
            if not tails:
                tails = self._tails = _random_tails()
            tail = tails.pop()
        finally:
            lock.release()
        # 48 bits of ms, version 7, 12 bits sub-ms, then the RFC 4122 variant and 62 random bits
        return ms_text + _SUB_MS_TEXT[sub] + tail

    def _forget_pool(self) -> None:
        self._lock = threading.Lock()
        self._tails = []
        self._v4s = []


def v7_at_reading(uuids: UUIDSource, clock: Clock) -> Callable[[int], str] | None:
    """``uuids``' v7 for a reading of ``clock`` the caller took (``new_v7_at``), when one
    reading can serve both the UUID and the caller's timestamp without anyone telling: both
    read the real clock. None otherwise: a test clock steps on (and goflow's tests count)
    every reading, so a v7 and a timestamp read it once each."""
    if (
        isinstance(uuids, RandomUUIDs)
        and type(clock) is SystemClock
        and type(uuids._clock) is SystemClock
    ):
        return uuids.new_v7_at
    return None


# a v7's version and 12 bits of sub-millisecond time as UUID text, by value
_SUB_MS_TEXT = tuple(f"-7{sub:03x}-" for sub in range(4096))


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
