"""Bad input gets problem+json naming the field and the value; never a stack trace."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from liaison.node import Node
from tests.conftest import Team, auth


@pytest.mark.parametrize(
    ("body", "field", "value"),
    [
        ({"entity": {"schema": "Wizard", "properties": {}}}, "schema", "Wizard"),
        (
            {"entity": {"schema": "Person", "properties": {"name": ["A"], "eyeColour": ["x"]}}},
            "properties.eyeColour",
            "eyeColour",
        ),
        (
            {
                "entity": {
                    "schema": "Person",
                    "properties": {"name": ["A"], "birthDate": ["1990-02-31"]},
                }
            },
            "properties.birthDate",
            "1990-02-31",
        ),
        (
            {
                "entity": {"schema": "Person", "properties": {"name": ["A"]}},
                "envelope": {"markings": {"tlp": "PINK"}},
            },
            "markings.tlp",
            "PINK",
        ),
        (
            {
                "entity": {"schema": "Person", "properties": {"name": ["A"]}},
                "envelope": {"review_due": "31/12/2030"},
            },
            "review_due",
            "31/12/2030",
        ),
        ({"entity": "Person"}, "entity", "Person"),
    ],
)
def test_bad_record_input(
    client: TestClient, node: Node, team: Team, body: dict[str, object], field: str, value: str
) -> None:
    response = client.post("/api/v1/records", json=body, headers=auth(node, team.analyst))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["errors"][0]["field"] == field
    assert problem["errors"][0]["value"] == value
    assert problem["errors"][0]["reason"]
    assert field in problem["detail"]
    assert "Traceback" not in response.text


def test_malformed_json_body(client: TestClient, node: Node, team: Team) -> None:
    response = client.post(
        "/api/v1/records",
        content=b'{"entity": {"schema": "Per',
        headers={**auth(node, team.analyst), "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["title"] == "Invalid input"


def test_oversized_body(client: TestClient, node: Node, team: Team) -> None:
    node.ctx.settings.max_body_bytes  # noqa: B018 - the limit under test
    client.app.user_middleware  # type: ignore[attr-defined]  # noqa: B018
    big = b"x" * (node.ctx.settings.max_body_bytes + 1)
    response = client.post(
        "/api/v1/records",
        content=big,
        headers={**auth(node, team.analyst), "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["limit"] == node.ctx.settings.max_body_bytes


def test_unauthenticated_and_forbidden(client: TestClient, node: Node, team: Team) -> None:
    assert client.get("/api/v1/records").status_code == 401
    bad = client.get("/api/v1/records", headers={"Authorization": "Bearer lsn_forged"})
    assert bad.status_code == 401 and bad.headers["WWW-Authenticate"] == "Bearer"
    denied = client.get("/api/v1/audit", headers=auth(node, team.analyst))
    assert denied.status_code == 403
    assert "audit:read" in denied.json()["detail"]
    assert (
        client.get("/api/v1/records/rec-nope", headers=auth(node, team.analyst)).status_code == 404
    )
