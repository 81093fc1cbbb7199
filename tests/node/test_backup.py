"""Backup, restore and verification (``liaison.node.backup``) on both backends.

A backup is taken from a real server (uvicorn on loopback) while a client keeps
creating records over HTTP; it is restored into a new data directory (and, on
PostgreSQL, a new database), verified against its manifest, and opened as a node.
Bad input — a missing or damaged archive, a target that is not empty, a tool that
is not installed, a manifest the restored node does not match — is refused with
what and why, and leaves nothing behind."""

from __future__ import annotations

import gzip
import hashlib
import io
import tarfile
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import orjson
import pytest
import sqlalchemy as sa

from liaison.api.app import create_app
from liaison.errors import BackupFailed, InvalidInput
from liaison.federation.tls import ensure_certificate
from liaison.node import Node
from liaison.node import backup as backups
from liaison.settings import Settings
from liaison.storage import backup as store
from liaison.storage.tables import record_versions
from tests.conftest import PG_URL, Team, auth, person
from tests.servers import serving


@pytest.fixture
def target(settings: Settings, tmp_path: Path) -> Iterator[Settings]:
    """Where to restore: a new data directory, and on PostgreSQL a new database whose
    search_path leads to the schema the node under test lives in."""
    url = settings.resolved_database_url()
    restored = settings.model_copy(update={"data_dir": tmp_path / "restored", "database_url": None})
    if url.startswith("sqlite"):
        yield restored
        return
    schema = url.split("search_path%3D")[1]
    name = f"restore_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    base = PG_URL.rsplit("/", 1)[0]
    yield restored.model_copy(
        update={"database_url": f"{base}/{name}?options=-csearch_path%3D{schema}"}
    )
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE {name} WITH (FORCE)"))
    admin.dispose()


def leftovers(target: Settings) -> list[str]:
    """Anything a failed restore could have left: staging directories, the target."""
    parent = target.data_dir.parent
    found = [p.name for p in parent.iterdir() if ".restore-" in p.name]
    if target.data_dir.exists() and any(target.data_dir.iterdir()):
        found.append(target.data_dir.name)
    if target.database_url:
        engine = sa.create_engine(target.database_url)
        with engine.connect() as conn:
            schema = target.database_url.split("search_path%3D")[1]
            tables = conn.execute(
                sa.text("SELECT count(*) FROM pg_tables WHERE schemaname = :s"), {"s": schema}
            ).scalar_one()
        engine.dispose()
        if tables:
            found.append(f"{tables} tables in {schema}")
    return found


def count_records(node: Node) -> int:
    with node.ctx.engine.connect() as conn:
        return int(conn.execute(sa.text("SELECT count(*) FROM records")).scalar_one())


def test_a_backup_taken_while_serving_restores_and_verifies(
    settings: Settings, node: Node, team: Team, target: Settings, tmp_path: Path
) -> None:
    node.records.create(team.analyst, person("Juan dela Cruz"), {})  # the analyser is loaded
    ensure_certificate(settings.tls_cert_path, settings.tls_key_path, "manila")  # as init does
    headers = auth(node, team.analyst)
    stop, written = threading.Event(), []
    archive = tmp_path / "manila.tar.gz"

    def write(base: str) -> None:
        with httpx.Client(base_url=base, timeout=60) as http:
            while not stop.is_set():
                body = {"entity": person(f"Fictitious Person {len(written)}"), "envelope": {}}
                answer = http.post("/api/v1/records", json=body, headers=headers)
                assert answer.status_code == 201, answer.text
                written.append(answer.json()["record_id"])

    with serving(create_app(settings, node)) as base:
        writer = threading.Thread(target=write, args=(base,))
        writer.start()
        try:
            while len(written) < 5:  # a bounded stream of writes before, during and after
                stop.wait(0.05)
            manifest = backups.backup(settings, archive)
            during = len(written)
            while len(written) < during + 5:
                stop.wait(0.05)
        finally:
            stop.set()
            writer.join(60)
    records = manifest.facts.tallies["records"].count
    assert 1 + 5 <= records <= 1 + during + 1  # one instant while the writes went on
    assert count_records(node) == 1 + len(written) > records
    found = backups.restore(archive, target)
    assert found.ok and found.chain is not None and found.chain.ok
    assert (target.data_dir / "node.key").read_bytes() == settings.key_path.read_bytes()
    assert (target.data_dir / "tls.crt").read_bytes() == settings.tls_cert_path.read_bytes()
    assert (target.data_dir / "node.key").stat().st_mode & 0o777 == 0o600
    assert backups.verify(target, backups.read_manifest(archive)).ok
    with Node.open(target) as restored:
        assert restored.info == node.info
        assert count_records(restored) == records
        assert restored.audit.verify(team.admin).ok
    assert not [p for p in tmp_path.iterdir() if ".restore-" in p.name]  # no staging left


