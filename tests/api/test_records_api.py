from __future__ import annotations

from fastapi.testclient import TestClient

from liaison.node import Node
from tests.conftest import Team, auth, person
from tests.model.test_envelope import FULL


def test_record_crud_over_http(client: TestClient, node: Node, team: Team) -> None:
    headers = auth(node, team.analyst)
    created = client.post(
        "/api/v1/records", json={"entity": person(), "envelope": FULL}, headers=headers
    )
    assert created.status_code == 201, created.text
    record = created.json()
    rid = record["record_id"]
    assert created.headers["ETag"] == '"1"'
    assert created.headers["Location"] == f"/api/v1/records/{rid}"
    got = client.get(f"/api/v1/records/{rid}", headers=headers).json()
    assert got["envelope"] == record["envelope"]
    assert got["envelope"]["markings"]["h3_text"] == FULL["markings"]["h3_text"]  # type: ignore[index]

    stale = client.put(
        f"/api/v1/records/{rid}",
        headers={**headers, "If-Match": '"7"'},
        json={"entity": person("Пётр Сидоров"), "envelope": FULL},
    )
    assert stale.status_code == 409
    assert stale.headers["content-type"] == "application/problem+json"
    updated = client.put(
        f"/api/v1/records/{rid}",
        headers={**headers, "If-Match": '"1"'},
        json={"entity": person("Пётр Сидоров"), "envelope": FULL},
    )
    assert updated.status_code == 200 and updated.json()["version"] == 2

    deleted = client.delete(f"/api/v1/records/{rid}", params={"reason": "test"}, headers=headers)
    assert deleted.json()["deleted"] is True
    versions = client.get(f"/api/v1/records/{rid}/versions", headers=headers).json()
    assert [v["version"] for v in versions] == [1, 2, 3]
    first = client.get(f"/api/v1/records/{rid}/versions/1", headers=headers).json()
    assert first["entity"]["properties"]["name"] == ["Иван Петров"]


def test_list_with_cursor(client: TestClient, node: Node, team: Team) -> None:
    headers = auth(node, team.analyst)
    for i in range(5):
        client.post("/api/v1/records", json={"entity": person(f"Ana Reyes {i}")}, headers=headers)
    page = client.get("/api/v1/records", params={"limit": 2, "q": "reyes"}, headers=headers).json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    rest = client.get(
        "/api/v1/records",
        params={"limit": 10, "q": "reyes", "cursor": page["next_cursor"]},
        headers=headers,
    ).json()
    assert [i["caption"] for i in rest["items"]] == ["Ana Reyes 2", "Ana Reyes 3", "Ana Reyes 4"]
    assert rest["next_cursor"] is None


def test_purpose_headers_reach_the_audit_log(client: TestClient, node: Node, team: Team) -> None:
    headers = {
        **auth(node, team.analyst),
        "X-Liaison-Purpose": "cross_check",
        "X-Liaison-Justification": "fictitious case 42",
    }
    client.get("/api/v1/records", headers=headers)
    entry = node.audit.entries(team.auditor, action="record.search")[-1]
    assert (entry.purpose, entry.justification) == ("cross_check", "fictitious case 42")


def test_import_and_export_over_http(client: TestClient, node: Node, team: Team) -> None:
    headers = auth(node, team.analyst)
    csv_text = "ref,name,dob\n1,Maria Santos,1980-05-06\n2,Jose Bautista,1975-13-01\n"
    response = client.post(
        "/api/v1/imports",
        headers=headers,
        files={"file": ("people.csv", csv_text, "text/csv")},
        data={
            "format": "csv",
            "mapping": '{"schema": "Person", "id_column": "ref", '
            '"properties": {"name": "name", "birthDate": "dob"}}',
            "envelope": '{"crime_area": "human_trafficking"}',
        },
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["created"] == 1
    assert report["rejected"] == [
        {
            "line": 3,
            "field": "properties.birthDate",
            "value": "1975-13-01",
            "reason": "not a valid date",
        }
    ]
    strict = client.post(
        "/api/v1/imports",
        headers=headers,
        files={"file": ("x.jsonl", '{"schema": "Person"}\n', "application/x-ndjson")},
        data={"strict": "true"},
    )
    assert strict.status_code == 422
    assert strict.json()["errors"][0]["line"] == 1
    exported = client.get("/api/v1/export", headers=headers)
    assert exported.headers["content-type"].startswith("application/x-ndjson")
    assert b"Maria Santos" in exported.content


def test_lookup_by_identifier_over_http(client: TestClient, node: Node, team: Team) -> None:
    headers = auth(node, team.analyst)
    entity = person("Juan dela Cruz", phone=["+639171234567"], email=["Juan@Example.PH"])
    made = client.post("/api/v1/records", json={"entity": entity}, headers=headers).json()
    found = client.get(
        "/api/v1/records/lookup",
        params={"identifier": "0917 123 4567", "country": "ph"},
        headers={**headers, "X-Liaison-Purpose": "cross_check"},
    )
    assert found.status_code == 200, found.text
    body = found.json()
    assert body["identifier"] == "0917 123 4567" and body["country"] == "PH"
    assert {"kind": "phone", "value": "+639171234567"} in body["read_as"]
    (item,) = body["items"]
    assert item["record_id"] == made["record_id"] and item["schema"] == "Person"
    assert item["matched"] == ["phone:+639171234567"] and body["next_cursor"] is None
    by_mail = client.get(
        "/api/v1/records/lookup", params={"identifier": "JUAN@example.ph"}, headers=headers
    )
    assert [i["record_id"] for i in by_mail.json()["items"]] == [made["record_id"]]
    entry = node.audit.entries(team.auditor, action="record.search")[0]
    assert entry.action == "record.search" and entry.purpose == "cross_check"
    assert entry.detail["filter"] == {"identifier": "0917 123 4567", "country": "PH"}


def test_lookup_refuses_a_name_and_declares_its_answer(
    client: TestClient, node: Node, team: Team
) -> None:
    headers = auth(node, team.analyst)
    name = client.get("/api/v1/records/lookup", params={"identifier": "Juan"}, headers=headers)
    assert name.status_code == 422
    assert name.headers["content-type"] == "application/problem+json"
    assert "not read as an identifier" in name.text
    paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    responses = paths["/api/v1/records/lookup"]["get"]["responses"]
    assert responses["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/LookupOut"
    }
