"""Exact-identifier PSI: RFC 9497 vectors, hit and no-hit round trips, what the wire carries,
domain separation, and the refusal of malformed elements and messages.

Replays and message signatures belong to the message layer and are tested there.
"""

from __future__ import annotations

import hashlib
import json
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.errors import InvalidInput, MessageRefused
from liaison.matching import psi
from liaison.matching.psi import (
    Blinded,
    BucketPlan,
    Domain,
    Index,
    Request,
    Response,
    ServerKey,
)

DOMAIN = Domain("agr-ph-ru-0001", "2026-11")
MASTER = bytes(range(32))
KEY = psi.derive_key(MASTER, DOMAIN)
OFFERED = [("passport", f"P{n:07d}") for n in range(0, 400, 2)] + [("phone", "+639171234567")]
BITS = 3
PLAN = BucketPlan.for_size(len(OFFERED), BITS)


def index_for(key: ServerKey = KEY, domain: Domain = DOMAIN) -> tuple[Index, dict[psi.Item, bytes]]:
    entries = psi.index_entries(key, domain, OFFERED)
    return Index.build(entries), {i: e.reference for i, e in zip(OFFERED, entries, strict=True)}


INDEX, REFS = index_for()


def ask(
    items: list[psi.Item],
    domain: Domain = DOMAIN,
    key: ServerKey = KEY,
    answer_domain: Domain = DOMAIN,
    bits: int = BITS,
) -> list[bytes | None]:
    """One full exchange, through the JSON forms both ways."""
    queries = psi.blind_many(domain, items)
    sent = psi.make_request(queries, bits).to_json()
    request = Request.from_json(json.loads(json.dumps(sent)))
    real = {b: INDEX.real(b, request.bits) for b in request.buckets}
    response = psi.respond(key, answer_domain, INDEX.size, request, real)
    received = Response.from_json(json.loads(json.dumps(response.to_json())))
    return psi.read_response(queries, received)


# --- RFC 9497, appendix A.1.1: OPRF(ristretto255, SHA-512), mode 0 -------------------------------

RFC_BLIND = bytes.fromhex("64d37aed22a27f5191de1c1d69fadb899d8862b58eb4220029e036ec4c1f6706")
RFC_VECTORS = [
    (
        "00",
        "609a0ae68c15a3cf6903766461307e5c8bb2f95e7e6550e1ffa2dc99e412803c",
        "7ec6578ae5120958eb2db1745758ff379e77cb64fe77b0b2d8cc917ea0869c7e",
        "527759c3d9366f277d8c6020418d96bb393ba2afb20ff90df23fb7708264e2f3"
        "ab9135e3bd69955851de4b1f9fe8a0973396719b7912ba9ee8aa7d0b5e24bcf6",
    ),
    (
        "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a",
        "da27ef466870f5f15296299850aa088629945a17d1f5b7f5ff043f76b3c06418",
        "b4cbf5a4f1eeda5a63ce7b77c7d23f461db3fcab0dd28e4e17cecb5c90d02c25",
        "f4a74c9c592497375e796aa837e907b1a045d34306a749db9f34221f7e750cb4"
        "f2a6413a6bf6fa5e19ba6348eb673934a722a7ede2e7621306d18951e7cf2c73",
    ),
]


def test_rfc9497_key_derivation() -> None:
    key = psi._derive_key_pair(bytes([0xA3]) * 32, b"test key")
    assert key.scalar.hex() == "5ebcea5ee37023ccb9fc2d2019f9d7737be85591ae8652ffa9ef0f4d37063b0e"


@pytest.mark.parametrize(("message", "blinded", "evaluated", "output"), RFC_VECTORS)
def test_rfc9497_vectors(message: str, blinded: str, evaluated: str, output: str) -> None:
    key = psi._derive_key_pair(bytes([0xA3]) * 32, b"test key")
    data = bytes.fromhex(message)
    element = psi._mul(RFC_BLIND, psi._hash_to_group(data))
    assert element.hex() == blinded
    assert psi.evaluate(key, element).hex() == evaluated
    query = Blinded(("rfc", "vector"), data, 0, element, RFC_BLIND)
    assert psi.finalize(query, bytes.fromhex(evaluated)).output.hex() == output


