"""Fixture strategy.

Federation tests run several real nodes in one process, each with its own
key, users and database (SQLite files, or PostgreSQL schemas of their own),
talking real HTTP to each other's real FastAPI apps through
``httpx.ASGITransport``. Nothing is mocked; a peer "down" or "partitioned"
is one whose transport raises a connection error, the way a dead socket
would. Real processes on loopback, killed with SIGKILL, are in
``test_faults.py``.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI

from liaison.api.app import create_app
from liaison.model.roles import Role
from liaison.node import SYSTEM, Node, init_node
from liaison.node.courier import Courier
from liaison.settings import Settings
from tests.conftest import PASSWORD, PG_URL, Team, actor_named


@dataclass
class Member:
    name: str
    node: Node
    team: Team
    app: FastAPI
    url: str

    @property
    def node_id(self) -> str:
        return self.node.ctx.node_id


@dataclass
class AsgiClients:
    """HTTP clients that reach the members' apps in process; peers in ``down``
    fail to connect, as a dead or partitioned node would."""

    apps: dict[str, FastAPI]
    down: set[str] = field(default_factory=set)

    def client(self, peer: Any) -> httpx.AsyncClient:
        if peer.url in self.down:
            return httpx.AsyncClient(transport=_Refusing(), base_url=peer.url)
        transport = httpx.ASGITransport(app=self.apps[peer.url])
        return httpx.AsyncClient(transport=transport, base_url=peer.url)

    async def aclose(self) -> None:
        return None


class _Refusing(httpx.AsyncBaseTransport):
    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)


class Federation:
    def __init__(self, members: dict[str, Member]) -> None:
        self.members = members
        self.clients = AsgiClients({m.url: m.app for m in members.values()})

    def __getitem__(self, name: str) -> Member:
        return self.members[name]

    def courier(self, name: str) -> Courier:
        member = self.members[name]
        return Courier(member.node.federation, member.node.ctx.settings, self.clients)

    def push(self, name: str) -> int:
        return asyncio.run(self.courier(name).push(force=True))

    def pull(self, name: str) -> int:
        return asyncio.run(self.courier(name).pull())

    def settle(self, rounds: int = 10) -> None:
        """Push from every node until nothing moves (bounded)."""
        for _ in range(rounds):
            if not sum(self.push(name) for name in self.members):
                return
        raise AssertionError("the federation did not settle")

    def link(self, *names: str) -> None:
        """Every named member pins every other one."""
        for a in names:
            for b in names:
                if a != b:
                    other = self.members[b]
                    self.members[a].node.federation.add_peer(
                        self.members[a].team.admin, b, other.url, other.node.info.public_key
                    )


@pytest.fixture
def node_url(
    request: pytest.FixtureRequest, tmp_path: Path, db_url: str, pg_problem: str | None
) -> Iterator[Callable[[str], str]]:
    """Database URLs for several nodes on the backend of this test run."""
    made: list[str] = []

    def url(name: str) -> str:
        if db_url.startswith("sqlite"):
            return f"sqlite:///{tmp_path / f'{name}.db'}"
        schema = f"f_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
        made.append(schema)
        return f"{PG_URL}?options=-csearch_path%3D{schema}"

    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    yield url
    if made:
        with admin.connect() as conn:
            for schema in made:
                conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def member(tmp_path: Path, name: str, url: str, **settings: Any) -> Member:
    config = Settings(
        data_dir=tmp_path / name,
        database_url=url,
        node_name=name,
        argon2_time_cost=1,
        argon2_memory_kib=8192,
        audit_checkpoint_every=50,
        federation_allow_http=True,
        federation_batch_size=settings.pop("federation_batch_size", 50),
        **settings,
    )
    init_node(config)
    node = Node.open(config)
    node.accounts.bootstrap_admin(SYSTEM, "admin", PASSWORD)
    admin = actor_named(node, "admin")
    people = {
        "analyst": (Role.ANALYST, "SECRET"),
        "junior": (Role.ANALYST, "RESTRICTED"),
        "officer": (Role.LIAISON_OFFICER, "SECRET"),
        "supervisor": (Role.SUPERVISOR, "SECRET"),
        "auditor": (Role.AUDITOR, "TOP_SECRET"),
    }
    for user, (role, clearance) in people.items():
        node.accounts.create_user(admin, user, PASSWORD, role, clearance)
    team = Team(admin, *(actor_named(node, user) for user in people))
    return Member(name, node, team, create_app(config, node), f"http://{name}.test")


@pytest.fixture
def federation(tmp_path: Path, node_url: Callable[[str], str]) -> Iterator[Federation]:
    """Three linked members: manila, moscow, kuala-lumpur."""
    names = ("manila", "moscow", "kuala-lumpur")
    fed = Federation({n: member(tmp_path, n, node_url(n)) for n in names})
    fed.link(*names)
    yield fed
    for m in fed.members.values():
        m.node.close()


def agreement_doc(agreement_id: str, parties: list[Member], **changes: Any) -> dict[str, Any]:
    named = [
        {"node_id": m.node_id, "name": m.name, "public_key": m.node.info.public_key}
        for m in parties
    ]
    return agreement_doc_for(agreement_id, named, **changes)


def agreement_doc_for(
    agreement_id: str, parties: list[dict[str, str]], **changes: Any
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "agreement_id": agreement_id,
        "title": f"FICTITIOUS test agreement {agreement_id}",
        "parties": parties,
        "scope": {
            "schemata": ["Person", "LegalEntity", "Passport", "Vessel"],
            "crime_areas": ["human_trafficking", "terrorism", "drug_trafficking"],
            "subject_categories": ["suspect", "convicted", "victim", "other"],
        },
        "purposes": ["cross_check", "investigation"],
        "max_classification": "CONFIDENTIAL",
        "tlp": ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT"],
        "handling": ["H0", "H1", "H2", "H3"],
        "onward": "with_consent",
        "retention": {"nominal": "5y"},
        "hit_only": ["victim"],
        "effective_from": "2020-01-01",
        "on_end": "recall",
    }
    doc.update(changes)
    return doc


def agree(agreement_id: str, parties: list[Member], **changes: Any) -> None:
    """Every party signs (bundles handed over by the library) and activates."""
    first = parties[0]
    first.node.agreements.propose(
        first.team.officer, agreement_doc(agreement_id, parties, **changes)
    )
    bundle = first.node.agreements.sign(first.team.supervisor, agreement_id, 1).to_dict()
    for other in parties[1:]:
        other.node.agreements.receive(other.team.officer, bundle)
        bundle = other.node.agreements.sign(other.team.supervisor, agreement_id, 1).to_dict()
    for party in parties:
        party.node.agreements.receive(party.team.officer, bundle)
        party.node.agreements.move(party.team.officer, agreement_id, "activate")


ENVELOPE = {
    "crime_area": "human_trafficking",
    "subject_category": "suspect",
    "markings": {"tlp": "AMBER", "handling": ["H0"]},
}
