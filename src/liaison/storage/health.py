"""What the readiness probe reads: a fresh connection, the schema's revision, the chain head.

The probe opens a new connection each time (no pool), so that it answers for
the database as it is now, not for a connection a pool opened earlier: a
pooled SQLite connection keeps reading a file that has since been moved away,
and a pooled PostgreSQL connection hides a server that no longer accepts new
ones. On SQLite the file is opened read-write without ``create``: a missing
database is reported, never replaced by an empty one. On PostgreSQL a server
that does not answer fails the probe after ``CONNECT_TIMEOUT`` seconds.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from urllib.parse import quote

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, make_url, select
from sqlalchemy.pool import NullPool

from liaison.storage.db import normalise_url
from liaison.storage.migrate import alembic_config
from liaison.storage.tables import audit_head, node

CONNECT_TIMEOUT = 5


def probe_engine(url: str) -> Engine:
    """An engine that opens a new connection for every use and never creates a database."""
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() == "sqlite":
        path = quote(str(parsed.database or ""))
        return create_engine(f"sqlite:///file:{path}?mode=rw&uri=true", poolclass=NullPool)
    return create_engine(
        parsed, poolclass=NullPool, connect_args={"connect_timeout": CONNECT_TIMEOUT}
    )


@functools.cache
def expected_revision() -> str | None:
    """The newest migration this code has (Alembic's head)."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def revision(conn: Connection) -> str | None:
    """The migration the database is at (None: never migrated)."""
    return MigrationContext.configure(conn).get_current_revision()


@dataclass(frozen=True)
class ChainHead:
    """The signed head of the audit chain and the node it belongs to."""

    seq: int
    hash: str
    signature: str
    node_id: str
    public_key: str


def chain_head(conn: Connection) -> ChainHead | None:
    """The chain head with the node's id and key (None when either row is missing)."""
    head = conn.execute(select(audit_head).where(audit_head.c.id == 1)).first()
    owner = conn.execute(select(node.c.node_id, node.c.public_key)).first()
    if head is None or owner is None:
        return None
    return ChainHead(head.seq, head.hash, head.signature, owner.node_id, owner.public_key)
