"""Back a node up into one archive, restore it elsewhere, and prove the restore.

The archive is a gzip-compressed tar of five members:

- ``manifest.json``: what was backed up and how to check it (``Manifest``);
- ``node.key``: the node's Ed25519 key (its identity: partners pin its public
  half, and it signs the audit chain);
- ``tls.crt`` and ``tls.key``: the certificate partners pin, and its key;
- ``database.sqlite`` (SQLite's online backup) or ``database.pgdump``
  (``pg_dump``'s custom format): the database as of one instant
  (``liaison.storage.backup``), taken while the node serves.

The manifest is counted from that same instant: the audit chain head, and a
count and SHA-256 of the record versions, the record heads and the received
copies; and it holds the SHA-256 of every other member. The node's settings
(``LIAISON_*``) are not in it: they are the deployment's, and a database URL
may hold a password.

A restore refuses a target that is not empty, reads and checks every member
against the manifest, restores into a staging directory beside the target
(and, for PostgreSQL, into the target database in one transaction), opens the
restored node, verifies its audit chain, recomputes every version's content
hash and compares the tallies with the manifest; only then does the staging
directory become the data directory. Whatever fails, nothing is left behind
(for PostgreSQL, the restored schema is dropped again).

The archive holds the node's private keys and every record: keep it as
secret as the data directory itself. Taking one is logged in the audit chain
(``node.backup``, by ``system``, naming the archive, the chain head it holds
and its SHA-256), after the snapshot.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, create_engine, select
from sqlalchemy.pool import NullPool

from liaison import __version__
from liaison.audit.chain import Action, Verification
from liaison.audit.log import Clock, utcnow
from liaison.errors import BackupFailed, InvalidInput, NotInitialised
from liaison.node.setup import SYSTEM, load_context
from liaison.settings import Settings
from liaison.storage import backup as store
from liaison.storage.db import make_engine
from liaison.storage.health import revision
from liaison.storage.tables import audit_head, node

FORMAT = "liaison-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
KEY_FILES = ("node.key", "tls.crt", "tls.key")
DATABASE = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}
CHUNK = 1 << 20


@dataclass(frozen=True)
class Facts:
    """What the database says about itself at one instant."""

    node_id: str
    name: str
    public_key: str
    revision: str | None
    audit_seq: int
    audit_hash: str
    tallies: dict[str, store.Tally]


@dataclass(frozen=True)
class Manifest:
    created: str
    backend: str
    facts: Facts
    files: dict[str, str]  # member name: SHA-256
    schema: str | None = None  # PostgreSQL: the schema the node's tables are in
    liaison_version: str = __version__

    def to_dict(self) -> dict[str, Any]:
        f = self.facts
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created": self.created,
            "liaison_version": self.liaison_version,
            "backend": self.backend,
            "schema": self.schema,
            "node": {"node_id": f.node_id, "name": f.name, "public_key": f.public_key},
            "revision": f.revision,
            "audit": {"seq": f.audit_seq, "hash": f.audit_hash},
            "tallies": {name: t.to_dict() for name, t in f.tallies.items()},
            "files": self.files,
        }

    @classmethod
    def from_dict(cls, data: Any, where: str) -> Manifest:
        """Parse a manifest; anything missing or of the wrong kind is a damaged archive."""
        try:
            if data.get("format") != FORMAT or data.get("format_version") != FORMAT_VERSION:
                raise ValueError(f"not a {FORMAT} manifest of version {FORMAT_VERSION}")
            if data["backend"] not in DATABASE:
                raise ValueError(f"unknown backend {data['backend']!r}")
            facts = Facts(
                node_id=str(data["node"]["node_id"]),
                name=str(data["node"]["name"]),
                public_key=str(data["node"]["public_key"]),
                revision=data["revision"],
                audit_seq=int(data["audit"]["seq"]),
                audit_hash=str(data["audit"]["hash"]),
                tallies={
                    name: store.Tally(int(t["count"]), str(t["sha256"]))
                    for name, t in data["tallies"].items()
                },
            )
            files = {str(k): str(v) for k, v in data["files"].items()}
            return cls(data["created"], data["backend"], facts, files, data.get("schema"))
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise InvalidInput("archive", where, f"its manifest is damaged: {exc}") from None


@dataclass
class Verified:
    """What a verification found; ``problems`` empty means the node matches its backup."""

    manifest: Manifest
    chain: Verification | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# --- reading the database --------------------------------------------------------------


def read_facts(conn: Connection) -> Facts:
    owner = conn.execute(select(node.c.node_id, node.c.name, node.c.public_key)).first()
    head = conn.execute(select(audit_head.c.seq, audit_head.c.hash)).first()
    if owner is None or head is None:
        raise NotInitialised("the database holds no initialised node (no node row or chain head)")
    return Facts(
        owner.node_id,
        owner.name,
        owner.public_key,
        revision(conn),
        int(head.seq),
        head.hash,
        store.tallies(conn),
    )


def compare(manifest: Manifest, now: Facts, chain: Verification, mismatched: int) -> list[str]:
    """Pure: every way the node as it is now differs from the manifest."""
    was = manifest.facts
    problems = []
    if now.node_id != was.node_id:
        problems.append(f"node id {now.node_id}, the backup's is {was.node_id}")
    if not chain.ok:
        problems.append(f"audit chain broken at entry {chain.first_broken}: {chain.reason}")
    if (now.audit_seq, now.audit_hash) != (was.audit_seq, was.audit_hash):
        problems.append(
            f"audit chain head at entry {now.audit_seq} ({now.audit_hash[:12]}), the backup's "
            f"at entry {was.audit_seq} ({was.audit_hash[:12]})"
        )
    for name, expected in was.tallies.items():
        found = now.tallies.get(name)
        if found != expected:
            shown = "none" if found is None else f"{found.count} ({found.sha256[:12]})"
            problems.append(
                f"{name}: {shown}, the backup's {expected.count} ({expected.sha256[:12]})"
            )
    if mismatched:
        problems.append(f"{mismatched} record version(s) do not match their content hash")
    return problems


# --- backup ----------------------------------------------------------------------------


def backup(settings: Settings, archive: Path, clock: Clock = utcnow) -> Manifest:
    """Write the node's archive to ``archive`` (a new file), while the node may serve."""
    _check_new_archive(archive)
    if not settings.key_path.is_file():
        raise NotInitialised(f"no node key at {settings.key_path}; nothing to back up")
    url = settings.resolved_database_url()
    kind = store.backend(url)
    with tempfile.TemporaryDirectory(dir=archive.parent, prefix=".liaison-backup-") as tmp:
        work = Path(tmp)
        dump = work / DATABASE[kind]
        facts, schema = _dump(url, kind, dump)
        for name in KEY_FILES:
            source = settings.data_dir / name
            if source.is_file():
                shutil.copyfile(source, work / name)
        members = [dump.name, *(n for n in KEY_FILES if (work / n).is_file())]
        files = {name: _sha256(work / name) for name in members}
        created = clock().isoformat()
        manifest = Manifest(created, kind, facts, files, schema)
        _write_archive(archive, work, manifest, members)
    try:
        _audit(settings, archive, manifest, clock)
    except BaseException:  # no data leaves without its entry: no entry, no archive
        archive.unlink(missing_ok=True)
        raise
    return manifest


