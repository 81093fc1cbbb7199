"""Identifier lookup in the candidate index: the records holding given identifier keys.

Every record head's identifiers are blocking keys of the candidate index
(``match_keys``, ``i:kind:value``; see ``storage.matching``), kept current in
the transaction of every write, received copy, deletion and expiry. A lookup
reads the rows of its few keys through the (key, subject) index and joins the
heads the user may see (``records.visible_to``): no scan of the records.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, Select, select

from liaison.storage.bulk import chunks
from liaison.storage.tables import match_keys, records


def holders(
    conn: Connection,
    keys: Collection[str],
    visible: ColumnElement[bool],
    after: int,
    limit: int,
) -> list[Row[Any]]:
    """The current heads (not deleted) that hold any of these keys and meet
    ``visible``, in head order from ``after`` (a head row id), at most ``limit``."""
    if not keys:
        return []
    return list(conn.execute(holders_query(keys, visible, after, limit)))


def holders_query(
    keys: Collection[str], visible: ColumnElement[bool], after: int, limit: int
) -> Select[Any]:
    """:func:`holders`' statement: the keys' rows from the (key, subject) index,
    then each subject's head by its unique record id."""
    held = select(match_keys.c.subject).where(match_keys.c.key.in_(sorted(keys)))
    return (
        select(records)
        .where(
            records.c.record_id.in_(held.scalar_subquery()),
            records.c.id > after,
            records.c.deleted.is_(False),
            visible,
        )
        .order_by(records.c.id)
        .limit(limit)
    )


def keys_held(
    conn: Connection, subjects: Sequence[str], keys: Collection[str]
) -> dict[str, list[str]]:
    """Which of these keys each subject holds (sorted), for the subjects found."""
    held: dict[str, list[str]] = {}
    for chunk in chunks(subjects):
        query = (
            select(match_keys.c.subject, match_keys.c.key)
            .where(match_keys.c.key.in_(sorted(keys)), match_keys.c.subject.in_(chunk))
            .order_by(match_keys.c.subject, match_keys.c.key)
        )
        for row in conn.execute(query):
            held.setdefault(row.subject, []).append(row.key)
    return held
