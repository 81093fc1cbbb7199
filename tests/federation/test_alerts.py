"""Alerts on received copies, grouped under this node's own record and filtered
by the partner they involve. Real nodes, real HTTP in process."""

from __future__ import annotations

import pytest

from liaison.errors import InvalidInput
from tests.conftest import person
from tests.federation.conftest import ENVELOPE, Federation, agree


def test_a_partners_copy_is_grouped_under_our_record_and_filtered_by_partner(
    federation: Federation,
) -> None:
    agree("ph-ru", [federation["manila"], federation["moscow"]])
    manila, moscow = federation["manila"], federation["moscow"]
    ours = moscow.node.records.create(
        moscow.team.analyst, person("Ivan Petrov", birthDate=["1970-02-03"]), ENVELOPE
    )
    moscow.node.matching.process_all()
    theirs = manila.node.records.create(
        manila.team.analyst, person("Иван Петров", birthDate=["1970-02-03"]), ENVELOPE
    )
    federation.settle()
    moscow.node.matching.process_all()
    analyst = moscow.team.analyst
    page = moscow.node.matching.alert_groups(analyst, partner="manila")
    (group,) = page.groups
    assert group.record_id == ours.record_id  # ours, though the copy raised it
    assert group.originator == moscow.node_id and group.caption == "Ivan Petrov"
    (alert,) = group.alerts
    assert alert.record_id == theirs.record_id and alert.record_originator == manila.node_id
    assert page.partners[manila.node_id] == "manila"
    by_id = moscow.node.matching.alerts(analyst, partner=manila.node_id)
    assert [a.id for a in by_id] == [alert.id]
    assert moscow.node.matching.alert_groups(analyst, partner="kuala-lumpur").total == 0
    with pytest.raises(InvalidInput):
        moscow.node.matching.alert_groups(analyst, partner="atlantis")
