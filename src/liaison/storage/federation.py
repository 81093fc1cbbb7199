"""SQL for federation: peers, the outbox, the disclosure register, the inbox
and received copies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Row, and_, bindparam, delete, func, insert, select, update

from liaison.federation.plan import ChangeKind, Holding, Level
from liaison.storage import matching
from liaison.storage.bulk import chunks, insert_rows
from liaison.storage.tables import (
    audit_head,
    copies,
    disclosures,
    inbox,
    outbox,
    peers,
    record_versions,
    records,
)

# --- peers ---------------------------------------------------------------------


def add_peer(conn: Connection, **values: Any) -> None:
    conn.execute(insert(peers).values(acked_seq=0, received_seq=0, attempts=0, **values))


def all_peers(conn: Connection) -> list[Row[Any]]:
    return list(conn.execute(select(peers).order_by(peers.c.name)))


def peer_names(conn: Connection) -> dict[str, str]:
    """Each partner's node id and the name this node knows it by."""
    return {row.node_id: row.name for row in all_peers(conn)}


def peer(conn: Connection, node_id: str, lock: bool = False) -> Row[Any] | None:
    query = select(peers).where(peers.c.node_id == node_id)
    return conn.execute(query.with_for_update() if lock else query).first()


def peer_named(conn: Connection, name: str) -> Row[Any] | None:
    return conn.execute(select(peers).where(peers.c.name == name)).first()


def peer_called(conn: Connection, partner: str) -> Row[Any] | None:
    """A peer by its name or its node id."""
    query = select(peers).where((peers.c.name == partner) | (peers.c.node_id == partner))
    return conn.execute(query.limit(1)).first()


def set_peer(conn: Connection, node_id: str, **values: Any) -> None:
    conn.execute(update(peers).where(peers.c.node_id == node_id).values(**values))


def queue_depths(conn: Connection) -> dict[str, int]:
    """Outbox entries not yet acknowledged, per peer."""
    query = (
        select(outbox.c.peer, func.count())
        .select_from(outbox.join(peers, peers.c.node_id == outbox.c.peer))
        .where(outbox.c.seq > peers.c.acked_seq)
        .group_by(outbox.c.peer)
    )
    return {peer_id: count for peer_id, count in conn.execute(query)}


# --- outbox and register (the sender's side) -------------------------------------


def serialise_outbox(conn: Connection) -> None:
    """Outbox sequence numbers must be visible in the order they were taken, or
    a sender could read seq 11 before seq 10 commits and skip 10 for good. Every
    transaction that writes the outbox takes the audit head's row lock first
    (it appends to the audit chain anyway); SQLite writers are serial already."""
    if conn.dialect.name == "postgresql":
        conn.execute(select(audit_head.c.id).where(audit_head.c.id == 1).with_for_update())


def enqueue(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    insert_rows(conn, outbox, rows)


def pending(conn: Connection, peer_id: str, after: int, limit: int) -> list[Row[Any]]:
    return list(
        conn.execute(
            select(outbox)
            .where(and_(outbox.c.peer == peer_id, outbox.c.seq > after))
            .order_by(outbox.c.seq)
            .limit(limit)
        )
    )


def holdings(conn: Connection, record_ids: Sequence[str]) -> dict[tuple[str, str], Row[Any]]:
    """Register rows for these records, by (peer, record id)."""
    found: dict[tuple[str, str], Row[Any]] = {}
    for chunk in chunks(record_ids):
        for row in conn.execute(select(disclosures).where(disclosures.c.record_id.in_(chunk))):
            found[(row.peer, row.record_id)] = row
    return found


def holding_of(row: Row[Any] | None) -> Holding | None:
    return None if row is None else Holding(Level(row.level), row.version)


def register(
    conn: Connection,
    new: Sequence[dict[str, Any]],
    changed: Sequence[dict[str, Any]],
) -> None:
    """Record what each partner is now sent: new rows, and changed ones."""
    insert_rows(conn, disclosures, new)
    if changed:
        conn.execute(
            update(disclosures)
            .where(
                and_(
                    disclosures.c.peer == bindparam("b_peer"),
                    disclosures.c.record_id == bindparam("b_record_id"),
                )
            )
            .values(
                level=bindparam("level"),
                version=bindparam("version"),
                agreement_id=bindparam("agreement_id"),
                since=bindparam("since"),
            ),
            [
                {
                    "b_peer": r["peer"],
                    "b_record_id": r["record_id"],
                    "level": r["level"],
                    "version": r["version"],
                    "agreement_id": r["agreement_id"],
                    "since": r["since"],
                }
                for r in changed
            ],
        )


def acknowledge(conn: Connection, peer_id: str, items: Sequence[Row[Any]], at: dt.datetime) -> None:
    """The partner applied these outbox entries: the register says so."""
    latest: dict[str, Row[Any]] = {}
    for row in items:
        latest[row.record_id] = row
    if not latest:
        return
    conn.execute(
        update(disclosures)
        .where(
            and_(
                disclosures.c.peer == bindparam("b_peer"),
                disclosures.c.record_id == bindparam("b_record_id"),
            )
        )
        .values(
            acked_version=bindparam("acked_version"),
            acked_level=bindparam("acked_level"),
            acked_at=bindparam("acked_at"),
        ),
        [
            {
                "b_peer": peer_id,
                "b_record_id": row.record_id,
                "acked_version": row.version,
                "acked_level": ChangeKind(row.kind).level.value,
                "acked_at": at,
            }
            for row in latest.values()
        ],
    )


def forget_refused(conn: Connection, peer_id: str, seqs: Sequence[int]) -> None:
    """The peer refused these entries: it holds nothing from them, so the
    register drops what they put there (the next change sends again)."""
    for chunk in chunks(sorted(set(seqs))):
        for row in conn.execute(
            select(outbox).where(and_(outbox.c.peer == peer_id, outbox.c.seq.in_(chunk)))
        ):
            conn.execute(
                delete(disclosures).where(
                    and_(
                        disclosures.c.peer == peer_id,
                        disclosures.c.record_id == row.record_id,
                        disclosures.c.version == row.version,
                        disclosures.c.level == ChangeKind(row.kind).level.value,
                    )
                )
            )


def register_rows(
    conn: Connection, peer_id: str | None, record_id: str | None, limit: int
) -> list[Row[Any]]:
    query = select(disclosures).order_by(disclosures.c.id).limit(limit)
    if peer_id:
        query = query.where(disclosures.c.peer == peer_id)
    if record_id:
        query = query.where(disclosures.c.record_id == record_id)
    return list(conn.execute(query))


def versions_for(conn: Connection, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], Any]:
    """Version rows and their heads' creation fields, for building full copies."""
    wanted = sorted(set(keys))
    found: dict[tuple[str, int], Any] = {}
    for chunk in chunks(wanted):
        ids = sorted({record_id for record_id, _ in chunk})
        query = (
            select(
                record_versions,
                records.c.created,
                records.c.created_by,
                records.c.version.label("head_version"),
                records.c.deleted.label("head_deleted"),
            )
            .join(records, records.c.record_id == record_versions.c.record_id)
            .where(record_versions.c.record_id.in_(ids))
        )
        keys_here = set(chunk)
        for row in conn.execute(query):
            if (row.record_id, row.version) in keys_here:
                found[(row.record_id, row.version)] = row
    return found


