"""The hub's linkage: Dice similarity of encodings, with blocking (pure).

A neutral hub receives from each member a :class:`Submission` (opaque
references, hardened encodings from ``liaison.matching.bloom`` and keyed
block ids) and holds no key. :func:`link` compares, for every pair of
members, the records that share a block id, and returns the pairs whose
Dice similarity ``2 |a & b| / (|a| + |b|)`` reaches the threshold as
:class:`CandidatePair` values: member and reference on each side, **never
the score**. A member learns which of its records have a candidate at
which other member, and confirms by the usual follow-up request.

**One-to-one.** By default each record of a member is paired with at most
one record of each other member: candidates are taken greedily in order of
decreasing similarity (ties by position), as anonlink's ``greedy_solve``
does. This is what the published FEBRL figures use; ``one_to_one=False``
returns every pair above the threshold (for members whose data hold
duplicates; FEBRL4 F1 0.985 at the default threshold).

**Blocking.** A pair is compared when the two records agree on any block
id (``bloom.BLOCK_KINDS``). A pair met through several kinds is compared
again rather than looked up (on the bench's synthetic persons about 5 % of
the pairs repeat, and checking the earlier kinds costs more than the
comparisons it saves); the result holds it once. A block with more pairs
than ``max_block_pairs`` (a placeholder birth date shared by thousands of
records, say) is skipped and counted, so that one degenerate value cannot
stall the hub.

Encodings are ``(n, words)`` arrays of 64-bit words. Similarities are
counted in one process, on one core: by a numba kernel that walks the
blocks (``liaison.matching.dice_kernel``, the ``fast`` extra; compiled in
memory on the first linkage) when numba imports, otherwise with
``numpy.bitwise_count`` over gathered chunks of pairs. Both give the same
pairs with the same scores; the kernel counts several times faster.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import combinations

import numpy as np
from numpy.typing import NDArray

from liaison.errors import InvalidInput

#: Dice threshold for the hub's balanced 1024-bit encodings (Dice there is
#: ``1 - hamming / 512`` of the underlying filters, so it runs lower than on
#: plain CLKs, where clkhash's tutorial uses 0.8). On FEBRL4 without
#: soc_sec_id, one-to-one, F1 is 0.998 at 0.70, 0.994 at 0.74, 0.992 at
#: 0.75 and below 0.99 above; on the bench's synthetic persons (half without
#: a partner, common names) precision is 0.94 at 0.74 and 0.995 at 0.78.
THRESHOLD = 0.74
MAX_BLOCK_PAIRS = 1_000_000
CHUNK = 1 << 13  # pairs scored per numpy pass (fits the L2 cache)
KERNEL_CHUNK = 1 << 16  # pairs per call of the compiled kernel (bounds its output buffers)

Words = NDArray[np.uint64]
Index = NDArray[np.int64]


@dataclass(frozen=True, slots=True, eq=False)
class Submission:
    """One member's upload: references, encodings and block ids, row by row."""

    member: str
    refs: tuple[str, ...]
    encodings: Words  # (n, words)
    blocks: Words  # (n, kinds); 0 is "no key"

    def __post_init__(self) -> None:
        n = len(self.refs)
        enc, blocks = self.encodings, self.blocks
        if not self.member:
            raise InvalidInput("member", self.member, "a submission names its member")
        if enc.dtype != np.uint64 or enc.ndim != 2 or enc.shape[0] != n or enc.shape[1] < 1:
            raise InvalidInput("encodings", enc.shape, f"a ({n}, words) array of uint64")
        if blocks.dtype != np.uint64 or blocks.ndim != 2 or blocks.shape[0] != n:
            raise InvalidInput("blocks", blocks.shape, f"a ({n}, kinds) array of uint64")
        if len(set(self.refs)) != n:
            raise InvalidInput("refs", n, "references are unique within a submission")


@dataclass(frozen=True, slots=True)
class CandidatePair:
    """A candidate hit between two members' records, for a human to confirm."""

    left_member: str
    left_ref: str
    right_member: str
    right_ref: str

    def facing(self, member: str) -> CandidatePair:
        """The pair with ``member`` on the left."""
        if self.left_member == member:
            return self
        return CandidatePair(self.right_member, self.right_ref, self.left_member, self.left_ref)


