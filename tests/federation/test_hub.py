"""Hub mode between real nodes (in process, real HTTP through ASGI): three
members and a neutral hub. The hub links matching persons across members
(a transliteration and a typo), returns each member only its own candidate
pairs, never sees the members' secret nor a clear name or date (on the wire
and in its database), and refuses tampered, replayed and non-members'
submissions. Names and dates are fictitious (Faker)."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2 as httpx
import orjson
import pytest
import sqlalchemy as sa
from faker import Faker

from liaison.errors import Forbidden, MessageRefused, PeerUnreachable, Replayed
from liaison.federation.messages import MessageType
from liaison.node import linkage
from liaison.storage.tables import metadata
from tests.federation.conftest import ENVELOPE, AsgiClients, Federation, agree, member

SECRET = b"fictitious linkage secret shared by the test members only"
PROJECT = "asean-persons"
MEMBERS = ("manila", "moscow", "kuala-lumpur")


@dataclass
class Recording(AsgiClients):
    """The test federation's clients, keeping every body that goes over HTTP."""

    wire: list[bytes] = field(default_factory=list)

    def client(self, peer: Any) -> httpx.AsyncClient:
        async def request(req: httpx.Request) -> None:
            self.wire.append(req.content)

        async def response(resp: httpx.Response) -> None:
            self.wire.append(await resp.aread())

        transport = httpx.ASGITransport(app=self.apps[peer.url])
        hooks = {"request": [request], "response": [response]}
        return httpx.AsyncClient(transport=transport, base_url=peer.url, event_hooks=hooks)


@pytest.fixture
def hubbed(tmp_path: Path, node_url: Any) -> Iterator[Federation]:
    """manila, moscow and kuala-lumpur, and a neutral node "hub"; all pinned."""
    names = (*MEMBERS, "hub")
    fed = Federation({n: member(tmp_path, n, node_url(n)) for n in names})
    fed.clients = Recording(fed.clients.apps)
    fed.link(*names)
    yield fed
    for m in fed.members.values():
        m.node.close()


def start(fed: Federation, project: str = PROJECT, members: tuple[str, ...] = MEMBERS) -> None:
    """An agreement among the members, the project on the hub, every member joined."""
    agree("asean-pact", [fed[m] for m in MEMBERS])
    hub = fed["hub"]
    hub.node.hub.create(hub.team.admin, project, list(members))
    for name in members:
        fed[name].node.linkage.join(fed[name].team.admin, project, "hub", list(members), SECRET)


def add(fed: Federation, name: str, props: dict[str, list[str]], **envelope: Any) -> str:
    m = fed[name]
    whole = [" ".join(props.get("firstName", []) + props.get("lastName", []))]
    entity = {"schema": "Person", "properties": {"name": whole, **props}}
    return m.node.records.create(m.team.analyst, entity, {**ENVELOPE, **envelope}).record_id


def crowd(fed: Federation, name: str, locale: str, seed: int, count: int = 15) -> None:
    """Fictitious persons who match nobody elsewhere."""
    fake = Faker(locale)
    fake.seed_instance(seed)
    for _ in range(count):
        first, last = fake.first_name(), fake.last_name()
        born = fake.date_of_birth(minimum_age=20, maximum_age=70).isoformat()
        add(fed, name, {"firstName": [first], "lastName": [last], "birthDate": [born]})


@dataclass
class World:
    ivanova: dict[str, str]  # member -> record id
    bautista: dict[str, str]
    volkov: dict[str, str]  # TLP:RED at manila: never offered


def populate(fed: Federation) -> World:
    ivanova = {
        "manila": add(
            fed,
            "manila",
            {"firstName": ["Mariya"], "lastName": ["Ivanova"], "birthDate": ["1985-03-02"]},
        ),
        "moscow": add(
            fed,
            "moscow",
            {"firstName": ["Мария"], "lastName": ["Иванова"], "birthDate": ["1985-03-02"]},
        ),
    }
    bautista = {
        "manila": add(
            fed,
            "manila",
            {"name": ["Ramon Bautista"], "birthDate": ["1979-11-02"]},
            markings={"classification": "CONFIDENTIAL", "tlp": "AMBER", "handling": ["H0"]},
        ),
        "moscow": add(fed, "moscow", {"name": ["Ramon Bautsita"], "birthDate": ["1979-11-02"]}),
    }
    red = {"tlp": "RED", "handling": ["H0"]}
    volkov = {
        "manila": add(
            fed, "manila", {"name": ["Sergei Volkov"], "birthDate": ["1970-01-15"]}, markings=red
        ),
        "moscow": add(fed, "moscow", {"name": ["Сергей Волков"], "birthDate": ["1970-01-15"]}),
    }
    crowd(fed, "manila", "en_PH", 1)
    crowd(fed, "moscow", "ru_RU", 2)
    crowd(fed, "kuala-lumpur", "en_US", 3)
    return World(ivanova, bautista, volkov)


