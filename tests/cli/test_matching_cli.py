"""`liaison screen`, `liaison alerts ...` and `liaison watchlist ...` end to end."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import orjson

from tests.cli.test_agreements_cli import said
from tests.cli.test_cli import liaison

RECORDS = [
    {"id": "p1", "schema": "Person", "properties": {
        "name": ["Maria Cristina De La Cruz"], "birthDate": ["1980-03-04"], "nationality": ["ph"]}},
    {"id": "p2", "schema": "Person", "properties": {
        "name": ["Александр Сергеевич Иванов"], "birthDate": ["1971-09-12"]}},
]  # fmt: skip


def setup_node(env: dict[str, str], tmp_path: Path) -> None:
    assert liaison(env, "admin", "init", "--name", "manila")[0] == 0
    assert liaison(env, "admin", "user", "add", "ana", "--role", "analyst")[0] == 0
    data = tmp_path / "records.jsonl"
    data.write_bytes(b"\n".join(orjson.dumps(r) for r in RECORDS) + b"\n")
    code, out = liaison(env, "ana", "import", str(data))
    assert code == 0, out


def test_screen_a_csv_list_with_a_report(env: dict[str, str], tmp_path: Path) -> None:
    setup_node(env, tmp_path)
    names = tmp_path / "names.csv"
    names.write_text(
        "id,name,birthDate,nationality\n"
        "a,Ma. Cristina dela Cruz,1980-04-03,ph\n"
        "b,Sasha Ivanov,1971-09-12,\n"
        "c,Nobody Atall,,\n"
        "d,Juan Tamad,1980-31-31,\n",
        encoding="utf-8",
    )
    report = tmp_path / "report.csv"
    code, out = liaison(env, "ana", "screen", str(names), "--out", str(report))
    assert code == 1, out  # one row was rejected; the others were screened
    assert "4 rows: 2 with a match, 1 rejected" in said(out)
    rows = list(csv.DictReader(io.StringIO(report.read_text(encoding="utf-8"))))
    first = {r["query"]: r for r in rows if r["rank"] in ("1", "")}
    assert first["a"]["status"] == "match" and "birth_date=swapped" in first["a"]["why"]
    assert first["b"]["status"] == "match"
    assert first["c"]["status"] in ("no result", "candidate")
    assert first["d"]["status"] == "rejected" and "birthDate" in first["d"]["why"]
    code, out = liaison(env, "ana", "screen", str(names), "--format", "json")
    assert orjson.loads(out[out.index("[") :].split("\n4 rows")[0])[0]["query"] == "a"


def test_screen_report_cells_are_never_formulas(env: dict[str, str], tmp_path: Path) -> None:
    setup_node(env, tmp_path)
    names = tmp_path / "names.csv"
    names.write_text(
        "id,name,birthDate\n"
        '"=HYPERLINK(""http://x.invalid"",""y"")",Maria Cristina De La Cruz,1980-03-04\n'
        "+cmd,@SUM(A1),\n"
        "-2+3,Nobody Atall,1980-31-31\n",
        encoding="utf-8",
    )
    report = tmp_path / "report.csv"
    liaison(env, "ana", "screen", str(names), "--out", str(report), "--format", "csv")
    rows = list(csv.reader(io.StringIO(report.read_text(encoding="utf-8"))))
    cells = [value for row in rows for value in row]
    assert {'\'=HYPERLINK("http://x.invalid","y")', "'+cmd", "'-2+3"} <= set(cells)
    assert not [value for value in cells if value[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_alerts_and_watchlists(env: dict[str, str], tmp_path: Path) -> None:
    setup_node(env, tmp_path)
    assert liaison(env, "ana", "watchlist", "create", "ph-watch")[0] == 0
    entries = tmp_path / "watch.jsonl"
    entries.write_bytes(
        orjson.dumps({"id": "w1", "schema": "Person", "properties": {
            "name": ["Alexander Ivanov"], "birthDate": ["1971-09-12"]}}) + b"\n"
    )  # fmt: skip
    code, out = liaison(env, "ana", "watchlist", "add", "ph-watch", str(entries))
    assert code == 0 and "1 entry added" in said(out), out
    code, out = liaison(env, "ana", "watchlist", "list", "--json")
    assert orjson.loads(out)[0]["entries"] == 1
    code, out = liaison(env, "ana", "alerts", "run")
    assert code == 0 and "2 record(s) cross-matched" in said(out), out
    code, out = liaison(env, "ana", "alerts", "list", "--json")
    (alert,) = orjson.loads(out)
    assert alert["watchlist"] == "ph-watch"
    code, out = liaison(env, "ana", "alerts", "decide", str(alert["id"]), "reject", "--note", "x")
    assert code == 0 and "rejected" in said(out)
    code, out = liaison(env, "ana", "alerts", "decide", str(alert["id"]), "maybe")
    assert code == 2 and "decision" in said(out)
