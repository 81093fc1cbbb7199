"""What every service of a node shares: engine, settings, key, audit log, clock.

**Auditing without serialising reads.** ``record`` logs an action in the
transaction it is given. An action that changed data (its transaction wrote
before ``record`` or writes by its end) keeps its entry in that transaction:
the change and its entry commit together or not at all. An action that only
read has nothing to be atomic with: its entry waits on the unit of work
(``tx`` or ``read``), and once the transaction has ended the entries go to
the audit writer's group commit (``liaison.audit.writer``), which appends the
entries of many concurrent requests in one transaction with one signed head
update. ``tx``/``read`` return only once the entries are committed, and
raise ``AuditUnavailable`` when they cannot be: no data leaves without its
entry. A transaction counts as having written when it ran any statement other
than a SELECT (an engine event watches them), so anything unusual is logged
in-transaction, as before. Inside a ``tx`` of the same thread (nested units),
entries are appended in the transaction, never deferred: the group commit
would wait for the lock the outer transaction holds.

**SQLite's write lock.** A write transaction on SQLite begins with ``BEGIN
IMMEDIATE`` (``liaison.storage.db``), retried every few milliseconds while
another connection holds the lock. Inside one process the node's threads
first queue on a lock of their own (``_sqlite_writer``) and then take
SQLite's, so that a hundred request threads wait in a queue instead of
polling the database file; other processes (the CLI) still meet at SQLite's
lock as before.

**Processes and threads.** ``liaison serve`` runs one process: the node's
state that must be shared (the audit chain's single head, SQLite's single
writer, the name analyser's 380 MiB once loaded) is cheapest to share
between threads, and the audit writer's group commit needs the concurrent
requests in one process to batch them. Requests run in the server's worker
threads (anyio's default of 40 for FastAPI's sync routes), beside the
courier and the match worker; the audit writer has no thread of its own.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy.exc import IntegrityError

from liaison.audit.chain import Action, Result
from liaison.audit.log import AuditLog, Clock, Event
from liaison.audit.writer import GroupWriter
from liaison.errors import Conflict, Forbidden, NotFound
from liaison.matching.profile import build
from liaison.model.identity import NodeKey
from liaison.model.roles import Actor
from liaison.policy.permissions import Decision, Permission, check_role
from liaison.settings import Settings
from liaison.storage.db import is_sqlite


@dataclass(frozen=True)
class Why:
    """The purpose and justification a user gives for an action; audit keeps both."""

    purpose: str | None = None
    justification: str | None = None


NO_REASON = Why()
_names_lock = threading.Lock()
_names_loaded = False


def load_names() -> None:
    """Load the name analyser in this process now, if it is not loaded yet.

    Its first use in a process takes about 10 s of CPU (rigour builds its name
    tagger), and writes index names inside their transaction: a write path
    calls this before it begins, so that SQLite's write lock is not held,
    and every other writer kept waiting, while the analyser loads."""
    global _names_loaded
    with _names_lock:
        if not _names_loaded:
            build("Person", {"name": ["Fictitious Person"]})
            _names_loaded = True


_UNIT = "liaison_unit"  # key of the open unit of work in ``Connection.info``


@dataclass
class _Unit:
    """A transaction's audit state: whether it wrote, and the entries of a read."""

    defer: bool
    wrote: bool = False
    deferred: list[Event] = field(default_factory=list)


def _note_write(
    conn: Connection, _cursor: Any, statement: str, *_args: Any, **_kwargs: Any
) -> None:
    """Engine event: mark the open unit as having written at its first statement
    that is not a SELECT (conservative: anything else counts as a write)."""
    unit = conn.info.get(_UNIT)
    if unit is not None and not unit.wrote and statement.lstrip()[:6].upper() != "SELECT":
        unit.wrote = True


