"""Notices and diffusions at the node: issuing, holding, answering (rules in
``liaison.diffusion``; what each side sees in docs/notices.md).

The originator drafts a notice on its records, submits it to the automatic
compliance review, has it approved by someone else and issues it: as a
*publication* to every partner whose agreement covers it, or as a
*diffusion* to the partners chosen. Whether an agreement covers a notice is
``policy.decide`` on each subject record, with the notice's markings (the
tightest of the draft and its records), for purpose ``alert`` and use
``coercive_alert`` for a coercive request, ``push`` otherwise — exactly as for
records. Each partner that holds it is in the disclosure register
(``diffusion_holders``) and receives every later version, suspension,
cancellation and expiry as a ``diffusion`` notice over the courier.

The receiver keeps the notice and its subjects apart from its records, and
puts the subjects in its match index (``ntc:`` subjects): the notice is
screened at once against its records, and a record written later that
matches it raises an alert naming the requested action, while the notice is
issued and before its expiry day (``raises_alerts``). A suspended, cancelled
or expired notice leaves the index. Border posts check document, vehicle and
vessel numbers against the identifier lists held (hit/no-hit), and the
receiver answers in the notice's thread; both sides compute the same
deadlines from the time the originator first sent it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import secrets
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import orjson
from sqlalchemy import Connection, Row

from liaison.audit.chain import Action, Result
from liaison.diffusion import codec
from liaison.diffusion import lifecycle as life
from liaison.diffusion.compliance import Review, override, review
from liaison.diffusion.drafts import Mode, NoticeDraft, parse_draft
from liaison.diffusion.kinds import RequestKind, ResponseKind, request_type
from liaison.diffusion.responses import Ground, Response, check_held, deadlines
from liaison.errors import Conflict, InvalidInput, LiaisonError, MessageRefused, NotFound
from liaison.federation.notices import Notice as Wire
from liaison.federation.notices import NoticeKind
from liaison.matching.identifiers import IdKind, identifiers_of, normalise
from liaison.matching.profile import build, keys, loads
from liaison.matching.score import default_model, raises_alert, score
from liaison.model.entities import parse_entity
from liaison.model.markings import Classification, Markings
from liaison.model.records import Record
from liaison.model.roles import Actor
from liaison.model.vocab import Purpose
from liaison.node.context import NO_REASON, NodeContext, Why
from liaison.node.decisions import facts_for, policy_context
from liaison.node.outbox import ended_keeping
from liaison.node.setup import SYSTEM
from liaison.policy.decide import Outcome, Partner, Use, decide
from liaison.policy.permissions import Permission
from liaison.storage import diffusion as store
from liaison.storage import federation as federation_store
from liaison.storage import matching as match_store
from liaison.storage import notices as notice_store
from liaison.storage import policy as policy_store
from liaison.storage import records as record_store

P = Permission
REVIEWER = "system:compliance"  # the automatic review signs as this
MAX_PAGE = 200
SCREEN_CANDIDATES = 50
STOP_KEY = 2000
_NOTICE_ID = re.compile(r"^ntc-[0-9a-f]{32}$")
log = logging.getLogger(__name__)
HOLDS, NOT_COVERED, DROPPED = "holds", "not_covered", "dropped"
#: A holder that keeps the version it has under an agreement that ended with ``on_end:
#: keep``: it gets no newer version, only the end of the notice, without its contents.
KEPT = "kept"
_HOLDING = (HOLDS, KEPT)
_NO_LONGER_COVERED = "the agreement no longer covers this notice for you"
_COVERED = "the agreement now covers this notice for you"
#: How long before expiry the renewal list takes a notice in (the longest reminder of
#: any request type; each summary's ``renewal_due`` uses its own type's).
_REMINDER_MONTHS = max(request_type(kind).reminder_months for kind in RequestKind)
CONFIRMED = "confirmed"  # the originator's confirmation in a thread


# --- what callers read -------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    record_id: str
    schema: str
    caption: str
    properties: dict[str, list[str]]


@dataclass(frozen=True)
class Holder:
    node_id: str
    name: str
    state: str  # holds | not_covered | dropped
    version: int
    reasons: list[str]
    first_sent: str | None
    agreement_id: str | None  # the agreement it was last sent under


@dataclass(frozen=True)
class ThreadEntry:
    id: int
    receiver: str
    author: str
    kind: str  # a response kind, or confirmed
    ground: str | None
    text: str | None
    by: str
    at: str


@dataclass(frozen=True)
class DeadlineView:
    receiver: str
    after: str
    who: str  # originator | receiver
    step: str  # acknowledge | confirm
    due: str
    met: bool
    overdue: bool


@dataclass(frozen=True)
class EventView:
    move: str
    by: str
    on: str
    version: int
    reason: str | None
    approved_by: str | None = None  # an amendment's approver


@dataclass(frozen=True)
class NoticeSummary:
    notice_id: str
    own: bool  # issued by this node
    originator: str
    originator_name: str
    kind: str
    action: str  # what it asks, in words
    colour: str  # INTERPOL's, or none for an identifier list
    coercive: bool
    state: str
    version: int
    mode: str
    caption: str
    expires_on: str | None
    updated: str
    renewal_due: bool  # ours, live, and its reminder day has come: renew or let it expire


@dataclass(frozen=True)
class NoticeView:
    summary: NoticeSummary
    fields: dict[str, Any]
    markings: dict[str, Any]
    evaluation: dict[str, Any] | None
    subjects: list[Subject]
    draft: dict[str, Any] | None  # ours: the draft as stored (subject ids, distribution...)
    review: dict[str, Any] | None  # ours: the last compliance review
    history: list[EventView]  # ours: every move; a partner's: the changes it was sent
    holders: list[Holder]  # ours: the disclosure register
    thread: list[ThreadEntry]  # ours: every receiver's; a partner's: ours with it
    deadlines: list[DeadlineView]
    moves: list[str]  # the moves allowed now (ours), or ["respond"] (a partner's)
    responses: list[str]  # the responses its kind takes
    pending: dict[str, Any] | None  # ours: an amendment waiting for approval
    reminder_due: bool
    issued_on: str | None


@dataclass(frozen=True)
class NoticePage:
    notices: list[NoticeSummary]
    box: str  # out | in
    state: str | None
    renewal: bool  # only ours that are due for renewal, the soonest expiry first
    limit: int
    offset: int


@dataclass(frozen=True)
class CheckResult:
    kind: str
    value: str  # as normalised
    hit: bool
    notices: list[NoticeSummary]  # the identifier lists it is on (empty: no hit)


# --- the service -------------------------------------------------------------------------


class DiffusionService:
    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx

    # --- drafting and review (the originator) -----------------------------------------

    def draft(self, actor: Actor, data: Any, why: Why = NO_REASON) -> NoticeView:
        """A new notice in draft, on this node's records."""
        with self.ctx.guard(actor, why):
            self.ctx.permit(actor, P.NOTICE_DRAFT, Action.DIFFUSION_DRAFT, "notices")
        notice_id = f"ntc-{secrets.token_hex(16)}"
        with self.refusals(actor, Action.DIFFUSION_DRAFT, "notices"), self.ctx.tx() as conn:
            parsed = parse_draft(data, self.ctx.now().date())
            self._subjects_visible(conn, actor, parsed)
            self._recipients_known(conn, parsed)
            notice = life.start(notice_id, parsed, actor.label, self._today())
            self._save(conn, notice)
            self.ctx.record(
                conn,
                actor,
                Action.DIFFUSION_DRAFT,
                notice_id,
                why,
                kind=parsed.kind.value,
                subjects=list(parsed.subject_ids),
                digest=parsed.digest,
            )
            return self._view(conn, notice_id)

    def edit(self, actor: Actor, notice_id: str, data: Any) -> NoticeView:
        with self.ctx.guard(actor):
            self.ctx.permit(actor, P.NOTICE_DRAFT, Action.DIFFUSION_DRAFT, notice_id)
        with self.refusals(actor, Action.DIFFUSION_DRAFT, notice_id), self.ctx.tx() as conn:
            parsed = parse_draft(data, self.ctx.now().date())
            notice = self._own(conn, notice_id)
            self._subjects_visible(conn, actor, parsed)
            self._recipients_known(conn, parsed)
            changed = life.edit(notice, parsed, actor.label, self._today())
            self._save(conn, changed)
            self.ctx.record(
                conn, actor, Action.DIFFUSION_DRAFT, notice_id, move="edit", digest=parsed.digest
            )
            return self._view(conn, notice_id)

    def submit(self, actor: Actor, notice_id: str) -> NoticeView:
        """Send the draft to the compliance review, which runs at once: refused, it is
        back in draft with every reason; passed, it waits for approval."""
        with self.ctx.guard(actor):
            self.ctx.permit(actor, P.NOTICE_DRAFT, Action.DIFFUSION_REVIEW, notice_id)
        with self.refusals(actor, Action.DIFFUSION_REVIEW, notice_id), self.ctx.tx() as conn:
            notice = self._own(conn, notice_id)
            submitted = life.submit(notice, actor.label, self._today())
            result = self._review(conn, submitted.draft)
            reviewed = life.record_review(submitted, result, REVIEWER, self._today())
            self._save(conn, reviewed)
            self._audit_review(conn, actor, notice_id, result)
            return self._view(conn, notice_id)

    def override(self, actor: Actor, notice_id: str, justification: str) -> NoticeView:
        """An auditor overrides a neutrality refusal in writing; the notice then waits
        for approval, with the refusal and the justification kept."""
        with self.ctx.guard(actor):
            self.ctx.permit(actor, P.NOTICE_OVERRIDE, Action.DIFFUSION_OVERRIDE, notice_id)
        with self.refusals(actor, Action.DIFFUSION_OVERRIDE, notice_id), self.ctx.tx() as conn:
            notice = self._own(conn, notice_id)
            if notice.review is None or notice.review.passed:
                raise Conflict(f"notice {notice_id} has no refused review to override")
            if notice.review.draft_digest != notice.draft.digest:
                raise Conflict(f"notice {notice_id} changed since its review: submit it again")
            if actor.label in notice.drafters:
                raise Conflict("a drafter does not override the review of their own notice")
            today = self._today()
            fresh = self._review(conn, notice.draft)  # the records may have changed since
            overridden = override(fresh, by=actor.label, justification=justification, on=today)
            submitted = life.submit(notice, actor.label, today)
            reviewed = life.record_review(submitted, overridden, actor.label, today)
            self._save(conn, reviewed)
            self.ctx.record(
                conn,
                actor,
                Action.DIFFUSION_OVERRIDE,
                notice_id,
                justification=overridden.override.justification if overridden.override else "",
                refusals=[r.text for r in overridden.denials],
                digest=notice.draft.digest,
            )
            return self._view(conn, notice_id)

    def send_back(self, actor: Actor, notice_id: str, reason: str) -> NoticeView:
        return self._move(
            actor, notice_id, "send_back", lambda n, by, on: life.send_back(n, by, on, reason)
        )

    def approve(self, actor: Actor, notice_id: str) -> NoticeView:
        with self.ctx.guard(actor):
            self.ctx.permit(actor, P.NOTICE_APPROVE, Action.DIFFUSION_APPROVE, notice_id)
        with self.refusals(actor, Action.DIFFUSION_APPROVE, notice_id), self.ctx.tx() as conn:
            notice = self._own(conn, notice_id)
            approved = life.approve(notice, actor.label, self._today())
            self._save(conn, approved)
            self.ctx.record(
                conn, actor, Action.DIFFUSION_APPROVE, notice_id, digest=notice.draft.digest
            )
            return self._view(conn, notice_id)

    # --- issuing and changes ------------------------------------------------------------

    def issue(self, actor: Actor, notice_id: str) -> NoticeView:
        """Publish to every partner whose agreement covers the notice, or diffuse to
        the partners chosen (each of which must be covered: otherwise nothing is sent
        and the refusal names the partner and the agreement's reasons)."""
        with self.ctx.guard(actor):
            self.ctx.permit(actor, P.NOTICE_APPROVE, Action.DIFFUSION_ISSUE, notice_id)
        with self.refusals(actor, Action.DIFFUSION_ISSUE, notice_id), self.ctx.tx() as conn:
            notice = self._own(conn, notice_id)
            today = self._today()
            if notice.state is not life.State.APPROVED:
                raise Conflict(f"notice {notice_id} is {notice.state.value}; only approved issues")
            # the day's facts, again: a record expired, held or changed since approval
            # stops the notice; a neutrality refusal overridden in writing does not
            overridden = notice.review is not None and notice.review.override is not None
            result = self._review(conn, notice.draft)
            stopping = [r for r in result.denials if not (overridden and r.overridable)]
            if stopping:
                refused = "; ".join(r.text for r in stopping)
                raise Conflict(f"notice {notice_id} no longer passes its review: {refused}")
            covered = self._coverage(conn, notice)
            if notice.mode is Mode.DIFFUSION:
                denied = {p: c.denials for p, c in covered.items() if c.denials}
                if denied:
                    partners = "; ".join(f"{p}: {', '.join(r)}" for p, r in denied.items())
                    raise NotCovered(f"the agreement does not cover this notice for {partners}")
            issued = life.issue(notice, actor.label, today)
            self._save(conn, issued)
            sent = self._send(conn, issued, covered)
            self.ctx.record(
                conn,
                actor,
                Action.DIFFUSION_ISSUE,
                notice_id,
                mode=issued.mode.value,
                holders=sent.sent,
                not_covered={p: list(c.denials) for p, c in covered.items() if c.denials},
                expires_on=issued.expires_on.isoformat() if issued.expires_on else None,
            )
            return self._view(conn, notice_id)

    def propose_amendment(self, actor: Actor, notice_id: str, data: Any) -> NoticeView:
        """A new version of an issued notice, waiting for someone else's approval."""
        with self.ctx.guard(actor):
            self.ctx.permit(actor, P.NOTICE_DRAFT, Action.DIFFUSION_DRAFT, notice_id)
        with self.refusals(actor, Action.DIFFUSION_DRAFT, notice_id), self.ctx.tx() as conn:
            parsed = parse_draft(data, self.ctx.now().date())
            notice = self._own(conn, notice_id)
            if life.Move.AMEND not in life.allowed_moves(notice):
                raise Conflict(f"notice {notice_id} is {notice.state.value}: it is not amended")
            if parsed.kind is not notice.draft.kind:
                raise InvalidInput("kind", parsed.kind.value, f"the notice is {notice.draft.kind}")
            if parsed.digest == notice.draft.digest:
                raise InvalidInput("draft", parsed.digest[:12], "the amendment changes nothing")
            self._subjects_visible(conn, actor, parsed)
            self._recipients_known(conn, parsed)
            pending = {"draft": codec.draft_to_dict(parsed), "by": actor.label}
            store.put_notice(
                conn, {"notice_id": notice_id, "pending": store.dumps(pending), **self._touch()}
            )
            self.ctx.record(
                conn, actor, Action.DIFFUSION_DRAFT, notice_id, move="amend", digest=parsed.digest
            )
            return self._view(conn, notice_id)

    def approve_amendment(self, actor: Actor, notice_id: str, reason: str) -> NoticeView:
        """Review the pending amendment; passed, approve it (not its author) and send the
        new version to every holder."""
        with self.ctx.guard(actor):
            self.ctx.permit(actor, P.NOTICE_APPROVE, Action.DIFFUSION_CHANGE, notice_id)
        with self.refusals(actor, Action.DIFFUSION_CHANGE, notice_id), self.ctx.tx() as conn:
            notice = self._own(conn, notice_id)
            row = store.notice(conn, notice_id)
            assert row is not None
            if not row.pending:
                raise Conflict(f"notice {notice_id} has no amendment waiting")
            pending = orjson.loads(row.pending)
            draft = codec.draft_from_dict(pending["draft"])
            result = self._review(conn, draft)
            self._audit_review(conn, actor, notice_id, result)
            if not result.passed:
                refused = "; ".join(r.text for r in result.denials)
                raise Conflict(f"the amendment does not pass the review: {refused}")
            amended = life.amend(
                notice,
                draft,
                result,
                by=str(pending["by"]),
                approved_by=actor.label,
                on=self._today(),
                reason=reason,
            )
            self._save(conn, amended, pending=None)
            covered = self._coverage(conn, amended)
            sent = self._send(conn, amended, covered)
            self.ctx.record(
                conn,
                actor,
                Action.DIFFUSION_CHANGE,
                notice_id,
                move="amend",
                version=amended.version,
                holders=sent.sent,
                dropped=sent.dropped,
                reason=reason,
            )
            return self._view(conn, notice_id)

    def suspend(self, actor: Actor, notice_id: str, reason: str) -> NoticeView:
        return self._change(actor, notice_id, life.Move.SUSPEND, reason)

    def resume(self, actor: Actor, notice_id: str, reason: str) -> NoticeView:
        return self._change(actor, notice_id, life.Move.RESUME, reason)

    def renew(self, actor: Actor, notice_id: str, reason: str) -> NoticeView:
        return self._change(actor, notice_id, life.Move.RENEW, reason)

    def cancel(self, actor: Actor, notice_id: str, reason: str) -> NoticeView:
        return self._change(actor, notice_id, life.Move.CANCEL, reason)

    def _change(self, actor: Actor, notice_id: str, move: life.Move, reason: str) -> NoticeView:
        with self.ctx.guard(actor):
            self.ctx.permit(actor, P.NOTICE_APPROVE, Action.DIFFUSION_CHANGE, notice_id)
        with self.refusals(actor, Action.DIFFUSION_CHANGE, notice_id), self.ctx.tx() as conn:
            notice = self._own(conn, notice_id)
            changed = _MOVES[move](notice, actor.label, self._today(), reason)
            self._save(conn, changed)
            sent = self._resend(conn, changed) if changed.state is not life.State.DRAFT else []
            self.ctx.record(
                conn,
                actor,
                Action.DIFFUSION_CHANGE,
                notice_id,
                move=move.value,
                reason=reason,
                holders=sent,
            )
            return self._view(conn, notice_id)

    def _move(self, actor: Actor, notice_id: str, name: str, step: Any) -> NoticeView:
        with self.ctx.guard(actor):
            self.ctx.permit(actor, P.NOTICE_APPROVE, Action.DIFFUSION_CHANGE, notice_id)
        with self.refusals(actor, Action.DIFFUSION_CHANGE, notice_id), self.ctx.tx() as conn:
            notice = self._own(conn, notice_id)
            self._save(conn, step(notice, actor.label, self._today()))
            self.ctx.record(conn, actor, Action.DIFFUSION_CHANGE, notice_id, move=name)
            return self._view(conn, notice_id)

    def subjects_deleted(
        self, conn: Connection, actor: Actor, record_ids: Sequence[str], reason: str
    ) -> list[str]:
        """Our live notices that named records just deleted go out again without them;
        one left without a subject of its primary schema is cancelled. Every holder
        drops the deleted subjects (in the caller's transaction)."""
        gone = set(record_ids)
        changed = []
        for row in store.notices(conn, originator=self.ctx.node_id, limit=10_000):
            if row.state not in ("issued", "suspended"):
                continue
            notice = codec.notice_from_dict(orjson.loads(row.body))
            if not gone & set(notice.draft.subject_ids):
                continue
            left = record_store.current_for(conn, list(notice.draft.subject_ids))
            rt = notice.draft.type
            if not any(rt.is_primary(r.schema) for r in left if not r.deleted):
                notice = life.cancel(notice, actor.label, self._today(), reason)
                self._save(conn, notice)
            sent = self._resend(conn, notice)
            self.ctx.record(
                conn,
                actor,
                Action.DIFFUSION_CHANGE,
                notice.notice_id,
                move="cancel" if notice.state.final else "subjects",
                deleted=sorted(gone & set(notice.draft.subject_ids)),
                holders=sent,
            )
            changed.append(notice.notice_id)
        return changed

    def sweep(self) -> list[str]:
        """Expire our issued notices whose expiry day has come, and tell their holders
        (theirs stop alerting on that day anyway); return the notices expired."""
        today = self._today()
        with self.ctx.read() as conn:
            due = [
                row.notice_id
                for row in store.live_of(conn, self.ctx.node_id)
                if row.expires_on is not None and row.expires_on <= today
            ]
        done = []
        for notice_id in due:  # each in its own transaction: one failure stops no other
            try:
                with self.ctx.tx() as conn:
                    notice = self._own(conn, notice_id)  # locked: a cancel may have come first
                    if not life.expiry_due(notice, today):
                        continue
                    expired = life.expire(notice, SYSTEM.label, today)
                    self._save(conn, expired)
                    sent = self._resend(conn, expired)
                    self.ctx.record(
                        conn,
                        SYSTEM,
                        Action.DIFFUSION_CHANGE,
                        notice_id,
                        move="expire",
                        holders=sent,
                    )
                done.append(notice_id)
            except LiaisonError:
                log.exception("notice %s: could not expire it; trying again next sweep", notice_id)
        return done

    def agreements_moved(self, conn: Connection) -> int:
        """After an agreement was activated, suspended, resumed or terminated (in its
        transaction): each live notice of ours reaches the partners it now covers (a
        publication, a new partner; a diffusion, a recipient covered again), and a
        holder it no longer covers is told to drop it, as records are recalled.
        Returns how many messages were queued."""
        queued = 0
        for row in store.live_of(conn, self.ctx.node_id):
            notice = codec.notice_from_dict(orjson.loads(row.body))
            sent = self._send(conn, notice, self._coverage(conn, notice), changes_only=True)
            if not (sent.sent or sent.dropped):
                continue
            queued += len(sent.sent) + len(sent.dropped)
            self.ctx.record(
                conn,
                SYSTEM,
                Action.DIFFUSION_CHANGE,
                row.notice_id,
                move="agreement",
                holders=sent.sent,
                dropped=sent.dropped,
            )
        return queued

    # --- reading --------------------------------------------------------------------------

    def page(
        self,
        actor: Actor,
        box: str = "out",
        state: str | None = None,
        limit: int = 50,
        offset: int = 0,
        renewal: bool = False,
    ) -> NoticePage:
        """Our notices (``out``) or the partners' we hold (``in``), latest change first;
        with ``renewal``, ours whose reminder day has come, the soonest expiry first."""
        if box not in ("out", "in"):
            raise InvalidInput("box", box, "out (our notices) or in (the partners')")
        if renewal and box != "out":
            raise InvalidInput("renewal", renewal, "only our own notices are renewed (box out)")
        if state and state not in {s.value for s in life.State}:
            raise InvalidInput("state", state, "one of " + ", ".join(s.value for s in life.State))
        if not 1 <= limit <= MAX_PAGE or offset < 0:
            raise InvalidInput("limit", limit, f"1 to {MAX_PAGE}, from an offset of 0 or more")
        with self.ctx.guard(actor):
            self.ctx.permit(actor, P.NOTICE_READ, Action.DIFFUSION_READ, "notices")
        with self.ctx.read() as conn:
            me, today = self.ctx.node_id, self._today()
            rows = store.notices(
                conn,
                originator=me if box == "out" else None,
                not_originator=me if box == "in" else None,
                state=state,
                expiring=(today, life.reminded_by(today, _REMINDER_MONTHS)) if renewal else None,
                limit=limit,
                offset=offset,
            )
            names = self._names(conn)
            self.ctx.record(
                conn,
                actor,
                Action.DIFFUSION_READ,
                "notices",
                box=box,
                renewal=renewal,
                count=len(rows),
            )
            summaries = [self._summary(r, names) for r in rows]
            return NoticePage(summaries, box, state, renewal, limit, offset)

    def show(self, actor: Actor, notice_id: str) -> NoticeView:
        with self.ctx.guard(actor):
            self.ctx.permit(actor, P.NOTICE_READ, Action.DIFFUSION_READ, notice_id)
        with self.ctx.read() as conn:
            view = self._view(conn, notice_id)
            self.ctx.record(conn, actor, Action.DIFFUSION_READ, notice_id)
            return view

    # --- the receiver ---------------------------------------------------------------------

    def respond(
        self,
        actor: Actor,
        notice_id: str,
        kind: str,
        ground: str | None = None,
        text: str | None = None,
        receiver: str | None = None,
    ) -> NoticeView:
        """Answer a partner's notice in its thread (located, detained, not found, will not
        act with a ground...); or, on our own notice, confirm a receiver's response
        (``kind`` confirmed, ``receiver`` the partner's node id)."""
        with self.ctx.guard(actor):
            self.ctx.permit(actor, P.NOTICE_RESPOND, Action.DIFFUSION_RESPOND, notice_id)
        now = self.ctx.now()
        with self.refusals(actor, Action.DIFFUSION_RESPOND, notice_id), self.ctx.tx() as conn:
            row = self._row(conn, notice_id)
            if row.originator == self.ctx.node_id:
                self._confirm(conn, actor, row, kind, receiver, text, now)
                return self._view(conn, notice_id)
            if receiver is not None:
                raise InvalidInput(
                    "receiver", receiver, "only on our own notice, to confirm a partner's response"
                )
            response = Response(
                codec.one_of(ResponseKind, kind, "kind"),
                self.ctx.node_id,
                now,
                codec.one_of(Ground, ground, "ground") if ground else None,
                text,
            )
            held = orjson.loads(row.body)
            expires = dt.date.fromisoformat(held["expires_on"]) if held.get("expires_on") else None
            checked = check_held(
                notice_id,
                RequestKind(row.kind),
                life.State(row.state),
                expires,
                response,
                originator=row.originator,
            )
            store.add_entry(
                conn,
                notice_id=notice_id,
                receiver=self.ctx.node_id,
                author=self.ctx.node_id,
                kind=checked.kind.value,
                ground=checked.ground.value if checked.ground else None,
                text=checked.text,
                by=actor.label,
                at=now,
            )
            body = {
                "notice": notice_id,
                "kind": checked.kind.value,
                "ground": checked.ground.value if checked.ground else None,
                "text": checked.text,
                "by": actor.label,
                "at": now.isoformat(),
            }
            notice_store.add(conn, row.originator, NoticeKind.RESPONSE.value, {"body": body}, now)
            self.ctx.record(
                conn,
                actor,
                Action.DIFFUSION_RESPOND,
                notice_id,
                kind=checked.kind.value,
                ground=body["ground"],
                to=row.originator,
            )
            return self._view(conn, notice_id)

    def check(self, actor: Actor, items: Sequence[Mapping[str, Any]]) -> list[CheckResult]:
        """A border post's hit/no-hit: each document, vehicle or vessel number against the
        identifier lists this node holds that are issued and not expired, the partners'
        and its own. Nothing leaves the node; each check is audited with what was asked
        and whether it hit."""
        with self.ctx.guard(actor):
            self.ctx.permit(actor, P.NOTICE_CHECK, Action.DIFFUSION_CHECK, "notices")
        wanted = [_wanted(i, item) for i, item in enumerate(items)]
        if not 1 <= len(wanted) <= 100:
            raise InvalidInput("identifiers", len(wanted), "1 to 100 per check")
        today = self._today()
        with self.refusals(actor, Action.DIFFUSION_CHECK, "notices"), self.ctx.tx() as conn:
            me = self.ctx.node_id
            own = [  # ours too: issued (not suspended), of the identifier kinds
                row
                for row in store.live_of(conn, me)
                if row.state == "issued" and row.kind in _IDENTIFIER_KINDS
            ]
            lists = [
                row
                for row in store.live_received(conn, me, _IDENTIFIER_KINDS) + own
                if row.expires_on is None or today < row.expires_on
            ]
            names = self._names(conn)
            held: dict[tuple[str, str], list[Row[Any]]] = {}
            for row in lists:
                for schema, properties in self._listed(conn, row):
                    for found in _identifiers(schema, properties):
                        held.setdefault(found, []).append(row)
            out = []
            for kind, value in wanted:
                rows = list({r.notice_id: r for r in held.get((kind, value), [])}.values())
                out.append(
                    CheckResult(kind, value, bool(rows), [self._summary(r, names) for r in rows])
                )
            self.ctx.record(
                conn,
                actor,
                Action.DIFFUSION_CHECK,
                "notices",
                asked=len(out),
                hits=[
                    {"kind": c.kind, "notices": [n.notice_id for n in c.notices]}
                    for c in out
                    if c.hit
                ],
            )
            return out

    def _listed(
        self, conn: Connection, row: Row[Any]
    ) -> list[tuple[str, Mapping[str, Sequence[str]]]]:
        """The subjects of an identifier list: a partner's as received, ours as our
        records are now."""
        if row.originator != self.ctx.node_id:
            subjects = store.subjects_of(conn, row.notice_id)
            return [(s.schema, orjson.loads(s.entity)["properties"]) for s in subjects]
        notice = codec.notice_from_dict(orjson.loads(row.body))
        records = record_store.current_for(conn, list(notice.draft.subject_ids))
        return [(r.schema, r.properties) for r in records if not r.deleted]

    # --- taking in a partner's message --------------------------------------------------

    def take(self, conn: Connection, sender: Row[Any], actor: Actor, wire: Wire) -> None:
        """Apply one diffusion notice from a peer (the courier's receiving side)."""
        body = wire.body["body"]
        if wire.kind is NoticeKind.DIFFUSION:
            self._take_version(conn, sender, actor, body)
        elif wire.kind is NoticeKind.RESPONSE:
            self._take_response(conn, sender, actor, body)

    def _take_version(
        self, conn: Connection, sender: Row[Any], actor: Actor, body: Mapping[str, Any]
    ) -> None:
        held = parse_version(body)
        notice_id = held["notice"]
        row = store.notice(conn, notice_id)
        if row is not None and row.originator != sender.node_id:
            raise MessageRefused("body.notice", notice_id, "a notice of another originator")
        if row is not None and int(row.version) > held["version"]:
            return  # an older version arriving late changes nothing
        now = self.ctx.now()
        old = store.drop_subjects(conn, notice_id)
        match_store.unindex(conn, old)
        state = held["state"]
        live = state in ("issued", "suspended")
        rows = []
        if live:  # a suspended notice is kept, but neither screened nor alerting
            for subject in held["subjects"]:
                digest = hashlib.sha256(f"{notice_id}\x00{subject['record']}".encode()).hexdigest()
                rows.append(
                    {
                        "subject": f"{store.NOTICE}{digest[:40]}",
                        "notice_id": notice_id,
                        "record_id": subject["record"],
                        "schema": subject["schema"],
                        "caption": subject["caption"],
                        "entity": store.dumps(
                            {"id": subject["record"], "properties": subject["properties"]}
                        ),
                    }
                )
            store.put_subjects(conn, rows)
        store.put_notice(
            conn,
            {
                "notice_id": notice_id,
                "originator": sender.node_id,
                "kind": held["kind"],
                "state": state,
                "version": held["version"],
                "mode": held["mode"],
                "caption": held["caption"],
                # an ended notice keeps its request and history, not the people in it
                "body": store.dumps(_kept_body(body, held, row, live)),
                "pending": None,
                "expires_on": dt.date.fromisoformat(held["expires_on"])
                if held["expires_on"]
                else None,
                "received": row.received if row is not None else now,
                "updated": now,
            },
        )
        raised = 0
        if state == "issued":
            profiles = {
                r["subject"]: build(r["schema"], orjson.loads(r["entity"])["properties"])
                for r in rows
            }
            match_store.index(conn, list(profiles.items()))
            raised = self._screen(conn, profiles)
        self.ctx.record(
            conn,
            actor,
            Action.DIFFUSION_RECEIVE,
            notice_id,
            kind=held["kind"],
            version=held["version"],
            state=state,
            move=held["event"]["move"],
            alerts=raised,
        )

    def _screen(self, conn: Connection, profiles: Mapping[str, Any]) -> int:
        """Screen a notice's subjects against this node's records and received copies at
        once; an alert for each record that matches (not the subject's own copy)."""
        from liaison.node.matching import explain  # node.matching imports this module

        targets = alerting(conn, list(profiles), self._today())
        wanted = {s: keys(p) for s, p in profiles.items() if s in targets}
        if not wanted:
            return 0
        found = match_store.candidates(conn, wanted, SCREEN_CANDIDATES, STOP_KEY)
        model = default_model()
        configured = self.ctx.settings.match_threshold
        threshold = model.threshold if configured is None else configured
        conflict = self.ctx.settings.alert_conflict_threshold
        raised = 0
        for subject, candidates in found.items():
            for candidate in candidates:
                other = candidate.subject
                if (
                    other.startswith((store.NOTICE, match_store.WATCH))
                    or other == targets[subject].record_id
                ):
                    continue
                scored = score(profiles[subject], loads(candidate.profile), model)
                if not raises_alert(scored, threshold, conflict):
                    continue
                if subject in match_store.known_pairs(conn, other):
                    continue
                head = record_store.heads_for(conn, [other]).get(other)
                if head is None or head.deleted:
                    continue
                match_store.add_alert(
                    conn,
                    record_id=other,
                    version=head.version,
                    target=subject,
                    target_kind="notice",
                    score=scored.score,
                    explanation=orjson.dumps(
                        {**explain(scored), "notice": targets[subject].to_dict()}
                    ).decode(),
                    status="open",
                    created=self.ctx.now(),
                )
                raised += 1
        return raised

    def _take_response(
        self, conn: Connection, sender: Row[Any], actor: Actor, body: Mapping[str, Any]
    ) -> None:
        notice_id = _field(body, "notice", str)
        kind = _field(body, "kind", str)
        at = _time(body, "at")
        row = store.notice(conn, notice_id)
        if row is None:
            raise MessageRefused("body.notice", notice_id, "no such notice here")
        if row.originator == self.ctx.node_id:  # a receiver's response to our notice
            holder = {h.node_id: h for h in store.holders(conn, notice_id)}.get(sender.node_id)
            if holder is None or holder.state not in _HOLDING:
                raise MessageRefused("body.notice", notice_id, "the sender does not hold it")
            receiver, author = sender.node_id, sender.node_id
            try:
                codec.one_of(ResponseKind, kind, "kind")
            except InvalidInput as bad:
                raise MessageRefused("body.kind", kind, bad.reason) from None
        else:  # the originator's confirmation in our thread
            if row.originator != sender.node_id or kind != CONFIRMED:
                raise MessageRefused("body.kind", kind, "only the originator confirms")
            receiver, author = self.ctx.node_id, sender.node_id
        store.add_entry(
            conn,
            notice_id=notice_id,
            receiver=receiver,
            author=author,
            kind=kind,
            ground=body.get("ground") if isinstance(body.get("ground"), str) else None,
            text=body.get("text") if isinstance(body.get("text"), str) else None,
            by=_field(body, "by", str)[:255],
            at=at,
        )
        self.ctx.record(
            conn, actor, Action.DIFFUSION_RESPOND, notice_id, kind=kind, by_node=sender.node_id
        )

    # --- inside ---------------------------------------------------------------------------

    def _today(self) -> dt.date:
        return self.ctx.now().date()

    def _touch(self) -> dict[str, Any]:
        return {"updated": self.ctx.now()}

    def _row(self, conn: Connection, notice_id: str, lock: bool = False) -> Row[Any]:
        if not _NOTICE_ID.match(notice_id):
            raise InvalidInput("notice_id", notice_id, "a notice id is ntc- and 32 hex digits")
        row = store.notice(conn, notice_id, lock=lock)
        if row is None:
            raise NotFound("notice", notice_id)
        return row

    def _own(self, conn: Connection, notice_id: str) -> life.Notice:
        row = self._row(conn, notice_id, lock=True)  # one change of a notice at a time
        if row.originator != self.ctx.node_id:
            raise Conflict(f"notice {notice_id} is a partner's: only its originator changes it")
        return codec.notice_from_dict(orjson.loads(row.body))

    def _save(self, conn: Connection, notice: life.Notice, **extra: Any) -> None:
        caption = self._caption(conn, notice.draft)
        store.put_notice(
            conn,
            {
                "notice_id": notice.notice_id,
                "originator": self.ctx.node_id,
                "kind": notice.draft.kind.value,
                "state": notice.state.value,
                "version": notice.version,
                "mode": notice.mode.value,
                "caption": caption,
                "body": store.dumps(codec.notice_to_dict(notice)),
                "expires_on": notice.expires_on,
                "updated": self.ctx.now(),
                **extra,
            },
        )

    def _caption(self, conn: Connection, draft: NoticeDraft) -> str:
        records = record_store.current_for(conn, list(draft.subject_ids))
        rt = draft.type
        primary = [r for r in records if rt.is_primary(r.schema)] or records
        return primary[0].caption if primary else ", ".join(draft.subject_ids)

    def _subjects_visible(self, conn: Connection, actor: Actor, draft: NoticeDraft) -> None:
        """Every subject exists and the drafter may see it (a hidden one reads as absent)."""
        records = {r.record_id: r for r in record_store.current_for(conn, list(draft.subject_ids))}
        for i, record_id in enumerate(draft.subject_ids):
            record = records.get(record_id)
            level = (
                record.envelope.markings.effective().classification if record is not None else None
            ) or Classification.UNCLASSIFIED
            if record is None or record.deleted or actor.clearance < level:
                raise InvalidInput(f"subjects[{i}]", record_id, "no record of that id here")

    def _recipients_known(self, conn: Connection, draft: NoticeDraft) -> None:
        """A diffusion's recipients are peers of this node, by node id (not this node)."""
        peers = federation_store.peer_names(conn)
        for recipient in sorted(draft.distribution.recipients):
            if recipient in peers:
                continue
            if recipient == self.ctx.node_id:
                why = "this node itself; name the partners to send it to"
            else:
                known = ", ".join(f"{name} ({node_id})" for node_id, name in peers.items())
                named = [node_id for node_id, name in peers.items() if name == recipient]
                why = (
                    f"a peer's name: give its node id, {named[0]}"
                    if named
                    else f"not a peer of this node; its peers: {known or 'none'}"
                )
            raise InvalidInput("distribution.recipients", recipient, why)

    def _review(self, conn: Connection, draft: NoticeDraft) -> Review:
        ids = list(draft.subject_ids)
        records = record_store.current_for(conn, ids)
        held = policy_store.held_ids(conn, ids)
        consents = {
            record_id
            for record_id, peer, use in policy_store.consent_keys(
                policy_store.consents_for(conn, ids)
            )
            if use is Use.ONWARD_SHARE
        }
        return review(
            draft,
            records,
            node_id=self.ctx.node_id,
            today=self._today(),
            consents=consents,
            held=[r for r, state in held.items() if state in ("held", "upheld")],
        )

    def _audit_review(self, conn: Connection, actor: Actor, notice_id: str, result: Review) -> None:
        self.ctx.record(
            conn,
            actor,
            Action.DIFFUSION_REVIEW,
            notice_id,
            result=Result.OK if result.passed else Result.DENIED,
            outcome=result.outcome.value,
            refusals=[r.text for r in result.denials],
            digest=result.draft_digest,
        )

    @contextmanager
    def refusals(self, actor: Actor, action: Action, obj: str) -> Iterator[None]:
        """Audit a refusal raised inside (bad input, a move the state does not allow, a
        partner not covered) in a transaction of its own, after the refused one rolled
        back, then let it go on to the caller."""
        try:
            yield
        except LiaisonError as refused:
            with self.ctx.tx() as conn:
                self.ctx.record(conn, actor, action, obj, result=Result.DENIED, reason=str(refused))
            raise

    def _coverage(self, conn: Connection, notice: life.Notice) -> dict[str, Cover]:
        """Each partner concerned (every peer for a publication, the recipients for a
        diffusion): the policy's denials for it (none means covered) and the agreement
        that covers it."""
        peers = {row.node_id for row in federation_store.all_peers(conn)}
        wanted = (
            sorted(peers)
            if notice.mode is Mode.PUBLICATION
            else list(notice.draft.distribution.recipients)
        )
        records = record_store.current_for(conn, list(notice.draft.subject_ids))
        marked = [_marked(r, notice.review.markings if notice.review else None) for r in records]
        facts = facts_for(self.ctx, conn, marked)
        context = policy_context(self.ctx, conn, [r.record_id for r in records])
        use = Use.COERCIVE_ALERT if notice.draft.type.coercive else Use.PUSH
        out: dict[str, Cover] = {}
        for partner in wanted:
            if partner not in peers:
                out[partner] = Cover(("not a peer of this node",), None)
                continue
            denials: list[str] = []
            bases: list[str] = []
            for record, fact in zip(marked, facts, strict=True):
                decision = decide(fact, Partner(partner), use, Purpose.ALERT, context)
                if decision.outcome is not Outcome.FULL:
                    texts = [r.text for r in decision.denials] or [decision.outcome.label]
                    denials += [f"{record.record_id}: {t}" for t in texts]
                elif decision.basis is not None:
                    bases.append(decision.basis)
            out[partner] = Cover(tuple(denials), None if denials or not bases else bases[0])
        return out

    def _send(
        self,
        conn: Connection,
        notice: life.Notice,
        covered: Mapping[str, Cover],
        changes_only: bool = False,
    ) -> Sent:
        """Send the notice's version to each covered partner (with ``changes_only``,
        not to one that already holds this version); a holder no longer covered is
        told to drop it, unless the agreement it holds it under ended letting the
        parties keep what they received. Every partner decided on lands in the
        register."""
        now = self.ctx.now()
        holders = {h.node_id: h for h in store.holders(conn, notice.notice_id)}
        kept, keeping = self._kept(conn)
        out = Sent()
        for partner, cover in covered.items():
            was = holders.get(partner)
            holding = was if was is not None and was.state == HOLDS else None
            if cover.denials:
                if holding is not None and (
                    holding.agreement_id in kept
                    # registered before the register kept agreements (0016)
                    or (holding.agreement_id is None and partner in keeping)
                ):  # kept under the ended agreement: no newer version, no recall
                    store.set_holder(
                        conn,
                        notice.notice_id,
                        partner,
                        state=KEPT,
                        version=int(holding.version),
                        reasons=cover.denials,
                        agreement_id=holding.agreement_id,
                        now=now,
                    )
                    continue
                if holding is not None:
                    withdrawn = self._by_node(notice, life.Move.CANCEL, _NO_LONGER_COVERED)
                    self._queue(conn, notice, partner, holding.first_sent or now, True, withdrawn)
                    out.dropped.append(partner)
                elif was is not None and (changes_only or was.state == KEPT):
                    continue  # nothing new to tell it, nor to write
                store.set_holder(
                    conn,
                    notice.notice_id,
                    partner,
                    state=NOT_COVERED if holding is None else DROPPED,
                    version=notice.version,
                    reasons=cover.denials,
                    agreement_id=None,
                    now=now,
                )
                continue
            has_it = changes_only and holding is not None and holding.version == notice.version
            if has_it and holding is not None and holding.agreement_id == cover.basis:
                continue  # nothing changed for this partner
            if not has_it:
                first = was.first_sent if was is not None and was.first_sent else now
                # an agreement that moved sends it: the notice's own last move is older news
                covers = self._by_node(notice, life.Move.ISSUE, _COVERED) if changes_only else None
                self._queue(conn, notice, partner, first, event=covers)
                out.sent.append(partner)
            store.set_holder(  # the register follows the agreement that covers it now
                conn,
                notice.notice_id,
                partner,
                state=HOLDS,
                version=notice.version,
                reasons=[],
                agreement_id=cover.basis,
                now=now,
            )
        return out

    def _by_node(self, notice: life.Notice, move: life.Move, reason: str) -> life.Event:
        """A change the node makes for one partner (not a move of the notice)."""
        return life.Event(move, SYSTEM.label, self._today(), notice.version, reason)

    def _kept(self, conn: Connection) -> tuple[frozenset[str], frozenset[str]]:
        """The ended agreements whose parties keep what they received, and those parties."""
        ended = ended_keeping(conn, policy_context(self.ctx, conn, []))
        parties = {p.node_id for a in ended for p in a.document.parties}
        kept = frozenset(a.document.agreement_id for a in ended)
        return kept, frozenset(parties - {self.ctx.node_id})

    def _resend(self, conn: Connection, notice: life.Notice) -> list[str]:
        """A change of state reaches every partner that holds the notice; one that keeps
        an earlier version under an ended agreement hears only of the notice's end,
        without its contents."""
        now = self.ctx.now()
        sent = []
        for holder in store.holders(conn, notice.notice_id):
            if holder.state == KEPT and notice.state.final:
                self._queue(conn, notice, holder.node_id, holder.first_sent or now, bare=True)
                sent.append(holder.node_id)
                continue
            if holder.state != HOLDS:
                continue
            self._queue(conn, notice, holder.node_id, holder.first_sent or now)
            store.set_holder(
                conn,
                notice.notice_id,
                holder.node_id,
                state=HOLDS,
                version=notice.version,
                reasons=[],
                agreement_id=holder.agreement_id,
                now=now,
            )
            sent.append(holder.node_id)
        return sent

    def _queue(
        self,
        conn: Connection,
        notice: life.Notice,
        partner: str,
        first_sent: dt.datetime,
        dropped: bool = False,
        event: life.Event | None = None,
        bare: bool = False,
    ) -> None:
        records = record_store.current_for(conn, list(notice.draft.subject_ids))
        caption = self._caption(conn, notice.draft)
        body = version_body(notice, records, first_sent, caption, dropped, event, bare)
        notice_store.add(conn, partner, NoticeKind.DIFFUSION.value, {"body": body}, self.ctx.now())

    def _confirm(
        self,
        conn: Connection,
        actor: Actor,
        row: Row[Any],
        kind: str,
        receiver: str | None,
        text: str | None,
        now: dt.datetime,
    ) -> None:
        if kind != CONFIRMED:
            raise InvalidInput("kind", kind, "on our own notice: confirmed (the request stands)")
        holders = {h.node_id: h for h in store.holders(conn, row.notice_id)}
        if receiver is None or receiver not in holders or holders[receiver].state not in _HOLDING:
            raise InvalidInput("receiver", receiver, "a partner that holds the notice")
        if row.state not in ("issued", "suspended"):
            raise Conflict(f"notice {row.notice_id} is {row.state}: nothing to confirm")
        clean = (text or "").strip() or None
        store.add_entry(
            conn,
            notice_id=row.notice_id,
            receiver=receiver,
            author=self.ctx.node_id,
            kind=CONFIRMED,
            ground=None,
            text=clean,
            by=actor.label,
            at=now,
        )
        body = {
            "notice": row.notice_id,
            "kind": CONFIRMED,
            "ground": None,
            "text": clean,
            "by": actor.label,
            "at": now.isoformat(),
        }
        notice_store.add(conn, receiver, NoticeKind.RESPONSE.value, {"body": body}, now)
        self.ctx.record(
            conn, actor, Action.DIFFUSION_RESPOND, row.notice_id, kind=CONFIRMED, to=receiver
        )

    def _names(self, conn: Connection) -> dict[str, str]:
        names = {row.node_id: row.name for row in federation_store.all_peers(conn)}
        names[self.ctx.node_id] = self.ctx.name
        return names

    def _summary(self, row: Row[Any], names: Mapping[str, str]) -> NoticeSummary:
        rt = request_type(RequestKind(row.kind))
        own = row.originator == self.ctx.node_id
        today = self._today()
        due = (
            own
            and row.state in ("issued", "suspended")
            and row.expires_on is not None
            and today < row.expires_on <= life.reminded_by(today, rt.reminder_months)
        )
        return NoticeSummary(
            notice_id=row.notice_id,
            own=own,
            originator=row.originator,
            originator_name=names.get(row.originator, row.originator),
            kind=row.kind,
            action=rt.action,
            colour=rt.colour.value,
            coercive=rt.coercive,
            state=row.state,
            version=int(row.version),
            mode=row.mode,
            caption=row.caption,
            expires_on=row.expires_on.isoformat() if row.expires_on else None,
            updated=row.updated.isoformat(),
            renewal_due=due,
        )

    def _view(self, conn: Connection, notice_id: str) -> NoticeView:
        row = self._row(conn, notice_id)
        names = self._names(conn)
        summary = self._summary(row, names)
        rt = request_type(RequestKind(row.kind))
        now = self.ctx.now()
        if summary.own:
            notice = codec.notice_from_dict(orjson.loads(row.body))
            records = record_store.current_for(conn, list(notice.draft.subject_ids))
            subjects = [Subject(r.record_id, r.schema, r.caption, r.properties) for r in records]
            holders = [
                Holder(
                    h.node_id,
                    names.get(h.node_id, h.node_id),
                    h.state,
                    int(h.version),
                    list(orjson.loads(h.reasons)),
                    h.first_sent.isoformat() if h.first_sent else None,
                    h.agreement_id,
                )
                for h in store.holders(conn, notice_id)
            ]
            entries = store.thread(conn, notice_id)
            starts = {
                h.node_id: h.first_sent for h in store.holders(conn, notice_id) if h.first_sent
            }
            markings = (
                notice.review.markings if notice.review else notice.draft.markings
            ).to_dict()
            draft = notice.draft.to_dict()
            return NoticeView(
                summary=summary,
                fields=draft["fields"],
                markings=markings,
                evaluation=draft["evaluation"],
                subjects=subjects,
                draft=draft,
                review=notice.review.to_dict() if notice.review else None,
                history=[
                    EventView(
                        e.move.value, e.by, e.on.isoformat(), e.version, e.reason, e.approved_by
                    )
                    for e in notice.history
                ],
                holders=holders,
                thread=[_entry(e) for e in entries],
                deadlines=_deadlines(RequestKind(row.kind), starts, entries, now),
                moves=_moves_now(notice, now.date()),
                responses=sorted(r.value for r in rt.responses),
                pending=orjson.loads(row.pending) if row.pending else None,
                reminder_due=life.reminder_due(notice, now.date()),
                issued_on=notice.issued_on.isoformat() if notice.issued_on else None,
            )
        held = orjson.loads(row.body)
        entries = store.thread(conn, notice_id, self.ctx.node_id)
        live = row.state in ("issued", "suspended")
        return NoticeView(
            summary=summary,
            fields=held["fields"],
            markings=held["markings"],
            evaluation=held.get("evaluation"),
            subjects=[
                Subject(s["record"], s["schema"], s["caption"], s["properties"])
                for s in held["subjects"]
            ]
            if live
            else [],
            draft=None,
            review=None,
            history=[_event_view(held["event"])] if held.get("event") else [],
            holders=[],
            thread=[_entry(e) for e in entries],
            deadlines=_deadlines(
                RequestKind(row.kind),
                {self.ctx.node_id: dt.datetime.fromisoformat(held["sent"])},
                entries,
                now,
            ),
            moves=["respond"] if live else [],
            responses=sorted(r.value for r in rt.responses),
            pending=None,
            reminder_due=False,
            issued_on=held.get("issued_on"),
        )


