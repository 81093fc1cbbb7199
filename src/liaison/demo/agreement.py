"""The demo's agreements: a bilateral one (manila–moscow, signed by handing the
bundle from node to node before the nodes are on the network) and a
multilateral one (manila, moscow, kuala-lumpur, co-signed over the network
once the nodes run). Both are FICTITIOUS."""

from __future__ import annotations

from typing import Any

BILATERAL = "ph-ru-demo-2026"
MULTILATERAL = "asean-plus-demo-2026"
AGREEMENT_ID = BILATERAL  # the name earlier demos used


def bilateral(parties: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "agreement_id": BILATERAL,
        "title": "FICTITIOUS demo: Manila–Moscow exchange on transnational crime",
        "parties": parties,
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
        "purposes": ["cross_check", "investigation", "operational_analysis", "alert"],
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


def multilateral(parties: list[dict[str, str]]) -> dict[str, Any]:
    """Three parties, a narrower scope: persons travel as hit/no-hit references,
    vessels and passports in full."""
    return {
        "agreement_id": MULTILATERAL,
        "title": "FICTITIOUS demo: regional exchange on terrorism, drugs and piracy",
        "parties": parties,
        "scope": {
            "schemata": ["Person", "Passport", "Vessel"],
            "crime_areas": ["terrorism", "drug_trafficking", "piracy"],
            "subject_categories": ["suspect", "convicted", "other"],
        },
        "purposes": ["cross_check", "investigation", "operational_analysis", "alert"],
        "max_classification": "RESTRICTED",
        "tlp": ["CLEAR", "GREEN", "AMBER"],
        "handling": ["H0", "H1", "H2", "H3"],
        "onward": "within_parties",
        "retention": {"default": "5y", "nominal": "3y"},
        "hit_only": ["Person"],
        "effective_from": "2026-01-01",
        "on_end": "recall",
    }