@dataclass(frozen=True, slots=True)
class Linkage:
    """What the hub found: candidate pairs (no scores) and the work it did."""

    pairs: tuple[CandidatePair, ...]
    comparisons: int  # Dice similarities computed
    skipped_blocks: int  # blocks over ``max_block_pairs``

    def for_member(self, member: str) -> tuple[CandidatePair, ...]:
        """The pairs that concern ``member``, each with the member on the left."""
        return tuple(
            p.facing(member) for p in self.pairs if member in (p.left_member, p.right_member)
        )


def popcounts(encodings: Words) -> NDArray[np.int64]:
    """Number of 1-bits of each encoding."""
    counts: NDArray[np.int64] = np.bitwise_count(encodings).sum(axis=1, dtype=np.int64)
    return counts


def dice(a: Words, b: Words) -> float:
    """Dice similarity of two encodings (1-D word arrays of one length)."""
    if a.shape != b.shape or a.ndim != 1:
        raise InvalidInput("encodings", (a.shape, b.shape), "two encodings of one length")
    total = int(np.bitwise_count(a).sum()) + int(np.bitwise_count(b).sum())
    common = int(np.bitwise_count(a & b).sum())
    return 2 * common / total if total else 0.0


def _row_sums(counts: NDArray[np.uint8]) -> NDArray[np.int64]:
    """Sum each row of per-word bit counts (uint8 up to 64), eight bytes at a time.

    numpy's reduction over a short last axis costs more than the counting;
    summing the columns of the ``uint64`` view and folding the lanes
    (SWAR) does not.
    """
    width = counts.shape[1]
    if width % 8 or width > 8 * 16:
        plain: NDArray[np.int64] = counts.sum(axis=1, dtype=np.int64)
        return plain
    words = counts.view(np.uint64)  # eight counts <= 64 in each word
    low = np.uint64(0x00FF00FF00FF00FF)
    lanes = (words & low) + ((words >> np.uint64(8)) & low)  # four 16-bit lanes <= 128
    total = lanes[:, 0].copy()
    for column in range(1, lanes.shape[1]):
        total += lanes[:, column]  # <= 128 * 16 per lane
    return ((total * np.uint64(0x0001000100010001)) >> np.uint64(48)).astype(np.int64)


def intersections(left: Words, right: Words, ia: Index, ib: Index) -> NDArray[np.int64]:
    """``|left[ia] & right[ib]|`` for each pair of row indices."""
    both = np.take(left, ia, axis=0)
    np.bitwise_and(both, np.take(right, ib, axis=0), out=both)
    return _row_sums(np.bitwise_count(both))


@dataclass(frozen=True, slots=True)
class _Side:
    """One submission's rows that carry a key of one kind, sorted by that key.

    The encodings are copied in that order, so that a block's rows are
    contiguous and stay in cache while the block's pairs are scored.
    """

    order: Index  # original row of each sorted position
    keys: Words
    encodings: Words
    popcounts: NDArray[np.int64]

    @classmethod
    def of(cls, sub: Submission, popcounts: NDArray[np.int64], kind: int) -> _Side:
        keys = sub.blocks[:, kind]
        order = np.argsort(keys, kind="stable").astype(np.int64)
        order = order[np.searchsorted(keys[order], 1) :]  # 0 is "no key"
        return cls(order, keys[order], np.take(sub.encodings, order, axis=0), popcounts[order])


def _runs(keys: Words) -> tuple[Words, Index, Index]:
    """Distinct keys of a sorted array with the start and length of their runs."""
    distinct, starts, sizes = np.unique(keys, return_index=True, return_counts=True)
    return distinct, starts.astype(np.int64), sizes.astype(np.int64)


@dataclass(frozen=True, slots=True)
class _Blocks:
    """The blocks two sides share, as runs of sorted positions on each side."""

    starts_a: Index
    sizes_a: Index
    starts_b: Index
    sizes_b: Index

    def pairs(self) -> int:
        return int((self.sizes_a * self.sizes_b).sum())

    def parts(self, chunk: int) -> Iterator[_Blocks]:
        """Runs of whole blocks of about ``chunk`` pairs each (a larger block alone)."""
        sizes = self.sizes_a * self.sizes_b
        bounds = np.searchsorted(np.cumsum(sizes), np.arange(chunk, int(sizes.sum()), chunk))
        for part in np.split(np.arange(len(sizes)), np.unique(bounds)):
            if len(part):
                yield _Blocks(
                    self.starts_a[part], self.sizes_a[part], self.starts_b[part], self.sizes_b[part]
                )


