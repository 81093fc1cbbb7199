"""Policy use cases on a real node: explain, consents, TLP:RED reads, the
neutrality gate, retention (renewal, purge with tombstones), exports."""

from __future__ import annotations

import datetime as dt

import orjson
import pytest

from liaison.errors import Conflict, Forbidden, InvalidInput, NotFound
from liaison.node import Node
from liaison.node.sources import jsonl_items
from liaison.storage.records import RecordFilter
from tests.conftest import Team, person
from tests.node.test_agreements import PARTNER, active_agreement

SUSPECT = {"crime_area": "human_trafficking", "subject_category": "suspect"}


def test_explain_gives_every_reason(node: Node, team: Team) -> None:
    active_agreement(node, team)
    record = node.records.create(team.analyst, person(), SUSPECT)
    found = node.policy.explain(
        team.analyst, record.record_id, PARTNER.node_id, "push", "investigation"
    )
    assert found.decision.outcome.label == "allow full"
    assert any(r.rule.value == "agreement" and not r.denies for r in found.decision.reasons)
    refused = node.policy.explain(
        team.analyst, record.record_id, PARTNER.node_id, "push", "strategic_analysis"
    ).decision
    assert [r.rule.value for r in refused.denials] == ["purpose"]
    assert "does not allow purpose strategic_analysis" in refused.denials[0].text
    with pytest.raises(InvalidInput, match="recipient"):
        node.policy.explain(team.analyst, record.record_id, "moscow")
    with pytest.raises(InvalidInput, match="use"):
        node.policy.explain(team.analyst, record.record_id, PARTNER.node_id, "sell")
    with pytest.raises(Forbidden):
        node.policy.explain(team.admin, record.record_id, PARTNER.node_id)
    entries = node.audit.entries(team.auditor, limit=500, action="policy.explain")
    assert [e.detail["outcome"] for e in entries if e.result == "ok"] == ["allow full", "deny"]
    assert [e.actor for e in entries if e.result == "denied"] == [team.admin.label]


def test_red_needs_a_named_recipient_and_withdrawal_stops_it(node: Node, team: Team) -> None:
    active_agreement(node, team)
    envelope = {**SUSPECT, "markings": {"tlp": "RED"}}
    record = node.records.create(team.analyst, person("Олег Смирнов"), envelope)
    rid = record.record_id
    with pytest.raises(NotFound):  # not named: as if it did not exist
        node.records.get(team.supervisor, rid)
    with pytest.raises(NotFound):
        node.policy.explain(team.officer, rid, PARTNER.node_id)
    listed = node.records.search(team.supervisor, RecordFilter(), None, 50)
    assert rid not in [i["record_id"] for i in listed.items]
    with pytest.raises(NotFound):  # the officer is not named yet: the record does not exist
        node.policy.give_consent(team.officer, rid, PARTNER.node_id, "push", "joint operation")
    with pytest.raises(Forbidden):  # an author names readers, not partners
        node.policy.give_consent(team.analyst, rid, PARTNER.node_id, "push", "joint operation")
    node.policy.give_consent(team.analyst, rid, "user:officer", "view", "decides the release")
    refused = node.policy.explain(team.officer, rid, PARTNER.node_id).decision
    assert [r.rule.value for r in refused.denials] == ["tlp"]
    given = node.policy.give_consent(
        team.officer, rid, PARTNER.node_id, "push", "joint operation Coral"
    )
    node.policy.give_consent(
        team.officer, rid, "user:supervisor", "view", "needs it for the case file"
    )
    assert node.policy.explain(team.officer, rid, PARTNER.node_id).decision.allowed
    assert node.records.get(team.supervisor, rid).record_id == rid
    assert node.records.get(team.analyst, rid).record_id == rid  # the author
    node.policy.withdraw_consent(team.officer, given["id"], "operation Coral closed")
    assert not node.policy.explain(team.officer, rid, PARTNER.node_id).decision.allowed
    with pytest.raises(Conflict, match="already withdrawn"):
        node.policy.withdraw_consent(team.officer, given["id"], "again")
    with pytest.raises(InvalidInput, match="justification"):
        node.policy.give_consent(team.officer, rid, PARTNER.node_id, "push", "ok")
    with pytest.raises(InvalidInput, match="name themselves"):
        node.policy.give_consent(team.officer, rid, "user:officer", "view", "so I can read it")
    assert len(node.policy.consents(team.officer, rid)) == 3


