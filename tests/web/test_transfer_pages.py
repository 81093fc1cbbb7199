"""Spreadsheet import (upload, mapping, preview, import) and export through the pages."""

from __future__ import annotations

import csv
import io
import time

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from openpyxl import load_workbook

from liaison.csvout import to_xlsx
from liaison.errors import InvalidInput
from liaison.model.entities import get_schema
from liaison.node import Node
from liaison.node.spreadsheet import SheetOptions
from liaison.node.transfer import SheetKind
from liaison.settings import Settings
from liaison.storage.records import RecordFilter
from liaison.web.sheets import guesses, id_guess, property_options, read_sheet, sheet_kind
from tests.conftest import Team, person
from tests.web.conftest import SignIn, csrf_of

LIMIT = 64 * 1024  # this module's LIAISON_WEB_IMPORT_MAX_BYTES
EVIL = "<script>alert(1)</script>"
ENVELOPE = {"markings.tlp": "GREEN", "markings.classification": "RESTRICTED"}

# a national system's export: semicolons, day/month/year dates, local phone numbers
PEOPLE = (
    "ref;Name;Birth date;phone;notes\n"
    "p1;Maria Clara Fict;03/04/1980;0917 123 4567;\n"
    "p2;Jose Rizal Fict;31/02/1981;;\n"
    f"p3;{EVIL};19/06/1961;+639181234567;' OR 1=1 --\n"
)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A small upload limit, so that "too big" takes kilobytes."""
    return settings.model_copy(update={"web_import_max_bytes": LIMIT})


def upload(browser: TestClient, data: bytes, name: str = "people.csv", **fields: str) -> Response:
    form = browser.get("/import")
    assert form.status_code == 200, form.text
    values = {"schema": "Person", "delimiter": "auto", **fields}
    return browser.post(
        "/import",
        data={"csrf": csrf_of(form.text), **values},
        files={"file": (name, data, "application/octet-stream")},
        follow_redirects=False,
    )


def mapped(browser: TestClient, mapping_url: str, chosen: dict[str, str]) -> Response:
    page = browser.get(mapping_url)
    assert page.status_code == 200, page.text
    data = {"csrf": csrf_of(page.text), **chosen}
    return browser.post(mapping_url, data=data, follow_redirects=False)


def wait(browser: TestClient, page_url: str) -> str:
    """Poll a job's progress as htmx does until it is done; then the page."""
    for _ in range(200):
        partial = browser.get(f"{page_url}/progress", headers={"HX-Request": "true"})
        assert partial.status_code == 200, partial.text
        if "hx-trigger" not in partial.text:
            assert partial.headers.get("HX-Refresh") == "true"
            return browser.get(page_url).text
        time.sleep(0.05)
    pytest.fail(f"{page_url} did not finish")


def selected(html: str, name: str) -> str | None:
    """The value selected in the select named ``name`` (None: the empty option)."""
    start = html.index(f'name="{name}"')
    end = html.index("</select>", start)
    chunk = html[start:end]
    marker = chunk.find(" selected>")
    if marker < 0:
        return None
    return chunk[:marker].rsplit('value="', 1)[1].rstrip('"') or None


