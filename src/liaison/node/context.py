"""What every service of a node shares: engine, settings, key, audit log, clock."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError

from liaison.audit.chain import Action, Result
from liaison.audit.log import AuditLog, Clock, Event
from liaison.errors import Conflict, Forbidden, NotFound
from liaison.matching.profile import build
from liaison.model.identity import NodeKey
from liaison.model.roles import Actor
from liaison.policy.permissions import Decision, Permission, check_role
from liaison.settings import Settings


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

    @property
    def node_id(self) -> str:
        return self.key.node_id

    def now(self) -> dt.datetime:
        return self.clock()

    @contextmanager
    def tx(self) -> Iterator[Connection]:
        """A write transaction. A unique-constraint race lost to a concurrent writer
        (two updates of one record at once) is a Conflict, not a server error."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except IntegrityError as exc:
            raise Conflict("a concurrent change got there first; reload and try again") from exc

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction; on SQLite it does not take the write lock."""
        with self.engine.connect() as conn, conn.execution_options(liaison_read=True).begin():
            yield conn

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
        self.audit.append(
            conn,
            Event(actor.label, action, obj, result, why.purpose, why.justification, dict(detail)),
        )

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
