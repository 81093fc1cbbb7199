"""Records flow to exactly the partners the policy allows, at the level it
allows, and every later change (correction, deletion, tightened markings,
suspension, consent, release, renewal, purge) reaches them: three real
nodes, real HTTP in process."""

from __future__ import annotations

from typing import Any

import pytest

from liaison.errors import NotFound, ReadOnlyRecord
from liaison.node import Node
from liaison.storage import federation as fed_store
from liaison.storage.records import RecordFilter
from tests.conftest import person
from tests.federation.conftest import ENVELOPE, Federation, agree


def copy_of(node: Node, record_id: str) -> Any:
    with node.ctx.engine.connect() as conn:
        return fed_store.copy_row(conn, record_id)


def register(node: Node, record_id: str) -> dict[str, dict[str, Any]]:
    officer_rows = node.federation.disclosures(_officer(node), record_id=record_id)
    return {row["peer"]: row for row in officer_rows}


def _officer(node: Node) -> Any:
    from tests.conftest import actor_named

    return actor_named(node, "officer")


@pytest.fixture
def bilateral(federation: Federation) -> Federation:
    agree("ph-ru", [federation["manila"], federation["moscow"]])
    return federation


def test_a_record_reaches_the_partner_and_nobody_else(bilateral: Federation) -> None:
    manila, moscow, kl = bilateral["manila"], bilateral["moscow"], bilateral["kuala-lumpur"]
    record = manila.node.records.create(manila.team.analyst, person("Иван Петров"), ENVELOPE)
    bilateral.settle()
    got = moscow.node.records.get(moscow.team.analyst, record.record_id)
    assert got.content_hash == record.content_hash
    assert got.envelope.originator == manila.node_id
    assert copy_of(kl.node, record.record_id) is None
    held = register(manila.node, record.record_id)
    assert set(held) == {"moscow"}
    assert held["moscow"]["level"] == "full" and held["moscow"]["acknowledged"]


def test_corrections_and_deletions_propagate(bilateral: Federation) -> None:
    manila, moscow = bilateral["manila"], bilateral["moscow"]
    record = manila.node.records.create(manila.team.analyst, person("Иван Петров"), ENVELOPE)
    bilateral.settle()
    manila.node.records.update(
        manila.team.analyst, record.record_id, person("Иван Петрович Петров"), ENVELOPE, 1
    )
    bilateral.settle()
    got = moscow.node.records.get(moscow.team.analyst, record.record_id)
    assert got.version == 2 and got.properties["name"] == ["Иван Петрович Петров"]
    manila.node.records.delete(manila.team.analyst, record.record_id, "entered in error")
    bilateral.settle()
    with pytest.raises(NotFound):
        moscow.node.records.get(moscow.team.analyst, record.record_id)
    row = copy_of(moscow.node, record.record_id)
    assert row.level == "deleted" and row.entity is None and row.caption == ""
    assert register(manila.node, record.record_id)["moscow"]["level"] == "deleted"


def test_received_copies_are_read_only(bilateral: Federation) -> None:
    manila, moscow = bilateral["manila"], bilateral["moscow"]
    record = manila.node.records.create(manila.team.analyst, person(), ENVELOPE)
    bilateral.settle()
    with pytest.raises(ReadOnlyRecord):
        moscow.node.records.update(moscow.team.analyst, record.record_id, person("X"), {}, None)
    with pytest.raises(ReadOnlyRecord):
        moscow.node.records.delete(moscow.team.analyst, record.record_id, "not ours")


def test_a_victim_travels_as_a_reference_only(bilateral: Federation) -> None:
    manila, moscow = bilateral["manila"], bilateral["moscow"]
    envelope = {**ENVELOPE, "subject_category": "victim"}
    record = manila.node.records.create(manila.team.analyst, person("Maria Santos"), envelope)
    bilateral.settle()
    row = copy_of(moscow.node, record.record_id)
    assert row.level == "reference" and row.entity is None and row.schema == "Person"
    with pytest.raises(NotFound):
        moscow.node.records.get(moscow.team.analyst, record.record_id)


def test_tightened_markings_withdraw_and_loosened_ones_restore(bilateral: Federation) -> None:
    manila, moscow = bilateral["manila"], bilateral["moscow"]
    record = manila.node.records.create(manila.team.analyst, person(), ENVELOPE)
    bilateral.settle()
    secret = {**ENVELOPE, "markings": {"tlp": "AMBER", "classification": "SECRET"}}
    manila.node.records.update(manila.team.analyst, record.record_id, person(), secret, 1)
    bilateral.settle()
    assert copy_of(moscow.node, record.record_id).level == "withdrawn"
    with pytest.raises(NotFound):
        moscow.node.records.get(moscow.team.analyst, record.record_id)
    manila.node.records.update(manila.team.analyst, record.record_id, person(), ENVELOPE, 2)
    bilateral.settle()
    assert moscow.node.records.get(moscow.team.analyst, record.record_id).version == 3


def test_suspension_recalls_and_resumption_restores(bilateral: Federation) -> None:
    manila, moscow = bilateral["manila"], bilateral["moscow"]
    record = manila.node.records.create(manila.team.analyst, person(), ENVELOPE)
    bilateral.settle()
    manila.node.agreements.move(manila.team.officer, "ph-ru", "suspend", "breach under review")
    bilateral.settle()
    assert copy_of(moscow.node, record.record_id).level == "withdrawn"
    manila.node.agreements.move(manila.team.officer, "ph-ru", "resume")
    bilateral.settle()
    assert copy_of(moscow.node, record.record_id).level == "full"


