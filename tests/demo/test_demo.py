"""The demo's data is fictitious, valid, and loads into a working node."""

from __future__ import annotations

from pathlib import Path

from liaison.demo.__main__ import setup
from liaison.demo.agreement import AGREEMENT_ID
from liaison.demo.generate import NOTE, Generator
from liaison.model.entities import parse_entity
from liaison.node import Node
from liaison.settings import Settings
from liaison.storage.records import RecordFilter
from tests.conftest import actor_named


def test_generated_entities_are_valid_and_marked_fictitious() -> None:
    generator = Generator(seed=3)
    entities = list(generator.entities(400))
    schemata = {e["schema"] for e in entities}
    assert {"Person", "Passport", "Company", "Associate"} <= schemata
    scripts = {"cyrillic": False, "arabic": False}
    for entity in entities:
        proxy = parse_entity(entity, entity["id"])
        if entity["schema"] == "Person":
            assert proxy.get("notes") == [NOTE]
            name = proxy.get("name")[0]
            scripts["cyrillic"] |= any("\u0400" <= c <= "\u04ff" for c in name)
            scripts["arabic"] |= any("\u0600" <= c <= "\u06ff" for c in name)
    assert all(scripts.values())
    assert [e["id"] for e in Generator(seed=3).entities(50)] == [e["id"] for e in entities[:50]]


def test_demo_setup_builds_a_node(tmp_path: Path) -> None:
    settings, passwords = setup(tmp_path / "manila", entities=150)
    assert set(passwords) == {"admin", "analyst", "officer", "supervisor", "auditor"}
    node = Node.open(settings)
    try:
        analyst = actor_named(node, "analyst")
        page = node.records.search(analyst, RecordFilter(include_deleted=True), None, 500)
        assert len(page.items) >= 100
        assert any(item["deleted"] for item in page.items)
        assert node.audit.verify(actor_named(node, "auditor")).ok
        assert node.accounts.login("analyst", passwords["analyst"]).actor.username == "analyst"
        officer = actor_named(node, "officer")
        agreement = node.agreements.get(officer, AGREEMENT_ID)
        assert agreement.state.value == "active" and not agreement.unsigned
        assert len(node.policy.queue(actor_named(node, "auditor"))) >= 1
    finally:
        node.close()
    partner = Node.open(Settings(data_dir=tmp_path / "moscow"))
    try:
        theirs = partner.agreements.get(actor_named(partner, "officer"), AGREEMENT_ID)
        assert theirs.state.value == "active" and theirs.document.hash == agreement.document.hash
    finally:
        partner.close()