def test_neutrality_gate_holds_until_the_auditor_releases(node: Node, team: Team) -> None:
    active_agreement(node, team)
    entity = person("Алексей Иванов", notes=["Активист оппозиционной партии"])
    record = node.records.create(team.analyst, entity, SUSPECT)
    rid = record.record_id
    held = node.policy.queue(team.auditor)
    assert [h["record_id"] for h in held] == [rid]
    assert held[0]["signals"][0]["character"] == "political"
    decision = node.policy.explain(team.officer, rid, PARTNER.node_id).decision
    assert [r.rule.value for r in decision.denials] == ["neutrality"]
    assert node.records.get(team.analyst, rid).record_id == rid  # still readable at home
    with pytest.raises(Forbidden):
        node.policy.review(team.analyst, rid, "release", "looks fine to me, really")
    with pytest.raises(InvalidInput, match="reason"):
        node.policy.review(team.auditor, rid, "release", "ok")
    node.policy.review(
        team.auditor, rid, "release", "trafficking case; party membership incidental"
    )
    assert node.policy.explain(team.officer, rid, PARTNER.node_id).decision.allowed
    with pytest.raises(Conflict, match="already released"):
        node.policy.review(team.auditor, rid, "uphold", "changed my mind about it")
    node.records.update(team.analyst, rid, entity, None, None)  # same signals: stays released
    assert node.policy.queue(team.auditor) == []


def test_import_screens_every_line(node: Node, team: Team) -> None:
    lines = [
        orjson.dumps(person("Хасан Алиев", religion=["fictitious sect"])),
        orjson.dumps(person("Juan dela Cruz")),
    ]
    report = node.transfer.import_items(
        team.analyst, lambda: jsonl_items(lines), {"crime_area": "terrorism"}
    )
    assert report.to_dict()["held_for_review"] == 1
    assert len(node.policy.queue(team.auditor)) == 1


def test_export_withholds_what_policy_denies(node: Node, team: Team) -> None:
    node.records.create(team.analyst, person("Ana Santos"), SUSPECT)
    node.records.create(team.analyst, person("Игорь Волков", topics=["mil"]), SUSPECT)
    exported = b"".join(node.transfer.export(team.analyst, RecordFilter()))
    assert exported.count(b"\n") == 1 and b"Ana Santos" in exported
    closing = node.audit.entries(team.auditor, limit=500, action="record.export")[-1]
    assert closing.detail["count"] == 1 and len(closing.detail["withheld"]) == 1


def test_retention_due_renew_and_purge(node: Node, team: Team) -> None:
    today = node.ctx.now().date()
    soon = node.records.create(
        team.analyst,
        person("Liza Reyes"),
        {**SUSPECT, "review_due": (today + dt.timedelta(days=20)).isoformat()},
    )
    later = node.records.create(team.analyst, person("Pedro Bautista"), SUSPECT)
    due = {d["record_id"]: d["standing"] for d in node.policy.due(team.analyst)}
    assert due == {soon.record_id: "review_soon"}
    with pytest.raises(InvalidInput, match="justification"):
        node.policy.renew(
            team.supervisor, soon.record_id, (today + dt.timedelta(days=400)).isoformat(), ""
        )
    with pytest.raises(Forbidden):
        node.policy.renew(team.analyst, soon.record_id, "2030-01-01", "still an open case file")
    renewed = node.policy.renew(
        team.supervisor,
        soon.record_id,
        (today + dt.timedelta(days=400)).isoformat(),
        "open case, trial in 2027",
    )
    assert renewed.version == 2 and node.policy.due(team.analyst) == []
    # a year and a half later, the first record is overdue and is purged
    future = node.ctx.now() + dt.timedelta(days=500)
    node.ctx.clock = lambda: future
    assert node.policy.purge(team.supervisor) == [soon.record_id]
    tomb = node.records.get(team.analyst, soon.record_id)
    assert (
        tomb.deleted
        and tomb.reason is not None
        and tomb.reason.startswith("retention: review was due")
    )
    assert not node.records.get(team.analyst, later.record_id).deleted


def test_red_records_stay_hidden_on_every_path(node: Node, team: Team) -> None:
    """Not named, a user meets a TLP:RED record nowhere: not in renewals,
    retention lists, updates, explanations or consents."""
    today = node.ctx.now().date()
    envelope = {
        **SUSPECT,
        "markings": {"tlp": "RED"},
        "review_due": (today + dt.timedelta(days=10)).isoformat(),
    }
    rid = node.records.create(team.analyst, person("Тайный Источник"), envelope).record_id
    new_due = (today + dt.timedelta(days=300)).isoformat()
    with pytest.raises(NotFound):
        node.policy.renew(team.supervisor, rid, new_due, "still needed for the case")
    assert node.policy.due(team.supervisor) == []
    assert [d["record_id"] for d in node.policy.due(team.analyst)] == [rid]  # the author
    with pytest.raises(NotFound):
        node.records.update(team.junior, rid, person("Тайный Источник"), None, None)
    with pytest.raises(NotFound):
        node.policy.explain(team.officer, rid, PARTNER.node_id)
    with pytest.raises(NotFound):
        node.policy.give_consent(team.officer, rid, "user:supervisor", "view", "let them read it")
