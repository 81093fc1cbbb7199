"""The identifier lookup's statements (``storage.lookup``) on both backends: the
records come through the candidate index's (key, subject) index, never from
a scan of ``records``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from liaison.model.markings import Classification
from liaison.node import Node
from liaison.storage import lookup
from liaison.storage.records import visible_to
from tests.conftest import Team, person

KEY = "i:phone:+639171234567"


def _plan(conn: Connection, statement: Any) -> str:
    sql = str(statement.compile(conn, compile_kwargs={"literal_binds": True}))
    if conn.dialect.name == "sqlite":
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql)
        return "\n".join(str(row[-1]) for row in rows)
    conn.exec_driver_sql("SET LOCAL enable_seqscan = off")  # could the index answer it?
    return "\n".join(row[0] for row in conn.exec_driver_sql("EXPLAIN " + sql.replace("%", "%%")))


def test_holders_reads_the_key_index_and_joins_visible_heads(node: Node, team: Team) -> None:
    juan = node.records.create(team.analyst, person("Juan", phone=["+639171234567"]), {})
    node.records.create(team.analyst, person("Pedro", phone=["+639181234567"]), {})
    visible = visible_to(Classification.SECRET, "analyst", node.ctx.node_id)
    with node.ctx.engine.begin() as conn:
        rows = lookup.holders(conn, {KEY, "i:passport:X1"}, visible, 0, 10)
        assert [row.record_id for row in rows] == [juan.record_id]
        assert lookup.holders(conn, {KEY}, visible, rows[0].id, 10) == []
        assert lookup.holders(conn, set(), visible, 0, 10) == []
        held = lookup.keys_held(conn, [juan.record_id], {KEY, "i:passport:X1"})
        assert held == {juan.record_id: [KEY]}
        plan = _plan(conn, lookup.holders_query({KEY}, visible, 0, 10))
    assert "ix_match_keys_key_subject" in plan, plan
    assert "SCAN records" not in plan and "Seq Scan on records" not in plan, plan
