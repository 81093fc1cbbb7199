"""Backing the database up and loading it back: the backup's part of the backend seam.

SQLite: SQLite's online backup API (``sqlite3.Connection.backup``) copies the
database in one step under one read snapshot; in WAL mode the node's writers
go on meanwhile, and the copy is the database as it was at one instant.

PostgreSQL: ``pg_dump`` in its custom format, run on a snapshot that a
transaction of ours exported (``pg_export_snapshot``), so that the manifest
(``tally``, counted in that transaction) and the dump describe the same
instant. Only the node's schema is dumped (``current_schema()``, ``public``
unless the URL's ``search_path`` says otherwise). ``pg_restore`` loads it back
in one transaction (all or nothing) into a database where that schema holds
nothing yet. Both tools come with PostgreSQL's client package; when they are
missing, the error says so.

The tallies: a count and a SHA-256 over the rows of record versions, record
heads and received copies (id, version and content hash, in a fixed order),
compared after a restore; ``content_mismatches`` recomputes every version's
content hash from its stored entity and envelope.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import orjson
from sqlalchemy import Connection, Engine, make_url, select, text

from liaison.errors import BackupFailed
from liaison.model.ids import content_hash
from liaison.storage.db import normalise_url
from liaison.storage.tables import copies, record_versions, records

PG_TOOLS = "PostgreSQL's client tools (Debian: apt-get install postgresql-client)"


def backend(url: str) -> str:
    """``sqlite`` or ``postgresql``."""
    return make_url(normalise_url(url)).get_backend_name()


def sqlite_file(url: str) -> Path:
    return Path(str(make_url(normalise_url(url)).database or ""))


# --- tallies -------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    count: int
    sha256: str

    def to_dict(self) -> dict[str, Any]:
        return {"count": self.count, "sha256": self.sha256}


def tally(rows: Iterable[Iterable[object]]) -> Tally:
    """Pure: how many rows, and the SHA-256 of their fields, tab-separated, a line each."""
    digest, count = hashlib.sha256(), 0
    for row in rows:
        digest.update("\t".join(str(v) for v in row).encode() + b"\n")
        count += 1
    return Tally(count, digest.hexdigest())


def _rows(conn: Connection, query: Any) -> Iterator[Any]:
    result = conn.execution_options(yield_per=5000).execute(query)
    try:
        yield from result
    finally:
        result.close()


def tallies(conn: Connection) -> dict[str, Tally]:
    """The record versions, the record heads and the received copies, tallied."""
    rv, rh = record_versions.c, records.c
    return {
        "versions": tally(
            _rows(conn, select(rv.record_id, rv.version, rv.content_hash).order_by(rv.id))
        ),
        "records": tally(
            _rows(conn, select(rh.record_id, rh.version, rh.content_hash).order_by(rh.id))
        ),
        "copies": tally(
            _rows(
                conn,
                select(copies.c.record_id, copies.c.version, copies.c.level).order_by(
                    copies.c.record_id
                ),
            )
        ),
    }


def stored_hash(schema: str, entity: str, envelope: str, deleted: bool) -> str:
    """Pure: a stored version's content hash, recomputed from what is stored
    (``Record.content_hash`` over the same entity, envelope and deletion flag)."""
    stored = orjson.loads(entity)
    whole = {"id": stored["id"], "schema": schema, "properties": stored["properties"]}
    return content_hash({"deleted": deleted, "entity": whole, "envelope": orjson.loads(envelope)})


def content_mismatches(conn: Connection, limit: int = 20) -> tuple[int, list[str]]:
    """How many versions' content does not match their stored hash, and the first few."""
    rv = record_versions.c
    query = select(
        rv.record_id, rv.version, rv.schema, rv.entity, rv.envelope, rv.deleted, rv.content_hash
    )
    found: list[str] = []
    count = 0
    for row in _rows(conn, query.order_by(rv.id)):
        if stored_hash(row.schema, row.entity, row.envelope, bool(row.deleted)) != row.content_hash:
            count += 1
            if len(found) < limit:
                found.append(f"{row.record_id} v{row.version}")
    return count, found


# --- SQLite ------------------------------------------------------------------------------


