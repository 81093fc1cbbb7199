"""The hub routes check roles and input before anything leaves the node (the
exchange itself is tested between real nodes in tests/federation/test_hub.py)."""

from __future__ import annotations

import base64

from fastapi.testclient import TestClient

from liaison.node import Node
from tests.conftest import Team, auth

SECRET = base64.b64encode(b"fictitious linkage secret of the api tests").decode()


def test_only_administrators_create_projects(client: TestClient, node: Node, team: Team) -> None:
    body = {"project": "asean", "members": ["atlantis", "moscow"]}
    refused = client.post("/api/v1/hub/projects", json=body, headers=auth(node, team.analyst))
    assert refused.status_code == 403
    unknown = client.post("/api/v1/hub/projects", json=body, headers=auth(node, team.admin))
    assert unknown.status_code == 404 and "atlantis" in unknown.json()["detail"]


def test_a_secret_must_be_base64_and_long_enough(
    client: TestClient, node: Node, team: Team
) -> None:
    body = {"project": "asean", "hub": "hub", "members": ["moscow"], "secret": "not base64!"}
    bad = client.post("/api/v1/hub/memberships", json=body, headers=auth(node, team.admin))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "secret"
    short = {**body, "secret": base64.b64encode(b"too short").decode()}
    answer = client.post("/api/v1/hub/memberships", json=short, headers=auth(node, team.admin))
    assert answer.status_code == 422 and "hidden" in answer.json()["errors"][0]["value"]


def test_an_unknown_project_is_not_found(client: TestClient, node: Node, team: Team) -> None:
    headers = auth(node, team.analyst)
    assert (
        client.get("/api/v1/hub/memberships/asean/candidates", headers=headers).status_code == 404
    )
    assert client.post("/api/v1/hub/memberships/asean/submit", headers=headers).status_code == 404
    assert client.get("/api/v1/hub/memberships", headers=headers).json() == []
    join = {"project": "asean", "hub": "hub", "members": ["moscow"], "secret": SECRET}
    assert client.post("/api/v1/hub/memberships", json=join, headers=headers).status_code == 403
