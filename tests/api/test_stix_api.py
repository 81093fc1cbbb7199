"""STIX bundles over HTTP: GET /api/v1/export/stix and POST /api/v1/imports/stix."""

from __future__ import annotations

from fastapi.testclient import TestClient
from stix2validator import ValidationOptions, validate_instance

from liaison.node import Node
from tests.conftest import Team, auth

PERSON = {
    "type": "identity",
    "spec_version": "2.1",
    "id": "identity--00000000-0000-4000-8000-000000000001",
    "created": "2026-12-01T00:00:00.000Z",
    "modified": "2026-12-01T00:00:00.000Z",
    "name": "Fictitious Foreign Person",
    "identity_class": "individual",
}


def _bundle(*objects: dict[str, object]) -> dict[str, object]:
    return {
        "type": "bundle",
        "id": "bundle--00000000-0000-4000-8000-0000000000aa",
        "objects": list(objects),
    }


def test_import_then_export_stix(client: TestClient, node: Node, team: Team) -> None:
    headers = auth(node, team.analyst)
    unknown = {
        **PERSON,
        "type": "x-unheard-of",
        "id": "x-unheard-of--00000000-0000-4000-8000-000000000002",
    }
    response = client.post(
        "/api/v1/imports/stix",
        headers=headers,
        params={"source": "test.json", "tlp": "GREEN", "handling": ["H0"]},
        json=_bundle(PERSON, unknown),
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["created"] == 1 and report["source"] == "stix:api:test.json"
    assert report["skipped"][0]["stix_id"] == unknown["id"]
    assert report["counts"] == {"identity": 1, "x-unheard-of": 1}
    record_id = report["written"][PERSON["id"]]
    stored = client.get(f"/api/v1/records/{record_id}", headers=headers).json()
    assert stored["envelope"]["markings"]["tlp"] == "GREEN"
    assert stored["envelope"]["markings"]["handling"] == ["H0"]

    exported = client.get("/api/v1/export/stix", headers=headers)
    assert exported.status_code == 200
    assert exported.headers["X-Liaison-Exported"] == "1"
    result = validate_instance(exported.json(), ValidationOptions(version="2.1"))
    assert result.is_valid and result.errors == []


def test_bad_bundles_are_problems(client: TestClient, node: Node, team: Team) -> None:
    headers = auth(node, team.analyst)
    response = client.post("/api/v1/imports/stix", headers=headers, json={"type": "report"})
    assert response.status_code == 422
    problem = response.json()
    assert problem["errors"][0]["field"] == "bundle.type"
    assert "Traceback" not in response.text
    response = client.post(
        "/api/v1/imports/stix", headers=headers, params={"tlp": "PURPLE"}, json=_bundle(PERSON)
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "markings.tlp"


def test_stix_routes_follow_the_roles(client: TestClient, node: Node, team: Team) -> None:
    admin = auth(node, team.admin)
    assert client.get("/api/v1/export/stix", headers=admin).status_code == 403
    response = client.post("/api/v1/imports/stix", headers=admin, json=_bundle(PERSON))
    assert response.status_code == 403
    officer = auth(node, team.officer)
    response = client.post("/api/v1/imports/stix", headers=officer, json=_bundle(PERSON))
    assert response.status_code == 403