@dataclass(frozen=True)
class Cover:
    """The policy's word on one partner for a notice: the denials (none: covered)
    and the agreement that covers it."""

    denials: tuple[str, ...]
    basis: str | None


@dataclass
class Sent:
    """Partners a notice's version was sent to, and holders told to drop it."""

    sent: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)


class NotCovered(Conflict):
    """A diffusion to a partner whose agreement does not cover the notice."""


_MOVES: dict[life.Move, Any] = {
    life.Move.SUSPEND: life.suspend,
    life.Move.RESUME: life.resume,
    life.Move.RENEW: life.renew,
    life.Move.CANCEL: life.cancel,
}
_IDENTIFIER_KINDS = [k.value for k in RequestKind if request_type(k).is_identifier_list]


# --- alerts on partners' notices ------------------------------------------------------------


@dataclass(frozen=True)
class NoticeTarget:
    """A partner's notice subject that a record matched: what the alert names."""

    notice_id: str
    record_id: str  # the originator's record the subject is
    kind: str
    action: str
    originator: str
    caption: str

    def to_dict(self) -> dict[str, str]:
        return {
            "id": self.notice_id,
            "record": self.record_id,
            "kind": self.kind,
            "action": self.action,
            "originator": self.originator,
            "caption": self.caption,
        }


