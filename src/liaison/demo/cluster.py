"""Real node processes on loopback, for the demo, the fault tests and the
federation benchmark: create a node (database, key, certificate, users), pin
its partners, start ``liaison serve`` as a process of its own, wait until it
answers over HTTPS, stop it (or kill it with SIGKILL) by its process id.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2 as httpx

from liaison.federation.tls import ensure_certificate, pinned_context
from liaison.model.roles import Actor
from liaison.node import SYSTEM, Node, init_node
from liaison.node.accounts import actor_of
from liaison.settings import Settings
from liaison.storage import users as user_store

USERS = {
    "analyst": ("analyst", "SECRET"),
    "officer": ("liaison_officer", "CONFIDENTIAL"),
    "supervisor": ("supervisor", "SECRET"),
    "auditor": ("auditor", "TOP_SECRET"),
}


@dataclass
class NodeProcess:
    """One node: its data directory, its port, and (while running) its process."""

    name: str
    data_dir: Path
    port: int
    overrides: dict[str, Any] = field(default_factory=dict)
    passwords: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def settings(self) -> Settings:
        return Settings(data_dir=self.data_dir, node_name=self.name, **self.overrides)

    def create(self, users: dict[str, tuple[str, str]] = USERS) -> None:
        """Initialise the node with an administrator and the given users."""
        settings = self.settings()
        init_node(settings)
        ensure_certificate(settings.tls_cert_path, settings.tls_key_path, self.name)
        self.passwords = {name: secrets.token_urlsafe(12) for name in ["admin", *users]}
        with self.open() as node:
            node.accounts.bootstrap_admin(SYSTEM, "admin", self.passwords["admin"])
            admin = actor(node, "admin")
            for name, (role, clearance) in users.items():
                node.accounts.create_user(admin, name, self.passwords[name], role, clearance)

    def open(self) -> Node:
        return Node.open(self.settings())

    def pin(self, other: NodeProcess) -> None:
        """Add ``other`` as a peer: its URL, key and certificate."""
        other_settings = other.settings()
        with other.open() as theirs:
            key = theirs.info.public_key
        cert = other_settings.tls_cert_path.read_text()
        with self.open() as node:
            node.federation.add_peer(actor(node, "admin"), other.name, other.url, key, cert)

    def start(self, log: Path | None = None) -> None:
        env = {**os.environ, "LIAISON_DATA_DIR": str(self.data_dir), "LIAISON_NODE_NAME": self.name}
        for key, value in self.overrides.items():
            env[f"LIAISON_{key.upper()}"] = str(value)
        out = open(log or self.data_dir / "serve.log", "ab")  # noqa: SIM115 - the child keeps it
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "liaison", "serve", "--port", str(self.port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        out.close()

    def wait_ready(self, timeout: float = 180.0) -> None:
        """Until the node answers over HTTPS with its pinned certificate (bounded: a node
        loads its name analyser before it serves, 6-10 s of CPU, and three nodes starting
        together on two cores take three times that)."""
        context = pinned_context(self.settings().tls_cert_path.read_text())
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}")
            try:
                response = httpx.get(f"{self.url}/api/v1/node", verify=context, timeout=2)
                if response.status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"{self.name} did not answer on {self.url} within {timeout} s")

    def kill(self) -> None:
        """SIGKILL, as a crash would: no shutdown code runs."""
        if self.process is not None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
            self.process = None

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM (a clean shutdown), then SIGKILL if it does not end in time."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
        self.process = None


def actor(node: Node, username: str, via: str = "demo") -> Actor:
    with node.ctx.engine.connect() as conn:
        row = user_store.by_name(conn, username)
    assert row is not None
    return actor_of(row, via=via)


def mesh(nodes: list[NodeProcess]) -> None:
    """Every node pins every other one."""
    for a in nodes:
        for b in nodes:
            if a is not b:
                a.pin(b)


def agree(nodes: list[NodeProcess], document: dict[str, Any]) -> None:
    """Every party's supervisor signs (the bundle handed from node to node through
    the library, as before the nodes are on the network); every officer activates."""
    agreement_id = document["agreement_id"]
    with nodes[0].open() as first:
        first.agreements.propose(actor(first, "officer"), document)
        bundle = first.agreements.sign(actor(first, "supervisor"), agreement_id, 1).to_dict()
    for other in nodes[1:]:
        with other.open() as node:
            node.agreements.receive(actor(node, "officer"), bundle)
            bundle = node.agreements.sign(actor(node, "supervisor"), agreement_id, 1).to_dict()
    for party in nodes:
        with party.open() as node:
            node.agreements.receive(actor(node, "officer"), bundle)
            node.agreements.move(actor(node, "officer"), agreement_id, "activate")


def parties(nodes: list[NodeProcess]) -> list[dict[str, str]]:
    out = []
    for n in nodes:
        with n.open() as node:
            out.append(
                {"node_id": node.info.node_id, "name": n.name, "public_key": node.info.public_key}
            )
    return out
