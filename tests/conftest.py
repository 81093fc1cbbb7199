"""Fixture strategy.

Every test that touches storage runs twice: on a fresh SQLite file in the
test's temporary directory, and on a real PostgreSQL in a schema of its own
(created before the test, dropped after). Nothing is mocked: a ``node`` is
the real library on a real database, with real users whose passwords are
hashed with real Argon2id (at a lower cost than production, through the
node's own settings). API tests drive the real FastAPI app through Starlette's
TestClient. PostgreSQL is at ``LIAISON_TEST_PG`` (default: the local server,
database ``test``); when it is unreachable its tests are skipped, except
under CI (``CI`` set), where they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from liaison.api.app import create_app
from liaison.model.roles import Actor, Role
from liaison.node import SYSTEM, Node, init_node
from liaison.node.accounts import actor_of
from liaison.settings import Settings
from liaison.storage import users as user_store

PG_URL = os.environ.get("LIAISON_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "fictitious-pass-123"


def _pg_available() -> str | None:
    try:
        engine = sa.create_engine(PG_URL)
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        engine.dispose()
    except sa.exc.OperationalError as exc:
        return str(exc).splitlines()[0]
    return None


@pytest.fixture(scope="session")
def pg_problem() -> str | None:
    return _pg_available()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, pg_problem: str | None) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'liaison.db'}"
        return
    if pg_problem:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required under CI: {pg_problem}")
        pytest.skip(f"PostgreSQL unreachable: {pg_problem}")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=db_url,
        node_name="manila",
        argon2_time_cost=1,
        argon2_memory_kib=8192,
        import_batch_size=50,
        audit_checkpoint_every=25,
        max_body_bytes=1_000_000,
    )


@dataclass
class Team:
    """One user per role, plus a junior analyst with a low clearance."""

    admin: Actor
    analyst: Actor
    junior: Actor
    officer: Actor
    supervisor: Actor
    auditor: Actor


@pytest.fixture
def node(settings: Settings) -> Iterator[Node]:
    init_node(settings)
    opened = Node.open(settings)
    yield opened
    opened.close()


def actor_named(node: Node, username: str) -> Actor:
    with node.ctx.engine.connect() as conn:
        row = user_store.by_name(conn, username)
    assert row is not None
    return actor_of(row)


@pytest.fixture
def team(node: Node) -> Team:
    node.accounts.bootstrap_admin(SYSTEM, "admin", PASSWORD)
    admin = actor_named(node, "admin")
    people = {
        "analyst": (Role.ANALYST, "SECRET"),
        "junior": (Role.ANALYST, "RESTRICTED"),
        "officer": (Role.LIAISON_OFFICER, "SECRET"),
        "supervisor": (Role.SUPERVISOR, "SECRET"),
        "auditor": (Role.AUDITOR, "TOP_SECRET"),
    }
    for name, (role, clearance) in people.items():
        node.accounts.create_user(admin, name, PASSWORD, role, clearance)
    return Team(admin, *(actor_named(node, name) for name in people))


@pytest.fixture
def client(settings: Settings, node: Node) -> Iterator[TestClient]:
    with TestClient(create_app(settings, node), raise_server_exceptions=False) as test_client:
        yield test_client


def auth(node: Node, actor: Actor) -> dict[str, str]:
    """Headers with a fresh API token for the actor."""
    return {"Authorization": f"Bearer {node.accounts.create_token(actor, 'test', 1).token}"}


def person(name: str = "Иван Петров", **props: list[str]) -> dict[str, object]:
    return {"schema": "Person", "properties": {"name": [name], **props}}