def alerting(conn: Connection, subjects: Sequence[str], today: dt.date) -> dict[str, NoticeTarget]:
    """The notice subjects among ``subjects`` whose notice raises alerts today: issued
    and before its expiry day (``lifecycle.raises_alerts``, read from the copy held)."""
    wanted = [s for s in subjects if s.startswith(store.NOTICE)]
    if not wanted:
        return {}
    out = {}
    for subject, row in store.subjects(conn, wanted).items():
        if row.state != life.State.ISSUED.value:
            continue
        if row.expires_on is not None and today >= row.expires_on:
            continue
        rt = request_type(RequestKind(row.kind))
        out[subject] = NoticeTarget(
            row.notice_id, row.record_id, row.kind, rt.action, row.originator, row.caption
        )
    return out


# --- the wire form of a version --------------------------------------------------------


def version_body(
    notice: life.Notice,
    records: Sequence[Record],
    first_sent: dt.datetime,
    caption: str,
    dropped: bool = False,
    event: life.Event | None = None,
    bare: bool = False,
) -> dict[str, Any]:
    """What a partner holds of a notice: the request (kind, fields, markings,
    evaluation), its subjects as they are now, its state and validity, and the last
    change (``event``, when the node itself sends or withdraws it for the partner,
    rather than the notice's own last move). Never the draft's history, the review,
    or the other recipients. A partner told to drop it (``dropped``) or hearing of its
    end under an ended agreement (``bare``) gets neither fields nor subjects: it keeps
    the request it had and no more."""
    draft = notice.draft.to_dict()
    last = event or notice.history[-1]
    state = "cancelled" if dropped else notice.state.value
    bare = bare or dropped
    wanted = set() if bare else set(notice.draft.subject_ids)
    return {
        "notice": notice.notice_id,
        "version": notice.version,
        "state": state,
        "kind": notice.draft.kind.value,
        "mode": notice.mode.value,
        "caption": caption,
        "fields": {} if bare else draft["fields"],
        "markings": (notice.review.markings if notice.review else notice.draft.markings).to_dict(),
        "evaluation": draft["evaluation"],
        "language": notice.draft.language,
        "subjects": [
            {
                "record": r.record_id,
                "schema": r.schema,
                "caption": r.caption,
                "properties": r.properties,
            }
            for r in records
            if r.record_id in wanted and not r.deleted
        ],
        "issued_on": notice.issued_on.isoformat() if notice.issued_on else None,
        "expires_on": notice.expires_on.isoformat() if notice.expires_on else None,
        "sent": first_sent.isoformat(),
        "event": {
            "move": last.move.value,
            "by": last.by,
            "on": last.on.isoformat(),
            "version": notice.version,
            "reason": last.reason,
        },
        # beside the event, not in it: a node of the previous version reads only the
        # event's own keys
        "event_approved_by": last.approved_by,
    }