def _audit(settings: Settings, archive: Path, manifest: Manifest, clock: Clock) -> None:
    """A backup takes every record out of the node: it is logged like an export, after
    the snapshot (the entry names the chain head the archive holds, and its SHA-256)."""
    ctx = load_context(settings, clock)
    try:
        with ctx.tx() as conn:
            ctx.record(
                conn,
                SYSTEM,
                Action.NODE_BACKUP,
                archive.name,
                audit_seq=manifest.facts.audit_seq,
                records=manifest.facts.tallies["records"].count,
                sha256=_sha256(archive),
            )
    finally:
        ctx.engine.dispose()


def _check_new_archive(archive: Path) -> None:
    if archive.exists():
        raise InvalidInput("file", str(archive), "exists already; a backup never overwrites one")
    if not archive.parent.is_dir():
        raise InvalidInput("file", str(archive), "its folder does not exist")


def _dump(url: str, kind: str, dump: Path) -> tuple[Facts, str | None]:
    if kind == "sqlite":
        store.sqlite_copy(url, dump)
        with _engine(plain_sqlite(dump)) as engine, engine.connect() as conn:
            return read_facts(conn), None
    with _engine(make_engine(url)) as engine, store.pg_snapshot(engine) as (conn, snap, schema):
        facts = read_facts(conn)
        store.pg_dump(url, dump, snap, schema)
        return facts, schema


