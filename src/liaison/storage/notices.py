"""SQL for notices: node-to-node events that are not record changes (a
partner's hit on one of our records; later, follow-up requests)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy import Connection, Row, insert, select, update

from liaison.storage.bulk import chunks
from liaison.storage.tables import notices, notices_in


def add(conn: Connection, peer: str, kind: str, body: dict[str, Any], now: dt.datetime) -> int:
    text = orjson.dumps(body, option=orjson.OPT_SORT_KEYS).decode()
    found = conn.execute(insert(notices).values(peer=peer, kind=kind, body=text, created=now))
    key = found.inserted_primary_key
    assert key is not None
    return int(key[0])


def pending(conn: Connection, peer: str, limit: int) -> list[Row[Any]]:
    query = (
        select(notices)
        .where(notices.c.peer == peer, notices.c.delivered.is_(None))
        .order_by(notices.c.id)
        .limit(limit)
    )
    return list(conn.execute(query))


def delivered(conn: Connection, peer: str, ids: Sequence[int], now: dt.datetime) -> None:
    for chunk in chunks(list(ids)):
        conn.execute(
            update(notices)
            .where(notices.c.peer == peer, notices.c.id.in_(chunk), notices.c.delivered.is_(None))
            .values(delivered=now)
        )


def seen(conn: Connection, sender: str, ids: Sequence[int]) -> set[int]:
    """Which of these notice ids from this sender were taken in before."""
    found: set[int] = set()
    for chunk in chunks(list(ids)):
        query = select(notices_in.c.notice_id).where(
            notices_in.c.sender == sender, notices_in.c.notice_id.in_(chunk)
        )
        found.update(int(n) for n in conn.scalars(query))
    return found


def remember(
    conn: Connection, sender: str, rows: Sequence[tuple[int, str]], now: dt.datetime
) -> None:
    if rows:
        conn.execute(
            insert(notices_in),
            [{"sender": sender, "notice_id": i, "kind": k, "received": now} for i, k in rows],
        )