# --- inbox and copies (the receiver's side) --------------------------------------


def seen(conn: Connection, message_id: str) -> bool:
    query = select(inbox.c.message_id).where(inbox.c.message_id == message_id)
    return conn.execute(query).first() is not None


def remember(conn: Connection, message_id: str, sender: str, kind: str, at: dt.datetime) -> None:
    conn.execute(insert(inbox).values(message_id=message_id, sender=sender, type=kind, received=at))


def forget_before(conn: Connection, before: dt.datetime) -> None:
    """Message ids older than the clock-skew window can never be replayed."""
    conn.execute(delete(inbox).where(inbox.c.received < before))


def copies_for(conn: Connection, record_ids: Sequence[str]) -> dict[str, Row[Any]]:
    found: dict[str, Row[Any]] = {}
    for chunk in chunks(record_ids):
        for row in conn.execute(select(copies).where(copies.c.record_id.in_(chunk))):
            found[row.record_id] = row
    return found


def copy_row(conn: Connection, record_id: str) -> Row[Any] | None:
    return conn.execute(select(copies).where(copies.c.record_id == record_id)).first()


def received_under(conn: Connection, record_ids: Sequence[str]) -> dict[str, str | None]:
    """The agreement each received copy arrived under."""
    found: dict[str, str | None] = {}
    for chunk in chunks(record_ids):
        query = select(copies.c.record_id, copies.c.agreement_id).where(
            copies.c.record_id.in_(chunk)
        )
        found.update({row.record_id: row.agreement_id for row in conn.execute(query)})
    return found


def put_copies(conn: Connection, new: Sequence[dict[str, Any]], old: Sequence[str]) -> None:
    """Replace the copies of these records (old ones are removed first)."""
    drop_copies(conn, old)
    insert_rows(conn, copies, new)


def drop_copies(conn: Connection, record_ids: Sequence[str]) -> None:
    for chunk in chunks(record_ids):
        conn.execute(delete(copies).where(copies.c.record_id.in_(chunk)))


def drop_heads(conn: Connection, record_ids: Sequence[str]) -> None:
    for chunk in chunks(record_ids):
        conn.execute(delete(records).where(records.c.record_id.in_(chunk)))


def expire_copies(conn: Connection, record_ids: Sequence[str]) -> None:
    """Received copies past their retention: the content goes, the version stays
    (so that an older message cannot bring it back)."""
    for chunk in chunks(record_ids):
        conn.execute(
            update(copies)
            .where(copies.c.record_id.in_(chunk))
            .values(level=Level.WITHDRAWN.value, entity=None, envelope=None, caption="")
        )
    drop_heads(conn, record_ids)
    matching.unindex(conn, record_ids)


def received_counts(conn: Connection) -> dict[tuple[str, str], int]:
    query = select(copies.c.originator, copies.c.level, func.count()).group_by(
        copies.c.originator, copies.c.level
    )
    return {(origin, level): n for origin, level, n in conn.execute(query)}