def test_import_upload_map_preview_import_and_report(
    browser_as: SignIn, node: Node, team: Team
) -> None:
    browser = browser_as("analyst")
    started = upload(
        browser,
        PEOPLE.encode(),
        delimiter=";",
        date_order="dmy",
        phone_country="PH",
        crime_area="fraud",
        **ENVELOPE,
    )
    assert started.status_code == 303, started.text
    mapping_url = started.headers["location"]
    assert mapping_url.startswith("/import/") and mapping_url.endswith("/mapping")

    page = browser.get(mapping_url).text
    assert "4 lines" not in page and "3 lines" in page
    # columns named as a property or its label are chosen already; "ref" is not
    assert selected(page, "column.1") == "name"
    assert selected(page, "column.2") == "birthDate"
    assert selected(page, "column.3") == "phone"
    assert selected(page, "column.4") == "notes"
    assert selected(page, "column.0") is None and selected(page, "id_column") is None
    assert "&lt;script&gt;" in page and EVIL not in page  # the first values, escaped

    chosen = {"column.1": "name", "column.2": "birthDate", "column.3": "phone", "id_column": "0"}
    checked = mapped(browser, mapping_url, chosen)
    assert checked.status_code == 303, checked.text
    preview_url = checked.headers["location"]
    assert preview_url.endswith("/preview")
    preview = wait(browser, preview_url)
    assert "3 lines checked: 2 ready to import, 1 with errors." in preview
    assert "1980-04-03" in preview and "+639171234567" in preview  # as they will be stored
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in preview and EVIL not in preview
    assert "TLP:GREEN" in preview and "RESTRICTED" in preview
    row = "<td>3</td><td>properties.birthDate</td><td>31/02/1981</td>"
    assert row in preview and "no such date when read day/month/year" in preview
    assert node.records.search(team.analyst, RecordFilter(), None, 10).items == []  # dry run

    run_url = preview_url.replace("/preview", "/run")
    form = {"csrf": csrf_of(preview), "purpose": "web import test"}
    ran = browser.post(run_url, data=form, follow_redirects=False)
    assert ran.status_code == 303, ran.text
    job_url = ran.headers["location"]
    assert job_url.startswith("/import/jobs/")
    again = browser.post(run_url, data=form, follow_redirects=False)  # a double click
    assert again.headers["location"] == job_url
    report = wait(browser, job_url)
    assert "<dt>Records created</dt><dd>2</dd>" in report
    assert "<dt>Lines rejected</dt><dd>1</dd>" in report
    assert "<td>3</td><td>properties.birthDate</td><td>31/02/1981</td>" in report

    stored = node.records.search(team.analyst, RecordFilter(), None, 10).items
    assert sorted(r["caption"] for r in stored) == sorted(["Maria Clara Fict", EVIL])
    maria_id = next(r["record_id"] for r in stored if "Maria" in r["caption"])
    maria = node.records.get(team.analyst, maria_id)
    assert maria.properties["birthDate"] == ["1980-04-03"]
    assert maria.properties["phone"] == ["+639171234567"]
    assert maria.entity_id == "p1"
    markings = maria.envelope.markings.to_dict()
    assert (markings["tlp"], markings["classification"]) == ("GREEN", "RESTRICTED")
    assert maria.envelope.crime_area is not None and maria.envelope.crime_area.value == "fraud"
    entries = node.audit.entries(team.auditor, action="record.import")
    assert {e.object for e in entries} == {"upload:people.csv"}
    assert {e.purpose for e in entries} == {"web import test"}


def test_xlsx_import_and_records_held_for_review(
    browser_as: SignIn, node: Node, team: Team
) -> None:
    workbook = to_xlsx(
        ["Name", "DOB", "Religion"],
        [["Хасан Алиев", "1970-01-02", "fictitious sect"], ["Ana Cruz Fict", "", ""]],
        "people",
    )
    browser = browser_as("analyst")
    started = upload(browser, workbook, "people.xlsx", crime_area="terrorism")
    assert started.status_code == 303, started.text
    mapping_url = started.headers["location"]
    page = browser.get(mapping_url).text
    assert "(XLSX)" in page and selected(page, "column.0") == "name"
    chosen = {"column.0": "name", "column.1": "birthDate", "column.2": "religion"}
    preview_url = mapped(browser, mapping_url, chosen).headers["location"]
    preview = wait(browser, preview_url)
    assert "2 lines checked: 2 ready to import, 0 with errors." in preview
    ran = browser.post(
        preview_url.replace("/preview", "/run"),
        data={"csrf": csrf_of(preview)},
        follow_redirects=False,
    )
    report = wait(browser, ran.headers["location"])
    assert "<dt>Records created</dt><dd>2</dd>" in report
    assert "<dt>Held for review</dt><dd>1</dd>" in report
    assert len(node.policy.queue(team.auditor)) == 1


def test_bad_uploads_are_refused_with_the_reason(browser_as: SignIn, node: Node) -> None:
    browser = browser_as("analyst")
    cases: list[tuple[bytes, str, dict[str, str], str]] = [
        (b"not a workbook at all", "people.xlsx", {}, "not an XLSX workbook"),
        (b"PK\x03\x04broken zip", "people.bin", {}, "not an XLSX workbook"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "photo.png", {}, "not a CSV or XLSX file"),
        (b"name\nA\n", "old.xls", {}, "save the sheet as XLSX or CSV"),
        ("name\nJosé\n".encode("latin-1"), "latin.csv", {}, "not UTF-8 text"),
        (b"name;birth\n", "empty.csv", {}, "has no lines below its header"),
        (b"\n\n", "blank.csv", {}, "has no header line"),
        (b"name\n" + b"x" * LIMIT, "big.csv", {}, "is larger than 65536 bytes"),
        (b"name\nA\n", "a.csv", {"delimiter": "#"}, "must be one of"),
        (b"name\nA\n", "a.csv", {"date_order": "dym"}, "must be dmy, mdy or ymd"),
        (b"name\nA\n", "a.csv", {"phone_country": "XX"}, "not a country code"),
        (b"name\nA\n", "a.csv", {"markings.tlp": "BLUE"}, "must be one of CLEAR"),
        (b"name\nA\n", "a.csv", {"schema": "Thing"}, "abstract schema"),
    ]
    for data, name, fields, reason in cases:
        refused = upload(browser, data, name, **fields)
        assert refused.status_code == 422, (name, fields, refused.text)
        assert reason in refused.text, (name, fields)
        assert 'class="field-error"' in refused.text
    refused = upload(browser, b"name\nA\n", "a.csv", **{"markings.tlp": "BLUE"})
    assert 'name="markings.tlp" aria-invalid="true"' in refused.text  # next to its field
    nothing = browser.post("/import", data={"csrf": csrf_of(browser.get("/import").text)}, files={})
    assert nothing.status_code == 422 and "choose a CSV or XLSX file" in nothing.text
    junior = browser_as("junior")  # cleared for RESTRICTED
    form = junior.get("/import").text
    assert 'value="RESTRICTED"' in form and 'value="SECRET"' not in form
    above = upload(junior, b"name\nA\n", "a.csv", **{"markings.classification": "SECRET"})
    assert above.status_code == 422 and "above your clearance" in above.text


