"""SQL for the TAXII collections: the versions of this node's records that the
disclosure register says a partner holds in full (or held until the record
was deleted), in collection order (the version's time, record id, version)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, or_, select

from liaison.federation.plan import ChangeKind, Level
from liaison.model.records import Record
from liaison.storage.bulk import chunks
from liaison.storage.records import to_record
from liaison.storage.tables import disclosures, outbox, record_versions, records

Start = tuple[dt.datetime, str, int]
"""A place in collection order: (time of the version, record id, version)."""

SHARED = (Level.FULL.value, Level.DELETED.value)


def _versions() -> Select[Any]:
    """Version rows with their heads' creation fields and current version."""
    return select(
        record_versions,
        records.c.created,
        records.c.created_by,
        records.c.version.label("head_version"),
    ).join(records, records.c.record_id == record_versions.c.record_id)


def _from(start: Start) -> ColumnElement[bool]:
    at, record_id, version = start
    rv = record_versions.c
    return or_(
        rv.at > at,
        and_(rv.at == at, rv.record_id > record_id),
        and_(rv.at == at, rv.record_id == record_id, rv.version >= version),
    )


def shared_versions(
    conn: Connection,
    peer: str,
    originator: str,
    start: Start | None,
    added_after: dt.datetime | None,
    current_only: bool,
    limit: int,
) -> list[tuple[Record, int]]:
    """Up to ``limit`` versions from ``start`` on (each with its record's current
    version number) of the records of ``originator`` that ``peer`` was sent in full
    (or as a deletion after that); with ``current_only``, only current versions."""
    rv = record_versions.c
    shared = select(disclosures.c.record_id).where(
        and_(disclosures.c.peer == peer, disclosures.c.level.in_(SHARED))
    )
    version = rv.version == records.c.version if current_only else rv.version <= records.c.version
    query = _versions().where(
        and_(records.c.originator == originator, rv.record_id.in_(shared), version)
    )
    if start is not None:
        query = query.where(_from(start))
    if added_after is not None:
        query = query.where(rv.at > added_after)
    query = query.order_by(rv.at, rv.record_id, rv.version).limit(limit)
    return [(to_record(row, row), row.head_version) for row in conn.execute(query)]


def every_version(conn: Connection, record_ids: Sequence[str]) -> dict[str, list[Record]]:
    """Every version of these records (this node's own history), oldest first."""
    found: dict[str, list[Record]] = {}
    for chunk in chunks(sorted(set(record_ids))):
        query = (
            _versions()
            .where(record_versions.c.record_id.in_(chunk))
            .order_by(record_versions.c.record_id, record_versions.c.version)
        )
        for row in conn.execute(query):
            found.setdefault(row.record_id, []).append(to_record(row, row))
    return found


def sent_in_full(conn: Connection, peer: str, record_ids: Sequence[str]) -> set[str]:
    """Which of these records ``peer`` was ever sent in full (the outbox keeps every
    message queued for it), as against only a hit/no-hit reference."""
    found: set[str] = set()
    for chunk in chunks(sorted(set(record_ids))):
        query = select(outbox.c.record_id).where(
            and_(
                outbox.c.peer == peer,
                outbox.c.kind == ChangeKind.FULL.value,
                outbox.c.record_id.in_(chunk),
            )
        )
        found.update(conn.execute(query.distinct()).scalars())
    return found
