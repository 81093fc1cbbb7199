"""`liaison serve` loads the name analyser before it says it is serving, so the first
`/match` after a restart does not pay for it (issue 18). A real process on loopback
over HTTP (SQLite); the timing itself is measured by ``bench/first_match.py``."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx

from liaison.node import SYSTEM, Node, init_node
from liaison.node.accounts import actor_of
from liaison.settings import Settings
from liaison.storage import users as user_store
from tests.conftest import PASSWORD, person


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_node(data_dir: Path) -> str:
    """A node with one analyst and one record; returns the analyst's API token."""
    settings = Settings(data_dir=data_dir, argon2_time_cost=1, argon2_memory_kib=8192)
    init_node(settings)
    with Node.open(settings) as node:
        node.accounts.bootstrap_admin(SYSTEM, "admin", PASSWORD)
        with node.ctx.engine.connect() as conn:
            admin = actor_of(user_store.by_name(conn, "admin"))  # type: ignore[arg-type]
        node.accounts.create_user(admin, "analyst", PASSWORD, "analyst", "SECRET")
        with node.ctx.engine.connect() as conn:
            analyst = actor_of(user_store.by_name(conn, "analyst"))  # type: ignore[arg-type]
        node.records.create(analyst, person("Juan dela Cruz", birthDate=["1980-01-02"]), {})
        return node.accounts.create_token(analyst, "test", 1).token


def test_serve_loads_the_name_analyser_before_it_serves(tmp_path: Path) -> None:
    token = make_node(tmp_path / "data")
    port = free_port()
    env = {
        **os.environ,
        "LIAISON_DATA_DIR": str(tmp_path / "data"),
        "LIAISON_TLS": "false",
        "LIAISON_PORT": str(port),
        "LIAISON_FEDERATION_WORKER": "false",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "liaison", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        said = []
        for line in proc.stdout:
            said.append(line)
            if "serving on" in line:
                break
        assert any("name analyser loaded" in line for line in said[:-1]), said
        deadline = time.monotonic() + 60
        with httpx.Client(base_url=f"http://127.0.0.1:{port}/api/v1", timeout=60) as client:
            while True:
                try:
                    answer = client.post(
                        "/match",
                        json={"queries": {"q": person("Juan Dela Cruz")}},
                        headers={"Authorization": f"Bearer {token}"},
                    )
                    break
                except httpx.ConnectError:
                    assert time.monotonic() < deadline, "the port never accepted"
                    time.sleep(0.05)
        assert answer.status_code == 200, answer.text
        assert answer.json()["responses"]["q"]["results"][0]["match"] is True
    finally:
        proc.terminate()
        proc.wait(30)
        if proc.stdout is not None:
            proc.stdout.close()