def plain_sqlite(path: Path) -> Engine:
    """An engine on a copied SQLite file: no pool, none of the serving engine's settings."""
    return create_engine(f"sqlite:///{path}", poolclass=NullPool)


@contextmanager
def _engine(engine: Engine) -> Iterator[Engine]:
    try:
        yield engine
    finally:
        engine.dispose()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _write_archive(archive: Path, work: Path, manifest: Manifest, members: list[str]) -> None:
    """Write beside the target, then rename: a reader never sees half an archive."""
    partial = archive.with_name(f".{archive.name}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            body = orjson.dumps(manifest.to_dict(), option=orjson.OPT_INDENT_2)
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode = len(body), 0o600
            tar.addfile(info, io.BytesIO(body))
            for name in members:
                tar.add(work / name, arcname=name, recursive=False, filter=_private)
        os.replace(partial, archive)
    finally:
        partial.unlink(missing_ok=True)


def _private(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
    return info


# --- reading an archive ----------------------------------------------------------------


UNREADABLE = (tarfile.TarError, EOFError, zlib.error, OSError)


def read_manifest(archive: Path) -> Manifest:
    """The archive's manifest, checked for shape (the members are checked on restore)."""
    with _open(archive) as tar:
        return _manifest(tar, archive)


@contextmanager
def _open(archive: Path) -> Iterator[tarfile.TarFile]:
    if not archive.is_file():
        raise InvalidInput("archive", str(archive), "no such file")
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            yield tar
    except UNREADABLE as exc:
        raise InvalidInput("archive", str(archive), f"not a readable backup: {exc}") from None


def _manifest(tar: tarfile.TarFile, archive: Path) -> Manifest:
    try:
        member = tar.getmember(MANIFEST)
        handle = tar.extractfile(member)
        data = orjson.loads(handle.read()) if handle is not None else None
    except KeyError:
        raise InvalidInput("archive", str(archive), "it has no manifest.json") from None
    except orjson.JSONDecodeError as exc:
        raise InvalidInput("archive", str(archive), f"its manifest is not JSON: {exc}") from None
    return Manifest.from_dict(data, str(archive))


def _extract(tar: tarfile.TarFile, archive: Path, manifest: Manifest, into: Path) -> None:
    """Every member the manifest names, streamed to ``into`` and checked against its hash."""
    optional = [name for name in KEY_FILES[1:] if name in manifest.files]
    for name in [DATABASE[manifest.backend], KEY_FILES[0], *optional]:
        try:
            member = tar.getmember(name)
        except KeyError:
            raise InvalidInput("archive", str(archive), f"it has no {name}") from None
        source = tar.extractfile(member) if member.isfile() else None
        if source is None:
            raise InvalidInput("archive", str(archive), f"{name} is not a regular file")
        digest = hashlib.sha256()
        fd = os.open(into / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != manifest.files.get(name):
            raise InvalidInput(
                "archive", str(archive), f"{name} does not match its SHA-256 in the manifest"
            )


# --- restore and verify ----------------------------------------------------------------


def restore(archive: Path, target: Settings) -> Verified:
    """Restore the archive into ``target``'s data directory (and, for PostgreSQL, its
    database URL), verified against the manifest before it is put in place."""
    with _open(archive) as tar:
        manifest = _manifest(tar, archive)
        _check_target(manifest, target)
        data_dir = target.data_dir
        staging = Path(tempfile.mkdtemp(dir=data_dir.parent, prefix=f".{data_dir.name}.restore-"))
        undo_pg: tuple[str, str, bool] | None = None
        try:
            try:
                _extract(tar, archive, manifest, staging)
            except UNREADABLE as exc:
                raise InvalidInput("archive", str(archive), f"damaged: {exc}") from None
            dump = staging / DATABASE[manifest.backend]
            if manifest.backend == "sqlite":
                dump.rename(staging / "liaison.db")
                restored = target.model_copy(update={"data_dir": staging, "database_url": None})
            else:
                url = str(target.database_url)
                undo_pg = (url, str(manifest.schema), _pg_load(dump, url, manifest, archive))
                dump.unlink()
                restored = target.model_copy(update={"data_dir": staging})
            found = verify(restored, manifest)
            if not found.ok:
                raise BackupFailed("verify", "; ".join(found.problems))
            if data_dir.exists():
                data_dir.rmdir()  # empty, as checked
            os.replace(staging, data_dir)
            return found
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            if undo_pg is not None:
                _pg_undo(*undo_pg)
            raise


def _check_target(manifest: Manifest, target: Settings) -> None:
    data_dir = target.data_dir
    if data_dir.exists() and not data_dir.is_dir():
        raise InvalidInput("--data-dir", str(data_dir), "is a file, not a directory")
    held = sorted(p.name for p in data_dir.iterdir()) if data_dir.exists() else []
    if held:
        raise InvalidInput(
            "--data-dir",
            str(data_dir),
            f"is not empty (it holds {', '.join(held[:5])}); restore into a new or empty one",
        )
    if not data_dir.parent.is_dir():
        raise InvalidInput("--data-dir", str(data_dir), "its parent directory does not exist")
    url = target.database_url
    if manifest.backend == "sqlite" and url is not None:
        raise InvalidInput(
            "--database-url",
            store.redacted(url),
            "a SQLite backup restores into the data directory's liaison.db; give no URL",
        )
    if manifest.backend == "postgresql" and (url is None or store.backend(url) != "postgresql"):
        raise InvalidInput(
            "--database-url",
            store.redacted(url) if url else None,
            "a PostgreSQL backup needs the PostgreSQL database to restore into",
        )


def _pg_load(dump: Path, url: str, manifest: Manifest, archive: Path) -> bool:
    """Check the target database and load the dump; returns whether its schema existed."""
    schema = str(manifest.schema)
    with _engine(make_engine(url)) as engine:
        with engine.connect() as conn:
            existed, held = store.pg_schema_state(conn, schema)
        if held:
            raise InvalidInput(
                "--database-url",
                store.redacted(url),
                f"schema {schema} already holds {held} tables or other relations; "
                "restore into an empty database",
            )
        with engine.connect() as conn:
            seen = store.pg_schema_seen(conn, schema)
    if seen != schema:
        raise InvalidInput(
            "--database-url",
            store.redacted(url),
            f"the backup's tables are in schema {schema}, but this URL's search_path finds "
            f"{seen}; add ?options=-csearch_path%3D{schema} to the URL",
        )
    store.pg_restore(dump, url, schema, existed)
    return existed


def _pg_undo(url: str, schema: str, existed: bool) -> None:
    with _engine(make_engine(url)) as engine, engine.begin() as conn:
        store.pg_drop_restored(conn, schema, existed)


def verify(settings: Settings, manifest: Manifest) -> Verified:
    """Compare the node at ``settings`` with the manifest: same node, an intact chain
    whose head is the backup's, the same tallies, every content hash right. Meant
    for a node just restored (one that has served since has moved on)."""
    ctx = load_context(settings)
    try:
        with ctx.engine.connect() as conn, conn.execution_options(liaison_read=True).begin():
            chain = ctx.audit.verify(conn)
            facts = read_facts(conn)
            mismatched, _first = store.content_mismatches(conn)
    finally:
        ctx.engine.dispose()
    return Verified(manifest, chain, compare(manifest, facts, chain, mismatched))


def describe(manifest: Manifest) -> str:
    """One line for the operator: which node, when, how much."""
    f = manifest.facts
    records = f.tallies.get("records", store.Tally(0, ""))
    when = dt.datetime.fromisoformat(manifest.created).strftime("%Y-%m-%d %H:%M:%S %Z")
    return (
        f"node {f.name} ({f.node_id[:16]}…), {manifest.backend}, taken {when}: "
        f"{records.count} records, audit chain at entry {f.audit_seq}"
    )
