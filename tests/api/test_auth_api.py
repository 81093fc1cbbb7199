from __future__ import annotations

from fastapi.testclient import TestClient

from liaison.node import Node
from tests.conftest import PASSWORD, Team, auth


def test_login_me_logout(client: TestClient, node: Node, team: Team) -> None:
    login = client.post("/api/v1/auth/login", json={"username": "officer", "password": PASSWORD})
    assert login.status_code == 200
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    assert client.get("/api/v1/me", headers=headers).json() == {
        "username": "officer",
        "role": "liaison_officer",
        "clearance": "SECRET",
    }
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_login_throttled_with_retry_after(client: TestClient, node: Node, team: Team) -> None:
    for _ in range(node.ctx.settings.login_max_failures):
        failed = client.post(
            "/api/v1/auth/login", json={"username": "analyst", "password": "x" * 12}
        )
        assert failed.status_code == 401
    limited = client.post("/api/v1/auth/login", json={"username": "analyst", "password": PASSWORD})
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0


def test_tokens_and_users(client: TestClient, node: Node, team: Team) -> None:
    admin = auth(node, team.admin)
    created = client.post(
        "/api/v1/users",
        headers=admin,
        json={
            "username": "ofc.reyes",
            "password": PASSWORD,
            "role": "liaison_officer",
            "clearance": "CONFIDENTIAL",
        },
    )
    assert created.status_code == 201, created.text
    bad = client.post(
        "/api/v1/users", headers=admin, json={"username": "x", "password": PASSWORD, "role": "king"}
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "role"
    patched = client.patch("/api/v1/users/ofc.reyes", headers=admin, json={"active": False})
    assert patched.json()["active"] is False
    assert client.get("/api/v1/users", headers=auth(node, team.analyst)).status_code == 403
    token = client.post("/api/v1/me/tokens", headers=admin, json={"name": "script", "days": 7})
    assert token.status_code == 201
    listed = client.get("/api/v1/me/tokens", headers=admin).json()
    assert "token" not in listed[-1] and listed[-1]["name"] == "script"
    assert (
        client.delete(f"/api/v1/me/tokens/{token.json()['id']}", headers=admin).status_code == 204
    )


def test_auditor_reads_and_verifies(client: TestClient, node: Node, team: Team) -> None:
    headers = auth(node, team.auditor)
    page = client.get("/api/v1/audit", params={"limit": 3}, headers=headers).json()
    assert [e["seq"] for e in page["items"]] == [1, 2, 3]
    assert page["next_after"] == 3
    assert client.post("/api/v1/audit/verify", headers=headers).json()["ok"] is True
    checkpoint = client.post("/api/v1/audit/checkpoints", headers=headers)
    assert checkpoint.status_code == 201 and checkpoint.json()["signature"]
    assert client.get("/api/v1/node").json()["node_id"] == node.ctx.node_id
