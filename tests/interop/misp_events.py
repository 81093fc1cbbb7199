"""MISP events as a MISP analyst writes them (fictitious data), made STIX 2.1 by
MISP's own converter (``misp-stix``'s ``MISPtoSTIX21Parser``).

The first event: a smuggling network (a threat-actor galaxy cluster), a person
(MISP's person object), an e-mail address, a domain, a URL and a bitcoin
wallet; the event tagged ``tlp:amber`` and with the Admiralty scale's source
reliability B and information credibility 2, the person's attributes tagged
``tlp:amber+strict`` (personal data) and the same grades, the e-mail address
``tlp:green``. The second, published later: one more e-mail address and a
domain.
"""

from __future__ import annotations

from typing import Any

import orjson
from misp_stix_converter import MISPtoSTIX21Parser  # its ImportWarning: see pyproject.toml

ORG = {"name": "Fictitious Regional CERT", "uuid": "a1b2c3d4-0000-4000-8000-000000000001"}
WHEN = "1795996800"  # 2026-11-30 00:00 UTC
ADMIRALTY = [
    {"name": 'admiralty-scale:source-reliability="b"'},
    {"name": 'admiralty-scale:information-credibility="2"'},
]


def _attribute(uuid: str, kind: str, category: str, value: str, **more: Any) -> dict[str, Any]:
    return {
        "uuid": uuid,
        "type": kind,
        "category": category,
        "value": value,
        "to_ids": kind in ("domain", "url"),
        "timestamp": WHEN,
        **more,
    }


def _event(uuid: str, info: str, attributes: list[dict[str, Any]], **more: Any) -> dict[str, Any]:
    return {
        "Event": {
            "uuid": uuid,
            "info": info,
            "date": "2026-11-30",
            "timestamp": WHEN,
            "publish_timestamp": WHEN,
            "threat_level_id": "2",
            "analysis": "1",
            "distribution": "1",
            "published": True,
            "Orgc": ORG,
            "Org": ORG,
            "Tag": [{"name": "tlp:amber"}, *ADMIRALTY],
            "Attribute": attributes,
            **more,
        }
    }


def smuggling_network() -> dict[str, Any]:
    """The first event, as MISP JSON."""
    person = {
        "uuid": "c0ffee00-0000-4000-8000-000000000001",
        "name": "person",
        "meta-category": "misc",
        "template_uuid": "a15b0477-e9d1-4b3d-ae4a-9d6a9d7d1e9a",
        "template_version": "16",
        "timestamp": WHEN,
        "Attribute": [
            _attribute(f"c0ffee00-0000-4000-8000-00000000000{i}", kind, "Person", value)
            | {"object_relation": kind, "Tag": [{"name": "tlp:amber+strict"}, *ADMIRALTY]}
            for i, (kind, value) in enumerate(
                [
                    ("first-name", "Juan"),
                    ("last-name", "dela Cruz"),
                    ("date-of-birth", "1980-04-03"),
                ],
                start=2,
            )
        ],
    }
    group = {
        "uuid": "7cdff317-a673-4474-84ec-4f1754947823",
        "name": "Threat Actor",
        "type": "threat-actor",
        "description": "Threat actors",
        "namespace": "misp",
        "GalaxyCluster": [
            {
                "uuid": "11111111-2222-4333-8444-555555555555",
                "type": "threat-actor",
                "value": "Example Smuggling Group",
                "description": "A fictitious smuggling network (test data).",
                "tag_name": 'misp-galaxy:threat-actor="Example Smuggling Group"',
                "meta": {"synonyms": ["ESG"]},
            }
        ],
    }
    attributes = [
        _attribute(
            "91ae0a21-c7ae-4c7a-b84b-b84a7ce53d1f",
            "email-src",
            "Payload delivery",
            "juan.delacruz@example.org",
            Tag=[{"name": "tlp:green"}],
        ),
        _attribute(
            "91ae0a21-c7ae-4c7a-b84b-b84a7ce53d20",
            "domain",
            "Network activity",
            "example-smuggling.test",
        ),
        _attribute(
            "91ae0a21-c7ae-4c7a-b84b-b84a7ce53d21",
            "url",
            "Network activity",
            "https://example-smuggling.test/pay",
        ),
        _attribute(
            "91ae0a21-c7ae-4c7a-b84b-b84a7ce53d22",
            "btc",
            "Financial fraud",
            "1BoatSLRHtKNngkdXEeobR76b53LETtpyT",
        ),
    ]
    return _event(
        "5f1c1a2e-7b4d-4e0a-9c3e-0a1b2c3d4e5f",
        "Fictitious smuggling network: Example Smuggling Group (test data)",
        attributes,
        Object=[person],
        Galaxy=[group],
    )


def follow_up() -> dict[str, Any]:
    """The second event, published after the node's first pull."""
    attributes = [
        _attribute(
            "91ae0a21-c7ae-4c7a-b84b-b84a7ce53e01",
            "email-src",
            "Payload delivery",
            "maria.santos@example.net",
        ),
        _attribute(
            "91ae0a21-c7ae-4c7a-b84b-b84a7ce53e02",
            "domain",
            "Network activity",
            "example-courier.test",
        ),
    ]
    return _event(
        "5f1c1a2e-7b4d-4e0a-9c3e-0a1b2c3d4e60",
        "Fictitious smuggling network: a new contact (test data)",
        attributes,
    )


def to_stix(event: dict[str, Any]) -> list[dict[str, Any]]:
    """The event's STIX 2.1 objects, as MISP's converter writes them."""
    parser = MISPtoSTIX21Parser()
    parser.parse_misp_event(event)
    bundle: dict[str, Any] = orjson.loads(parser.bundle.serialize())
    return list(bundle["objects"])
