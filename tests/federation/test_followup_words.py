"""What a partner's follow-up request concerns, in the words of the liaison
officer who decides it: the identifier of ours the hit stands for, or the
strongest key of a person, with the records, agreement and justification.
Real nodes, real HTTP in process."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.conftest import person
from tests.federation.conftest import Federation, agree
from tests.federation.test_followups import PASSPORT, VICTIM, WHY, file, hit, inbox

__all__ = ["hit"]  # fixture


def test_the_inbox_names_the_identifier_that_hit(
    federation: Federation, hit: dict[str, Any]
) -> None:
    file(federation, hit["reference"])
    (request,) = inbox(federation)
    assert request["subject"] == f"passport:{PASSPORT}"
    assert request["agreement"] == "ph-ru" and request["justification"] == WHY
    (record,) = request["records"]
    assert record["caption"] == "Maria Clara Bautista" and record["schema"] == "Person"


def test_a_person_hit_names_its_strongest_key(federation: Federation) -> None:
    agree("ph-ru", [federation["manila"], federation["moscow"]])
    manila, moscow = federation["manila"], federation["moscow"]
    born = {"birthDate": ["1991-04-12"], "nationality": ["ph"]}
    manila.node.records.create(manila.team.analyst, person("Rosario Mendoza", **born), VICTIM)
    asked = [{"names": ["Rosario Mendoza"], "birth_date": "1991-04-12"}]
    courier = federation.courier("moscow")
    (found,) = asyncio.run(courier.hit_query(moscow.team.analyst, "manila", [], persons=asked))
    moscow.node.followups.file(moscow.team.analyst, "manila", found["references"][-1], WHY)
    federation.settle()
    (request,) = inbox(federation)
    assert request["subject"] == "person:name and birth date"
    officer = manila.node.followups.show(manila.team.officer, request["id"])
    assert officer["subject"] == request["subject"]
