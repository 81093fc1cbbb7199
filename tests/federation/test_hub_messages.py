"""The bodies of hub-mode messages (``liaison.federation.hub``): what a member
packs is what the hub reads, and whatever else is refused with the field."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from liaison.errors import MessageRefused
from liaison.federation import hub as wire
from liaison.matching import bloom
from liaison.matching.dice import CandidatePair
from liaison.node.linkage import new_ref

SECRET = b"fictitious linkage secret for message tests"
MEMBERS = ("lsn-bbbbbbbbbbbbbbbbbbbb", "lsn-aaaaaaaaaaaaaaaaaaaa")
NONCE = "0" * 32
PEOPLE = [
    bloom.Person("mariya", "ivanova", "1985-03-02"),
    bloom.Person("ramon", "bautista", "1979-11-02"),
    bloom.Person("siti", "rahman", "1990-06-01"),
    bloom.Person("juan", "delacruz", ""),
    bloom.Person("", "volkov", "1970-01-15"),
]


def parts(size: int = wire.MAX_ROWS, people: list[bloom.Person] = PEOPLE) -> list[wire.Part]:
    refs = [new_ref() for _ in people]
    encoded = bloom.encode_people(people, SECRET)
    return wire.split("asean", "1" * 32, MEMBERS, refs, encoded, size)


def test_what_a_member_packs_the_hub_reads() -> None:
    (part,) = parts()
    read = wire.read_part(part.to_body())
    assert read.refs == part.refs and read.members == tuple(sorted(MEMBERS))
    assert np.array_equal(read.encodings, part.encodings)
    assert np.array_equal(read.blocks, part.blocks)
    assert (read.project, read.part, read.parts) == ("asean", 0, 1)


def test_a_large_set_is_cut_into_parts_and_an_empty_one_is_one_part() -> None:
    cut = parts(size=2)
    assert [len(p.refs) for p in cut] == [2, 2, 1] and {p.parts for p in cut} == {3}
    (empty,) = parts(people=[])
    assert wire.read_part(empty.to_body()).refs == ()


def _changed(**changes: Any) -> dict[str, Any]:
    body = parts()[0].to_body()
    body.update(changes)
    return body


def _unbalanced() -> str:
    plain = bloom.Encoder(bloom.CLKHASH_PERSON_SCHEMA, SECRET)
    raw = b"".join(plain.clk(p.record()) for p in PEOPLE)
    return wire._b64(raw)  # 1024-bit clkhash filters: the right size, not hardened


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"schema": "clkhash-v3"}, "schema"),
        ({"project": "Not A Name"}, "project"),
        ({"submission": "x"}, "submission"),
        ({"part": 1}, "part"),
        ({"parts": 0}, "parts"),
        ({"members": ["manila"]}, "members"),
        ({"refs": ["short"] * 5}, "refs"),
        ({"refs": [new_ref()] * 5}, "refs"),
        ({"encodings": "AAAA"}, "encodings"),
        ({"encodings": "not base64!"}, "encodings"),
        ({"blocks": ""}, "blocks"),
    ],
)
def test_a_malformed_part_is_refused_with_the_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(MessageRefused) as refused:
        wire.read_part(_changed(**changes))
    assert refused.value.field == field


def test_unhardened_encodings_are_refused() -> None:
    with pytest.raises(MessageRefused) as refused:
        wire.read_part(_changed(encodings=_unbalanced()))
    assert refused.value.field == "encodings" and "balanced" in refused.value.reason


def test_results_carry_pairs_without_scores_and_are_checked() -> None:
    mine, theirs = new_ref(), new_ref()
    pair = CandidatePair(MEMBERS[0], theirs, MEMBERS[1], mine).facing(MEMBERS[1])
    body = wire.results_body("asean", NONCE, 3, [pair])
    assert body["pairs"] == [{"ref": mine, "member": MEMBERS[0], "member_ref": theirs}]
    read = wire.read_results(body, "asean", NONCE, frozenset({MEMBERS[0]}))
    assert read == wire.Results(3, ((mine, MEMBERS[0], theirs),))
    with pytest.raises(MessageRefused) as stranger:
        wire.read_results(body, "asean", NONCE, frozenset({"lsn-cccccccccccccccccccc"}))
    assert stranger.value.field == "pairs.member"
    with pytest.raises(MessageRefused) as other_question:
        wire.read_results(body, "asean", "1" * 32, frozenset({MEMBERS[0]}))
    assert other_question.value.field == "request"
