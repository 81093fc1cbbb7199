"""Group commit for the audit chain: many requests' entries, one transaction.

Every read is audited, and every entry extends one hash chain whose head is
one row: appending entry by entry in each reader's transaction made every
read wait for the one before it (the head row's lock, a signature and a
commit each). ``GroupWriter.write`` instead puts the entries of a request on
a shared list and waits until they are committed; the first waiting request
that finds no write under way becomes the *leader*: it takes everything on
the list (up to ``max_batch`` entries), appends it with ``AuditLog.append_many``
in one transaction of its own (one locked read of the head, one INSERT, one
head update with one signature, the checkpoints due), commits, hands each
request its entries and wakes the others; one of them leads the next batch.
While a batch commits, the next one gathers. This is the leader/follower form
of group commit that databases use for their own logs: no thread of its own,
so nothing starts when a node is built and nothing is left behind when it
stops (every entry is written by a request that waits for it); ``drain``
waits until no batch is under way, for a clean shutdown.

Guarantees: ``write`` returns only once its entries are committed, so an
answer never leaves before its access is logged; when the batch fails,
every request in it gets ``AuditUnavailable`` (and is refused) after each
request's entries have been tried once more on their own, so that one
unwritable entry cannot refuse the others. Order within a request is kept;
requests are chained in the order they reached the list.

Never call ``write`` while holding a transaction that locks the chain (or
SQLite's write lock): the leader would wait for that lock while its holder
waits for the leader. ``NodeContext`` calls it only after the request's own
transaction has ended.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass

from sqlalchemy import Connection

from liaison.audit.chain import Entry
from liaison.audit.log import AuditLog, Event
from liaison.errors import AuditUnavailable

MAX_BATCH = 1000  # entries per transaction at most; the rest wait for the next batch


@dataclass
class _Ticket:
    events: list[Event]
    entries: list[Entry] | None = None
    error: str | None = None

    @property
    def settled(self) -> bool:
        return self.entries is not None or self.error is not None


@dataclass(frozen=True)
class Batch:
    """What one group commit wrote: for tests and for the record."""

    tickets: int
    entries: int


class GroupWriter:
    def __init__(
        self,
        begin: Callable[[], AbstractContextManager[Connection]],
        log: AuditLog,
        max_batch: int = MAX_BATCH,
    ) -> None:
        """``begin`` opens a write transaction (``NodeContext._begin``: on SQLite,
        in turn with the process's other writers)."""
        self.begin, self.log, self.max_batch = begin, log, max_batch
        self._cond = threading.Condition()
        self._pending: list[_Ticket] = []
        self._leading = False
        self.last_batch: Batch | None = None

    def write(self, events: Sequence[Event]) -> list[Entry]:
        """Append ``events`` to the chain in a group commit; return once committed."""
        ticket = _Ticket(list(events))
        with self._cond:
            self._pending.append(ticket)
            while not ticket.settled:
                if self._leading:
                    self._cond.wait()
                    continue
                self._lead()
        if ticket.error is not None:
            raise AuditUnavailable(ticket.error)
        assert ticket.entries is not None
        return ticket.entries

    def _lead(self) -> None:
        """Write one batch (called holding the condition; releases it meanwhile)."""
        self._leading = True
        batch = self._take()
        self._cond.release()
        try:
            self._commit(batch)
        finally:
            self._cond.acquire()
            self._leading = False
            for ticket in batch:  # an interrupt (BaseException) must not strand a waiter
                if not ticket.settled:
                    ticket.error = "the audit write was interrupted"
            self._cond.notify_all()

    def _take(self) -> list[_Ticket]:
        taken, count = 0, 0
        for ticket in self._pending:
            if taken and count + len(ticket.events) > self.max_batch:
                break
            taken, count = taken + 1, count + len(ticket.events)
        batch, self._pending = self._pending[:taken], self._pending[taken:]
        return batch

    def _commit(self, batch: list[_Ticket]) -> None:
        try:
            self._append(batch)
        except Exception as exc:
            if len(batch) == 1:
                batch[0].error = f"{type(exc).__name__}: {exc}"
                return
            for ticket in batch:  # one at a time: one bad entry refuses only its request
                self._commit([ticket])
            return
        self.last_batch = Batch(len(batch), sum(len(t.events) for t in batch))

    def _append(self, batch: list[_Ticket]) -> None:
        events = [event for ticket in batch for event in ticket.events]
        with self.begin() as conn:
            entries = self.log.append_many(conn, events)
        start = 0
        for ticket in batch:
            ticket.entries = entries[start : start + len(ticket.events)]
            start += len(ticket.events)

    def drain(self, timeout: float = 30.0) -> bool:
        """Wait until no entry waits and no batch is under way; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._pending or self._leading:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True