def sqlite_copy(url: str, dest: Path) -> None:
    """Copy the live database with SQLite's online backup API (one step, one snapshot).
    The source is opened read-write without ``create``: a missing file is an error."""
    source = sqlite_file(url)
    if not source.is_file():
        raise BackupFailed("database", f"no SQLite database at {source}")
    with (
        closing(sqlite3.connect(f"file:{quote(str(source))}?mode=rw", uri=True)) as src,
        closing(sqlite3.connect(dest)) as dst,
    ):
        src.backup(dst)


# --- PostgreSQL --------------------------------------------------------------------------


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupFailed(
            name,
            f"{name} is not installed or not on PATH; a PostgreSQL node is backed up and "
            f"restored with {PG_TOOLS}, of the server's major version or newer",
        )
    return found


def libpq(url: str) -> tuple[str, dict[str, str]]:
    """The URL as libpq takes it (no driver name), and the environment with its password,
    which stays out of the command line (``ps`` shows command lines to every user)."""
    parsed = make_url(normalise_url(url))
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def redacted(url: str) -> str:
    return make_url(normalise_url(url)).render_as_string(hide_password=True)


def _run(step: str, argv: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - PostgreSQL's own tools, fixed arguments
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise BackupFailed(step, f"{Path(argv[0]).name} exited {done.returncode}: {last}")
    return done.stdout


@contextmanager
def pg_snapshot(engine: Engine) -> Iterator[tuple[Connection, str, str]]:
    """A repeatable-read transaction, its exported snapshot id and the node's schema."""
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            snapshot = str(conn.execute(text("SELECT pg_export_snapshot()")).scalar_one())
            schema = str(conn.execute(text("SELECT current_schema()")).scalar_one())
            yield conn, snapshot, schema


def pg_dump(url: str, dest: Path, snapshot: str, schema: str) -> None:
    """Dump the node's schema, as of the snapshot, in pg_dump's custom format."""
    target, env = libpq(url)
    argv = [tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}", f"--schema={schema}"]
    _run("pg_dump", [*argv, f"--file={dest}", f"--dbname={target}"], env)


def pg_schema_state(conn: Connection, schema: str) -> tuple[bool, int]:
    """Whether the schema exists in the target, and how many relations it holds."""
    exists = conn.execute(
        text("SELECT count(*) FROM pg_namespace WHERE nspname = :s"), {"s": schema}
    ).scalar_one()
    held = conn.execute(
        text(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = :s"
        ),
        {"s": schema},
    ).scalar_one()
    return bool(exists), int(held)


def pg_schema_seen(conn: Connection, schema: str) -> str | None:
    """The schema the target URL would find tables in, once ``schema`` exists (tried
    in a transaction that is rolled back: nothing is created)."""
    with conn.begin() as tx:
        conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{_ident(schema)}"'))
        seen = conn.execute(text("SELECT current_schema()")).scalar_one_or_none()
        tx.rollback()
    return None if seen is None else str(seen)


def pg_restore(dump: Path, url: str, schema: str, schema_exists: bool) -> None:
    """Load the dump in one transaction (all or nothing); an existing (empty) schema
    is kept rather than created again."""
    target, env = libpq(url)
    restore = tool("pg_restore")
    listing = _run("pg_restore", [restore, "--list", str(dump)], env)
    own = re.compile(rf" (SCHEMA - |COMMENT - SCHEMA ){re.escape(schema)} ")
    kept = [line for line in listing.splitlines() if not (schema_exists and own.search(line))]
    with tempfile.NamedTemporaryFile("w", suffix=".list", delete=False) as handle:
        handle.write("\n".join(kept) + "\n")
    try:
        argv = [restore, "--single-transaction", "--exit-on-error", "--no-owner"]
        argv += ["--no-privileges", f"--use-list={handle.name}", f"--dbname={target}", str(dump)]
        _run("pg_restore", argv, env)
    finally:
        os.unlink(handle.name)


def pg_drop_restored(conn: Connection, schema: str, existed: bool) -> None:
    """Undo a restore that failed its verification: the schema as it was (absent, or
    empty), in the caller's transaction."""
    name = _ident(schema)
    conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
    if existed:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))


def _ident(name: str) -> str:
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_$]{0,62}", name):
        raise BackupFailed("schema", f"unexpected schema name {name!r}")
    return name