# --- round trips --------------------------------------------------------------------------------


def test_hit_returns_the_reference_and_no_hit_returns_none() -> None:
    items = [("passport", "P0000042"), ("passport", "P0000043"), ("phone", "+639171234567")]
    assert ask(items) == [REFS[items[0]], None, REFS[items[2]]]


def test_single_query_with_finalize() -> None:
    query = psi.blind(DOMAIN, ("passport", "P0000100"))
    request = psi.make_request([query], BITS)
    (bucket,) = request.buckets
    response = psi.respond(KEY, DOMAIN, INDEX.size, request, {bucket: INDEX.real(bucket, BITS)})
    assert len(response.tags) == PLAN.pad * psi.TAG_BYTES
    probe = psi.finalize(query, response.elements[0])
    assert probe.match(response.tag_set()) == REFS[("passport", "P0000100")]


def test_kind_is_part_of_the_input() -> None:
    assert ask([("id_number", "P0000042")]) == [None]


def test_batch_unblinding_equals_one_at_a_time() -> None:
    queries = psi.blind_many(DOMAIN, OFFERED[:7])
    evaluated = psi.evaluate_many(KEY, [q.element for q in queries])
    batch = psi.finalize_many(queries, evaluated)
    assert batch == [psi.finalize(q, e) for q, e in zip(queries, evaluated, strict=True)]


@settings(max_examples=15, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["passport", "phone"]), st.text(min_size=1, max_size=12)),
        min_size=1,
        max_size=12,
    )
)
def test_hits_are_exactly_the_intersection(items: list[psi.Item]) -> None:
    mixed = [*items, OFFERED[len(items)]]
    assert ask(mixed) == [REFS.get(item) for item in mixed]


@pytest.mark.parametrize("bits", [0, 1, psi.MAX_BUCKET_BITS])
def test_any_cut_gives_the_same_answers(bits: int) -> None:
    items = [("passport", "P0000042"), ("passport", "P0000043")]
    assert ask(items, bits=bits) == [REFS[items[0]], None]


def test_index_built_by_workers_equals_one_process() -> None:
    items = OFFERED[:60]
    # fork keeps the test fast; the default fork server is what bench/psi.py measures
    built = psi.build_index(KEY, DOMAIN, items, workers=2, chunk_size=16, start_method="fork")
    assert built == psi.index_entries(KEY, DOMAIN, items)


# --- what the wire carries ----------------------------------------------------------------------


def test_blinded_message_carries_neither_the_identifier_nor_its_hashes() -> None:
    item = ("passport", "P0000042")
    query = psi.blind(DOMAIN, item)
    wire = json.dumps(psi.make_request([query], BITS).to_json()).encode()
    sent = query.element + wire
    message = psi.oprf_input(DOMAIN, item)
    plain = [
        item[1].encode(),
        message,
        hashlib.sha256(item[1].encode()).digest(),
        hashlib.sha512(message).digest(),
        psi._hash_to_group(message),  # the unblinded point H(x)
    ]
    for secret in plain:
        assert secret not in sent
        assert secret[:8] not in sent
        assert psi.b64encode(secret)[:11].encode() not in wire


def test_two_blindings_of_one_value_differ() -> None:
    first, second = (psi.blind(DOMAIN, ("passport", "P0000042")) for _ in range(2))
    assert first.element != second.element
    assert first.bucket_key == second.bucket_key


