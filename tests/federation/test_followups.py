"""Follow-up requests end to end over real nodes (in process, real HTTP through
ASGI): a hit/no-hit query finds a passport at the partner; the asker files a
follow-up; the partner's liaison officer approves (the record arrives with its
markings), approves chosen fields (only those arrive), denies (nothing
arrives) or asks for more (the asker replies); every step is on both sides'
records and audit logs, with the deadline of whoever acts next."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest

from liaison.errors import Forbidden, InvalidInput, NotFound
from liaison.storage import federation as fed_store
from tests.conftest import person
from tests.federation.conftest import ENVELOPE, Federation, agree

PASSPORT = "P5550123"  # fictitious
VICTIM = {**ENVELOPE, "subject_category": "victim"}  # the agreement gives victims as hit-only
WHY = "Subject crossed at Ninoy Aquino airport with this passport; trafficking case 2026-114"


def level(federation: Federation, name: str, record_id: str) -> str | None:
    with federation[name].node.ctx.engine.connect() as conn:
        row = fed_store.copy_row(conn, record_id)
    return None if row is None else str(row.level)


@pytest.fixture
def hit(federation: Federation) -> dict[str, Any]:
    """Manila holds a victim's passport (hit-only for Moscow); Moscow's query hits."""
    agree("ph-ru", [federation["manila"], federation["moscow"]])
    manila = federation["manila"]
    entity = person(
        "Maria Clara Bautista",
        passportNumber=[PASSPORT],
        birthDate=["1991-04-12"],
        nationality=["ph"],
    )
    record = manila.node.records.create(manila.team.analyst, entity, VICTIM)
    federation.settle()
    assert level(federation, "moscow", record.record_id) == "reference"
    moscow = federation["moscow"]
    ids = [{"kind": "passport", "value": PASSPORT}]
    (found,) = asyncio.run(
        federation.courier("moscow").hit_query(moscow.team.analyst, "manila", ids)
    )
    assert found["hit"] is True
    return {"record": record, "reference": found["reference"]}


def file(federation: Federation, reference: str) -> dict[str, Any]:
    moscow = federation["moscow"]
    filed = moscow.node.followups.file(moscow.team.analyst, "manila", reference, WHY)
    federation.settle()
    return filed


def inbox(federation: Federation) -> list[dict[str, Any]]:
    manila = federation["manila"]
    return list(manila.node.followups.page(manila.team.officer, "in")["items"])


def ours(federation: Federation, followup_id: int) -> dict[str, Any]:
    moscow = federation["moscow"]
    return moscow.node.followups.show(moscow.team.analyst, followup_id)


def actions(federation: Federation, name: str) -> list[str]:
    member = federation[name]
    return [e.action for e in member.node.audit.entries(member.team.auditor)]


def test_approval_brings_the_record_with_its_markings(
    federation: Federation, hit: dict[str, Any]
) -> None:
    filed = file(federation, hit["reference"])
    assert filed["state"] == "pending" and filed["waiting_for"] == "partner"
    filed_at = dt.datetime.fromisoformat(filed["filed"])
    assert dt.datetime.fromisoformat(filed["due"]) - filed_at == dt.timedelta(hours=48)
    (request,) = inbox(federation)
    assert request["state"] == "pending" and request["waiting_for"] == "us"
    assert request["due"] == filed["due"]  # the same deadline on both sides
    assert request["purpose"] == "cross_check" and request["asked_by"].startswith("moscow:")
    manila = federation["manila"]
    shown = manila.node.followups.show(manila.team.officer, request["id"])
    assert shown["justification"] == WHY
    assert [r["record_id"] for r in shown["records"]] == [hit["record"].record_id]

    manila.node.followups.decide(manila.team.officer, request["id"], "approve", "for case 2026-114")
    federation.settle()

    record_id = hit["record"].record_id
    assert level(federation, "moscow", record_id) == "full"
    moscow = federation["moscow"]
    copy = moscow.node.records.get(moscow.team.analyst, record_id)
    assert copy.properties["passportNumber"] == [PASSPORT]
    assert copy.envelope.originator == manila.node_id
    assert copy.envelope.markings.tlp is not None and copy.envelope.markings.tlp.value == "AMBER"
    assert {h.value for h in copy.envelope.markings.handling} == {"H0"}
    answered = ours(federation, filed["id"])
    assert answered["state"] == "approved" and answered["waiting_for"] is None
    assert [r["record_id"] for r in answered["records"]] == [record_id]
    assert answered["records"][0]["arrived"] is True
    assert [s["step"] for s in answered["history"]] == ["request", "approve"]
    assert {"followup.file", "followup.answer"} <= set(actions(federation, "moscow"))
    assert {"followup.receive", "followup.decide"} <= set(actions(federation, "manila"))


def test_chosen_fields_only_arrive(federation: Federation, hit: dict[str, Any]) -> None:
    file(federation, hit["reference"])
    (request,) = inbox(federation)
    manila = federation["manila"]
    fields = ["name", "birthDate"]
    manila.node.followups.decide(manila.team.officer, request["id"], "approve", "", fields)
    federation.settle()
    moscow = federation["moscow"]
    copy = moscow.node.records.get(moscow.team.analyst, hit["record"].record_id)
    assert set(copy.properties) == {"name", "birthDate"}
    assert copy.caption == "Maria Clara Bautista"
    assert ours(federation, 1)["state"] == "partly"
    assert ours(federation, 1)["fields"] == ["birthDate", "name"]


def test_denial_sends_nothing(federation: Federation, hit: dict[str, Any]) -> None:
    filed = file(federation, hit["reference"])
    (request,) = inbox(federation)
    manila = federation["manila"]
    reason = "The subject is a protected witness in a domestic case"
    manila.node.followups.decide(manila.team.officer, request["id"], "deny", reason)
    federation.settle()
    assert level(federation, "moscow", hit["record"].record_id) == "reference"
    answered = ours(federation, filed["id"])
    assert answered["state"] == "denied" and answered["reason"] == reason
    assert answered["records"] == []


def test_asking_for_more_then_reply_then_approval(
    federation: Federation, hit: dict[str, Any]
) -> None:
    filed = file(federation, hit["reference"])
    (request,) = inbox(federation)
    manila, moscow = federation["manila"], federation["moscow"]
    question = "Which case number and which court authorised the investigation?"
    manila.node.followups.decide(manila.team.officer, request["id"], "more", question)
    federation.settle()
    asked = ours(federation, filed["id"])
    assert asked["state"] == "more" and asked["waiting_for"] == "us" and asked["due"]
    assert asked["reason"] == question
    moscow.node.followups.reply(moscow.team.analyst, filed["id"], "Case 2026-114, Moscow court")
    federation.settle()
    (again,) = inbox(federation)
    assert again["state"] == "pending"
    manila.node.followups.decide(manila.team.officer, again["id"], "approve")
    federation.settle()
    steps = [s["step"] for s in ours(federation, filed["id"])["history"]]
    assert steps == ["request", "more", "reply", "approve"]
    assert level(federation, "moscow", hit["record"].record_id) == "full"


def test_withdrawing_the_release_withdraws_the_copy(
    federation: Federation, hit: dict[str, Any]
) -> None:
    file(federation, hit["reference"])
    (request,) = inbox(federation)
    manila = federation["manila"]
    manila.node.followups.decide(manila.team.officer, request["id"], "approve")
    federation.settle()
    record_id = hit["record"].record_id
    (release,) = manila.node.policy.consents(manila.team.officer, record_id)
    manila.node.policy.withdraw_consent(manila.team.officer, release["id"], "case closed")
    federation.settle()
    assert level(federation, "moscow", record_id) == "reference"


def test_a_reference_no_longer_offered_is_denied_at_once(
    federation: Federation, hit: dict[str, Any]
) -> None:
    manila = federation["manila"]
    manila.node.records.delete(manila.team.analyst, hit["record"].record_id, "entered in error")
    filed = file(federation, hit["reference"])
    federation.settle()
    answered = ours(federation, filed["id"])
    assert answered["state"] == "denied" and "no longer" in answered["reason"]


def test_guessed_references_and_wrong_roles_are_refused(
    federation: Federation, hit: dict[str, Any]
) -> None:
    moscow, manila = federation["moscow"], federation["manila"]
    with pytest.raises(InvalidInput) as refused:
        moscow.node.followups.file(moscow.team.analyst, "manila", "AAAAAAAAAAAAAAAAAAAAAA", WHY)
    assert refused.value.field == "reference"
    with pytest.raises(InvalidInput) as short:
        moscow.node.followups.file(moscow.team.analyst, "manila", hit["reference"], "need it")
    assert short.value.field == "justification"
    with pytest.raises(Forbidden):
        moscow.node.followups.file(moscow.team.auditor, "manila", hit["reference"], WHY)
    file(federation, hit["reference"])
    (request,) = inbox(federation)
    with pytest.raises(Forbidden):  # analysts ask; only liaison officers decide
        manila.node.followups.decide(manila.team.analyst, request["id"], "approve")
    with pytest.raises(InvalidInput) as field:
        manila.node.followups.decide(manila.team.officer, request["id"], "approve", "", ["dna"])
    assert field.value.field == "fields"
    with pytest.raises(InvalidInput) as reason:
        manila.node.followups.decide(manila.team.officer, request["id"], "deny", "")
    assert reason.value.field == "reason"
    with pytest.raises(NotFound):  # our own request is not in our inbox
        moscow.node.followups.decide(moscow.team.officer, 1, "approve")
    assert inbox(federation)[0]["state"] == "pending"  # nothing half-done


def test_a_person_candidate_concerns_only_the_records_with_the_most_keys(
    federation: Federation,
) -> None:
    """Two namesakes at manila; moscow asks by name and birth date. The name
    alone hits both, but the request concerns only the one whose keys hit most:
    a weak key does not bring every namesake along."""
    agree("ph-ru", [federation["manila"], federation["moscow"]])
    manila, moscow = federation["manila"], federation["moscow"]
    born = {"birthDate": ["1991-04-12"], "nationality": ["ph"]}
    same = manila.node.records.create(
        manila.team.analyst, person("Rosario Mendoza", **born), VICTIM
    )
    other = {"birthDate": ["1962-10-30"], "nationality": ["ph"]}
    manila.node.records.create(manila.team.analyst, person("Rosario Mendoza", **other), VICTIM)
    asked = [{"names": ["Rosario Mendoza"], "birth_date": "1991-04-12"}]
    courier = federation.courier("moscow")
    (found,) = asyncio.run(courier.hit_query(moscow.team.analyst, "manila", [], persons=asked))
    assert found["candidate"] is True and len(found["references"]) > 1
    # file on the weakest reference: its siblings still point at the right record
    moscow.node.followups.file(moscow.team.analyst, "manila", found["references"][-1], WHY)
    federation.settle()
    (request,) = inbox(federation)
    shown = manila.node.followups.show(manila.team.officer, request["id"])
    assert [r["record_id"] for r in shown["records"]] == [same.record_id]


def test_the_officer_may_release_only_some_of_the_records(
    federation: Federation, hit: dict[str, Any]
) -> None:
    file(federation, hit["reference"])
    (request,) = inbox(federation)
    manila = federation["manila"]
    with pytest.raises(InvalidInput) as refused:
        manila.node.followups.decide(
            manila.team.officer, request["id"], "approve", records=["rec-someone-else"]
        )
    assert refused.value.field == "records"
    record_id = hit["record"].record_id
    manila.node.followups.decide(manila.team.officer, request["id"], "approve", records=[record_id])
    federation.settle()
    assert level(federation, "moscow", record_id) == "full"
