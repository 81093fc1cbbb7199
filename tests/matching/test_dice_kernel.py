"""The compiled Dice kernel against the numpy path: same pairs, same scores, same order.

``link(..., kernel=True)`` counts with numba (``liaison.matching.dice_kernel``),
``kernel=False`` with numpy (the fallback when numba is not installed); the
fallback's choice itself is checked in a child interpreter where numba
cannot be imported, so that nothing in this process is patched.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest
from numpy.typing import NDArray

from liaison.matching.bloom import Person
from liaison.matching.dice import (
    THRESHOLD,
    Submission,
    _kernel_scan,
    _numpy_scan,
    _scored_pairs,
    link,
)

from .test_dice import ANNA, SECRET, _febrl_file, submit

pytest.importorskip("numba")  # the dev extra installs it (the ``fast`` extra)

Words = NDArray[np.uint64]


def _filters(rng: np.random.Generator, n: int, words: int, balanced: bool) -> Words:
    """Random encodings; balanced ones are half a filter and its complement (weight fixed)."""
    if not balanced:
        return np.frombuffer(rng.bytes(n * words * 8), dtype=np.uint64).reshape(n, words).copy()
    half = _filters(rng, n, words // 2, balanced=False)
    return np.concatenate([half, ~half], axis=1)


def _noisy(rng: np.random.Generator, rows: np.ndarray, flips: int, balanced: bool) -> Words:
    """Copies of ``rows`` with ``flips`` random bits flipped in each (balance kept)."""
    out = rows.copy()
    width = out.shape[1] // 2 if balanced else out.shape[1]
    for r in range(len(out)):
        for bit in rng.integers(0, 64 * width, size=flips):
            out[r, bit // 64] ^= np.uint64(1) << np.uint64(bit % 64)
    if balanced:
        out[:, width:] = ~out[:, :width]
    return out


def _pair(seed: int, words: int, balanced: bool) -> tuple[Submission, Submission]:
    """Two members: B holds noisy copies of half of A, exact twins (ties) and strangers.

    Block ids come from a few small key ranges, so blocks hold several rows
    on each side, a pair meets in several kinds, and some rows have no key.
    """
    rng = np.random.default_rng(seed)
    n, kinds = 240, 4
    left = _filters(rng, n, words, balanced)
    copies = rng.choice(n, size=n // 2, replace=False)
    right = np.concatenate(
        [
            _noisy(rng, left[copies], flips=words * 6, balanced=balanced),
            left[copies[:10]],  # exact twins of rows also copied with noise: contests, ties
            left[copies[:10]],
            _filters(rng, n // 2, words, balanced),
        ]
    )
    blocks_a = rng.integers(0, 12, size=(n, kinds)).astype(np.uint64)
    blocks_b = rng.integers(0, 12, size=(len(right), kinds)).astype(np.uint64)
    twins = copies[:10]
    blocks_b[: n // 2 + 20, :2] = blocks_a[np.concatenate([copies, twins, twins]), :2]
    order = rng.permutation(len(right))
    a = Submission("a", tuple(f"a{i}" for i in range(n)), left, blocks_a)
    refs_b = tuple(f"b{i}" for i in range(len(right)))
    return a, Submission("b", refs_b, right[order].copy(), blocks_b[order].copy())


@pytest.mark.parametrize(
    ("seed", "words", "balanced"), [(1, 16, True), (2, 16, False), (3, 2, True), (4, 5, False)]
)
@pytest.mark.parametrize("threshold", [0.5, THRESHOLD, 0.9])
def test_kernel_and_numpy_score_the_same_pairs(
    seed: int, words: int, balanced: bool, threshold: float
) -> None:
    a, b = _pair(seed, words, balanced)
    ours = _scored_pairs(a, b, threshold, 400, _kernel_scan)
    ref = _scored_pairs(a, b, threshold, 400, _numpy_scan)
    assert ref.comparisons > 0 and ref.skipped_blocks > 0  # some blocks over 400 pairs
    assert len(ref.ia) > 0
    assert (ours.comparisons, ours.skipped_blocks) == (ref.comparisons, ref.skipped_blocks)
    assert np.array_equal(ours.ia, ref.ia) and np.array_equal(ours.ib, ref.ib)
    assert np.array_equal(ours.scores, ref.scores)  # bit for bit, not approximately
    for one_to_one in (True, False):
        fast = link([a, b], threshold, one_to_one=one_to_one, kernel=True)
        slow = link([a, b], threshold, one_to_one=one_to_one, kernel=False)
        assert fast == slow


def test_ties_go_the_same_way_on_both_paths() -> None:
    """Two identical rows on B compete for one row of A: the first position wins, both ways."""
    _, b = _pair(5, 16, balanced=True)
    twins = Submission("b", ("b-first", "b-second"), b.encodings[[7, 7]].copy(), b.blocks[[7, 7]])
    lone = Submission("a", ("a-lone",), b.encodings[[7]].copy(), b.blocks[[7]].copy())
    for kernel in (True, False):
        assert [(p.left_ref, p.right_ref) for p in link([lone, twins], kernel=kernel).pairs] == [
            ("a-lone", "b-first")
        ]


def test_kernel_and_numpy_link_febrl_alike() -> None:
    """The first 300 true FEBRL4 pairs, three members, at a low and the default threshold."""
    originals, duplicates = _febrl_file("dataset4a.csv"), _febrl_file("dataset4b.csv")
    chosen = sorted(originals)[:300]
    left: list[Person] = [originals[n] for n in chosen]
    right: list[Person] = [duplicates[n] for n in chosen]
    members = [submit("a", left), submit("b", right), submit("c", right[::2] + left[1::2])]
    for threshold in (0.6, THRESHOLD):
        fast = link(members, threshold, kernel=True)
        slow = link(members, threshold, kernel=False)
        assert fast == slow
        assert len(fast.pairs) >= len(left)


def test_without_numba_the_hub_counts_with_numpy() -> None:
    """In a child interpreter where ``import numba`` fails, link falls back and finds the pair."""
    script = textwrap.dedent(
        f"""
        import sys
        sys.modules["numba"] = None  # import numba raises ImportError in this process only
        from liaison.matching import dice
        from liaison.matching.bloom import Person, encode_people
        enc = encode_people([Person(**{ANNA.record()!r})], {SECRET!r})
        subs = [dice.Submission(m, (m,), enc.encodings, enc.blocks) for m in "ab"]
        pairs = dice.link(subs).pairs
        print(dice._compiled(), len(pairs), "liaison.matching.dice_kernel" in sys.modules)
        """
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter on our own script
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split() == ["False", "1", "False"]
