"""Identifier lookup reaches received copies: a partner's record that holds the
identifier is found on the node that holds the copy, within the clearance of
the user who looks. Real nodes, real HTTP in process."""

from __future__ import annotations

from tests.conftest import person
from tests.federation.conftest import ENVELOPE, Federation, agree


def test_a_received_copy_is_found_by_its_identifiers(federation: Federation) -> None:
    agree("ph-ru", [federation["manila"], federation["moscow"]])
    manila, moscow = federation["manila"], federation["moscow"]
    shared = manila.node.records.create(
        manila.team.analyst,
        person("Juan dela Cruz", phone=["+639171234567"], passportNumber=["P1234567A"]),
        {
            **ENVELOPE,
            "markings": {"tlp": "AMBER", "handling": ["H0"], "classification": "CONFIDENTIAL"},
        },
    )
    federation.settle()
    found = moscow.node.records.lookup(moscow.team.analyst, "0917 123 4567", "PH")
    (item,) = found.items
    assert item["record_id"] == shared.record_id
    assert item["originator"] == manila.node_id and item["matched"] == ["phone:+639171234567"]
    by_passport = moscow.node.records.lookup(moscow.team.analyst, "p1234567a").items
    assert [i["record_id"] for i in by_passport] == [shared.record_id]
    # moscow's junior analyst is cleared to RESTRICTED: the CONFIDENTIAL copy stays hidden
    assert moscow.node.records.lookup(moscow.team.junior, "+63 917 123 4567").items == []
