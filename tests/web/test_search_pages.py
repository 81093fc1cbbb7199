"""Name search and CSV screening through the pages."""

from __future__ import annotations

import csv
import io
import time

import pytest
from fastapi.testclient import TestClient

from liaison.errors import InvalidInput
from liaison.node import Node
from liaison.node.transfer import Exits, Withheld
from liaison.web.pages.search import (
    SHOWN,
    Candidate,
    Evidence,
    Outcome,
    Problem,
    Row,
    SearchForm,
    evidence,
    form_field,
    read_upload,
    record_ids,
    report,
)
from tests.conftest import Team, person
from tests.web.conftest import SignIn, csrf_of

EVIL = "<script>alert(1)</script>"
SQL = "' OR 1=1 --"


def test_search_finds_cyrillic_from_latin_and_explains(
    browser_as: SignIn, node: Node, team: Team
) -> None:
    ivan = node.records.create(
        team.analyst, person("Иван Петров", birthDate=["1970-01-02"], country=["ru"]), {}
    )
    browser = browser_as("analyst")
    assert "Search names" in browser.get("/search").text
    page = browser.get(
        "/search", params={"q": "Ivan Petrov", "birthDate": "1970-01-02", "country": "Russia"}
    )
    assert page.status_code == 200, page.text
    assert f'href="/records/{ivan.record_id}"' in page.text
    assert "Иван Петров" in page.text
    assert '<dt>name</dt><dd><strong><span class="score">100% — exact</span>' in page.text
    assert "<dt>birth date</dt><dd><strong>exact</strong>" in page.text
    assert "<dt>country</dt><dd><strong>same</strong>" in page.text
    assert "match</strong>" in page.text
    assert "1 candidate, best first." in page.text


def test_search_says_when_results_are_cut(browser_as: SignIn, node: Node, team: Team) -> None:
    for number in range(SHOWN + 1):
        node.records.create(team.analyst, person("Ivan Petrov", birthDate=[f"19{number + 50}"]), {})
    page = browser_as("analyst").get("/search", params={"q": "Ivan Petrov"})
    assert page.text.count('href="/records/') == SHOWN
    assert f"Only the best {SHOWN} are shown" in page.text


def test_search_in_arabic_and_nothing_found(browser_as: SignIn, node: Node, team: Team) -> None:
    node.records.create(team.analyst, person("Mohammed Al-Hassan"), {})
    browser = browser_as("analyst")
    arabic = browser.get("/search", params={"q": "محمد الحسن"})
    assert arabic.status_code == 200 and "Mohammed Al-Hassan" in arabic.text
    nothing = browser.get("/search", params={"q": "Zebulon Quartermaine"})
    assert "No candidate found." in nothing.text


def test_search_bad_input_is_named(browser_as: SignIn, node: Node, team: Team) -> None:
    browser = browser_as("analyst")
    bad = browser.get("/search", params={"q": "Ivan", "birthDate": "31/31/1980"})
    assert bad.status_code == 422
    assert 'id="err-birthDate"' in bad.text and "not a valid date" in bad.text
    assert 'value="31/31/1980"' in bad.text  # the input is kept
    company = browser.get(
        "/search", params={"q": "Acme", "schema": "Company", "birthDate": "1980-01-01"}
    )
    assert company.status_code == 422 and 'id="err-birthDate"' in company.text


def test_search_escapes_query_and_names(browser_as: SignIn, node: Node, team: Team) -> None:
    node.records.create(team.analyst, person(EVIL), {})
    node.records.create(team.analyst, person(SQL + " Petrov"), {})
    browser = browser_as("analyst")
    for text in (EVIL, SQL + " Petrov"):
        page = browser.get("/search", params={"q": text})
        assert page.status_code == 200, page.text
        assert "<script>alert(1)" not in page.text
    shown = browser.get("/search", params={"q": EVIL}).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    sql = browser.get("/search", params={"q": SQL + " Petrov"}).text
    assert "&#39; OR 1=1 --" in sql and "Petrov</a>" in sql


def test_search_needs_the_match_permission(browser_as: SignIn) -> None:
    assert browser_as("auditor").get("/search", params={"q": "x"}).status_code == 403
    assert browser_as("admin").get("/screening").status_code == 403


# --- screening --------------------------------------------------------------------------


def upload(browser: TestClient, data: bytes, name: str = "names.csv") -> object:
    form = browser.get("/screening")
    return browser.post(
        "/screening",
        data={"csrf": csrf_of(form.text), "purpose": "test screening"},
        files={"file": (name, data, "text/csv")},
        follow_redirects=False,
    )