def test_a_backup_is_audited_and_verify_names_what_moved_on_since(
    settings: Settings, node: Node, team: Team, tmp_path: Path
) -> None:
    node.records.create(team.analyst, person("Maria Clara Bautista"), {})
    archive = tmp_path / "b.tar.gz"
    manifest = backups.backup(settings, archive)
    with node.ctx.engine.connect() as conn:
        entry = list(node.ctx.audit.entries(conn, after=manifest.facts.audit_seq))[-1]
    assert (entry.action, entry.object, entry.seq) == (
        "node.backup",
        "b.tar.gz",
        manifest.facts.audit_seq + 1,
    )
    assert entry.detail["audit_seq"] == manifest.facts.audit_seq
    assert entry.detail["sha256"] == hashlib.sha256(archive.read_bytes()).hexdigest()
    assert (
        backups.verify(settings, manifest).problems
        == [  # only the backup's own entry
            f"audit chain head at entry {entry.seq} ({entry.hash[:12]}), the backup's at entry "
            f"{manifest.facts.audit_seq} ({manifest.facts.audit_hash[:12]})"
        ]
    )
    node.records.create(team.analyst, person("Иван Петров"), {})
    later = backups.verify(settings, manifest)
    assert any(p.startswith("records: 2") for p in later.problems), later.problems


def test_every_stored_version_hash_is_recomputed_from_its_content(node: Node, team: Team) -> None:
    record = node.records.create(team.analyst, person("Juan dela Cruz"), {"crime_area": "piracy"})
    node.records.update(team.analyst, record.record_id, person("Juan Dela Cruz"), {}, 1)
    node.records.delete(team.analyst, record.record_id, "entered twice")
    with node.ctx.engine.connect() as conn:
        assert store.content_mismatches(conn) == (0, [])  # creation, update, tombstone
        row = conn.execute(sa.select(record_versions).limit(1)).one()
    assert store.stored_hash(row.schema, row.entity, row.envelope, row.deleted) == row.content_hash
    changed = row.entity.replace("Juan", "Juana")
    assert store.stored_hash(row.schema, changed, row.envelope, row.deleted) != row.content_hash


def test_restore_refuses_a_missing_file_a_damaged_archive_and_a_full_target(
    settings: Settings, node: Node, target: Settings, tmp_path: Path
) -> None:
    archive = tmp_path / "b.tar.gz"
    backups.backup(settings, archive)
    with pytest.raises(InvalidInput, match="no such file"):
        backups.restore(tmp_path / "none.tar.gz", target)
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(InvalidInput, match="archive") as damaged:
        backups.restore(cut, target)
    assert damaged.value.field == "archive"
    assert leftovers(target) == []
    target.data_dir.mkdir()
    (target.data_dir / "notes.txt").write_text("someone's file")
    with pytest.raises(InvalidInput, match=r"not empty .*notes\.txt") as full:
        backups.restore(archive, target)
    assert full.value.field == "--data-dir"
    assert (target.data_dir / "notes.txt").read_text() == "someone's file"


def rewritten(archive: Path, out: Path, change: Any) -> Path:
    """The archive with its members passed through ``change(name, bytes) -> bytes``."""
    with tarfile.open(archive, "r:gz") as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}  # type: ignore[union-attr]
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in members.items():
            data = change(name, data)
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    out.write_bytes(gzip.compress(buffer.getvalue()))
    return out


def test_restore_refuses_a_member_that_does_not_match_its_hash(
    settings: Settings, node: Node, target: Settings, tmp_path: Path
) -> None:
    archive = tmp_path / "b.tar.gz"
    backups.backup(settings, archive)

    def flip(name: str, data: bytes) -> bytes:
        return data[:-1] + bytes([data[-1] ^ 1]) if name == "node.key" else data

    with pytest.raises(InvalidInput, match=r"node\.key does not match its SHA-256"):
        backups.restore(rewritten(archive, tmp_path / "bad.tar.gz", flip), target)
    assert leftovers(target) == []


def test_a_restore_that_does_not_match_its_manifest_is_undone(
    settings: Settings, node: Node, team: Team, target: Settings, tmp_path: Path
) -> None:
    node.records.create(team.analyst, person("Juan dela Cruz"), {})
    archive = tmp_path / "b.tar.gz"
    backups.backup(settings, archive)

    def miscount(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = orjson.loads(data)
        manifest["tallies"]["records"]["count"] += 1
        return orjson.dumps(manifest)

    with pytest.raises(BackupFailed, match=r"records: 1 .*the backup's 2") as failed:
        backups.restore(rewritten(archive, tmp_path / "bad.tar.gz", miscount), target)
    assert failed.value.step == "verify"
    assert leftovers(target) == []


def test_backup_refuses_to_overwrite_and_names_a_missing_pg_dump(
    settings: Settings, node: Node, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "b.tar.gz"
    archive.write_text("an older backup")
    with pytest.raises(InvalidInput, match="exists already"):
        backups.backup(settings, archive)
    assert archive.read_text() == "an older backup"
    if settings.resolved_database_url().startswith("sqlite"):
        return
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no pg_dump on it
    fresh = tmp_path / "fresh.tar.gz"
    with pytest.raises(BackupFailed, match="pg_dump is not installed") as missing:
        backups.backup(settings, fresh)
    assert missing.value.step == "pg_dump"
    assert not fresh.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
