"""SQL for reading cross-match alerts as an analyst works through them.

Only alerts whose records the user may see, on both sides (a record's head,
not deleted, within the user's clearance and TLP), are read; they are
filtered by state, by partner (an alert involves a partner when either record
is the partner's copy, or when the partner told this node of a hit on one of
its records) and by watchlist. Each alert belongs to a **group**: the record
of this node it is about, so that one of the analyst's records comes with
its candidate matches under it (a pair of two of our own records, or of two
received copies, goes under the record whose cross-matching raised it: the
one written or changed later, as the match queue took them). Groups are
ordered by their best score, best first, and paged; the API's list reads the
same filtered alerts in id order.

Writing alerts (raising, refreshing, deciding) stays in
:mod:`liaison.storage.matching`, next to the match queue that raises them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    Select,
    and_,
    case,
    distinct,
    func,
    or_,
    select,
)

from liaison.storage.tables import alerts, records, watchlist_entries, watchlists


@dataclass(frozen=True, slots=True)
class AlertFilter:
    """What an analyst narrows the alerts to; ``None`` leaves a filter out."""

    status: str | None = None  # open, escalated, confirmed or rejected
    partner: str | None = None  # a partner's node id
    watchlist: str | None = None  # a watchlist's name


@dataclass(frozen=True, slots=True)
class Group:
    """One record's alerts: the record, its best score and how many alerts it has."""

    record_id: str
    best: float
    count: int


def _filtered(flt: AlertFilter, visible: ColumnElement[bool], holder: str) -> Select[Any]:
    """The alerts the user may see under the filter, with each side's caption,
    schema and originator (the entry's caption and its watchlist for a watchlist
    entry) and the group (``grp``) each belongs to."""
    mine = records.alias("rec_record")
    other = records.alias("rec_target")
    seen = select(records.c.record_id).where(records.c.deleted.is_(False), visible)
    group = case(
        (and_(mine.c.originator != holder, other.c.originator == holder), alerts.c.target),
        else_=alerts.c.record_id,
    )
    query = (
        select(
            alerts,
            group.label("grp"),
            mine.c.caption.label("record_caption"),
            mine.c.schema.label("record_schema"),
            mine.c.originator.label("record_originator"),
            other.c.caption.label("other_caption"),
            other.c.schema.label("other_schema"),
            other.c.originator.label("other_originator"),
            watchlist_entries.c.caption.label("entry_caption"),
            watchlists.c.name.label("watchlist"),
        )
        .join(mine, mine.c.record_id == alerts.c.record_id)
        .outerjoin(other, other.c.record_id == alerts.c.target)
        .outerjoin(watchlist_entries, watchlist_entries.c.entry_id == alerts.c.target)
        .outerjoin(watchlists, watchlists.c.id == watchlist_entries.c.watchlist_id)
        .where(
            alerts.c.record_id.in_(seen),
            or_(alerts.c.target_kind != "record", alerts.c.target.in_(seen)),
        )
    )
    if flt.status:
        query = query.where(alerts.c.status == flt.status)
    if flt.partner:
        query = query.where(
            or_(
                mine.c.originator == flt.partner,
                other.c.originator == flt.partner,
                alerts.c.target == f"partner:{flt.partner}",
            )
        )
    if flt.watchlist:
        query = query.where(watchlists.c.name == flt.watchlist)
    return query


def groups(
    conn: Connection,
    flt: AlertFilter,
    visible: ColumnElement[bool],
    holder: str,
    limit: int,
    offset: int,
) -> tuple[list[Group], int]:
    """One page of groups, best score first, and how many groups there are."""
    found = _filtered(flt, visible, holder).subquery()
    page = (
        select(found.c.grp, func.max(found.c.score).label("best"), func.count().label("n"))
        .group_by(found.c.grp)
        .order_by(func.max(found.c.score).desc(), found.c.grp)
        .limit(limit)
        .offset(offset)
    )
    total = conn.execute(select(func.count(distinct(found.c.grp)))).scalar_one()
    shown = [Group(row.grp, float(row.best), int(row.n)) for row in conn.execute(page)]
    return shown, int(total)


def in_groups(
    conn: Connection,
    flt: AlertFilter,
    visible: ColumnElement[bool],
    holder: str,
    keys: Sequence[str],
) -> list[Row[Any]]:
    """The alerts of these groups, each group's best first."""
    if not keys:
        return []
    found = _filtered(flt, visible, holder).subquery()
    query = (
        select(found).where(found.c.grp.in_(list(keys))).order_by(found.c.score.desc(), found.c.id)
    )
    return list(conn.execute(query))


def listed(
    conn: Connection,
    flt: AlertFilter,
    visible: ColumnElement[bool],
    holder: str,
    after: int,
    limit: int,
) -> list[Row[Any]]:
    """The alerts after the ``after`` id, oldest first (the API's cursor pages)."""
    found = _filtered(flt, visible, holder).subquery()
    query = select(found).where(found.c.id > after).order_by(found.c.id).limit(limit)
    return list(conn.execute(query))


def one(
    conn: Connection, alert_id: int, visible: ColumnElement[bool], holder: str
) -> Row[Any] | None:
    """One alert, if the user may see both its sides."""
    found = _filtered(AlertFilter(), visible, holder).subquery()
    return conn.execute(select(found).where(found.c.id == alert_id)).first()
