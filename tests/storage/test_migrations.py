from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from liaison.node import Node
from liaison.storage import migrate
from liaison.storage.db import make_engine
from liaison.storage.tables import APPEND_ONLY, metadata, record_versions, records
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


def test_revision_0002_fills_retention_dates_of_older_records(db_url: str, tmp_path: Path) -> None:
    url = db_url if db_url.startswith("postgresql") else f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    try:
        migrate.upgrade(engine, "0001")
        now = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
        envelope = {"originator": "lsn-x", "review_due": "2027-03-01", "expires": None}
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO records (record_id, entity_id, originator, schema, caption, names,"
                    " version, content_hash, deleted, created, modified, created_by, modified_by)"
                    " VALUES ('rec-old', 'e1', 'lsn-x', 'Person', 'Old', 'old', 1, 'h', false,"
                    " :now, :now, 'api:ana', 'api:ana')"
                ),
                {"now": now.replace(tzinfo=None)},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO record_versions (record_id, version, schema, entity, envelope,"
                    " caption, deleted, content_hash, actor, at)"
                    " VALUES ('rec-old', 1, 'Person', '{}', :envelope, 'Old', false, 'h',"
                    " 'api:ana', :now)"
                ),
                {"envelope": json.dumps(envelope), "now": now.replace(tzinfo=None)},
            )
        migrate.upgrade(engine)
        with engine.connect() as conn:
            row = conn.execute(sa.select(records.c.review_due, records.c.expires)).one()
        assert row.review_due == dt.date(2027, 3, 1) and row.expires is None
    finally:
        engine.dispose()


def test_revision_0010_rebuilds_the_candidate_index(db_url: str, tmp_path: Path) -> None:
    """A profile stored before issue 17 (no generation, old keys only) is read again."""
    url = db_url if db_url.startswith("postgresql") else f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    try:
        migrate.upgrade(engine, "0009")
        old = json.dumps(
            {
                "s": "Person",
                "n": [["Jose Rizal Jr.", [["jose", 0], ["rizal", 0]]]],
                "d": ["1961-06-19"],
                "c": [],
                "g": [],
                "i": [],
                "a": [],
            }
        )
        with engine.begin() as conn:
            conn.execute(
                sa.text("INSERT INTO match_profiles (subject, profile) VALUES ('rec-a', :p)"),
                {"p": old},
            )
            conn.execute(
                sa.text("INSERT INTO match_keys (key, subject) VALUES ('n:js|rsl', 'rec-a')")
            )
        migrate.upgrade(engine)
        with engine.connect() as conn:
            keys = set(conn.execute(sa.text("SELECT key FROM match_keys")).scalars())
            profile = conn.execute(sa.text("SELECT profile FROM match_profiles")).scalar_one()
        assert {"s:rsl", "d:rsl|1961-06-19", "n:js|rsl"} <= keys  # a single part is a key now
        assert json.loads(profile)["n"][0][2] == "jr"  # the generation is kept
    finally:
        engine.dispose()
