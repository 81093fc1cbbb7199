"""Spreadsheets in (delimiter, date order, phone country, XLSX) and out (CSV, XLSX)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable

import pytest
from openpyxl import Workbook, load_workbook

from liaison.errors import InvalidInput, LineError
from liaison.node import Node
from liaison.node.sources import CsvMapping, Item, csv_items, xlsx_items
from liaison.node.spreadsheet import (
    DateOrder,
    SheetOptions,
    local_date,
    local_phone,
    sniff_delimiter,
)
from liaison.node.transfer import SheetKind
from liaison.storage.records import RecordFilter
from tests.conftest import Team

MAPPING = CsvMapping.from_dict(
    {
        "schema": "Person",
        "id_column": "ref",
        "properties": {"name": "name", "birthDate": "dob", "phone": "phone"},
    }
)


def test_dates_read_in_the_order_the_file_writes_them() -> None:
    assert local_date("f", "03/04/1980", DateOrder.DMY) == "1980-04-03"
    assert local_date("f", "03/04/1980", DateOrder.MDY) == "1980-03-04"
    assert local_date("f", "1980.04.03", DateOrder.YMD) == "1980-04-03"
    assert local_date("f", "3-4-1980", DateOrder.DMY) == "1980-04-03"
    assert local_date("f", "1980-04", DateOrder.DMY) == "1980-04"  # ISO passes as it is
    with pytest.raises(InvalidInput) as caught:
        local_date("properties.birthDate", "13/31/1980", DateOrder.DMY)
    assert caught.value.field == "properties.birthDate"
    assert caught.value.reason == "no such date when read day/month/year"
    with pytest.raises(InvalidInput) as caught:
        local_date("f", "03/04/80", DateOrder.DMY)
    assert "four digits" in caught.value.reason
    with pytest.raises(InvalidInput):
        local_date("f", "soon", DateOrder.DMY)


def test_local_phones_take_the_country_given() -> None:
    assert local_phone("f", "0917 123 4567", "PH") == "+639171234567"
    assert local_phone("f", "8 (912) 345-67-89", "RU") == "+79123456789"
    assert local_phone("f", "+63 917 123 4567", "RU") == "+63 917 123 4567"  # has its country
    with pytest.raises(InvalidInput) as caught:
        local_phone("properties.phone", "0917 12", "PH")
    assert (caught.value.field, caught.value.value) == ("properties.phone", "0917 12")
    assert "PH" in caught.value.reason


def test_options_refuse_what_they_cannot_mean() -> None:
    assert SheetOptions.parse("tab", "DMY", "ph") == SheetOptions("\t", DateOrder.DMY, "PH")
    assert SheetOptions.parse("auto") == SheetOptions()
    for args, field in (
        ((":",), "delimiter"),
        ((None, "dym"), "date_order"),
        ((None, None, "XX"), "phone_country"),
    ):
        with pytest.raises(InvalidInput) as caught:
            SheetOptions.parse(*args)  # type: ignore[arg-type]
        assert caught.value.field == field


def test_delimiter_is_read_from_the_header() -> None:
    assert sniff_delimiter("ref;name;dob\n") == ";"
    assert sniff_delimiter("ref\tname\n") == "\t"
    assert sniff_delimiter("name\n") == ","


def test_a_semicolon_csv_with_local_dates_and_phones() -> None:
    text = (
        "ref;name;dob;phone\n"
        "1;Santos, Maria Fict;03/04/1980;0917 123 4567\n"
        "2;Reyes Jose Fict;31/02/1975;\n"
        "3;Bautista Ana Fict;;0917 12\n"
    )
    options = SheetOptions.parse(None, "dmy", "PH")
    items = list(csv_items(io.StringIO(text, newline=""), MAPPING, options))
    assert items[0] == (
        2,
        {
            "id": "1",
            "schema": "Person",
            "properties": {
                "name": ["Santos, Maria Fict"],
                "birthDate": ["1980-04-03"],
                "phone": ["+639171234567"],
            },
        },
    )
    assert items[1] == (
        3,
        LineError(3, "properties.birthDate", "31/02/1975", "no such date when read day/month/year"),
    )
    assert items[2][0] == 4 and isinstance(items[2][1], LineError)
    assert items[2][1].field == "properties.phone"
    # without options the values stay as written (and validation refuses them, as before)
    plain = list(csv_items(io.StringIO(text, newline=""), MAPPING))
    assert plain[0][1]["properties"]["birthDate"] == ["03/04/1980"]  # type: ignore[index]


def _workbook(rows: list[list[object]]) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_xlsx_cells_become_the_text_validation_expects() -> None:
    data = _workbook(
        [
            ["ref", "name", "dob", "phone", None],
            [1, "Мария Иванова Фикт", dt.datetime(1980, 4, 3), 9171234567, None],
            [None, None, None, None, None],
            [2.0, "Jose Reyes Fict", "03/04/1975", "0917 765 4321"],
        ]
    )
    items = list(xlsx_items(data, MAPPING, SheetOptions.parse(None, "dmy", "PH")))
    assert [number for number, _ in items] == [2, 4]
    first, second = (item for _, item in items)
    assert isinstance(first, dict) and isinstance(second, dict)
    assert first["id"] == "1" and first["properties"]["birthDate"] == ["1980-04-03"]
    assert first["properties"]["phone"] == ["+639171234567"]  # a number lost its leading 0
    assert second["id"] == "2" and second["properties"]["birthDate"] == ["1975-04-03"]


def test_a_file_that_is_not_a_workbook_is_named() -> None:
    with pytest.raises(InvalidInput) as caught:
        list(xlsx_items(io.BytesIO(b"ref,name\n1,A\n"), MAPPING))
    assert caught.value.field == "file" and "not an XLSX workbook" in caught.value.reason
    items = list(xlsx_items(_workbook([["ref", "full_name"]]), MAPPING))
    assert isinstance(items[0][1], LineError)
    assert items[0][1].reason.startswith("missing column(s): ")


def _import(node: Node, team: Team, text: str, envelope: dict[str, object]) -> None:
    def items() -> Iterable[Item]:
        stream = io.StringIO(text, newline="")
        return csv_items(stream, MAPPING, SheetOptions.parse(None, "dmy", "PH"))

    report = node.transfer.import_items(team.analyst, items, envelope)
    assert report.rejected == []


def test_spreadsheet_export_carries_markings_and_originator_names(node: Node, team: Team) -> None:
    green = {"markings": {"tlp": "GREEN", "classification": "RESTRICTED"}}
    _import(
        node,
        team,
        'ref;name;dob;phone\n1;"=HYPERLINK(""http://example.invalid"")";03/04/1980;0917 123 4567\n'
        "2;Jose Reyes Fict;04/05/1981;\n",
        green,
    )
    sheet = node.transfer.export_sheet(team.analyst, RecordFilter(), SheetKind.XLSX)
    book = load_workbook(io.BytesIO(sheet.content), read_only=True)
    rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    header = rows[0]
    assert header[:3] == ["record_id", "originator", "originator_name"]
    by_name = {
        row[header.index("caption")]: dict(zip(header, row, strict=True)) for row in rows[1:]
    }
    formula = '=HYPERLINK("http://example.invalid")'  # kept as text, never run
    assert set(by_name) == {"Jose Reyes Fict", formula}
    jose = by_name["Jose Reyes Fict"]
    assert (jose["tlp"], jose["classification"]) == ("GREEN", "RESTRICTED")
    assert jose["originator_name"] == node.ctx.name and jose["birthDate"] == "1981-05-04"
    assert by_name[formula]["phone"] == "+639171234567"
    cells = load_workbook(io.BytesIO(sheet.content)).worksheets[0]
    assert {c.data_type for row in cells.iter_rows() for c in row if c.value} == {"s"}
    assert sheet.report.exported == 2 and sheet.report.complete

    text = node.transfer.export_sheet(team.analyst, RecordFilter(), SheetKind.CSV).content
    assert text.startswith("\ufeff".encode())  # spreadsheets read every script from a BOM
    parsed = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert parsed[0] == header and len(parsed) == 3
    entries = node.audit.entries(team.auditor, action="record.export")
    assert {e.object for e in entries} == {"spreadsheet:xlsx", "spreadsheet:csv"}
    closing = [e for e in entries if "exported" in e.detail]
    assert all(e.detail["count"] == 2 for e in closing)


def test_originator_filter_by_name_or_node_id(node: Node, team: Team) -> None:
    _import(node, team, "ref,name,dob,phone\n1,Ana Cruz Fict,,\n", {})
    assert node.transfer.originator_id(node.ctx.name.upper()) == node.ctx.node_id
    assert node.transfer.originator_id(node.ctx.node_id) == node.ctx.node_id
    with pytest.raises(InvalidInput) as caught:
        node.transfer.originator_id("Atlantis Fict Police")
    assert caught.value.field == "originator" and node.ctx.name in caught.value.reason
    theirs = RecordFilter(originator="some-other-node")
    assert node.transfer.export_sheet(team.analyst, theirs, SheetKind.CSV).report.exported == 0
    mine = RecordFilter(originator=node.ctx.node_id)
    assert node.transfer.export_sheet(team.analyst, mine, SheetKind.CSV).report.exported == 1
