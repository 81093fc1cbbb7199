"""Challenges by the person concerned, at the node (rules in ``liaison.diffusion.challenges``).

Anyone may ask any node for access to the data about them, its correction or
its deletion. A liaison officer takes the request in (``open``), naming the
records it concerns; the node routes it to the originator of each (indirect
access): its own records are decided here, the others go to their originator
as a ``challenge`` notice. A record the node does not hold is an error for the
officer, audited, and never an answer to the requester. The originator's
officer decides with reasons (``decide``); a deletion granted is a tombstone
that reaches every holder through the changes channel, and every notice of
ours that named the record is sent again without it (cancelled, when it was
the notice's only subject of its primary schema). The decision goes back to
the node where the person asked, with the originator's leave or not: what the
requester may be told (``answer``) depends on it, never on what the node holds.

Requests are kept apart from police files (the ``challenges`` table): the
requester's name and contact stay at the node where they asked, nothing of
them is matched, indexed or sent, and only officers read them.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection, Row

from liaison.audit.chain import Action
from liaison.diffusion import challenges as rules
from liaison.diffusion import codec
from liaison.diffusion.challenges import ChallengeKind, Restriction, Stage, Verdict
from liaison.errors import Conflict, InvalidInput, MessageRefused, NotFound
from liaison.federation.notices import Notice as Wire
from liaison.federation.notices import NoticeKind
from liaison.model.roles import Actor
from liaison.node.context import NO_REASON, NodeContext, Why
from liaison.node.diffusion import DiffusionService
from liaison.node.records import delete_record
from liaison.policy.permissions import Permission
from liaison.storage import diffusion as store
from liaison.storage import federation as federation_store
from liaison.storage import notices as notice_store
from liaison.storage import records as record_store

P = Permission
MAX_PAGE = 200
MAX_RECORDS = 50


@dataclass(frozen=True)
class Requester:
    name: str
    contact: str | None  # where the answer goes


@dataclass(frozen=True)
class AnswerView:
    kind: str  # received | verified | decision
    text: str  # what the requester may be told, as it stands
    confirms: bool  # whether it reveals that data about the person is held


@dataclass(frozen=True)
class ChallengeView:
    challenge_id: str
    kind: str
    stage: str
    origin: str  # the node where the person asked
    originator: str  # the node that decides
    originator_name: str
    records: list[str]  # the originator's records concerned
    correction: str | None
    received_on: str
    due_on: str | None
    requester: Requester | None  # only at the node where the person asked
    decision: dict[str, Any] | None  # the originator's, in full, at the originator only
    verdict: str | None  # what the origin learnt: the verdict, with leave only
    leave: bool  # the originator let the origin tell the requester its decision
    answer: AnswerView
    overdue: bool


class ChallengeService:
    def __init__(self, ctx: NodeContext, notices: DiffusionService | None = None) -> None:
        self.ctx = ctx
        self.notices = notices or DiffusionService(ctx)

    @contextmanager
    def _refusals(self, actor: Actor, action: Action, obj: str) -> Iterator[None]:
        with self.notices.refusals(actor, action, obj):
            yield

    # --- taking a request in ------------------------------------------------------------

    def open(
        self,
        actor: Actor,
        kind: str,
        records: Sequence[str],
        requester: Mapping[str, Any],
        correction: str | None = None,
        why: Why = NO_REASON,
    ) -> list[ChallengeView]:
        """Take in a person's request about these records and route it: one challenge
        per originator (this node's own records are decided here)."""
        with self.ctx.guard(actor, why):
            self.ctx.permit(actor, P.CHALLENGE_HANDLE, Action.CHALLENGE_OPEN, "challenges")
        with self._refusals(actor, Action.CHALLENGE_OPEN, "challenges"), self.ctx.tx() as conn:
            chosen = codec.one_of(ChallengeKind, kind, "kind")
            who = _requester(requester)
            if not isinstance(records, Sequence) or not 1 <= len(records) <= MAX_RECORDS:
                raise InvalidInput("records", records, f"1 to {MAX_RECORDS} record ids")
            heads = record_store.heads_for(conn, [str(r) for r in records])
            holdings = {r: h.originator for r, h in heads.items() if not h.deleted}
            try:
                routing = rules.route([str(r) for r in records], holdings, self.ctx.node_id)
            except NotFound as missing:
                raise InvalidInput(
                    "records",
                    missing.args[0] if missing.args else records,
                    "this node holds no such record: check the id (the requester is not told)",
                ) from None
            today = self.ctx.now().date()
            parts: dict[str, tuple[str, ...]] = dict(routing.forward)
            if routing.local:
                parts[self.ctx.node_id] = routing.local
            made = []
            for originator, ids in sorted(parts.items()):
                challenge = rules.open_challenge(
                    f"chl-{secrets.token_hex(16)}",
                    chosen,
                    received_on=today,
                    originator=originator,
                    records=ids,
                    correction=correction,
                )
                local = originator == self.ctx.node_id
                self._put(
                    conn,
                    challenge,
                    origin=self.ctx.node_id,
                    stage=Stage.RECEIVED if local else Stage.ROUTED,
                    extra={"requester": {"name": who.name, "contact": who.contact}},
                )
                if not local:
                    body = {"challenge": codec.challenge_to_dict(challenge)}
                    notice_store.add(
                        conn, originator, NoticeKind.CHALLENGE.value, {"body": body}, self.ctx.now()
                    )
                self.ctx.record(
                    conn,
                    actor,
                    Action.CHALLENGE_OPEN,
                    challenge.challenge_id,
                    why,
                    kind=chosen.value,
                    records=list(ids),
                    routed_to=originator,
                )
                made.append(challenge.challenge_id)
            return [self._view(conn, c) for c in made]

    # --- deciding (the originator) ------------------------------------------------------

    def decide(
        self,
        actor: Actor,
        challenge_id: str,
        verdict: str,
        reasons: str,
        records: Sequence[str] = (),
        restrictions: Sequence[str] = (),
        leave: bool = False,
    ) -> ChallengeView:
        """The originator's decision with reasons. A deletion granted (wholly or partly)
        deletes those records here and so at every holder; a correction granted is
        made by editing the record (the decision says it was). ``leave`` lets the node
        where the person asked tell them the decision."""
        with self.ctx.guard(actor):
            self.ctx.permit(actor, P.CHALLENGE_HANDLE, Action.CHALLENGE_DECIDE, challenge_id)
        with self._refusals(actor, Action.CHALLENGE_DECIDE, challenge_id), self.ctx.tx() as conn:
            row = self._row(conn, challenge_id, lock=True)
            if row.stage == Stage.DECIDED.value:
                raise Conflict(f"challenge {challenge_id} is decided already")
            body = orjson.loads(row.body)
            challenge = codec.challenge_from_dict(body["challenge"])
            decision = rules.decide(
                challenge,
                codec.one_of(Verdict, verdict, "verdict"),
                node_id=self.ctx.node_id,
                by=actor.label,
                on=self.ctx.now().date(),
                reasons=reasons,
                records=[str(r) for r in records],
                restrictions=[codec.one_of(Restriction, r, "restrictions") for r in restrictions],
            )
            deleted: list[str] = []
            if challenge.kind is ChallengeKind.DELETION and decision.verdict is not Verdict.REFUSE:
                deleted = self._delete(conn, actor, challenge_id, decision.records)
            body["decision"] = codec.decision_to_dict(decision)
            body["leave"] = bool(leave)
            store.put_challenge(
                conn,
                {
                    "challenge_id": challenge_id,
                    "stage": Stage.DECIDED.value,
                    "body": store.dumps(body),
                    "updated": self.ctx.now(),
                },
            )
            if row.origin != self.ctx.node_id:
                told = {
                    "challenge": challenge_id,
                    "verdict": decision.verdict.value if leave else None,
                    "leave": bool(leave),
                    "on": decision.on.isoformat(),
                }
                notice_store.add(
                    conn,
                    row.origin,
                    NoticeKind.CHALLENGE_DECISION.value,
                    {"body": told},
                    self.ctx.now(),
                )
            self.ctx.record(
                conn,
                actor,
                Action.CHALLENGE_DECIDE,
                challenge_id,
                verdict=decision.verdict.value,
                records=list(decision.records),
                deleted=deleted,
                late=decision.late,
                leave=bool(leave),
                origin=row.origin,
            )
            return self._view(conn, challenge_id)

    def _delete(
        self, conn: Connection, actor: Actor, challenge_id: str, records: Sequence[str]
    ) -> list[str]:
        reason = f"deleted on the decision of challenge {challenge_id}"
        done = []
        for record_id in records:
            head = record_store.head(conn, record_id, True)
            if head is None or head.deleted:
                continue
            current = record_store.load(conn, head, None)
            if current is None:
                continue
            delete_record(self.ctx, conn, actor, current, reason)
            done.append(record_id)
        if done:
            self.notices.subjects_deleted(conn, actor, done, reason)
        return done

    # --- reading ------------------------------------------------------------------------

    def page(
        self, actor: Actor, stage: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[ChallengeView]:
        if stage and stage not in {s.value for s in Stage}:
            raise InvalidInput("stage", stage, "received, routed or decided")
        if not 1 <= limit <= MAX_PAGE or offset < 0:
            raise InvalidInput("limit", limit, f"1 to {MAX_PAGE}, from an offset of 0 or more")
        with self.ctx.guard(actor):
            self.ctx.permit(actor, P.CHALLENGE_HANDLE, Action.CHALLENGE_READ, "challenges")
        with self.ctx.read() as conn:
            rows = store.all_challenges(conn, stage, limit, offset)
            self.ctx.record(conn, actor, Action.CHALLENGE_READ, "challenges", count=len(rows))
            return [self._view(conn, row.challenge_id) for row in rows]

    def show(self, actor: Actor, challenge_id: str) -> ChallengeView:
        with self.ctx.guard(actor):
            self.ctx.permit(actor, P.CHALLENGE_HANDLE, Action.CHALLENGE_READ, challenge_id)
        with self.ctx.read() as conn:
            view = self._view(conn, challenge_id)
            self.ctx.record(conn, actor, Action.CHALLENGE_READ, challenge_id)
            return view

    # --- from a partner -----------------------------------------------------------------

    def take(self, conn: Connection, sender: Row[Any], actor: Actor, wire: Wire) -> None:
        body = wire.body["body"]
        if wire.kind is NoticeKind.CHALLENGE:
            self._take_challenge(conn, sender, actor, body)
        else:
            self._take_decision(conn, sender, actor, body)

    def _take_challenge(
        self, conn: Connection, sender: Row[Any], actor: Actor, body: Mapping[str, Any]
    ) -> None:
        try:
            challenge = codec.challenge_from_dict(body.get("challenge"))  # type: ignore[arg-type]
        except InvalidInput as bad:
            raise MessageRefused(f"body.challenge.{bad.field}", bad.value, bad.reason) from None
        if challenge.originator != self.ctx.node_id:
            raise MessageRefused("body.challenge.originator", challenge.originator, "not this node")
        if store.challenge(conn, challenge.challenge_id) is not None:
            return  # taken in before
        heads = record_store.heads_for(conn, list(challenge.records))
        ours = [
            r
            for r in challenge.records
            if (h := heads.get(r)) is not None and h.originator == self.ctx.node_id
        ]
        if len(ours) != len(challenge.records):
            stray = [r for r in challenge.records if r not in ours]
            raise MessageRefused("body.challenge.records", stray, "not records of this node")
        self._put(conn, challenge, origin=sender.node_id, stage=Stage.RECEIVED, extra={})
        self.ctx.record(
            conn,
            actor,
            Action.CHALLENGE_RECEIVE,
            challenge.challenge_id,
            kind=challenge.kind.value,
            records=list(challenge.records),
            origin=sender.node_id,
        )

    def _take_decision(
        self, conn: Connection, sender: Row[Any], actor: Actor, body: Mapping[str, Any]
    ) -> None:
        challenge_id = body.get("challenge")
        row = store.challenge(conn, str(challenge_id)) if isinstance(challenge_id, str) else None
        if row is None or row.originator != sender.node_id or row.origin != self.ctx.node_id:
            raise MessageRefused(
                "body.challenge", challenge_id, "no challenge routed to the sender"
            )
        verdict = body.get("verdict")
        if verdict is not None and verdict not in {v.value for v in Verdict}:
            raise MessageRefused("body.verdict", verdict, "grant, refuse or partly")
        held = orjson.loads(row.body)
        held["told"] = {"verdict": verdict, "leave": bool(body.get("leave")), "on": body.get("on")}
        store.put_challenge(
            conn,
            {
                "challenge_id": row.challenge_id,
                "stage": Stage.DECIDED.value,
                "body": store.dumps(held),
                "updated": self.ctx.now(),
            },
        )
        self.ctx.record(
            conn,
            actor,
            Action.CHALLENGE_RECEIVE,
            row.challenge_id,
            decided=True,
            leave=bool(body.get("leave")),
        )

    # --- inside -------------------------------------------------------------------------

    def _put(
        self,
        conn: Connection,
        challenge: rules.Challenge,
        *,
        origin: str,
        stage: Stage,
        extra: Mapping[str, Any],
    ) -> None:
        now = self.ctx.now()
        store.put_challenge(
            conn,
            {
                "challenge_id": challenge.challenge_id,
                "origin": origin,
                "originator": challenge.originator,
                "kind": challenge.kind.value,
                "stage": stage.value,
                "body": store.dumps({"challenge": codec.challenge_to_dict(challenge), **extra}),
                "received": now,
                "updated": now,
            },
        )

    def _row(self, conn: Connection, challenge_id: str, lock: bool = False) -> Row[Any]:
        row = store.challenge(conn, challenge_id, lock)
        if row is None:
            raise NotFound("challenge", challenge_id)
        return row

    def _view(self, conn: Connection, challenge_id: str) -> ChallengeView:
        row = self._row(conn, challenge_id)
        body = orjson.loads(row.body)
        challenge = codec.challenge_from_dict(body["challenge"])
        names = {p.node_id: p.name for p in federation_store.all_peers(conn)}
        names[self.ctx.node_id] = self.ctx.name
        at_originator = row.originator == self.ctx.node_id
        decision = codec.decision_from_dict(body["decision"]) if body.get("decision") else None
        told = body.get("told") or {}
        leave = bool(body.get("leave")) if at_originator else bool(told.get("leave"))
        if not at_originator and told.get("verdict"):
            # the origin learnt the verdict only with leave: enough to answer in its words
            decision = rules.Decision(
                Verdict(told["verdict"]), "", "", challenge.received_on, (), frozenset(), False
            )
        said = rules.answer(
            Stage(row.stage),
            at_originator=at_originator,
            leave=leave,
            decision=decision,
            kind=challenge.kind,
        )
        requester = body.get("requester")
        today = self.ctx.now().date()
        return ChallengeView(
            challenge_id=row.challenge_id,
            kind=row.kind,
            stage=row.stage,
            origin=row.origin,
            originator=row.originator,
            originator_name=names.get(row.originator, row.originator),
            records=list(challenge.records),
            correction=challenge.correction,
            received_on=challenge.received_on.isoformat(),
            due_on=challenge.due_on.isoformat() if challenge.due_on else None,
            requester=Requester(requester["name"], requester.get("contact")) if requester else None,
            decision=body.get("decision") if at_originator else None,
            verdict=_verdict(body, at_originator),
            leave=leave,
            answer=AnswerView(said.kind.value, said.text, said.confirms),
            overdue=row.stage != Stage.DECIDED.value
            and challenge.due_on is not None
            and today > challenge.due_on,
        )


def _verdict(body: Mapping[str, Any], at_originator: bool) -> str | None:
    """The verdict as this node knows it: the originator's own, or what it told us."""
    if at_originator:
        return str(body["decision"]["verdict"]) if body.get("decision") else None
    told = body.get("told") or {}
    return str(told["verdict"]) if told.get("verdict") else None


def _requester(data: Any) -> Requester:
    if not isinstance(data, Mapping):
        raise InvalidInput("requester", data, "an object with the person's name and contact")
    name, contact = data.get("name"), data.get("contact")
    if not isinstance(name, str) or not 2 <= len(name.strip()) <= 200:
        raise InvalidInput("requester.name", name, "the person's name, 2-200 characters")
    if contact is not None and (not isinstance(contact, str) or len(contact) > 500):
        raise InvalidInput("requester.contact", contact, "where the answer goes, up to 500")
    return Requester(name.strip(), contact.strip() if isinstance(contact, str) else None)
