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