def submit(fed: Federation, name: str) -> dict[str, Any]:
    m = fed[name]
    return asyncio.run(linkage.submit(m.node.linkage, fed.clients, m.team.analyst, PROJECT))


def results(fed: Federation, name: str) -> list[dict[str, Any]]:
    m = fed[name]
    return asyncio.run(linkage.results(m.node.linkage, fed.clients, m.team.analyst, PROJECT))


def linked(fed: Federation) -> dict[str, list[dict[str, Any]]]:
    for name in MEMBERS:
        submit(fed, name)
    return {name: results(fed, name) for name in MEMBERS}


def test_the_hub_links_persons_across_members(hubbed: Federation) -> None:
    start(hubbed)
    world = populate(hubbed)
    summaries = [submit(hubbed, name) for name in MEMBERS]
    assert [s["run"] for s in summaries] == [None, None, 1]  # linked when the last one came
    assert summaries[0]["kept_home"] == 1  # the TLP:RED record is offered nobody
    found = {name: results(hubbed, name) for name in MEMBERS}
    manila = {(c["record_id"], c["partner"]) for c in found["manila"]}
    assert manila == {(world.ivanova["manila"], "moscow"), (world.bautista["manila"], "moscow")}
    moscow = {(c["record_id"], c["partner"]) for c in found["moscow"]}
    assert moscow == {(world.ivanova["moscow"], "manila"), (world.bautista["moscow"], "manila")}
    assert found["kuala-lumpur"] == []
    # each side holds the other's reference, not its record id
    theirs = {c["partner_ref"] for c in found["manila"]}
    assert theirs == {c["ref"] for c in found["moscow"]}
    assert not theirs & set(world.ivanova.values())
    manila_ = hubbed["manila"]  # a junior analyst does not see the CONFIDENTIAL record's
    junior = manila_.node.linkage.candidates(manila_.team.junior, PROJECT)
    assert [c["record_id"] for c in junior] == [world.ivanova["manila"]]


def test_each_member_is_told_only_its_own_pairs(hubbed: Federation) -> None:
    start(hubbed)
    populate(hubbed)
    found = linked(hubbed)
    refs = {c["ref"] for name in ("manila", "moscow") for c in found[name]}
    wire = hubbed.clients
    assert isinstance(wire, Recording)
    wire.wire.clear()
    assert results(hubbed, "kuala-lumpur") == []
    (_asked, answer) = wire.wire
    assert not any(ref.encode() in answer for ref in refs)
    body = orjson.loads(orjson.loads(answer)["message"])
    assert body["type"] == MessageType.HUB_RESULTS.value and body["body"]["pairs"] == []
    hub = hubbed["hub"]
    (entry,) = hub.node.audit.entries(hub.team.auditor, action="hub.link")
    assert entry.detail["pairs"] == 2 and "score" not in str(entry.detail)


def _forms(secret: bytes) -> list[bytes]:
    return [
        secret,
        secret.hex().encode(),
        base64.b64encode(secret),
        base64.urlsafe_b64encode(secret).rstrip(b"="),
    ]


CLEAR = [
    "Mariya",
    "mariya",
    "Ivanova",
    "ivanova",
    "Иванова",
    "Bautista",
    "bautista",
    "Bautsita",
    "Volkov",
    "1985-03-02",
    "19850302",
    "1979-11-02",
    "19791102",
]


