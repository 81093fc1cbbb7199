"""The hit/no-hit route refuses bad questions (identifiers and persons) with
the field, the value and the reason, before anything leaves the node (the
round trip itself is tested between real nodes in tests/federation/test_hits.py)."""

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


def _refused_field(client: TestClient, node: Node, team: Team, body: dict[str, object]) -> str:
    answer = client.post("/api/v1/hits/query", json=body, headers=auth(node, team.analyst))
    assert answer.status_code == 422, answer.text
    field: str = answer.json()["errors"][0]["field"]
    return field


def test_bad_persons_are_named(client: TestClient, node: Node, team: Team) -> None:
    person = {"names": ["Khalid Haddad"], "birth_date": "1980-05-01"}  # fictitious
    for changed, field in (
        ({"birth_date": "01.05.1980"}, "persons.0.birth_date"),
        ({"birth_date": "1980-02-30"}, "persons.0.birth_date"),
        ({"names": []}, "persons.0.names"),
        ({"names": ["Haddad"], "birth_date": "1980"}, "persons.0.names"),
    ):
        body = {"partner": "atlantis", "persons": [{**person, **changed}]}
        assert _refused_field(client, node, team, body) == field
    # no birth date is a question by names only; one name part without a date has no key
    alone = {"partner": "atlantis", "persons": [{"names": ["Haddad"]}]}
    assert _refused_field(client, node, team, alone) == "persons.0.names"


def test_a_question_needs_something_to_ask(client: TestClient, node: Node, team: Team) -> None:
    assert _refused_field(client, node, team, {"partner": "atlantis"}) == "identifiers"
