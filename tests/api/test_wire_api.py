"""Wire types and routing: integers too wide for the database are bad input, an
unexpected error is answered without dropping the connection, no route hides another."""

from __future__ import annotations

import re
from pathlib import Path

import orjson
import pytest
from fastapi.testclient import TestClient

from liaison.api.app import create_app
from liaison.api.wire import MAX_INT, MAX_SEQ
from liaison.node import Node
from liaison.settings import Settings
from tests.conftest import Team, auth
from tests.node.test_agreements import PARTNER, agreement_doc

WIDE = "89334509131215028224"  # wider than 64 bits: SQLite raised OverflowError
# wider than 32 bits: PostgreSQL raised "integer out of range" on an INTEGER id column


@pytest.mark.parametrize(
    ("method", "url", "field"),
    [
        ("GET", f"/api/v1/alerts?after={WIDE}", "query.after"),
        ("GET", f"/api/v1/alerts?after={MAX_INT + 1}", "query.after"),
        ("GET", f"/api/v1/followups/{MAX_INT + 1}", "path.followup_id"),
        ("POST", f"/api/v1/alerts/{MAX_INT + 1}/decision", "path.alert_id"),
        ("GET", f"/api/v1/followups/{WIDE}", "path.followup_id"),
        ("GET", f"/api/v1/followups?offset={WIDE}", "query.offset"),
        ("POST", f"/api/v1/alerts/{WIDE}/decision", "path.alert_id"),
        ("POST", f"/api/v1/followups/{WIDE}/reply", "path.followup_id"),
        ("POST", f"/api/v1/consents/{WIDE}/withdraw", "path.consent_id"),
        ("DELETE", f"/api/v1/me/tokens/{WIDE}", "path.token_id"),
    ],
)
def test_integers_wider_than_the_database_are_bad_input(
    client: TestClient, node: Node, team: Team, method: str, url: str, field: str
) -> None:
    body = {"decision": "confirm", "text": "x", "reason": "x"}
    response = client.request(method, url, headers=auth(node, team.analyst), json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    error = response.json()["errors"][0]
    assert error["field"] == field
    assert error["value"] in url
    assert str(MAX_INT) in error["reason"]


def test_the_widest_integer_the_database_holds_is_fine(
    client: TestClient, node: Node, team: Team
) -> None:
    headers = auth(node, team.analyst)
    assert client.get(f"/api/v1/alerts?after={MAX_INT}", headers=headers).json() == []
    assert client.get(f"/api/v1/followups/{MAX_INT}", headers=headers).status_code == 404
    paged = client.get(f"/api/v1/followups?offset={MAX_INT}", headers=headers)
    assert paged.status_code == 200 and paged.json()["items"] == []
    audit = client.get(f"/api/v1/audit?after={MAX_SEQ}", headers=auth(node, team.auditor))
    assert audit.status_code == 200 and audit.json()["items"] == []
    too_far = client.get(f"/api/v1/audit?after={MAX_SEQ + 1}", headers=auth(node, team.auditor))
    assert too_far.status_code == 422


def test_an_unexpected_error_is_answered_and_not_raised_again(
    settings: Settings, node: Node
) -> None:
    """Raised again past the answer, uvicorn closed the kept-alive connection and the
    client's next request on it got no answer at all."""
    app = create_app(settings, node)

    def broken() -> None:
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    app.add_api_route("/api/v1/broken", broken)
    with TestClient(app, raise_server_exceptions=True) as client:
        response = client.get("/api/v1/broken")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "Traceback" not in response.text and "SQLite" not in response.text


def _pattern(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$")


def test_no_route_hides_a_later_one(settings: Settings) -> None:
    """Routes are tried in the order they are declared (the OpenAPI document's
    order), and one matches on its path before its parameters are validated: a
    ``{move}`` declared before ``/send`` answered 422 to every send."""
    paths = create_app(settings).openapi()["paths"]
    routes = [(path, set(paths[path])) for path in paths]
    assert len(routes) > 50
    for i, (early, early_methods) in enumerate(routes):
        for late, late_methods in routes[i + 1 :]:
            sample = re.sub(r"\{[^}]+\}", "x", late)
            if early_methods & late_methods and _pattern(early).match(sample):
                raise AssertionError(f"{early} hides {late}")


def test_send_an_agreement(client: TestClient, node: Node, team: Team) -> None:
    officer = auth(node, team.officer)
    doc = agreement_doc(node, PARTNER.node_id, PARTNER.public_key)
    assert client.post("/api/v1/agreements", json=doc, headers=officer).status_code == 201
    sent = client.post("/api/v1/agreements/ph-ru-2026/send", headers=officer)
    assert sent.status_code == 200, sent.text
    assert sent.json() == []  # the partner is not a pinned peer: nobody to send it to


def test_the_documented_message_has_message_as_a_string() -> None:
    """docs/federation.md showed ``message`` as an object; the inbox refuses that."""
    docs = (Path(__file__).parents[2] / "docs" / "federation.md").read_text(encoding="utf-8")
    block = docs.split("Every node-to-node message is", 1)[1].split("```json\n", 1)[1]
    example = orjson.loads(block.split("```", 1)[0])
    assert isinstance(example["message"], str) and isinstance(example["signature"], str)
