"""Peers and the disclosure register over HTTP: who may do what, clear errors
for bad peers, and the register filled by a real delivery between two nodes."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from liaison.federation.tls import ensure_certificate
from liaison.model.identity import NodeKey
from liaison.node import Node
from tests.conftest import Team, auth

PEER = NodeKey.generate()


def test_administrators_pin_peers_and_others_read_them(
    client: TestClient, node: Node, team: Team, tmp_path: Path
) -> None:
    cert = ensure_certificate(tmp_path / "peer.crt", tmp_path / "peer.key", "moscow")
    body = {
        "name": "moscow",
        "url": "https://127.0.0.1:8471",
        "key": PEER.public_key,
        "cert": cert.read_text(),
    }
    denied = client.post("/api/v1/peers", json=body, headers=auth(node, team.officer))
    assert denied.status_code == 403
    added = client.post("/api/v1/peers", json=body, headers=auth(node, team.admin))
    assert added.status_code == 201, added.text
    assert added.json()["node_id"] == PEER.node_id and added.json()["tls_pinned"]
    again = client.post("/api/v1/peers", json=body, headers=auth(node, team.admin))
    assert again.status_code == 409
    listed = client.get("/api/v1/peers", headers=auth(node, team.auditor)).json()
    assert [(p["name"], p["queue"], p["reachable"]) for p in listed] == [("moscow", 0, None)]
    assert client.get("/api/v1/peers", headers=auth(node, team.analyst)).status_code == 403
    register = client.get("/api/v1/disclosures", headers=auth(node, team.officer))
    assert register.status_code == 200 and register.json() == []
    assert client.get("/api/v1/disclosures", headers=auth(node, team.analyst)).status_code == 403


def test_bad_peers_are_refused_naming_the_field(client: TestClient, node: Node, team: Team) -> None:
    admin = auth(node, team.admin)
    cases = [
        ({"url": "http://127.0.0.1:8471"}, "url"),  # plain HTTP is off by default
        ({"url": "https://127.0.0.1:8471"}, "cert"),  # https needs a pinned certificate
        ({"key": "not-a-key"}, "key"),
        ({"key": node.info.public_key}, "key"),  # this node's own key
        ({"name": "Moscow!"}, "name"),
        ({"cert": "-----BEGIN CERTIFICATE-----\nnope"}, "cert"),
    ]
    for change, field in cases:
        body = {"name": "moscow", "url": "https://127.0.0.1:8471", "key": PEER.public_key}
        body.update(change)
        answer = client.post("/api/v1/peers", json=body, headers=admin)
        assert answer.status_code == 422, (change, answer.text)
        assert answer.json()["errors"][0]["field"] == field
    assert node.federation.peers(team.admin) == []


def test_the_inbox_refuses_garbage_without_a_stack_trace(client: TestClient) -> None:
    answer = client.post("/api/v1/federation/inbox", content=b"{}")
    assert answer.status_code == 403
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["errors"][0]["field"] == "message"