def test_response_hides_the_real_bucket_size_and_the_references() -> None:
    buckets = [INDEX.real(b, BITS) for b in range(1 << BITS)]
    assert len({len(real) for real in buckets}) > 1
    padded = [psi.padded_bucket(KEY, DOMAIN, PLAN, b, real) for b, real in enumerate(buckets)]
    assert {len(tags) for tags in padded} == {PLAN.pad * psi.TAG_BYTES}
    assert padded[3] == psi.padded_bucket(KEY, DOMAIN, PLAN, 3, buckets[3])
    everything = b"".join(padded)
    assert all(ref[:6] not in everything for ref in REFS.values())


def test_bucket_bits_are_bounded_for_the_querying_node() -> None:
    query = psi.blind(DOMAIN, ("passport", "P0000042"))
    with pytest.raises(InvalidInput) as caught:
        psi.make_request([query], 17)
    assert caught.value.field == "bits"


# --- domains and keys ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "other", [Domain("agr-ph-ru-0002", "2026-11"), Domain("agr-ph-ru-0001", "2026-12")]
)
def test_another_agreement_or_period_gives_no_hit(other: Domain) -> None:
    item = ("passport", "P0000042")
    other_key = psi.derive_key(MASTER, other)
    assert other_key != KEY
    # A asks under the other domain; B answers with that domain's key from its old index
    assert ask([item], domain=other, key=other_key, answer_domain=other) == [None]
    # or B still uses the old key: the input binds the domain, so the tag differs all the same
    assert ask([item], domain=other) == [None]
    assert ask([item]) == [REFS[item]]


def test_key_is_derived_deterministically_and_kept_out_of_repr() -> None:
    assert psi.derive_key(MASTER, DOMAIN) == KEY
    assert KEY.scalar.hex() not in repr(KEY)
    assert psi.generate_key() != psi.generate_key()
    with pytest.raises(InvalidInput):
        psi.derive_key(b"short", DOMAIN)
    for bad in (bytes(32), b"\xff" * 32, bytes(31)):
        with pytest.raises(InvalidInput) as caught:
            ServerKey(bad)
        assert bad.hex() not in str(caught.value)


@pytest.mark.parametrize("item", [("", "P1"), ("passport", ""), ("passport", "9" * 1025)])
def test_empty_or_huge_identifiers_are_refused(item: psi.Item) -> None:
    with pytest.raises(InvalidInput):
        psi.blind(DOMAIN, item)


def test_bucket_plan() -> None:
    assert BucketPlan.for_size(1_000_000, 12) == BucketPlan(12, 400)
    assert BucketPlan.for_size(1_000_000, 0).pad == (1 << 20) + 8 * 1024 + 16
    assert BucketPlan.best_bits(1_000_000, 1) == psi.DEFAULT_MAX_BITS
    assert BucketPlan.best_bits(1_000_000, 1, max_bits=16) == 16
    assert BucketPlan.best_bits(1_000_000, 10_000) == 0
    assert BucketPlan.best_bits(1_000_000, 10) == psi.DEFAULT_MAX_BITS
    plan = BucketPlan(12, 0)
    for key in (0, 1 << 20, 0xDEADBEEF, 0xFFFFFFFF):
        low, high = plan.key_range(plan.bucket_of(key))
        assert low <= key < high
    with pytest.raises(InvalidInput):
        BucketPlan(17, 0)


# --- malformed elements and messages ------------------------------------------------------------

VALID = psi.blind(DOMAIN, ("passport", "P0000042")).element
# RFC 9496 appendix A.2 lists encodings that must be refused; some of each kind, then ours.
RFC9496_BAD = {
    "non-canonical field element": [
        "00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "f3ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "0100000000000000000000000000000000000000000000000000000000000080",
    ],
    "negative field element": [
        "0100000000000000000000000000000000000000000000000000000000000000",
        "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "ed57ffd8c914fb201471d1c3d245ce3c746fcbe63a3679d51b6a516ebebe0e20",
    ],
    "non-square x^2": [
        "26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371",
        "4eac077a713c57b4f4397629a4145982c661f48044dd3f96427d40b147d9742f",
    ],
    "negative xy": [
        "3eb858e78f5a7254d8c9731174a94f76755fd3941c0ac93735c07ba14579630e",
        "a45fdc55c76448c049a1ab33f17023edfb2be3581e9c7aade8a6125215e04220",
    ],
    "s = -1": ["ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"],
}
BAD_ELEMENTS = {
    f"{kind} {n}": bytes.fromhex(text)
    for kind, texts in RFC9496_BAD.items()
    for n, text in enumerate(texts)
} | {
    "identity": bytes(32),
    "short": VALID[:31],
    "long": VALID + b"\x00",
    "tampered (low bit flipped)": bytes([VALID[0] ^ 1]) + VALID[1:],
    "alias (top bit set)": VALID[:-1] + bytes([VALID[-1] | 0x80]),
}


