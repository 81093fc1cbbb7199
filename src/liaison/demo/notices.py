"""The demo's notices, end to end between the three running nodes (FICTITIOUS).

Manila drafts an arrest request for a fugitive; the compliance review refuses
the first draft, whose charge is predominantly political, and passes the
corrected one; a supervisor approves it and it is published to every partner
whose agreement covers it (moscow, under the bilateral agreement; not
kuala-lumpur, whose agreement gives persons as hit/no-hit references only).
Moscow already holds a record of the same man under another spelling: the
notice is screened on arrival and raises an alert naming the action
requested. Moscow answers "located", which starts manila's deadline to
confirm the request stands; manila confirms. A stolen-passport notice goes
to both partners, and kuala-lumpur's border post checks a traveller's
passport by hit/no-hit. Finally manila cancels the arrest request: every
holder marks it cancelled and it raises no more alerts.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from rich.console import Console

from liaison.demo.cluster import NodeProcess, actor
from liaison.node import Node, Why

SETTLE_SECONDS = 120.0
FUGITIVE = "Ricardo Dimaculangan Bautista"  # fictitious
SPELLED = "Ricardo D. Bautista"
BORN = "1986-09-14"
PASSPORT = "P4402917B"  # fictitious
EVALUATED = {
    "purposes": ["investigation", "alert"],
    "crime_area": "human_trafficking",
    "subject_category": "suspect",
    "markings": {
        "classification": "RESTRICTED",
        "tlp": "GREEN",
        "pap": "GREEN",
        "handling": ["H0"],
    },
    "evaluation": {"scheme": "admiralty", "source": "B", "information": "2"},
}


def arrest_fields(charge: str) -> dict[str, Any]:
    return {
        "charge": charge,
        "warrant_reference": "RTC-FIC-2026-0417",
        "warrant_date": "2026-04-17",
        "issuing_authority": "Regional Trial Court, Fictitious City, Branch 12 (FICTITIOUS)",
        "summary_of_facts": "Recruited nine women with false job offers abroad and sold them "
        "to a fictitious syndicate (demo case).",
        "penalty": "Life imprisonment and a fine (demo)",
        "legal_references": ["Republic Act 9208 as amended, section 4 (demo reference)"],
        "extradition_intent": True,
    }


def notices_end_to_end(nodes: list[NodeProcess], console: Console) -> dict[str, Any]:
    manila, moscow, kl = nodes[0], nodes[1], nodes[2]
    properties = {
        "name": [FUGITIVE],
        "birthDate": [BORN],
        "nationality": ["ph"],
        "passportNumber": [PASSPORT],
    }
    person = {"schema": "Person", "properties": properties}
    with moscow.open() as node:  # moscow knows him under another spelling
        spelled = {"schema": "Person", "properties": {**properties, "name": [SPELLED]}}
        node.records.create(actor(node, "analyst"), spelled, EVALUATED, _why())
    console.print("\n[bold]notices[/]: manila asks its partners to arrest a fugitive")
    with manila.open() as node:
        analyst, supervisor = actor(node, "analyst"), actor(node, "supervisor")
        record = node.records.create(analyst, person, EVALUATED, _why())
        draft = {
            "kind": "arrest",
            "subjects": [record.record_id],
            "fields": arrest_fields("Sedition and insulting the president at an opposition rally"),
            "markings": {"tlp": "GREEN", "pap": "GREEN", "handling": ["H0"]},
            "evaluation": {"scheme": "admiralty", "source": "B", "information": "2"},
            "distribution": {"mode": "publication"},
        }
        made = node.notices.draft(analyst, draft)
        notice_id = made.summary.notice_id
        refused = node.notices.submit(analyst, notice_id)
        assert refused.review is not None
        reasons = [r["text"] for r in refused.review["reasons"] if r["effect"] == "deny"]
        console.print(f"  the compliance review refuses the first draft ({len(reasons)} reasons):")
        for reason in reasons[:3]:
            console.print(f"    {reason}", markup=False)
        draft["fields"] = arrest_fields("Qualified trafficking in persons")
        node.notices.edit(analyst, notice_id, draft)
        passed = node.notices.submit(analyst, notice_id)
        console.print(f"  corrected, it {passed.review['outcome'] if passed.review else '?'}")
        node.notices.approve(supervisor, notice_id)
        issued = node.notices.issue(supervisor, notice_id)
        for holder in issued.holders:
            said = "holds it" if holder.state == "holds" else f"not covered: {holder.reasons[0]}"
            console.print(f"  {holder.name}: {said}", markup=False)
    alert = _wait(lambda: _notice_alert(moscow, notice_id), "moscow's alert")
    console.print(f"  moscow's alert: its record {alert.record_caption!r} matches the notice,")
    console.print(f"    which asks to {alert.notice['action']}", markup=False)
    with moscow.open() as node:
        located = node.notices.respond(
            actor(node, "officer"), notice_id, "located", text="Seen at a port hotel (demo)"
        )
        due = next(d for d in located.deadlines if d.after == "located")
    console.print(f"  moscow answers located; manila must confirm by {due.due}")
    with manila.open() as node:
        _wait(lambda: _thread(node, notice_id), "moscow's response at manila")
        node.notices.respond(
            actor(node, "officer"),
            notice_id,
            "confirmed",
            text="The request stands; the extradition request follows (demo).",
            receiver=_node_id(moscow),
        )
    console.print("  manila confirms that the request stands")

    with manila.open() as node:
        analyst, supervisor = actor(node, "analyst"), actor(node, "supervisor")
        owner = node.records.create(
            analyst,
            {"schema": "Person", "properties": {"name": ["Liza Santos Mendoza"]}},
            EVALUATED,
        )
        passport = node.records.create(
            analyst,
            {
                "schema": "Passport",
                "properties": {
                    "number": ["P8801234C"],
                    "country": ["ph"],
                    "holder": [owner.entity_id],
                },
            },
            {
                **{k: v for k, v in EVALUATED.items() if k != "subject_category"},
                "crime_area": "terrorism",
            },
        )
        stolen = node.notices.draft(
            analyst,
            {
                "kind": "travel_document",
                "subjects": [passport.record_id],
                "fields": {"loss_date": "2026-10-02", "loss_report_reference": "PNP-FIC-2026-8812"},
                "markings": {"tlp": "GREEN", "pap": "GREEN", "handling": ["H0"]},
                "evaluation": {"scheme": "admiralty", "source": "B", "information": "2"},
                "distribution": {"mode": "publication"},
            },
        )
        stolen_id = stolen.summary.notice_id
        node.notices.submit(analyst, stolen_id)
        node.notices.approve(supervisor, stolen_id)
        listed = node.notices.issue(supervisor, stolen_id)
        held_by = sorted(h.name for h in listed.holders if h.state == "holds")
    console.print(f"\n  manila publishes a stolen passport notice; held by {', '.join(held_by)}")
    _wait(lambda: _holds(kl, stolen_id), "kuala-lumpur's copy of the passport notice")
    with kl.open() as node:
        hit, miss = node.notices.check(
            actor(node, "officer"),
            [
                {"kind": "passport", "value": "p8801234c"},
                {"kind": "passport", "value": "P1111111A"},
            ],
        )
    console.print(
        f"  kuala-lumpur's border post checks two passports: "
        f"{'hit' if hit.hit else 'no hit'}, {'hit' if miss.hit else 'no hit'}"
    )

    with manila.open() as node:
        node.notices.cancel(
            actor(node, "supervisor"), notice_id, "The fugitive surrendered in Manila (demo)."
        )
    state = _wait(lambda: _cancelled(moscow, notice_id), "the cancellation at moscow")
    console.print(f"  manila cancels the arrest request; at moscow it is now {state}")
    return {
        "notice": notice_id,
        "refused_first": bool(reasons),
        "holders": {h.name: h.state for h in issued.holders},
        "alert_action": alert.notice["action"],
        "border": [hit.hit, miss.hit],
        "cancelled_at_moscow": state,
    }


def _why() -> Why:
    return Why("investigation", "demo: a fictitious fugitive for the notices walkthrough")


def _node_id(n: NodeProcess) -> str:
    with n.open() as node:
        return node.ctx.node_id


def _notice_alert(n: NodeProcess, notice_id: str) -> Any:
    with n.open() as node:
        for alert in node.matching.alerts(actor(node, "analyst"), limit=500):
            if alert.notice and alert.notice["id"] == notice_id:
                return alert
    return None


def _thread(node: Node, notice_id: str) -> bool:
    return bool(node.notices.show(actor(node, "officer"), notice_id).thread)


def _holds(n: NodeProcess, notice_id: str) -> bool:
    with n.open() as node:
        page = node.notices.page(actor(node, "officer"), "in")
    return any(s.notice_id == notice_id for s in page.notices)


def _cancelled(n: NodeProcess, notice_id: str) -> str | None:
    with n.open() as node:
        page = node.notices.page(actor(node, "officer"), "in")
    states = [s.state for s in page.notices if s.notice_id == notice_id]
    return states[0] if states and states[0] == "cancelled" else None


def _wait(found: Callable[[], Any], what: str) -> Any:
    """Poll until ``found`` gives something (bounded by SETTLE_SECONDS)."""
    started = time.monotonic()
    while time.monotonic() - started < SETTLE_SECONDS:
        value = found()
        if value:
            return value
        time.sleep(0.5)
    raise TimeoutError(f"{what} did not arrive")
