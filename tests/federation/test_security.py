"""Messages that must be refused: forged, unsigned, mis-addressed, expired,
replayed, from a peer whose key changed, or carrying a record the sender does
not own. Each is refused with a clear error over real HTTP, stores nothing,
and leaves an audit entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from liaison.audit.chain import Action
from liaison.federation.messages import MessageType, seal
from liaison.federation.wire import item_of
from liaison.model.identity import NodeKey
from liaison.model.ids import record_id_for
from liaison.storage import federation as fed_store
from tests.conftest import person
from tests.federation.conftest import ENVELOPE, Federation, Member, agree

INBOX = "/api/v1/federation/inbox"


@pytest.fixture
def pair(federation: Federation) -> tuple[Member, Member]:
    agree("ph-ru", [federation["manila"], federation["moscow"]])
    return federation["manila"], federation["moscow"]


def changes_from(sender: Member, to: Member, after: int = 0) -> dict[str, Any]:
    """A genuine batch of one full record from ``sender`` (created there)."""
    record = sender.node.records.create(sender.team.analyst, person("Пётр Сидоров"), ENVELOPE)
    item = item_of(_full(), 1 + after, record.record_id, 1, "ph-ru", stored(sender, record))
    return {"after": after, "through": after + 1, "items": [orjson.loads(orjson.dumps(item))]}


def stored(member: Member, record: Any) -> Any:
    with member.node.ctx.engine.connect() as conn:
        return fed_store.versions_for(conn, [(record.record_id, record.version)])[
            (record.record_id, record.version)
        ]


def _full() -> Any:
    from liaison.federation.plan import ChangeKind

    return ChangeKind.FULL


def post(member: Member, raw: bytes) -> Any:
    with TestClient(member.app, raise_server_exceptions=False) as client:
        return client.post(INBOX, content=raw, headers={"Content-Type": "application/json"})


def refusals(member: Member) -> list[Any]:
    return member.node.audit.entries(
        member.team.auditor, limit=500, action=Action.FEDERATION_RECEIVE.value, result="rejected"
    )


def nothing_stored(member: Member) -> bool:
    with member.node.ctx.engine.connect() as conn:
        return fed_store.received_counts(conn) == {}


def sealed(key: NodeKey, to: Member, body: dict[str, Any], **over: Any) -> bytes:
    now = over.pop("now", dt.datetime.now(dt.UTC))
    return seal(key, over.pop("kind", MessageType.CHANGES), to.node_id, body, now)


def tamper(raw: bytes, change: Callable[[dict[str, Any]], None]) -> bytes:
    """Change the message (``message`` is its signed text) and put it back."""
    data = orjson.loads(raw)
    data["message"] = orjson.loads(data["message"])
    change(data)
    data["message"] = orjson.dumps(data["message"]).decode()
    return orjson.dumps(data)


def test_a_genuine_message_is_applied(pair: tuple[Member, Member]) -> None:
    manila, moscow = pair
    response = post(moscow, sealed(manila.node.ctx.key, moscow, changes_from(manila, moscow)))
    assert response.status_code == 200, response.text
    assert not nothing_stored(moscow)


@pytest.mark.parametrize(
    ("case", "status", "field"),
    [
        ("forged signature", 403, "signature"),
        ("unsigned", 403, "signature"),
        ("altered body", 403, "signature"),
        ("wrong recipient", 403, "recipient"),
        ("clock skew", 403, "time"),
        ("unknown sender", 403, "sender"),
        ("changed key", 403, "signature"),
        ("not JSON", 403, "body"),
    ],
)
def test_bad_messages_are_refused_logged_and_store_nothing(
    pair: tuple[Member, Member], case: str, status: int, field: str
) -> None:
    manila, moscow = pair
    body = changes_from(manila, moscow)
    key = manila.node.ctx.key
    raw = sealed(key, moscow, body)
    if case == "forged signature":
        raw = tamper(raw, lambda d: d.update(signature=NodeKey.generate().sign(b"x")))
    elif case == "unsigned":
        raw = tamper(raw, lambda d: d.pop("signature"))
    elif case == "altered body":
        raw = tamper(raw, lambda d: d["message"]["body"].update(after=0, items=[]))
        raw = tamper(raw, lambda d: d["message"].update(type="pull"))
    elif case == "wrong recipient":
        raw = seal(key, MessageType.CHANGES, manila.node_id, body, dt.datetime.now(dt.UTC))
    elif case == "clock skew":
        raw = sealed(key, moscow, body, now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    elif case == "unknown sender":
        raw = sealed(NodeKey.generate(), moscow, body)
    elif case == "changed key":  # same node id claimed, signed by a new key
        stranger = NodeKey.generate()
        raw = sealed(stranger, moscow, body)
        raw = tamper(raw, lambda d: d["message"].update(sender=manila.node_id))
    elif case == "not JSON":
        raw = b"\x00not json"
    response = post(moscow, raw)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == field
    assert nothing_stored(moscow)
    assert len(refusals(moscow)) == 1


def test_a_replayed_message_has_one_effect(pair: tuple[Member, Member]) -> None:
    manila, moscow = pair
    raw = sealed(manila.node.ctx.key, moscow, changes_from(manila, moscow))
    assert post(moscow, raw).status_code == 200
    again = post(moscow, raw)
    assert again.status_code == 409
    assert again.json()["errors"][0]["field"] == "id"
    with moscow.node.ctx.engine.connect() as conn:
        assert sum(fed_store.received_counts(conn).values()) == 1
    assert len(refusals(moscow)) == 1


def test_a_partner_cannot_push_a_record_it_does_not_own(pair: tuple[Member, Member]) -> None:
    manila, moscow = pair
    # moscow sends manila a record whose originator is manila
    record = manila.node.records.create(manila.team.analyst, person("Ana Reyes"), ENVELOPE)
    item = item_of(_full(), 1, record.record_id, 1, "ph-ru", stored(manila, record))
    forged = sealed(moscow.node.ctx.key, manila, {"after": 0, "through": 1, "items": [item]})
    response = post(manila, forged)
    assert response.status_code == 403
    assert response.json()["errors"][0]["field"] == "record.originator"
    assert len(refusals(manila)) == 1


def test_an_id_that_does_not_belong_to_the_entity_is_refused(pair: tuple[Member, Member]) -> None:
    manila, moscow = pair
    body = changes_from(manila, moscow)
    item = body["items"][0]
    other = record_id_for(manila.node_id, "another-entity")
    item["record_id"] = item["record"]["record_id"] = other
    response = post(moscow, sealed(manila.node.ctx.key, moscow, body))
    assert response.status_code == 403
    assert response.json()["errors"][0]["field"] == "record_id"
    assert nothing_stored(moscow)


def test_an_item_outside_any_agreement_in_force_is_not_stored(
    federation: Federation,
) -> None:
    manila, kl = federation["manila"], federation["kuala-lumpur"]  # no agreement between them
    body = changes_from(manila, kl)
    response = post(kl, sealed(manila.node.ctx.key, kl, body))
    assert response.status_code == 200  # the batch is acknowledged...
    assert nothing_stored(kl)  # ...but the item is refused and audited
    applied = kl.node.audit.entries(
        kl.team.auditor, limit=500, action=Action.FEDERATION_RECEIVE.value
    )
    assert applied[-1].detail["refused"][0]["reason"].startswith("agreement ph-ru")


def test_a_peer_cannot_delete_withdraw_or_replace_a_copy_it_does_not_own(
    federation: Federation,
) -> None:
    manila, moscow, kl = federation["manila"], federation["moscow"], federation["kuala-lumpur"]
    agree("ph-my", [manila, kl])
    agree("ru-my", [moscow, kl])
    record = manila.node.records.create(manila.team.analyst, person("Ana Reyes"), ENVELOPE)
    federation.settle()
    for kind in ("delete", "withdraw"):
        item = {"seq": 1, "kind": kind, "record_id": record.record_id, "version": 2**31 - 1}
        raw = sealed(moscow.node.ctx.key, kl, {"after": 0, "through": 1, "items": [item]})
        with kl.node.ctx.engine.begin() as conn:  # let moscow's cursor start over
            fed_store.set_peer(conn, moscow.node_id, received_seq=0)
        assert post(kl, raw).status_code == 200
        with kl.node.ctx.engine.connect() as conn:
            copy = fed_store.copy_row(conn, record.record_id)
        assert (copy.level, copy.version, copy.originator) == ("full", 1, manila.node_id)
    forged = {
        "seq": 1,
        "kind": "reference",
        "record_id": record.record_id,
        "version": 9,
        "agreement": "ru-my",
        "schema": "Person",
        "entity_id": record.entity_id,
    }
    raw = sealed(moscow.node.ctx.key, kl, {"after": 0, "through": 1, "items": [forged]})
    with kl.node.ctx.engine.begin() as conn:
        fed_store.set_peer(conn, moscow.node_id, received_seq=0)
    response = post(kl, raw)
    assert response.status_code == 403
    assert response.json()["errors"][0]["field"] == "record_id"


def test_a_message_type_that_is_not_text_is_refused_not_a_crash(
    pair: tuple[Member, Member],
) -> None:
    _, moscow = pair
    inner = orjson.dumps({"id": "0" * 32, "type": []}).decode()
    response = post(moscow, orjson.dumps({"message": inner, "signature": "A" * 86}))
    assert response.status_code == 403
    assert response.json()["errors"][0]["field"] == "type"
