"""The demo's second party and the agreement between the two nodes.

``moscow`` is a second real node (own key, database and users) in the demo
directory. Both sides sign the same agreement with their node keys, the
bundle travelling as it would between agencies before federation carries
it, and both activate it.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from liaison.model.roles import Actor
from liaison.node import SYSTEM, Node, init_node
from liaison.node.accounts import actor_of
from liaison.settings import Settings
from liaison.storage import users as user_store

AGREEMENT_ID = "ph-ru-demo-2026"


def demo_actor(node: Node, username: str) -> Actor:
    """A demo user as an actor (the demo acts on the library, not over HTTP)."""
    with node.ctx.engine.connect() as conn:
        row = user_store.by_name(conn, username)
    assert row is not None
    return actor_of(row, via="demo")


def document(manila: Node, moscow: Node) -> dict[str, Any]:
    return {
        "agreement_id": AGREEMENT_ID,
        "title": "FICTITIOUS demo: Manila–Moscow exchange on transnational crime",
        "parties": [
            {"node_id": n.info.node_id, "name": n.ctx.name, "public_key": n.info.public_key}
            for n in (manila, moscow)
        ],
        "scope": {
            "schemata": ["Person", "Passport", "LegalEntity", "Vessel", "Vehicle"],
            "crime_areas": [
                "terrorism",
                "human_trafficking",
                "migrant_smuggling",
                "drug_trafficking",
                "firearms_trafficking",
                "money_laundering",
                "piracy",
            ],
            "subject_categories": ["suspect", "convicted", "victim", "witness", "other"],
        },
        "purposes": ["cross_check", "investigation", "operational_analysis"],
        "max_classification": "CONFIDENTIAL",
        "tlp": ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT"],
        "handling": ["H0", "H1", "H2", "H3"],
        "onward": "with_consent",
        "retention": {"default": "10y", "nominal": "5y", "victim": "3y"},
        "hit_only": ["victim", "witness"],
        "exclusions": ["topic:role.spy"],
        "effective_from": "2026-01-01",
        "on_end": "recall",
    }


def partner_and_agreement(manila: Node, data_dir: Path) -> str:
    """Create ``moscow`` next to ``manila``, sign the agreement on both sides, activate
    it; return moscow's node id. Moscow's passwords are not needed by the demo and
    are not printed."""
    settings = Settings(data_dir=data_dir, node_name="moscow")
    init_node(settings)
    moscow = Node.open(settings)
    passwords = {name: secrets.token_urlsafe(16) for name in ("admin", "officer", "supervisor")}
    moscow.accounts.bootstrap_admin(SYSTEM, "admin", passwords["admin"])
    admin = demo_actor(moscow, "admin")
    moscow.accounts.create_user(admin, "officer", passwords["officer"], "liaison_officer", "SECRET")
    moscow.accounts.create_user(
        admin, "supervisor", passwords["supervisor"], "supervisor", "SECRET"
    )
    ours = (demo_actor(manila, "officer"), demo_actor(manila, "supervisor"))
    theirs = (demo_actor(moscow, "officer"), demo_actor(moscow, "supervisor"))
    manila.agreements.propose(ours[0], document(manila, moscow))
    bundle = manila.agreements.sign(ours[1], AGREEMENT_ID, 1).to_dict()
    moscow.agreements.receive(theirs[0], bundle)
    back = moscow.agreements.sign(theirs[1], AGREEMENT_ID, 1).to_dict()
    manila.agreements.receive(ours[0], back)
    manila.agreements.move(ours[0], AGREEMENT_ID, "activate")
    moscow.agreements.move(theirs[0], AGREEMENT_ID, "activate")
    partner_id = moscow.info.node_id
    moscow.close()
    return partner_id
