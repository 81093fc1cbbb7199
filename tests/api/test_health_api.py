"""Liveness and readiness (``GET /healthz``, ``GET /readyz``) on both backends: ready
on a sound node; 503 naming the failed check when the database does not answer
(a SQLite file moved away under a real server, a PostgreSQL port where nothing
listens), when the schema is behind, and when the audit chain head is missing or
not the node's. Nothing in an answer names a host, a path or a driver's message."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx2 as httpx
import sqlalchemy as sa
from fastapi.testclient import TestClient

from liaison.api.app import create_app
from liaison.node import Node
from liaison.settings import Settings
from liaison.storage.tables import audit_head
from tests.servers import serving


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again when the block ends


def unreachable(settings: Settings, tmp_path: Path) -> str:
    """A database URL of the same backend where no database answers."""
    if settings.resolved_database_url().startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'gone' / 'liaison.db'}"
    return f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/test"


def test_healthz_answers_without_the_database(settings: Settings, tmp_path: Path) -> None:
    down = settings.model_copy(update={"database_url": unreachable(settings, tmp_path)})
    with TestClient(create_app(down)) as client:
        answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json()["status"] == "ok"


def test_readyz_is_ready_on_a_sound_node(client: TestClient) -> None:
    answer = client.get("/readyz")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "ready" and body["failed"] == []
    assert [c["name"] for c in body["checks"]] == ["database", "migrations", "audit"]
    assert all(c["ok"] for c in body["checks"])


def test_readyz_fails_when_the_database_does_not_answer(
    settings: Settings, node: Node, tmp_path: Path
) -> None:
    url = unreachable(settings, tmp_path)
    with TestClient(create_app(settings.model_copy(update={"database_url": url}))) as client:
        answer = client.get("/readyz")
    assert answer.status_code == 503
    body = answer.json()
    assert body["status"] == "not ready"
    assert body["failed"] == ["database", "migrations", "audit"]
    assert "did not answer" in body["checks"][0]["detail"]
    assert "127.0.0.1" not in answer.text and "gone" not in answer.text
    assert not (tmp_path / "gone").exists()  # the probe never creates a database


def test_readyz_fails_when_a_served_sqlite_database_is_moved_away(
    settings: Settings, node: Node
) -> None:
    url = settings.resolved_database_url()
    if not url.startswith("sqlite"):
        return  # the PostgreSQL case is the closed port above
    path = Path(url.removeprefix("sqlite:///"))
    with serving(create_app(settings, node)) as base, httpx.Client(base_url=base) as http:
        assert http.get("/readyz").status_code == 200
        path.rename(path.with_suffix(".moved"))
        try:
            answer = http.get("/readyz")
            still = http.get("/healthz")
        finally:
            path.with_suffix(".moved").rename(path)
    assert answer.status_code == 503
    assert answer.json()["failed"][0] == "database"
    assert still.status_code == 200  # alive, not ready


def test_readyz_fails_when_the_schema_is_behind(client: TestClient, node: Node) -> None:
    with node.ctx.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0011'"))
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["failed"] == ["migrations"]
    detail = answer.json()["checks"][1]["detail"]
    assert "0011" in detail and "0012" not in detail.split("expects")[0]


def test_readyz_fails_when_the_chain_head_is_gone_or_forged(client: TestClient, node: Node) -> None:
    with node.ctx.engine.begin() as conn:
        head = conn.execute(sa.select(audit_head)).one()
        conn.execute(sa.update(audit_head).values(seq=head.seq + 1))  # signed for another seq
    forged = client.get("/readyz")
    with node.ctx.engine.begin() as conn:
        conn.execute(sa.delete(audit_head))
    gone = client.get("/readyz")
    assert forged.status_code == 503 and forged.json()["failed"] == ["audit"]
    assert "not signed" in forged.json()["checks"][2]["detail"]
    assert gone.status_code == 503 and gone.json()["failed"] == ["audit"]
    assert "missing" in gone.json()["checks"][2]["detail"]


def test_the_openapi_document_declares_both_answers(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    ready = paths["/readyz"]["get"]["responses"]
    for status in ("200", "503"):
        schema = ready[status]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/ReadinessOut"}
    live = paths["/healthz"]["get"]["responses"]["200"]["content"]["application/json"]
    assert live["schema"] == {"$ref": "#/components/schemas/Liveness"}
