"""Fixture strategy.

The policy core is pure: no database, no clock, no network, so these tests
need no fixtures from ``tests/conftest.py``. They build real agreement
documents with ``parse_document`` between real Ed25519 node keys, sign them
with those keys, move them through ``transition`` and decide on real
``RecordFacts``; nothing is mocked. The node keys are made once, at import,
from fixed seeds: the names and seeds are fictitious, and fixed seeds let one
test pin the canonical hash of a document (what parties sign must never drift).
The day is always passed in (``TODAY``). The helpers are plain functions, not
fixtures, so that table rows and hypothesis strategies share them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from liaison.model.grading import Evaluation, Scheme
from liaison.model.identity import NodeKey
from liaison.model.markings import TLP, Classification, HandlingCode
from liaison.model.vocab import CrimeArea, SubjectCategory
from liaison.policy.agreements import (
    Agreement,
    AgreementDocument,
    AgreementState,
    add_signature,
    parse_document,
    supersede,
    transition,
)
from liaison.policy.decide import Neutrality, RecordFacts, schemata_of

TODAY = dt.date(2026, 3, 15)


def fixed_key(name: str) -> NodeKey:
    seed = hashlib.sha256(f"liaison-test-node:{name}".encode()).digest()
    return NodeKey(Ed25519PrivateKey.from_private_bytes(seed))


MANILA = fixed_key("manila")
MOSCOW = fixed_key("moscow")
KUALA_LUMPUR = fixed_key("kuala-lumpur")
JAKARTA = fixed_key("jakarta")
BANGKOK = fixed_key("bangkok")
NODES = (MANILA, MOSCOW, KUALA_LUMPUR, JAKARTA, BANGKOK)
NAMES = dict(zip(NODES, ("Manila", "Moscow", "Kuala Lumpur", "Jakarta", "Bangkok"), strict=True))
KEYS = {key.node_id: key for key in NODES}


def party(key: NodeKey) -> dict[str, str]:
    return {"node_id": key.node_id, "name": f"{NAMES[key]} node", "public_key": key.public_key}


def terms(*keys: NodeKey, **overrides: Any) -> dict[str, Any]:
    """A broad agreement between ``keys`` (Manila and Moscow by default), as JSON."""
    data: dict[str, Any] = {
        "agreement_id": "ph-ru-2026",
        "version": 1,
        "title": "Manila–Moscow exchange on terrorism and trafficking",
        "parties": [party(k) for k in keys or (MANILA, MOSCOW)],
        "scope": {
            "schemata": ["Person", "Organization", "Passport", "Vessel"],
            "crime_areas": ["terrorism", "drug_trafficking", "piracy"],
            "subject_categories": [c.value for c in SubjectCategory],
        },
        "purposes": ["cross_check", "operational_analysis", "alert", "investigation"],
        "max_classification": "SECRET",
        "tlp": ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"],
        "handling": ["H0", "H1", "H2", "H3"],
        "onward": "within_parties",
        "retention": {"default": "10y", "nominal": "5y"},
        "effective_from": "2026-01-01",
    }
    scope = overrides.pop("scope", {})
    data["scope"] = {**data["scope"], **scope}
    data.update(overrides)
    return data


def document(*keys: NodeKey, **overrides: Any) -> AgreementDocument:
    return parse_document(terms(*keys, **overrides))


def signed(doc: AgreementDocument) -> Agreement:
    """The draft signed by every party with its own key."""
    agreement = Agreement(doc)
    for p in doc.parties:
        agreement = add_signature(agreement, p.node_id, KEYS[p.node_id].sign(doc.signing_payload()))
    return agreement


def agreement(
    *keys: NodeKey, state: AgreementState = AgreementState.ACTIVE, **overrides: Any
) -> Agreement:
    """A signed agreement brought to ``state`` through the real life cycle."""
    current = signed(document(*keys, **overrides))
    if state is not AgreementState.DRAFT:
        current = transition(current, AgreementState.ACTIVE)
    if state is AgreementState.SUPERSEDED:
        return supersede(current)  # what activating an amendment does to this version
    if state is not current.state:
        current = transition(current, state)
    return current


BASE_FACTS = RecordFacts(
    record_id="rec-0001",
    schema="Person",
    schemata=schemata_of("Person"),
    originator=MANILA.node_id,
    crime_area=CrimeArea.TERRORISM,
    category=SubjectCategory.SUSPECT,
    classification=Classification.RESTRICTED,
    tlp=TLP.GREEN,
    handling=frozenset({HandlingCode.H0}),
    h3_text=None,
    evaluation=Evaluation(Scheme.ADMIRALTY, "B", "2"),
    created=TODAY - dt.timedelta(days=400),
    review_due=TODAY + dt.timedelta(days=400),
    expires=None,
    created_by="analyst",
    neutrality=Neutrality.NOT_FLAGGED,
)


def facts(**overrides: Any) -> RecordFacts:
    """A record held by Manila (its own by default) with ``overrides`` applied."""
    if "schema" in overrides:
        overrides.setdefault("schemata", schemata_of(overrides["schema"]))
    return replace(BASE_FACTS, **overrides)
