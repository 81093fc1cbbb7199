"""yente's API at yente's paths: match, search, entities, algorithms, catalog.

What a yente client sends and expects (yente 5.5's routers and models), over the
records and watchlists a user may see; the real client (nomenklatura's
YenteEnricher) and yente's published response schemas are in tests/interop/.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from liaison.node import Node
from tests.conftest import Team, person

QUERY = {
    "schema": "Person",
    "properties": {"name": ["Ma. Cristina dela Cruz"], "birthDate": ["1980-04-03"]},
}
SECRET = {"markings": {"classification": "SECRET"}}


def api_key(node: Node, actor: Any) -> dict[str, str]:
    """How yente's clients send a key: ``Authorization: ApiKey ...``."""
    return {"Authorization": f"ApiKey {node.accounts.create_token(actor, 'yente', 1).token}"}


def matched(client: TestClient, headers: dict[str, str], path: str, body: Any) -> Any:
    answer = client.post(path, json=body, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_match_at_yentes_path_with_an_api_key(client: TestClient, node: Node, team: Team) -> None:
    target = node.records.create(
        team.analyst, person("Maria Cristina De La Cruz", birthDate=["1980-03-04"]), {}
    )
    node.records.create(team.analyst, person("Pedro dela Cruz", birthDate=["1941-11-20"]), {})
    headers = api_key(node, team.analyst)
    body = matched(client, headers, "/match/default", {"queries": {"q1": QUERY}})
    response = body["responses"]["q1"]
    assert response["status"] == 200 and body["limit"] == 5
    assert response["query"]["schema"] == "Person"
    assert response["query"]["properties"]["birthDate"] == ["1980-04-03"]
    (best,) = response["results"]  # the namesake born in 1941 scores under the cut-off
    assert best["id"] == target.record_id and best["match"] is True
    assert best["referents"] == [target.entity.get("id")]
    assert best["datasets"] == ["records"] and best["target"] is False
    assert best["first_seen"] and best["last_change"] and "+" not in best["last_change"]
    for feature in best["explanations"].values():
        assert 0 <= feature["score"] <= 1 and feature["detail"]
    assert best["explanations"]["birth_date"]["detail"].startswith("swapped")
    assert response["total"] == {"value": 1, "relation": "eq"}  # matches, not results

    low = matched(
        client, headers, "/match/default?threshold=0.99&cutoff=0", {"queries": {"q": QUERY}}
    )
    results = low["responses"]["q"]["results"]
    assert len(results) == 2 and not any(r["match"] for r in results)
    assert low["responses"]["q"]["total"]["value"] == 0


def test_lenient_examples_and_yentes_errors(client: TestClient, node: Node, team: Team) -> None:
    node.records.create(team.analyst, person("Ivan Petrov", birthDate=["1975-05-01"]), {})
    headers = api_key(node, team.analyst)
    sloppy = {
        "schema": "Person",
        "properties": {
            "name": "Ivan Petrov",  # a string, not a list
            "birthDate": ["1975-05-01", "not a date"],
            "favouriteColour": ["green"],  # no such property: skipped
        },
    }
    body = matched(client, headers, "/match/default", {"queries": {"s": sloppy}})
    read = body["responses"]["s"]["query"]["properties"]
    assert read == {"name": ["Ivan Petrov"], "birthDate": ["1975-05-01"]}
    assert body["responses"]["s"]["results"][0]["caption"] == "Ivan Petrov"

    def refused(path: str, payload: Any, status: int, field: str) -> None:
        answer = client.post(path, json=payload, headers=headers)
        assert answer.status_code == status, answer.text
        assert field in answer.json()["detail"]

    query = {"queries": {"q": QUERY}}
    refused("/match/default?algorithm=logic-v2", query, 400, "Invalid algorithm")
    refused("/match/default", {**query, "config": {"nm_number_mismatch": 0.4}}, 400, "config")
    refused("/match/default", {**query, "weights": {"name_literal": 0.8}}, 400, "weights")
    refused("/match/default", {"queries": {"q": {"schema": "Nothing"}}}, 400, "schema")
    refused("/match/nowhere", query, 404, "dataset")
    refused("/match/default?limit=501", query, 422, "limit")
    many = {"queries": {f"q{i}": QUERY for i in range(101)}}
    refused("/match/default", many, 400, "Too many queries")
    for name in ("best", "BEST", "liaison-logistic"):
        assert client.post(
            f"/match/default?algorithm={name}", json=query, headers=headers
        ).is_success
    assert client.post("/match/default?limit=500", json=query, headers=headers).is_success
    assert client.post("/match/default", json=query).status_code == 401


def test_weights_scale_a_feature(client: TestClient, node: Node, team: Team) -> None:
    node.records.create(
        team.analyst, person("Maria Cristina De La Cruz", birthDate=["1980-03-04"]), {}
    )
    headers = api_key(node, team.analyst)
    path = "/match/default?cutoff=0&threshold=0.99"

    def best(weights: dict[str, float]) -> Any:
        body = matched(client, headers, path, {"queries": {"q": QUERY}, "weights": weights})
        return body["responses"]["q"]["results"][0]

    plain, nameless = best({}), best({"name": 0})
    assert nameless["score"] < plain["score"]
    assert nameless["log_odds"] < plain["log_odds"]
    assert best({"name": 1})["score"] == plain["score"]


def test_datasets_scope_records_and_watchlists(client: TestClient, node: Node, team: Team) -> None:
    record = node.records.create(team.analyst, person("Juan Bautista Reyes"), {})
    node.matching.add_watchlist(team.supervisor, "ph-watch")
    node.matching.add_entries(
        team.supervisor, "ph-watch", [{"id": "w1", **person("Juan B. Reyes")}]
    )
    headers = api_key(node, team.analyst)
    query = {"queries": {"q": person("Juan Bautista Reyes")}}

    def ids(path: str) -> list[str]:
        joined = "&" if "?" in path else "?"
        body = matched(client, headers, f"{path}{joined}cutoff=0&threshold=0.99", query)
        return [r["id"] for r in body["responses"]["q"]["results"]]

    everything = ids("/match/default")
    assert record.record_id in everything and len(everything) == 2
    assert ids("/match/records") == [record.record_id]
    (entry,) = ids("/match/watchlist:ph-watch")
    assert entry != record.record_id
    assert ids("/match/default?exclude_dataset=records") == [entry]
    assert ids(f"/match/default?exclude_entity_ids={record.entity.get('id')}") == [entry]

    catalog = client.get("/catalog", headers=headers)
    assert catalog.status_code == 200, catalog.text
    names = [d["name"] for d in catalog.json()["datasets"]]
    assert names == ["default", "records", "watchlist:ph-watch"]
    assert catalog.json()["current"] == names and catalog.json()["index_stale"] is False


def test_search_pages_what_the_user_may_open(client: TestClient, node: Node, team: Team) -> None:
    for i in range(5):
        node.records.create(team.analyst, person(f"Andres Santos {i}"), {})
    hidden = node.records.create(team.analyst, person("Andres Santos Secret"), SECRET)
    junior = api_key(node, team.junior)
    analyst = api_key(node, team.analyst)

    def search(headers: dict[str, str], query: str) -> Any:
        answer = client.get(f"/search/default?{query}", headers=headers)
        assert answer.status_code == 200, answer.text
        return answer.json()

    first = search(analyst, "q=andres+santos&limit=4")
    assert len(first["results"]) == 4 and first["total"] == {"value": 4, "relation": "gte"}
    rest = search(analyst, "q=andres+santos&limit=4&offset=4")
    assert rest["total"] == {"value": 6, "relation": "eq"} and len(rest["results"]) == 2
    seen = {r["id"] for r in first["results"] + rest["results"]}
    assert hidden.record_id in seen and len(seen) == 6
    assert hidden.record_id not in {r["id"] for r in search(junior, "q=andres&limit=50")["results"]}
    assert search(analyst, "q=andres&schema=Company")["results"] == []
    assert len(search(analyst, "q=andres&schema=LegalEntity&limit=3")["results"]) == 3
    assert client.get("/search/default?schema=Nothing", headers=analyst).status_code == 400
    assert client.get("/search/default?limit=501", headers=analyst).status_code == 422


def test_entity_with_adjacent_records(client: TestClient, node: Node, team: Team) -> None:
    holder = node.records.create(team.analyst, person("Rosa Villanueva Mendoza"), {})
    passport = node.records.create(
        team.analyst,
        {
            "schema": "Passport",
            "properties": {"number": ["P1234567A"], "holder": [holder.entity.get("id")]},
        },
        {},
    )
    secret = node.records.create(
        team.analyst,
        {
            "schema": "Passport",
            "properties": {"number": ["P7654321B"], "holder": [holder.entity.get("id")]},
        },
        SECRET,
    )
    analyst, junior = api_key(node, team.analyst), api_key(node, team.junior)

    answer = client.get(f"/entities/{holder.record_id}", headers=analyst)
    assert answer.status_code == 200, answer.text
    nested = answer.json()["properties"]["identification"]
    assert {p["id"] for p in nested} == {passport.record_id, secret.record_id}
    assert all(p["schema"] == "Passport" for p in nested)

    by_referent = client.get(f"/entities/{holder.entity.get('id')}", headers=junior).json()
    assert by_referent["id"] == holder.record_id
    assert [p["id"] for p in by_referent["properties"]["identification"]] == [passport.record_id]

    flat = client.get(f"/entities/{passport.record_id}?nested=false", headers=analyst).json()
    assert flat["properties"]["holder"] == [holder.entity.get("id")]
    around = client.get(f"/entities/{passport.record_id}", headers=analyst).json()
    assert around["properties"]["holder"][0]["id"] == holder.record_id

    assert client.get(f"/entities/{secret.record_id}", headers=junior).status_code == 404
    missing = client.get("/entities/rec-0000", headers=analyst)
    assert missing.status_code == 404 and "detail" in missing.json()


def test_algorithms_and_every_call_audited(client: TestClient, node: Node, team: Team) -> None:
    node.records.create(team.analyst, person("Lorna Bautista"), {})
    headers = api_key(node, team.analyst)
    algorithms = client.get("/algorithms").json()
    assert algorithms["best"] == algorithms["default"] == "liaison-logistic"
    (algorithm,) = algorithms["algorithms"]
    assert {"name", "birth_date", "identifier"} <= set(algorithm["features"])
    assert algorithm["docs"]["config"] == {}

    before = len(node.audit.entries(team.auditor, limit=1000))
    matched(client, headers, "/match/default", {"queries": {"q": person("Lorna Bautista")}})
    assert client.get("/search/default?q=lorna", headers=headers).status_code == 200
    entries = node.audit.entries(team.auditor, after=0, limit=1000)[before:]
    kinds = [(e.actor, e.action, e.detail.get("protocol")) for e in entries]
    assert ("api:analyst", "match.run", "yente") in kinds
    assert ("api:analyst", "record.search", "yente") in kinds
