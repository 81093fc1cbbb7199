"""SQL for follow-up requests: the requests on both sides and their history."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy import Connection, Row, and_, func, insert, select, update

from liaison.storage.bulk import chunks
from liaison.storage.tables import (
    consents,
    followup_steps,
    followups,
    hit_queries,
    hub_candidates,
)


def add(conn: Connection, values: dict[str, Any]) -> int:
    key = conn.execute(insert(followups).values(**_encoded(values))).inserted_primary_key
    assert key is not None
    return int(key[0])


def open_request(conn: Connection, row: dict[str, Any]) -> int:
    """A request and the first step of its history (who asked, why, by when)."""
    followup_id = add(conn, row)
    step(
        conn,
        followup_id,
        step="request",
        actor=row["asked_by"],
        text=row["justification"],
        due=row["due"],
        at=row["filed"],
    )
    return followup_id


def get(conn: Connection, followup_id: int, lock: bool = False) -> Row[Any] | None:
    query = select(followups).where(followups.c.id == followup_id)
    return conn.execute(query.with_for_update() if lock else query).first()


def by_request(conn: Connection, requester: str, request_id: str) -> Row[Any] | None:
    query = select(followups).where(
        followups.c.requester == requester, followups.c.request_id == request_id
    )
    return conn.execute(query.with_for_update()).first()


def change(conn: Connection, followup_id: int, **values: Any) -> None:
    conn.execute(update(followups).where(followups.c.id == followup_id).values(**_encoded(values)))


def step(conn: Connection, followup_id: int, **values: Any) -> None:
    conn.execute(insert(followup_steps).values(followup_id=followup_id, **values))


def steps(conn: Connection, followup_id: int) -> list[Row[Any]]:
    query = (
        select(followup_steps)
        .where(followup_steps.c.followup_id == followup_id)
        .order_by(followup_steps.c.id)
    )
    return list(conn.execute(query))


def page(
    conn: Connection, direction: str | None, states: Sequence[str], limit: int, offset: int
) -> tuple[list[Row[Any]], int]:
    """Requests, those due soonest first (the ones waiting), and how many there are."""
    where = []
    if direction is not None:
        where.append(followups.c.direction == direction)
    if states:
        where.append(followups.c.state.in_(list(states)))
    condition = and_(True, *where)
    total = conn.scalar(select(func.count()).select_from(followups).where(condition)) or 0
    query = (
        select(followups)
        .where(condition)
        .order_by(followups.c.due.is_(None), followups.c.due, followups.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(conn.execute(query)), int(total)


def hit_for(conn: Connection, partner: str, reference: str) -> Row[Any] | None:
    """This node's latest question to a partner that hit with this reference."""
    query = (
        select(hit_queries)
        .where(
            hit_queries.c.partner == partner,
            hit_queries.c.reference == reference,
            hit_queries.c.hit.is_(True),
        )
        .order_by(hit_queries.c.id.desc())
        .limit(1)
    )
    return conn.execute(query).first()


def siblings(conn: Connection, hit: Row[Any]) -> list[str]:
    """The other references of the same person asked in the same question: each
    key of a candidate hit has its own reference."""
    query = select(hit_queries.c.reference).where(
        hit_queries.c.partner == hit.partner,
        hit_queries.c.agreement_id == hit.agreement_id,
        hit_queries.c.kind == hit.kind,
        hit_queries.c.value == hit.value,
        hit_queries.c.created == hit.created,
        hit_queries.c.hit.is_(True),
        hit_queries.c.reference != hit.reference,
    )
    return sorted({str(r) for r in conn.scalars(query.limit(64))})


def hub_candidate(conn: Connection, partner: str, reference: str) -> Row[Any] | None:
    """A hub's candidate pair naming this partner's reference (hub mode)."""
    query = (
        select(hub_candidates)
        .where(hub_candidates.c.partner == partner, hub_candidates.c.partner_ref == reference)
        .order_by(hub_candidates.c.id.desc())
        .limit(1)
    )
    return conn.execute(query).first()


def released_fields(
    conn: Connection, partner: str, record_ids: Sequence[str]
) -> dict[str, tuple[str, ...] | None]:
    """For records released to a partner by an approved follow-up whose release
    (a consent for ``push``) still stands: the fields released (None: all)."""
    standing: set[str] = set()
    for chunk in chunks(list(record_ids)):
        standing.update(
            conn.scalars(
                select(consents.c.record_id).where(
                    consents.c.record_id.in_(chunk),
                    consents.c.recipient == partner,
                    consents.c.use == "push",
                    consents.c.withdrawn.is_(None),
                )
            )
        )
    out: dict[str, tuple[str, ...] | None] = {}
    if not standing:
        return out
    rows = conn.execute(
        select(followups.c.records, followups.c.fields)
        .where(
            followups.c.direction == "in",
            followups.c.requester == partner,
            followups.c.state.in_(("approved", "partly")),
        )
        .order_by(followups.c.id)
    )
    for row in rows:
        fields = tuple(orjson.loads(row.fields)) if row.fields else None
        for record_id in orjson.loads(row.records):
            if record_id in standing:
                out[record_id] = _wider(out, record_id, fields)
    return out


def _wider(
    found: dict[str, tuple[str, ...] | None], record_id: str, fields: tuple[str, ...] | None
) -> tuple[str, ...] | None:
    """Two releases of one record let through what either lets through."""
    if record_id not in found:
        return fields
    before = found[record_id]
    if before is None or fields is None:
        return None
    return tuple(sorted(set(before) | set(fields)))


def _encoded(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    for name in ("fields", "records"):
        if name in out and out[name] is not None and not isinstance(out[name], str):
            out[name] = orjson.dumps(list(out[name])).decode()
    return out