def test_an_agreement_that_keeps_on_end_freezes_copies_but_deletions_still_reach(
    federation: Federation,
) -> None:
    manila, moscow = federation["manila"], federation["moscow"]
    agree("ph-ru-keep", [manila, moscow], on_end="keep")
    record = manila.node.records.create(manila.team.analyst, person(), ENVELOPE)
    federation.settle()
    manila.node.agreements.move(manila.team.officer, "ph-ru-keep", "terminate", "ended by treaty")
    manila.node.records.update(manila.team.analyst, record.record_id, person("Newer"), ENVELOPE, 1)
    federation.settle()
    row = copy_of(moscow.node, record.record_id)
    assert row.level == "full" and row.version == 1  # kept, frozen
    manila.node.records.delete(manila.team.analyst, record.record_id, "erased at source")
    federation.settle()
    assert copy_of(moscow.node, record.record_id).level == "deleted"


def test_a_multilateral_agreement_reaches_every_party(federation: Federation) -> None:
    members = [federation[n] for n in ("manila", "moscow", "kuala-lumpur")]
    agree("asean-plus", members)
    record = members[0].node.records.create(members[0].team.analyst, person(), ENVELOPE)
    federation.settle()
    for other in members[1:]:
        assert other.node.records.get(other.team.analyst, record.record_id).version == 1
    assert set(register(members[0].node, record.record_id)) == {"moscow", "kuala-lumpur"}


def test_consent_opens_a_red_record_and_withdrawal_recalls_it(federation: Federation) -> None:
    manila, moscow = federation["manila"], federation["moscow"]
    tlp = ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"]
    agree("ph-ru-red", [manila, moscow], tlp=tlp)
    red = {**ENVELOPE, "markings": {"tlp": "RED"}}
    record = manila.node.records.create(manila.team.analyst, person(), red)
    federation.settle()
    assert copy_of(moscow.node, record.record_id) is None
    manila.node.policy.give_consent(  # the author names the officer, who decides
        manila.team.analyst, record.record_id, "user:officer", "view", "officer decides sharing"
    )
    given = manila.node.policy.give_consent(
        manila.team.officer, record.record_id, moscow.node_id, "push", "joint operation FICTITIOUS"
    )
    federation.settle()
    assert copy_of(moscow.node, record.record_id).level == "full"
    # moscow's "analyst" is not manila's analyst who wrote it: TLP:RED stays closed
    with pytest.raises(NotFound):
        moscow.node.records.get(moscow.team.analyst, record.record_id)
    listed = moscow.node.records.search(moscow.team.analyst, RecordFilter(), None, 100)
    assert record.record_id not in {item["record_id"] for item in listed.items}
    manila.node.policy.withdraw_consent(manila.team.officer, given["id"], "operation closed")
    federation.settle()
    assert copy_of(moscow.node, record.record_id).level == "withdrawn"


def test_the_neutrality_gate_holds_until_release(bilateral: Federation) -> None:
    manila, moscow = bilateral["manila"], bilateral["moscow"]
    entity = person("Fictitious Protester", notes=["organised an opposition protest"])
    record = manila.node.records.create(manila.team.analyst, entity, ENVELOPE)
    bilateral.settle()
    assert copy_of(moscow.node, record.record_id) is None
    manila.node.policy.review(
        manila.team.auditor, record.record_id, "release", "ordinary crime predominates here"
    )
    bilateral.settle()
    assert copy_of(moscow.node, record.record_id).level == "full"


def test_a_retention_purge_reaches_partners(bilateral: Federation) -> None:
    manila, moscow = bilateral["manila"], bilateral["moscow"]
    soon = {**ENVELOPE, "expires": "2099-01-01"}
    record = manila.node.records.create(manila.team.analyst, person(), soon)
    bilateral.settle()
    assert copy_of(moscow.node, record.record_id).level == "full"
    import datetime as dt

    later = manila.node.ctx.clock
    manila.node.ctx.clock = lambda: dt.datetime(2099, 1, 2, tzinfo=dt.UTC)
    try:
        assert manila.node.policy.purge(manila.team.supervisor) == [record.record_id]
    finally:
        manila.node.ctx.clock = later
    bilateral.settle()
    assert copy_of(moscow.node, record.record_id).level == "deleted"


def test_a_draft_amendment_at_the_receiver_does_not_stop_the_version_in_force(
    bilateral: Federation,
) -> None:
    from tests.federation.conftest import agreement_doc

    manila, moscow = bilateral["manila"], bilateral["moscow"]
    amendment = agreement_doc("ph-ru", [manila, moscow], version=2, title="FICTITIOUS amended")
    current = moscow.node.agreements.get(moscow.team.officer, "ph-ru")
    amendment["previous_hash"] = current.document.hash
    moscow.node.agreements.propose(moscow.team.officer, amendment)  # waits as a draft
    record = manila.node.records.create(manila.team.analyst, person(), ENVELOPE)
    bilateral.settle()
    assert copy_of(moscow.node, record.record_id).level == "full"
