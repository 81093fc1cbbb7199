"""Issue 16, item 1, over real processes: three `liaison serve` nodes on
loopback (HTTPS, pinned certificates). Manila shares a terrorism suspect
(TLP:AMBER) with moscow under an agreement that forbids onward sharing.
Moscow's `GET /api/v1/export` and `liaison export` leave it out and say why;
the line an export used to write for it is refused by `liaison import` at
kuala-lumpur, which holds nothing afterwards."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx
import orjson
import pytest
from sqlalchemy import func, select

from liaison.demo.cluster import NodeProcess, actor, agree, mesh, parties
from liaison.federation.tls import pinned_context
from liaison.storage.tables import copies, records
from tests.conftest import person
from tests.federation.conftest import agreement_doc_for
from tests.federation.test_exits import AMBER_TERRORISM, laundering_line

FAST = {
    "federation_poll_seconds": 0.1,
    "federation_pull_seconds": 2.0,
    "federation_backoff_max_seconds": 1.0,
    "federation_timeout_seconds": 2.0,
}
NAMES = ("manila", "moscow", "kuala-lumpur")


def _port(offset: int) -> int:
    return 25000 + (os.getpid() % 2000) * 3 + offset


@pytest.fixture
def trio(tmp_path: Path) -> Iterator[tuple[NodeProcess, NodeProcess, NodeProcess]]:
    nodes = [NodeProcess(n, tmp_path / n, _port(i), dict(FAST)) for i, n in enumerate(NAMES)]
    for n in nodes:
        n.create()
    mesh(nodes)
    manila, moscow, kl = nodes
    agree(
        [manila, moscow], agreement_doc_for("ph-ru", parties([manila, moscow]), onward="forbidden")
    )
    agree([moscow, kl], agreement_doc_for("ru-my", parties([moscow, kl]), onward="within_parties"))
    try:
        for n in nodes:
            n.start()
        for n in nodes:
            n.wait_ready()
        yield manila, moscow, kl
    finally:
        for n in nodes:
            n.stop()


def cli(node: NodeProcess, user: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`liaison ...` as its own process on the node's data directory."""
    env = {
        **os.environ,
        "LIAISON_DATA_DIR": str(node.data_dir),
        "LIAISON_NODE_NAME": node.name,
        "LIAISON_USER": user,
        "LIAISON_PASSWORD": node.passwords[user],
        "COLUMNS": "1000",  # rich wraps at 80 columns without a terminal
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "liaison", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@contextmanager
def api(node: NodeProcess, user: str) -> Iterator[httpx.Client]:
    """A client of the node's API over HTTPS (its pinned certificate), signed in."""
    context = pinned_context(node.settings().tls_cert_path.read_text())
    with httpx.Client(base_url=f"{node.url}/api/v1", verify=context, timeout=30) as client:
        login = {"username": user, "password": node.passwords[user]}
        token = client.post("/auth/login", json=login).json()["token"]
        client.headers["Authorization"] = f"Bearer {token}"
        yield client


def wait_for_copy(node: NodeProcess, record_id: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with node.open() as opened, opened.ctx.engine.connect() as conn:
            level = conn.execute(
                select(copies.c.level).where(copies.c.record_id == record_id)
            ).scalar()
        if level == "full":
            return
        time.sleep(0.2)
    raise AssertionError(f"{node.name} did not receive {record_id} within {timeout} s")


def holdings(node: NodeProcess) -> tuple[int, int]:
    with node.open() as opened, opened.ctx.engine.connect() as conn:
        own = conn.execute(select(func.count()).select_from(records)).scalar_one()
        held = conn.execute(select(func.count()).select_from(copies)).scalar_one()
    return own, held


def test_a_received_copy_is_refused_at_both_ends(
    trio: tuple[NodeProcess, NodeProcess, NodeProcess], tmp_path: Path
) -> None:
    manila, moscow, kl = trio
    with manila.open() as node:
        manila_id = node.ctx.node_id
        entity = person("Абу Фиктивный Террорист")
        record_id = node.records.create(actor(node, "analyst"), entity, AMBER_TERRORISM).record_id
    wait_for_copy(moscow, record_id)
    with moscow.open() as node:
        copy = node.records.get(actor(node, "analyst"), record_id)

    # moscow, the API: the copy is left out, and the closing line says why
    with api(moscow, "analyst") as client:
        exported = client.get("/export")
    assert exported.status_code == 200, exported.text
    *lines, last = [orjson.loads(x) for x in exported.content.splitlines()]
    assert all(line["liaison"]["originator"] != manila_id for line in lines)
    summary = last["liaison_export"]
    assert summary["complete"] and summary["withheld_count"] == 1
    assert summary["withheld"][0]["record_id"] == record_id
    assert "agreement ph-ru v1 forbids onward sharing" in summary["withheld"][0]["reasons"]
    # ...the same answer as the node's policy explanation for that use
    with api(moscow, "officer") as client:
        query = {"record_id": record_id, "recipient": "user:analyst", "use": "export"}
        explained = client.get("/policy/explain", params=query).json()
    assert explained["allowed"] is False
    assert {r["text"] for r in explained["reasons"] if r["effect"] == "deny"} == set(
        summary["withheld"][0]["reasons"]
    )

    # moscow, the CLI: nothing of manila's in the file, the reason on the terminal
    out = tmp_path / "moscow-export.jsonl"
    done = cli(moscow, "analyst", "export", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert manila_id not in out.read_text() and record_id not in out.read_text()
    assert "exported 0 records" in done.stderr and "1 withheld" in done.stderr
    assert f"withheld {record_id}@1" in done.stderr and "forbids onward sharing" in done.stderr

    # kuala-lumpur: the line an export used to write is refused, not re-stamped
    line = tmp_path / "laundered.jsonl"
    line.write_bytes(laundering_line(copy) + b"\n")
    done = cli(kl, "analyst", "import", str(line))
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "0 created" in done.stdout and "1 rejected" in done.stdout
    assert "line 1: liaison.originator" in done.stderr and manila_id in done.stderr
    assert holdings(kl) == (0, 0)  # kuala-lumpur holds nothing
    with manila.open() as node:
        register = node.federation.disclosures(actor(node, "officer"), record_id=record_id)
    assert {row["peer"] for row in register} == {"moscow"}
