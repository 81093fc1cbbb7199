"""Hit/no-hit between real nodes (in process, real HTTP through ASGI): a
passport the partner holds is a hit with a reference, one it does not hold is
not; a person the partner holds, asked about in another script, is a
candidate hit whose reference leads to the partner's record; nothing travels
in clear, both sides audit, and the index follows the policy and the
partner's writes."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from liaison.errors import InvalidInput, MessageRefused
from liaison.matching import psi
from liaison.matching.person_keys import MAX_KEYS
from liaison.node.hits import domain_name, period_of
from liaison.storage import psi as psi_store
from tests.conftest import person
from tests.federation.conftest import ENVELOPE, Federation, agree

PASSPORT = "P1234567"  # fictitious
# One fictitious person, held in Latin letters, asked about in Cyrillic and Arabic.
HELD = person("Khalid Haddad", birthDate=["1980-05-01"])


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


def ask_persons(
    federation: Federation, asker: str, partner: str, *persons: dict[str, Any]
) -> list[dict[str, Any]]:
    member = federation[asker]
    courier = federation.courier(asker)
    return asyncio.run(courier.hit_query(member.team.analyst, partner, [], persons=list(persons)))


def test_a_person_in_another_script_is_a_candidate_hit(federation: Federation) -> None:
    agree("ph-ru", [federation["manila"], federation["moscow"]])
    manila = federation["manila"]
    held = manila.node.records.create(manila.team.analyst, HELD, ENVELOPE)
    found = ask_persons(
        federation,
        "moscow",
        "manila",
        {"names": ["Халид Хаддад"], "birth_date": "1980-01-05"},  # day and month swapped
        {"names": ["خالد حداد"], "birth_date": "1980-05-01"},
        {"names": ["Omar Nasser"], "birth_date": "1980-05-01"},  # not held
    )
    assert [r["candidate"] for r in found] == [True, True, False]
    assert found[0]["match"] == "name and birth date" and found[0]["keys_hit"] >= 3
    assert found[2]["references"] == [] and found[2]["match"] is None
    # every reference leads, on the answering node, to the record held
    domain = domain_name("ph-ru", federation["moscow"].node_id)
    period = period_of(manila.node.ctx.now())
    with manila.node.ctx.read() as conn:
        for ref in found[0]["references"] + found[1]["references"]:
            records = psi_store.records_for(conn, domain, period, psi.b64decode(ref, "ref"))
            assert records == [held.record_id]
    (asked,) = federation["moscow"].node.audit.entries(
        federation["moscow"].team.auditor, action="hit.query"
    )
    assert asked.detail["persons"] == 3 and asked.detail["hits"] == 2


def test_a_person_not_offered_is_no_hit(federation: Federation) -> None:
    agree("ph-ru", [federation["manila"], federation["moscow"]])
    manila = federation["manila"]
    red = {**ENVELOPE, "markings": {"tlp": "RED", "handling": ["H0"]}}
    manila.node.records.create(manila.team.analyst, HELD, red)
    asked = {"names": ["Khalid Haddad"], "birth_date": "1980-05-01"}
    assert ask_persons(federation, "moscow", "manila", asked)[0]["hit"] is False
    # the same person, not TLP:RED, is offered: the question itself works
    amber = {**HELD, "properties": {**HELD["properties"], "nationality": ["sy"]}}
    manila.node.records.create(manila.team.analyst, amber, ENVELOPE)
    assert ask_persons(federation, "moscow", "manila", asked)[0]["hit"] is True


def test_a_name_without_its_date_is_a_weak_candidate_by_default(federation: Federation) -> None:
    """By default the index holds name-only keys: a question with no date, or with a
    mistyped one, still finds the person, and says the match is on the name only."""
    agree("ph-ru", [federation["manila"], federation["moscow"]])
    manila = federation["manila"]
    manila.node.records.create(manila.team.analyst, HELD, ENVELOPE)
    found = ask_persons(
        federation,
        "moscow",
        "manila",
        {"names": ["Khalid Haddad"]},
        {"names": ["Халид Хаддад"], "birth_date": "1962-11-23"},
        {"names": ["Omar Nasser"]},
    )
    assert [r["candidate"] for r in found] == [True, True, False]
    assert found[0]["match"] == found[1]["match"] == "name only"
    assert found[0]["birth_date"] is None and found[0]["value"].endswith("no birth date")


def test_a_node_can_require_a_birth_date(federation: Federation) -> None:
    """With ``LIAISON_HIT_NAME_ONLY=false`` a person recorded with a full birth date is
    found only with (part of) that date."""
    agree("ph-ru", [federation["manila"], federation["moscow"]])
    manila = federation["manila"]
    manila.node.ctx.settings.hit_name_only = False  # before the period's index is built
    manila.node.records.create(manila.team.analyst, HELD, ENVELOPE)
    found = ask_persons(
        federation,
        "moscow",
        "manila",
        {"names": ["Khalid Haddad"]},
        {"names": ["Khalid Haddad"], "birth_date": "1962-11-23"},
        {"names": ["Khalid Haddad"], "birth_date": "1980-05-02"},  # one date part mistyped
    )
    assert [r["candidate"] for r in found] == [False, False, True]
    assert found[2]["match"] == "name and birth date"


def test_a_person_question_carries_no_name_or_date(federation: Federation) -> None:
    agree("ph-ru", [federation["manila"], federation["moscow"]])
    moscow = federation["moscow"]
    asked = [
        {"names": ["Khalid Haddad", "Халид Хаддад"], "birth_date": "1980-05-01"},
        {"names": ["Ivan Petrovich Sokolov"], "birth_date": "1975-03"},
    ]
    prepared = moscow.node.hits.prepare(moscow.team.analyst, "manila", [], persons=asked)
    raw = moscow.node.federation.hit_question(prepared.partner.node_id, prepared.body)
    lowered = raw.lower()  # (strings of six or more characters: base64 holds any short one)
    for secret in ("khalid", "haddad", "sokolov", "petrovich", "1980-05-01", "1975-03"):
        assert secret.encode() not in lowered, secret
    assert "Халид".encode() not in raw and "Хаддад".encode() not in raw
    for key in [k for p in prepared.persons for k in p.keys]:
        assert key.value.encode() not in raw and key.value.split(":", 2)[2].encode() not in raw
    # every person is the same number of blinded elements, and no bucket is chosen
    request = prepared.body["request"]
    assert len(request["elements"]) == 2 * MAX_KEYS
    assert request["bits"] == 0 and request["buckets"] == [0]
    # the answering node learns how many elements it evaluated, nothing else
    federation["manila"].node.federation.receive(raw)
    (answered,) = federation["manila"].node.audit.entries(
        federation["manila"].team.auditor, action="hit.answer"
    )
    assert answered.detail["identifiers"] == 2 * MAX_KEYS
    assert "haddad" not in str(answered.detail).lower()


def test_bad_persons_are_named(federation: Federation) -> None:
    agree("ph-ru", [federation["manila"], federation["moscow"]])
    moscow = federation["moscow"]
    for persons, field in (
        ([{"names": ["Khalid Haddad"], "birth_date": "1980-13-01"}], "persons.0.birth_date"),
        ([{"names": ["Khalid Haddad"], "birth_date": 1980}], "persons.0.birth_date"),
        ([{"names": ["Khalid Haddad"], "birth_date": "01/05/1980"}], "persons.0.birth_date"),
        ([{"names": ["Haddad"]}], "persons.0.names"),  # one part and no date: nothing to match
        ([{"names": ["Haddad"], "birth_date": "1980"}], "persons.0.names"),
        ([{"names": "Khalid Haddad", "birth_date": "1980"}], "persons.0.names"),
        (["Khalid Haddad"], "persons.0"),
        ([{"names": ["Khalid Haddad"], "birth_date": "1980"}] * 32, "persons"),
    ):
        with pytest.raises(InvalidInput) as refused:
            moscow.node.hits.prepare(moscow.team.analyst, "manila", [], persons=persons)
        assert refused.value.field == field
    with pytest.raises(InvalidInput) as refused:
        moscow.node.hits.prepare(moscow.team.analyst, "manila", [])
    assert refused.value.field == "identifiers"


def test_a_record_is_found_under_whichever_agreement_covers_it(federation: Federation) -> None:
    """Two agreements with the partner: the question goes under each, since the
    asker cannot know which one offers the record (here the one sorted last)."""
    manila, moscow = federation["manila"], federation["moscow"]
    scope = {
        "schemata": ["Person"],
        "crime_areas": ["terrorism"],
        "subject_categories": ["suspect"],
    }
    agree("aa-narrow", [manila, moscow], scope=scope)
    agree("zz-wide", [manila, moscow])
    holder(federation, "manila", PASSPORT)  # human trafficking: only zz-wide covers it
    (found,) = ask(federation, "moscow", "manila", PASSPORT)
    assert found["hit"] is True and found["agreement"] == "zz-wide"
    asked = moscow.node.audit.entries(moscow.team.auditor, action="hit.query")
    assert sorted(e.detail["agreement"] for e in asked) == ["aa-narrow", "zz-wide"]
