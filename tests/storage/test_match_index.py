"""The candidate index in the database: one statement for a screening call's candidates,
the key counts kept by every index write, and migration 0011 that fills them
(SQLite and PostgreSQL, real nodes)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from liaison.matching.profile import Profile, build, keys, rank
from liaison.node import Node
from liaison.storage import matching as store
from liaison.storage import migrate
from liaison.storage.db import make_engine
from liaison.storage.tables import match_key_counts, match_keys
from tests.conftest import Team, person

NAMES = [
    ("Juan dela Cruz", "1980-01-01"),
    ("Juan Santos", "1980-01-01"),
    ("Maria Santos", "1975-05-06"),
    ("Maria Cristina dela Cruz", "1980-03-04"),
    ("Pedro Penduko", "1980-01-01"),
    ("Ivan Petrov", "1971-09-12"),
    ("Иван Петров", "1971-09-12"),
    ("Juana Cruz", "1981-01-01"),
]


def profile(name: str, born: str = "") -> Profile:
    return build("Person", {"name": [name], "birthDate": [born] if born else []})


def counts(conn: sa.Connection) -> dict[str, int]:
    return {row.key: row.subjects for row in conn.execute(sa.select(match_key_counts))}


def counted(conn: sa.Connection) -> dict[str, int]:
    """The counts as they should be: the rows of match_keys, key by key."""
    query = sa.select(match_keys.c.key, sa.func.count()).group_by(match_keys.c.key)
    return {key: int(n) for key, n in conn.execute(query)}


def old_candidates(conn: sa.Connection, wanted: set[str], limit: int, stop: int) -> list[str]:
    """Retrieval before issue 18: one SELECT per key, ranked in Python."""
    postings = {
        key: list(
            conn.execute(
                sa.select(match_keys.c.subject).where(match_keys.c.key == key).limit(stop + 1)
            ).scalars()
        )
        for key in wanted
    }
    return rank(postings, limit, stop)


def fill(node: Node) -> None:
    with node.ctx.engine.begin() as conn:
        store.index(conn, [(f"rec-{i}", profile(n, b)) for i, (n, b) in enumerate(NAMES)])


def test_one_statement_finds_what_one_select_per_key_found(node: Node) -> None:
    fill(node)
    queries = {n: keys(profile(n, b)) for n, b in [*NAMES, ("Juan Cruz", "1980-01-01")]}
    with node.ctx.engine.connect() as conn:
        for limit, stop in ((100, 2000), (3, 2000), (100, 2), (2, 1)):
            found = store.candidates(conn, queries, limit, stop)
            for name, wanted in queries.items():
                expected = old_candidates(conn, wanted, limit, stop)
                assert [c.subject for c in found[name]] == expected, (name, limit, stop)
    assert any(found.values())


def test_a_key_too_common_selects_nothing(node: Node) -> None:
    fill(node)
    with node.ctx.engine.connect() as conn:
        assert store.key_counts(conn, {"b:1980-01-01", "s:nowhere"}) == {"b:1980-01-01": 3}
        only_date = {"q": {"b:1980-01-01"}}
        assert len(store.candidates(conn, only_date, 100, 3)["q"]) == 3
        assert store.candidates(conn, only_date, 100, 2) == {"q": []}


def test_counts_follow_updates_and_deletions(node: Node, team: Team) -> None:
    made = [node.records.create(team.analyst, person(n, birthDate=[b]), {}) for n, b in NAMES[:4]]
    with node.ctx.engine.connect() as conn:
        assert counts(conn) == counted(conn) and counts(conn)["b:1980-01-01"] == 2
    node.records.update(
        team.analyst, made[0].record_id, person("Pedro Penduko"), {}, expected_version=1
    )
    with node.ctx.engine.connect() as conn:
        assert counts(conn) == counted(conn) and counts(conn)["b:1980-01-01"] == 1
    node.records.delete(team.supervisor, made[1].record_id, "test", 1)
    with node.ctx.engine.connect() as conn:
        assert counts(conn) == counted(conn) and "b:1980-01-01" not in counts(conn)
    with node.ctx.engine.begin() as conn:
        store.unindex(conn, [r.record_id for r in made])
    with node.ctx.engine.connect() as conn:
        assert counts(conn) == {}


def test_screening_call_batches_and_hides_what_the_user_may_not_see(node: Node, team: Team) -> None:
    secret = node.records.create(
        team.analyst,
        person("Juan dela Cruz", birthDate=["1980-01-01"]),
        {"markings": {"classification": "SECRET"}},
    )
    open_ = node.records.create(team.analyst, person("Juan Santos", birthDate=["1980-01-01"]), {})
    found = node.matching.match(
        team.junior,
        {"a": person("Juan dela Cruz", birthDate=["1980-01-01"]), "b": person("Juan Santos")},
    )
    seen = {r["id"] for hits in found.values() for r in hits}
    assert open_.record_id in seen and secret.record_id not in seen
    mine = node.matching.match(team.analyst, {"a": person("Juan dela Cruz")})
    assert mine["a"][0]["id"] == secret.record_id


def test_revision_0011_counts_the_keys_of_an_existing_node(db_url: str, tmp_path: Path) -> None:
    url = db_url if db_url.startswith("postgresql") else f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    try:
        migrate.upgrade(engine, "0010")
        with engine.begin() as conn:
            rows = [("s:jn", "rec-a"), ("s:jn", "rec-b"), ("b:1980-01-01", "rec-a")]
            conn.execute(match_keys.insert(), [{"key": k, "subject": s} for k, s in rows])
        migrate.upgrade(engine)
        with engine.connect() as conn:
            assert counts(conn) == {"s:jn": 2, "b:1980-01-01": 1}
    finally:
        engine.dispose()
