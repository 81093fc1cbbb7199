"""Notices and diffusions between real nodes (in process, real HTTP through ASGI,
signed messages): the compliance review refuses a predominantly political arrest
request and passes a valid one; a publication reaches every covered partner and
a diffusion only the one chosen; the receiver screens the notice against its
records at once and alerts on a record written later, naming the action; a border
post's hit/no-hit on a stolen passport; a response in the thread with both
sides' deadlines; a cancellation that stops alerts at every holder; a challenge
routed to the originator, whose deletion reaches every holder. Every refusal is
audited. Names, numbers and cases are fictitious."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from liaison.audit.chain import Action
from liaison.errors import Conflict, Forbidden, InvalidInput
from liaison.federation.messages import MessageType, seal
from liaison.model.dates import add_months
from liaison.model.identity import NodeKey
from liaison.node.notices import outgoing
from liaison.node.sweeping import NoticeSweeper
from liaison.storage import diffusion as diffusion_store
from liaison.storage.tables import diffusion_holders
from tests.conftest import auth
from tests.federation.conftest import Federation, Member, agree
from tests.federation.test_security import post

EVALUATED = {
    "crime_area": "human_trafficking",
    "subject_category": "suspect",
    "markings": {"tlp": "GREEN", "pap": "GREEN", "handling": ["H0"]},
    "evaluation": {"scheme": "admiralty", "source": "B", "information": "2"},
}
PASSPORT = "P7730419"  # fictitious
PLATE = "NBC 4512"


def fugitive(name: str = "Rodrigo Villanueva Santos") -> dict[str, Any]:
    return {
        "schema": "Person",
        "properties": {
            "name": [name],
            "birthDate": ["1984-02-29"],
            "nationality": ["ph"],
            "passportNumber": [PASSPORT],
        },
    }


def arrest(subject: str, **changes: Any) -> dict[str, Any]:
    draft: dict[str, Any] = {
        "kind": "arrest",
        "subjects": [subject],
        "fields": {
            "charge": "Qualified trafficking in persons",
            "warrant_reference": "RTC-FIC-2026-0117",
            "warrant_date": "2026-03-02",
            "issuing_authority": "Regional Trial Court, Fictitious City, Branch 9",
            "summary_of_facts": "Recruited eleven women with false job offers; sold them abroad.",
            "penalty": "Life imprisonment and a fine",
            "legal_references": ["Republic Act 9208 as amended, section 4"],
            "extradition_intent": True,
        },
        "markings": {"tlp": "GREEN", "pap": "GREEN", "handling": ["H0"]},
        "evaluation": {"scheme": "admiralty", "source": "B", "information": "2"},
        "distribution": {"mode": "publication"},
    }
    draft.update(changes)
    return draft


@pytest.fixture
def partners(federation: Federation) -> Federation:
    """Manila agrees with Moscow and Kuala Lumpur, alerts among the purposes."""
    purposes = ["cross_check", "investigation", "alert"]
    agree(
        "ph-ru-kl",
        [federation["manila"], federation["moscow"], federation["kuala-lumpur"]],
        purposes=purposes,
    )
    return federation


def issued(fed: Federation, draft: dict[str, Any]) -> str:
    manila = fed["manila"]
    notices = manila.node.notices
    made = notices.draft(manila.team.analyst, draft)
    notice_id = made.summary.notice_id
    reviewed = notices.submit(manila.team.analyst, notice_id)
    assert reviewed.summary.state == "in_review", reviewed.review
    notices.approve(manila.team.supervisor, notice_id)
    out = notices.issue(manila.team.supervisor, notice_id)
    assert out.summary.state == "issued"
    fed.settle()
    return notice_id


def held(member: Member, notice_id: str) -> Any:
    with member.node.ctx.read() as conn:
        return diffusion_store.notice(conn, notice_id)


def notice_alerts(member: Member) -> list[Any]:
    page = member.node.matching.alerts(member.team.analyst)
    return [a for a in page if a.target_kind == "notice"]


def test_a_political_arrest_request_is_refused_and_a_valid_one_published(
    partners: Federation,
) -> None:
    manila = partners["manila"]
    record = manila.node.records.create(manila.team.analyst, fugitive(), EVALUATED)
    notices = manila.node.notices
    political = arrest(
        record.record_id,
        fields={
            **arrest(record.record_id)["fields"],
            "charge": "Insulting the president and sedition at an opposition rally",
        },
    )
    made = notices.draft(manila.team.analyst, political)
    refused = notices.submit(manila.team.analyst, made.summary.notice_id)
    assert refused.summary.state == "draft"
    assert refused.review is not None and refused.review["outcome"] == "refused"
    rules = {r["rule"] for r in refused.review["reasons"] if r["effect"] == "deny"}
    assert "neutrality" in rules
    with pytest.raises(Conflict):  # never approved, never issued
        notices.approve(manila.team.supervisor, made.summary.notice_id)
    entries = manila.node.audit.entries(manila.team.auditor, limit=500)
    assert any(e.action == "diffusion.review" and e.result == "denied" for e in entries), (
        "the refused review is audited"
    )

    notice_id = issued(partners, arrest(record.record_id))
    for name in ("moscow", "kuala-lumpur"):
        row = held(partners[name], notice_id)
        assert row is not None and row.state == "issued" and row.kind == "arrest"
    view = notices.show(manila.team.officer, notice_id)
    assert sorted(h.name for h in view.holders if h.state == "holds") == [
        "kuala-lumpur",
        "moscow",
    ]
    received = partners["moscow"].node.notices.show(partners["moscow"].team.officer, notice_id)
    assert received.subjects and received.subjects[0].caption == "Rodrigo Villanueva Santos"
    assert received.review is None and received.holders == []  # never the originator's side


def test_a_diffusion_reaches_only_the_partner_chosen(partners: Federation) -> None:
    manila = partners["manila"]
    record = manila.node.records.create(manila.team.analyst, fugitive(), EVALUATED)
    moscow_id = partners["moscow"].node_id
    notice_id = issued(
        partners,
        arrest(record.record_id, distribution={"mode": "diffusion", "recipients": [moscow_id]}),
    )
    assert held(partners["moscow"], notice_id) is not None
    assert held(partners["kuala-lumpur"], notice_id) is None

    moscow, manila_id = partners["moscow"], manila.node_id
    with pytest.raises(InvalidInput, match="ground"):  # will not act needs its ground
        moscow.node.notices.respond(moscow.team.officer, notice_id, "will_not_act")
    with pytest.raises(InvalidInput, match="receiver"):  # only the originator confirms
        moscow.node.notices.respond(moscow.team.officer, notice_id, "located", receiver="lsn-x")
    located = moscow.node.notices.respond(moscow.team.officer, notice_id, "located")
    due = [d for d in located.deadlines if d.after == "located"]
    assert [(d.who, d.step, d.met) for d in due] == [("originator", "confirm", False)]
    partners.settle()
    manila.node.notices.respond(
        manila.team.officer,
        notice_id,
        "confirmed",
        text="The request stands.",
        receiver=moscow.node_id,
    )
    partners.settle()
    after = moscow.node.notices.show(moscow.team.officer, notice_id)
    assert [(e.author, e.kind) for e in after.thread] == [
        (moscow.node_id, "located"),
        (manila_id, "confirmed"),
    ]
    assert all(d.met for d in after.deadlines if d.after == "located")


def test_a_diffusion_to_a_partner_the_agreement_does_not_cover_is_refused(
    federation: Federation,
) -> None:
    agree("ph-ru", [federation["manila"], federation["moscow"]])  # no alert purpose
    manila = federation["manila"]
    record = manila.node.records.create(manila.team.analyst, fugitive(), EVALUATED)
    moscow_id = federation["moscow"].node_id
    notices = manila.node.notices
    made = notices.draft(
        manila.team.analyst,
        arrest(record.record_id, distribution={"mode": "diffusion", "recipients": [moscow_id]}),
    )
    notice_id = made.summary.notice_id
    notices.submit(manila.team.analyst, notice_id)
    notices.approve(manila.team.supervisor, notice_id)
    with pytest.raises(Conflict, match="alert"):
        notices.issue(manila.team.supervisor, notice_id)
    assert notices.show(manila.team.officer, notice_id).summary.state == "approved"
    federation.settle()
    assert held(federation["moscow"], notice_id) is None


@pytest.mark.parametrize(
    ("recipient", "why"),
    [
        ("moscow", "a peer's name: give its node id"),
        ("lsn-" + "a" * 40, "not a peer of this node"),
        ("manila", "this node itself"),
    ],
)
def test_a_diffusion_names_peers_by_node_id_when_it_is_drafted(
    partners: Federation, recipient: str, why: str
) -> None:
    manila = partners["manila"]
    record = manila.node.records.create(manila.team.analyst, fugitive(), EVALUATED)
    named = manila.node_id if recipient == "manila" else recipient
    draft = arrest(record.record_id, distribution={"mode": "diffusion", "recipients": [named]})
    with pytest.raises(InvalidInput, match=why) as refused:
        manila.node.notices.draft(manila.team.analyst, draft)
    assert refused.value.field == "distribution.recipients"
    assert manila.node.notices.page(manila.team.analyst).notices == []  # nothing kept


def test_receiving_screens_at_once_and_a_later_record_raises_an_alert_naming_the_action(
    partners: Federation,
) -> None:
    manila, moscow = partners["manila"], partners["moscow"]
    record = manila.node.records.create(manila.team.analyst, fugitive(), EVALUATED)
    already = moscow.node.records.create(
        moscow.team.analyst, fugitive("Rodrigo V. Santos"), EVALUATED
    )
    notice_id = issued(partners, arrest(record.record_id))
    found = notice_alerts(moscow)
    assert [a.record_id for a in found] == [already.record_id]
    assert found[0].notice is not None and found[0].notice["id"] == notice_id
    assert "arrest" in found[0].notice["action"]

    later = moscow.node.records.create(
        moscow.team.analyst, fugitive("Rodrigo Villanueva Santos"), EVALUATED
    )
    moscow.node.matching.process_all()
    assert later.record_id in {a.record_id for a in notice_alerts(moscow)}
    with TestClient(moscow.app, raise_server_exceptions=False) as client:  # as the API says it
        answer = client.get(
            "/api/v1/alerts?limit=500", headers=auth(moscow.node, moscow.team.analyst)
        )
    assert answer.status_code == 200, answer.text
    said = [a for a in answer.json() if a["target_kind"] == "notice"]
    assert {a["record_id"] for a in said} == {already.record_id, later.record_id}
    assert all(a["notice"]["id"] == notice_id for a in said)


def test_a_border_check_of_a_stolen_passport_by_hit_or_no_hit(partners: Federation) -> None:
    manila, kl = partners["manila"], partners["kuala-lumpur"]
    holder = manila.node.records.create(manila.team.analyst, fugitive(), EVALUATED)
    passport = manila.node.records.create(
        manila.team.analyst,
        {
            "schema": "Passport",
            "properties": {
                "number": [PASSPORT],
                "country": ["ph"],
                "type": ["passport"],
                "holder": [holder.entity_id],
            },
        },
        {k: v for k, v in EVALUATED.items() if k != "subject_category"},
    )
    draft = {
        "kind": "travel_document",
        "subjects": [passport.record_id],
        "fields": {"loss_date": "2026-05-01", "loss_report_reference": "PNP-FIC-2026-3321"},
        "markings": {"tlp": "GREEN", "pap": "GREEN", "handling": ["H0"]},
        "evaluation": {"scheme": "admiralty", "source": "B", "information": "2"},
        "distribution": {"mode": "publication"},
    }
    notice_id = issued(partners, draft)
    hit, miss = kl.node.notices.check(
        kl.team.officer,
        [{"kind": "passport", "value": "p 773 0419"}, {"kind": "passport", "value": "X1234567"}],
    )
    assert hit.hit and [n.notice_id for n in hit.notices] == [notice_id]
    assert not miss.hit and miss.notices == []
    (own,) = manila.node.notices.check(
        manila.team.officer, [{"kind": "passport", "value": PASSPORT}]
    )
    assert own.hit and [n.notice_id for n in own.notices] == [notice_id]  # its own posts too
    with pytest.raises(InvalidInput):
        kl.node.notices.check(kl.team.officer, [{"kind": "shoe", "value": "42"}])
    with pytest.raises(Forbidden):
        kl.node.notices.check(kl.team.supervisor, [{"kind": "passport", "value": PASSPORT}])

    kl.node.notices.respond(kl.team.officer, notice_id, "located", text="Gate 4, KLIA")
    seized = kl.node.notices.respond(kl.team.officer, notice_id, "seized")
    assert [e.kind for e in seized.thread] == ["located", "seized"]
    partners.settle()
    mine = manila.node.notices.show(manila.team.officer, notice_id)
    assert [(e.receiver, e.kind) for e in mine.thread] == [
        (kl.node_id, "located"),
        (kl.node_id, "seized"),
    ]
    theirs = {(d.after, d.step, d.due, d.met) for d in seized.deadlines}
    ours = {(d.after, d.step, d.due, d.met) for d in mine.deadlines if d.receiver == kl.node_id}
    assert theirs == ours == {(d.after, "confirm", d.due, False) for d in seized.deadlines}
    assert len(theirs) == 1  # the originator confirms a seizure within 24 hours


def test_a_cancellation_stops_alerts_at_every_holder(partners: Federation) -> None:
    manila = partners["manila"]
    record = manila.node.records.create(manila.team.analyst, fugitive(), EVALUATED)
    notice_id = issued(partners, arrest(record.record_id))
    manila.node.notices.cancel(
        manila.team.supervisor, notice_id, "The person was arrested in Manila on 2026-12-01."
    )
    partners.settle()
    for name in ("moscow", "kuala-lumpur"):
        member = partners[name]
        row = held(member, notice_id)
        assert row.state == "cancelled"
        assert orjson.loads(row.body)["subjects"] == []  # the person's data is not kept
        with member.node.ctx.read() as conn:
            assert diffusion_store.subjects_of(conn, notice_id) == []
        member.node.records.create(member.team.analyst, fugitive(), EVALUATED)
        member.node.matching.process_all()
        assert notice_alerts(member) == []
        with pytest.raises(Conflict):
            member.node.notices.respond(member.team.officer, notice_id, "located")


def test_a_holder_registered_before_the_register_named_agreements_is_kept_too(
    federation: Federation,
) -> None:
    """Holders written before migration 0016 have no agreement in the register: an
    ended agreement that keeps what was received, with that partner, keeps them."""
    manila, moscow = federation["manila"], federation["moscow"]
    agree("ph-ru-keep", [manila, moscow], purposes=["cross_check", "alert"], on_end="keep")
    record = manila.node.records.create(manila.team.analyst, fugitive(), EVALUATED)
    notice_id = issued(federation, arrest(record.record_id))
    with manila.node.ctx.tx() as conn:
        conn.execute(
            update(diffusion_holders)
            .where(diffusion_holders.c.notice_id == notice_id)
            .values(agreement_id=None)
        )
    manila.node.agreements.move(manila.team.officer, "ph-ru-keep", "terminate", "ended by treaty")
    federation.settle()
    assert register(manila, notice_id)["moscow"] == ("kept", None)
    assert held(moscow, notice_id).state == "issued"


def test_a_notice_expires_on_its_day_by_itself_and_every_holder_stops_alerting(
    partners: Federation,
) -> None:
    manila = partners["manila"]
    record = manila.node.records.create(manila.team.analyst, fugitive(), EVALUATED)
    notice_id = issued(partners, arrest(record.record_id))
    expires = manila.node.notices.show(manila.team.officer, notice_id).summary.expires_on
    assert expires is not None
    day = dt.date.fromisoformat(expires)
    real = manila.node.ctx.clock
    sweeper = NoticeSweeper(manila.node.notices, interval_seconds=0.05)
    try:
        manila.node.ctx.clock = lambda: (
            dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC) - (dt.timedelta(seconds=1))
        )
        assert sweeper.round() == []  # the day before: nothing expires
        manila.node.ctx.clock = lambda: dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)
        sweeper.start()  # as `liaison serve` runs it
        for _ in range(200):  # bounded: 10 s at most
            if state_of(manila, notice_id) == "expired":
                break
            time.sleep(0.05)
        assert state_of(manila, notice_id) == "expired"
    finally:
        sweeper.close()
        manila.node.ctx.clock = real
    partners.settle()
    for name in ("moscow", "kuala-lumpur"):
        member = partners[name]
        row = held(member, notice_id)
        assert row.state == "expired"
        assert orjson.loads(row.body)["subjects"] == []
        member.node.records.create(member.team.analyst, fugitive(), EVALUATED)
        member.node.matching.process_all()
        assert notice_alerts(member) == []
    entries = manila.node.audit.entries(
        manila.team.auditor, limit=500, action="diffusion.change", object=notice_id
    )
    assert [(e.actor, e.detail["move"]) for e in entries][-1:] == [("node:system", "expire")]


def test_the_renewal_list_holds_our_notices_from_their_reminder_day(partners: Federation) -> None:
    manila = partners["manila"]
    record = manila.node.records.create(manila.team.analyst, fugitive(), EVALUATED)
    notice_id = issued(partners, arrest(record.record_id))
    notices, supervisor = manila.node.notices, manila.team.supervisor
    expires = dt.date.fromisoformat(str(notices.show(supervisor, notice_id).summary.expires_on))
    remind = add_months(expires, -6)
    real = manila.node.ctx.clock

    def on(day: dt.date) -> list[tuple[str, bool]]:
        manila.node.ctx.clock = lambda: dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)
        found = notices.page(supervisor, "out", renewal=True).notices
        everyone = notices.page(supervisor, "out").notices
        assert {n.notice_id for n in found} <= {n.notice_id for n in everyone if n.renewal_due}
        return [(n.notice_id, n.renewal_due) for n in found]

    assert notices.show(supervisor, notice_id).moves == ["amend", "cancel", "suspend"]
    try:
        assert on(remind - dt.timedelta(days=1)) == []
        assert on(remind) == [(notice_id, True)]
        assert "renew" in notices.show(supervisor, notice_id).moves
        assert on(expires - dt.timedelta(days=1)) == [(notice_id, True)]
        assert on(expires) == []  # too late to renew: the sweeper expires it
        manila.node.ctx.clock = lambda: dt.datetime.combine(remind, dt.time(9), tzinfo=dt.UTC)
        notices.renew(supervisor, notice_id, "The person is still wanted; warrant in force.")
        assert on(remind) == []  # five more years
    finally:
        manila.node.ctx.clock = real
    with pytest.raises(InvalidInput, match="renewal"):
        notices.page(supervisor, "in", renewal=True)


def state_of(member: Member, notice_id: str) -> str:
    return str(member.node.notices.show(member.team.officer, notice_id).summary.state)


def register(member: Member, notice_id: str) -> dict[str, tuple[str, str | None]]:
    view = member.node.notices.show(member.team.officer, notice_id)
    return {h.name: (h.state, h.agreement_id) for h in view.holders}


def test_a_suspended_agreement_recalls_its_notices_and_resuming_restores_them(
    partners: Federation,
) -> None:
    manila = partners["manila"]
    record = manila.node.records.create(manila.team.analyst, fugitive(), EVALUATED)
    notice_id = issued(partners, arrest(record.record_id))
    covered = {"kuala-lumpur": ("holds", "ph-ru-kl"), "moscow": ("holds", "ph-ru-kl")}
    assert register(manila, notice_id) == covered

    manila.node.agreements.move(manila.team.officer, "ph-ru-kl", "suspend", "under review")
    partners.settle()
    assert {n: s for n, (s, _) in register(manila, notice_id).items()} == {
        "kuala-lumpur": "dropped",
        "moscow": "dropped",
    }
    for name in ("moscow", "kuala-lumpur"):
        member = partners[name]
        row = held(member, notice_id)
        assert row.state == "cancelled"  # it stops alerting and takes no response
        assert orjson.loads(row.body)["subjects"] == []
        event = orjson.loads(row.body)["event"]
        assert "no longer covers" in event["reason"] and event["by"] == "node:system"
        member.node.records.create(member.team.analyst, fugitive(), EVALUATED)
        member.node.matching.process_all()
        assert notice_alerts(member) == []
    entries = manila.node.audit.entries(
        manila.team.auditor, limit=500, action="diffusion.change", object=notice_id
    )
    recalled = [e.detail for e in entries if e.detail.get("move") == "agreement"]
    assert [sorted(d["dropped"]) for d in recalled] == [
        sorted(partners[n].node_id for n in ("moscow", "kuala-lumpur"))
    ]

    manila.node.agreements.move(manila.team.officer, "ph-ru-kl", "resume", "review done")
    partners.settle()
    assert register(manila, notice_id) == covered
    for name in ("moscow", "kuala-lumpur"):
        member = partners[name]
        assert held(member, notice_id).state == "issued"
        (event,) = member.node.notices.show(member.team.officer, notice_id).history
        assert (event.move, event.by, event.reason) == (
            "issue",
            "node:system",
            "the agreement now covers this notice for you",
        )
        assert [a.notice for a in notice_alerts(member)], name  # alerting again


def test_an_agreement_that_keeps_on_end_leaves_its_notices_with_the_holder(
    federation: Federation,
) -> None:
    manila, moscow = federation["manila"], federation["moscow"]
    agree("ph-ru-keep", [manila, moscow], purposes=["cross_check", "alert"], on_end="keep")
    record = manila.node.records.create(manila.team.analyst, fugitive(), EVALUATED)
    notice_id = issued(federation, arrest(record.record_id))
    manila.node.agreements.move(manila.team.officer, "ph-ru-keep", "terminate", "ended by treaty")
    federation.settle()
    assert register(manila, notice_id) == {
        "kuala-lumpur": ("not_covered", None),  # a peer no agreement covers
        "moscow": ("kept", "ph-ru-keep"),  # kept: the ended agreement says so
    }
    assert held(moscow, notice_id).state == "issued"
    notices, supervisor = manila.node.notices, manila.team.supervisor
    changed = arrest(record.record_id)
    changed["fields"]["penalty"] = "Life imprisonment; the new penalty moscow may not see"
    notices.propose_amendment(manila.team.analyst, notice_id, changed)
    notices.approve_amendment(supervisor, notice_id, "The court changed the penalty.")
    notices.suspend(supervisor, notice_id, "Pending a new warrant.")
    federation.settle()
    row = held(moscow, notice_id)  # neither the amendment nor the suspension reached it
    assert (row.version, row.state) == (1, "issued")
    assert "may not see" not in row.body
    notices.cancel(supervisor, notice_id, "Arrested in Manila.")
    federation.settle()
    row = held(moscow, notice_id)
    assert row.state == "cancelled"  # a cancellation still reaches it, without contents
    body = orjson.loads(row.body)
    assert body["subjects"] == [] and "may not see" not in row.body
    assert body["fields"]["penalty"] == "Life imprisonment and a fine"  # what it had


def test_a_challenge_is_routed_to_the_originator_and_a_deletion_reaches_every_holder(
    partners: Federation,
) -> None:
    manila, moscow = partners["manila"], partners["moscow"]
    record = manila.node.records.create(manila.team.analyst, fugitive(), EVALUATED)
    notice_id = issued(partners, arrest(record.record_id))
    partners.settle()
    with pytest.raises(InvalidInput):  # a record Moscow does not hold
        moscow.node.challenges.open(
            moscow.team.officer, "deletion", ["rec-" + "0" * 32], {"name": "R. V. Santos"}
        )
    (asked,) = moscow.node.challenges.open(
        moscow.team.officer, "deletion", [record.record_id], {"name": "Rodrigo V. Santos"}
    )
    assert asked.originator == manila.node_id and asked.stage == "routed"
    assert asked.answer.confirms is False
    partners.settle()
    (inbox,) = manila.node.challenges.page(manila.team.officer)
    assert inbox.challenge_id == asked.challenge_id and inbox.requester is None
    decided = manila.node.challenges.decide(
        manila.team.officer,
        asked.challenge_id,
        "grant",
        "The warrant was quashed; nothing justifies keeping the data.",
        records=[record.record_id],
    )
    assert decided.stage == "decided"
    partners.settle()
    assert manila.node.notices.show(manila.team.officer, notice_id).summary.state == "cancelled"
    for name in ("moscow", "kuala-lumpur"):
        row = held(partners[name], notice_id)
        assert row.state == "cancelled"
        with partners[name].node.ctx.read() as conn:
            assert diffusion_store.subjects_of(conn, notice_id) == []
    told = moscow.node.challenges.show(moscow.team.officer, asked.challenge_id)
    assert told.stage == "decided" and told.answer.confirms is False  # no leave given


def _version_message(fed: Federation, notice_id: str) -> dict[str, Any]:
    """The diffusion notice Manila queued for Moscow, as it travels."""
    manila, moscow = fed["manila"], fed["moscow"]
    with manila.node.ctx.read() as conn:
        for item in outgoing(conn, moscow.node_id, 50):
            if item["kind"] == "diffusion" and item["body"]["notice"] == notice_id:
                return item
    raise AssertionError("no diffusion notice queued")


@pytest.mark.parametrize("case", ["forged", "malformed", "another originator's"])
def test_a_forged_or_malformed_notice_message_is_refused_audited_and_stores_nothing(
    partners: Federation, case: str
) -> None:

    manila, moscow, kl = partners["manila"], partners["moscow"], partners["kuala-lumpur"]
    record = manila.node.records.create(manila.team.analyst, fugitive(), EVALUATED)
    made = manila.node.notices.draft(manila.team.analyst, arrest(record.record_id))
    notice_id = made.summary.notice_id
    manila.node.notices.submit(manila.team.analyst, notice_id)
    manila.node.notices.approve(manila.team.supervisor, notice_id)
    manila.node.notices.issue(manila.team.supervisor, notice_id)
    item = _version_message(partners, notice_id)
    key, sender = manila.node.ctx.key, manila
    if case == "forged":  # Manila's notice, signed by a key that is not Manila's
        raw = seal(
            NodeKey.generate(),
            MessageType.NOTICES,
            moscow.node_id,
            {"notices": [item]},
            dt.datetime.now(dt.UTC),
        )
        data = orjson.loads(raw)
        inner = orjson.loads(data["message"])
        inner["sender"] = sender.node_id
        data["message"] = orjson.dumps(inner).decode()
        raw = orjson.dumps(data)
    else:
        if case == "malformed":
            item["body"]["subjects"] = [{"record": "x", "schema": "Dragon", "properties": {}}]
        else:  # Kuala Lumpur replays Manila's notice as its own
            key, sender = kl.node.ctx.key, kl
        raw = seal(
            key, MessageType.NOTICES, moscow.node_id, {"notices": [item]}, dt.datetime.now(dt.UTC)
        )
    if case == "another originator's":  # Moscow holds Manila's version first
        partners.settle()
    before = held(moscow, notice_id)
    answer = post(moscow, raw)
    assert answer.status_code in (403, 422), answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    after = held(moscow, notice_id)
    assert (before is None and after is None) or (
        before is not None and after is not None and after.originator == manila.node_id
    )
    refused = moscow.node.audit.entries(
        moscow.team.auditor, limit=500, action=Action.FEDERATION_RECEIVE.value, result="rejected"
    )
    assert refused, "the refusal is audited"


def test_an_amendment_approved_by_another_reaches_every_holder(partners: Federation) -> None:
    manila = partners["manila"]
    record = manila.node.records.create(manila.team.analyst, fugitive(), EVALUATED)
    notice_id = issued(partners, arrest(record.record_id))
    changed = arrest(record.record_id)
    changed["fields"]["penalty"] = "Life imprisonment and a fine of two million pesos"
    notices = manila.node.notices
    with pytest.raises(InvalidInput, match="changes nothing"):
        notices.propose_amendment(manila.team.analyst, notice_id, arrest(record.record_id))
    waiting = notices.propose_amendment(manila.team.analyst, notice_id, changed)
    assert waiting.pending is not None and waiting.summary.version == 1
    with pytest.raises(Forbidden):  # an analyst does not approve it
        notices.approve_amendment(manila.team.analyst, notice_id, "The court raised the fine.")
    amended = notices.approve_amendment(
        manila.team.supervisor, notice_id, "The court raised the fine."
    )
    assert amended.summary.version == 2 and amended.pending is None
    last = amended.history[-1]  # the author and the approver, both named
    assert (last.move, last.by, last.approved_by) == (
        "amend",
        manila.team.analyst.label,
        manila.team.supervisor.label,
    )
    partners.settle()
    for name in ("moscow", "kuala-lumpur"):
        member = partners[name]
        view = member.node.notices.show(member.team.officer, notice_id)
        assert view.summary.version == 2
        assert view.fields["penalty"] == changed["fields"]["penalty"]
        assert (view.history[-1].move, view.history[-1].approved_by) == (
            "amend",
            manila.team.supervisor.label,
        )


def test_an_auditor_overrides_a_neutrality_refusal_in_writing_and_it_is_published(
    partners: Federation,
) -> None:
    manila = partners["manila"]
    record = manila.node.records.create(manila.team.analyst, fugitive(), EVALUATED)
    draft = arrest(record.record_id)
    draft["fields"]["charge"] = "Murder of a politician, the town's mayor, during a robbery"
    notices = manila.node.notices
    notice_id = notices.draft(manila.team.analyst, draft).summary.notice_id
    refused = notices.submit(manila.team.analyst, notice_id)
    assert refused.review is not None and refused.review["outcome"] == "refused"
    why = "An ordinary murder during a robbery; the victim's office played no part in it."
    with pytest.raises(Forbidden):  # a supervisor does not override
        notices.override(manila.team.supervisor, notice_id, why)
    with pytest.raises(InvalidInput):  # a justification in writing, 40 characters or more
        notices.override(manila.team.auditor, notice_id, "ordinary crime")
    overridden = notices.override(manila.team.auditor, notice_id, why)
    assert overridden.summary.state == "in_review" and overridden.review is not None
    assert overridden.review["outcome"] == "overridden"
    assert overridden.review["override"]["justification"] == why
    notices.approve(manila.team.supervisor, notice_id)
    assert notices.issue(manila.team.supervisor, notice_id).summary.state == "issued"
    partners.settle()
    assert held(partners["moscow"], notice_id).state == "issued"
    entries = manila.node.audit.entries(manila.team.auditor, limit=500, action="diffusion.override")
    assert [(e.object, e.result) for e in entries] == [  # each refusal audited too
        (notice_id, "denied"),
        (notice_id, "denied"),
        (notice_id, "ok"),
    ]
