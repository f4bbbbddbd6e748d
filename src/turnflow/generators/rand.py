"""Random numbers: Go-compatible seeded ones for tests, the operating system's for production.

goflow's test universe pins its random numbers, so ``GoPCG`` reproduces Go ``math/rand/v2``'s
PCG-DXSM stream exactly, with Go's ``Float64`` and ``IntN`` reductions on top; ``SeededRandom``
wraps it behind the expressions' ``RandomSource`` protocol and ``SystemRandom`` is the production
counterpart. ``decimal_from_float`` gives a float the decimal Go's shopspring library would.
(Named ``rand``, after Go's package, so as not to shadow the standard ``random`` module.)
"""

from __future__ import annotations

import random as _random
import threading
from decimal import Decimal

_MASK64 = (1 << 64) - 1
_MASK128 = (1 << 128) - 1

# 128-bit LCG multiplier and increment used by Go's PCG (the pcg-cpp defaults).
_PCG_MUL = (2549297995355413924 << 64) | 4865540595714422341
_PCG_INC = (6364136223846793005 << 64) | 1442695040888963407
_DXSM_MUL = 0xDA942042E4DD58B5
# two LCG steps at once: state * MUL**2 + (INC * MUL + INC)
_PCG_MUL2 = (_PCG_MUL * _PCG_MUL) & _MASK128
_PCG_INC2 = (_PCG_INC * _PCG_MUL + _PCG_INC) & _MASK128


def _dxsm(state: int) -> int:
    """PCG-DXSM's output permutation ("double xorshift multiply") of a 128-bit state."""
    hi = state >> 64
    hi ^= hi >> 32
    hi = (hi * _DXSM_MUL) & _MASK64
    hi ^= hi >> 48
    # the low half of the state would be masked to 64 bits first, but the product is masked
    # to 64 bits anyway and the high half of the state cannot change its low 64 bits
    return (hi * (state | 1)) & _MASK64


class GoPCG:
    """Go ``rand.New(rand.NewPCG(seed1, seed2))``: same ``Uint64`` stream, ``Float64``, ``IntN``."""

    __slots__ = ("_state",)

    def __init__(self, seed1: int, seed2: int) -> None:
        # Go takes uint64 seeds; a negative int64 seed wraps the same way Go's conversion does.
        self._state = ((seed1 & _MASK64) << 64) | (seed2 & _MASK64)

    def uint64(self) -> int:
        """The next uniformly distributed 64-bit value."""
        state = self._state = (self._state * _PCG_MUL + _PCG_INC) & _MASK128
        return _dxsm(state)

    def read128(self) -> int:
        """The next two ``Uint64`` values as one 128-bit int, the first in the low bits: what
        ``read(16)`` gives, read as little-endian, without the bytes (a UUID's 16 bytes)."""
        first = (self._state * _PCG_MUL + _PCG_INC) & _MASK128
        second = self._state = (first * _PCG_MUL + _PCG_INC) & _MASK128
        return _dxsm(first) | (_dxsm(second) << 64)

    def second_uint64(self) -> int:
        """The second of the next two ``Uint64`` values: the state moves past both in one
        step and the first is never permuted into output (a v7 UUID overwrites its 8 bytes
        with the time, so only the second's bytes show)."""
        state = self._state = (self._state * _PCG_MUL2 + _PCG_INC2) & _MASK128
        return _dxsm(state)

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
