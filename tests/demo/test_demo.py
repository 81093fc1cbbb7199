"""The demo's data is fictitious and valid, and `make demo`'s federation runs:
three real node processes over HTTPS on loopback."""

from __future__ import annotations

import os
from pathlib import Path

from liaison.demo.__main__ import run
from liaison.demo.generate import NOTE, Generator
from liaison.model.entities import parse_entity


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


def test_the_demo_federation_runs_and_a_revocation_propagates(tmp_path: Path) -> None:
    port = 21000 + (os.getpid() % 1000) * 3
    result = run(tmp_path / "demo", entities=200, port=port, serve=False)
    version, at_moscow = result["corrected"]
    assert version == at_moscow  # the correction reached moscow
    assert result["held_by"]  # the revoked record had been shared...
    assert set(result["after"].values()) == {"deleted"}  # ...and is gone everywhere
    assert result["audit_intact"]
    assert result["witnessed"] == {  # each log checked against its two witnesses
        name: {other: "ok" for other in ("manila", "moscow", "kuala-lumpur") if other != name}
        for name in ("manila", "moscow", "kuala-lumpur")
    }
    followup = result["followup"]  # hit/no-hit, then a follow-up approved for three fields
    assert followup["hits"] == [True, False]
    assert followup["level"] == "full" and followup["state"] == "partly"
    assert followup["fields"] == ["birthDate", "name", "nationality"]
    notices = result["notices"]  # an arrest request, end to end; a stolen passport checked
    assert notices["refused_first"] is True
    assert notices["holders"] == {"moscow": "holds", "kuala-lumpur": "not_covered"}
    assert "arrest" in notices["alert_action"]
    assert notices["border"] == [True, False]
    assert notices["cancelled_at_moscow"] == "cancelled"
    holdings = result["holdings"]
    assert holdings["moscow"].get(("manila", "full"), 0) > 0  # the bilateral agreement
    assert holdings["kuala-lumpur"].get(("manila", "reference"), 0) > 0  # persons as references
    assert not any(origin == "kuala-lumpur" for origin, _ in holdings["kuala-lumpur"])
