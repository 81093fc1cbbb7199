"""The bulk-load helpers of the backend seam, on the real backends (SQLite and
PostgreSQL through the ``node`` fixture)."""

from __future__ import annotations

import sqlalchemy as sa

from liaison.node import Node
from liaison.storage.bulk import analyse
from tests.conftest import Team, person


def _statistics(conn: sa.Connection, table: str) -> int:
    if conn.dialect.name == "postgresql":
        query = (
            "SELECT count(*) FROM pg_stats WHERE tablename = :t AND schemaname = current_schema()"
        )
    else:
        query = "SELECT count(*) FROM sqlite_stat1 WHERE tbl = :t"
    return int(conn.execute(sa.text(query), {"t": table}).scalar_one())


def test_analyse_gives_the_planner_statistics_of_the_match_index(node: Node, team: Team) -> None:
    for n in range(3):  # under autovacuum's threshold of 50 changed rows: no ANALYZE of its own
        node.records.create(team.analyst, person(f"Fictitious Person{n}"), {})
    with node.ctx.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("ANALYZE sqlite_schema")  # creates sqlite_stat1, empty for ours
        before = _statistics(conn, "match_keys")
    with node.ctx.tx() as conn:
        analyse(conn)
    with node.ctx.engine.connect() as conn:
        assert before == 0
        assert _statistics(conn, "match_keys") > 0
        assert _statistics(conn, "records") > 0


def test_rows_bound_by_a_worker_are_the_ones_the_node_would_bind(node: Node, team: Team) -> None:
    """An import worker binds rows with a dialect made from the driver's name; they must
    equal, value for value, what the node's own engine would hand its driver, and the
    column lists the writer uses must be the rows' own keys."""
    from liaison.storage.bulk import Binder
    from liaison.storage.records import (
        HEAD_COLUMNS,
        VERSION_COLUMNS,
        bound,
        head_row,
        version_row,
    )

    record = node.records.create(team.analyst, person("Фиктивный Бинд"), {"crime_area": "fraud"})
    assert tuple(version_row(record)) == VERSION_COLUMNS
    assert tuple(head_row(record, "names")) == HEAD_COLUMNS
    engine = node.ctx.engine
    worker = bound(record, "names", Binder.named(engine.url.drivername))
    writer = bound(record, "names", Binder(engine.dialect))
    assert worker == writer and worker.head is not None
    with engine.connect() as conn:
        stored = conn.execute(
            sa.text("SELECT at FROM record_versions WHERE record_id = :r"), {"r": record.record_id}
        ).scalar_one()
    at = worker.version[VERSION_COLUMNS.index("at")]
    assert at == stored  # the same text on SQLite, the same timestamp on PostgreSQL
