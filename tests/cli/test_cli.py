"""The CLI end to end on a real data directory (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import orjson
import sqlalchemy as sa
from openpyxl import load_workbook
from typer.testing import CliRunner

from liaison.cli.main import app
from liaison.settings import Settings


def liaison(env: dict[str, str], user: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={**env, "LIAISON_USER": user})
    return result.exit_code, result.output


def test_init_users_records_import_export_audit(env: dict[str, str], tmp_path: Path) -> None:
    assert liaison(env, "admin", "init", "--name", "manila")[0] == 0
    code, out = liaison(env, "admin", "init", "--name", "manila")
    assert code == 1 and "already" in out
    assert (
        liaison(env, "admin", "user", "add", "ana", "--role", "analyst", "--clearance", "SECRET")[0]
        == 0
    )
    assert liaison(env, "admin", "user", "add", "aud", "--role", "auditor")[0] == 0

    body = '{"entity": {"schema": "Person", "properties": {"name": ["Liza Soberano Fict"]}}}'
    code, out = liaison(env, "ana", "record", "create", body)
    assert code == 0, out
    record_id = orjson.loads(out)["record_id"]
    code, out = liaison(
        env,
        "ana",
        "record",
        "create",
        '{"entity": {"schema": "Person", "properties": {"name": ["X"], '
        '"birthDate": ["1990-13-01"]}}}',
    )
    assert code == 2
    assert "properties.birthDate" in out and "1990-13-01" in out and "Traceback" not in out

    data = tmp_path / "people.jsonl"
    data.write_text(
        '{"id": "a", "schema": "Person", "properties": {"name": ["Амир Хасанов"]}}\n'
        '{"id": "b", "schema": "Person", "properties": {"name": ["Broken"\n'
    )
    code, out = liaison(env, "ana", "import", str(data))
    assert code == 2 and "line 2" in out and "1 created" in out

    out_file = tmp_path / "export.jsonl"
    assert liaison(env, "ana", "export", "--out", str(out_file))[0] == 0
    assert len(out_file.read_text().splitlines()) == 2
    assert liaison(env, "ana", "record", "delete", record_id, "--reason", "test")[0] == 0
    code, out = liaison(env, "ana", "record", "history", record_id)
    assert code == 0 and "yes" in out

    assert liaison(env, "ana", "audit", "log")[0] == 1  # analysts may not read the log
    code, out = liaison(env, "aud", "audit", "verify")
    assert code == 0 and "intact" in out


def test_audit_verify_exits_non_zero_on_tampering(env: dict[str, str], settings: Settings) -> None:
    liaison(env, "admin", "init")
    liaison(env, "admin", "user", "add", "aud", "--role", "auditor")
    engine = sa.create_engine(settings.resolved_database_url())
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("DROP TRIGGER audit_log_no_update ON audit_log"))
        else:
            conn.execute(sa.text("DROP TRIGGER audit_log_no_update"))
        conn.execute(sa.text("UPDATE audit_log SET actor = 'cli:mallory' WHERE seq = 2"))
    engine.dispose()
    code, out = liaison(env, "aud", "audit", "verify")
    assert code == 1
    assert "broken at entry 2" in out


def test_init_with_a_weak_password_creates_nothing(env: dict[str, str], settings: Settings) -> None:
    code, out = liaison({**env, "LIAISON_ADMIN_PASSWORD": "short"}, "admin", "init")
    assert code == 2 and "password" in out
    assert not settings.key_path.exists()
    assert liaison(env, "admin", "init")[0] == 0


def test_spreadsheet_import_options_and_export(env: dict[str, str], tmp_path: Path) -> None:
    assert liaison(env, "admin", "init", "--name", "manila-fict")[0] == 0
    assert liaison(env, "admin", "user", "add", "ana", "--role", "analyst")[0] == 0
    data = tmp_path / "people.csv"
    data.write_text(
        "ref;name;dob;phone\n"
        "1;Maria Santos Fict;03/04/1980;0917 123 4567\n"
        "\n"
        "2;Jose Reyes Fict;03/04/80;\n",
        encoding="utf-8",
    )
    mapping = (
        '{"schema": "Person", "id_column": "ref", '
        '"properties": {"name": "name", "birthDate": "dob", "phone": "phone"}}'
    )
    args = ("import", str(data), "--format", "csv", "--mapping", mapping)
    code, out = liaison(env, "ana", *args, "--date-order", "dmy", "--phone-country", "PH")
    assert code == 2, out  # one line refused, named with its field and value
    assert "1 created" in out and "line 4: properties.birthDate" in out and "03/04/80" in out
    assert "Traceback" not in out
    code, out = liaison(env, "ana", *args, "--date-order", "dym")
    assert code == 2 and "date_order" in out and "Traceback" not in out

    book_path = tmp_path / "out.xlsx"
    code, out = liaison(
        env,
        "ana",
        "export",
        "--format",
        "xlsx",
        "--originator",
        "Manila-Fict",
        "--out",
        str(book_path),
    )
    assert code == 0, out
    rows = list(load_workbook(book_path, read_only=True).worksheets[0].iter_rows(values_only=True))
    header = list(rows[0])
    assert len(rows) == 2
    assert rows[1][header.index("phone")] == "+639171234567"
    assert rows[1][header.index("birthDate")] == "1980-04-03"
    assert rows[1][header.index("originator_name")] == "manila-fict"
    code, out = liaison(env, "ana", "export", "--format", "xlsx")
    assert code == 2 and "--out" in out
