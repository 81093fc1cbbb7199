"""The backend seam under contention: SQLite's write lock is waited for, never
an error a caller sees, when several processes and the node's own worker write
to one database."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import orjson
import pytest
import sqlalchemy as sa

from liaison.demo.generate import Generator
from liaison.node import Node, Why
from liaison.node.matching import MatchWorker
from liaison.node.sources import jsonl_items
from liaison.settings import Settings
from liaison.storage import db
from liaison.storage import matching as match_store
from liaison.storage.tables import records
from tests.conftest import Team, actor_named, person

WRITERS = 3
WRITES = 10
QUEUED = 400  # records waiting for the match worker when the writers start
HANG_SECONDS = 600  # only a guard against a hang: never reached when the test passes


@pytest.fixture
def db_url(tmp_path: Path) -> Iterator[str]:
    """SQLite only: the lock is SQLite's."""
    yield f"sqlite:///{tmp_path / 'liaison.db'}"


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=db_url,
        node_name="manila",
        argon2_time_cost=1,
        argon2_memory_kib=8192,
        import_batch_size=500,
        import_workers=1,
        audit_checkpoint_every=25,
    )


def _write(settings: Settings, writer: int) -> list[str]:
    """One writer process: records created one by one through the service layer."""
    node = Node.open(settings)
    try:
        analyst = actor_named(node, "analyst")
        made = []
        for i in range(WRITES):
            entity = person(f"Writer{writer} Fictitious{i}", birthDate=["1980-01-01"])
            made.append(node.records.create(analyst, entity, {}).record_id)
        return made
    finally:
        node.close()


def _queue_for_matching(node: Node, team: Team) -> None:
    generator = Generator(seed=16)
    lines = []
    for entity in generator.entities(QUEUED * 3):
        if entity["schema"] == "Person":
            lines.append(orjson.dumps({**entity, "envelope": generator.envelope()}))
        if len(lines) == QUEUED:
            break
    node.transfer.import_items(
        team.analyst, lambda: jsonl_items(lines), source="test", why=Why("cross_check", "test")
    )


def test_writers_in_processes_and_the_match_worker_share_the_lock(
    node: Node, team: Team, settings: Settings
) -> None:
    _queue_for_matching(node, team)
    worker = MatchWorker(node.matching, poll_seconds=0.05)
    worker.start()
    try:
        spawn = get_context("spawn")
        with ProcessPoolExecutor(WRITERS, mp_context=spawn) as pool:
            futures = [pool.submit(_write, settings, w) for w in range(WRITERS)]
            written = [f.result(timeout=HANG_SECONDS) for f in futures]  # raises what they raised
    finally:
        worker.close(HANG_SECONDS)
    node.matching.process_all()
    made = {record_id for ids in written for record_id in ids}
    assert len(made) == WRITERS * WRITES
    with node.ctx.read() as conn:
        stored = set(conn.execute(sa.select(records.c.record_id)).scalars())
        assert made <= stored
        assert match_store.queue_depth(conn) == 0


def _locked() -> sqlite3.OperationalError:
    return sqlite3.OperationalError("database is locked")


def test_a_locked_attempt_is_retried() -> None:
    answers: list[Exception | str] = [_locked(), _locked(), "done"]

    def attempt() -> str:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert db.retry_locked(attempt, "test", sleep=lambda _: None) == "done"
    assert answers == []


def test_other_errors_are_not_retried() -> None:
    tries = []

    def attempt() -> None:
        tries.append(1)
        raise sqlite3.OperationalError("no such table: nothing")

    with pytest.raises(sa.exc.OperationalError, match="no such table"):
        db.retry_locked(attempt, "test", sleep=lambda _: None)
    assert len(tries) == 1


def test_the_wait_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    tries = []

    def attempt() -> None:
        tries.append(1)
        raise _locked()

    monkeypatch.setattr(db, "LOCK_ATTEMPTS", 5)
    with pytest.raises(sa.exc.OperationalError, match="database is locked"):
        db.retry_locked(attempt, "test", sleep=lambda _: None)
    assert len(tries) == 5


def test_a_lock_held_past_the_budget_fails_once_it_is_spent(
    node: Node, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another engine (another process, in effect) holds the write lock: the
    node's write keeps trying until the budget is spent, then fails; once the
    lock is free the same write goes through."""
    monkeypatch.setattr(db, "LOCK_WAIT_SECONDS", 0.2)
    other = db.make_engine(node.ctx.settings.resolved_database_url())
    try:
        with (
            other.begin(),
            pytest.raises(sa.exc.OperationalError, match="locked"),
            node.ctx.tx() as conn,
        ):
            conn.execute(sa.select(1))
        with node.ctx.tx() as conn:
            assert conn.execute(sa.select(1)).scalar_one() == 1
    finally:
        other.dispose()
