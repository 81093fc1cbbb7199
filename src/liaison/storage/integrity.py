"""What the audit verification reads besides the chain: the append-only triggers the
database has, and every stored record version with its content hash recomputed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from types import SimpleNamespace

from sqlalchemy import Connection, select, text

from liaison.storage.records import to_record
from liaison.storage.tables import APPEND_ONLY, record_versions


def expected_triggers(dialect: str) -> set[str]:
    """The triggers the migrations put on the append-only tables: UPDATE and DELETE
    refused on both backends, TRUNCATE on PostgreSQL."""
    verbs = ("update", "delete", "truncate") if dialect == "postgresql" else ("update", "delete")
    return {f"{table}_no_{verb}" for table in APPEND_ONLY for verb in verbs}


def present_triggers(conn: Connection) -> set[str]:
    """The triggers the node's database (its schema, on PostgreSQL) has now."""
    if conn.dialect.name == "postgresql":
        query = text(
            "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE NOT t.tgisinternal AND n.nspname = current_schema()"
        )
    else:
        query = text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    return {str(name) for name in conn.execute(query).scalars()}


@dataclass(frozen=True, slots=True)
class StoredVersion:
    """A record version as stored: the hash column and the hash of its content."""

    record_id: str
    version: int
    stored_hash: str
    content_hash: str


def stored_versions(conn: Connection, batch: int = 5000) -> Iterator[StoredVersion]:
    """Every record version, its content hash recomputed from the stored entity,
    envelope and deletion flag (what ``Record.content_hash`` covers)."""
    rows = conn.execution_options(yield_per=batch).execute(
        select(record_versions).order_by(record_versions.c.id)
    )
    try:
        for row in rows:
            head = SimpleNamespace(created=row.at, created_by=row.actor)
            record = to_record(head, row)  # type: ignore[arg-type]  # a row's two fields
            yield StoredVersion(row.record_id, row.version, row.content_hash, record.content_hash)
    finally:
        rows.close()
