"""Propagation: a change's policy decisions become outbox entries in the same
transaction as the change.

``propagate`` runs the policy for each record's current version and each
peer, compares the outcome with what the peer was last sent (the disclosure
register) and queues exactly the message that closes the gap
(``liaison.federation.plan``). Every trigger calls it with the records it
touched: a record written, imported, deleted or purged; an agreement
activated, suspended, resumed or terminated; a consent given or withdrawn; a
record released at the neutrality gate or renewed at review. Only a node's
own records travel: a received copy belongs to its originator.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from liaison.federation.plan import Holding, plan
from liaison.model.records import Record
from liaison.node.context import NodeContext
from liaison.node.decisions import best_push, facts_for, policy_context
from liaison.node.hits import HitService
from liaison.policy.agreements import Agreement, AgreementState, OnEnd
from liaison.policy.decide import (
    PolicyContext,
)
from liaison.storage import federation as store
from liaison.storage import policy as policy_store
from liaison.storage import records as record_store


def propagate(ctx: NodeContext, conn: Connection, records: Sequence[Record]) -> int:
    """Queue what each peer must now receive about these records; return how many."""
    own = [r for r in records if r.envelope.originator == ctx.node_id]
    if not own:
        return 0
    peers = [row.node_id for row in store.all_peers(conn)]
    if not peers:
        return 0
    store.serialise_outbox(conn)
    ids = [r.record_id for r in own]
    context = policy_context(ctx, conn, ids)
    kept = kept_on_end(conn, context)
    held = store.holdings(conn, ids)
    now = ctx.now()
    entries: list[dict[str, Any]] = []
    new: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    all_facts = facts_for(ctx, conn, own)
    HitService(ctx).refresh(conn, own, all_facts, context)  # the hit/no-hit index offered
    for record, facts in zip(own, all_facts, strict=True):
        for peer in peers:
            row = held.get((peer, record.record_id))
            holding = store.holding_of(row)
            decision = best_push(facts, peer, record, context)
            keep = row is not None and row.agreement_id in kept
            kind = plan(decision.outcome, record.version, record.deleted, holding, keep)
            if kind is None:
                continue
            agreement = decision.basis or (row.agreement_id if row is not None else None)
            entries.append(
                {
                    "peer": peer,
                    "record_id": record.record_id,
                    "version": record.version,
                    "kind": kind.value,
                    "agreement_id": agreement,
                    "created": now,
                }
            )
            entry = {
                "peer": peer,
                "record_id": record.record_id,
                "level": kind.level.value,
                "version": record.version,
                "agreement_id": agreement,
                "since": now,
            }
            (new if row is None else changed).append(entry)
    store.enqueue(conn, entries)
    store.register(conn, new, changed)
    return len(entries)


def propagate_ids(ctx: NodeContext, conn: Connection, record_ids: Sequence[str]) -> int:
    """``propagate`` for records named by id (their current versions)."""
    return propagate(ctx, conn, record_store.current_for(conn, list(record_ids)))


def propagate_all(ctx: NodeContext, conn: Connection, chunk: int = 2000) -> int:
    """``propagate`` for every record of this node: after an agreement moves."""
    queued, after = 0, 0
    while True:
        found, after = record_store.current_of(conn, ctx.node_id, after, chunk)
        if not found:
            return queued
        queued += propagate(ctx, conn, found)


def ended_keeping(conn: Connection, context: PolicyContext) -> list[Agreement]:
    """Agreements no longer in force whose parties keep what they received: the
    ``on_end`` of the version that was in force decides (not that of a draft
    amendment that may wait beside it)."""
    ended = [  # suspended, terminated, or active but past its end date
        agreement
        for state in (AgreementState.ACTIVE, AgreementState.SUSPENDED, AgreementState.TERMINATED)
        for agreement in policy_store.all_agreements(conn, state)
    ]
    return [
        a
        for a in ended
        if a.document.agreement_id not in context.agreements.by_id
        and a.document.on_end is OnEnd.KEEP
    ]


def kept_on_end(conn: Connection, context: PolicyContext) -> frozenset[str]:
    """The ids of ``ended_keeping``."""
    return frozenset(a.document.agreement_id for a in ended_keeping(conn, context))


__all__ = [
    "Holding",
    "best_push",
    "ended_keeping",
    "kept_on_end",
    "propagate",
    "propagate_all",
    "propagate_ids",
]