def wait_done(browser: TestClient, job_url: str) -> str:
    for _ in range(100):
        partial = browser.get(f"{job_url}/progress", headers={"HX-Request": "true"})
        assert partial.status_code == 200
        if "hx-trigger" not in partial.text:
            assert partial.headers.get("HX-Refresh") == "true"
            return partial.text
        assert 'hx-trigger="every 1s"' in partial.text
        time.sleep(0.05)
    pytest.fail("the screening did not finish")


CSV = (
    "name,birth_date,country\n"
    "Ivan Petrov,1970-01-02,ru\n"
    ",1980-01-01,ph\n"
    "Maria Santos,31/31/1980,\n"
    f'"{EVIL}",,\n'
    "Zebulon Quartermaine,,\n"
).encode()


def test_screening_end_to_end(browser_as: SignIn, node: Node, team: Team) -> None:
    ivan = node.records.create(
        team.analyst, person("Иван Петров", birthDate=["1970-01-02"], country=["ru"]), {}
    )
    node.records.create(team.analyst, person(EVIL), {})
    browser = browser_as("analyst")
    started = upload(browser, CSV)
    assert started.status_code == 303, started.text
    job_url = started.headers["location"]
    first = browser.get(job_url)
    assert first.status_code == 200 and "<progress" in first.text
    final = wait_done(browser, job_url)
    assert "5 of 5 rows screened" in final
    page = browser.get(job_url)
    assert f'href="/records/{ivan.record_id}"' in page.text
    assert '<dt>name</dt><dd><strong><span class="score">100% — exact</span>' in page.text
    assert "5 rows: 2 with a match, 2 not screened." in page.text
    # the bad rows, with row number, field, value and reason
    assert "<td>3</td><td>name</td><td></td><td>is empty</td>" in page.text
    assert "<td>4</td><td>birth_date</td><td>31/31/1980</td><td>not a valid date</td>" in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>alert(1)" not in page.text
    download = browser.get(f"{job_url}.csv")
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert [r["row"] for r in rows] == ["2", "3", "4", "5", "6"]
    assert rows[0]["status"] == "match" and rows[0]["candidate_id"] == ivan.record_id
    assert rows[1]["status"] == "rejected" and rows[1]["why"].startswith("name: is empty")
    assert rows[2]["why"].startswith("birth_date: not a valid date")
    assert rows[4]["status"] in ("no result", "candidate")


def test_screening_job_is_its_owners(browser_as: SignIn, node: Node, team: Team) -> None:
    browser = browser_as("analyst")
    job_url = upload(browser, b"name\nIvan Petrov\n").headers["location"]
    wait_done(browser, job_url)
    other = browser_as("supervisor")
    for path in (job_url, f"{job_url}/progress", f"{job_url}.csv"):
        assert other.get(path).status_code == 404
    assert browser.get("/screening/not-a-job").status_code == 404


def test_screening_rejects_bad_uploads(browser_as: SignIn) -> None:
    browser = browser_as("analyst")
    binary = upload(browser, b"\x89PNG\r\n\x1a\n\x00\x00\x00", "photo.png")
    assert binary.status_code == 422 and "not a CSV text file" in binary.text
    assert 'id="err-file"' in binary.text
    headerless = upload(browser, b"surname,city\nPetrov,Moscow\n")
    assert headerless.status_code == 422 and "has no name column" in headerless.text
    big = b"name\n" + b"".join(b"n%d\n" % i for i in range(10_001))
    too_many = upload(browser, big)
    assert too_many.status_code == 422 and "has more than 10000 rows" in too_many.text
    nothing = browser.post(
        "/screening", data={"csrf": csrf_of(browser.get("/screening").text)}, files={}
    )
    assert nothing.status_code == 422 and "choose a CSV file" in nothing.text


def test_screening_needs_csrf(browser_as: SignIn) -> None:
    browser = browser_as("analyst")
    # (without a file: a refused multipart form's spooled file is left to the
    # garbage collector by the shared CSRF check, which pytest reports)
    refused = browser.post("/screening", data={"purpose": "no token"})
    assert refused.status_code == 403


# --- pure parts ---------------------------------------------------------------------------


def test_read_upload_columns_and_dialects() -> None:
    rows = read_upload("\ufeffName;Birth Date;Country\nИван;1970-01-02;ru\n\n;;\nX;;\n".encode())
    assert rows == [Row(2, "Иван", "1970-01-02", "ru"), Row(5, "X")]
    assert read_upload(b'name\n"a, b"\n') == [Row(2, "a, b")]
    with pytest.raises(InvalidInput, match="no rows"):
        read_upload(b"name\n")
    with pytest.raises(InvalidInput, match="UTF-8"):
        read_upload("name\nÉ\n".encode("latin-1"))


