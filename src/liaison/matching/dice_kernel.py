"""The hub's Dice kernel compiled with numba (the optional ``fast`` extra).

``liaison.matching.dice`` imports this module lazily, on its first linkage,
and counts with numpy when numba is missing (an ``ImportError`` here). It
holds the only import of numba, so that the rest of the package never
depends on it. The kernel walks the blocks two sides share and scores each
pair of rows in place: the pairs are never gathered, and the 64-bit words
of a pair are counted with the SWAR popcount, which LLVM recognises and
compiles to the CPU's popcount (vectorised where the CPU has one, as
AVX-512 VPOPCNTQ). The threshold test and the score are the numpy path's
expressions in the same float64 arithmetic, so the two give the same pairs
and the same scores.

The kernel is compiled in memory on its first call: the first linkage of
a process pays about 2 s (importing numba and compiling, each about 1 s
of CPU on the bench machine). It is not cached on disk: ``cache=True``
needs a writable directory beside the package or in the user's home,
which a hardened deployment need not have.
"""

from __future__ import annotations

import numba
import numpy as np
from numpy.typing import NDArray

Words = NDArray[np.uint64]
Index = NDArray[np.int64]

# the SWAR popcount's constants, typed uint64 (numba turns uint64 mixed with int64 into float64)
_ONE, _TWO, _FOUR, _TOP = np.uint64(1), np.uint64(2), np.uint64(4), np.uint64(56)
_ODD = np.uint64(0x5555555555555555)
_PAIRS = np.uint64(0x3333333333333333)
_NIBBLES = np.uint64(0x0F0F0F0F0F0F0F0F)
_BYTES = np.uint64(0x0101010101010101)


def _scan(
    left: Words,
    right: Words,
    weights_left: Index,
    weights_right: Index,
    starts_left: Index,
    sizes_left: Index,
    starts_right: Index,
    sizes_right: Index,
    threshold: float,
    capacity: int,
) -> tuple[Index, Index, NDArray[np.float64]]:
    found_left = np.empty(capacity, np.int64)
    found_right = np.empty(capacity, np.int64)
    scores = np.empty(capacity, np.float64)
    found = 0
    for block in range(starts_left.shape[0]):
        for i in range(starts_left[block], starts_left[block] + sizes_left[block]):
            row = left[i]  # a row view: numba vectorises the word loop over it
            for j in range(starts_right[block], starts_right[block] + sizes_right[block]):
                other = right[j]
                common = np.uint64(0)
                for w in range(row.shape[0]):
                    x = row[w] & other[w]  # LLVM turns these four lines into popcnt
                    x = x - ((x >> _ONE) & _ODD)
                    x = (x & _PAIRS) + ((x >> _TWO) & _PAIRS)
                    x = (x + (x >> _FOUR)) & _NIBBLES
                    common += (x * _BYTES) >> _TOP
                twice = 2 * np.int64(common)
                total = weights_left[i] + weights_right[j]
                if total > 0 and twice >= threshold * total:
                    found_left[found] = i
                    found_right[found] = j
                    scores[found] = twice / total
                    found += 1
    return found_left[:found].copy(), found_right[:found].copy(), scores[:found].copy()


_compiled = numba.njit(nogil=True)(_scan)


def scan(
    left: Words,
    right: Words,
    weights_left: Index,
    weights_right: Index,
    blocks: tuple[Index, Index, Index, Index],
    threshold: float,
) -> tuple[Index, Index, NDArray[np.float64]]:
    """The pairs of rows that share a block and whose Dice reaches ``threshold``, and their Dice.

    ``blocks`` are (start, size) on the left and on the right of each block:
    every row of ``left[start:start + size]`` meets every row of the
    right's run. Rows are ``(n, words)`` C-contiguous uint64 arrays and
    ``weights`` their popcounts; a pair of empty encodings is never kept.
    """
    starts_left, sizes_left, starts_right, sizes_right = blocks
    capacity = int((sizes_left * sizes_right).sum())
    found = _compiled(
        left,
        right,
        weights_left,
        weights_right,
        starts_left,
        sizes_left,
        starts_right,
        sizes_right,
        threshold,
        capacity,
    )
    return found