def _shared_blocks(a: _Side, b: _Side, max_block_pairs: int, skipped: list[int]) -> _Blocks:
    """The blocks of both sides, but those over ``max_block_pairs`` (counted in ``skipped``)."""
    ua, sa, na = _runs(a.keys)
    ub, sb, nb = _runs(b.keys)
    _, ia, ib = np.intersect1d(ua, ub, assume_unique=True, return_indices=True)
    sa, na, sb, nb = sa[ia], na[ia], sb[ib], nb[ib]
    fits = na * nb <= max_block_pairs
    skipped.append(int((~fits).sum()))
    return _Blocks(sa[fits], na[fits], sb[fits], nb[fits])


def _block_pairs(blocks: _Blocks) -> Iterator[tuple[Index, Index]]:
    """Chunks of (position in a, position in b) for every pair of the blocks."""
    for part in blocks.parts(CHUNK):
        yield _expand(part.starts_a, part.sizes_a, part.starts_b, part.sizes_b)


def _expand(sa: Index, na: Index, sb: Index, nb: Index) -> tuple[Index, Index]:
    """All pairs of a list of blocks, as positions (a vectorised cross product)."""
    sizes = na * nb
    block = np.repeat(np.arange(len(sizes)), sizes)
    local = np.arange(int(sizes.sum()), dtype=np.int64) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    width = nb[block]
    return sa[block] + local // width, sb[block] + local % width


@dataclass(frozen=True, slots=True)
class _Scored:
    """Pairs above the threshold with their similarity (hub-internal)."""

    ia: Index
    ib: Index
    scores: NDArray[np.float64]
    comparisons: int
    skipped_blocks: int


Found = tuple[Index, Index, NDArray[np.float64]]  # positions in a and b, Dice
Scan = Callable[[_Side, _Side, _Blocks, float, int | None], Found]


def _scored_pairs(
    left: Submission,
    right: Submission,
    threshold: float,
    max_block_pairs: int,
    scan: Scan,
) -> _Scored:
    """Every blocked pair of two submissions whose Dice reaches ``threshold``."""
    pa, pb = popcounts(left.encodings), popcounts(right.encodings)
    total = _weight(pa, pb)
    found: list[Found] = []
    compared = 0
    skipped: list[int] = []
    for kind in range(left.blocks.shape[1]):
        a, b = _Side.of(left, pa, kind), _Side.of(right, pb, kind)
        blocks = _shared_blocks(a, b, max_block_pairs, skipped)
        compared += blocks.pairs()
        ia, ib, scores = scan(a, b, blocks, threshold, total)
        found.append((a.order[ia], b.order[ib], scores))
    if not found:
        empty = np.zeros(0, dtype=np.int64)
        return _Scored(empty, empty, np.zeros(0), compared, sum(skipped))
    ia, ib, scores = (np.concatenate(parts) for parts in zip(*found, strict=True))
    _, first = np.unique(ia * len(pb) + ib, return_index=True)  # met through several kinds
    return _Scored(ia[first], ib[first], scores[first], compared, sum(skipped))


def _numpy_scan(a: _Side, b: _Side, blocks: _Blocks, threshold: float, total: int | None) -> Found:
    """The blocks' pairs above ``threshold``: gathered chunks, ``bitwise_count``."""
    found: list[Found] = [(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))]
    for ia, ib in _block_pairs(blocks):
        keep, scores = _above(a, b, ia, ib, threshold, total)
        found.append((ia[keep], ib[keep], scores))
    ia, ib, scores = (np.concatenate(parts) for parts in zip(*found, strict=True))
    return ia, ib, scores


def _kernel_scan(a: _Side, b: _Side, blocks: _Blocks, threshold: float, total: int | None) -> Found:
    """The blocks' pairs above ``threshold``, scored by the compiled kernel.

    ``total`` is not needed: the kernel adds the two weights of each pair,
    which gives the numpy path's figures when all weights are equal.
    Raises ``ImportError`` without numba.
    """
    from liaison.matching import dice_kernel

    found: list[Found] = [(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))]
    for part in blocks.parts(KERNEL_CHUNK):
        runs = (part.starts_a, part.sizes_a, part.starts_b, part.sizes_b)
        found.append(
            dice_kernel.scan(a.encodings, b.encodings, a.popcounts, b.popcounts, runs, threshold)
        )
    ia, ib, scores = (np.concatenate(parts) for parts in zip(*found, strict=True))
    return ia, ib, scores