def test_evidence_and_form_fields() -> None:
    found = evidence(
        {
            "birth_date": {"level": "swapped", "detail": "a / b"},
            "name": {"level": "strong", "detail": "0.96"},
            "gender": {"level": "missing", "detail": ""},
        }
    )
    assert found == (
        Evidence("name", "strong", "0.96"),
        Evidence("birth date", "day and month swapped", "a / b"),
    )
    assert form_field("queries.search.properties.birthDate") == "birthDate"
    assert form_field("queries.search.properties") == "q"
    assert SearchForm("Ivan ", "Person", "", " ru").query() == {
        "schema": "Person",
        "properties": {"name": ["Ivan"], "country": ["ru"]},
    }


def test_report_guards_against_spreadsheet_formulas() -> None:
    best = Candidate("r1", '=HYPERLINK("x")', 0.9, True, None, (Evidence("name", "exact", ""),))
    text = report(
        [Outcome(2, "@SUM(A1)", best), Outcome(3, "", problem=Problem("name", "", "is empty"))],
        Exits(frozenset({"r1"}), ()),
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["query"] == "'@SUM(A1)" and rows[0]["candidate"].startswith("'=")
    assert rows[1]["status"] == "rejected"


def test_report_leaves_out_records_that_may_not_leave() -> None:
    def best(ident: str, watchlist: str | None = None) -> Candidate:
        return Candidate(ident, f"caption of {ident}", 0.9, True, watchlist, ())

    outcomes = [
        Outcome(2, "kept", best("r1")),
        Outcome(3, "withheld", best("r2")),
        Outcome(4, "listed", best("watch:1", "ph-watch")),  # the node's own list
        Outcome(5, "nothing"),
    ]
    assert record_ids(outcomes) == ["r1", "r2"]
    exits = Exits(frozenset({"r1"}), (Withheld("r2", 3, ("onward sharing forbidden",)),))
    rows = list(csv.DictReader(io.StringIO(report(outcomes, exits))))
    assert [r["row"] for r in rows] == ["2", "4", "5", ""]
    assert "r2" not in report(outcomes, exits)
    assert rows[-1]["status"] == "withheld"
    assert rows[-1]["why"] == (
        "1 row left out: its record may not leave this node (onward sharing forbidden)"
    )


def test_search_by_phone_says_what_it_read(browser_as: SignIn, node: Node, team: Team) -> None:
    juan = node.records.create(team.analyst, person("Juan dela Cruz", phone=["+639171234567"]), {})
    browser = browser_as("analyst")
    for text, country in (("0917 123 4567", "PH"), ("+63 917 123 4567", ""), ("+639171234567", "")):
        page = browser.get("/search", params={"q": text, "country": country})
        assert page.status_code == 200, page.text
        assert "Looked up as an identifier:" in page.text
        assert "Phone number <code>+639171234567</code>" in page.text
        assert f'href="/records/{juan.record_id}"' in page.text and "manila" in page.text
    local = browser.get("/search", params={"q": "0917 123 4567"})  # no country: no phone
    assert "Passport number <code>09171234567</code>" in local.text
    assert "write it with + and its country code" in local.text
    assert "No record you may see holds this identifier." in local.text
    name = browser.get("/search", params={"q": "Juan dela Cruz"})
    assert "Searched as a name." in name.text and "Looked up as" not in name.text
    entry = node.audit.entries(team.auditor, action="record.search")[0]
    assert entry.detail["filter"] == {"identifier": "0917 123 4567", "country": "PH"}


def test_search_by_identifier_in_russian_and_for_an_auditor(
    browser_as: SignIn, node: Node, team: Team
) -> None:
    node.records.create(team.analyst, person("Maria Clara", email=["Maria.Clara@Example.PH"]), {})
    browser = browser_as("auditor")  # may read records, may not screen names
    account = browser.get("/account")
    browser.post("/account/language", data={"language": "ru", "csrf": csrf_of(account.text)})
    page = browser.get("/search", params={"q": "MARIA.CLARA@example.ph"})
    assert page.status_code == 200, page.text
    assert "Распознано как идентификатор:" in page.text
    assert "maria.clara@example.ph" in page.text and "Maria Clara" in page.text
    assert browser.get("/search", params={"q": "Maria Clara"}).status_code == 403
    bad = browser.get("/search", params={"q": "0917 123 4567", "country": "Narnia"})
    assert bad.status_code == 422 and 'id="err-country"' in bad.text
