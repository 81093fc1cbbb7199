"""Hub encodings: clkhash's bits, hardening, keys and bad input.

clkhash (a dev dependency) is the reference: the encoder must give its
bits, not bits that merely look alike. All persons are fictitious.
"""

from __future__ import annotations

import numpy as np
import pytest
from clkhash import clk
from clkhash.schema import from_json_dict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liaison.errors import InvalidInput
from liaison.matching.bloom import (
    BLOCK_KINDS,
    CLKHASH_PERSON_SCHEMA,
    PERSON_SCHEMA,
    Encoder,
    FieldSpec,
    FieldType,
    Hardening,
    Person,
    Schema,
    as_words,
    block_keys,
    blocking_key,
    encode_people,
    keyed_permutation,
)
from liaison.matching.dice import dice

SECRET = b"fictitious member secret 0000001"
OTHER = b"fictitious member secret 0000002"
PEOPLE = [
    Person("michaela", "neumann", "1915-11-11", "8", "stanley street", "miami", "winston hills",
           "4223", "nsw"),
    Person("li", "o"),
    Person("jörg", "müller-lüdenscheidt", "2001-02-03", "0012", postcode="0800", state="vic"),
    Person("", "", "1980-05-06"),
    Person("аня", "петрова", "1970-12-31", address_1="ул. ленина 5"),
]  # fmt: skip

# Ignored fields first and last (they still take keys), a bitsPerToken field,
# SHA-512 with salt and info: the parts of schema v3 the encoder claims.
MIXED = Schema(
    fields=(
        FieldSpec("rec_id", ignored=True),
        FieldSpec("given_name", q=3, bits_per_token=15),
        FieldSpec("surname", positional=True, bits_per_feature=150),
        FieldSpec("birth_date", FieldType.DATE, q=1, positional=True, bits_per_token=40),
        FieldSpec("postcode", FieldType.INTEGER, q=1, bits_per_feature=70),
        FieldSpec("soc_sec_id", ignored=True),
    ),
    length=256,
    kdf_hash="SHA512",
    kdf_salt=b"fictitious salt",
    kdf_info=b"fictitious info",
)


def clkhash_bits(schema: Schema, records: list[dict[str, str]], secret: bytes) -> list[bytes]:
    reference = from_json_dict(schema.to_clkhash())  # validates against clkhash's v3 schema
    rows = [[r.get(f.identifier, "") for f in schema.fields] for r in records]
    return [b.tobytes() for b in clk.generate_clks(rows, reference, secret, max_workers=1)]


@pytest.mark.parametrize("schema", [CLKHASH_PERSON_SCHEMA, PERSON_SCHEMA, MIXED])
def test_encoder_gives_clkhash_bits(schema: Schema) -> None:
    plain = Schema(schema.fields, schema.length, Hardening.NONE, schema.kdf_hash,
                   schema.kdf_salt, schema.kdf_info)  # fmt: skip
    names = {f.identifier for f in plain.fields if not f.ignored}
    records = [{k: v for k, v in p.record().items() if k in names} for p in PEOPLE]
    records = [r for r in records if any(r.values())]
    encoder = Encoder(plain, SECRET)
    assert [encoder.clk(r) for r in records] == clkhash_bits(plain, records, SECRET)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(min_size=1, max_size=12), min_size=2, max_size=2))
def test_any_text_gives_clkhash_bits(values: list[str]) -> None:
    schema = Schema((FieldSpec("a", bits_per_feature=60), FieldSpec("b", q=1, bits_per_token=9)),
                    length=128)  # fmt: skip
    record = {"a": values[0], "b": values[1]}
    assert [Encoder(schema, SECRET).clk(record)] == clkhash_bits(schema, [record], SECRET)


def test_schema_round_trips_through_clkhash_format() -> None:
    assert Schema.from_clkhash(MIXED.to_clkhash()) == MIXED
    hub = PERSON_SCHEMA
    assert Schema.from_clkhash(hub.to_clkhash(), Hardening.BALANCE) == hub


def test_balancing_changes_bits_keeps_weight_and_is_deterministic() -> None:
    record = PEOPLE[0].record()
    encoder = Encoder(PERSON_SCHEMA, SECRET)
    hardened = encoder.encode(record)
    assert len(hardened) * 8 == PERSON_SCHEMA.bits == 1024
    words = as_words([hardened], PERSON_SCHEMA.bits)
    assert int(np.bitwise_count(words).sum()) == PERSON_SCHEMA.length  # always half
    plain = encoder.clk(record)
    assert hardened[: len(plain)] != plain
    assert Encoder(PERSON_SCHEMA, SECRET).encode(record) == hardened
    other = Encoder(PERSON_SCHEMA, OTHER).encode(record)
    assert other != hardened


