"""What leaves a node in a file asks the policy, and a received copy cannot be
laundered into another agency's own record (issue 16, item 1): manila shares
a terrorism suspect (TLP:AMBER) with moscow under an agreement that forbids
onward sharing. Moscow's export leaves it out and says why, and so do its
screening reports (``liaison screen --out`` and the web page's CSV), though the
screening on screen shows it; a line that says it is manila's record is
refused by kuala-lumpur's import. Three real nodes, real HTTP in process (the
same scenario over real processes is in ``test_exits_processes.py``)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from liaison.cli.main import app as cli
from liaison.errors import ImportRejected
from liaison.model.ids import record_id_for
from liaison.model.records import Record
from liaison.node import Node
from liaison.node.sources import jsonl_items
from liaison.node.transfer import ExportReport
from liaison.storage.records import RecordFilter
from liaison.storage.tables import records
from tests.conftest import PASSWORD, auth, person
from tests.federation.conftest import Federation, Member, agree
from tests.web.conftest import sign_in
from tests.web.test_search_pages import upload, wait_done

BORN = "1975-05-06"  # with the name, enough for a screening to find the suspect
AMBER_TERRORISM = {
    "crime_area": "terrorism",
    "subject_category": "suspect",
    "markings": {"tlp": "AMBER", "handling": ["H0"]},
}


def laundering_line(record: Record) -> bytes:
    """The line an export wrote for a received copy before this was fixed."""
    envelope = {k: v for k, v in record.envelope.to_dict().items() if k != "originator"}
    data = {
        "id": record.entity_id,
        "schema": record.schema,
        "properties": record.properties,
        "envelope": envelope,
        "liaison": {
            "record_id": record.record_id,
            "version": record.version,
            "originator": record.envelope.originator,
        },
    }
    return orjson.dumps(data)


def held_ids(node: Node) -> set[str]:
    with node.ctx.engine.connect() as conn:
        return set(conn.execute(select(records.c.record_id)).scalars())


def export(member: Member) -> tuple[list[dict[str, Any]], ExportReport]:
    report = ExportReport()
    lines = member.node.transfer.export(member.team.analyst, RecordFilter(), report=report)
    return [orjson.loads(line) for line in lines], report


@pytest.fixture
def shared(federation: Federation) -> tuple[Federation, Record]:
    """Manila's suspect, received at moscow under ph-ru (onward forbidden);
    moscow and kuala-lumpur have an agreement of their own."""
    manila, moscow, kl = federation["manila"], federation["moscow"], federation["kuala-lumpur"]
    agree("ph-ru", [manila, moscow], onward="forbidden")
    agree("ru-my", [moscow, kl], onward="within_parties")
    record = manila.node.records.create(
        manila.team.analyst, person("Абу Фиктивный", birthDate=[BORN]), AMBER_TERRORISM
    )
    federation.settle()
    copy = moscow.node.records.get(moscow.team.analyst, record.record_id)
    assert copy.envelope.originator == manila.node_id
    return federation, copy


def test_a_received_copy_is_left_out_of_an_export_with_the_reason(
    shared: tuple[Federation, Record],
) -> None:
    federation, copy = shared
    moscow = federation["moscow"]
    own = moscow.node.records.create(moscow.team.analyst, person("Олег Свой"), AMBER_TERRORISM)
    rows, report = export(moscow)
    assert [r["liaison"]["record_id"] for r in rows] == [own.record_id]
    assert report.complete and report.exported == 1
    [left] = report.withheld
    assert (left.record_id, left.version) == (copy.record_id, copy.version)
    assert "agreement ph-ru v1 forbids onward sharing" in left.reasons
    assert "TLP:AMBER stays within the organisation that received it" in left.reasons
    closing = moscow.node.audit.entries(moscow.team.auditor, limit=500, action="record.export")[-1]
    assert closing.detail["count"] == 1
    assert [w.split(":")[0] for w in closing.detail["withheld"]] == [
        f"{copy.record_id}@{copy.version}"
    ]
    # the explanation and the exit give the same answer from the same function
    explained = moscow.node.policy.explain(
        moscow.team.officer, copy.record_id, "user:analyst", use="export"
    )
    assert not explained.decision.allowed
    assert {r.text for r in explained.decision.denials} == set(left.reasons)


def test_the_originator_exports_its_own_record(shared: tuple[Federation, Record]) -> None:
    federation, copy = shared
    rows, report = export(federation["manila"])
    assert [r["liaison"]["record_id"] for r in rows] == [copy.record_id]
    assert report.withheld == []


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("liaison.originator", lambda line, kl: line),
        (
            "liaison.record_id",  # the originator's name removed; its id still derives from it
            lambda line, kl: {**line, "liaison": {"record_id": line["liaison"]["record_id"]}},
        ),
        (
            "envelope.originator",
            lambda line, kl: {
                **{k: v for k, v in line.items() if k != "liaison"},
                "envelope": {**line["envelope"], "originator": line["liaison"]["originator"]},
            },
        ),
    ],
)
def test_another_nodes_record_is_refused_by_import(
    shared: tuple[Federation, Record], field: str, change: Any
) -> None:
    federation, copy = shared
    kl = federation["kuala-lumpur"]
    before = held_ids(kl.node)
    line = orjson.dumps(change(orjson.loads(laundering_line(copy)), kl))
    report = kl.node.transfer.import_items(kl.team.analyst, lambda: jsonl_items([line]))
    assert (report.created, report.updated) == (0, 0)
    [error] = report.rejected
    assert (error.line, error.field) == (1, field)
    assert "belongs to" in error.reason or "derive" in error.reason
    with pytest.raises(ImportRejected) as refused:
        kl.node.transfer.import_items(kl.team.analyst, lambda: jsonl_items([line]), strict=True)
    assert refused.value.errors[0].field == field
    assert held_ids(kl.node) == before  # nothing written, nothing re-stamped
    assert record_id_for(kl.node_id, copy.entity_id) not in held_ids(kl.node)


def test_moscow_cannot_launder_the_copy_into_its_own_record(
    shared: tuple[Federation, Record],
) -> None:
    federation, copy = shared
    moscow = federation["moscow"]
    line = laundering_line(copy)
    report = moscow.node.transfer.import_items(moscow.team.analyst, lambda: jsonl_items([line]))
    assert report.created == 0 and report.rejected[0].field == "liaison.originator"
    assert record_id_for(moscow.node_id, copy.entity_id) not in held_ids(moscow.node)


def test_an_api_export_closes_with_its_summary_and_imports_back(
    shared: tuple[Federation, Record],
) -> None:
    federation, copy = shared
    moscow = federation["moscow"]
    own = moscow.node.records.create(moscow.team.analyst, person("Олег Свой"), AMBER_TERRORISM)
    with TestClient(moscow.app) as client:
        got = client.get("/api/v1/export", headers=auth(moscow.node, moscow.team.analyst))
    assert got.status_code == 200, got.text
    *records_, last = [orjson.loads(x) for x in got.content.splitlines()]
    assert [r["liaison"]["record_id"] for r in records_] == [own.record_id]
    summary = last["liaison_export"]
    assert (summary["exported"], summary["withheld_count"], summary["complete"]) == (1, 1, True)
    assert summary["withheld"][0]["record_id"] == copy.record_id
    assert "agreement ph-ru v1 forbids onward sharing" in summary["withheld"][0]["reasons"]
    report = moscow.node.transfer.import_items(
        moscow.team.analyst, lambda: jsonl_items(got.content.splitlines())
    )
    assert (report.lines, report.unchanged, report.rejected) == (1, 1, [])


# --- screening reports ---------------------------------------------------------------------

FORBIDS = "agreement ph-ru v1 forbids onward sharing"


def screen_cli(member: Member, *args: str) -> tuple[int, str]:
    """``liaison screen ...`` as the member's analyst, on the member's own database."""
    settings = member.node.ctx.settings
    env = {
        "LIAISON_DATA_DIR": str(settings.data_dir),
        "LIAISON_DATABASE_URL": settings.resolved_database_url(),
        "LIAISON_ARGON2_TIME_COST": "1",
        "LIAISON_ARGON2_MEMORY_KIB": "8192",
        "LIAISON_USER": "analyst",
        "LIAISON_PASSWORD": PASSWORD,
    }
    result = CliRunner().invoke(cli, ["screen", *args], env=env)
    return result.exit_code, result.output


def test_a_screening_shows_the_copy_but_its_report_withholds_it(
    shared: tuple[Federation, Record], tmp_path: Path
) -> None:
    federation, copy = shared
    moscow = federation["moscow"]
    own = moscow.node.records.create(moscow.team.analyst, person("Олег Свой"), AMBER_TERRORISM)
    moscow.node.matching.add_watchlist(moscow.team.analyst, "ru-watch")
    query = {"schema": "Person", "properties": {"name": ["Абу Фиктивный"], "birthDate": [BORN]}}
    moscow.node.matching.add_entries(moscow.team.analyst, "ru-watch", [{"id": "w1", **query}])
    on_screen = moscow.node.matching.match(moscow.team.analyst, {"q": query})["q"]
    assert copy.record_id in [r["id"] for r in on_screen]  # a view, like the record page
    names = tmp_path / "names.csv"
    names.write_text(
        f"id,name,birthDate\nq1,Абу Фиктивный,{BORN}\nq2,Олег Свой,\n", encoding="utf-8"
    )
    out = tmp_path / "report.csv"
    code, said = screen_cli(moscow, str(names), "--out", str(out))
    assert code == 0, said
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert copy.record_id not in out.read_text(encoding="utf-8")
    assert own.record_id in [r["id"] for r in rows]
    q1 = [r for r in rows if r["query"] == "q1"]
    assert [r["rank"] for r in q1] == ["1"] and q1[0]["id"].startswith("watch:")
    told = " ".join(said.split())
    assert "1 result withheld from the report" in told
    assert f"withheld {copy.record_id}@{copy.version} (line 2): " in told
    assert FORBIDS in told
    code, said = screen_cli(moscow, str(names), "--format", "json", "--out", str(out))
    assert code == 0, said
    assert copy.record_id not in out.read_text(encoding="utf-8")
    assert FORBIDS in " ".join(said.split())
    entries = moscow.node.audit.entries(moscow.team.auditor, limit=500, action="record.export")
    assert entries[-1].object == "screening report"
    assert entries[-1].detail["withheld"][0].startswith(f"{copy.record_id}@{copy.version}: ")


def test_the_web_screening_shows_the_copy_and_its_csv_withholds_it(
    shared: tuple[Federation, Record],
) -> None:
    federation, copy = shared
    moscow = federation["moscow"]
    own = moscow.node.records.create(moscow.team.analyst, person("Олег Свой"), AMBER_TERRORISM)
    with TestClient(moscow.app, base_url="https://testserver") as client:
        browser = sign_in(client, "analyst")
        started = upload(browser, f"name,birth_date\nАбу Фиктивный,{BORN}\nОлег Свой,\n".encode())
        job_url = started.headers["location"]  # type: ignore[attr-defined]
        wait_done(browser, job_url)
        page = browser.get(job_url)
        download = browser.get(f"{job_url}.csv")
    assert f'href="/records/{copy.record_id}"' in page.text  # on screen: a view
    assert download.status_code == 200
    assert copy.record_id not in download.text
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert [(r["row"], r["candidate_id"]) for r in rows[:-1]] == [("3", own.record_id)]
    note = rows[-1]
    assert (note["row"], note["status"]) == ("", "withheld")
    assert note["why"].startswith("1 row left out: its record may not leave this node (")
    assert FORBIDS in note["why"]
