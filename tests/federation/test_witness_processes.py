"""Witnessing between real `liaison serve` processes on loopback (HTTPS, pinned
certificates), with the witness thread on: a partner that is not running is
reported unreachable and blocks nothing; started, it catches up and the check
finds the log consistent with what it cosigned; stopped again, the check says
it used the copy kept here. SQLite (each process has its own data directory)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from liaison.audit.witness import Status, WitnessFinding
from liaison.demo.cluster import NodeProcess, actor, mesh
from liaison.storage import witness as witness_store
from tests.conftest import person

FAST = {
    "federation_poll_seconds": 0.2,
    "federation_pull_seconds": 2.0,
    "federation_backoff_max_seconds": 1.0,
    "federation_timeout_seconds": 2.0,
    "witness_seconds": 1.0,
    "match_worker": False,
}


def _port(offset: int) -> int:
    return 29000 + (os.getpid() % 2000) * 2 + offset


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[NodeProcess, NodeProcess]]:
    nodes = [
        NodeProcess(name, tmp_path / name, _port(i), dict(FAST))
        for i, name in enumerate(("manila", "moscow"))
    ]
    for n in nodes:
        n.create()
    mesh(nodes)
    try:
        yield nodes[0], nodes[1]
    finally:
        for n in nodes:
            n.stop()


def cosigned_size(log: NodeProcess, witness: NodeProcess) -> int | None:
    with log.open() as node, witness.open() as other, node.ctx.read() as conn:
        kept = witness_store.cosignatures(conn).get(other.ctx.node_id)
    return kept.size if kept is not None else None


def wait_cosigned(log: NodeProcess, witness: NodeProcess, size: int, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (cosigned_size(log, witness) or 0) >= size:
            return
        time.sleep(0.5)
    raise AssertionError(f"{witness.name} did not cosign size {size} within {timeout} s")


def check(log: NodeProcess) -> dict[str, WitnessFinding]:
    with log.open() as node:
        return {f.witness: f for f in node.witness.check()}


def log_size(n: NodeProcess) -> int:
    with n.open() as node:
        return node.transparency.catch_up()


def test_a_partner_offline_and_back(pair: tuple[NodeProcess, NodeProcess]) -> None:
    manila, moscow = pair
    manila.start()
    manila.wait_ready()
    with manila.open() as node:  # work goes on without a witness
        node.records.create(actor(node, "analyst"), person("Fictitious Offline Witness"), {})
    found = check(manila)["moscow"]
    assert found.status is Status.UNREACHABLE and found.size is None
    moscow.start()
    moscow.wait_ready()
    size = log_size(manila)
    wait_cosigned(manila, moscow, size)  # the witness thread caught up by itself
    found = check(manila)["moscow"]
    assert found.status is Status.OK and found.source == "witness" and found.size >= size
    wait_cosigned(moscow, manila, 1)  # and moscow's log is witnessed by manila
    assert check(moscow)["manila"].status is Status.OK
    moscow.stop()
    found = check(manila)["moscow"]
    assert found.status is Status.OK and found.source == "local copy"
    assert "did not answer" in found.reason