def test_mapping_errors_are_named(browser_as: SignIn, node: Node, team: Team) -> None:
    browser = browser_as("analyst")
    url = upload(browser, b"who,when,,dup,dup\nA,2001,x,y,z\n").headers["location"]
    page = browser.get(url).text
    assert page.count("cannot be imported") == 3  # an empty name, a repeated one
    nothing = mapped(browser, url, {})
    assert nothing.status_code == 422 and "map at least one column to a property" in nothing.text
    no_name = mapped(browser, url, {"column.1": "birthDate"})
    assert no_name.status_code == 422 and "Person needs a column for: Name" in no_name.text
    assert selected(no_name.text, "column.1") == "birthDate"  # what was chosen stays
    unknown = mapped(browser, url, {"column.0": "imoNumber"})
    assert unknown.status_code == 422 and "Person has no such property" in unknown.text
    blocked = mapped(browser, url, {"column.0": "name", "column.3": "notes"})
    assert blocked.status_code == 422 and "the same name as another" in blocked.text
    bad_id = mapped(browser, url, {"column.0": "name", "id_column": "9"})
    assert bad_id.status_code == 422 and "not a column of the file" in bad_id.text
    # not mapped yet: no preview; a wrong mapping that rejects every line offers no import
    assert browser.get(url.replace("/mapping", "/preview")).status_code == 422
    url = upload(browser, b"who,when\nA,not a date\n").headers["location"]
    preview_url = mapped(browser, url, {"column.0": "name", "column.1": "birthDate"})
    preview = wait(browser, preview_url.headers["location"])
    assert "No line can be imported" in preview and "/run" not in preview
    assert node.records.search(team.analyst, RecordFilter(), None, 10).items == []


def test_import_needs_the_import_permission(browser_as: SignIn) -> None:
    analyst = browser_as("analyst")
    assert 'href="/import"' in analyst.get("/").text
    url = upload(analyst, b"name\nA\n").headers["location"]
    for role in ("officer", "supervisor", "auditor", "admin"):
        other = browser_as(role)
        assert 'href="/import"' not in other.get("/").text, role
        assert other.get("/import").status_code == 403, role
        assert other.get(url).status_code == 403, role
        refused = other.post("/import", data={"csrf": csrf_of(other.get("/account").text)})
        assert refused.status_code == 403, role


def test_an_upload_and_its_jobs_are_their_owners(browser_as: SignIn) -> None:
    analyst = browser_as("analyst")
    url = upload(analyst, b"name\nA\n").headers["location"]
    preview_url = mapped(analyst, url, {"column.0": "name"}).headers["location"]
    preview = wait(analyst, preview_url)
    run = analyst.post(
        preview_url.replace("/preview", "/run"),
        data={"csrf": csrf_of(preview)},
        follow_redirects=False,
    )
    job_url = run.headers["location"]
    wait(analyst, job_url)
    other = browser_as("junior")  # an analyst too
    for path in (url, preview_url, f"{preview_url}/progress", job_url, f"{job_url}/progress"):
        assert other.get(path).status_code == 404, path
    assert other.get("/import/no-such-upload/mapping").status_code == 404


def test_every_step_needs_the_csrf_token(browser_as: SignIn) -> None:
    analyst = browser_as("analyst")
    url = upload(analyst, b"name\nA\n").headers["location"]
    assert analyst.post("/import", data={"schema": "Person"}).status_code == 403
    assert analyst.post(url, data={"column.0": "name"}).status_code == 403
    run = url.replace("/mapping", "/run")
    assert analyst.post(run, data={"csrf": "forged"}).status_code == 403
    assert analyst.post("/exports", data={"format": "csv"}).status_code == 403


# --- export -------------------------------------------------------------------------------


def _export(browser: TestClient, **fields: str) -> Response:
    page = browser.get("/records")
    assert 'action="/exports"' in page.text
    return browser.post(
        "/exports", data={"csrf": csrf_of(page.text), **fields}, follow_redirects=False
    )