def _hub_database(fed: Federation) -> bytes:
    """Every value of every table of the hub's database, and the file itself."""
    hub = fed["hub"].node
    parts: list[bytes] = []
    with hub.ctx.engine.connect() as conn:
        for table in metadata.sorted_tables:
            for row in conn.execute(sa.select(table)):
                for value in row:
                    text = value if isinstance(value, bytes) else str(value).encode()
                    parts.append(text)
    url = hub.ctx.settings.resolved_database_url()
    if url.startswith("sqlite:///"):
        parts.append(Path(url.removeprefix("sqlite:///")).read_bytes())
    return b"\x00".join(parts)


def test_the_hub_never_sees_the_secret_nor_a_clear_value(hubbed: Federation) -> None:
    start(hubbed)
    world = populate(hubbed)
    found = linked(hubbed)
    assert found["manila"]  # the flow ran
    wire = hubbed.clients
    assert isinstance(wire, Recording) and wire.wire
    seen = b"\x00".join(wire.wire)
    stored = _hub_database(hubbed)
    secrets = _forms(SECRET)
    clear = [v.encode() for v in CLEAR] + [
        r.encode() for w in world.__dict__.values() for r in w.values()
    ]
    for blob in (seen, stored):
        assert not any(s in blob for s in secrets)
        assert not [v for v in clear if v in blob]
    with hubbed["manila"].node.ctx.engine.connect() as conn:
        sealed = conn.execute(sa.text("SELECT secret FROM hub_memberships")).scalar_one()
    assert not any(s in bytes(sealed) for s in secrets)  # kept sealed at the member


def test_a_tampered_or_replayed_submission_is_refused(hubbed: Federation) -> None:
    start(hubbed)
    populate(hubbed)
    manila, hub = hubbed["manila"], hubbed["hub"]
    prepared = manila.node.linkage.prepare(manila.team.analyst, PROJECT)
    raw = manila.node.linkage.message(prepared.hub, MessageType.HUB_SUBMIT, prepared.bodies[0])
    outer = orjson.loads(raw)
    text = outer["message"]
    at = text.index('"encodings":"') + len('"encodings":"') + 5
    flipped = "B" if text[at] != "B" else "C"
    outer["message"] = text[:at] + flipped + text[at + 1 :]
    with pytest.raises(MessageRefused) as refused:
        hub.node.federation.receive(orjson.dumps(outer))
    assert refused.value.field == "signature"
    hub.node.federation.receive(raw)
    with pytest.raises(Replayed):
        hub.node.federation.receive(raw)
    again = manila.node.linkage.message(prepared.hub, MessageType.HUB_SUBMIT, prepared.bodies[0])
    with pytest.raises(MessageRefused) as twice:  # a new message for a part already taken
        hub.node.federation.receive(again)
    assert twice.value.field == "part"
    rejected = hub.node.audit.entries(hub.team.auditor, action="federation.receive")
    assert len([e for e in rejected if e.result == "rejected"]) == 3


def test_a_non_member_is_refused(hubbed: Federation) -> None:
    agree("asean-pact", [hubbed[m] for m in MEMBERS])
    hub = hubbed["hub"]
    hub.node.hub.create(hub.team.admin, PROJECT, ["manila", "moscow"])
    kl = hubbed["kuala-lumpur"]
    kl.node.linkage.join(kl.team.admin, PROJECT, "hub", ["manila", "moscow"], SECRET)
    add(hubbed, "kuala-lumpur", {"name": ["Ahmad Ibrahim"], "birthDate": ["1990-06-01"]})
    prepared = kl.node.linkage.prepare(kl.team.analyst, PROJECT)
    raw = kl.node.linkage.message(prepared.hub, MessageType.HUB_SUBMIT, prepared.bodies[0])
    with pytest.raises(MessageRefused) as refused:
        hub.node.federation.receive(raw)
    assert refused.value.field == "project"
    with pytest.raises(PeerUnreachable) as over_http:
        submit(hubbed, "kuala-lumpur")
    assert "403" in over_http.value.reason
    (failed,) = kl.node.audit.entries(kl.team.auditor, action="hub.submit")
    assert failed.result == "failed" and "403" in failed.detail["reason"]
    (project,) = hub.node.hub.projects(hub.team.admin)
    assert project["submissions"] == []


