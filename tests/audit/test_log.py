"""The chain in a real database: tampering done with SQL is found by verify."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from liaison.node import Node
from liaison.storage.tables import audit_log
from tests.conftest import Team, person


def tamper(node: Node, *statements: str) -> None:
    """Act as an attacker with database access: drop the append-only triggers first."""
    with node.ctx.engine.begin() as conn:
        for verb in ("update", "delete"):
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text(f"DROP TRIGGER audit_log_no_{verb} ON audit_log"))
            else:
                conn.execute(sa.text(f"DROP TRIGGER audit_log_no_{verb}"))
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
