"""A peer that is down or partitioned: the sender backs off and shows it;
the peer catches up by pulling since its cursor; nothing is lost or doubled.
Agreements travel and are co-signed over the network."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from liaison.node.courier import Courier
from liaison.storage import federation as fed_store
from tests.conftest import person
from tests.federation.conftest import ENVELOPE, Federation, agree, member
from tests.federation.test_sync import copy_of


def test_a_partition_heals_and_the_peer_catches_up_by_pulling(federation: Federation) -> None:
    manila, moscow = federation["manila"], federation["moscow"]
    agree("ph-ru", [manila, moscow])
    federation.clients.down.add(moscow.url)
    made = [
        manila.node.records.create(manila.team.analyst, person(f"Fictitious {i}"), ENVELOPE)
        for i in range(120)
    ]
    manila.node.records.delete(manila.team.analyst, made[0].record_id, "duplicate")
    assert federation.push("manila") == 0
    state = {p["name"]: p for p in manila.node.federation.peers(manila.team.admin)}
    assert state["moscow"]["reachable"] is False
    assert state["moscow"]["queue"] == 121
    assert "ConnectError" in state["moscow"]["last_error"]
    assert state["moscow"]["attempts"] == 1
    federation.clients.down.clear()
    assert federation.pull("moscow") == 121  # moscow asks; batches of 50 until empty
    for record in made[1:]:
        assert copy_of(moscow.node, record.record_id).level == "full"
    # deleted before it was ever sent: its content never left manila
    assert copy_of(moscow.node, made[0].record_id) is None
    state = {p["name"]: p for p in manila.node.federation.peers(manila.team.admin)}
    assert state["moscow"]["queue"] == 0  # the pull acknowledged everything
    assert federation.push("manila") == 0  # nothing sent twice
    assert federation.pull("moscow") == 0


def test_a_batch_delivered_twice_applies_once(federation: Federation) -> None:
    manila, moscow = federation["manila"], federation["moscow"]
    agree("ph-ru", [manila, moscow])
    record = manila.node.records.create(manila.team.analyst, person(), ENVELOPE)
    batch = manila.node.federation.next_push(moscow.node_id)
    assert batch is not None
    first = moscow.node.federation.receive(batch[0])
    manila.node.federation.acknowledged(moscow.node_id, first)
    # the same changes again under a new message id (a retry after a lost answer)
    with manila.node.ctx.engine.begin() as conn:
        fed_store.set_peer(conn, moscow.node_id, acked_seq=0)
    again = manila.node.federation.next_push(moscow.node_id)
    assert again is not None
    moscow.node.federation.receive(again[0])
    history = moscow.node.records.history(moscow.team.analyst, record.record_id)
    assert [r.version for r in history] == [1]
    with moscow.node.ctx.engine.connect() as conn:
        assert sum(fed_store.received_counts(conn).values()) == 1


def test_an_entry_the_policy_no_longer_allows_is_not_sent(federation: Federation) -> None:
    manila, moscow = federation["manila"], federation["moscow"]
    agree("ph-ru", [manila, moscow], effective_until="2099-12-31")
    record = manila.node.records.create(manila.team.analyst, person(), ENVELOPE)
    import datetime as dt

    # between the commit and the send, the agreement runs out (time passes)
    real = manila.node.ctx.clock
    manila.node.ctx.clock = lambda: dt.datetime(2100, 1, 5, tzinfo=dt.UTC)
    try:
        batch = manila.node.federation.next_push(moscow.node_id)
    finally:
        manila.node.ctx.clock = real
    assert batch is not None
    import orjson

    items = orjson.loads(orjson.loads(batch[0])["message"])["body"]["items"]
    assert all(item["kind"] != "full" for item in items)
    assert copy_of(moscow.node, record.record_id) is None


def test_agreements_are_exchanged_and_cosigned_over_the_network(federation: Federation) -> None:
    from tests.federation.conftest import agreement_doc

    manila, moscow = federation["manila"], federation["moscow"]
    manila.node.agreements.propose(manila.team.officer, agreement_doc("net", [manila, moscow]))
    manila.node.agreements.sign(manila.team.supervisor, "net", 1)
    courier = Courier(manila.node.federation, manila.node.ctx.settings, federation.clients)
    answers = asyncio.run(courier.send_agreement(manila.team.officer, "net"))
    assert answers == [
        {"peer": "moscow", "agreement": "net", "version": 1, "signatures": [manila.node_id]}
    ]
    moscow.node.agreements.sign(moscow.team.supervisor, "net", 1)
    back = Courier(moscow.node.federation, moscow.node.ctx.settings, federation.clients)
    asyncio.run(back.send_agreement(moscow.team.officer, "net", "manila"))
    signed = manila.node.agreements.get(manila.team.officer, "net")
    assert set(signed.signatures) == {manila.node_id, moscow.node_id}


def test_a_batch_of_entries_no_longer_allowed_does_not_stall_the_peer(
    tmp_path: Path, node_url: Callable[[str], str]
) -> None:
    names = ("manila", "moscow")
    fed = Federation({n: member(tmp_path, n, node_url(n), federation_batch_size=5) for n in names})
    try:
        fed.link(*names)
        manila, moscow = fed["manila"], fed["moscow"]
        agree("persons", [manila, moscow])
        persons = [
            manila.node.records.create(manila.team.analyst, person(f"Fictitious {i}"), ENVELOPE)
            for i in range(6)
        ]
        manila.node.agreements.move(manila.team.officer, "persons", "suspend", "under review")
        scope = {"schemata": ["Vessel"], "crime_areas": ["piracy"], "subject_categories": ["other"]}
        agree("vessels", [manila, moscow], scope=scope, hit_only=[])
        vessel = {"schema": "Vessel", "properties": {"name": ["FICTITIOUS STAR"]}}
        shared = manila.node.records.create(
            manila.team.analyst, vessel, {"crime_area": "piracy", "markings": {"tlp": "GREEN"}}
        )
        fed.settle()
        assert copy_of(moscow.node, shared.record_id).level == "full"
        assert all(copy_of(moscow.node, p.record_id) is None for p in persons)
    finally:
        for m in fed.members.values():
            m.node.close()


@pytest.mark.parametrize("way", ["push", "pull"])
def test_items_the_partner_refuses_are_not_registered_as_held(
    federation: Federation, way: str
) -> None:
    manila, moscow = federation["manila"], federation["moscow"]
    agree("ph-ru", [manila, moscow])
    moscow.node.agreements.move(moscow.team.officer, "ph-ru", "suspend", "suspended here")
    record = manila.node.records.create(manila.team.analyst, person(), ENVELOPE)
    if way == "push":
        federation.settle()
    else:
        assert federation.pull("moscow") == 1
    assert copy_of(moscow.node, record.record_id) is None
    officer = manila.team.officer
    assert manila.node.federation.disclosures(officer, record_id=record.record_id) == []
