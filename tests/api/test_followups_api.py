"""The follow-up routes refuse bad requests with the field, the value and the
reason, and keep each role to its part (the workflow itself runs between real
nodes in tests/federation/test_followups.py)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from liaison.node import Node
from tests.conftest import Team, auth

WHY = "Subject crossed the border with this passport in March"


def test_an_unknown_partner_is_named(client: TestClient, node: Node, team: Team) -> None:
    body = {"partner": "atlantis", "reference": "AAAAAAAAAAAAAAAAAAAAAA", "justification": WHY}
    answer = client.post("/api/v1/followups", json=body, headers=auth(node, team.analyst))
    assert answer.status_code == 404
    assert "atlantis" in answer.json()["detail"]


def test_a_short_justification_is_named(client: TestClient, node: Node, team: Team) -> None:
    body = {"partner": "atlantis", "reference": "AAAAAAAAAAAAAAAAAAAAAA", "justification": "pls"}
    answer = client.post("/api/v1/followups", json=body, headers=auth(node, team.analyst))
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "justification"


def test_roles_keep_to_their_part(client: TestClient, node: Node, team: Team) -> None:
    body = {"partner": "atlantis", "reference": "AAAAAAAAAAAAAAAAAAAAAA", "justification": WHY}
    filed = client.post("/api/v1/followups", json=body, headers=auth(node, team.auditor))
    assert filed.status_code == 403
    listed = client.get("/api/v1/followups?direction=in", headers=auth(node, team.auditor))
    assert listed.status_code == 200 and listed.json()["total"] == 0
    decision = {"decision": "approve"}
    answer = client.post(
        "/api/v1/followups/1/decision", json=decision, headers=auth(node, team.analyst)
    )
    assert answer.status_code == 403
    mine = client.post(
        "/api/v1/followups/1/decision", json=decision, headers=auth(node, team.officer)
    )
    assert mine.status_code == 404


def test_a_bad_state_filter_is_named(client: TestClient, node: Node, team: Team) -> None:
    answer = client.get("/api/v1/followups?state=lost", headers=auth(node, team.analyst))
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "state"
