"""Hit/no-hit for exact identifiers between real nodes (in process, real HTTP
through ASGI): a passport the partner holds is a hit with a reference, one it
does not hold is not, nothing travels in clear, both sides audit, and the
index follows the policy and the partner's writes."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from liaison.errors import InvalidInput, MessageRefused
from tests.conftest import person
from tests.federation.conftest import ENVELOPE, Federation, agree

PASSPORT = "P1234567"  # fictitious


def ask(federation: Federation, asker: str, partner: str, *values: str) -> list[dict[str, Any]]:
    member = federation[asker]
    ids = [{"kind": "passport", "value": v} for v in values]
    return asyncio.run(federation.courier(asker).hit_query(member.team.analyst, partner, ids))


def holder(federation: Federation, name: str, passport: str, **envelope: Any) -> Any:
    member = federation[name]
    entity = person("Juan dela Cruz", passportNumber=[passport])
    return member.node.records.create(member.team.analyst, entity, {**ENVELOPE, **envelope})


def test_a_held_passport_is_a_hit_and_another_is_not(federation: Federation) -> None:
    agree("ph-ru", [federation["manila"], federation["moscow"]])
    holder(federation, "manila", PASSPORT)
    found = ask(federation, "moscow", "manila", PASSPORT, "K7654321")
    assert [r["hit"] for r in found] == [True, False]
    assert found[0]["reference"] and found[1]["reference"] is None
    (answered,) = federation["manila"].node.audit.entries(
        federation["manila"].team.auditor, action="hit.answer"
    )
    assert answered.detail["identifiers"] == 2 and "P1234567" not in str(answered.detail)
    (asked,) = federation["moscow"].node.audit.entries(
        federation["moscow"].team.auditor, action="hit.query"
    )
    assert asked.detail["hits"] == 1


def test_the_question_carries_no_identifier_in_clear(federation: Federation) -> None:
    agree("ph-ru", [federation["manila"], federation["moscow"]])
    moscow = federation["moscow"]
    prepared = moscow.node.hits.prepare(
        moscow.team.analyst, "manila", [{"kind": "passport", "value": PASSPORT}]
    )
    raw = moscow.node.federation.hit_question(prepared.partner.node_id, prepared.body)
    assert PASSPORT.encode() not in raw and b"1234567" not in raw


def test_the_index_follows_policy_and_writes(federation: Federation) -> None:
    agree("ph-ru", [federation["manila"], federation["moscow"]])
    holder(federation, "manila", "P7777777", markings={"tlp": "RED", "handling": ["H0"]})
    assert ask(federation, "moscow", "manila", "P7777777")[0]["hit"] is False  # TLP:RED
    later = holder(federation, "manila", "P8888888")  # written after the index was built
    assert ask(federation, "moscow", "manila", "P8888888")[0]["hit"] is True
    manila = federation["manila"]
    manila.node.records.delete(manila.team.analyst, later.record_id, "entered in error")
    assert ask(federation, "moscow", "manila", "P8888888")[0]["hit"] is False


def test_no_agreement_no_question(federation: Federation) -> None:
    with pytest.raises(InvalidInput) as refused:
        ask(federation, "moscow", "manila", PASSPORT)
    assert refused.value.field == "partner"


def test_bad_identifiers_are_named(federation: Federation) -> None:
    agree("ph-ru", [federation["manila"], federation["moscow"]])
    moscow = federation["moscow"]
    with pytest.raises(InvalidInput) as refused:
        moscow.node.hits.prepare(moscow.team.analyst, "manila", [{"kind": "dna", "value": "x"}])
    assert refused.value.field == "identifiers.0.kind"


def test_a_replayed_question_is_refused(federation: Federation) -> None:
    agree("ph-ru", [federation["manila"], federation["moscow"]])
    moscow, manila = federation["moscow"], federation["manila"]
    prepared = moscow.node.hits.prepare(
        moscow.team.analyst, "manila", [{"kind": "passport", "value": PASSPORT}]
    )
    raw = moscow.node.federation.hit_question(prepared.partner.node_id, prepared.body)
    manila.node.federation.receive(raw)
    with pytest.raises(MessageRefused):
        manila.node.federation.receive(raw)
