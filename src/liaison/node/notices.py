"""Notices between nodes: telling an originator that a partner has a hit.

``tell_hits`` runs in the cross-matching transaction: for each new alert
that pairs one of this node's own records with a copy received from a
partner, the partner (the copy's originator) is told that its record has a
hit here — only if this node's policy would let the partner learn of its own
record at least as hit/no-hit (``Use.HIT_ONLY``), and without any of this
node's data: the notice names only the partner's record. It waits in the
``notices`` table until the courier delivers it (``FederationService``).

``take`` is the receiving side: a hit on one of our own records becomes an
alert whose target is the partner (``partner:<node id>``), once per pair;
a notice about a record that is not ours is acknowledged and ignored. The
steps of follow-up requests go to ``liaison.node.followups``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection, Row

from liaison.audit.chain import Action
from liaison.federation.notices import DIFFUSION_KINDS, Notice, NoticeKind, hit
from liaison.model.roles import Actor
from liaison.node import followups
from liaison.node.context import NodeContext
from liaison.node.decisions import best_push, facts_for, policy_context
from liaison.node.setup import SYSTEM
from liaison.policy.decide import Outcome, Use
from liaison.storage import federation as federation_store
from liaison.storage import matching as match_store
from liaison.storage import notices as store
from liaison.storage import records as record_store

PARTNER = "partner:"


@dataclass(frozen=True, slots=True)
class NewAlert:
    alert_id: int
    record_id: str
    target: str
    kind: str  # record | watchlist


def tell_hits(ctx: NodeContext, conn: Connection, alerts: Sequence[NewAlert]) -> int:
    """Queue a hit notice for each alert between an own record and a partner's
    copy that policy lets the partner learn of; return how many were queued."""
    ids = sorted({a.record_id for a in alerts} | {a.target for a in alerts})
    heads = record_store.heads_for(conn, ids)
    peers = {row.node_id for row in federation_store.all_peers(conn)}
    pairs = []  # (alert, own record id, partner, partner's record id)
    for alert in alerts:
        left, right = heads.get(alert.record_id), heads.get(alert.target)
        if left is None or right is None:
            continue
        for own, other in ((left, right), (right, left)):
            if own.originator == ctx.node_id and other.originator in peers:
                pairs.append((alert, own.record_id, other.originator, other.record_id))
    if not pairs:
        return 0
    own_records = {r.record_id: r for r in record_store.current_for(conn, [p[1] for p in pairs])}
    records = list(own_records.values())
    facts = dict(zip(own_records, facts_for(ctx, conn, records), strict=True))
    context = policy_context(ctx, conn, list(own_records))
    told = 0
    for alert, own, partner, theirs in pairs:
        record = own_records.get(own)
        if record is None or record.deleted:
            continue
        decision = best_push(facts[own], partner, record, context, Use.HIT_ONLY)
        if decision.outcome < Outcome.HIT_ONLY:
            continue
        notice_id = store.add(conn, partner, NoticeKind.HIT.value, {"record": theirs}, ctx.now())
        match_store.refresh_alert(conn, alert.alert_id, originator_told=partner)
        ctx.record(
            conn,
            SYSTEM,
            Action.NOTICE_SEND,
            f"peer:{partner}",
            kind=NoticeKind.HIT.value,
            notice=notice_id,
            record=theirs,
            alert=alert.alert_id,
            basis=decision.basis,
        )
        told += 1
    return told


def outgoing(conn: Connection, peer: str, limit: int) -> list[dict[str, Any]]:
    """The wire form of the notices waiting for a peer, oldest first."""
    out = []
    for row in store.pending(conn, peer, limit):
        body = orjson.loads(row.body)
        if row.kind == NoticeKind.HIT.value:
            out.append(hit(int(row.id), str(body["record"])))
        else:  # follow-up steps travel as stored
            out.append({**body, "id": int(row.id), "kind": row.kind})
    return out


def take(
    ctx: NodeContext, conn: Connection, sender: Row[Any], actor: Actor, notices: Sequence[Notice]
) -> list[int]:
    """Apply a peer's notices once each; return the ids taken in (all of them:
    one that names no record of ours is acknowledged and ignored)."""
    ids = [n.id for n in notices]
    fresh = [n for n in notices if n.id not in store.seen(conn, sender.node_id, ids)]
    hits = [n for n in fresh if n.kind is NoticeKind.HIT]
    steps = [n for n in fresh if n.kind is not NoticeKind.HIT]
    heads = record_store.heads_for(conn, sorted({str(n.record_id) for n in hits}))
    raised: list[str] = []
    ignored: list[str] = []
    for notice in hits:
        assert notice.record_id is not None
        head = heads.get(notice.record_id)
        if head is None or head.originator != ctx.node_id or head.deleted:
            ignored.append(notice.record_id)
            continue
        if _raise_partner_hit(ctx, conn, sender, head):
            raised.append(notice.record_id)
    for notice in steps:
        if notice.kind in DIFFUSION_KINDS:
            _diffusion(ctx, conn, sender, actor, notice)
        else:
            followups.take(ctx, conn, sender, actor, notice)
    store.remember(conn, sender.node_id, [(n.id, n.kind.value) for n in fresh], ctx.now())
    if hits:
        ctx.record(
            conn,
            actor,
            Action.NOTICE_RECEIVE,
            f"peer:{sender.node_id}",
            notices=len(hits),
            hits=raised,
            ignored=ignored,
        )
    return ids


def _diffusion(
    ctx: NodeContext, conn: Connection, sender: Row[Any], actor: Actor, notice: Notice
) -> None:
    """Notices and diffusions, and the challenges of the persons concerned."""
    # imported here: both services screen with node.matching, which imports this module
    from liaison.node.challenges import ChallengeService
    from liaison.node.diffusion import DiffusionService

    if notice.kind in (NoticeKind.CHALLENGE, NoticeKind.CHALLENGE_DECISION):
        ChallengeService(ctx).take(conn, sender, actor, notice)
    else:
        DiffusionService(ctx).take(conn, sender, actor, notice)


def _raise_partner_hit(ctx: NodeContext, conn: Connection, sender: Row[Any], head: Any) -> bool:
    target = f"{PARTNER}{sender.node_id}"
    if target in match_store.known_pairs(conn, head.record_id):
        return False  # raised before (and perhaps rejected): once per pair
    explanation = {"partner": sender.name, "node_id": sender.node_id, "told": ctx.now().isoformat()}
    match_store.add_alert(
        conn,
        record_id=head.record_id,
        version=head.version,
        target=target,
        target_kind="partner",
        score=0.0,  # the partner's score is its data: not sent
        explanation=orjson.dumps(explanation).decode(),
        status="open",
        created=ctx.now(),
    )
    return True
