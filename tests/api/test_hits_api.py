"""The hit/no-hit route refuses bad questions with the field, the value and
the reason, before anything leaves the node (the round trip itself is tested
between real nodes in tests/federation/test_hits.py)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from liaison.node import Node
from tests.conftest import Team, auth


def test_an_unknown_partner_is_named(client: TestClient, node: Node, team: Team) -> None:
    body = {"partner": "atlantis", "identifiers": [{"kind": "passport", "value": "P1234567"}]}
    answer = client.post("/api/v1/hits/query", json=body, headers=auth(node, team.analyst))
    assert answer.status_code == 404
    assert "atlantis" in answer.json()["detail"]


def test_a_bad_identifier_is_named(client: TestClient, node: Node, team: Team) -> None:
    body = {"partner": "atlantis", "identifiers": [{"kind": "passport", "value": "??"}]}
    answer = client.post("/api/v1/hits/query", json=body, headers=auth(node, team.analyst))
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "identifiers.0.value"


def test_auditors_may_not_ask(client: TestClient, node: Node, team: Team) -> None:
    body = {"partner": "atlantis", "identifiers": [{"kind": "passport", "value": "P1234567"}]}
    answer = client.post("/api/v1/hits/query", json=body, headers=auth(node, team.auditor))
    assert answer.status_code == 403