_STATES = {s.value for s in life.State if s.issued or s.final}


def parse_version(body: Mapping[str, Any]) -> dict[str, Any]:
    """A partner's version of a notice, checked field by field (MessageRefused names it)."""
    notice = _field(body, "notice", str)
    if not _NOTICE_ID.match(notice):
        raise MessageRefused("body.notice", notice, "a notice id")
    version = _field(body, "version", int)
    if not 1 <= version < 10_000:
        raise MessageRefused("body.version", version, "a version number")
    state = _field(body, "state", str)
    if state not in _STATES:
        raise MessageRefused("body.state", state, "issued, suspended, cancelled or expired")
    kind = _field(body, "kind", str)
    if kind not in {k.value for k in RequestKind}:
        raise MessageRefused("body.kind", kind, "a request kind this node knows")
    mode = _field(body, "mode", str)
    if mode not in {m.value for m in Mode}:
        raise MessageRefused("body.mode", mode, "publication or diffusion")
    _field(body, "fields", dict)
    try:
        Markings.from_dict(_field(body, "markings", dict))
    except (InvalidInput, ValueError) as bad:
        raise MessageRefused("body.markings", body.get("markings"), str(bad)) from None
    subjects = _field(body, "subjects", list)
    if len(subjects) > 50:
        raise MessageRefused("body.subjects", len(subjects), "at most 50")
    for i, subject in enumerate(subjects):
        if not isinstance(subject, dict):
            raise MessageRefused(f"body.subjects.{i}", subject, "an object")
        try:
            parse_entity(
                {
                    "id": subject.get("record"),
                    "schema": subject.get("schema"),
                    "properties": subject.get("properties"),
                },
                str(subject.get("record") or ""),
            )
        except InvalidInput as bad:
            raise MessageRefused(f"body.subjects.{i}.{bad.field}", bad.value, bad.reason) from None
        if not isinstance(subject.get("caption"), str):
            raise MessageRefused(f"body.subjects.{i}.caption", subject.get("caption"), "text")
    for name in ("issued_on", "expires_on"):
        value = body.get(name)
        if value is not None:
            try:
                dt.date.fromisoformat(str(value))
            except ValueError:
                raise MessageRefused(f"body.{name}", value, "a date") from None
    _time(body, "sent")
    event = _wire_event(_field(body, "event", dict))
    approver = body.get("event_approved_by")
    if approver is not None and (not isinstance(approver, str) or len(approver) > 200):
        raise MessageRefused("body.event_approved_by", approver, "who approved it, as text")
    event["approved_by"] = approver
    caption = _field(body, "caption", str)
    return {
        **body,
        "notice": notice,
        "version": version,
        "state": state,
        "kind": kind,
        "mode": mode,
        "caption": caption[:500],
        "subjects": subjects,
        "expires_on": body.get("expires_on"),
        "event": event,
    }


