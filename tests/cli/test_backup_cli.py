"""`liaison backup`, `liaison restore` and `liaison verify` end to end on a real data
directory (SQLite, and PostgreSQL into a database of its own), and their errors:
each names what and why, exits 2 for bad input, and never prints a traceback."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from liaison.cli.main import app
from tests.conftest import PG_URL


def liaison(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={**env, "LIAISON_USER": "admin"})
    return result.exit_code, result.output


@pytest.fixture
def restore_url(env: dict[str, str]) -> Iterator[list[str]]:
    """The `--database-url` option a restore needs on PostgreSQL (a new database whose
    search_path leads to the backed-up schema); none on SQLite."""
    url = env["LIAISON_DATABASE_URL"]
    if url.startswith("sqlite"):
        yield []
        return
    name = f"restore_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    schema = url.split("search_path%3D")[1]
    base = PG_URL.rsplit("/", 1)[0]
    yield ["--database-url", f"{base}/{name}?options=-csearch_path%3D{schema}"]
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE {name} WITH (FORCE)"))
    admin.dispose()


def test_backup_restore_verify(env: dict[str, str], tmp_path: Path, restore_url: list[str]) -> None:
    assert liaison(env, "init", "--name", "manila")[0] == 0
    archive = tmp_path / "manila.tar.gz"
    code, out = liaison(env, "backup", str(archive))
    assert code == 0, out
    assert "backed up" in out and "manila" in out and "private keys" in out
    restored = tmp_path / "restored"
    code, out = liaison(env, "restore", str(archive), "--data-dir", str(restored), *restore_url)
    assert code == 0, out
    assert "verified" in out and "audit chain intact" in out
    assert {p.name for p in restored.iterdir()} >= {"node.key", "tls.crt", "tls.key"}
    there = {**env, "LIAISON_DATA_DIR": str(restored)}
    if restore_url:
        there["LIAISON_DATABASE_URL"] = restore_url[1]
    else:
        del there["LIAISON_DATABASE_URL"]
    code, out = liaison(there, "verify", str(archive))
    assert code == 0, out
    code, out = liaison(env, "audit", "verify")  # the source moved on: an audited verification
    assert code == 0, out
    code, out = liaison(env, "verify", str(archive))
    assert code == 1 and "mismatch" in out and "audit chain head" in out


def test_errors_name_what_and_why(env: dict[str, str], tmp_path: Path) -> None:
    code, out = liaison(env, "backup", str(tmp_path / "b.tar.gz"))
    assert code == 1 and "no node key" in out  # not initialised yet
    assert liaison(env, "init", "--name", "manila")[0] == 0
    archive = tmp_path / "b.tar.gz"
    assert liaison(env, "backup", str(archive))[0] == 0
    code, out = liaison(env, "backup", str(archive))
    assert code == 2 and "exists already" in out
    code, out = liaison(env, "restore", str(tmp_path / "none.tar.gz"), "--data-dir", "x")
    assert code == 2 and "no such file" in out
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive at all")
    code, out = liaison(env, "restore", str(junk), "--data-dir", str(tmp_path / "r"))
    assert code == 2 and "not a readable backup" in out
    code, out = liaison(env, "restore", str(archive), "--data-dir", env["LIAISON_DATA_DIR"])
    assert code == 2 and "not empty" in out and "node.key" in out and "Traceback" not in out
