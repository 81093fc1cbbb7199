"""SQL for notices and diffusions (``liaison.diffusion``): the notices this node
issued and those it holds from partners, their subjects, the disclosure
register, response threads and challenges (kept apart from police files)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import orjson
from sqlalchemy import Connection, Row, delete, insert, select, update

from liaison.storage.bulk import chunks
from liaison.storage.matching import NOTICE as NOTICE  # partners' notice subjects in the index
from liaison.storage.tables import (
    challenges,
    diffusion_holders,
    diffusion_notices,
    diffusion_subjects,
    diffusion_thread,
)


def dumps(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


# --- notices -------------------------------------------------------------------------------


def notice(conn: Connection, notice_id: str, lock: bool = False) -> Row[Any] | None:
    query = select(diffusion_notices).where(diffusion_notices.c.notice_id == notice_id)
    return conn.execute(query.with_for_update() if lock else query).first()


def put_notice(conn: Connection, values: Mapping[str, Any]) -> None:
    """Insert or replace a notice row (by its id)."""
    found = notice(conn, str(values["notice_id"]))
    if found is None:
        conn.execute(insert(diffusion_notices).values(**values))
    else:
        conn.execute(
            update(diffusion_notices)
            .where(diffusion_notices.c.notice_id == values["notice_id"])
            .values(**values)
        )


def notices(
    conn: Connection,
    *,
    originator: str | None = None,
    not_originator: str | None = None,
    state: str | None = None,
    expiring: tuple[dt.date, dt.date] | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[Row[Any]]:
    """Notices, latest change first; with ``expiring`` (after, up to), the live ones
    (issued or suspended) whose expiry day is after the first day and on or before
    the second, the soonest first."""
    t = diffusion_notices
    query = select(t)
    if originator is not None:
        query = query.where(t.c.originator == originator)
    if not_originator is not None:
        query = query.where(t.c.originator != not_originator)
    if state:
        query = query.where(t.c.state == state)
    if expiring is not None:
        after, until = expiring
        query = query.where(
            t.c.state.in_(("issued", "suspended")), t.c.expires_on > after, t.c.expires_on <= until
        ).order_by(t.c.expires_on)
    query = query.order_by(t.c.updated.desc(), t.c.notice_id).limit(limit).offset(offset)
    return list(conn.execute(query))


def notices_by_id(conn: Connection, ids: Sequence[str]) -> dict[str, Row[Any]]:
    out: dict[str, Row[Any]] = {}
    for chunk in chunks(list(dict.fromkeys(ids))):
        for row in conn.execute(
            select(diffusion_notices).where(diffusion_notices.c.notice_id.in_(chunk))
        ):
            out[row.notice_id] = row
    return out


def live_received(conn: Connection, me: str, kinds: Sequence[str]) -> list[Row[Any]]:
    """Partners' notices of these kinds that are issued (not suspended or ended)."""
    t = diffusion_notices
    query = select(t).where(t.c.originator != me, t.c.state == "issued", t.c.kind.in_(kinds))
    return list(conn.execute(query.order_by(t.c.notice_id)))


def live_of(conn: Connection, originator: str) -> list[Row[Any]]:
    """Every notice of this originator that is issued or suspended, by id."""
    t = diffusion_notices
    query = select(t).where(t.c.originator == originator, t.c.state.in_(("issued", "suspended")))
    return list(conn.execute(query.order_by(t.c.notice_id)))


# --- subjects of partners' notices ---------------------------------------------------------


def put_subjects(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    if rows:
        conn.execute(insert(diffusion_subjects), [dict(r) for r in rows])


def drop_subjects(conn: Connection, notice_id: str) -> list[str]:
    """Remove a notice's subjects; return their match-index ids."""
    ids = list(
        conn.scalars(
            select(diffusion_subjects.c.subject).where(diffusion_subjects.c.notice_id == notice_id)
        )
    )
    conn.execute(delete(diffusion_subjects).where(diffusion_subjects.c.notice_id == notice_id))
    return ids


def subjects_of(conn: Connection, notice_id: str) -> list[Row[Any]]:
    query = select(diffusion_subjects).where(diffusion_subjects.c.notice_id == notice_id)
    return list(conn.execute(query.order_by(diffusion_subjects.c.subject)))


def subjects(conn: Connection, ids: Sequence[str]) -> dict[str, Row[Any]]:
    """Subjects by match-index id, with their notice's kind, state and expiry."""
    s, n = diffusion_subjects, diffusion_notices
    out: dict[str, Row[Any]] = {}
    for chunk in chunks(list(dict.fromkeys(ids))):
        query = (
            select(s, n.c.kind, n.c.state, n.c.expires_on, n.c.originator)
            .join(n, n.c.notice_id == s.c.notice_id)
            .where(s.c.subject.in_(chunk))
        )
        for row in conn.execute(query):
            out[row.subject] = row
    return out


# --- the disclosure register of our notices -----------------------------------------------


def set_holder(
    conn: Connection,
    notice_id: str,
    node_id: str,
    *,
    state: str,
    version: int,
    reasons: Sequence[str],
    agreement_id: str | None,
    now: dt.datetime,
) -> None:
    """Record what a partner was last sent of a notice (or why not), and under which
    agreement it holds it."""
    t = diffusion_holders
    where = (t.c.notice_id == notice_id) & (t.c.node_id == node_id)
    found = conn.execute(select(t).where(where)).first()
    values = {
        "state": state,
        "version": version,
        "reasons": dumps(list(reasons)),
        "agreement_id": agreement_id,
        "updated": now,
    }
    if found is None:
        first = now if state == "holds" else None
        conn.execute(
            insert(t).values(notice_id=notice_id, node_id=node_id, first_sent=first, **values)
        )
    else:
        if state == "holds" and found.first_sent is None:
            values["first_sent"] = now
        conn.execute(update(t).where(where).values(**values))


def holders(conn: Connection, notice_id: str) -> list[Row[Any]]:
    t = diffusion_holders
    query = select(t).where(t.c.notice_id == notice_id).order_by(t.c.node_id)
    return list(conn.execute(query))


# --- threads ------------------------------------------------------------------------------


def add_entry(conn: Connection, **values: Any) -> int:
    key = conn.execute(insert(diffusion_thread).values(**values)).inserted_primary_key
    assert key is not None
    return int(key[0])


def thread(conn: Connection, notice_id: str, receiver: str | None = None) -> list[Row[Any]]:
    t = diffusion_thread
    query = select(t).where(t.c.notice_id == notice_id)
    if receiver is not None:
        query = query.where(t.c.receiver == receiver)
    return list(conn.execute(query.order_by(t.c.at, t.c.id)))


# --- challenges ---------------------------------------------------------------------------


def challenge(conn: Connection, challenge_id: str, lock: bool = False) -> Row[Any] | None:
    query = select(challenges).where(challenges.c.challenge_id == challenge_id)
    return conn.execute(query.with_for_update() if lock else query).first()


def put_challenge(conn: Connection, values: Mapping[str, Any]) -> None:
    if challenge(conn, str(values["challenge_id"])) is None:
        conn.execute(insert(challenges).values(**values))
    else:
        conn.execute(
            update(challenges)
            .where(challenges.c.challenge_id == values["challenge_id"])
            .values(**values)
        )


def all_challenges(
    conn: Connection, stage: str | None = None, limit: int = 50, offset: int = 0
) -> list[Row[Any]]:
    query = select(challenges)
    if stage:
        query = query.where(challenges.c.stage == stage)
    query = query.order_by(challenges.c.received.desc(), challenges.c.challenge_id)
    return list(conn.execute(query.limit(limit).offset(offset)))
