"""Fault tests with real node processes on loopback (HTTPS, pinned
certificates): a stream of changes at the originator while the receiver or
the sender is killed with SIGKILL at random points and restarted, at least
``LIAISON_FAULT_KILLS`` (20) times. At the end: nothing lost, nothing
duplicated, the receiver's copies identical to the originator's view, both
audit chains intact. Bounded in count and in time; loopback only."""

from __future__ import annotations

import os
import random
import signal
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from liaison.audit.chain import Action
from liaison.demo.cluster import NodeProcess, actor, agree, mesh, parties
from liaison.storage.tables import copies, records
from tests.federation.conftest import ENVELOPE, agreement_doc_for

KILLS = int(os.environ.get("LIAISON_FAULT_KILLS", "20"))
OPERATIONS = int(os.environ.get("LIAISON_FAULT_OPERATIONS", str(max(300, KILLS * 20))))
SETTLE_SECONDS = 90.0
FAST = {
    "federation_poll_seconds": 0.1,
    "federation_pull_seconds": 2.0,
    "federation_backoff_max_seconds": 1.0,
    "federation_batch_size": 100,
    "audit_checkpoint_every": 200,
    "federation_timeout_seconds": 2.0,
}


def originator_view(node_process: NodeProcess) -> dict[str, tuple[int, str]]:
    with node_process.open() as node, node.ctx.engine.connect() as conn:
        me = node.ctx.node_id
        rows = conn.execute(
            select(records.c.record_id, records.c.version, records.c.deleted).where(
                records.c.originator == me
            )
        )
        return {r.record_id: (r.version, "deleted" if r.deleted else "full") for r in rows}


def receiver_view(node_process: NodeProcess) -> dict[str, tuple[int, str]]:
    with node_process.open() as node, node.ctx.engine.connect() as conn:
        rows = conn.execute(select(copies.c.record_id, copies.c.version, copies.c.level))
        return {r.record_id: (r.version, r.level) for r in rows}


def applied_twice(node_process: NodeProcess) -> list[tuple[str, int]]:
    with node_process.open() as node:
        auditor = actor(node, "auditor")
        applied: Counter[str] = Counter()
        after = 0
        while True:
            page = node.audit.entries(
                auditor, after, 500, action=Action.FEDERATION_RECEIVE.value, result="ok"
            )
            if not page:
                break
            for entry in page:
                applied.update(entry.detail.get("applied", []))
            after = page[-1].seq
        assert node.audit.verify(auditor).ok
    return [(key, n) for key, n in applied.items() if n > 1]


def stream(sender: NodeProcess, victims: list[NodeProcess], seed: int) -> None:
    """OPERATIONS changes at the sender through the library (its own process
    keeps serving), with KILLS SIGKILLs of a random victim at random points."""
    rng = random.Random(seed)
    kill_at = set(rng.sample(range(5, OPERATIONS), KILLS))
    with sender.open() as node:
        analyst = actor(node, "analyst")
        live: list[Any] = []
        for i in range(OPERATIONS):
            roll = rng.random()
            if live and roll < 0.25:
                record = rng.choice(live)
                name = f"Fictitious Corrected {i}"
                entity = {"schema": "Person", "properties": {"name": [name]}}
                current = node.records.get(analyst, record)
                node.records.update(analyst, record, entity, ENVELOPE, current.version)
            elif live and roll < 0.35:
                node.records.delete(analyst, live.pop(rng.randrange(len(live))), "fault test")
            else:
                entity = {"schema": "Person", "properties": {"name": [f"Фиктивный {i}"]}}
                live.append(node.records.create(analyst, entity, ENVELOPE).record_id)
            if i in kill_at:
                victim = rng.choice(victims)
                victim.wait_ready()  # the previous restart has come up: kill a live node
                victim.kill()
                time.sleep(rng.random() * 0.3)
                victim.start()


@pytest.fixture
def pair(tmp_path: Path) -> Any:
    manila = NodeProcess("manila", tmp_path / "manila", _port(0), dict(FAST))
    moscow = NodeProcess("moscow", tmp_path / "moscow", _port(1), dict(FAST))
    nodes = [manila, moscow]
    for n in nodes:
        n.create()
    mesh(nodes)
    agree(nodes, agreement_doc_for("ph-ru", parties(nodes)))
    for n in nodes:
        n.start()
    for n in nodes:
        n.wait_ready()
    yield manila, moscow
    for n in nodes:
        n.stop()


def _port(offset: int) -> int:
    return 20000 + (os.getpid() % 2000) * 2 + offset


def partition(manila: NodeProcess, moscow: NodeProcess) -> None:
    """Moscow stops answering (SIGSTOP: its sockets stay open, nothing replies)
    while manila keeps changing records, then answers again (SIGCONT). Nobody
    asks for a sync: the courier's retries and pulls must heal it."""
    assert moscow.process is not None
    os.kill(moscow.process.pid, signal.SIGSTOP)
    try:
        with manila.open() as node:
            analyst = actor(node, "analyst")
            for i in range(30):
                entity = {"schema": "Person", "properties": {"name": [f"Partitioned {i}"]}}
                node.records.create(analyst, entity, ENVELOPE)
        time.sleep(3)  # longer than the courier's timeout: deliveries fail meanwhile
    finally:
        os.kill(moscow.process.pid, signal.SIGCONT)


def identical(expected: dict[str, tuple[int, str]], got: dict[str, tuple[int, str]]) -> bool:
    """The receiver holds every live record at its current version, and of a
    deleted one either the tombstone or nothing (deleted before it was ever
    sent, its content never left); nothing else."""
    if not set(got) <= set(expected):
        return False
    for record_id, (version, state) in expected.items():
        held = got.get(record_id)
        if state == "full" and held != (version, "full"):
            return False
        if state == "deleted" and held not in (None, (version, "deleted")):
            return False
    return True


def settle(manila: NodeProcess, moscow: NodeProcess) -> float:
    """Seconds until the receiver's copies equal the originator's view (bounded)."""
    start = time.monotonic()
    while time.monotonic() - start < SETTLE_SECONDS:
        if identical(originator_view(manila), receiver_view(moscow)):
            return time.monotonic() - start
        time.sleep(0.2)
    return float("inf")


@pytest.mark.parametrize("db", ["sqlite"])
def test_receiver_and_sender_killed_at_random_lose_and_duplicate_nothing(
    pair: tuple[NodeProcess, NodeProcess], db: str
) -> None:
    manila, moscow = pair
    stream(manila, [moscow, manila], seed=int(os.environ.get("LIAISON_FAULT_SEED", "4")))
    for n in pair:
        n.wait_ready()
    partition(manila, moscow)
    took = settle(manila, moscow)
    expected, got = originator_view(manila), receiver_view(moscow)
    assert took < SETTLE_SECONDS, (len(expected), len(got))
    assert identical(expected, got)  # nothing lost, final state identical
    assert applied_twice(moscow) == []  # nothing applied twice
    with manila.open() as node:
        register = node.federation.disclosures(actor(node, "officer"), limit=10_000)
    assert all(row["acknowledged"] for row in register)
    assert {row["record_id"] for row in register} == set(expected)