def _kept_body(
    body: Mapping[str, Any], held: Mapping[str, Any], row: Row[Any] | None, live: bool
) -> dict[str, Any]:
    """What a holder stores of a version: the checked event; of an ended notice, no
    subjects, and the request it had when the end came without one."""
    out = {**body, "event": held["event"]}
    if live:
        return out
    out["subjects"] = []
    if not body.get("fields") and row is not None:
        out["fields"] = orjson.loads(row.body).get("fields") or {}
    return out


def _event_view(event: Mapping[str, Any]) -> EventView:
    return EventView(
        move=str(event.get("move")),
        by=str(event.get("by")),
        on=str(event.get("on")),
        version=int(event.get("version") or 0),
        reason=event.get("reason"),
        approved_by=event.get("approved_by"),
    )


def _wire_event(event: Mapping[str, Any]) -> dict[str, Any]:
    """The last change as a partner sent it, key by key (nothing else is kept)."""
    if event.get("move") not in {m.value for m in life.Move}:
        raise MessageRefused("body.event.move", event.get("move"), "a move")
    out: dict[str, Any] = {"move": event["move"]}
    for key in ("by", "on", "reason"):
        value = event.get(key)
        if value is not None and (not isinstance(value, str) or len(value) > 4000):
            raise MessageRefused(f"body.event.{key}", value, "text")
        out[key] = value
    if not out["by"] or not out["on"]:
        raise MessageRefused("body.event", event, "who made the change and on which day")
    try:
        dt.date.fromisoformat(out["on"])
    except ValueError:
        raise MessageRefused("body.event.on", out["on"], "a date") from None
    version = event.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise MessageRefused("body.event.version", version, "a version number")
    out["version"] = version
    return out


