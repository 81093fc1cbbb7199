"""What the node's metrics read from the database: counts only, never a record's content.

Every figure is one aggregate query on an indexed column; ``GET /metrics``
runs them in one read transaction each time it is scraped, so that the
figures hold for every process on the database (the CLI and the courier
append to the audit chain too), not only for the server's own requests.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Select, and_, func, select

from liaison.storage.tables import (
    alerts,
    audit_head,
    match_queue,
    neutrality_reviews,
    notices,
    outbox,
    peers,
    witness_cosignatures,
)


@dataclass(frozen=True)
class Gauges:
    audit_entries: int  # the chain head's sequence number: every append so far
    match_queue: int  # records waiting to be cross-matched
    held_for_review: int  # records the neutrality gate holds back from partners
    alerts_open: int  # cross-match alerts no one has decided
    outbox: dict[str, int] = field(default_factory=dict)  # peer name: changes not acknowledged
    notices: dict[str, int] = field(default_factory=dict)  # peer name: notices not delivered
    # peer name: when the oldest change it has not acknowledged was made (None: none waits)
    oldest_pending: dict[str, dt.datetime | None] = field(default_factory=dict)
    # peer name: the audit log's size that peer last cosigned as a witness (0: never)
    witnessed: dict[str, int] = field(default_factory=dict)


def read(conn: Connection) -> Gauges:
    """Every gauge, read in the caller's (read) transaction."""
    return Gauges(
        audit_entries=_scalar(conn, select(func.coalesce(func.max(audit_head.c.seq), 0))),
        match_queue=_scalar(conn, select(func.count()).select_from(match_queue)),
        held_for_review=_scalar(
            conn,
            select(func.count())
            .select_from(neutrality_reviews)
            .where(neutrality_reviews.c.state == "held"),
        ),
        alerts_open=_scalar(
            conn, select(func.count()).select_from(alerts).where(alerts.c.status == "open")
        ),
        outbox=_per_peer_outbox(conn),
        notices=_per_peer_notices(conn),
        oldest_pending=_oldest_pending(conn),
        witnessed=_witnessed(conn),
    )


def _scalar(conn: Connection, query: Select[Any]) -> int:
    return int(conn.execute(query).scalar_one())


def _per_peer_outbox(conn: Connection) -> dict[str, int]:
    """Outbox entries past each peer's acknowledged sequence (every peer, zeros too)."""
    query = (
        select(peers.c.name, func.count(outbox.c.seq))
        .select_from(
            peers.outerjoin(
                outbox, and_(outbox.c.peer == peers.c.node_id, outbox.c.seq > peers.c.acked_seq)
            )
        )
        .group_by(peers.c.name)
    )
    return {name: int(count) for name, count in conn.execute(query)}


def _oldest_pending(conn: Connection) -> dict[str, dt.datetime | None]:
    """Each peer's oldest change not acknowledged: the courier's lag is its age."""
    query = (
        select(peers.c.name, func.min(outbox.c.created))
        .select_from(
            peers.outerjoin(
                outbox, and_(outbox.c.peer == peers.c.node_id, outbox.c.seq > peers.c.acked_seq)
            )
        )
        .group_by(peers.c.name)
    )
    return {name: _utc(oldest) for name, oldest in conn.execute(query)}


def _witnessed(conn: Connection) -> dict[str, int]:
    """Each peer's latest cosignature of this node's log, as a tree size (this node's copy)."""
    query = select(peers.c.name, func.coalesce(witness_cosignatures.c.size, 0)).select_from(
        peers.outerjoin(witness_cosignatures, witness_cosignatures.c.witness == peers.c.node_id)
    )
    return {name: int(size) for name, size in conn.execute(query)}


def _utc(value: Any) -> dt.datetime | None:
    """MIN() of a UTC column comes back as the driver's raw value (SQLite: text)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    assert isinstance(value, dt.datetime)
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _per_peer_notices(conn: Connection) -> dict[str, int]:
    query = (
        select(peers.c.name, func.count(notices.c.id))
        .select_from(
            peers.outerjoin(
                notices, and_(notices.c.peer == peers.c.node_id, notices.c.delivered.is_(None))
            )
        )
        .group_by(peers.c.name)
    )
    return {name: int(count) for name, count in conn.execute(query)}