class NodeContext:
    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        key: NodeKey,
        name: str,
        clock: Clock,
        checkpoint_every: int,
    ) -> None:
        self.settings = settings
        self.engine = engine
        self.key = key
        self.name = name
        self.clock = clock
        self.audit = AuditLog(key.node_id, key.public_key, key.sign, checkpoint_every, clock)
        self._sqlite_writer = threading.RLock() if is_sqlite(engine) else None
        self._local = threading.local()  # this thread's open write transactions
        self.audit_writer = GroupWriter(self._begin, self.audit)
        if not event.contains(engine, "before_cursor_execute", _note_write):
            event.listen(engine, "before_cursor_execute", _note_write)

    @property
    def node_id(self) -> str:
        return self.key.node_id

    def now(self) -> dt.datetime:
        return self.clock()

    @contextmanager
    def tx(self) -> Iterator[Connection]:
        """A write transaction. A unique-constraint race lost to a concurrent writer
        (two updates of one record at once) is a Conflict, not a server error.
        The entries of a transaction that only read are committed by the audit
        writer after it ends, before this returns (see the module)."""
        try:
            with self._begin() as conn, self._unit(conn, write=True) as unit:
                yield conn
                deferred = self._settle(conn, unit)
        except IntegrityError as exc:
            raise Conflict("a concurrent change got there first; reload and try again") from exc
        if deferred:
            self.audit_writer.write(deferred)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction; on SQLite it does not take the write lock."""
        with (
            self.engine.connect() as conn,
            conn.execution_options(liaison_read=True).begin(),
            self._unit(conn, write=False) as unit,
        ):
            yield conn
            deferred = self._settle(conn, unit)
        if deferred:
            self.audit_writer.write(deferred)

    @contextmanager
    def _begin(self) -> Iterator[Connection]:
        """``engine.begin()``; on SQLite, after this process's other writers."""
        lock: AbstractContextManager[Any] = self._sqlite_writer or nullcontext()
        with lock, self.engine.begin() as conn:
            yield conn

    @contextmanager
    def _unit(self, conn: Connection, write: bool) -> Iterator[_Unit]:
        depth = getattr(self._local, "depth", 0)
        unit = _Unit(defer=depth == 0)
        conn.info[_UNIT] = unit
        self._local.depth = depth + write
        try:
            yield unit
        finally:
            self._local.depth = depth
            conn.info.pop(_UNIT, None)

    def _settle(self, conn: Connection, unit: _Unit) -> list[Event]:
        """Before the commit: a unit that wrote after deferring an entry appends it
        now, atomic with its change; otherwise the deferred entries are returned."""
        deferred, unit.deferred = unit.deferred, []
        if deferred and unit.wrote:
            self.audit.append_many(conn, deferred)
            return []
        return deferred

    def record(
        self,
        conn: Connection,
        actor: Actor,
        action: Action,
        obj: str,
        why: Why = NO_REASON,
        result: Result = Result.OK,
        **detail: object,
    ) -> None:
        """Log an action: in ``conn``'s transaction when it wrote (or when it is not a
        unit of this node's), else after it ends, by group commit (see the module)."""
        done = Event(actor.label, action, obj, result, why.purpose, why.justification, detail)
        unit: _Unit | None = conn.info.get(_UNIT)
        if unit is not None and unit.defer and not unit.wrote:
            unit.deferred.append(done)
        else:
            self.audit.append(conn, done)

    @contextmanager
    def guard(self, actor: Actor, why: Why = NO_REASON) -> Iterator[None]:
        """Turn a refusal raised inside into an audit entry of its own, then Forbidden.

        Put it outside the transaction: the refused transaction rolls back first,
        and the refusal is logged in a transaction of its own.
        """
        try:
            yield
        except Denied as denied:
            with self.tx() as conn:
                self.record(
                    conn, actor, denied.action, denied.obj, why, Result.DENIED, reason=denied.reason
                )
            if denied.hidden:  # do not tell that a record above your clearance exists
                raise NotFound("record", denied.obj) from None
            raise Forbidden(denied.reason) from None

    def permit(self, actor: Actor, permission: Permission, action: Action, obj: str) -> None:
        deny_unless(check_role(actor, permission), action, obj)


class Denied(Exception):
    def __init__(self, action: Action, obj: str, reason: str, hidden: bool = False) -> None:
        super().__init__(reason)
        self.action, self.obj, self.reason, self.hidden = action, obj, reason, hidden


def deny_unless(decision: Decision, action: Action, obj: str, hidden: bool = False) -> None:
    if not decision.allowed:
        raise Denied(action, obj, "; ".join(decision.reasons), hidden)