@pytest.mark.parametrize("bad", BAD_ELEMENTS.values(), ids=BAD_ELEMENTS.keys())
def test_bad_elements_are_refused_by_both_sides(bad: bytes) -> None:
    with pytest.raises(MessageRefused) as caught:
        psi.evaluate(KEY, bad)
    assert caught.value.field == "element"
    query = psi.blind(DOMAIN, ("passport", "P0000042"))
    with pytest.raises(MessageRefused) as caught:
        psi.finalize_many([query], [bad])
    assert caught.value.field == "elements[0]"


def good_request() -> dict[str, object]:
    return psi.make_request([psi.blind(DOMAIN, ("passport", "P0000042"))], BITS).to_json()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"protocol": "liaison-psi-v0"}, "protocol"),
        ({"bits": 17}, "bits"),
        ({"bits": True}, "bits"),
        ({"buckets": [8]}, "buckets"),
        ({"buckets": [2, 1]}, "buckets"),
        ({"buckets": []}, "buckets"),
        ({"buckets": [1, 2]}, "buckets"),
        ({"elements": []}, "elements"),
        ({"elements": "AAAA"}, "elements"),
        ({"elements": [psi.b64encode(bytes(32))]}, "elements[0]"),
        ({"elements": [psi.b64encode(VALID) + "="]}, "elements[0]"),
        ({"elements": [psi.b64encode(VALID)[:-1] + "+"]}, "elements[0]"),
        ({"elements": [psi.b64encode(VALID[:-1] + bytes([VALID[-1] ^ 0x80]))]}, "elements[0]"),
    ],
)
def test_malformed_requests_are_refused(change: dict[str, object], field: str) -> None:
    with pytest.raises(MessageRefused) as caught:
        Request.from_json({**good_request(), **change})
    assert caught.value.field == field


def test_too_many_elements_are_refused() -> None:
    data = {**good_request(), "elements": [psi.b64encode(VALID)] * 3}
    with pytest.raises(MessageRefused):
        Request.from_json(data, max_elements=2)


def test_malformed_responses_are_refused() -> None:
    good = Response((psi.evaluate(KEY, VALID),), os.urandom(64)).to_json()
    assert Response.from_json(good).tags
    for change, field in [
        ({"tags": psi.b64encode(os.urandom(33))}, "tags"),
        ({"tags": "not base64!"}, "tags"),
        ({"elements": [psi.b64encode(b"\xff" * 32)]}, "elements[0]"),
    ]:
        with pytest.raises(MessageRefused) as caught:
            Response.from_json({**good, **change})
        assert caught.value.field == field
    query = psi.blind(DOMAIN, ("passport", "P0000042"))
    with pytest.raises(MessageRefused):  # two answers to one question
        psi.read_response([query], Response((VALID, VALID), b""))


def test_b64_round_trip_is_strict() -> None:
    for data in (b"", b"\x00", os.urandom(31), os.urandom(32)):
        assert psi.b64decode(psi.b64encode(data), "x") == data
    for text in ("A", "AB", "AAAAAB", "AAAAAAB", "AB=", "AB+/", "AB C", 7):
        with pytest.raises(MessageRefused):
            psi.b64decode(text, "x")


def test_all_names_exist() -> None:
    assert all(hasattr(psi, name) for name in psi.__all__)
