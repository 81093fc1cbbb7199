"""Agreement use cases on a real node (SQLite and PostgreSQL), and a full
exchange of signatures with a second real node."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from liaison.errors import Conflict, Forbidden, InvalidInput, InvalidSignature
from liaison.model.identity import NodeKey
from liaison.node import SYSTEM, Node, init_node
from liaison.policy import agreements as rules
from liaison.settings import Settings
from tests.conftest import PASSWORD, Team, actor_named, person

PARTNER = NodeKey.generate()  # a partner agency's key, signing with real Ed25519


def agreement_doc(node: Node, partner: str, partner_key: str, **changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "agreement_id": "ph-ru-2026",
        "title": "Manila–Moscow exchange on trafficking",
        "parties": [
            {"node_id": node.ctx.node_id, "name": "manila", "public_key": node.info.public_key},
            {"node_id": partner, "name": "moscow", "public_key": partner_key},
        ],
        "scope": {
            "schemata": ["Person", "LegalEntity", "Passport"],
            "crime_areas": ["human_trafficking", "terrorism"],
            "subject_categories": ["suspect", "convicted", "other"],
        },
        "purposes": ["cross_check", "investigation"],
        "max_classification": "CONFIDENTIAL",
        "tlp": ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"],
        "handling": ["H0", "H1", "H2", "H3"],
        "onward": "with_consent",
        "retention": {"nominal": "5y"},
        "effective_from": "2020-01-01",
    }
    doc.update(changes)
    return doc


def partner_signature(node: Node, version: int = 1) -> dict[str, str]:
    agreement = node.agreements.get(SYSTEM, "ph-ru-2026", version)
    return {PARTNER.node_id: PARTNER.sign(agreement.document.signing_payload())}


def active_agreement(node: Node, team: Team, **changes: Any) -> None:
    node.agreements.propose(
        team.officer, agreement_doc(node, PARTNER.node_id, PARTNER.public_key, **changes)
    )
    node.agreements.sign(team.supervisor, "ph-ru-2026", 1)
    bundle = {
        "document": node.agreements.get(SYSTEM, "ph-ru-2026").document.to_dict(),
        "signatures": partner_signature(node),
    }
    node.agreements.receive(team.officer, bundle)
    node.agreements.move(team.officer, "ph-ru-2026", "activate")


@pytest.fixture
def moscow(tmp_path: Path) -> Iterator[tuple[Node, Team]]:
    """A second real node (SQLite) with its own key, users and database."""
    settings = Settings(
        data_dir=tmp_path / "moscow",
        node_name="moscow",
        argon2_time_cost=1,
        argon2_memory_kib=8192,
    )
    init_node(settings)
    other = Node.open(settings)
    other.accounts.bootstrap_admin(SYSTEM, "admin", PASSWORD)
    admin = actor_named(other, "admin")
    from liaison.model.roles import Role

    other.accounts.create_user(admin, "officer", PASSWORD, Role.LIAISON_OFFICER, "SECRET")
    other.accounts.create_user(admin, "supervisor", PASSWORD, Role.SUPERVISOR, "SECRET")
    officer, supervisor = actor_named(other, "officer"), actor_named(other, "supervisor")
    yield other, Team(admin, officer, officer, officer, supervisor, officer)
    other.close()


def test_two_nodes_sign_and_activate(node: Node, team: Team, moscow: tuple[Node, Team]) -> None:
    other, staff = moscow
    doc = agreement_doc(node, other.ctx.node_id, other.info.public_key)
    node.agreements.propose(team.officer, doc)
    mine = node.agreements.sign(team.supervisor, "ph-ru-2026", 1)
    assert [p.name for p in mine.unsigned] == ["moscow"]
    theirs = other.agreements.receive(staff.officer, mine.to_dict())
    assert set(theirs.signatures) == {node.ctx.node_id}
    theirs = other.agreements.sign(staff.supervisor, "ph-ru-2026", 1)
    back = node.agreements.receive(team.officer, theirs.to_dict())
    assert not back.unsigned
    assert node.agreements.move(team.officer, "ph-ru-2026", "activate").state.value == "active"
    assert other.agreements.move(staff.officer, "ph-ru-2026", "activate").state.value == "active"
    actions = [e.action for e in node.audit.entries(team.auditor, limit=500)]
    assert actions.count("agreement.sign") == 2 and "agreement.activate" in actions


def test_activate_refused_until_every_party_signed(node: Node, team: Team) -> None:
    node.agreements.propose(team.officer, agreement_doc(node, PARTNER.node_id, PARTNER.public_key))
    node.agreements.sign(team.supervisor, "ph-ru-2026", 1)
    with pytest.raises(Conflict, match=f"missing: moscow \\({PARTNER.node_id}\\)"):
        node.agreements.move(team.officer, "ph-ru-2026", "activate")
    with pytest.raises(Conflict, match="already signed"):
        node.agreements.sign(team.supervisor, "ph-ru-2026", 1)


def test_wrong_key_and_tampered_document_are_refused(node: Node, team: Team) -> None:
    proposed = node.agreements.propose(
        team.officer, agreement_doc(node, PARTNER.node_id, PARTNER.public_key)
    )
    stranger = NodeKey.generate()
    forged = {PARTNER.node_id: stranger.sign(proposed.document.signing_payload())}
    with pytest.raises(InvalidSignature, match="not a valid signature"):
        node.agreements.receive(
            team.officer, {"document": proposed.document.to_dict(), "signatures": forged}
        )
    tampered = proposed.document.to_dict()
    tampered["max_classification"] = "TOP_SECRET"
    with pytest.raises(Conflict, match="not the same document"):
        node.agreements.receive(team.officer, {"document": tampered, "signatures": {}})
    assert node.agreements.get(team.officer, "ph-ru-2026").signatures == {}  # nothing half-written


def test_amendment_supersedes_and_old_signatures_do_not_replay(node: Node, team: Team) -> None:
    active_agreement(node, team)
    v1 = node.agreements.get(team.officer, "ph-ru-2026")
    amended = v1.document.to_dict() | {
        "version": 2,
        "previous_hash": v1.document.hash,
        "max_classification": "SECRET",
    }
    with pytest.raises(InvalidInput, match="previous_hash"):
        node.agreements.propose(team.officer, amended | {"previous_hash": "0" * 64})
    node.agreements.propose(team.officer, amended)
    replay = {"document": amended, "signatures": partner_signature(node, 1)}  # v1's signature
    with pytest.raises(InvalidSignature):
        node.agreements.receive(team.officer, replay)
    # while the amendment waits for signatures, v1 stays in force and can be suspended
    assert (
        node.agreements.move(team.officer, "ph-ru-2026", "suspend", "review").document.version == 1
    )
    node.agreements.move(team.officer, "ph-ru-2026", "resume")
    node.agreements.sign(team.supervisor, "ph-ru-2026", 2)
    node.agreements.receive(
        team.officer, {"document": amended, "signatures": partner_signature(node, 2)}
    )
    with pytest.raises(Forbidden):  # supervisors sign; they do not also put it in force
        node.agreements.move(team.supervisor, "ph-ru-2026", "activate")
    node.agreements.move(team.officer, "ph-ru-2026", "activate")
    assert node.agreements.get(team.officer, "ph-ru-2026", 1).state.value == "superseded"
    changes = node.agreements.diff(team.officer, "ph-ru-2026", 1, 2)
    assert any(c.startswith("max_classification: CONFIDENTIAL → SECRET") for c in changes)
    assert any(c.startswith("version: 1 → 2") for c in changes)


def test_roles_and_reasons(node: Node, team: Team) -> None:
    doc = agreement_doc(node, PARTNER.node_id, PARTNER.public_key)
    with pytest.raises(Forbidden):
        node.agreements.propose(team.analyst, doc)
    node.agreements.propose(team.officer, doc)
    with pytest.raises(Forbidden):
        node.agreements.sign(team.officer, "ph-ru-2026", 1)  # supervisors sign for the agency
    with pytest.raises(InvalidInput, match="reason"):
        node.agreements.move(team.officer, "ph-ru-2026", "suspend", reason=" ")
    stranger = NodeKey.generate()
    foreign = agreement_doc(node, PARTNER.node_id, PARTNER.public_key)
    foreign["parties"][0] = {
        "node_id": stranger.node_id,
        "name": "other",
        "public_key": stranger.public_key,
    }
    with pytest.raises(InvalidInput, match="not a party"):
        node.agreements.propose(team.officer, foreign | {"agreement_id": "other-2026"})


def test_suspension_stops_flows_at_once(node: Node, team: Team) -> None:
    active_agreement(node, team)
    entity = person("Мария Соколова")
    record = node.records.create(
        team.analyst, entity, {"crime_area": "human_trafficking", "subject_category": "suspect"}
    )
    explain = node.policy.explain
    assert (
        explain(team.officer, record.record_id, PARTNER.node_id).decision.outcome.label
        == "allow full"
    )
    node.agreements.move(team.officer, "ph-ru-2026", "suspend", reason="partner under review")
    refused = explain(team.officer, record.record_id, PARTNER.node_id).decision
    assert not refused.allowed and refused.denials[0].rule.value == "agreement"
    node.agreements.move(team.officer, "ph-ru-2026", "resume")
    assert explain(team.officer, record.record_id, PARTNER.node_id).decision.allowed
    node.agreements.move(team.officer, "ph-ru-2026", "terminate", reason="agreement ended")
    assert not explain(team.officer, record.record_id, PARTNER.node_id).decision.allowed
    with pytest.raises(Conflict, match="terminated"):
        node.agreements.move(team.officer, "ph-ru-2026", "activate")


def test_terminated_stays_terminated_and_refusals_are_logged(node: Node, team: Team) -> None:
    active_agreement(node, team)
    node.agreements.move(team.officer, "ph-ru-2026", "terminate", reason="partnership ended")
    v1 = node.agreements.get(team.officer, "ph-ru-2026")
    revived = v1.document.to_dict() | {"version": 2, "previous_hash": v1.document.hash}
    with pytest.raises(Conflict, match="terminated; it cannot be amended"):
        node.agreements.propose(team.officer, revived)
    payload = v1.document.signing_payload()
    padded = "!!!" + PARTNER.sign(payload)  # base64 decoders skip junk; we do not
    with pytest.raises(InvalidSignature):
        rules.check_signature(v1.document, PARTNER.node_id, padded)
    with pytest.raises(InvalidInput, match="version"):
        node.agreements.propose(team.officer, revived | {"version": 2**40})
    other = agreement_doc(node, PARTNER.node_id, PARTNER.public_key, agreement_id="ph-ru-2027")
    forged = {PARTNER.node_id: NodeKey.generate().sign(payload)}
    with pytest.raises(InvalidSignature):
        node.agreements.receive(team.officer, {"document": other, "signatures": forged})
    rejected = [e for e in node.audit.entries(team.auditor, limit=500) if e.result == "rejected"]
    assert [e.action for e in rejected] == ["agreement.sign"]
    assert "not a valid signature" in rejected[0].detail["reason"]
