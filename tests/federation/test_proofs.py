"""Inclusion proofs between partners and the audit bundle of a witnessed node,
over real HTTP between in-process nodes, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx2 as httpx
import pytest

from liaison.audit.bundle import parse, verify_bundle
from liaison.audit.witness import Status
from liaison.errors import Forbidden, PeerUnreachable
from liaison.model.identity import unb64
from liaison.node.proofs import Kind
from tests.conftest import PASSWORD, person
from tests.federation.conftest import ENVELOPE, Federation, agree


def witness_all(fed: Federation) -> None:
    for name in fed.members:
        asyncio.run(fed[name].node.witness.send(fed.clients))


@pytest.fixture
def shared(federation: Federation) -> tuple[Federation, str]:
    """manila shares a record with moscow; everyone's log is witnessed since."""
    agree("ph-ru", [federation["manila"], federation["moscow"]])
    manila = federation["manila"]
    record = manila.node.records.create(manila.team.analyst, person("Иван Петров"), ENVELOPE)
    federation.settle()
    witness_all(federation)
    return federation, record.record_id


def test_the_partner_proves_the_disclosure_and_the_receipt(shared: tuple[Federation, str]) -> None:
    fed, record = shared
    manila, moscow = fed["manila"], fed["moscow"]
    proved = moscow.node.proofs.prove(
        moscow.team.auditor, "manila", record, Kind.DISCLOSURE, clients=fed.clients
    )
    assert proved.ok, proved.reasons
    assert proved.entry.action == "federation.send" and proved.entry.object == moscow.node_id
    assert proved.cosigned_here  # proved in the very checkpoint moscow cosigned for manila
    receipt = manila.node.proofs.prove(
        manila.team.auditor, "moscow", record, Kind.RECEIPT, version=1, clients=fed.clients
    )
    assert receipt.ok and receipt.entry.action == "federation.receive"
    assert f"{record}@1" in str(receipt.entry.detail)


def test_nothing_is_proved_about_another_partner(shared: tuple[Federation, str]) -> None:
    fed, record = shared
    kl = fed["kuala-lumpur"]
    with pytest.raises(PeerUnreachable, match="no disclosure of it with you"):
        kl.node.proofs.prove(
            kl.team.auditor, "manila", record, Kind.DISCLOSURE, clients=fed.clients
        )
    with pytest.raises(Forbidden):
        kl.node.proofs.prove(
            kl.team.analyst, "manila", record, Kind.DISCLOSURE, clients=fed.clients
        )


def test_the_bundle_verifies_with_the_witnesses_keys(
    shared: tuple[Federation, str], tmp_path: Path
) -> None:
    fed, _ = shared
    manila = fed["manila"]
    path = tmp_path / "manila.bundle"
    header = manila.node.witness.export_bundle(manila.team.auditor, path)
    assert {w.name for w in header.witnesses} == {"moscow", "kuala-lumpur"}
    with path.open("rb") as lines:
        bundle = parse(lines)
    keys = {n: unb64(fed[n].node.info.public_key) for n in ("moscow", "kuala-lumpur")}
    report = verify_bundle(bundle, keys, unb64(manila.node.info.public_key))
    assert report.ok, report
    assert {f.status for f in report.witnesses} == {Status.OK}


def test_the_witness_routes(shared: tuple[Federation, str]) -> None:
    fed, _ = shared
    manila = fed["manila"]
    token = manila.node.accounts.login("auditor", PASSWORD).token
    headers = {"Authorization": f"Bearer {token}"}

    async def call() -> tuple[httpx.Response, httpx.Response]:
        transport = httpx.ASGITransport(app=manila.app)
        async with httpx.AsyncClient(transport=transport, base_url=manila.url) as client:
            state = await client.get("/api/v1/audit/witnesses", headers=headers)
            refused = await client.get("/api/v1/audit/witnesses/evidence", headers=headers)
            return state, refused

    state, evidence = asyncio.run(call())
    assert state.status_code == 200, state.text
    assert {w["witness"] for w in state.json()} == {"moscow", "kuala-lumpur"}
    assert all(w["size"] and w["unwitnessed"] >= 0 for w in state.json())
    assert evidence.status_code == 200 and evidence.json() == []
