"""SQL for hit/no-hit: the OPRF index offered to partners, usage counts for
rate limits, and this node's own queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Row, delete, func, insert, select, update

from liaison.storage.bulk import chunks
from liaison.storage.tables import hit_queries, psi_builds, psi_entries, psi_usage


def built(conn: Connection, domain: str, period: str) -> bool:
    query = select(psi_builds.c.built).where(
        psi_builds.c.domain == domain, psi_builds.c.period == period
    )
    return conn.scalar(query) is not None


def domains(conn: Connection, period: str) -> list[str]:
    """The domains whose index is built for this period."""
    query = select(psi_builds.c.domain).where(psi_builds.c.period == period)
    return list(conn.scalars(query))


def replace(
    conn: Connection, domain: str, period: str, rows: Sequence[dict[str, Any]], now: dt.datetime
) -> None:
    """The whole index of a domain and period, and the mark that it is built; older
    periods of the domain go (their keys are retired)."""
    conn.execute(delete(psi_entries).where(psi_entries.c.domain == domain))
    conn.execute(delete(psi_builds).where(psi_builds.c.domain == domain))
    if rows:
        conn.execute(insert(psi_entries), [{**r, "domain": domain, "period": period} for r in rows])
    conn.execute(insert(psi_builds).values(domain=domain, period=period, built=now))


def drop_records(conn: Connection, domain: str, period: str, record_ids: Sequence[str]) -> None:
    for chunk in chunks(list(record_ids)):
        conn.execute(
            delete(psi_entries).where(
                psi_entries.c.domain == domain,
                psi_entries.c.period == period,
                psi_entries.c.record_id.in_(chunk),
            )
        )


def add(conn: Connection, domain: str, period: str, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        conn.execute(insert(psi_entries), [{**r, "domain": domain, "period": period} for r in rows])


def size(conn: Connection, domain: str, period: str) -> int:
    """Distinct identifiers offered (one tag each, however many records carry it)."""
    query = select(func.count(func.distinct(psi_entries.c.reference))).where(
        psi_entries.c.domain == domain, psi_entries.c.period == period
    )
    return int(conn.scalar(query) or 0)


def tags_between(conn: Connection, domain: str, period: str, low: int, high: int) -> list[bytes]:
    """The distinct tags whose bucket key is in [low, high), sorted."""
    query = (
        select(psi_entries.c.tag)
        .where(
            psi_entries.c.domain == domain,
            psi_entries.c.period == period,
            psi_entries.c.bucket_key >= low,
            psi_entries.c.bucket_key < high,
        )
        .distinct()
        .order_by(psi_entries.c.tag)
    )
    return [bytes(t) for t in conn.scalars(query)]


def records_for(conn: Connection, domain: str, period: str, reference: bytes) -> list[str]:
    query = select(psi_entries.c.record_id).where(
        psi_entries.c.domain == domain,
        psi_entries.c.period == period,
        psi_entries.c.reference == reference,
    )
    return sorted(set(conn.scalars(query)))


def use(conn: Connection, partner: str, hour: str, elements: int) -> int:
    """Count elements evaluated for a partner this hour; return the new total."""
    found = conn.execute(
        select(psi_usage.c.elements)
        .where(psi_usage.c.partner == partner, psi_usage.c.hour == hour)
        .with_for_update()
    ).first()
    if found is None:
        conn.execute(insert(psi_usage).values(partner=partner, hour=hour, elements=elements))
        return elements
    total = int(found.elements) + elements
    conn.execute(
        update(psi_usage)
        .where(psi_usage.c.partner == partner, psi_usage.c.hour == hour)
        .values(elements=total)
    )
    return total


def add_queries(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        conn.execute(insert(hit_queries), list(rows))


def queries(conn: Connection, after: int, limit: int) -> list[Row[Any]]:
    query = select(hit_queries).where(hit_queries.c.id > after).order_by(hit_queries.c.id)
    return list(conn.execute(query.limit(limit)))
