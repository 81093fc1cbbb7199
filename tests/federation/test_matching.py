"""Cross-matching reaches received copies: a partner's record that matches a
local one raises an alert on the node that holds the copy, and screening
describes received copies like local records. Real nodes, real HTTP in process."""

from __future__ import annotations

from tests.conftest import person
from tests.federation.conftest import ENVELOPE, Federation, agree


def test_a_received_copy_is_cross_matched_and_screened(federation: Federation) -> None:
    agree("ph-ru", [federation["manila"], federation["moscow"]])
    manila, moscow = federation["manila"], federation["moscow"]
    local = moscow.node.records.create(
        moscow.team.analyst, person("Ivan Petrov", birthDate=["1970-02-03"]), ENVELOPE
    )
    moscow.node.matching.process_all()
    shared = manila.node.records.create(
        manila.team.analyst, person("Иван Петров", birthDate=["1970-02-03"]), ENVELOPE
    )
    federation.settle()
    assert moscow.node.matching.process_all() == 1  # the received copy was queued
    (alert,) = moscow.node.matching.alerts(moscow.team.analyst)
    assert {alert["record_id"], alert["target"]} == {local.record_id, shared.record_id}
    query = {
        "schema": "Person",
        "properties": {"name": ["Ivan Petrov"], "birthDate": ["1970-02-03"]},
    }
    results = moscow.node.matching.match(moscow.team.analyst, {"q": query})["q"]
    by_id = {r["id"]: r for r in results}
    assert by_id[shared.record_id]["caption"] and by_id[shared.record_id]["schema"] == "Person"
