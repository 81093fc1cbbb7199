"""Partners witness each other's audit logs, over real HTTP between in-process
nodes (``httpx.ASGITransport``), on SQLite and PostgreSQL: checkpoints cosigned
after consistency proofs, freshness, a partner offline, and tampered logs
(rolled back, forked) refused by the witnesses and named by the check."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest
import sqlalchemy as sa

from liaison.audit.chain import Checkpoint, Head
from liaison.audit.note import Note, sign_note
from liaison.audit.witness import Status
from liaison.errors import MessageRefused
from liaison.federation.messages import MessageType, seal
from liaison.model.identity import NodeKey, unb64
from liaison.node import Node
from liaison.node.backup import backup, restore
from liaison.node.witness import Sent
from liaison.storage import witness as witness_store
from liaison.storage.tables import audit_checkpoints, audit_head, audit_log
from tests.audit.test_log import tamper
from tests.conftest import PG_URL, person
from tests.federation.conftest import Federation, Member


def send(fed: Federation, name: str, node: Node | None = None) -> dict[str, Sent]:
    node = node or fed[name].node
    return {s.witness: s for s in asyncio.run(node.witness.send(fed.clients))}


def write(member: Member, count: int) -> None:
    for i in range(count):
        member.node.records.create(member.team.analyst, person(f"Fictitious Witness {i}"), {})


def test_partners_cosign_each_other(federation: Federation) -> None:
    fed = federation
    for name in fed.members:
        sent = send(fed, name)
        assert {s.outcome for s in sent.values()} == {"cosigned"}, sent
    manila = fed["manila"].node
    state = {s.witness: s for s in manila.witness.status(fed["manila"].team.auditor)}
    assert set(state) == {"moscow", "kuala-lumpur"}
    assert all(s.size and s.cosigned and s.last_error is None for s in state.values())
    write(fed["manila"], 3)
    sent = send(fed, "manila")  # a larger tree, proved consistent with the one cosigned
    size = manila.transparency.catch_up()
    assert sent["moscow"].outcome == "cosigned" and sent["moscow"].size == size
    findings = {f.witness: f for f in manila.witness.check(fed.clients)}
    assert {f.status for f in findings.values()} == {Status.OK}
    assert findings["moscow"].source == "witness" and findings["moscow"].size == size


def test_a_partner_offline_is_retried_and_reported(federation: Federation) -> None:
    fed = federation
    fed.clients.down.add(fed["moscow"].url)
    sent = send(fed, "manila")
    assert sent["moscow"].outcome == "unreachable" and sent["kuala-lumpur"].outcome == "cosigned"
    manila = fed["manila"].node
    findings = {f.witness: f for f in manila.witness.check(fed.clients)}
    assert findings["moscow"].status is Status.UNREACHABLE
    assert findings["kuala-lumpur"].status is Status.OK
    state = {s.witness: s for s in manila.witness.status(fed["manila"].team.auditor)}
    assert state["moscow"].size is None and state["moscow"].last_error
    fed.clients.down.clear()
    assert send(fed, "manila")["moscow"].outcome == "cosigned"
    fed.clients.down.add(fed["moscow"].url)  # offline again: the copy kept here, said so
    findings = {f.witness: f for f in manila.witness.check(fed.clients)}
    assert findings["moscow"].status is Status.OK and findings["moscow"].source == "local copy"


def cut_back(member: Member, keep: int) -> None:
    """An administrator with the database: remove the entries after ``keep`` and
    move the head back (the append-only triggers dropped first)."""
    tamper(
        member.node,
        f"DELETE FROM audit_checkpoints WHERE seq > {keep}",
        f"DELETE FROM audit_log WHERE seq > {keep}",
        f"UPDATE audit_head SET seq = {keep}, "
        f"hash = (SELECT hash FROM audit_log WHERE seq = {keep})",
    )


def test_a_rollback_is_refused_and_named(federation: Federation) -> None:
    fed = federation
    manila = fed["manila"]
    write(manila, 2)
    assert send(fed, "manila")["moscow"].outcome == "cosigned"
    size = manila.node.transparency.catch_up()
    cut_back(manila, size - 3)
    restarted = Node.open(manila.node.ctx.settings)  # the node started again on that database
    try:
        findings = {f.witness: f for f in restarted.witness.check(fed.clients)}
        rolled = findings["moscow"]
        assert rolled.status is Status.ROLLBACK and rolled.size == size
        assert f"moscow cosigned size {size}" in rolled.reason
        assert rolled.source == "witness"
        # liaison audit verify asks the witnesses too: the rollback fails it, by name
        restarted.audit.witnesses = lambda tree: restarted.witness.check(fed.clients, tree)
        verdict = restarted.audit.check()
        assert not verdict.ok
        assert ("witness.rollback", "moscow") in [(f.kind, f.object) for f in verdict.findings]
        sent = send(fed, "manila", restarted)
        assert sent["moscow"].outcome == "refused" and "rollback" in sent["moscow"].reason
    finally:
        restarted.close()
    moscow = fed["moscow"].node
    with moscow.ctx.read() as conn:
        kept = witness_store.evidence(conn, manila.node_id)
    assert [e.kind for e in kept] == ["rollback"]
    assert f"\n{size}\n" in kept[0].held and f"\n{size - 3 + 0}" not in kept[0].held


def test_a_fork_shown_to_two_partners_is_named(federation: Federation, tmp_path: Path) -> None:
    """The administrator restores a copy of the database, appends other entries
    there, and shows that log to kuala-lumpur while moscow saw the original."""
    fed = federation
    manila = fed["manila"]
    write(manila, 2)
    with fork_of(manila, tmp_path) as copy:
        write(manila, 3)
        fed.clients.down.add(fed["kuala-lumpur"].url)
        assert send(fed, "manila")["moscow"].outcome == "cosigned"  # the original, to moscow
        fed.clients.down.clear()
        copy.records.create(fed["manila"].team.analyst, person("Fictitious Other History"), {})
        fed.clients.down.add(fed["moscow"].url)
        assert send(fed, "manila", copy)["kuala-lumpur"].outcome == "cosigned"  # the fork
        fed.clients.down.clear()
        findings = {f.witness: f for f in manila.node.witness.check(fed.clients)}
        assert findings["moscow"].status is Status.OK
        forked = findings["kuala-lumpur"]
        assert forked.status is Status.FORK and "kuala-lumpur cosigned size" in forked.reason
        # moscow, having cosigned the original, refuses the other history and keeps it
        sent = send(fed, "manila", copy)
        assert sent["moscow"].outcome == "refused"
        with fed["moscow"].node.ctx.read() as conn:
            kept = witness_store.evidence(conn, manila.node_id)
        assert kept and kept[0].kind in ("fork", "rollback")


@contextmanager
def fork_of(member: Member, tmp_path: Path) -> Iterator[Node]:
    """A second node on a copy of ``member``'s database (its backup restored), with
    its key: on PostgreSQL in a new database, the schema named alike."""
    archive = tmp_path / "manila.tar"
    backup(member.node.ctx.settings, archive)
    url = member.node.ctx.settings.resolved_database_url()
    copy = member.node.ctx.settings.model_copy(
        update={"data_dir": tmp_path / "manila-copy", "database_url": None}
    )
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"fork_{uuid.uuid4().hex[:10]}"
    if not url.startswith("sqlite"):
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE DATABASE {name}"))
        schema = url.split("search_path%3D")[1]
        base = PG_URL.rsplit("/", 1)[0]
        copy = copy.model_copy(
            update={"database_url": f"{base}/{name}?options=-csearch_path%3D{schema}"}
        )
    try:
        restore(archive, copy)
        node = Node.open(copy)
        try:
            yield node
        finally:
            node.close()
    finally:
        if not url.startswith("sqlite"):
            with admin.connect() as conn:
                conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def test_nothing_is_written_by_the_check(federation: Federation) -> None:
    fed = federation
    send(fed, "manila")
    manila = fed["manila"].node
    with manila.ctx.read() as conn:
        before = conn.execute(sa.text("SELECT max(seq) FROM audit_log")).scalar()
    manila.witness.check(fed.clients)
    with manila.ctx.read() as conn:
        assert conn.execute(sa.text("SELECT max(seq) FROM audit_log")).scalar() == before


def test_a_checkpoint_not_signed_by_the_pinned_key_is_refused(federation: Federation) -> None:
    """The message comes from manila (its key signs the channel) but the checkpoint
    inside is signed by another key: refused, nothing kept, the refusal audited."""
    manila, moscow = federation["manila"], federation["moscow"]
    forger = NodeKey.generate()
    head = manila.node.transparency.checkpoint().head
    text = head.text()
    line = sign_note(text, head.origin, forger.public_raw, lambda m: unb64(forger.sign(m)))
    body = {"nonce": "0" * 32, "checkpoint": Note(text, (line,)).render(), "old_size": 0}
    raw = seal(
        manila.node.ctx.key,
        MessageType.WITNESS,
        moscow.node_id,
        {**body, "proof": []},
        manila.node.ctx.now(),
    )
    with pytest.raises(MessageRefused, match="bad_signature"):
        moscow.node.federation.receive(raw)
    with moscow.node.ctx.read() as conn:
        assert witness_store.held(conn, manila.node_id) is None
        assert witness_store.evidence(conn) == []


def rewrite_middle(member: Member, seq: int) -> None:
    """The worst local attacker: holds the database and the node key. Changes entry
    ``seq``, recomputes every later entry's hash, re-signs the head and every
    checkpoint, so that the local chain checks again."""
    node = member.node
    with node.ctx.engine.begin() as conn:
        for table in ("audit_log", "audit_checkpoints"):
            for verb in ("update", "delete"):
                if conn.dialect.name == "postgresql":
                    conn.execute(sa.text(f"DROP TRIGGER IF EXISTS {table}_no_{verb} ON {table}"))
                else:
                    conn.execute(sa.text(f"DROP TRIGGER IF EXISTS {table}_no_{verb}"))
        entries = list(node.ctx.audit.entries(conn))
        rewritten, prev = [], entries[seq - 2].hash
        for entry in entries[seq - 1 :]:
            actor = "api:mallory" if entry.seq == seq else entry.actor
            fresh = replace(entry, actor=actor, prev_hash=prev).sealed()
            rewritten.append(fresh)
            prev = fresh.hash
        for fresh in rewritten:
            conn.execute(
                sa.update(audit_log)
                .where(audit_log.c.seq == fresh.seq)
                .values(actor=fresh.actor, prev_hash=fresh.prev_hash, hash=fresh.hash)
            )
        last = rewritten[-1]
        head = Head(last.seq, last.hash, node.ctx.node_id)
        conn.execute(
            sa.update(audit_head).values(
                seq=last.seq, hash=last.hash, signature=node.ctx.key.sign(head.message())
            )
        )
        by_seq = {e.seq: e.hash for e in rewritten}
        for row in conn.execute(sa.select(audit_checkpoints)).all():
            if row.seq in by_seq:
                cp = Checkpoint(row.seq, by_seq[row.seq], row.ts, row.node_id)
                conn.execute(
                    sa.update(audit_checkpoints)
                    .where(audit_checkpoints.c.seq == row.seq)
                    .values(hash=cp.hash, signature=node.ctx.key.sign(cp.message()))
                )


def test_a_middle_rewritten_with_the_node_key_is_caught_by_the_witnesses(
    federation: Federation,
) -> None:
    """Issue 21's case the local check cannot catch: the chain rewritten from the
    middle, hashes recomputed, head and checkpoints re-signed with the node's own
    key. The chain checks locally; every witness that cosigned before names a fork."""
    fed = federation
    manila = fed["manila"]
    write(manila, 3)
    sent = send(fed, "manila")
    assert {s.outcome for s in sent.values()} == {"cosigned"}
    size = manila.node.transparency.catch_up()
    rewrite_middle(manila, size // 2)
    restarted = Node.open(manila.node.ctx.settings)
    try:
        with restarted.ctx.read() as conn:
            assert restarted.ctx.audit.verify(conn).ok  # the chain alone is fooled
        findings = {f.witness: f for f in restarted.witness.check(fed.clients)}
        for name in ("moscow", "kuala-lumpur"):
            assert findings[name].status is Status.FORK, findings[name].reason
            assert f"{name} cosigned size {size}" in findings[name].reason
        restarted.audit.witnesses = lambda tree: restarted.witness.check(fed.clients, tree)
        verdict = restarted.audit.check()
        assert not verdict.ok
        assert {f.object for f in verdict.findings if f.kind == "witness.fork"} == {
            "moscow",
            "kuala-lumpur",
        }
    finally:
        restarted.close()
