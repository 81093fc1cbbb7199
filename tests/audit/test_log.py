"""The chain in a real database: tampering done with SQL is found by verify."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from liaison.errors import AuditChainBroken
from liaison.node import Node
from liaison.storage.tables import audit_log
from tests.conftest import Team, person


def tamper(node: Node, *statements: str) -> None:
    """Act as an attacker with database access: drop the append-only triggers first."""
    with node.ctx.engine.begin() as conn:
        for table in ("audit_log", "audit_checkpoints"):
            for verb in ("update", "delete"):
                if conn.dialect.name == "postgresql":
                    conn.execute(sa.text(f"DROP TRIGGER IF EXISTS {table}_no_{verb} ON {table}"))
                else:
                    conn.execute(sa.text(f"DROP TRIGGER IF EXISTS {table}_no_{verb}"))
        for statement in statements:
            conn.execute(sa.text(statement))


@pytest.fixture
def busy(node: Node, team: Team) -> Node:
    for i in range(30):
        node.records.create(team.analyst, person(f"Fictitious Person {i}"), {})
    return node


def test_append_only_in_the_database(busy: Node) -> None:
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), busy.ctx.engine.begin() as conn:
        conn.execute(sa.update(audit_log).where(audit_log.c.seq == 3).values(actor="x"))
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), busy.ctx.engine.begin() as conn:
        conn.execute(sa.delete(audit_log).where(audit_log.c.seq == 3))


def test_intact_log_verifies_with_checkpoints(busy: Node, team: Team) -> None:
    result = busy.audit.verify(team.auditor)
    assert result.ok, result.reason
    assert result.checkpoints >= 1  # checkpoint_every is 25 in tests


@pytest.mark.parametrize(
    ("statements", "first_broken"),
    [
        (["UPDATE audit_log SET actor = 'api:mallory' WHERE seq = 5"], 5),
        (["DELETE FROM audit_log WHERE seq = 7"], 7),
        (
            [
                "UPDATE audit_log SET seq = 1000 WHERE seq = 4",
                "UPDATE audit_log SET seq = 4 WHERE seq = 6",
                "UPDATE audit_log SET seq = 6 WHERE seq = 1000",
            ],
            4,
        ),
        (
            [
                "INSERT INTO audit_log SELECT seq + 1000, ts, actor, action, object, purpose,"
                " justification, result, detail, prev_hash, hash FROM audit_log WHERE seq = 3",
                "UPDATE audit_log SET seq = seq + 10000 WHERE seq >= 9 AND seq < 1000",
                "UPDATE audit_log SET seq = seq - 9999 WHERE seq >= 10000",
                "UPDATE audit_log SET seq = 9 WHERE seq = 1003",
            ],
            9,
        ),
    ],
    ids=["modified", "deleted", "reordered", "inserted"],
)
def test_tampering_is_found(
    busy: Node, team: Team, statements: list[str], first_broken: int
) -> None:
    tamper(busy, *statements)
    result = busy.audit.verify(team.auditor)
    assert not result.ok
    assert result.first_broken == first_broken, result.reason


def test_cut_tail_is_found(busy: Node, team: Team) -> None:
    with busy.ctx.engine.connect() as conn:
        last = conn.execute(sa.select(sa.func.max(audit_log.c.seq))).scalar_one()
    tamper(busy, f"DELETE FROM audit_log WHERE seq > {last - 2}")
    result = busy.audit.verify(team.auditor)
    assert not result.ok
    assert result.first_broken == last - 1


def test_cut_tail_with_moved_head_is_found(busy: Node, team: Team) -> None:
    """Cut the tail and move the head back to the new last entry, without the node key."""
    with busy.ctx.engine.connect() as conn:
        last = conn.execute(sa.select(sa.func.max(audit_log.c.seq))).scalar_one()
    cut = last - 3
    tamper(
        busy,
        f"DELETE FROM audit_log WHERE seq > {cut}",
        f"UPDATE audit_head SET seq = {cut}, hash = (SELECT hash FROM audit_log WHERE seq = {cut})",
    )
    result = busy.audit.verify(team.auditor)
    assert not result.ok
    assert "head" in (result.reason or "")


def test_deleted_checkpoint_is_found(busy: Node, team: Team) -> None:
    tamper(busy, "DELETE FROM audit_checkpoints WHERE seq = 25")
    result = busy.audit.verify(team.auditor)
    assert (result.ok, result.first_broken) == (False, 25)


def test_deleted_head_is_found_and_stops_the_node(busy: Node, team: Team) -> None:
    tamper(busy, "DELETE FROM audit_head")
    with busy.ctx.read() as conn:
        assert "head is missing" in (busy.ctx.audit.verify(conn).reason or "")
    with pytest.raises(AuditChainBroken):  # and nothing more can be appended
        busy.records.create(team.analyst, person(), {})


def test_truncate_is_refused_on_postgresql(busy: Node) -> None:
    if busy.ctx.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), busy.ctx.engine.begin() as conn:
        conn.execute(sa.text("TRUNCATE audit_log"))