def test_members_must_name_the_projects_members(hubbed: Federation) -> None:
    agree("asean-pact", [hubbed[m] for m in MEMBERS])
    hub = hubbed["hub"]
    hub.node.hub.create(hub.team.admin, PROJECT, list(MEMBERS))
    manila = hubbed["manila"]
    manila.node.linkage.join(manila.team.admin, PROJECT, "hub", ["manila", "moscow"], SECRET)
    prepared = manila.node.linkage.prepare(manila.team.analyst, PROJECT)
    raw = manila.node.linkage.message(prepared.hub, MessageType.HUB_SUBMIT, prepared.bodies[0])
    with pytest.raises(MessageRefused) as refused:
        hub.node.federation.receive(raw)
    assert refused.value.field == "members"


def test_a_new_submission_replaces_the_old_and_links_again(hubbed: Federation) -> None:
    start(hubbed)
    world = populate(hubbed)
    linked(hubbed)
    manila = hubbed["manila"]
    manila.node.records.delete(manila.team.analyst, world.bautista["manila"], "entered in error")
    assert submit(hubbed, "manila")["run"] == 2
    found = results(hubbed, "manila")
    assert [c["record_id"] for c in found] == [world.ivanova["manila"]]
    assert len(results(hubbed, "moscow")) == 1


def test_roles(hubbed: Federation) -> None:
    start(hubbed)
    hub, manila = hubbed["hub"], hubbed["manila"]
    with pytest.raises(Forbidden):
        hub.node.hub.create(hub.team.analyst, "other", ["manila", "moscow"])
    with pytest.raises(Forbidden):
        manila.node.linkage.prepare(manila.team.admin, PROJECT)
    with pytest.raises(Forbidden):
        manila.node.linkage.join(manila.team.officer, "other", "hub", ["moscow"], SECRET)


def test_a_hub_candidate_is_followed_up_like_a_hit(hubbed: Federation) -> None:
    """A victim (hit-only between the members) linked by the hub: moscow files a
    follow-up naming manila's reference, manila's officer approves, the record
    arrives; manila resolved the reference through its own hub references."""
    start(hubbed)
    victim = {"firstName": ["Lorna"], "lastName": ["Santos"], "birthDate": ["1990-07-07"]}
    theirs = add(hubbed, "manila", victim, subject_category="victim")
    add(hubbed, "moscow", victim, subject_category="victim")
    crowd(hubbed, "kuala-lumpur", "en_US", 3)
    found = linked(hubbed)
    (pair,) = [c for c in found["moscow"] if c["partner"] == "manila"]
    moscow, manila = hubbed["moscow"], hubbed["manila"]
    why = "Lorna Santos was trafficked through Moscow; case 2026-207 needs her identity"
    filed = moscow.node.followups.file(moscow.team.analyst, "manila", pair["partner_ref"], why)
    hubbed.settle()
    (request,) = manila.node.followups.page(manila.team.officer, "in")["items"]
    shown = manila.node.followups.show(manila.team.officer, request["id"])
    assert [r["record_id"] for r in shown["records"]] == [theirs]
    manila.node.followups.decide(manila.team.officer, request["id"], "approve")
    hubbed.settle()
    copy = moscow.node.records.get(moscow.team.analyst, theirs)
    assert copy.properties["lastName"] == ["Santos"]
    assert moscow.node.followups.show(moscow.team.analyst, filed["id"])["state"] == "approved"


def test_a_resubmission_voids_what_the_hub_held_before(hubbed: Federation) -> None:
    """The hub linked manila and moscow before kuala-lumpur submitted; manila
    then deletes a person and submits again: no pair names the deleted person
    any more, on the hub or on either member."""
    start(hubbed)
    world = populate(hubbed)
    submit(hubbed, "manila")
    submit(hubbed, "moscow")
    hub = hubbed["hub"]
    hub.node.hub.link_now(hub.team.admin, PROJECT)
    assert len(results(hubbed, "moscow")) == 2
    manila = hubbed["manila"]
    gone = world.bautista["manila"]
    manila.node.records.delete(manila.team.analyst, gone, "entered in error")
    submit(hubbed, "manila")  # kuala-lumpur has still not submitted: no new run
    assert results(hubbed, "moscow") == []  # manila's old pairs are void until the next run
    assert gone not in {c["record_id"] for c in results(hubbed, "manila")}
    submit(hubbed, "kuala-lumpur")  # every member in: a run over what is held now
    moscow = {c["record_id"] for c in results(hubbed, "moscow")}
    assert moscow == {world.ivanova["moscow"]}
