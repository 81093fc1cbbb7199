"""Follow-up requests after a hit, on both sides (rules in ``liaison.policy.followups``).

The requester files a request for what a partner's hit found (``file``): the
hit must be one this node received (``hit_queries``), so nobody can fish with
guessed references. The request travels as a ``request`` notice; the
originator resolves the hit's opaque reference to its records through its
hit/no-hit index of that agreement, partner and key period (a reference no
longer offered is denied at once, saying so), and its liaison officer
decides (``decide``): an approval *releases* the records to the requester
(a consent for ``push``, so the policy lets them through in full; chosen
fields limit what the copy carries) and propagation sends them with their
markings through the changes channel; a denial or a question goes back as a
``decision`` notice, and a question is answered with ``reply``. Both sides
keep the request, its history and the deadline of whoever acts next, and
audit every step.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from collections import Counter
from collections.abc import Mapping, Sequence
from types import SimpleNamespace
from typing import Any

import orjson
from sqlalchemy import Connection, Row

from liaison.audit.chain import Action
from liaison.errors import InvalidInput, NotFound
from liaison.federation.notices import Notice, NoticeKind
from liaison.matching import person_keys
from liaison.model.records import Record
from liaison.model.roles import Actor
from liaison.model.vocab import Purpose
from liaison.node.context import NO_REASON, NodeContext, Why
from liaison.node.decisions import agreement_index, local_decisions, may_view
from liaison.node.hits import HitService, domain_name
from liaison.node.outbox import propagate_ids
from liaison.policy import followups as rules
from liaison.policy.decide import Use
from liaison.policy.followups import State, Step
from liaison.policy.permissions import Permission
from liaison.storage import federation as federation_store
from liaison.storage import followups as store
from liaison.storage import hub as hub_store
from liaison.storage import notices as notice_store
from liaison.storage import policy as policy_store
from liaison.storage import psi as psi_store
from liaison.storage import records as record_store

P = Permission
OUT, IN = "out", "in"
HUB = "hub:"  # the period of a request that follows a hub's candidate pair
PERSON = person_keys.KIND
MAX_PAGE = 200


class FollowupService:
    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx

    # --- the requester ---------------------------------------------------------------

    def file(
        self,
        actor: Actor,
        partner: str,
        reference: str,
        justification: str,
        purpose: str | None = None,
        why: Why = NO_REASON,
    ) -> dict[str, Any]:
        """Ask a partner for what one of its hits found."""
        with self.ctx.guard(actor, why):
            self.ctx.permit(actor, P.FOLLOWUP_FILE, Action.FOLLOWUP_FILE, f"peer:{partner}")
        text = rules.check_justification(justification)
        with self.ctx.tx() as conn:
            peer = federation_store.peer_called(conn, partner)
            if peer is None:
                raise NotFound("peer", partner)
            hit = self._hit(conn, peer, str(reference), purpose)
            chosen = _purpose(purpose or hit.purpose)
            now = self.ctx.now()
            due = rules.deadline(now, self.ctx.settings.followup_hours)
            request_id = f"req-{secrets.token_hex(12)}"
            row = {
                "request_id": request_id,
                "requester": self.ctx.node_id,
                "direction": OUT,
                "partner": peer.node_id,
                "agreement_id": hit.agreement_id,
                "period": hit.period,
                "reference": hit.reference,
                "subject": f"{hit.kind}:{hit.value}",
                "purpose": chosen.value,
                "justification": text,
                "state": State.PENDING.value,
                "due": due,
                "asked_by": actor.label,
                "records": [],
                "filed": now,
                "updated": now,
            }
            followup_id = store.open_request(conn, row)
            body = {
                "request": request_id,
                "reference": hit.reference,
                "also": store.siblings(conn, hit) if hit.kind == PERSON else [],
                "agreement": hit.agreement_id,
                "period": hit.period,
                "purpose": chosen.value,
                "justification": text,
                "asked_by": actor.label,
                "due": due,
            }
            notice_store.add(conn, peer.node_id, NoticeKind.REQUEST.value, body, now)
            self.ctx.record(
                conn,
                actor,
                Action.FOLLOWUP_FILE,
                f"peer:{peer.node_id}",
                Why(chosen.value, text),
                request=request_id,
                agreement=hit.agreement_id,
                reference=hit.reference,
                due=due.isoformat(),
            )
            return self._shown(conn, actor, followup_id)

    def _hit(self, conn: Connection, peer: Row[Any], reference: str, purpose: str | None) -> Any:
        """The hit a request follows: a hit/no-hit answer from that partner, or a
        hub's candidate pair naming the partner's reference (asked under the
        first agreement in force with the partner that allows the purpose)."""
        hit = store.hit_for(conn, peer.node_id, reference)
        if hit is not None:
            return hit
        pair = store.hub_candidate(conn, peer.node_id, reference)
        if pair is None:
            raise InvalidInput("reference", reference, f"no hit from {peer.name} has it")
        chosen = _purpose(purpose or Purpose.CROSS_CHECK.value)
        terms = agreement_index(self.ctx, conn).by_partner.get(peer.node_id, ())
        agreed = sorted(t.agreement_id for t in terms if chosen in t.purposes)
        if not agreed:
            raise InvalidInput("partner", peer.name, f"no agreement in force allows {chosen}")
        return SimpleNamespace(
            agreement_id=agreed[0],
            period=f"{HUB}{pair.project}",
            reference=reference,
            kind="hub",
            value=f"{pair.project}:{pair.record_id}",
            purpose=chosen.value,
        )

    def reply(self, actor: Actor, followup_id: int, text: str) -> dict[str, Any]:
        """Answer the originator's question; the request waits for its decision again."""
        with self.ctx.guard(actor):
            self.ctx.permit(
                actor, P.FOLLOWUP_FILE, Action.FOLLOWUP_REPLY, f"followup:{followup_id}"
            )
        answer = rules.check_reply(text)
        with self.ctx.tx() as conn:
            row = _mine(conn, followup_id, OUT)
            state = rules.after_reply(State(row.state))
            now = self.ctx.now()
            due = rules.deadline(now, self.ctx.settings.followup_hours)
            store.change(conn, row.id, state=state.value, due=due, updated=now)
            store.step(
                conn, row.id, step=Step.REPLY.value, actor=actor.label, text=answer, due=due, at=now
            )
            body = {"request": row.request_id, "text": answer, "by": actor.label, "due": due}
            notice_store.add(conn, row.partner, NoticeKind.REPLY.value, body, now)
            self.ctx.record(
                conn, actor, Action.FOLLOWUP_REPLY, f"followup:{row.id}", request=row.request_id
            )
            return self._shown(conn, actor, row.id)

    # --- the originator --------------------------------------------------------------

    def decide(
        self,
        actor: Actor,
        followup_id: int,
        decision: str,
        reason: str | None = None,
        fields: Sequence[str] | None = None,
        records: Sequence[str] | None = None,
    ) -> dict[str, Any]:
        """A liaison officer's decision on a partner's request: approve (all or
        chosen fields; all the records concerned or only ``records`` of them),
        deny with a reason, or ask for more."""
        target = f"followup:{followup_id}"
        with self.ctx.guard(actor), self.ctx.tx() as conn:
            self.ctx.permit(actor, P.FOLLOWUP_DECIDE, Action.FOLLOWUP_DECIDE, target)
            row = _mine(conn, followup_id, IN)
            concerned = orjson.loads(row.records)
            chosen = rules.check_records(records, concerned)
            found = record_store.current_for(conn, concerned)
            may_view(self.ctx, conn, actor, found, Action.FOLLOWUP_DECIDE)
            picked = [r for r in found if r.record_id in chosen]
            checked = rules.decide(
                State(row.state), decision, reason, fields, sorted({r.schema for r in picked})
            )
            if records is not None and not _approves(checked):
                raise InvalidInput("records", list(records), "records are chosen when approving")
            now = self.ctx.now()
            released = (
                self._release(conn, actor, row, picked, checked) if _approves(checked) else []
            )
            due = None
            if checked.state is State.MORE:
                due = rules.deadline(now, self.ctx.settings.followup_hours)
            _answer(self.ctx, conn, actor.label, row, checked, released, due)
            self.ctx.record(
                conn,
                actor,
                Action.FOLLOWUP_DECIDE,
                target,
                Why(row.purpose, checked.reason or None),
                request=row.request_id,
                partner=row.partner,
                state=checked.state.value,
                fields=list(checked.fields) if checked.fields else None,
                records=released,
            )
            return self._shown(conn, actor, row.id)

    def _release(
        self,
        conn: Connection,
        actor: Actor,
        row: Row[Any],
        records: Sequence[Record],
        d: rules.Decision,
    ) -> list[str]:
        """Release the records to the requester and queue them for it."""
        live = [r for r in records if not r.deleted]
        for record in live:
            policy_store.add_consent(
                conn,
                record_id=record.record_id,
                recipient=row.partner,
                use=Use.PUSH.value,
                given_by=actor.label,
                justification=f"follow-up request {row.request_id}: {d.reason or row.purpose}",
                given=self.ctx.now(),
            )
        ids = [r.record_id for r in live]
        store.change(conn, row.id, records=ids)
        propagate_ids(self.ctx, conn, ids)
        return ids

    # --- reading ---------------------------------------------------------------------

    def page(
        self,
        actor: Actor,
        direction: str | None = None,
        state: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> dict[str, Any]:
        """Requests (incoming: the inbox; outgoing: ours), those due soonest first."""
        if direction not in (None, IN, OUT):
            raise InvalidInput("direction", direction, "in or out")
        states = _states(state)
        if not 1 <= limit <= MAX_PAGE or offset < 0:
            raise InvalidInput("limit", limit, f"1-{MAX_PAGE}, with offset >= 0")
        with self.ctx.guard(actor):
            self.ctx.permit(actor, P.FOLLOWUP_READ, Action.FOLLOWUP_LIST, "followups")
        with self.ctx.tx() as conn:
            rows, total = store.page(conn, direction, states, limit, offset)
            names = federation_store.peer_names(conn)
            self.ctx.record(conn, actor, Action.FOLLOWUP_LIST, "followups", returned=len(rows))
            items = [
                {**self._summary(r, names), "records": self._records(conn, actor, _ids(r))}
                for r in rows
            ]
        return {"total": total, "limit": limit, "offset": offset, "items": items}

    def show(self, actor: Actor, followup_id: int) -> dict[str, Any]:
        with self.ctx.guard(actor):
            self.ctx.permit(actor, P.FOLLOWUP_READ, Action.FOLLOWUP_LIST, f"followup:{followup_id}")
        with self.ctx.read() as conn:
            return self._shown(conn, actor, followup_id)

    def _shown(self, conn: Connection, actor: Actor, followup_id: int) -> dict[str, Any]:
        row = store.get(conn, followup_id)
        if row is None:
            raise NotFound("follow-up request", str(followup_id))
        out = self._summary(row, federation_store.peer_names(conn))
        out["history"] = [
            {
                "step": s.step,
                "by": s.actor,
                "text": s.text,
                "due": s.due.isoformat() if s.due else None,
                "at": s.at.isoformat(),
            }
            for s in store.steps(conn, row.id)
        ]
        out["records"] = self._records(conn, actor, _ids(row))
        return out

    def _records(self, conn: Connection, actor: Actor, ids: Sequence[str]) -> list[dict[str, Any]]:
        """The records concerned (here: ours, or the copies that arrived), with
        schema and caption as far as this user may see them."""
        found = record_store.current_with_copies(conn, list(ids))
        seen = local_decisions(self.ctx, conn, actor, found, Use.VIEW)
        shown = {
            r.record_id: {"schema": r.schema, "caption": r.caption}
            for r, d in zip(found, seen, strict=True)
            if d.allowed and not r.deleted
        }
        present = {r.record_id for r in found}
        return [{"record_id": i, "arrived": i in present, **shown.get(i, {})} for i in ids]

    def _summary(self, row: Row[Any], names: Mapping[str, str]) -> dict[str, Any]:
        state = State(row.state)
        return {
            "id": row.id,
            "request_id": row.request_id,
            "direction": row.direction,
            "partner": names.get(row.partner, row.partner),
            "partner_id": row.partner,
            "agreement": row.agreement_id,
            "period": row.period,
            "reference": row.reference,
            "subject": row.subject,
            "purpose": row.purpose,
            "justification": row.justification,
            "state": state.value,
            "waiting_for": _waiting_for(row.direction, state),
            "due": row.due.isoformat() if row.due else None,
            "overdue": rules.overdue(state, row.due, self.ctx.now()),
            "asked_by": row.asked_by,
            "decided_by": row.decided_by,
            "fields": orjson.loads(row.fields) if row.fields else None,
            "reason": row.reason,
            "filed": row.filed.isoformat(),
            "updated": row.updated.isoformat(),
        }


# --- taking the partner's steps in (in the notices transaction) -----------------------


def take(ctx: NodeContext, conn: Connection, sender: Row[Any], actor: Actor, n: Notice) -> None:
    """Apply one follow-up step from a partner."""
    if n.kind is NoticeKind.REQUEST:
        _take_request(ctx, conn, sender, actor, n.body)
    elif n.kind is NoticeKind.DECISION:
        _take_decision(ctx, conn, sender, actor, n.body)
    elif n.kind is NoticeKind.REPLY:
        _take_reply(ctx, conn, sender, actor, n.body)


def _take_request(
    ctx: NodeContext, conn: Connection, sender: Row[Any], actor: Actor, body: Mapping[str, Any]
) -> None:
    if store.by_request(conn, sender.node_id, body["request"]) is not None:
        return  # the same request again: taken in once
    now = ctx.now()
    records = _resolve(conn, sender.node_id, body)
    row = {
        "request_id": body["request"],
        "requester": sender.node_id,
        "direction": IN,
        "partner": sender.node_id,
        "agreement_id": body["agreement"],
        "period": body["period"],
        "reference": body["reference"],
        "subject": _what_hit(ctx, conn, sender.node_id, body, records),
        "purpose": body["purpose"],
        "justification": body["justification"],
        "state": State.PENDING.value,
        "due": body["due"],
        "asked_by": f"{sender.name}:{body['asked_by']}",
        "records": records,
        "filed": now,
        "updated": now,
    }
    followup_id = store.open_request(conn, row)
    ctx.record(
        conn,
        actor,
        Action.FOLLOWUP_RECEIVE,
        f"followup:{followup_id}",
        Why(body["purpose"], body["justification"]),
        request=body["request"],
        agreement=body["agreement"],
        records=records,
        due=body["due"].isoformat(),
    )
    if not records:  # nothing is offered under that reference any more: say so now
        gone = "the reference no longer leads to a record offered to you (changed, "
        reason = gone + "deleted, no longer shared, or its key period ended)"
        found = store.get(conn, followup_id)
        assert found is not None
        decision = rules.Decision(State.DENIED, None, reason)
        _answer(ctx, conn, f"{ctx.name}:system", found, decision, [], None)


def _resolve(conn: Connection, requester: str, body: Mapping[str, Any]) -> list[str]:
    """The own records an opaque reference stands for: in the index offered to
    the requester under that agreement and period, or among the references
    this node gave a hub project the requester is a member of. A person's
    candidate hit comes with the references of its other keys that hit: only
    the records that carry the most of them are concerned, so a weak key (a
    name alone) does not bring every namesake along."""
    if body["period"].startswith(HUB):
        return _hub_records(conn, requester, body["period"][len(HUB) :], body["reference"])
    domain = domain_name(body["agreement"], requester)
    counts: Counter[str] = Counter()
    for reference in [body["reference"], *(body.get("also") or ())]:
        raw = _unb64(reference)
        if raw is not None:
            counts.update(psi_store.records_for(conn, domain, body["period"], raw))
    if not counts:
        return []
    most = max(counts.values())
    return sorted(r for r, n in counts.items() if n == most)


def _what_hit(
    ctx: NodeContext,
    conn: Connection,
    requester: str,
    body: Mapping[str, Any],
    records: Sequence[str],
) -> str | None:
    """What of ours the request's references hit, for the liaison officer who
    decides it (``HitService.what_hit``): an identifier, or a person's strongest
    matching key. A hub's candidate pair has no key of ours behind it."""
    if not records or body["period"].startswith(HUB):
        return None
    given = [body["reference"], *(body.get("also") or ())]
    raw = [found for ref in given if (found := _unb64(ref)) is not None]
    own = record_store.current_for(conn, records)
    return HitService(ctx).what_hit(body["agreement"], requester, body["period"], raw, own)


def _unb64(text: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None


def _hub_records(conn: Connection, requester: str, project: str, reference: str) -> list[str]:
    membership = hub_store.membership(conn, project)
    if membership is None or requester not in orjson.loads(membership.members):
        return []
    return sorted(set(hub_store.records_of(conn, project, [reference]).values()))


def _take_decision(
    ctx: NodeContext, conn: Connection, sender: Row[Any], actor: Actor, body: Mapping[str, Any]
) -> None:
    row = store.by_request(conn, ctx.node_id, body["request"])
    if row is None or row.partner != sender.node_id or row.direction != OUT:
        return  # not a request of ours to that partner: acknowledged, ignored
    now = ctx.now()
    by = f"{sender.name}:{body['decided_by']}"
    fields = list(body["fields"]) if body["fields"] else None
    records = list(body["records"])
    store.change(
        conn,
        row.id,
        state=body["state"],
        due=body["due"],
        decided_by=by,
        fields=fields,
        reason=body["reason"],
        records=records,
        updated=now,
    )
    store.step(
        conn,
        row.id,
        step=_STEP[State(body["state"])].value,
        actor=by,
        text=body["reason"] or None,
        due=body["due"],
        at=now,
    )
    ctx.record(
        conn,
        actor,
        Action.FOLLOWUP_ANSWER,
        f"followup:{row.id}",
        request=row.request_id,
        state=body["state"],
        fields=fields,
        records=records,
    )


def _take_reply(
    ctx: NodeContext, conn: Connection, sender: Row[Any], actor: Actor, body: Mapping[str, Any]
) -> None:
    row = store.by_request(conn, sender.node_id, body["request"])
    if row is None or row.direction != IN or State(row.state) is not State.MORE:
        return
    now = ctx.now()
    by = f"{sender.name}:{body['by']}"
    store.change(conn, row.id, state=State.PENDING.value, due=body["due"], updated=now)
    store.step(
        conn, row.id, step=Step.REPLY.value, actor=by, text=body["text"], due=body["due"], at=now
    )
    ctx.record(conn, actor, Action.FOLLOWUP_REPLY, f"followup:{row.id}", request=row.request_id)


def _answer(
    ctx: NodeContext,
    conn: Connection,
    by: str,
    row: Row[Any],
    checked: rules.Decision,
    released: Sequence[str],
    due: Any,
) -> None:
    """Record a decision on an incoming request and tell the requester."""
    now = ctx.now()
    fields = list(checked.fields) if checked.fields else None
    store.change(
        conn,
        row.id,
        state=checked.state.value,
        due=due,
        decided_by=by,
        fields=fields,
        reason=checked.reason,
        updated=now,
    )
    store.step(
        conn,
        row.id,
        step=_STEP[checked.state].value,
        actor=by,
        text=checked.reason or None,
        due=due,
        at=now,
    )
    body = {
        "request": row.request_id,
        "state": checked.state.value,
        "fields": fields,
        "reason": checked.reason,
        "records": list(released),
        "decided_by": by,
        "due": due,
    }
    notice_store.add(conn, row.partner, NoticeKind.DECISION.value, body, now)


# --- helpers -------------------------------------------------------------------------

_STEP = {
    State.APPROVED: Step.APPROVE,
    State.PARTLY: Step.APPROVE,
    State.DENIED: Step.DENY,
    State.MORE: Step.MORE,
    State.PENDING: Step.REPLY,
}


def _approves(decision: rules.Decision) -> bool:
    return decision.state in (State.APPROVED, State.PARTLY)


def _waiting_for(direction: str, state: State) -> str | None:
    """Whose move it is, from this node's side: ``us``, ``partner`` or nobody."""
    if state.final:
        return None
    originator_moves = state is State.PENDING
    return "us" if originator_moves == (direction == IN) else "partner"


def _states(state: str | None) -> list[str]:
    if state is None:
        return []
    if state == "open":
        return [State.PENDING.value, State.MORE.value]
    try:
        return [State(state).value]
    except ValueError:
        known = ", ".join(["open", *(s.value for s in State)])
        raise InvalidInput("state", state, f"one of {known}") from None


def _purpose(value: str) -> Purpose:
    try:
        return Purpose(value)
    except ValueError:
        raise InvalidInput("purpose", value, "not a known purpose") from None


def _mine(conn: Connection, followup_id: int, direction: str) -> Row[Any]:
    row = store.get(conn, followup_id, lock=True)
    if row is None or row.direction != direction:
        kind = "incoming" if direction == IN else "outgoing"
        raise NotFound(f"{kind} follow-up request", str(followup_id))
    return row


def _ids(row: Row[Any]) -> list[str]:
    """The records a request concerns (ours, or the copies released to us)."""
    found: list[str] = orjson.loads(row.records)
    return found