# --- helpers -----------------------------------------------------------------------------


def _moves_now(notice: life.Notice, today: dt.date) -> list[str]:
    """What a person may do on our notice today; ``override`` while a refused review
    has only refusals an auditor may override (on a draft)."""
    moves = sorted(m.value for m in life.moves_now(notice, today))
    review = notice.review
    if (
        notice.state is life.State.DRAFT
        and review is not None
        and not review.passed
        and all(r.overridable for r in review.denials)
    ):
        moves.append("override")
    return sorted(moves)


def _marked(record: Record, markings: Markings | None) -> Record:
    """The record as the notice carries it: with the notice's markings."""
    if markings is None:
        return record
    return replace(record, envelope=replace(record.envelope, markings=markings))


def _entry(row: Row[Any]) -> ThreadEntry:
    return ThreadEntry(
        int(row.id),
        row.receiver,
        row.author,
        row.kind,
        row.ground,
        row.text,
        row.by,
        row.at.isoformat(),
    )


def _deadlines(
    kind: RequestKind,
    starts: Mapping[str, dt.datetime],
    entries: Sequence[Row[Any]],
    now: dt.datetime,
) -> list[DeadlineView]:
    out = []
    for receiver, start in sorted(starts.items()):
        mine = [e for e in entries if e.receiver == receiver]
        responses = [
            Response(ResponseKind(e.kind), receiver, e.at)
            for e in mine
            if e.kind != CONFIRMED and e.kind in {k.value for k in ResponseKind}
        ]
        confirmations = [e.at for e in mine if e.kind == CONFIRMED]
        for d in deadlines(kind, start, responses, confirmations):
            out.append(
                DeadlineView(
                    receiver,
                    d.after,
                    d.who.value,
                    d.step.value,
                    d.due.isoformat(),
                    d.met,
                    d.overdue(now),
                )
            )
    return out


