"""Agreement documents: parsing, canonical form, signatures, amendments, life cycle, views."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any

import pytest

from liaison.errors import Conflict, InvalidInput, InvalidSignature
from liaison.model.identity import NodeKey
from liaison.model.ids import canonical_json
from liaison.model.markings import TLP, Classification
from liaison.policy.agreements import (
    SIGNING_DOMAIN,
    Agreement,
    AgreementState,
    OnwardRule,
    add_signature,
    check_amendment,
    check_signature,
    diff,
    parse_document,
    summary,
    transition,
)
from tests.policy.conftest import (
    JAKARTA,
    KUALA_LUMPUR,
    MANILA,
    MOSCOW,
    agreement,
    document,
    party,
    signed,
    terms,
)

ACTIVE, DRAFT = AgreementState.ACTIVE, AgreementState.DRAFT
SUSPENDED, TERMINATED = AgreementState.SUSPENDED, AgreementState.TERMINATED
SUPERSEDED = AgreementState.SUPERSEDED
OUTSIDER = NodeKey.generate()


def sign(key: NodeKey, doc: Any) -> str:
    return key.sign(doc.signing_payload())


# --- parsing ----------------------------------------------------------------

WRONG_ID = {**party(MOSCOW), "node_id": KUALA_LUMPUR.node_id}


@pytest.mark.parametrize(
    ("changes", "field", "value"),
    [
        pytest.param({"colour": "red"}, "colour", "colour", id="unknown-field"),
        pytest.param({"scope": {"region": ["asia"]}}, "scope.region", "region", id="unknown-scope"),
        pytest.param(
            {"parties": [party(MANILA), WRONG_ID]},
            "parties[1].node_id",
            KUALA_LUMPUR.node_id,
            id="node-id-not-its-key",
        ),
        pytest.param(
            {"parties": [party(MANILA), {**party(MOSCOW), "public_key": "c2hvcnQ"}]},
            "parties[1].public_key",
            "c2hvcnQ",
            id="not-an-ed25519-key",
        ),
        pytest.param({"parties": [party(MANILA)]}, "parties", None, id="one-party"),
        pytest.param({"tlp": ["GREEN", "PURPLE"]}, "tlp", "PURPLE", id="bad-tlp"),
        pytest.param({"tlp": []}, "tlp", "[]", id="no-tlp"),
        pytest.param({"retention": {"nominal": "5x"}}, "retention.nominal", "5x", id="bad-5x"),
        pytest.param({"retention": {"nominal": "0m"}}, "retention.nominal", "0m", id="zero"),
        pytest.param({"retention": {"celebrity": "1y"}}, "retention.celebrity", "celebrity"),
        pytest.param({"retention": None}, "retention", "None", id="no-retention"),
        pytest.param(
            {"effective_from": "2026-01-01", "effective_until": "2025-12-31"},
            "effective_until",
            "2025-12-31",
            id="until-before-from",
        ),
        pytest.param({"effective_from": "1 Jan 2026"}, "effective_from", "1 Jan 2026"),
        pytest.param({"scope": {"schemata": ["Spaceship"]}}, "scope.schemata", "Spaceship"),
        pytest.param({"scope": {"crime_areas": ["jaywalking"]}}, "scope.crime_areas", None),
        pytest.param({"scope": {"subject_categories": ["fan"]}}, "scope.subject_categories", None),
        pytest.param({"purposes": ["gossip"]}, "purposes", "gossip"),
        pytest.param({"max_classification": "ULTRA"}, "max_classification", "ULTRA"),
        pytest.param({"handling": ["H9"]}, "handling", "H9"),
        pytest.param({"onward": "sometimes"}, "onward", "sometimes"),
        pytest.param({"on_end": "shred"}, "on_end", "shred"),
        pytest.param({"hit_only": ["Spaceship"]}, "hit_only", "Spaceship"),
        pytest.param({"exclusions": ["planet:mars"]}, "exclusions", "planet:mars"),
        pytest.param({"exclusions": ["crime_area:gossip"]}, "exclusions", "gossip"),
        pytest.param({"previous_hash": "abc"}, "previous_hash", "abc"),
        pytest.param({"version": 0}, "version", "0"),
        pytest.param({"version": True}, "version", "True", id="version-bool"),
        pytest.param({"agreement_id": "X"}, "agreement_id", "X"),
        pytest.param({"title": ""}, "title", "", id="no-title"),
        pytest.param({"title": "ab"}, "title", "ab", id="short-title"),
    ],
)
def test_bad_document_names_field_and_value(
    changes: dict[str, Any], field: str, value: str | None
) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_document(terms(**changes))
    assert caught.value.field == field
    if value is not None:
        assert caught.value.value == value
    assert caught.value.reason


def test_duplicate_party_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_document(terms(parties=[party(MANILA), party(MOSCOW), party(MANILA)]))
    assert caught.value.field == "parties"
    assert MANILA.node_id in caught.value.value
    assert "twice" in caught.value.reason


def test_not_an_object_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_document(["agreement"])
    assert caught.value.field == "agreement"


def test_defaults_and_spellings() -> None:
    data = terms(tlp=["tlp:amber+strict", " green"], handling=["h2"])
    del data["onward"]
    doc = parse_document(data)
    assert doc.onward is OnwardRule.FORBIDDEN
    assert doc.tlp == frozenset({TLP.AMBER_STRICT, TLP.GREEN})
    assert doc.max_classification is Classification.SECRET
    assert doc.retention_months == {"default": 120, "nominal": 60}
    assert doc.effective_until is None
    assert doc.previous_hash is None


# --- canonical form and hash ------------------------------------------------


def test_canonical_form_ignores_order_and_round_trips() -> None:
    doc = document()
    shuffled = terms(
        parties=[party(MOSCOW), party(MANILA)],
        tlp=["RED", "AMBER+STRICT", "AMBER", "GREEN", "CLEAR"],
        handling=["H3", "H2", "H1", "H0"],
        purposes=["investigation", "alert", "operational_analysis", "cross_check"],
        retention={"nominal": "60m", "default": "10y"},
        scope={"schemata": ["Vessel", "Passport", "Organization", "Person"]},
    )
    reordered = parse_document(dict(reversed(list(shuffled.items()))))
    assert reordered.canonical == doc.canonical
    assert reordered.hash == doc.hash
    assert parse_document(doc.to_dict()) == doc
    assert doc.hash == hashlib.sha256(canonical_json(doc.to_dict())).hexdigest()
    assert doc.signing_payload() == SIGNING_DOMAIN + doc.canonical


def test_canonical_hash_is_pinned() -> None:
    """Parties sign these bytes: a change to the canonical form breaks every stored signature."""
    assert document().hash == "932870224bbd7a769ba0862d28768e58253924a14ab35dc59956fa12c51b1e31"


@pytest.mark.parametrize(
    "change",
    [
        {"title": "Manila–Moscow exchange, amended"},
        {"max_classification": "TOP_SECRET"},
        {"tlp": ["CLEAR"]},
        {"onward": "forbidden"},
        {"retention": {"default": "10y", "nominal": "6y"}},
        {"effective_until": "2030-01-01"},
        {"exclusions": ["topic:role.spy"]},
    ],
    ids=lambda change: next(iter(change)),
)
def test_every_field_is_in_the_hash(change: dict[str, Any]) -> None:
    assert document(**change).hash != document().hash


# --- signatures ---------------------------------------------------------------


@pytest.mark.parametrize("key", [MANILA, MOSCOW], ids=["manila", "moscow"])
def test_each_party_signs(key: NodeKey) -> None:
    doc = document()
    check_signature(doc, key.node_id, sign(key, doc))
    added = add_signature(Agreement(doc), key.node_id, sign(key, doc))
    assert set(added.signatures) == {key.node_id}
    assert [p.node_id for p in added.unsigned] == sorted(
        {MANILA.node_id, MOSCOW.node_id} - {key.node_id}
    )


@pytest.mark.parametrize(
    "change",
    [
        {"title": "Manila–Moscow exchange on everything"},
        {"max_classification": Classification.TOP_SECRET},
        {"tlp": frozenset({TLP.CLEAR})},
        {"onward": OnwardRule.WITH_CONSENT},
        {"retention_months": {"default": 120, "nominal": 600}},
        {"hit_only": frozenset()},
        {"version": 2},
    ],
    ids=lambda change: next(iter(change)),
)
def test_tampered_text_fails(change: dict[str, Any]) -> None:
    doc = document(hit_only=["informant"])
    signature = sign(MOSCOW, doc)
    check_signature(doc, MOSCOW.node_id, signature)
    tampered = replace(doc, **change)
    with pytest.raises(InvalidSignature) as caught:
        check_signature(tampered, MOSCOW.node_id, signature)
    assert caught.value.field == "signature"
    assert MOSCOW.node_id in caught.value.reason


def test_tampered_json_fails() -> None:
    doc = document()
    signature = sign(MANILA, doc)
    tampered = parse_document({**doc.to_dict(), "max_classification": "TOP_SECRET"})
    with pytest.raises(InvalidSignature):
        check_signature(tampered, MANILA.node_id, signature)


@pytest.mark.parametrize(
    ("signer", "claimed"),
    [
        pytest.param(OUTSIDER, MOSCOW, id="non-party-key-as-moscow"),
        pytest.param(MANILA, MOSCOW, id="manila-key-as-moscow"),
        pytest.param(MOSCOW, MANILA, id="moscow-key-as-manila"),
        pytest.param(JAKARTA, MANILA, id="another-node-as-manila"),
    ],
)
def test_wrong_key_fails(signer: NodeKey, claimed: NodeKey) -> None:
    doc = document()
    with pytest.raises(InvalidSignature):
        check_signature(doc, claimed.node_id, sign(signer, doc))
    with pytest.raises(InvalidSignature):
        add_signature(Agreement(doc), claimed.node_id, sign(signer, doc))


def test_signature_without_domain_prefix_fails() -> None:
    doc = document()
    with pytest.raises(InvalidSignature):
        check_signature(doc, MANILA.node_id, MANILA.sign(doc.canonical))


@pytest.mark.parametrize("garbage", ["", "not base64 at all!", "AAAA", "x" * 86])
def test_garbage_signature_fails(garbage: str) -> None:
    with pytest.raises(InvalidSignature):
        check_signature(document(), MANILA.node_id, garbage)


def test_non_party_cannot_sign() -> None:
    doc = document()
    with pytest.raises(InvalidInput) as caught:
        add_signature(Agreement(doc), OUTSIDER.node_id, sign(OUTSIDER, doc))
    assert caught.value.field == "node_id"
    assert caught.value.value == OUTSIDER.node_id


def test_signing_twice_is_a_conflict() -> None:
    doc = document()
    once = add_signature(Agreement(doc), MANILA.node_id, sign(MANILA, doc))
    with pytest.raises(Conflict, match="already signed"):
        add_signature(once, MANILA.node_id, sign(MANILA, doc))


def test_only_drafts_are_signed() -> None:
    active = agreement()
    with pytest.raises(Conflict, match="only drafts"):
        add_signature(active, MANILA.node_id, sign(MANILA, active.document))


# --- amendments and replay --------------------------------------------------


def amendment(previous: Any, **changes: Any) -> Any:
    data = {**previous.to_dict(), "version": previous.version + 1, "previous_hash": previous.hash}
    data.update(changes)
    return parse_document(data)


def test_amendment_chains_to_the_previous_version() -> None:
    v1 = document()
    v2 = amendment(v1, tlp=["GREEN", "CLEAR"])
    check_amendment(v1, v2, AgreementState.ACTIVE)
    check_amendment(v2, amendment(v2, onward="forbidden"), AgreementState.ACTIVE)


def test_signature_over_version_1_is_no_signature_of_version_2() -> None:
    v1 = document()
    v2 = amendment(v1)
    old = sign(MOSCOW, v1)
    with pytest.raises(InvalidSignature) as caught:
        check_signature(v2, MOSCOW.node_id, old)
    assert "version 2" in caught.value.reason
    with pytest.raises(InvalidSignature):
        add_signature(Agreement(v2), MOSCOW.node_id, old)


def test_replayed_version_with_wrong_number_is_a_conflict() -> None:
    v1 = document()
    v2 = amendment(v1)
    for version in (1, 3):  # the old version again, or a skipped one
        with pytest.raises(Conflict, match="must be version 2"):
            check_amendment(v1, amendment(v1, version=version), AgreementState.ACTIVE)
    with pytest.raises(Conflict):
        check_amendment(v2, v1, AgreementState.ACTIVE)  # version 1 replayed as the next version


@pytest.mark.parametrize(
    "previous_hash",
    [None, "0" * 64, hashlib.sha256(b"version 0").hexdigest()],
    ids=["missing", "zeros", "other-hash"],
)
def test_amendment_with_wrong_previous_hash_is_refused(previous_hash: str | None) -> None:
    v1 = document()
    with pytest.raises(InvalidInput) as caught:
        check_amendment(v1, amendment(v1, previous_hash=previous_hash), AgreementState.ACTIVE)
    assert caught.value.field == "previous_hash"
    assert v1.hash in caught.value.reason


def test_amendment_of_another_agreement_is_refused() -> None:
    v1 = document()
    with pytest.raises(InvalidInput) as caught:
        check_amendment(v1, amendment(v1, agreement_id="ph-my-2026"), AgreementState.ACTIVE)
    assert caught.value.field == "agreement_id"


def test_amendment_hash_chains_a_later_change_of_version_1() -> None:
    v1 = document()
    v2 = amendment(v1)
    rewritten_v1 = document(title="Manila–Moscow exchange, rewritten")
    with pytest.raises(InvalidInput):
        check_amendment(rewritten_v1, v2, AgreementState.ACTIVE)


# --- life cycle -----------------------------------------------------------------


def test_activation_needs_every_signature_and_names_who_is_missing() -> None:
    doc = document(KUALA_LUMPUR, MANILA, MOSCOW)
    draft = add_signature(Agreement(doc), MANILA.node_id, sign(MANILA, doc))
    with pytest.raises(Conflict) as caught:
        transition(draft, ACTIVE)
    message = str(caught.value)
    assert MOSCOW.node_id in message and "Moscow node" in message
    assert KUALA_LUMPUR.node_id in message and "Kuala Lumpur node" in message
    assert MANILA.node_id not in message


def test_full_life_cycle() -> None:
    current = signed(document())
    for target in (ACTIVE, SUSPENDED, ACTIVE, SUSPENDED, TERMINATED):
        current = transition(current, target)
        assert current.state is target
    assert set(current.signatures) == {MANILA.node_id, MOSCOW.node_id}


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (TERMINATED, ACTIVE),
        (TERMINATED, SUSPENDED),
        (TERMINATED, DRAFT),
        (SUPERSEDED, ACTIVE),
        (SUPERSEDED, SUSPENDED),
        (SUPERSEDED, TERMINATED),
        (DRAFT, SUSPENDED),
        (DRAFT, TERMINATED),
        (ACTIVE, DRAFT),
        (ACTIVE, ACTIVE),
        (SUSPENDED, SUSPENDED),
    ],
    ids=lambda state: state.value,
)
def test_refused_moves(start: AgreementState, target: AgreementState) -> None:
    current = agreement(state=start)
    with pytest.raises(Conflict) as caught:
        transition(current, target)
    assert f"is {start.value}; it cannot become {target.value}" in str(caught.value)


def test_activation_rechecks_signatures() -> None:
    doc = document()
    forged = Agreement(doc, DRAFT, {MANILA.node_id: sign(MANILA, doc), MOSCOW.node_id: "forged"})
    with pytest.raises(InvalidSignature):
        transition(forged, ACTIVE)


def test_signatures_do_not_carry_over_to_a_tampered_document() -> None:
    good = signed(document())
    moved = Agreement(
        replace(good.document, onward=OnwardRule.WITH_CONSENT), DRAFT, good.signatures
    )
    with pytest.raises(InvalidSignature):
        transition(moved, ACTIVE)


# --- views ----------------------------------------------------------------------


def test_summary_has_the_key_lines() -> None:
    doc = document(
        KUALA_LUMPUR,
        MANILA,
        MOSCOW,
        tlp=["GREEN", "AMBER"],
        handling=[],
        hit_only=["informant"],
        exclusions=["topic:role.spy"],
        effective_until="2028-12-31",
    )
    partly = add_signature(Agreement(doc), MOSCOW.node_id, sign(MOSCOW, doc))
    lines = summary(partly)
    assert lines[0] == (
        "Manila–Moscow exchange on terrorism and trafficking — ph-ru-2026 version 1 (draft)"
    )
    assert f"signed by: {MOSCOW.node_id}" in lines
    assert "in effect: 2026-01-01 to 2028-12-31" in lines
    assert "TLP that may flow: GREEN, AMBER" in lines
    assert "handling codes that may flow: none" in lines
    assert "onward sharing: within parties" in lines
    assert "retention: default 10y, nominal 5y" in lines
    assert "hit/no-hit only: informant" in lines
    assert "exclusions: topic:role.spy" in lines
    assert "highest classification: SECRET" in lines
    assert f"document hash: {doc.hash}" in lines
    parties = next(line for line in lines if line.startswith("parties: "))
    for name in ("Manila node", "Moscow node", "Kuala Lumpur node"):
        assert name in parties
    assert "signed by: nobody yet" in summary(Agreement(doc))
    assert "in effect: 2026-01-01 to open-ended" in summary(agreement())


def test_diff_lists_exactly_the_changed_fields() -> None:
    v1 = document()
    v2 = amendment(
        v1,
        tlp=["CLEAR", "GREEN"],
        retention={"default": "10y", "nominal": "3y", "victim": "18m"},
        scope={**v1.to_dict()["scope"], "crime_areas": ["terrorism"]},
    )
    lines = diff(v1, v2)
    changed = [line.split(":", 1)[0] for line in lines]
    assert changed == [
        "previous_hash",
        "retention.nominal",
        "retention.victim",
        "scope.crime_areas",
        "tlp",
        "version",
    ]
    assert "retention.nominal: 5y → 3y" in lines
    assert "retention.victim: — → 18m" in lines
    assert "tlp: [CLEAR, GREEN, AMBER, AMBER+STRICT, RED] → [CLEAR, GREEN]" in lines
    assert "version: 1 → 2" in lines
    assert diff(v1, document()) == []
