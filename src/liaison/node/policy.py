"""Policy use cases: explain a decision, consents, the neutrality queue,
retention (what is due, renewal, purge). The decisions themselves are
``liaison.policy.decide``; this module loads what they read and logs what
they decided."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Any

import orjson
from sqlalchemy import Connection, and_, or_, select

from liaison.audit.chain import Action
from liaison.errors import Conflict, InvalidInput, NotFound
from liaison.model.envelope import parse_date
from liaison.model.markings import Classification
from liaison.model.records import Record
from liaison.model.roles import Actor, Role
from liaison.model.vocab import Purpose, parse_enum
from liaison.node.context import NO_REASON, NodeContext, Why
from liaison.node.decisions import facts_of, may_view, policy_context
from liaison.node.integrity import logged
from liaison.node.outbox import propagate, propagate_ids
from liaison.policy import retention
from liaison.policy.decide import (
    Decision,
    LocalUser,
    Partner,
    Recipient,
    Use,
    decide,
)
from liaison.policy.permissions import ROLE_PERMISSIONS, Permission
from liaison.storage import policy as store
from liaison.storage import records as record_store
from liaison.storage import users as user_store
from liaison.storage.federation import expire_copies
from liaison.storage.tables import records as records_table

P = Permission
_NODE_ID = re.compile(r"^lsn-[a-z2-7]{20}$")


@dataclass(frozen=True)
class Explanation:
    record_id: str
    recipient: str
    use: Use
    purpose: Purpose
    decision: Decision

    def to_dict(self) -> dict[str, Any]:
        return {
            "record_id": self.record_id,
            "recipient": self.recipient,
            "use": self.use.value,
            "purpose": self.purpose.value,
            **self.decision.to_dict(),
        }


class PolicyService:
    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx

    # --- explain ---------------------------------------------------------------

    def explain(
        self,
        actor: Actor,
        record_id: str,
        recipient: str,
        use: str = "push",
        purpose: str = "cross_check",
        why: Why = NO_REASON,
    ) -> Explanation:
        chosen_use = parse_enum(Use, "use", use)
        chosen_purpose = parse_enum(Purpose, "purpose", purpose)
        with self.ctx.guard(actor, why):
            self.ctx.permit(actor, P.POLICY_EXPLAIN, Action.POLICY_EXPLAIN, record_id)
            with self.ctx.tx() as conn:
                record = self._visible(conn, actor, record_id, Action.POLICY_EXPLAIN)
                to = self._recipient(conn, recipient)
                facts = facts_of(self.ctx, conn, record)
                decision = decide(
                    facts,
                    to,
                    chosen_use,
                    chosen_purpose,
                    policy_context(self.ctx, conn, [record_id]),
                )
                self.ctx.record(
                    conn,
                    actor,
                    Action.POLICY_EXPLAIN,
                    record_id,
                    why,
                    recipient=recipient,
                    use=chosen_use.value,
                    outcome=decision.outcome.label,
                )
        return Explanation(record_id, recipient, chosen_use, chosen_purpose, decision)

    # --- consents ----------------------------------------------------------------

    def give_consent(
        self, actor: Actor, record_id: str, recipient: str, use: str, justification: str | None
    ) -> dict[str, Any]:
        chosen = parse_enum(Use, "use", use)
        if not justification or len(justification.strip()) < 10:
            raise InvalidInput(
                "justification", justification, "a consent needs a justification of 10+ characters"
            )
        with self.ctx.guard(actor), self.ctx.tx() as conn:
            record = self._visible(conn, actor, record_id, Action.CONSENT_GIVE)
            if not _may_consent(actor, record, chosen, recipient):
                self.ctx.permit(actor, P.CONSENT_MANAGE, Action.CONSENT_GIVE, record_id)
            if record.envelope.originator != self.ctx.node_id:
                raise Conflict(
                    f"record {record_id} belongs to {record.envelope.originator}; "
                    "only the originator can consent"
                )
            if recipient.strip() == f"user:{actor.username}":
                raise InvalidInput("recipient", recipient, "nobody may name themselves")
            self._recipient(conn, recipient)
            consent_id = store.add_consent(
                conn,
                record_id=record_id,
                recipient=recipient,
                use=chosen.value,
                given_by=actor.label,
                justification=justification.strip(),
                given=self.ctx.now(),
            )
            self.ctx.record(
                conn,
                actor,
                Action.CONSENT_GIVE,
                record_id,
                Why(justification=justification.strip()),
                consent=consent_id,
                recipient=recipient,
                use=chosen.value,
            )
            propagate(self.ctx, conn, [record])
            row = store.consent(conn, consent_id)
        return _consent(row)

    def withdraw_consent(self, actor: Actor, consent_id: int, reason: str | None) -> dict[str, Any]:
        if not reason or not reason.strip():
            raise InvalidInput("reason", reason, "a withdrawal needs a reason")
        with self.ctx.guard(actor):
            self.ctx.permit(
                actor, P.CONSENT_MANAGE, Action.CONSENT_WITHDRAW, f"consent:{consent_id}"
            )
            with self.ctx.tx() as conn:
                row = store.consent(conn, consent_id)
                if row is None:
                    raise NotFound("consent", str(consent_id))
                if row.withdrawn is not None:
                    raise Conflict(f"consent {consent_id} was already withdrawn")
                store.withdraw_consent(
                    conn,
                    consent_id,
                    withdrawn=self.ctx.now(),
                    withdrawn_by=actor.label,
                    withdrawal_reason=reason.strip(),
                )
                self.ctx.record(
                    conn,
                    actor,
                    Action.CONSENT_WITHDRAW,
                    row.record_id,
                    Why(justification=reason.strip()),
                    consent=consent_id,
                )
                propagate_ids(self.ctx, conn, [row.record_id])
                return _consent(store.consent(conn, consent_id))

    def consents(self, actor: Actor, record_id: str | None = None) -> list[dict[str, Any]]:
        with self.ctx.guard(actor):
            self.ctx.permit(actor, P.POLICY_EXPLAIN, Action.CONSENT_LIST, record_id or "consents")
            with self.ctx.tx() as conn:
                if record_id is not None:
                    self._visible(conn, actor, record_id, Action.CONSENT_LIST)
                rows = store.consents_for(
                    conn, [record_id] if record_id else None, include_withdrawn=True
                )
                self.ctx.record(
                    conn, actor, Action.CONSENT_LIST, record_id or "consents", returned=len(rows)
                )
        return [_consent(r) for r in rows]

    # --- neutrality ----------------------------------------------------------------

    def queue(
        self, actor: Actor, state: str | None = "held", limit: int = 100
    ) -> list[dict[str, Any]]:
        if state is not None and state not in ("held", "released", "upheld"):
            raise InvalidInput("state", state, "must be held, released or upheld")
        with self.ctx.guard(actor):
            self.ctx.permit(actor, P.NEUTRALITY_REVIEW, Action.NEUTRALITY_LIST, "neutrality")
            with self.ctx.tx() as conn:
                rows = store.reviews(conn, state, max(1, min(limit, 1000)))
                self.ctx.record(
                    conn,
                    actor,
                    Action.NEUTRALITY_LIST,
                    "neutrality",
                    state=state,
                    returned=len(rows),
                )
        return [_review(r) for r in rows]

    def review(
        self, actor: Actor, record_id: str, verdict: str, reason: str | None
    ) -> dict[str, Any]:
        """The auditor's predominance test: release the record, or uphold the hold."""
        if verdict not in ("release", "uphold"):
            raise InvalidInput("verdict", verdict, "must be release or uphold")
        if not reason or len(reason.strip()) < 10:
            raise InvalidInput("reason", reason, "the decision needs a reason of 10+ characters")
        action = Action.NEUTRALITY_RELEASE if verdict == "release" else Action.NEUTRALITY_UPHOLD
        with self.ctx.guard(actor):
            self.ctx.permit(actor, P.NEUTRALITY_REVIEW, action, record_id)
            with self.ctx.tx() as conn:
                current = store.review(conn, record_id)
                if current is None:
                    raise NotFound("neutrality review", record_id)
                if current.state != "held":
                    raise Conflict(f"record {record_id} was already {current.state}")
                state = "released" if verdict == "release" else "upheld"
                store.decide_review(
                    conn, record_id, state, actor.label, reason.strip(), self.ctx.now()
                )
                self.ctx.record(conn, actor, action, record_id, Why(justification=reason.strip()))
                propagate_ids(self.ctx, conn, [record_id])
                return _review(store.review(conn, record_id))

    # --- retention -------------------------------------------------------------------

    def due(self, actor: Actor, limit: int = 100) -> list[dict[str, Any]]:
        """Records whose review falls within three months, is overdue, or that expired."""
        today = self.ctx.now().date()
        with self.ctx.guard(actor):
            self.ctx.permit(actor, P.RECORD_READ, Action.RETENTION_LIST, "retention")
            with self.ctx.tx() as conn:
                rows = _due_rows(conn, retention.warn_before(today), limit, actor, self.ctx.node_id)
                self.ctx.record(conn, actor, Action.RETENTION_LIST, "retention", returned=len(rows))
        out = []
        for row in rows:
            status = retention.status(row.review_due, row.expires, today)
            out.append(
                {
                    "record_id": row.record_id,
                    "caption": row.caption,
                    "review_due": row.review_due.isoformat() if row.review_due else None,
                    "expires": row.expires.isoformat() if row.expires else None,
                    "standing": status.standing.value,
                    "text": status.text,
                }
            )
        return out

    def renew(
        self, actor: Actor, record_id: str, review_due: str, justification: str | None
    ) -> Record:
        """Renewal at review: a new version whose review date moves forward."""
        new_due = parse_date("review_due", review_due)
        if new_due is None:
            raise InvalidInput("review_due", review_due, "is required")
        with self.ctx.guard(actor):
            self.ctx.permit(actor, P.RECORD_RENEW, Action.RECORD_RENEW, record_id)
            with self.ctx.tx() as conn:
                head, current = self._visible_head(
                    conn, actor, record_id, Action.RECORD_RENEW, lock=True
                )
                if current.deleted:
                    raise Conflict(f"record {record_id} was deleted")
                if current.envelope.originator != self.ctx.node_id:
                    raise Conflict(f"record {record_id} belongs to {current.envelope.originator}")
                retention.check_renewal(
                    new_due,
                    current.envelope.expires,
                    justification,
                    self.ctx.now().date(),
                    self.ctx.settings.review_years,
                )
                renewed = replace(
                    current,
                    version=current.version + 1,
                    envelope=replace(current.envelope, review_due=new_due),
                    modified=self.ctx.now(),
                    modified_by=actor.label,
                )
                record_store.write(conn, [(renewed, head.names)])
                self.ctx.record(
                    conn,
                    actor,
                    Action.RECORD_RENEW,
                    record_id,
                    Why(justification=(justification or "").strip()),
                    version=renewed.version,
                    hash=renewed.content_hash,
                    review_due=new_due.isoformat(),
                )
                propagate(self.ctx, conn, [renewed])
        return renewed

    def purge(self, actor: Actor, limit: int = 10_000) -> list[str]:
        """Tombstones for records past expiry or past review without renewal."""
        today = self.ctx.now().date()
        with self.ctx.guard(actor):
            self.ctx.permit(actor, P.RECORD_RENEW, Action.RETENTION_PURGE, "retention")
            with self.ctx.tx() as conn:
                rows = _due_rows(conn, today, limit)
                purged, tombstones, expired_copies = [], [], []
                for row in rows:
                    status = retention.status(row.review_due, row.expires, today)
                    if not status.purge:
                        continue
                    purged.append(row.record_id)
                    if row.originator != self.ctx.node_id:  # a received copy expires here too
                        expired_copies.append(row.record_id)
                        continue
                    current = record_store.load(conn, row)
                    assert current is not None
                    reason = f"retention: {status.text}"
                    tombstone = current.tombstone(reason, actor.label, self.ctx.now())
                    record_store.write(conn, [(tombstone, "")])
                    tombstones.append(tombstone)
                expire_copies(conn, expired_copies)
                propagate(self.ctx, conn, tombstones)
                self.ctx.record(
                    conn,
                    actor,
                    Action.RETENTION_PURGE,
                    "retention",
                    purged=purged,
                    day=today.isoformat(),
                    versions=logged(tombstones),
                )
        return purged

    # --- helpers -----------------------------------------------------------------

    def _visible(self, conn: Connection, actor: Actor, record_id: str, action: Action) -> Record:
        return self._visible_head(conn, actor, record_id, action)[1]

    def _visible_head(
        self, conn: Connection, actor: Actor, record_id: str, action: Action, lock: bool = False
    ) -> tuple[Any, Record]:
        """The head row and the latest version, if the actor may read the record."""
        head = record_store.head(conn, record_id, lock)
        record = None if head is None else record_store.load(conn, head)
        if record is None:
            raise NotFound("record", record_id)
        may_view(self.ctx, conn, actor, [record], action)  # clearance and TLP:RED, as reads
        return head, record

    def _recipient(self, conn: Connection, text: str) -> Recipient:
        text = (text or "").strip()
        if text.startswith("user:"):
            row = user_store.by_name(conn, text[5:])
            if row is None or not row.active:
                raise InvalidInput("recipient", text, "no active user of that name on this node")
            return LocalUser(row.username, Role(row.role), Classification(row.clearance))
        if not _NODE_ID.match(text):
            raise InvalidInput("recipient", text, "must be a node id (lsn-…) or user:NAME")
        return Partner(text)


