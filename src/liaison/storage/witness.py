"""SQL for witnessing (``liaison.node.witness`` decides; this reads and writes rows):
what this node cosigned for each peer's log and what it refused, what each
witness cosigned of this node's log, and the audit entries a partner may ask
an inclusion proof for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Connection, Row, delete, insert, select, update

from liaison.audit.chain import Entry
from liaison.storage.tables import audit_log, witness_cosignatures, witness_evidence, witnessed


@dataclass(frozen=True, slots=True)
class Held:
    """The latest checkpoint this node cosigned for a peer's log."""

    log_node: str
    size: int
    root: bytes
    note: str  # signed by the log, cosigned by this node
    cosigned: dt.datetime


@dataclass(frozen=True, slots=True)
class Evidence:
    """A checkpoint this node refused to cosign: the log signed two histories."""

    log_node: str
    kind: str
    held: str
    offered: str
    old_size: int
    proof: tuple[str, ...]  # base64 hashes
    reason: str
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class Cosignature:
    """What one witness last cosigned of this node's log, and the last attempt."""

    witness: str
    size: int | None
    root: bytes | None
    note: str | None
    cosigned: dt.datetime | None
    last_attempt: dt.datetime | None
    last_error: str | None


# --- as a witness ---------------------------------------------------------------------


def held(conn: Connection, log_node: str) -> Held | None:
    row = conn.execute(select(witnessed).where(witnessed.c.log_node == log_node)).first()
    if row is None:
        return None
    return Held(row.log_node, int(row.size), bytes.fromhex(row.root), row.note, row.cosigned)


def put_held(conn: Connection, new: Held) -> None:
    conn.execute(delete(witnessed).where(witnessed.c.log_node == new.log_node))
    conn.execute(
        insert(witnessed).values(
            log_node=new.log_node,
            size=new.size,
            root=new.root.hex(),
            note=new.note,
            cosigned=new.cosigned,
        )
    )


def add_evidence(conn: Connection, found: Evidence) -> None:
    values: dict[str, Any] = {
        "log_node": found.log_node,
        "kind": found.kind,
        "held": found.held,
        "offered": found.offered,
        "old_size": found.old_size,
        "proof": orjson.dumps(list(found.proof)).decode(),
        "reason": found.reason,
        "at": found.at,
    }
    conn.execute(insert(witness_evidence).values(**values))


def evidence(conn: Connection, log_node: str | None = None) -> list[Evidence]:
    query = select(witness_evidence).order_by(witness_evidence.c.id)
    if log_node is not None:
        query = query.where(witness_evidence.c.log_node == log_node)
    return [_evidence(row) for row in conn.execute(query)]


def _evidence(row: Row[Any]) -> Evidence:
    proof = tuple(str(p) for p in orjson.loads(row.proof))
    return Evidence(
        row.log_node, row.kind, row.held, row.offered, int(row.old_size), proof, row.reason, row.at
    )


# --- as a log -------------------------------------------------------------------------


def cosignatures(conn: Connection) -> dict[str, Cosignature]:
    rows = conn.execute(select(witness_cosignatures)).all()
    return {row.witness: _cosignature(row) for row in rows}


def _cosignature(row: Row[Any]) -> Cosignature:
    root = bytes.fromhex(row.root) if row.root is not None else None
    size = int(row.size) if row.size is not None else None
    return Cosignature(
        row.witness, size, root, row.note, row.cosigned, row.last_attempt, row.last_error
    )


def _ensure(conn: Connection, witness: str) -> None:
    found = conn.execute(
        select(witness_cosignatures.c.witness).where(witness_cosignatures.c.witness == witness)
    ).first()
    if found is None:
        conn.execute(insert(witness_cosignatures).values(witness=witness))


def put_cosignature(
    conn: Connection, witness: str, size: int, root: bytes, note: str, cosigned: dt.datetime
) -> None:
    """A witness's cosignature, received now; clears the last error."""
    _ensure(conn, witness)
    conn.execute(
        update(witness_cosignatures)
        .where(witness_cosignatures.c.witness == witness)
        .values(
            size=size,
            root=root.hex(),
            note=note,
            cosigned=cosigned,
            last_attempt=cosigned,
            last_error=None,
        )
    )


def attempt_failed(conn: Connection, witness: str, at: dt.datetime, error: str) -> None:
    _ensure(conn, witness)
    conn.execute(
        update(witness_cosignatures)
        .where(witness_cosignatures.c.witness == witness)
        .values(last_attempt=at, last_error=error[:2000])
    )


# --- audit entries for inclusion proofs ----------------------------------------------


def entries_upto(conn: Connection, size: int) -> Iterator[Entry]:
    """Entries 1 to ``size`` in order, streamed."""
    rows = conn.execution_options(yield_per=5000).execute(
        select(audit_log).where(audit_log.c.seq <= size).order_by(audit_log.c.seq)
    )
    try:
        for row in rows:
            yield _entry(row)
    finally:
        rows.close()


def entry(conn: Connection, seq: int) -> Entry | None:
    row = conn.execute(select(audit_log).where(audit_log.c.seq == seq)).first()
    return _entry(row) if row is not None else None


def find_entry(
    conn: Connection, actions: Sequence[str], obj: str, mention: str, below: int
) -> Entry | None:
    """The latest entry (seq at most ``below``) of one of ``actions`` about ``obj``
    whose detail mentions ``mention`` (a ``record@version`` or a record id)."""
    pattern = "%" + mention.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    row = conn.execute(
        select(audit_log)
        .where(
            audit_log.c.action.in_(list(actions)),
            audit_log.c.object == obj,
            audit_log.c.seq <= below,
            audit_log.c.detail.like(pattern, escape="\\"),
        )
        .order_by(audit_log.c.seq.desc())
        .limit(1)
    ).first()
    return _entry(row) if row is not None else None


def _entry(row: Row[Any]) -> Entry:
    data = dict(row._mapping)
    data["detail"] = orjson.loads(data["detail"])
    return Entry(**data)
