"""A real TAXII 2.1 client against a real node: the OASIS ``taxii2-client``,
installed from PyPI and used unchanged, reads the node served over HTTP on a
loopback port.

Manila shares with moscow (trafficking and terrorism suspects, victims only as
hit/no-hit) and with kuala-lumpur (terrorism suspects only); moscow's and
kuala-lumpur's TAXII accounts are users of manila tied to their partner by
``LIAISON_TAXII_USERS``. Moscow's account pages through a collection of a few
hundred records with a small page size (``as_pages``), filters it, reads its
manifest and an object's versions; every refusal is checked: another partner's
collection (404), a user who may not read it (403), no or wrong credentials (401),
an ``Accept`` without TAXII 2.1 (406), too many requests (429). Both backends.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from fastapi.testclient import TestClient
from sqlalchemy import select
from taxii2client.exceptions import AccessError
from taxii2client.v21 import ApiRoot, Collection, Server, as_pages

from liaison.api.app import create_app
from liaison.model.records import Record
from liaison.model.roles import Actor, Role
from liaison.node import Node
from liaison.stix.export import primary_id
from liaison.storage import records as record_store
from liaison.storage.tables import audit_log
from liaison.taxii.media import TAXII
from tests.conftest import PASSWORD, actor_named
from tests.federation.conftest import (
    ENVELOPE,
    Federation,
    Member,
    agree,
    member,
    node_url,  # noqa: F401 - a fixture, used by name
)
from tests.servers import serving

SUSPECTS = 240  # trafficking suspects shared with moscow in full
PAGE = 40
TERRORISM = {**ENVELOPE, "crime_area": "terrorism"}


@dataclass
class World:
    fed: Federation
    manila: Member
    url: str
    tokens: dict[str, str]  # user name -> API token on manila
    shared: list[Record]  # manila's records moscow receives in full, current versions
    withheld: list[Record]  # moscow learns of them by hit/no-hit at most
    terror: list[Record]  # kuala-lumpur receives these (moscow too)
    updated: Record  # a terrorism suspect at version 2
    deleted: Record  # a trafficking suspect's tombstone

    @property
    def node(self) -> Node:
        return self.manila.node

    def collection(self, user: str, partner: str) -> Collection:
        server = Server(f"{self.url}/taxii2/", user=user, password=self.tokens[user])
        found = {c.alias: c for c in server.api_roots[0].collections}
        return found[partner]


def person(n: int, prefix: str) -> dict[str, Any]:
    return {
        "id": f"{prefix}-{n}",
        "schema": "Person",
        "properties": {
            "name": [f"Fictitious {prefix.title()} Number {n}"],
            "email": [f"{prefix}{n}@example.test"],
        },
    }


def token(node: Node, actor: Actor) -> str:
    return node.accounts.create_token(actor, "taxii", 1).token


@pytest.fixture
def world(tmp_path: Path, node_url: Any) -> Iterator[World]:  # noqa: F811 - the fixture
    users = {"moscow-taxii": "moscow", "kl-taxii": "kuala-lumpur"}
    manila = member(
        tmp_path,
        "manila",
        node_url("manila"),
        taxii_users=users,
        taxii_requests_per_minute=100_000,
        taxii_max_page=200,
        import_workers=1,
    )
    others = {n: member(tmp_path, n, node_url(n)) for n in ("moscow", "kuala-lumpur")}
    fed = Federation({"manila": manila, **others})
    fed.link(*fed.members)
    agree("ph-ru", [manila, others["moscow"]])
    terror_scope = {
        "schemata": ["Person"],
        "crime_areas": ["terrorism"],
        "subject_categories": ["suspect"],
    }
    agree("ph-my", [manila, others["kuala-lumpur"]], scope=terror_scope)
    node, team = manila.node, manila.team
    for user in users:
        node.accounts.create_user(team.admin, user, PASSWORD, Role.LIAISON_OFFICER, "CONFIDENTIAL")
    lines = [person(n, "suspect") for n in range(SUSPECTS)]
    node.transfer.import_items(team.analyst, lambda: enumerate(lines, 1), defaults=ENVELOPE)
    victim = {**ENVELOPE, "subject_category": "victim"}  # hit/no-hit only, by the agreement
    withheld = [node.records.create(team.analyst, person(n, "victim"), victim) for n in range(3)]
    red = {**ENVELOPE, "markings": {"tlp": "RED", "handling": ["H0"]}}
    withheld.append(node.records.create(team.analyst, person(0, "red"), red))
    terror = [node.records.create(team.analyst, person(n, "terror"), TERRORISM) for n in range(2)]
    changed = {**person(0, "terror"), "properties": {"name": ["Fictitious Terror Renamed"]}}
    updated = node.records.update(team.analyst, terror[0].record_id, changed, None, 1)
    with node.ctx.read() as conn:
        shared = record_store.current_of(conn, node.ctx.node_id, 0, 10_000)[0]
    gone = next(r for r in shared if r.entity_id == "suspect-7")
    deleted = node.records.delete(team.analyst, gone.record_id, "FICTITIOUS: entered twice")
    people = [actor_named(node, u) for u in users]
    tokens = {a.username: token(node, a) for a in [*people, team.analyst, team.auditor]}
    tokens["admin"] = token(node, team.admin)
    shared = [r for r in shared if r.record_id not in {w.record_id for w in withheld}]
    shared = [updated if r.record_id == updated.record_id else r for r in shared]
    shared = [deleted if r.record_id == deleted.record_id else r for r in shared]
    with serving(manila.app) as url:
        yield World(fed, manila, url, tokens, shared, withheld, terror, updated, deleted)
    for m in fed.members.values():
        m.node.close()


def pages(collection: Collection, **filters: Any) -> list[dict[str, Any]]:
    return list(as_pages(collection.get_objects, per_request=PAGE, **filters))


def ids_of(envelope: dict[str, Any]) -> list[str]:
    return [o["id"] for o in envelope.get("objects", [])]


def test_the_partners_account_pages_through_its_collection(world: World) -> None:
    server = Server(
        f"{world.url}/taxii2/", user="moscow-taxii", password=world.tokens["moscow-taxii"]
    )
    assert server.title == "Liaison node manila"
    root: ApiRoot = server.api_roots[0]
    assert root.url == f"{world.url}/taxii2/liaison/"
    assert root.versions == [TAXII]
    assert [c.alias for c in root.collections] == ["moscow"]  # not kuala-lumpur's
    collection = root.collections[0]
    assert collection.can_read and not collection.can_write

    found = pages(collection)
    assert len(found) > 10
    for envelope in found[:-1]:
        assert envelope["more"] is True and len(envelope["objects"]) == PAGE
        assert len(set(ids_of(envelope))) == PAGE  # each object once on its page
    assert found[-1]["more"] is False and "next" not in found[-1]
    objects = [o for envelope in found for o in envelope["objects"]]
    primaries = [o for o in objects if o["id"] in {primary_id(r) for r in world.shared}]
    # every record moscow receives in full, once, at its latest version; nothing else
    assert sorted(o["id"] for o in primaries) == sorted(primary_id(r) for r in world.shared)
    withheld = {primary_id(r) for r in world.withheld}
    assert not withheld & {o["id"] for o in objects}
    assert len(world.shared) == SUSPECTS + 2
    by_id = {o["id"]: o for o in primaries}
    assert by_id[primary_id(world.deleted)].get("revoked") is True
    renamed = by_id[primary_id(world.updated)]
    assert renamed["modified"] > by_id[primary_id(world.terror[1])]["created"]
    assert "Renamed" in json.dumps(renamed)

    manifest = list(as_pages(collection.get_manifest, per_request=PAGE))
    assert [ids_of(m) for m in manifest] == [ids_of(e) for e in found]
    assert all(
        r["media_type"] == "application/stix+json;version=2.1"
        for m in manifest
        for r in m["objects"]
    )


def test_filters_manifest_and_versions(world: World) -> None:
    collection = world.collection("moscow-taxii", "moscow")
    mails = [o for e in pages(collection, type="email-addr") for o in e.get("objects", [])]
    assert mails and {o["type"] for o in mails} == {"email-addr"}
    assert len({o["value"] for o in mails}) == len(mails)

    wanted = primary_id(world.updated)
    latest = collection.get_objects(id=wanted)["objects"]
    assert [o["modified"] for o in latest] == [latest[0]["modified"]] and len(latest) == 1
    every = collection.get_objects(id=wanted, version="all")["objects"]
    assert len(every) == 2
    first = collection.get_objects(id=wanted, version="first")["objects"]
    assert first[0]["modified"] < latest[0]["modified"]
    exact = collection.get_objects(id=wanted, version=first[0]["modified"])["objects"]
    assert [o["modified"] for o in exact] == [first[0]["modified"]]
    assert collection.get_object(wanted)["objects"] == latest
    versions = collection.object_versions(wanted)["versions"]
    assert versions == [first[0]["modified"], latest[0]["modified"]]
    assert not collection.get_objects(spec_version="2.0").get("objects")

    manifest = [
        r for m in as_pages(collection.get_manifest, per_request=PAGE) for r in m["objects"]
    ]
    imported = next(r for r in manifest if r["id"] == primary_id(world.shared[0]))
    after = pages(collection, added_after=imported["date_added"])
    expected = {r["id"] for r in manifest if r["date_added"] > imported["date_added"]}
    assert {i for envelope in after for i in ids_of(envelope)} == expected
    assert {wanted, primary_id(world.deleted)} <= expected
    assert primary_id(world.shared[0]) not in expected


def test_each_partner_reads_only_its_own(world: World) -> None:
    kl = world.collection("kl-taxii", "kuala-lumpur")
    objects = [o for e in pages(kl) for o in e.get("objects", [])]
    shared = {primary_id(r) for r in world.shared}
    assert {o["id"] for o in objects} & shared == {primary_id(r) for r in world.terror}
    moscow = world.collection("moscow-taxii", "moscow")
    stranger = Collection(moscow.url, user="kl-taxii", password=world.tokens["kl-taxii"])
    with pytest.raises(requests.HTTPError) as caught:
        stranger.get_objects()
    assert caught.value.response.status_code == 404  # kuala-lumpur does not learn of it
    error = caught.value.response.json()
    assert error["http_status"] == "404" and error["title"]
    assert caught.value.response.headers["Content-Type"] == TAXII


def test_refusals(world: World) -> None:
    moscow = world.collection("moscow-taxii", "moscow")
    analyst = Server(f"{world.url}/taxii2/", user="analyst", password=world.tokens["analyst"])
    listed = analyst.api_roots[0].collections
    assert sorted(c.alias for c in listed) == ["kuala-lumpur", "moscow"]
    assert not any(c.can_read for c in listed)
    for user in ("analyst", "admin"):
        refused = Collection(moscow.url, user=user, password=world.tokens[user])
        with pytest.raises(AccessError):  # the client reads can_read: false and stops
            refused.get_objects()
        answer = requests.get(moscow.objects_url, auth=(user, world.tokens[user]), timeout=30)
        assert answer.status_code == 403  # and the server refuses it anyway
        assert answer.json()["http_status"] == "403"
    auditor = Collection(moscow.url, user="auditor", password=world.tokens["auditor"])
    assert auditor.get_objects(limit=5)["more"] is True

    with pytest.raises(requests.HTTPError) as caught:
        Server(f"{world.url}/taxii2/").refresh()
    assert caught.value.response.status_code == 401
    assert "Basic" in caught.value.response.headers["WWW-Authenticate"]
    wrong = Server(f"{world.url}/taxii2/", user="moscow-taxii", password=world.tokens["analyst"])
    with pytest.raises(requests.HTTPError) as caught:
        wrong.refresh()
    assert caught.value.response.status_code == 401

    bearer = {"Authorization": f"Bearer {world.tokens['moscow-taxii']}"}
    answer = requests.get(
        moscow.objects_url, headers={**bearer, "Accept": "application/json"}, timeout=30
    )
    assert answer.status_code == 406 and answer.json()["http_status"] == "406"
    taxii = {**bearer, "Accept": TAXII}
    answer = requests.get(moscow.objects_url, headers=taxii, params={"limit": "none"}, timeout=30)
    assert answer.status_code == 400
    assert answer.json()["details"]["errors"][0]["field"] == "limit"
    answer = requests.post(moscow.objects_url, headers=taxii, json={"objects": []}, timeout=30)
    assert answer.status_code == 405 and answer.headers["Content-Type"] == TAXII
    # the partner's account reads its collection and nothing else of the node
    answer = requests.get(f"{world.url}/api/v1/records", headers=bearer, timeout=30)
    assert answer.status_code == 401


def test_a_user_over_the_rate_is_told_when_to_come_back(world: World) -> None:
    settings = world.node.ctx.settings.model_copy(update={"taxii_requests_per_minute": 2})
    headers = {"Authorization": f"Bearer {world.tokens['moscow-taxii']}", "Accept": TAXII}
    with TestClient(create_app(settings, world.node)) as client:
        assert [client.get("/taxii2/", headers=headers).status_code for _ in range(2)] == [200] * 2
        refused = client.get("/taxii2/", headers=headers)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.json()["http_status"] == "429"


def test_every_read_and_refusal_is_audited(world: World) -> None:
    moscow = world.collection("moscow-taxii", "moscow")
    given = ids_of(moscow.get_objects(limit=5, type="identity"))
    analyst = ("analyst", world.tokens["analyst"])
    assert requests.get(moscow.objects_url, auth=analyst, timeout=30).status_code == 403
    with world.node.ctx.engine.connect() as conn:
        query = select(audit_log).where(audit_log.c.action == "taxii.read")
        entries = list(conn.execute(query.order_by(audit_log.c.seq)))
    read = [e for e in entries if e.result == "ok"][-1]
    detail = json.loads(read.detail)
    assert read.actor == "taxii:moscow-taxii"
    assert read.object == f"collection:{moscow.id}"
    assert detail["partner"] == "moscow" and detail["endpoint"] == "objects"
    assert detail["filters"] == {"match[type]": ["identity"]} and detail["limit"] == 5
    assert detail["objects"] == given
    denied = [e for e in entries if e.result == "denied"][-1]
    assert denied.actor == "taxii:analyst" and "collection:read" in denied.detail
