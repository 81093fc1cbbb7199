"""POST /api/v1/match in yente's shape, alerts and watchlists over HTTP."""

from __future__ import annotations

from fastapi.testclient import TestClient

from liaison.node import Node
from tests.conftest import Team, auth, person

QUERY = {
    "schema": "Person",
    "properties": {"name": ["Ma. Cristina dela Cruz"], "birthDate": ["1980-04-03"]},
}


def test_match_answers_a_yente_client(client: TestClient, node: Node, team: Team) -> None:
    target = node.records.create(
        team.analyst, person("Maria Cristina De La Cruz", birthDate=["1980-03-04"]), {}
    )
    headers = auth(node, team.analyst)
    for path in ("/api/v1/match", "/api/v1/match/default"):
        answer = client.post(path, json={"queries": {"q1": QUERY}, "weights": {}}, headers=headers)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        response = body["responses"]["q1"]
        assert response["status"] == 200
        assert response["query"] == QUERY
        assert response["total"]["value"] == len(response["results"])
        best = response["results"][0]
        assert best["id"] == target.record_id
        assert best["match"] is True and 0 < best["score"] <= 1
        assert best["schema"] == "Person" and best["caption"]
        assert set(best["features"]) == set(best["explanations"])
        assert best["explanations"]["birth_date"]["level"] == "swapped"
        assert body["limit"] == 5 and body["matcher"]["name"]


def test_results_under_the_cutoff_are_not_returned(
    client: TestClient, node: Node, team: Team
) -> None:
    # a namesake by surname only, born decades apart: a candidate, but no match
    node.records.create(team.analyst, person("Pedro dela Cruz", birthDate=["1941-11-20"]), {})
    headers = auth(node, team.analyst)

    def results(query: str) -> list[dict[str, object]]:
        answer = client.post(query, json={"queries": {"q": QUERY}}, headers=headers)
        assert answer.status_code == 200, answer.text
        return list(answer.json()["responses"]["q"]["results"])

    assert results("/api/v1/match") == []  # yente's default cut-off, 0.5
    weak = results("/api/v1/match?cutoff=0")
    assert len(weak) == 1 and weak[0]["match"] is False and weak[0]["score"] < 0.5
    assert (
        client.post(
            "/api/v1/match?cutoff=1.5", json={"queries": {"q": QUERY}}, headers=headers
        ).status_code
        == 422
    )


def test_the_match_response_is_declared_in_the_openapi_document(client: TestClient) -> None:
    document = client.get("/api/v1/openapi.json").json()
    answer = document["paths"]["/api/v1/match"]["post"]["responses"]["200"]
    schema = answer["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/MatchOut"}
    result = document["components"]["schemas"]["MatchResult"]["properties"]
    assert {"id", "schema", "score", "match", "explanations"} <= set(result)


def test_bad_match_requests_are_problems(client: TestClient, node: Node, team: Team) -> None:
    headers = auth(node, team.analyst)
    bad = client.post(
        "/api/v1/match",
        json={
            "queries": {
                "q": {
                    "schema": "Person",
                    "properties": {"name": ["X"], "birthDate": ["31/31/1980"]},
                }
            }
        },
        headers=headers,
    )
    assert bad.status_code == 422
    assert bad.headers["content-type"] == "application/problem+json"
    assert bad.json()["errors"][0]["field"] == "queries.q.properties.birthDate"
    assert (
        client.post(
            "/api/v1/match?threshold=2", json={"queries": {"q": QUERY}}, headers=headers
        ).status_code
        == 422
    )
    assert client.post("/api/v1/match", json={"queries": {"q": QUERY}}).status_code == 401
    admin = auth(node, team.admin)
    assert (
        client.post("/api/v1/match", json={"queries": {"q": QUERY}}, headers=admin).status_code
        == 403
    )


def test_alerts_and_watchlists_over_http(client: TestClient, node: Node, team: Team) -> None:
    headers = auth(node, team.analyst)
    created = client.post("/api/v1/watchlists", json={"name": "ph-watch"}, headers=headers)
    assert created.status_code == 201
    entity = {
        "id": "w1",
        "schema": "Person",
        "properties": {"name": ["Maria Cristina De La Cruz"], "birthDate": ["1980-03-04"]},
    }
    added = client.post(
        "/api/v1/watchlists/ph-watch/entries", json={"entities": [entity]}, headers=headers
    )
    assert added.json() == {"added": 1}
    node.records.create(
        team.analyst, person("Ma. Cristina dela Cruz", birthDate=["1980-04-03"]), {}
    )
    node.matching.process_all()
    (alert,) = client.get("/api/v1/alerts?status=open", headers=headers).json()
    decided = client.post(
        f"/api/v1/alerts/{alert['id']}/decision",
        json={"decision": "escalate", "note": "check"},
        headers=headers,
    )
    assert decided.json()["status"] == "escalated"
    assert client.get("/api/v1/alerts?status=bogus", headers=headers).status_code == 422
    assert client.get("/api/v1/watchlists", headers=headers).json()[0]["entries"] == 1
