"""Identifier lookup (``node.records.lookup``): any spelling of an identifier finds
the records that hold it, within what the user may see, and every lookup is
audited as a search. The node's default country is PH here."""

from __future__ import annotations

import pytest

from liaison.errors import Forbidden, InvalidInput, NotFound
from liaison.node import Node
from liaison.settings import Settings
from tests.conftest import Team, person

PHONE = "+639171234567"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"default_country": "PH"})


def _ids(node: Node, team: Team, text: str, country: str | None = None) -> list[str]:
    found = node.records.lookup(team.analyst, text, country)
    return [item["record_id"] for item in found.items]


def test_a_phone_in_three_spellings_finds_the_same_record(node: Node, team: Team) -> None:
    juan = node.records.create(team.analyst, person("Juan dela Cruz", phone=[PHONE]), {})
    node.records.create(team.analyst, person("Pedro Penduko", phone=["+639181234567"]), {})
    for spelling in ("0917 123 4567", "+63 917 123 4567", PHONE, "(0917) 123-4567"):
        assert _ids(node, team, spelling) == [juan.record_id], spelling
    found = node.records.lookup(team.analyst, "0917 123 4567")
    assert found.country == "PH"
    assert ("phone", PHONE) in {(r.kind.value, r.value) for r in found.readings}
    assert found.items[0]["matched"] == [f"phone:{PHONE}"]
    assert found.items[0]["caption"] == "Juan dela Cruz"


def test_a_country_given_overrides_the_default(node: Node, team: Team) -> None:
    moscow = node.records.create(team.analyst, person("Иван Петров", phone=["+74951234567"]), {})
    assert _ids(node, team, "8 495 123-45-67", "Russia") == [moscow.record_id]
    assert _ids(node, team, "+7 495 123 45 67") == [moscow.record_id]
    with pytest.raises(InvalidInput) as refused:
        node.records.lookup(team.analyst, "0917 123 4567", "Narnia")
    assert refused.value.field == "country"


def test_passport_iban_and_email_however_written(node: Node, team: Team) -> None:
    holder = node.records.create(
        team.analyst,
        person("Maria Clara", passportNumber=["P1234567A"], email=["Maria.Clara@Example.PH"]),
        {},
    )
    account = node.records.create(
        team.analyst,
        {"schema": "BankAccount", "properties": {"iban": ["GB82WEST12345698765432"]}},
        {},
    )
    assert _ids(node, team, "p 1234567 a") == [holder.record_id]
    assert _ids(node, team, "P-1234567-A") == [holder.record_id]
    assert _ids(node, team, "maria.clara@example.ph") == [holder.record_id]
    assert _ids(node, team, "MARIA.CLARA@EXAMPLE.PH") == [holder.record_id]
    assert _ids(node, team, "GB82 WEST 1234 5698 7654 32") == [account.record_id]
    assert _ids(node, team, "IBAN gb82 west 1234 5698 7654 32") == [account.record_id]


def test_vessels_and_wallets(node: Node, team: Team) -> None:
    vessel = node.records.create(
        team.analyst,
        {"schema": "Vessel", "properties": {"name": ["Ocean Star"], "imoNumber": ["9074729"]}},
        {},
    )
    wallet = node.records.create(
        team.analyst,
        {
            "schema": "CryptoWallet",
            "properties": {"publicKey": ["0x52908400098527886E0F7030069857D2E4169EE7"]},
        },
        {},
    )
    assert _ids(node, team, "IMO 9074729") == [vessel.record_id]
    assert _ids(node, team, "0x52908400098527886e0f7030069857d2e4169ee7") == [wallet.record_id]


def test_a_record_above_the_users_clearance_is_not_returned(node: Node, team: Team) -> None:
    secret = node.records.create(
        team.analyst,
        person("Juan dela Cruz", phone=[PHONE]),
        {"markings": {"classification": "SECRET"}},
    )
    open_ = node.records.create(
        team.analyst,
        person("Juan Santos", phone=[PHONE]),
        {"markings": {"classification": "RESTRICTED"}},
    )
    assert _ids(node, team, PHONE) == [secret.record_id, open_.record_id]
    found = node.records.lookup(team.junior, PHONE)  # cleared to RESTRICTED
    assert [item["record_id"] for item in found.items] == [open_.record_id]
    with pytest.raises(NotFound):
        node.records.get(team.junior, secret.record_id)


def test_tlp_red_only_for_its_author(node: Node, team: Team) -> None:
    red = node.records.create(
        team.supervisor, person("Juan dela Cruz", phone=[PHONE]), {"markings": {"tlp": "RED"}}
    )
    assert node.records.lookup(team.analyst, PHONE).items == []
    assert [i["record_id"] for i in node.records.lookup(team.supervisor, PHONE).items] == [
        red.record_id
    ]


def test_the_index_follows_updates_and_deletions(node: Node, team: Team) -> None:
    juan = node.records.create(team.analyst, person("Juan dela Cruz", phone=[PHONE]), {})
    node.records.update(
        team.analyst, juan.record_id, person("Juan dela Cruz", phone=["+639181234567"]), None, 1
    )
    assert _ids(node, team, PHONE) == []
    assert _ids(node, team, "0918 123 4567") == [juan.record_id]
    node.records.delete(team.analyst, juan.record_id, "entered in error")
    assert _ids(node, team, "0918 123 4567") == []


def test_every_lookup_is_audited_as_a_search(node: Node, team: Team) -> None:
    juan = node.records.create(team.analyst, person("Juan dela Cruz", phone=[PHONE]), {})
    node.records.lookup(team.analyst, "0917 123 4567")
    node.records.lookup(team.junior, "+63 918 000 0000")
    entries = [e for e in node.audit.entries(team.auditor) if e.action == "record.search"]
    assert [e.actor for e in entries] == [team.analyst.label, team.junior.label]
    first = entries[0].detail
    assert first["filter"] == {"identifier": "0917 123 4567", "country": "PH"}
    assert f"phone:{PHONE}" in first["read_as"]
    assert first["returned"] == 1 and first["results"] == [juan.record_id]
    assert entries[1].detail["returned"] == 0
    assert node.audit.verify(team.auditor).ok


def test_text_that_is_no_identifier_is_refused_with_a_reason(node: Node, team: Team) -> None:
    with pytest.raises(InvalidInput) as refused:
        node.records.lookup(team.analyst, "Juan dela Cruz")
    assert (
        refused.value.field == "identifier" and "not read as an identifier" in refused.value.reason
    )


def test_administrators_may_not_look_up(node: Node, team: Team) -> None:
    with pytest.raises(Forbidden):
        node.records.lookup(team.admin, PHONE)
    denied = [e for e in node.audit.entries(team.auditor) if e.action == "record.search"]
    assert denied[-1].result == "denied"


def test_pages_follow_the_cursor(node: Node, team: Team) -> None:
    made = [
        node.records.create(team.analyst, person(f"Juan {n}", phone=[PHONE]), {}).record_id
        for n in range(5)
    ]
    first = node.records.lookup(team.analyst, PHONE, None, None, 3)
    assert [i["record_id"] for i in first.items] == made[:3] and first.next_cursor
    rest = node.records.lookup(team.analyst, PHONE, None, first.next_cursor, 3)
    assert [i["record_id"] for i in rest.items] == made[3:] and rest.next_cursor is None
