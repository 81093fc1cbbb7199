"""Spreadsheets in and out through the web interface, in a real Chromium on real
node processes (see conftest): a national system's CSV imported in its four
steps, and an XLSX export of the records list."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect

from liaison.demo.cluster import actor
from tests.web.browser.conftest import Cluster, Session

OpenAs = Callable[[str, str], Session]

# semicolons, day/month/year dates and phone numbers written for the Philippines
PEOPLE = (
    "ref;Name;Birth date;Phone\n"
    "imp-1;Ligaya Dimaculangan Fict;03/04/1980;0917 123 4567\n"
    "imp-2;Bayani Macaraeg Fict;31/02/1981;0918 123 4567\n"
    "imp-3;Dalisay Sumaoang Fict;19/06/1961;\n"
)


def _no_csp_violations(*sessions: Session) -> None:
    reports = [line for s in sessions for line in s.console if "Content Security Policy" in line]
    assert reports == []


def test_an_analyst_imports_a_semicolon_csv_with_local_dates_and_phones(
    open_as: OpenAs, tmp_path: Path
) -> None:
    upload = tmp_path / "people.csv"
    upload.write_text(PEOPLE, encoding="utf-8")
    tab = open_as("manila", "analyst")
    tab.page.get_by_role("link", name="Import", exact=True).click()
    form = tab.page
    form.locator("#file").set_input_files(str(upload))
    form.locator("#f-schema").select_option("Person")
    form.locator("#f-delimiter").select_option(";")
    form.locator("#f-date_order").select_option("dmy")
    form.locator("#f-phone_country").select_option("PH")
    form.locator('[id="f-markings.tlp"]').select_option("GREEN")
    form.locator('[id="f-markings.classification"]').select_option("RESTRICTED")
    form.locator("#f-crime_area").select_option("fraud")
    tab.shot("26-import-upload")
    form.get_by_role("button", name="Upload and map the columns").click()

    form.wait_for_url("**/mapping")
    expect(form.locator('[id="f-column.1"]')).to_have_value("name")  # "Name"
    expect(form.locator('[id="f-column.2"]')).to_have_value("birthDate")  # "Birth date"
    expect(form.locator('[id="f-column.3"]')).to_have_value("phone")
    form.locator("#f-id_column").select_option(label="ref")
    tab.shot("27-import-mapping")
    form.get_by_role("button", name="Check the file").click()

    form.wait_for_url("**/preview")
    summary = "3 lines checked: 2 ready to import, 1 with errors."
    expect(form.get_by_text(summary)).to_be_visible(timeout=60_000)
    sample = form.locator("table.sample")
    expect(sample).to_contain_text("1980-04-03")  # 03/04/1980, day first
    expect(sample).to_contain_text("+639171234567")  # 0917 123 4567 in the Philippines
    problem = form.locator("table.problems tbody tr")
    expect(problem).to_have_count(1)
    expect(problem).to_contain_text("31/02/1981")
    expect(problem).to_contain_text("no such date when read day/month/year")
    expect(form.locator(".banner")).to_contain_text("TLP:GREEN")
    tab.shot("28-import-preview")
    form.locator("#purpose").fill("browser test import")
    form.get_by_role("button", name="Import 2 lines").click()

    form.wait_for_url("**/import/jobs/*")
    report = form.locator("dl.report")
    expect(report).to_be_visible(timeout=60_000)
    expect(report).to_contain_text(re.compile(r"Records created\s*2"))
    expect(report).to_contain_text(re.compile(r"Lines rejected\s*1"))
    expect(form.locator("table.problems")).to_contain_text("31/02/1981")
    tab.shot("29-import-report")
    tab.go("/records?q=Dimaculangan")
    expect(form.get_by_role("link", name="Ligaya Dimaculangan Fict")).to_be_visible()
    _no_csp_violations(tab)


def test_an_analyst_exports_the_records_list_as_xlsx(
    open_as: OpenAs, cluster: Cluster, tmp_path: Path
) -> None:
    envelope = {"crime_area": "fraud", "markings": {"tlp": "GREEN"}}
    with cluster.nodes["manila"].open() as node:
        analyst = actor(node, "analyst")
        for name in ("Amihan Exportado Fict", "Bagwis Exportado Fict"):
            entity = {"schema": "Person", "properties": {"name": [name]}}
            node.records.create(analyst, entity, envelope)
    tab = open_as("manila", "analyst")
    tab.go("/records?q=Exportado")
    page = tab.page
    page.locator("#x-originator").fill("manila")
    page.locator("#x-format").select_option("xlsx")
    page.locator("#x-purpose").fill("browser test export")
    tab.shot("30-records-export")
    page.get_by_role("button", name="Export these records").click()
    page.wait_for_url("**/exports/*")
    expect(page.get_by_text("2 records exported as XLSX.")).to_be_visible()
    expect(page.get_by_text("Nothing was withheld")).to_be_visible()
    tab.shot("31-export")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download liaison-records.xlsx").click()
    saved = tmp_path / "records.xlsx"
    download.value.save_as(saved)
    rows = list(load_workbook(saved, read_only=True).worksheets[0].values)
    header = list(rows[0])
    captions = sorted(str(row[header.index("caption")]) for row in rows[1:])
    assert captions == ["Amihan Exportado Fict", "Bagwis Exportado Fict"]
    assert {row[header.index("originator_name")] for row in rows[1:]} == {"manila"}
    _no_csp_violations(tab)
