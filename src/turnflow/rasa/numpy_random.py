"""The random choice Rasa makes among equally fitting response variants, reproducible.

Rasa picks with numpy's global legacy generator (``np.random.choice``). After
``np.random.seed(seed)`` that is a Mersenne Twister seeded by ``init_genrand(seed)``, and a
choice among ``n`` variants draws 32-bit words, masks each to the bit length of ``n - 1`` and
keeps the first that is at most ``n - 1`` (one variant: nothing is drawn). ``NumpyLegacyRandom``
gives the same indices from the same seed, so a run seeded like a Rasa process picks the same
variants — as long as nothing else in that process drew from numpy's generator.
"""

from __future__ import annotations

import random as _random
import threading

_N = 624  # Mersenne Twister state words
_MASK32 = 0xFFFFFFFF


class NumpyLegacyRandom:
    """``np.random.seed(seed)`` then ``np.random.choice(range(n))`` as ``int_n(n)``."""

    def __init__(self, seed: int) -> None:
        if not 0 <= seed <= _MASK32:
            raise ValueError("seed must be between 0 and 2**32 - 1")
        # CPython's generator is the same Mersenne Twister; only the seeding differs
        state = [seed]
        for i in range(1, _N):
            previous = state[-1]
            state.append((1812433253 * (previous ^ (previous >> 30)) + i) & _MASK32)
        self._mt = _random.Random()
        self._mt.setstate((3, (*state, _N), None))
        self._lock = threading.Lock()

    def int_n(self, n: int) -> int:
        """An index in [0, n), drawn as numpy's legacy ``choice`` draws it."""
        if n <= 0:
            raise ValueError("invalid argument to int_n")
        top = n - 1
        if top == 0:
            return 0
        mask = (1 << top.bit_length()) - 1
        with self._lock:
            while True:
                word = self._mt.getrandbits(32) & mask
                if word <= top:
                    return word
