"""SQL for hub mode: on a hub, its projects, the members' submissions, their
encodings and the candidate pairs of the last run; on a member, its
memberships, its references and the candidate pairs the hub returned."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Row, Table, delete, func, insert, or_, select, update

from liaison.storage.bulk import chunks
from liaison.storage.tables import (
    hub_candidates,
    hub_entries,
    hub_memberships,
    hub_pairs,
    hub_projects,
    hub_refs,
    hub_submissions,
)


def _insert(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    if rows:
        conn.execute(insert(table), list(rows))


# --- on the hub ------------------------------------------------------------------------


def add_project(conn: Connection, row: Mapping[str, Any]) -> None:
    conn.execute(insert(hub_projects).values(**row))


def project(conn: Connection, name: str, lock: bool = False) -> Row[Any] | None:
    query = select(hub_projects).where(hub_projects.c.project == name)
    return conn.execute(query.with_for_update() if lock else query).first()


def projects(conn: Connection) -> list[Row[Any]]:
    return list(conn.execute(select(hub_projects).order_by(hub_projects.c.project)))


def set_project(conn: Connection, name: str, **values: Any) -> None:
    conn.execute(update(hub_projects).where(hub_projects.c.project == name).values(**values))


def _submission_key(project_: str, member: str, submission: str) -> Any:
    return (
        (hub_submissions.c.project == project_)
        & (hub_submissions.c.member == member)
        & (hub_submissions.c.submission == submission)
    )


def submission(conn: Connection, project_: str, member: str, sub: str) -> Row[Any] | None:
    query = select(hub_submissions).where(_submission_key(project_, member, sub))
    return conn.execute(query).first()


def start_submission(conn: Connection, row: Mapping[str, Any]) -> None:
    conn.execute(insert(hub_submissions).values(**row))


def set_submission(conn: Connection, project_: str, member: str, sub: str, **values: Any) -> None:
    conn.execute(
        update(hub_submissions).where(_submission_key(project_, member, sub)).values(**values)
    )


def submissions(conn: Connection, project_: str) -> list[Row[Any]]:
    query = select(hub_submissions).where(hub_submissions.c.project == project_)
    return list(conn.execute(query.order_by(hub_submissions.c.member, hub_submissions.c.started)))


def add_entries(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    _insert(conn, hub_entries, rows)


def drop_others(conn: Connection, project_: str, member: str, keep: str) -> None:
    """Forget a member's other submissions (older or abandoned) once one completes."""
    for table in (hub_entries, hub_submissions):
        conn.execute(
            delete(table).where(
                table.c.project == project_, table.c.member == member, table.c.submission != keep
            )
        )


def entries(conn: Connection, project_: str, member: str, sub: str) -> list[Row[Any]]:
    query = select(hub_entries.c.ref, hub_entries.c.encoding, hub_entries.c.blocks).where(
        hub_entries.c.project == project_,
        hub_entries.c.member == member,
        hub_entries.c.submission == sub,
    )
    return list(conn.execute(query.order_by(hub_entries.c.ref)))


def replace_pairs(
    conn: Connection, project_: str, run: int, rows: Sequence[Mapping[str, Any]]
) -> None:
    conn.execute(delete(hub_pairs).where(hub_pairs.c.project == project_))
    _insert(conn, hub_pairs, [{**r, "project": project_, "run": run} for r in rows])


def drop_pairs_of(conn: Connection, project_: str, member: str) -> None:
    """Forget the pairs naming a member's replaced submission (until the next run)."""
    conn.execute(
        delete(hub_pairs).where(
            hub_pairs.c.project == project_,
            (hub_pairs.c.left_member == member) | (hub_pairs.c.right_member == member),
        )
    )


def drop_refs_except(conn: Connection, project_: str, keep: str) -> None:
    """A member forgets the references of its other submissions: only those of the
    submission the hub holds now may be resolved."""
    conn.execute(
        delete(hub_refs).where(hub_refs.c.project == project_, hub_refs.c.submission != keep)
    )


def pairs_of(conn: Connection, project_: str, member: str) -> list[Row[Any]]:
    """The last run's pairs with ``member`` on either side."""
    query = select(hub_pairs).where(
        hub_pairs.c.project == project_,
        or_(hub_pairs.c.left_member == member, hub_pairs.c.right_member == member),
    )
    return list(conn.execute(query.order_by(hub_pairs.c.left_ref, hub_pairs.c.right_ref)))


def pair_count(conn: Connection, project_: str) -> int:
    query = select(func.count()).select_from(hub_pairs).where(hub_pairs.c.project == project_)
    return int(conn.scalar(query) or 0)


# --- on a member ----------------------------------------------------------------------


def add_membership(conn: Connection, row: Mapping[str, Any]) -> None:
    conn.execute(insert(hub_memberships).values(**row))


def membership(conn: Connection, project_: str) -> Row[Any] | None:
    query = select(hub_memberships).where(hub_memberships.c.project == project_)
    return conn.execute(query).first()


def memberships(conn: Connection) -> list[Row[Any]]:
    return list(conn.execute(select(hub_memberships).order_by(hub_memberships.c.project)))


def set_membership(conn: Connection, project_: str, **values: Any) -> None:
    query = update(hub_memberships).where(hub_memberships.c.project == project_)
    conn.execute(query.values(**values))


def add_refs(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    _insert(conn, hub_refs, rows)


def records_of(conn: Connection, project_: str, refs: Sequence[str]) -> dict[str, str]:
    """The records our references stand for."""
    found: dict[str, str] = {}
    for chunk in chunks(sorted(set(refs))):
        query = select(hub_refs.c.ref, hub_refs.c.record_id).where(
            hub_refs.c.project == project_, hub_refs.c.ref.in_(chunk)
        )
        found.update({row.ref: row.record_id for row in conn.execute(query)})
    return found


def replace_candidates(conn: Connection, project_: str, rows: Sequence[Mapping[str, Any]]) -> None:
    conn.execute(delete(hub_candidates).where(hub_candidates.c.project == project_))
    _insert(conn, hub_candidates, rows)


def candidates(conn: Connection, project_: str) -> list[Row[Any]]:
    query = select(hub_candidates).where(hub_candidates.c.project == project_)
    return list(conn.execute(query.order_by(hub_candidates.c.id)))
