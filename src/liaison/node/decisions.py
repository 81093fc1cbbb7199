"""Loading what policy decisions read, and deciding for local users: used by
every service that decides (records, transfer, policy, federation)."""

from __future__ import annotations

from collections.abc import Sequence

import orjson
from sqlalchemy import Connection

from liaison.audit.chain import Action
from liaison.model.records import Record
from liaison.model.roles import Actor
from liaison.model.vocab import Purpose
from liaison.node.context import Denied, NodeContext
from liaison.policy.agreements import AgreementState
from liaison.policy.decide import (
    AgreementIndex,
    Decision,
    LocalUser,
    Neutrality,
    Outcome,
    Partner,
    PolicyContext,
    RecordFacts,
    Use,
    decide,
)
from liaison.policy.neutrality import Signal, screen
from liaison.storage import federation as federation_store
from liaison.storage import policy as store


def agreement_index(ctx: NodeContext, conn: Connection) -> AgreementIndex:
    """The agreements in force for this node today (every active version, not the
    latest of each: a draft amendment waits beside the version in force)."""
    active = store.all_agreements(conn, AgreementState.ACTIVE)
    return AgreementIndex.build(active, ctx.node_id, ctx.now().date())


def policy_context(ctx: NodeContext, conn: Connection, record_ids: Sequence[str]) -> PolicyContext:
    consents = store.consent_keys(store.consents_for(conn, list(record_ids)))
    return PolicyContext(agreement_index(ctx, conn), consents)


def only_agreement(context: PolicyContext, partner: str, agreement_id: str) -> PolicyContext:
    """The context as if only this agreement bound us to the partner: what the
    partner may have under that agreement, whatever the others allow."""
    index = context.agreements
    terms = index.by_id.get(agreement_id)
    by_partner = {partner: (terms,)} if terms is not None else {}
    narrowed = AgreementIndex(index.holder, index.today, by_partner, index.by_id)
    return PolicyContext(narrowed, context.consents)


def local_context(ctx: NodeContext, conn: Connection, record_ids: Sequence[str]) -> PolicyContext:
    """For decisions about local users only: consents, no agreements."""
    index = AgreementIndex(ctx.node_id, ctx.now().date(), {}, {})
    return PolicyContext(index, store.consent_keys(store.consents_for(conn, list(record_ids))))


def may_view(
    ctx: NodeContext, conn: Connection, actor: Actor, records: Sequence[Record], action: Action
) -> None:
    """The policy decision for a local user reading records (all versions of one
    record, say); a denied read is refused as if the record did not exist
    (clearance, TLP:RED)."""
    for record, decision in zip(
        records, local_decisions(ctx, conn, actor, records, Use.VIEW), strict=True
    ):
        if not decision.allowed:
            reasons = "; ".join(r.text for r in decision.denials)
            raise Denied(action, record.record_id, reasons, hidden=True)


def facts_of(ctx: NodeContext, conn: Connection, record: Record) -> RecordFacts:
    return facts_for(ctx, conn, [record])[0]


def facts_for(ctx: NodeContext, conn: Connection, records: Sequence[Record]) -> list[RecordFacts]:
    """What the policy reads about each record, with its neutrality standing."""
    ids = [r.record_id for r in records]
    states = store.held_ids(conn, ids)
    foreign = [r.record_id for r in records if r.envelope.originator != ctx.node_id]
    under = federation_store.received_under(conn, foreign) if foreign else {}
    out = []
    for record in records:
        state = states.get(record.record_id)
        neutrality = _NEUTRALITY.get(state or "", Neutrality.NOT_FLAGGED)
        env = record.envelope
        # a received copy travels on under the agreement it arrived under; a record
        # imported from a file, under the legal basis its envelope names
        received = None
        if env.originator != ctx.node_id:
            received = under.get(record.record_id, env.legal_basis)
        out.append(RecordFacts.of(record, neutrality, received))
    return out


_NEUTRALITY = {"held": Neutrality.HELD, "upheld": Neutrality.HELD, "released": Neutrality.RELEASED}


def local_decisions(
    ctx: NodeContext, conn: Connection, actor: Actor, records: Sequence[Record], use: Use
) -> list[Decision]:
    """One decision per record for a local user (export, court use...). A read
    needs only the consents; any other use may take a received copy out, which
    its originator's agreement decides (its onward rule), so it reads those too."""
    ids = [r.record_id for r in records]
    context = local_context(ctx, conn, ids) if use is Use.VIEW else policy_context(ctx, conn, ids)
    user = local_user(actor)
    return [
        decide(f, user, use, Purpose.CROSS_CHECK, context) for f in facts_for(ctx, conn, records)
    ]


def local_user(actor: Actor) -> LocalUser:
    return LocalUser(actor.username, actor.role, actor.clearance)


def hold_if_flagged(
    ctx: NodeContext,
    conn: Connection,
    actor: Actor,
    record: Record,
    screened: tuple[Signal, ...] | None = None,
) -> bool:
    """Screen a version just written (``screened``: its signals, found already from
    the same properties, as an import's workers do); signals hold it for review."""
    if record.deleted:
        return False
    signals = screen(record.properties) if screened is None else screened
    if not signals:
        return False
    found = [s.to_dict() for s in signals]
    current = store.review(conn, record.record_id)
    if current is not None and current.state != "held" and orjson.loads(current.signals) == found:
        return False  # the auditor decided on these very signals already
    store.hold(conn, record.record_id, record.version, found, ctx.now())
    ctx.record(conn, actor, Action.NEUTRALITY_HOLD, record.record_id, signals=found)
    return True


_PUSH_DEFAULT = (Purpose.CROSS_CHECK,)


def best_push(
    facts: RecordFacts, peer: str, record: Record, context: PolicyContext, use: Use = Use.PUSH
) -> Decision:
    """The most a partner may receive of a record (or learn of it, for another
    ``use``), for any purpose the record was collected for (cross-check when it
    names none)."""
    best: Decision | None = None
    for purpose in record.envelope.purposes or _PUSH_DEFAULT:
        decision = decide(facts, Partner(peer), use, purpose, context)
        if best is None or decision.outcome > best.outcome:
            best = decision
        if best.outcome is Outcome.FULL:
            break
    assert best is not None
    return best
