from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from liaison.node import Node
from liaison.storage import migrate
from liaison.storage.tables import APPEND_ONLY, metadata, record_versions
from tests.conftest import Team, person


def test_migrations_match_the_tables(node: Node) -> None:
    with node.ctx.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []
    assert migrate.is_current(node.ctx.engine)


def test_record_versions_are_append_only(node: Node, team: Team) -> None:
    assert "record_versions" in APPEND_ONLY
    node.records.create(team.analyst, person(), {})
    for statement in (
        sa.update(record_versions).values(caption="changed"),
        sa.delete(record_versions),
    ):
        try:
            with node.ctx.engine.begin() as conn:
                conn.execute(statement)
        except sa.exc.DBAPIError as exc:
            assert "append-only" in str(exc)
        else:
            raise AssertionError(f"{statement} was allowed")
