"""Group commit of the audit chain, on a real node: concurrent reads land once each
and the chain verifies; a batch over a checkpoint multiple makes the checkpoint;
an audit write that fails refuses the read; tampering is still found."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from liaison.audit.chain import Action
from liaison.audit.log import Event
from liaison.errors import AuditUnavailable, Conflict
from liaison.node import Node, Why
from liaison.storage.tables import audit_checkpoints, audit_log
from tests.audit.test_log import tamper
from tests.conftest import Team, auth, person

THREADS = 12
READS = 8


def reads_of(node: Node, purpose_prefix: str) -> list[str]:
    with node.ctx.engine.connect() as conn:
        rows = conn.execute(
            sa.select(audit_log.c.purpose).where(
                audit_log.c.action == Action.RECORD_READ.value,
                audit_log.c.purpose.like(f"{purpose_prefix}%"),
            )
        )
        return [row.purpose for row in rows]


def test_concurrent_reads_land_once_each_and_verify(node: Node, team: Team) -> None:
    ids = [
        node.records.create(team.analyst, person(f"Fictitious Reader {i}"), {}).record_id
        for i in range(4)
    ]
    failures: list[BaseException] = []

    def reader(n: int) -> None:
        try:
            for i in range(READS):
                why = Why(purpose=f"read-{n}-{i}")
                node.records.get(team.analyst, ids[(n + i) % len(ids)], why=why)
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not failures, failures
    logged = reads_of(node, "read-")
    assert sorted(logged) == sorted(f"read-{n}-{i}" for n in range(THREADS) for i in range(READS))
    assert node.ctx.audit_writer.last_batch is not None  # the reads went by group commit
    verdict = node.audit.verify(team.auditor)
    assert verdict.ok, verdict.reason


def test_a_batch_over_a_checkpoint_multiple_makes_the_checkpoint(node: Node, team: Team) -> None:
    with node.ctx.read() as conn:
        start = node.ctx.audit.verify(conn).entries
    events = [Event("api:analyst", Action.RECORD_READ, f"rec-{i}") for i in range(60)]
    entries = node.ctx.audit_writer.write(events)  # one batch: entries start+1 .. start+60
    assert [e.seq for e in entries] == list(range(start + 1, start + 61))
    due = [seq for seq in range(start + 1, start + 61) if seq % 25 == 0]
    assert len(due) >= 2
    with node.ctx.engine.connect() as conn:
        made = set(conn.execute(sa.select(audit_checkpoints.c.seq)).scalars())
    assert set(due) <= made
    verdict = node.audit.verify(team.auditor)
    assert verdict.ok, verdict.reason


def refuse_audit_inserts(node: Node) -> None:
    """The audit table stops taking rows (a full disk, a broken replica)."""
    with node.ctx.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(
                sa.text(
                    "CREATE FUNCTION audit_refuse() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE EXCEPTION 'audit storage refused'; END $$"
                )
            )
            conn.execute(
                sa.text(
                    "CREATE TRIGGER audit_refuse BEFORE INSERT ON audit_log "
                    "FOR EACH ROW EXECUTE FUNCTION audit_refuse()"
                )
            )
        else:
            conn.execute(
                sa.text(
                    "CREATE TRIGGER audit_refuse BEFORE INSERT ON audit_log "
                    "BEGIN SELECT RAISE(ABORT, 'audit storage refused'); END"
                )
            )


def test_an_audit_failure_fails_the_read(node: Node, team: Team, client: TestClient) -> None:
    record = node.records.create(team.analyst, person("Fictitious Secretive"), {})
    headers = auth(node, team.analyst)
    refuse_audit_inserts(node)
    with pytest.raises(AuditUnavailable, match="audit storage refused"):
        node.records.get(team.analyst, record.record_id)
    answer = client.get(f"/api/v1/records/{record.record_id}", headers=headers)
    assert answer.status_code == 503  # the audit store failed: retry later; nothing shown
    assert "Fictitious Secretive" not in answer.text
    with node.ctx.engine.begin() as conn:
        conn.execute(
            sa.text(
                "DROP TRIGGER audit_refuse"
                + (" ON audit_log" if conn.dialect.name == "postgresql" else "")
            )
        )
    assert node.records.get(team.analyst, record.record_id).record_id == record.record_id
    verdict = node.audit.verify(team.auditor)
    assert verdict.ok, verdict.reason


def test_tampering_with_group_committed_entries_is_found(node: Node, team: Team) -> None:
    record = node.records.create(team.analyst, person("Fictitious Watched"), {})
    for i in range(5):
        node.records.get(team.analyst, record.record_id, why=Why(purpose=f"look-{i}"))
    with node.ctx.engine.connect() as conn:
        seq = conn.execute(
            sa.select(audit_log.c.seq).where(audit_log.c.purpose == "look-2")
        ).scalar_one()
    tamper(node, f"UPDATE audit_log SET actor = 'api:nobody' WHERE seq = {seq}")
    verdict = node.audit.verify(team.auditor)
    assert (verdict.ok, verdict.first_broken) == (False, seq)


def test_a_write_keeps_its_entry_in_its_own_transaction(node: Node, team: Team) -> None:
    """A change and its entry commit together: a create refused by the audit
    table leaves no record behind."""
    refuse_audit_inserts(node)
    # SQLite reports RAISE(ABORT) as a constraint failure (a Conflict); PostgreSQL as an error
    with pytest.raises((Conflict, sa.exc.DBAPIError)):
        node.records.create(team.analyst, person("Fictitious Unlogged"), {})
    with node.ctx.engine.connect() as conn:
        found = conn.execute(
            sa.text("SELECT count(*) FROM records WHERE names LIKE '%Unlogged%'")
        ).scalar_one()
    assert found == 0


def test_a_checkpoint_covers_its_own_entry(node: Node, team: Team) -> None:
    checkpoint = node.audit.checkpoint(team.auditor)
    with node.ctx.engine.connect() as conn:
        last = conn.execute(sa.select(sa.func.max(audit_log.c.seq))).scalar_one()
        action = conn.execute(
            sa.select(audit_log.c.action).where(audit_log.c.seq == last)
        ).scalar_one()
    assert (checkpoint.seq, action) == (last, Action.AUDIT_CHECKPOINT.value)


def test_drain_returns_when_nothing_waits(node: Node) -> None:
    assert node.ctx.audit_writer.drain(timeout=1.0)
