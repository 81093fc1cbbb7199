"""Cross-matching reaches received copies: a partner's record that matches a
local one raises an alert on the node that holds the copy, and screening
describes received copies like local records. Real nodes, real HTTP in process."""

from __future__ import annotations

from tests.conftest import person
from tests.federation.conftest import ENVELOPE, Federation, agree


def test_a_received_copy_is_cross_matched_and_screened(federation: Federation) -> None:
    agree("ph-ru", [federation["manila"], federation["moscow"]])
    manila, moscow = federation["manila"], federation["moscow"]
    local = moscow.node.records.create(
        moscow.team.analyst, person("Ivan Petrov", birthDate=["1970-02-03"]), ENVELOPE
    )
    moscow.node.matching.process_all()
    shared = manila.node.records.create(
        manila.team.analyst, person("Иван Петров", birthDate=["1970-02-03"]), ENVELOPE
    )
    federation.settle()
    assert moscow.node.matching.process_all() == 1  # the received copy was queued
    (alert,) = moscow.node.matching.alerts(moscow.team.analyst)
    assert {alert.record_id, alert.target} == {local.record_id, shared.record_id}
    query = {
        "schema": "Person",
        "properties": {"name": ["Ivan Petrov"], "birthDate": ["1970-02-03"]},
    }
    results = moscow.node.matching.match(moscow.team.analyst, {"q": query})["q"]
    by_id = {r["id"]: r for r in results}
    assert by_id[shared.record_id]["caption"] and by_id[shared.record_id]["schema"] == "Person"


def _victim(name: str) -> dict[str, object]:
    return person(name, birthDate=["1988-11-04"])


HIT_ONLY = {**ENVELOPE, "subject_category": "victim"}  # the agreement: victims as hit/no-hit only


def test_the_originator_is_told_of_a_partners_hit_without_its_data(
    federation: Federation,
) -> None:
    agree("ph-ru", [federation["manila"], federation["moscow"]])
    manila, moscow = federation["manila"], federation["moscow"]
    theirs = moscow.node.records.create(
        moscow.team.analyst, _victim("Мария Кристина Сантос"), HIT_ONLY
    )
    ours = manila.node.records.create(
        manila.team.analyst, _victim("Maria Cristina Santos"), ENVELOPE
    )
    federation.settle()
    moscow.node.matching.process_all()
    (alert,) = moscow.node.matching.alerts(moscow.team.analyst)
    assert alert.originator_told == manila.node_id
    raw = moscow.node.federation.next_notices(manila.node_id)
    assert raw is not None
    assert b"Santos" not in raw[0] and b"\xd0\xa1\xd0\xb0" not in raw[0]  # no name, any script
    assert theirs.record_id.encode() not in raw[0]  # nor the partner's record id
    federation.settle()
    assert moscow.node.federation.next_notices(manila.node_id) is None  # delivered
    (told,) = manila.node.matching.alerts(manila.team.analyst)
    assert told.record_id == ours.record_id
    assert told.target == f"partner:{moscow.node_id}" and told.target_kind == "partner"
    assert told.score == 0.0
    assert "Мария" not in str(told) and theirs.record_id not in str(told)
    (received,) = manila.node.audit.entries(manila.team.auditor, action="notice.receive")
    assert received.detail["hits"] == [ours.record_id]
    (sent,) = moscow.node.audit.entries(moscow.team.auditor, action="notice.send")
    assert sent.detail["record"] == ours.record_id and sent.detail["basis"] == "ph-ru"


def test_no_notice_when_policy_keeps_the_record_from_the_partner(
    federation: Federation,
) -> None:
    agree("ph-ru", [federation["manila"], federation["moscow"]])
    manila, moscow = federation["manila"], federation["moscow"]
    red = {**ENVELOPE, "markings": {"tlp": "RED", "handling": ["H0"]}}
    moscow.node.records.create(moscow.team.analyst, _victim("Мария Кристина Сантос"), red)
    manila.node.records.create(manila.team.analyst, _victim("Maria Cristina Santos"), ENVELOPE)
    federation.settle()
    moscow.node.matching.process_all()
    (alert,) = moscow.node.matching.alerts(moscow.team.analyst)
    assert alert.originator_told is None
    assert moscow.node.federation.next_notices(manila.node_id) is None
    federation.settle()
    assert manila.node.matching.alerts(manila.team.analyst) == []


def test_a_notice_resent_after_a_lost_answer_takes_effect_once(federation: Federation) -> None:
    agree("ph-ru", [federation["manila"], federation["moscow"]])
    manila, moscow = federation["manila"], federation["moscow"]
    moscow.node.records.create(moscow.team.analyst, _victim("Мария Кристина Сантос"), HIT_ONLY)
    manila.node.records.create(manila.team.analyst, _victim("Maria Cristina Santos"), ENVELOPE)
    federation.settle()
    moscow.node.matching.process_all()
    first = moscow.node.federation.next_notices(manila.node_id)
    again = moscow.node.federation.next_notices(manila.node_id)  # the answer to first was lost
    assert first is not None and again is not None and first[1] == again[1]
    for raw, _ in (first, again):
        reply = manila.node.federation.receive(raw)
        assert moscow.node.federation.notices_acknowledged(manila.node_id, reply, first[1]) >= 0
    assert len(manila.node.matching.alerts(manila.team.analyst)) == 1
    assert moscow.node.federation.next_notices(manila.node_id) is None
