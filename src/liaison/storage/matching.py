"""The candidate index, the match queue, watchlists and alerts in the database.

Every record head and watchlist entry has a match profile and its blocking
keys (``match_keys``, indexed by key). A query looks up each of its keys,
skips keys so common that they select nothing (more than ``stop``
subjects), and ranks subjects by how many keys they share: at most
``limit`` candidates, whatever the size of the node.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Row, delete, func, or_, select, update

from liaison.matching.profile import Profile, build, dumps, keys, loads, rank, refreshed
from liaison.model.records import Record
from liaison.storage.bulk import chunks, insert_rows
from liaison.storage.tables import (
    alerts,
    match_keys,
    match_profiles,
    match_queue,
    watchlist_entries,
    watchlists,
)

WATCH = "watch:"


def profile_of(record: Record) -> Profile:
    return build(record.schema, record.properties)


def index(
    conn: Connection, items: Sequence[tuple[str, Profile | None]], fresh: bool = False
) -> None:
    """Replace the profiles and keys of these subjects (``None``: remove). With
    ``fresh`` the caller knows that none of them is indexed yet (records at their
    first version): nothing is deleted first."""
    if not fresh:
        unindex(conn, [subject for subject, _ in items])
    kept = [(subject, profile) for subject, profile in items if profile is not None]
    insert_rows(conn, match_profiles, [{"subject": s, "profile": dumps(p)} for s, p in kept])
    insert_rows(
        conn, match_keys, [{"key": k, "subject": s} for s, p in kept for k in sorted(keys(p))]
    )


def index_records(conn: Connection, records: Iterable[Record], new: bool = False) -> None:
    """Index the current versions of records (tombstones leave the index). With
    ``new`` every record is one whose head row was just inserted: it was never
    indexed, and its rows are only inserted."""
    latest = {r.record_id: r for r in records}
    index(conn, [(rid, None if r.deleted else profile_of(r)) for rid, r in latest.items()], new)


def rebuild(conn: Connection, batch: int = 1000) -> int:
    """Rebuild every stored profile and its keys with the current matching code (run by
    a migration when the name rules or the keys change); returns the subjects done."""
    done, after = 0, ""
    while True:
        query = (
            select(match_profiles)
            .where(match_profiles.c.subject > after)
            .order_by(match_profiles.c.subject)
            .limit(batch)
        )
        rows = list(conn.execute(query))
        if not rows:
            return done
        index(conn, [(row.subject, refreshed(loads(row.profile))) for row in rows])
        done, after = done + len(rows), rows[-1].subject


def unindex(conn: Connection, subjects: Sequence[str]) -> None:
    for chunk in chunks(subjects):
        conn.execute(delete(match_keys).where(match_keys.c.subject.in_(chunk)))
        conn.execute(delete(match_profiles).where(match_profiles.c.subject.in_(chunk)))


def candidates(conn: Connection, wanted: Iterable[str], limit: int, stop: int) -> list[str]:
    """Subjects sharing the most (and the rarest) keys with the query, at most ``limit``."""
    postings: dict[str, list[str]] = {}
    for key in sorted(wanted):
        query = select(match_keys.c.subject).where(match_keys.c.key == key).limit(stop + 1)
        postings[key] = list(conn.execute(query).scalars())
    return rank(postings, limit, stop)


def profiles(conn: Connection, subjects: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for chunk in chunks(subjects):
        query = select(match_profiles).where(match_profiles.c.subject.in_(chunk))
        out.update({row.subject: row.profile for row in conn.execute(query)})
    return out


# --- match queue -------------------------------------------------------------------------


def enqueue(conn: Connection, records: Iterable[Record], now: dt.datetime) -> None:
    rows = [
        {"record_id": r.record_id, "version": r.version, "queued": now}
        for r in records
        if not r.deleted
    ]
    insert_rows(conn, match_queue, rows)


def queued(conn: Connection, limit: int) -> list[Row[Any]]:
    query = select(match_queue).order_by(match_queue.c.id).limit(limit)
    return list(conn.execute(query))


def dequeue(conn: Connection, ids: Sequence[int]) -> None:
    for chunk in chunks(ids):
        conn.execute(delete(match_queue).where(match_queue.c.id.in_(chunk)))


def queue_depth(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(match_queue)).scalar_one())


# --- watchlists --------------------------------------------------------------------------


def watchlist_named(conn: Connection, name: str) -> Row[Any] | None:
    return conn.execute(select(watchlists).where(watchlists.c.name == name)).first()


def add_watchlist(conn: Connection, **values: Any) -> int:
    return _new_id(conn.execute(watchlists.insert().values(**values)).inserted_primary_key)


def all_watchlists(conn: Connection) -> list[Row[Any]]:
    counts = (
        select(watchlist_entries.c.watchlist_id, func.count().label("entries"))
        .group_by(watchlist_entries.c.watchlist_id)
        .subquery()
    )
    query = (
        select(watchlists, func.coalesce(counts.c.entries, 0).label("entries"))
        .outerjoin(counts, counts.c.watchlist_id == watchlists.c.id)
        .order_by(watchlists.c.name)
    )
    return list(conn.execute(query))


def put_entries(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Add or replace watchlist entries (same entry id: replaced)."""
    ids = [row["entry_id"] for row in rows]
    for chunk in chunks(ids):
        conn.execute(delete(watchlist_entries).where(watchlist_entries.c.entry_id.in_(chunk)))
    insert_rows(conn, watchlist_entries, rows)


def entries(conn: Connection, entry_ids: Sequence[str]) -> dict[str, Row[Any]]:
    out: dict[str, Row[Any]] = {}
    for chunk in chunks(entry_ids):
        query = select(watchlist_entries, watchlists.c.name.label("watchlist")).join(
            watchlists, watchlists.c.id == watchlist_entries.c.watchlist_id
        )
        for row in conn.execute(query.where(watchlist_entries.c.entry_id.in_(chunk))):
            out[row.entry_id] = row
    return out


# --- alerts ------------------------------------------------------------------------------


def known_pairs(conn: Connection, record_id: str) -> dict[str, Row[Any]]:
    """Alerts on a record, by the other side of the pair (either direction)."""
    query = select(alerts).where(or_(alerts.c.record_id == record_id, alerts.c.target == record_id))
    return {
        (row.target if row.record_id == record_id else row.record_id): row
        for row in conn.execute(query)
    }


def add_alert(conn: Connection, **values: Any) -> int:
    return _new_id(conn.execute(alerts.insert().values(**values)).inserted_primary_key)


def refresh_alert(conn: Connection, alert_id: int, **values: Any) -> None:
    conn.execute(update(alerts).where(alerts.c.id == alert_id).values(**values))


def alert(conn: Connection, alert_id: int, lock: bool = False) -> Row[Any] | None:
    query = select(alerts).where(alerts.c.id == alert_id)
    return conn.execute(query.with_for_update() if lock else query).first()


def list_alerts(conn: Connection, status: str | None, after: int, limit: int) -> list[Row[Any]]:
    query = select(alerts).where(alerts.c.id > after).order_by(alerts.c.id).limit(limit)
    if status:
        query = query.where(alerts.c.status == status)
    return list(conn.execute(query))


def _new_id(key: Any) -> int:
    assert key is not None
    return int(key[0])
