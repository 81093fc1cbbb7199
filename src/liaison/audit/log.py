"""The audit log in the database: append inside the caller's transaction, read, verify."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, fields
from typing import Any

import orjson
from sqlalchemy import Connection, Row, insert, select, update

from liaison.audit.chain import (
    GENESIS,
    Action,
    Checkpoint,
    Entry,
    Head,
    Result,
    Verification,
    sign_checkpoint,
    verify,
)
from liaison.errors import AuditChainBroken
from liaison.storage.tables import audit_checkpoints, audit_head, audit_log

Clock = Callable[[], dt.datetime]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Event:
    """What happened, before it is sealed into the chain."""

    actor: str
    action: Action
    object: str
    result: Result = Result.OK
    purpose: str | None = None
    justification: str | None = None
    detail: dict[str, Any] | None = None


class AuditLog:
    def __init__(
        self,
        node_id: str,
        public_key: str,
        sign: Callable[[bytes], str],
        checkpoint_every: int,
        clock: Clock = utcnow,
    ) -> None:
        self.node_id = node_id
        self.public_key = public_key
        self._sign = sign
        self._every = checkpoint_every
        self._clock = clock

    def start(self, conn: Connection) -> None:
        """Create the chain head; called once when the node is initialised."""
        conn.execute(insert(audit_head).values(id=1, **self._head(0, GENESIS)))

    def _head(self, seq: int, hash_: str) -> dict[str, Any]:
        head = Head(seq, hash_, self.node_id)
        return {"seq": seq, "hash": hash_, "signature": self._sign(head.message())}

    def append(self, conn: Connection, event: Event) -> Entry:
        """Append one entry in the caller's transaction (the head row serialises writers)."""
        return self.append_many(conn, [event])[0]

    def append_many(self, conn: Connection, events: Sequence[Event]) -> list[Entry]:
        """Append entries in order in the caller's transaction: one read of the head
        (locked), one INSERT of every row, one head update with one signature, and
        the signed checkpoint of every multiple of ``checkpoint_every`` crossed."""
        head = conn.execute(
            select(audit_head.c.seq, audit_head.c.hash)
            .where(audit_head.c.id == 1)
            .with_for_update()
        ).first()
        if head is None:
            raise AuditChainBroken(0, "the chain head is missing; nothing can be logged")
        entries = seal(events, head.seq, head.hash, self._clock().isoformat())
        if not entries:
            return entries
        conn.execute(insert(audit_log), [_row(entry) for entry in entries])
        last = entries[-1]
        conn.execute(
            update(audit_head).where(audit_head.c.id == 1).values(**self._head(last.seq, last.hash))
        )
        for entry in entries:
            if self._every and entry.seq % self._every == 0:
                self._checkpoint(conn, entry.seq, entry.hash)
        return entries

    def checkpoint(self, conn: Connection) -> Checkpoint:
        head = conn.execute(select(audit_head).where(audit_head.c.id == 1)).one()
        existing = conn.execute(
            select(audit_checkpoints).where(audit_checkpoints.c.seq == head.seq)
        ).first()
        if existing is not None:
            return Checkpoint(**existing._mapping)
        return self._checkpoint(conn, head.seq, head.hash)

    def _checkpoint(self, conn: Connection, seq: int, hash_: str) -> Checkpoint:
        unsigned = Checkpoint(seq, hash_, self._clock().isoformat(), self.node_id)
        checkpoint = sign_checkpoint(unsigned, self._sign)
        conn.execute(insert(audit_checkpoints).values(**checkpoint.__dict__))
        return checkpoint

    def entries(
        self, conn: Connection, after: int = 0, limit: int | None = None, **filters: str | None
    ) -> Iterator[Entry]:
        query = select(*COLUMNS).where(audit_log.c.seq > after).order_by(audit_log.c.seq)
        for name, value in filters.items():
            if value:
                query = query.where(audit_log.c[name] == value)
        if limit is not None:
            query = query.limit(limit)
        for row in conn.execute(query):
            yield _entry(row)

    def verify(
        self, conn: Connection, observe: Callable[[Entry], None] | None = None
    ) -> Verification:
        """Verify the chain; ``observe`` sees each entry as it is read (so that other
        checks need no second pass over a long log)."""
        checkpoints = [
            Checkpoint(**row._mapping)
            for row in conn.execute(select(audit_checkpoints).order_by(audit_checkpoints.c.seq))
        ]
        row = conn.execute(select(audit_head).where(audit_head.c.id == 1)).first()
        head = Head(row.seq, row.hash, self.node_id, row.signature) if row else None
        rows = conn.execution_options(yield_per=5000).execute(
            select(*COLUMNS).order_by(audit_log.c.seq)
        )
        try:
            entries: Iterator[Entry] = (_entry(r) for r in rows)
            if observe is not None:
                entries = _observed(entries, observe)
            return verify(entries, checkpoints, self.public_key, head, self._every)
        finally:
            rows.close()  # verify may stop early; release the server-side cursor


def _observed(entries: Iterator[Entry], observe: Callable[[Entry], None]) -> Iterator[Entry]:
    for entry in entries:
        observe(entry)
        yield entry


def seal(events: Sequence[Event], seq: int, prev_hash: str, ts: str) -> list[Entry]:
    """The entries that follow entry ``seq`` (of hash ``prev_hash``), each linked to
    the one before; pure."""
    entries: list[Entry] = []
    for event in events:
        entry = Entry(
            seq=seq + 1,
            ts=ts,
            actor=event.actor,
            action=event.action.value,
            object=event.object,
            purpose=event.purpose,
            justification=event.justification,
            result=event.result.value,
            detail=event.detail or {},
            prev_hash=prev_hash,
        ).sealed()
        entries.append(entry)
        seq, prev_hash = entry.seq, entry.hash
    return entries


def _row(entry: Entry) -> dict[str, Any]:
    return {**entry.body(), "hash": entry.hash, "detail": orjson.dumps(entry.detail).decode()}


#: The log's columns in ``Entry``'s field order: rows are read by position, which
#: costs a third of reading them by name over a long log.
COLUMNS = tuple(audit_log.c[f.name] for f in fields(Entry))
_DETAIL = [f.name for f in fields(Entry)].index("detail")


def _entry(row: Row[Any]) -> Entry:
    values = list(row)
    values[_DETAIL] = orjson.loads(values[_DETAIL])
    return Entry(*values)