def test_export_xlsx_of_the_filtered_records(browser_as: SignIn, node: Node, team: Team) -> None:
    node.records.create(team.analyst, person("Ana Santos"), {"crime_area": "fraud"})
    node.records.create(team.analyst, person("Ben Cruz"), {"crime_area": "piracy"})
    browser = browser_as("analyst")
    made = _export(browser, format="xlsx", crime_area="fraud", originator=node.ctx.name.upper())
    assert made.status_code == 303, made.text
    page = browser.get(made.headers["location"]).text
    assert "1 record exported as XLSX." in page
    assert "Nothing was withheld" in page
    download = browser.get(made.headers["location"] + "/file")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert download.headers["x-liaison-withheld"] == "0"
    assert 'filename="liaison-records.xlsx"' in download.headers["content-disposition"]
    rows = list(load_workbook(io.BytesIO(download.content)).worksheets[0].values)
    header = list(rows[0])
    assert [row[header.index("caption")] for row in rows[1:]] == ["Ana Santos"]
    entries = node.audit.entries(team.auditor, action="record.export")
    assert {e.object for e in entries} == {"spreadsheet:xlsx"}


def test_export_says_what_the_policy_withheld(browser_as: SignIn, node: Node, team: Team) -> None:
    suspect = {"crime_area": "human_trafficking", "subject_category": "suspect"}
    node.records.create(team.analyst, person("Ana Santos"), suspect)
    node.records.create(team.analyst, person("Игорь Волков", topics=["mil"]), suspect)
    browser = browser_as("officer")  # liaison officers export too
    made = _export(browser, format="csv", q="")
    page = browser.get(made.headers["location"]).text
    assert "1 record exported as CSV." in page
    assert "1 record withheld by the policy" in page
    assert "neutral" in page.lower()  # the reason the gate gave
    download = browser.get(made.headers["location"] + "/file")
    assert download.headers["x-liaison-withheld"] == "1"
    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert [r["caption"] for r in rows] == ["Ana Santos"]


def test_export_errors_and_permissions(browser_as: SignIn, node: Node) -> None:
    browser = browser_as("analyst")
    unknown = _export(browser, format="csv", originator="Atlantis Fict Police")
    assert unknown.status_code == 422 and "no such agency here" in unknown.text
    assert 'value="Atlantis Fict Police"' in unknown.text  # kept as typed
    assert _export(browser, format="pdf").status_code == 422
    assert _export(browser, format="csv", tlp="BLUE").status_code == 422
    made = _export(browser, format="csv")
    for role in ("supervisor", "auditor"):
        other = browser_as(role)
        assert 'action="/exports"' not in other.get("/records").text, role
        assert other.get("/exports").status_code == 403, role
        assert other.get(made.headers["location"]).status_code == 403, role
    colleague = browser_as("officer")
    assert colleague.get(made.headers["location"]).status_code == 404
    assert colleague.get(made.headers["location"] + "/file").status_code == 404


# --- pure parts ---------------------------------------------------------------------------


def test_the_kind_of_a_file_and_its_lines() -> None:
    assert sheet_kind("people.csv", b"name\n") is SheetKind.CSV
    assert sheet_kind("PEOPLE.XLSX", b"") is SheetKind.XLSX
    assert sheet_kind("export", b"PK\x03\x04...") is SheetKind.XLSX  # by its signature
    text = b'Name;Notes\n"Ana";"two\nlines"\n\n;\nBen;\n'
    header, lines, examples = read_sheet(SheetKind.CSV, text, SheetOptions())
    assert header == ("Name", "Notes") and lines == 2  # blank lines are not lines
    assert examples == (("Ana", "two\nlines"), ("Ben", ""))
    broken = b'name,notes\nAna,ok\nBen,"unterminated\n'  # the dry run reports line 3
    assert read_sheet(SheetKind.CSV, broken, SheetOptions())[1] == 1
    wide = ",".join(f"c{i}" for i in range(201)).encode() + b"\n1\n"
    with pytest.raises(InvalidInput, match="more than 200"):
        read_sheet(SheetKind.CSV, wide, SheetOptions())
    book = to_xlsx(["Name", "", ""], [["Ana"], [None], ["Ben", "x"]], "s")
    header, lines, _ = read_sheet(SheetKind.XLSX, book, SheetOptions())
    assert header == ("Name",) and lines is None  # a workbook's lines are counted by the job


def test_columns_are_guessed_from_property_names_and_labels() -> None:
    options = property_options(get_schema("Person"))
    assert options[0].name == "name"  # the form's order first
    assert "religion" in {o.name for o in options}  # and every other property
    header = ["ID", "birth_date", "Date of birth", "Nationality", "PHONE", "whatever"]
    assert guesses(header, options) == {1: "birthDate", 3: "nationality", 4: "phone"}
    assert id_guess(header) == 0 and id_guess(["ref"]) is None
