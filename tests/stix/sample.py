"""A realistic, obviously fictitious set of records for the STIX tests: the demo
generator's persons, passports, companies, vessels, vehicles, accounts and links,
plus one of each kind the generator does not make (a group, an address, a user
account, a note, a document, a wallet), records with every marking, an unmarked
one and a tombstone. Built with the node's own record builder (pure), no database.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from liaison.demo.generate import Generator
from liaison.model.markings import Classification
from liaison.model.records import Record
from liaison.model.roles import Actor, Role
from liaison.node.builder import RecordBuilder

NODE = "node-manila-0000000000000000000000000000000000000000000000000000"
PARTNER = "node-moscow-0000000000000000000000000000000000000000000000000000"
NAMES = {NODE: "Manila Fictitious Police", PARTNER: "Moscow Fictitious Police"}
ACTOR = Actor(1, "analyst", Role.ANALYST, Classification.SECRET)


def clock() -> Any:
    ticks = itertools.count()
    start = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
    return lambda: start + dt.timedelta(seconds=next(ticks))


EXTRA: list[tuple[dict[str, Any], dict[str, Any]]] = [
    (
        {
            "id": "group-1",
            "schema": "Organization",
            "properties": {
                "name": ["Fictitious Brotherhood of the Southern Isles"],
                "alias": ["FBSI"],
                "topics": ["crime.terror"],
                "email": ["contact@fbsi.example.org"],
                "website": ["https://fbsi.example.org/about"],
            },
        },
        {
            "crime_area": "terrorism",
            "markings": {"tlp": "AMBER", "pap": "GREEN", "handling": ["H3"], "h3_text": "no court"},
            "evaluation": {"scheme": "europol", "source": "B", "information": "2"},
        },
    ),
    (
        {
            "id": "cyber-1",
            "schema": "Organization",
            "properties": {"name": ["Fictitious Phishing Crew"]},
        },
        {"crime_area": "cybercrime", "markings": {"tlp": "GREEN", "pap": "AMBER"}},
    ),
    (
        {
            "id": "address-1",
            "schema": "Address",
            "properties": {
                "full": ["12 Fictitious Street, Quezon City"],
                "city": ["Quezon City"],
                "country": ["ph"],
                "latitude": ["14.6"],
                "longitude": ["121.0"],
            },
        },
        {"markings": {"tlp": "GREEN"}},
    ),
    (
        {"id": "address-2", "schema": "Address", "properties": {"full": ["Somewhere unknown"]}},
        {},
    ),
    (
        {
            "id": "account-1",
            "schema": "UserAccount",
            "properties": {
                "username": ["fictitious_handle"],
                "service": ["Telegram"],
                "email": ["handle@example.com"],
                "owner": ["demo-person-1"],
            },
        },
        {"markings": {"tlp": "AMBER", "classification": "RESTRICTED"}},
    ),
    (
        {
            "id": "note-1",
            "schema": "Note",
            "properties": {
                "name": ["Seen at the port"],
                "description": ["FICTITIOUS: seen boarding a ferry"],
                "entity": ["demo-person-1"],
            },
        },
        {"assertion": "assessment", "markings": {"tlp": "AMBER"}},
    ),
    (
        {
            "id": "document-1",
            "schema": "Document",
            "properties": {
                "fileName": ["ledger.pdf"],
                "contentHash": ["a9993e364706816aba3e25717850c26c9cd0d89d"],
                "mimeType": ["application/pdf"],
                "fileSize": ["2048"],
            },
        },
        {"markings": {"tlp": "AMBER+STRICT"}},
    ),
    (
        {
            "id": "wallet-1",
            "schema": "CryptoWallet",
            "properties": {
                "publicKey": ["bc1qfictitiousaddress0000000000000"],
                "currency": ["BTC"],
                "holder": ["demo-person-2"],
            },
        },
        {"markings": {"tlp": "RED"}, "purposes": ["investigation"]},
    ),
    (
        {
            "id": "membership-1",
            "schema": "Membership",
            "properties": {
                "member": ["demo-person-1"],
                "organization": ["group-1"],
                "role": ["courier"],
            },
        },
        {"markings": {"tlp": "AMBER"}, "review_due": "2027-06-01", "expires": "2029-01-01"},
    ),
    (
        {
            "id": "unmarked-1",
            "schema": "Person",
            "properties": {"name": ["Unmarked Fictitious Person"], "phone": ["+639171234567"]},
        },
        {},
    ),
    (
        {
            "id": "link-out-1",
            "schema": "Associate",
            "properties": {"person": ["demo-person-1"], "associate": ["someone-elsewhere"]},
        },
        {},
    ),
]


def records(count: int = 120, seed: int = 7) -> list[Record]:
    """The demo's entities with its envelopes, then the extra kinds and a tombstone."""
    builder = RecordBuilder(NODE, 3, clock())
    generator = Generator(seed)
    made = []
    for entity in generator.entities(count):
        made.append(builder.build(ACTOR, entity, generator.envelope())[0])
    for entity, envelope in EXTRA:
        made.append(builder.build(ACTOR, entity, envelope)[0])
    made[3] = made[3].tombstone("fictitious: entered in error", ACTOR.label, made[3].modified)
    return made


def partner_record() -> Record:
    """A received copy: a partner's person in the same export."""
    builder = RecordBuilder(PARTNER, 3, clock())
    entity = {"id": "p-1", "schema": "Person", "properties": {"name": ["Фиктивный Иван"]}}
    return builder.build(ACTOR, entity, {"markings": {"tlp": "GREEN"}})[0]