def _may_consent(actor: Actor, record: Record, use: Use, recipient: str) -> bool:
    """Liaison officers consent; besides them, the author of a record names the
    local users who may read it (the recipients of a TLP:RED record)."""
    if P.CONSENT_MANAGE in ROLE_PERMISSIONS[actor.role]:
        return True
    author = record.created_by.partition(":")[2] == actor.username
    return author and use is Use.VIEW and recipient.strip().startswith("user:")


def _due_rows(
    conn: Connection,
    before: dt.date,
    limit: int,
    reader: Actor | None = None,
    holder: str = "",
) -> list[Any]:
    """Heads due by ``before``; with a reader, only those the reader may see."""
    t = records_table
    due = and_(t.c.deleted.is_(False), or_(t.c.review_due <= before, t.c.expires <= before))
    if reader is not None:
        due = and_(due, record_store.visible_to(reader.clearance, reader.username, holder))
    query = select(t).where(due).order_by(t.c.review_due, t.c.id).limit(limit)
    return list(conn.execute(query))


def _consent(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "record_id": row.record_id,
        "recipient": row.recipient,
        "use": row.use,
        "given_by": row.given_by,
        "justification": row.justification,
        "given": row.given.isoformat(),
        "withdrawn": row.withdrawn.isoformat() if row.withdrawn else None,
        "withdrawn_by": row.withdrawn_by,
        "withdrawal_reason": row.withdrawal_reason,
    }


def _review(row: Any) -> dict[str, Any]:
    return {
        "record_id": row.record_id,
        "version": row.version,
        "signals": orjson.loads(row.signals),
        "state": row.state,
        "flagged": row.flagged.isoformat(),
        "decided_by": row.decided_by,
        "decided": row.decided.isoformat() if row.decided else None,
        "reason": row.reason,
    }