_VEHICLE = re.compile(r"[^0-9A-Z]")
_CHECK_KINDS = {
    "passport": IdKind.PASSPORT,
    "id_number": IdKind.ID_NUMBER,
    "imo": IdKind.IMO,
    "mmsi": IdKind.MMSI,
}


def _wanted(index: int, item: Any) -> tuple[str, str]:
    if not isinstance(item, Mapping):
        raise InvalidInput(f"identifiers.{index}", item, "an object with kind and value")
    kind, value = item.get("kind"), item.get("value")
    known = sorted([*_CHECK_KINDS, "vehicle"])
    if kind not in known:
        raise InvalidInput(f"identifiers.{index}.kind", kind, "one of " + ", ".join(known))
    if not isinstance(value, str) or not 1 <= len(value.strip()) <= 100:
        raise InvalidInput(f"identifiers.{index}.value", value, "the number, 1-100 characters")
    if kind == "vehicle":
        return kind, _VEHICLE.sub("", value.upper())
    found = normalise(_CHECK_KINDS[kind], value)
    if found is None or not found.valid:
        reason = found.reason if found is not None else "nothing usable in it"
        raise InvalidInput(f"identifiers.{index}.value", value, reason or "not valid")
    return kind, found.value


def _identifiers(schema: str, properties: Mapping[str, Sequence[str]]) -> set[tuple[str, str]]:
    """The numbers of a notice's subject that border posts check."""
    kinds = {v: k for k, v in _CHECK_KINDS.items()}
    out = {
        (kinds[i.kind], i.value)
        for i in identifiers_of(schema, properties)
        if i.kind in kinds and i.valid
    }
    if schema in ("Vehicle",) or schema == "Vessel" or schema == "Airplane":
        for plate in properties.get("registrationNumber", []):
            out.add(("vehicle", _VEHICLE.sub("", plate.upper())))
    return out


def _field(body: Mapping[str, Any], name: str, kind: type) -> Any:
    value = body.get(name)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise MessageRefused(f"body.{name}", value, f"must be {kind.__name__}")
    return value


def _time(body: Mapping[str, Any], name: str) -> dt.datetime:
    value = _field(body, name, str)
    try:
        found = dt.datetime.fromisoformat(value)
    except ValueError:
        found = None
    if found is None or found.tzinfo is None:
        raise MessageRefused(f"body.{name}", value, "a time with its zone")
    return found
