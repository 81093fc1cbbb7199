"""Import and export over HTTP: spreadsheets with their options, and the formats out."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook

from liaison.node import Node
from tests.conftest import Team, auth

MAPPING = (
    '{"schema": "Person", "id_column": "ref", '
    '"properties": {"name": "name", "birthDate": "dob", "phone": "phone"}}'
)
SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["ref", "name", "dob", "phone"])
    sheet.append(["a1", "Maria Santos Fict", "03/04/1980", "0917 123 4567"])
    sheet.append(["a2", "Jose Bautista Fict", "31/02/1975", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_import_with_date_order_and_phone_country(
    client: TestClient, node: Node, team: Team
) -> None:
    headers = auth(node, team.analyst)
    response = client.post(
        "/api/v1/imports",
        headers=headers,
        files={"file": ("people.xlsx", _xlsx(), SHEET)},
        data={
            "format": "xlsx",
            "mapping": MAPPING,
            "date_order": "dmy",
            "phone_country": "PH",
            "envelope": '{"markings": {"tlp": "AMBER"}}',
        },
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["created"], report["rejected_count"]) == (1, 1)
    assert report["rejected"][0] == {
        "line": 3,
        "field": "properties.birthDate",
        "value": "31/02/1975",
        "reason": "no such date when read day/month/year",
    }
    bad = client.post(
        "/api/v1/imports",
        headers=headers,
        files={"file": ("people.csv", "ref;name\n", "text/csv")},
        data={"format": "csv", "mapping": MAPPING, "phone_country": "Philippines"},
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "phone_country"


def test_semicolon_csv_then_spreadsheet_exports(client: TestClient, node: Node, team: Team) -> None:
    headers = auth(node, team.analyst)
    text = "ref;name;dob;phone\nb1;Ana Reyes Fict;1981-05-04;+639171112222\n"
    response = client.post(
        "/api/v1/imports",
        headers=headers,
        files={"file": ("people.csv", text, "text/csv")},
        data={"format": "csv", "mapping": MAPPING, "envelope": '{"markings": {"tlp": "GREEN"}}'},
    )
    assert response.status_code == 200 and response.json()["created"] == 1, response.text

    as_csv = client.get("/api/v1/export", params={"format": "csv"}, headers=headers)
    assert as_csv.status_code == 200, as_csv.text
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.headers["x-liaison-exported"] == "1"
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[0]["caption"] == "Ana Reyes Fict" and rows[0]["tlp"] == "GREEN"
    assert rows[0]["originator_name"] == node.ctx.name

    by_name = client.get(
        "/api/v1/export", params={"format": "xlsx", "originator": node.ctx.name}, headers=headers
    )
    assert by_name.status_code == 200 and by_name.headers["content-type"] == SHEET
    assert "liaison-records.xlsx" in by_name.headers["content-disposition"]
    book = load_workbook(io.BytesIO(by_name.content), read_only=True)
    assert len(list(book.worksheets[0].iter_rows())) == 2
    unknown = client.get("/api/v1/export", params={"originator": "Nowhere Fict"}, headers=headers)
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "originator"
    entries = node.audit.entries(team.auditor, action="record.export")
    assert {e.object for e in entries} >= {"spreadsheet:csv", "spreadsheet:xlsx"}