@cache
def _compiled() -> bool:
    """Whether numba imports (the ``fast`` extra), so the kernel can be used."""
    try:
        from liaison.matching import dice_kernel  # noqa: F401  (imports numba)
    except ImportError:
        return False
    return True


def _scan(kernel: bool | None) -> Scan:
    """The compiled kernel if asked for, or if ``None`` and numba imports; else numpy."""
    if kernel is None:
        kernel = _compiled()
    return _kernel_scan if kernel else _numpy_scan


def _weight(pa: NDArray[np.int64], pb: NDArray[np.int64]) -> int | None:
    """``|a| + |b|`` when every encoding has the same weight (balanced ones do)."""
    weights = np.concatenate([pa, pb])
    low, high = int(weights.min(initial=0)), int(weights.max(initial=0))
    return 2 * low if low == high and low > 0 else None


def _above(
    a: _Side, b: _Side, ia: Index, ib: Index, threshold: float, total: int | None
) -> tuple[Index, NDArray[np.float64]]:
    """Which pairs reach the threshold, and their Dice.

    When all weights are equal (``total``) the test is on the common bits
    alone and no weight is gathered.
    """
    common = 2 * intersections(a.encodings, b.encodings, ia, ib)
    if total is not None:
        keep = np.flatnonzero(common >= threshold * total)
        return keep, common[keep] / total
    totals = a.popcounts[ia] + b.popcounts[ib]
    keep = np.flatnonzero((common >= threshold * totals) & (totals > 0))
    return keep, common[keep] / totals[keep]


def greedy(ia: Index, ib: Index, scores: NDArray[np.float64]) -> tuple[Index, Index]:
    """One-to-one: best pairs first, each row of either side used once.

    A pair whose two rows appear in no other candidate is kept as it is;
    only the contested ones go through the greedy loop.
    """
    lone = _once(ia) & _once(ib)
    contested = np.flatnonzero(~lone)
    order = contested[np.lexsort((ib[contested], ia[contested], -scores[contested]))]
    used_a: set[int] = set()
    used_b: set[int] = set()
    keep = np.flatnonzero(lone).tolist()
    for k, a, b in zip(order.tolist(), ia[order].tolist(), ib[order].tolist(), strict=True):
        if a not in used_a and b not in used_b:
            used_a.add(a)
            used_b.add(b)
            keep.append(k)
    chosen = np.asarray(keep, dtype=np.int64)
    return ia[chosen], ib[chosen]


def _once(rows: Index) -> NDArray[np.bool_]:
    """Whether each entry's value occurs only once in ``rows``."""
    _, inverse, counts = np.unique(rows, return_inverse=True, return_counts=True)
    return np.asarray(counts[inverse] == 1)


def _check(submissions: Sequence[Submission], threshold: float) -> None:
    if not 0.0 < threshold <= 1.0:
        raise InvalidInput("threshold", threshold, "a Dice threshold in (0, 1]")
    members = [s.member for s in submissions]
    if len(set(members)) != len(members):
        raise InvalidInput("submissions", members, "one submission per member")
    shapes = {(s.encodings.shape[1], s.blocks.shape[1]) for s in submissions}
    if len(shapes) > 1:
        raise InvalidInput("submissions", sorted(shapes), "one encoding length and block kinds")


def link(
    submissions: Sequence[Submission],
    threshold: float = THRESHOLD,
    *,
    one_to_one: bool = True,
    max_block_pairs: int = MAX_BLOCK_PAIRS,
    kernel: bool | None = None,
) -> Linkage:
    """Candidate pairs between every two members, above ``threshold``; no scores.

    ``kernel`` chooses how similarities are counted: ``None`` (the default)
    the compiled kernel when numba is installed and numpy otherwise,
    ``False`` numpy, ``True`` the kernel (``ImportError`` without numba).
    The result is the same.
    """
    _check(submissions, threshold)
    scan = _scan(kernel)
    pairs: list[CandidatePair] = []
    compared = skipped = 0
    for left, right in combinations(submissions, 2):
        found = _scored_pairs(left, right, threshold, max_block_pairs, scan)
        compared += found.comparisons
        skipped += found.skipped_blocks
        ia, ib = greedy(found.ia, found.ib, found.scores) if one_to_one else (found.ia, found.ib)
        order = np.lexsort((ib, ia))
        pairs.extend(
            CandidatePair(left.member, left.refs[a], right.member, right.refs[b])
            for a, b in zip(ia[order].tolist(), ib[order].tolist(), strict=True)
        )
    return Linkage(tuple(pairs), compared, skipped)