def test_balanced_dice_is_hamming_similarity_of_the_filters() -> None:
    encoder = Encoder(PERSON_SCHEMA, SECRET)
    a, b = PEOPLE[0].record(), {**PEOPLE[0].record(), "surname": "neuman"}
    hamming = bin(int.from_bytes(encoder.clk(a)) ^ int.from_bytes(encoder.clk(b))).count("1")
    ea, eb = encoder.encode_many([a, b])
    assert dice(ea, eb) == pytest.approx(1 - hamming / PERSON_SCHEMA.length)


def test_different_secrets_give_unrelated_encodings() -> None:
    records = [p.record() for p in PEOPLE]
    mine = Encoder(PERSON_SCHEMA, SECRET).encode_many(records)
    theirs = Encoder(PERSON_SCHEMA, OTHER).encode_many(records)
    for a, b in zip(mine, theirs, strict=True):
        assert dice(a, a) == 1.0
        assert 0.35 < dice(a, b) < 0.65  # what two random balanced filters score


def test_permutation_is_a_keyed_shuffle() -> None:
    p = keyed_permutation(b"k" * 32, 1024)
    assert sorted(p.tolist()) == list(range(1024))
    assert (p == keyed_permutation(b"k" * 32, 1024)).all()
    assert not (p == keyed_permutation(b"j" * 32, 1024)).all()


def test_block_keys_are_keyed_and_tolerant() -> None:
    key, other = blocking_key(SECRET), blocking_key(OTHER)
    person = PEOPLE[0]
    ids = block_keys(person, key)
    assert len(ids) == len(BLOCK_KINDS) and all(ids)
    assert not set(ids) & set(block_keys(person, other))
    swapped = Person("michaela", "neumann", "1915-11-11")
    respelt = Person("mikaela", "nueman", "1915-11-11")  # same consonant skeletons
    assert block_keys(swapped, key)[:4] == ids[:4] == block_keys(respelt, key)[:4]
    day_month = block_keys(Person("a", "b", "1990-03-04"), key)
    assert day_month[3] == block_keys(Person("c", "d", "1990-04-03"), key)[3]
    assert block_keys(Person(surname="o"), key) == (0,) * len(BLOCK_KINDS)


def test_encode_people_gives_arrays_for_the_hub() -> None:
    encoded = encode_people(PEOPLE, SECRET)
    assert encoded.encodings.shape == (len(PEOPLE), 16)
    assert encoded.encodings.dtype == np.uint64
    assert encoded.blocks.shape == (len(PEOPLE), len(BLOCK_KINDS))


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"given_name": "", "surname": ""}, "record"),
        ({"nickname": "bob"}, "record"),
        ({"given_name": 7}, "given_name"),
        ({"postcode": "28a"}, "postcode"),
        ({"birth_date": "1990-02-30"}, "birth_date"),
        ({"birth_date": "12.03.1990"}, "birth_date"),
    ],
)
def test_bad_records_raise_invalid_input(record: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        Encoder(PERSON_SCHEMA, SECRET).encode(record)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert caught.value.reason


def test_bad_schema_and_secret_raise_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="exactly one"):
        FieldSpec("x", bits_per_feature=10, bits_per_token=2)
    with pytest.raises(InvalidInput, match="power of two"):
        Schema((FieldSpec("x", bits_per_token=2),), length=1000)
    with pytest.raises(InvalidInput, match="random bytes") as caught:
        Encoder(PERSON_SCHEMA, b"short")
    assert "short" not in str(caught.value)  # the secret is never echoed
    doc = MIXED.to_clkhash()
    doc["features"][1]["hashing"]["hash"] = {"type": "doubleHash"}
    with pytest.raises(InvalidInput, match="blakeHash"):
        Schema.from_clkhash(doc)


def test_wrong_length_encodings_are_refused() -> None:
    good = Encoder(PERSON_SCHEMA, SECRET).encode(PEOPLE[0].record())
    with pytest.raises(InvalidInput) as caught:
        as_words([good, good[:64]], PERSON_SCHEMA.bits)
    assert caught.value.field == "encodings[1]"
