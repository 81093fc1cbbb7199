"""Bad input gets problem+json naming the field and the value; never a stack trace."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from liaison.node import Node
from liaison.storage.records import RecordFilter
from tests.conftest import Team, auth, person


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
    (error,) = response.json()["errors"]  # the body is named, and where it broke
    assert error["field"] == "body" and error["reason"].startswith(
        "not valid JSON at character 22: "
    )
    empty = client.post(
        "/api/v1/notices/check",
        content=b"",
        headers={**auth(node, team.analyst), "Content-Type": "application/json"},
    )
    assert empty.status_code == 422
    assert empty.json()["errors"] == [
        {"field": "body", "value": "", "reason": "a JSON body is required"}
    ]


def test_an_unknown_key_is_named_not_ignored(client: TestClient, node: Node, team: Team) -> None:
    response = client.post(
        "/api/v1/notices/check",
        json={"identifiers": [{"kind": "passport", "value": "P7730419"}], "passports": []},
        headers=auth(node, team.analyst),
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "passports", "value": "[]", "reason": "unknown key"}
    ]


def test_oversized_body(client: TestClient, node: Node, team: Team) -> None:
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


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"tlp": "PURPLE"}, "tlp"),
        ({"crime_area": "jaywalking"}, "crime_area"),
        ({"schema": "Wizard"}, "schema"),
        ({"classification": "COSMIC"}, "classification"),
        ({"cursor": "cjo5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OQ=="}, "cursor"),
    ],
)
def test_bad_list_filters_are_named(
    client: TestClient, node: Node, team: Team, params: dict[str, str], field: str
) -> None:
    response = client.get("/api/v1/records", params=params, headers=auth(node, team.analyst))
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field


def test_odd_numbers_are_refused_not_crashed(client: TestClient, node: Node, team: Team) -> None:
    headers = auth(node, team.analyst)
    created = client.post("/api/v1/records", json={"entity": person()}, headers=headers).json()
    rid = created["record_id"]
    odd = client.put(
        f"/api/v1/records/{rid}",
        json={"entity": person()},
        headers={**headers, "If-Match": '"\u00b2"'.encode("latin-1")},
    )
    assert odd.status_code == 422
    huge = client.get(f"/api/v1/records/{rid}/versions/{2**70}", headers=headers)
    assert huge.status_code == 422
    after = client.get("/api/v1/audit", params={"after": 2**70}, headers=auth(node, team.auditor))
    assert after.status_code == 422
    h3 = client.post(
        "/api/v1/records",
        headers=headers,
        json={"entity": person(), "envelope": {"markings": {"handling": ["H3"], "h3_text": 5}}},
    )
    assert h3.status_code == 422 and h3.json()["errors"][0]["field"] == "markings.h3_text"


def test_tlp_filter_accepts_amber_strict(client: TestClient, node: Node, team: Team) -> None:
    headers = auth(node, team.analyst)
    client.post(
        "/api/v1/records",
        headers=headers,
        json={"entity": person(), "envelope": {"markings": {"tlp": "AMBER+STRICT"}}},
    )
    listed = client.get("/api/v1/records", params={"tlp": "AMBER+STRICT"}, headers=headers)
    assert len(listed.json()["items"]) == 1


def test_streamed_oversized_body_gets_413(client: TestClient, node: Node, team: Team) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(20):
            yield b"x" * 100_000

    response = client.post(
        "/api/v1/records",
        content=chunks(),
        headers={**auth(node, team.analyst), "Content-Type": "application/json"},
    )
    assert response.status_code == 413


def test_bad_csv_mapping(client: TestClient, node: Node, team: Team) -> None:
    response = client.post(
        "/api/v1/imports",
        headers=auth(node, team.analyst),
        files={"file": ("p.csv", "name\nA\n", "text/csv")},
        data={"format": "csv", "mapping": '{"schema": "Person", "properties": {"name": 5}}'},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "mapping.properties.name"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"format": "jsonl", "envelope": "null"}, "envelope"),
        ({"format": "jsonl", "envelope": "[]"}, "envelope"),
        ({"format": "csv", "mapping": "null", "envelope": "null"}, "envelope"),
        ({"format": "csv", "mapping": "null"}, "mapping"),
        ({"format": "csv", "mapping": '"name"'}, "mapping"),
    ],
)
def test_import_form_fields_must_be_json_objects(
    client: TestClient, node: Node, team: Team, data: dict[str, str], field: str
) -> None:
    line = b'{"schema": "Person", "properties": {"name": ["A"]}}\n'
    file = ("p.csv", "name\nA\n", "text/csv") if data["format"] == "csv" else ("p.jsonl", line)
    response = client.post(
        "/api/v1/imports", headers=auth(node, team.analyst), files={"file": file}, data=data
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field
    assert node.records.search(team.analyst, RecordFilter(), None, 10).items == []
