"""The one backend seam: engines for SQLite and PostgreSQL.

SQLite runs in WAL mode and takes the write lock at BEGIN (``BEGIN
IMMEDIATE``), so that the audit chain's read-then-append never races.
PostgreSQL serialises appends with a row lock on the chain head instead.
Anything else that differs between the two lives here.

Waiting for SQLite's write lock: the node's own courier, match worker and
API share one database file, often across processes (``liaison serve``, the
CLI, the demo). SQLite's busy handler retries a locked ``BEGIN IMMEDIATE``
only every 100 ms once it has waited a while, so a writer that commits and
begins again at once (a worker draining a queue, a receiver applying a
backlog) can hold the lock past any busy timeout while the others keep
missing the moment it is free. So ``BEGIN IMMEDIATE`` is retried here, every
few milliseconds, for up to ``LOCK_WAIT_SECONDS`` (and ``LOCK_ATTEMPTS``
tries): the failed BEGIN started nothing, so retrying it is retrying the
whole unit of work. Only once the lock is ours does the transaction's work
run; with the write lock held from BEGIN, no later statement waits for it.
"""

from __future__ import annotations

import logging
import random
import sqlite3
import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.sql.expression import Insert

log = logging.getLogger(__name__)
T = TypeVar("T")
BUSY_TIMEOUT_MS = 30_000  # SQLite's own wait, for statements other than BEGIN IMMEDIATE
ATTEMPT_MS = 5  # SQLite's own wait within one try of BEGIN IMMEDIATE (tries at 0, 1, 3 ms)
LOCK_WAIT_SECONDS = 300.0  # a write waits this long for the lock at most, then fails
LOCK_ATTEMPTS = 200_000  # and tries at most this often (about 2 ms apart)
LOG_WAIT_SECONDS = 1.0  # a wait longer than this is logged


def normalise_url(url: str) -> str:
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    # as many connections as the server has request threads (AnyIO's default 40) plus the
    # courier and the match worker, so that no request waits for a connection at full load;
    # opened on demand: an idle node holds at most pool_size of them
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=40)


def _sqlite_engine(url: str) -> Engine:
    timeout = BUSY_TIMEOUT_MS / 1000
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": timeout})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA cache_size=-131072")  # 128 MiB: random-key index inserts
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get("liaison_read", False):
            conn.exec_driver_sql("BEGIN")
        else:
            _begin_immediate(conn.connection.dbapi_connection)

    return engine


def _begin_immediate(dbapi_connection: Any) -> None:
    """Take SQLite's write lock, waiting for it in short tries (see the module)."""
    dbapi_connection.execute(f"PRAGMA busy_timeout={ATTEMPT_MS}")
    try:
        retry_locked(lambda: dbapi_connection.execute("BEGIN IMMEDIATE"), "BEGIN IMMEDIATE")
    finally:
        dbapi_connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def retry_locked(
    attempt: Callable[[], T], what: str, sleep: Callable[[float], None] = time.sleep
) -> T:
    """Run ``attempt`` until it does not fail on SQLite's lock, bounded by
    ``LOCK_WAIT_SECONDS`` and ``LOCK_ATTEMPTS``. ``attempt`` must be safe to
    repeat: whatever it did before the lock error was rolled back (or never
    began). A long wait is logged; the last lock error, once the bounds are
    spent, is raised as SQLAlchemy's ``OperationalError``."""
    started = time.monotonic()
    for tries in range(1, LOCK_ATTEMPTS + 1):
        try:
            result = attempt()
        except sqlite3.OperationalError as exc:
            waited = time.monotonic() - started
            if not _locked(exc):
                raise OperationalError(what, None, exc) from exc
            if waited >= LOCK_WAIT_SECONDS or tries == LOCK_ATTEMPTS:
                log.warning("gave up on %s after %.1f s and %d tries: %s", what, waited, tries, exc)
                raise OperationalError(what, None, exc) from exc
            sleep(random.uniform(0.0005, 0.002))
            continue
        waited = time.monotonic() - started
        if waited >= LOG_WAIT_SECONDS:
            log.info("%s waited %.1f s for the SQLite write lock (%d tries)", what, waited, tries)
        return result
    raise AssertionError("unreachable")  # pragma: no cover


def _locked(exc: sqlite3.OperationalError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF == sqlite3.SQLITE_BUSY
    return "database is locked" in str(exc)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def dialect_insert(engine: Engine, table: Any) -> Insert:
    """An INSERT that supports ON CONFLICT on both backends."""
    if is_sqlite(engine):
        return sqlite_insert(table)
    return pg_insert(table)
