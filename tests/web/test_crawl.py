"""Every page every role reaches, on nodes that hold what the demo makes.

Two nodes in process (manila and moscow, real HTTP between their apps through
``httpx.ASGITransport``) under the demo's bilateral agreement, each loaded
with records from the demo's own generator, then: received copies both ways,
open alerts of every kind (record against record, against a watchlist entry,
a partner's hit notice), hit/no-hit queries and follow-up requests both ways
in every state (pending, more information asked and answered, approved for
chosen fields, denied, waiting for our answer), so that every kind of notice
has travelled; an issued notice (diffusion) answered by the partner, and a
person's challenge. Each role then signs in through the real form, opens every
page of its navigation and, on each, the first link to each kind of item: no
page may answer 5xx or show "Internal error" (what a template that meets a
missing attribute shows).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from liaison.demo.agreement import bilateral
from liaison.demo.generate import Generator
from liaison.model.roles import Role
from liaison.node import Why
from liaison.node.sources import jsonl_items
from liaison.storage import federation as fed_store
from liaison.storage.tables import copies
from tests.federation import conftest as federation_conftest
from tests.federation.conftest import Federation, Member, member
from tests.web.conftest import sign_in

node_url = federation_conftest.node_url  # several databases on this run's backend

ROLES = {  # one user of each role, and the junior analyst with a low clearance
    "analyst": Role.ANALYST,
    "junior": Role.ANALYST,
    "officer": Role.LIAISON_OFFICER,
    "supervisor": Role.SUPERVISOR,
    "auditor": Role.AUDITOR,
    "admin": Role.ADMINISTRATOR,
}
VICTIM = {
    "legal_basis": "national-law:fictitious-act-2026",
    "purposes": ["cross_check", "investigation"],
    "crime_area": "human_trafficking",
    "subject_category": "victim",  # hit/no-hit only under the bilateral agreement
    "markings": {"classification": "RESTRICTED", "tlp": "AMBER", "handling": ["H0", "H2"]},
}
SUSPECT = {**VICTIM, "subject_category": "suspect"}  # travels in full
WHY = "Demo: the phone was found in a seized handset in a trafficking case"
REASON = "Demo: the case file does not show the link to our case"


# --- the nodes ---------------------------------------------------------------------------


@pytest.fixture
def demo(tmp_path: Path, node_url: Callable[[str], str]) -> Iterator[Federation]:
    fed = Federation({n: member(tmp_path, n, node_url(n)) for n in ("manila", "moscow")})
    fed.link("manila", "moscow")
    try:
        populate(fed)
        yield fed
    finally:
        for m in fed.members.values():
            m.node.close()


def populate(fed: Federation) -> None:
    manila, moscow = fed["manila"], fed["moscow"]
    agree(fed, bilateral([party(manila), party(moscow)]))
    load(manila, 60, seed=7)
    load(moscow, 30, seed=8)
    fed.settle()
    raise_alerts(fed)
    followups_both_ways(fed)
    notice_and_challenge(fed)
    for m in (manila, moscow):
        m.node.matching.process_all()
    fed.settle()
    for m in (manila, moscow):
        with m.node.ctx.engine.connect() as conn:
            assert fed_store.received_counts(conn), f"{m.name} holds no copy"


def party(m: Member) -> dict[str, str]:
    return {"node_id": m.node_id, "name": m.name, "public_key": m.node.info.public_key}


def agree(fed: Federation, document: dict[str, Any]) -> None:
    """The demo's agreement, signed by both and active at both."""
    agreement_id = document["agreement_id"]
    first, other = fed["manila"], fed["moscow"]
    first.node.agreements.propose(first.team.officer, document)
    bundle = first.node.agreements.sign(first.team.supervisor, agreement_id, 1).to_dict()
    other.node.agreements.receive(other.team.officer, bundle)
    bundle = other.node.agreements.sign(other.team.supervisor, agreement_id, 1).to_dict()
    for m in (first, other):
        m.node.agreements.receive(m.team.officer, bundle)
        m.node.agreements.move(m.team.officer, agreement_id, "activate")


def load(m: Member, count: int, seed: int) -> None:
    """The demo's generated records, imported the way the demo imports them."""
    generator = Generator(seed)
    lines = [
        orjson.dumps({**e, "envelope": generator.envelope()}) for e in generator.entities(count)
    ]
    report = m.node.transfer.import_items(
        m.team.analyst,
        lambda: jsonl_items(lines),
        source="demo",
        why=Why("operational_analysis", "demo data load"),
    )
    assert report.created == count


def raise_alerts(fed: Federation) -> None:
    """Open alerts of each kind: moscow records a suspect that manila shared in
    full (record against record at moscow, a hit notice, a partner alert at
    manila); manila records a second spelling of one of its own persons and
    puts a third on a watchlist."""
    manila, moscow = fed["manila"], fed["moscow"]
    suspect = Generator(21).person()
    manila.node.records.create(manila.team.analyst, {**suspect, "id": "crawl-shared"}, SUSPECT)
    fed.settle()
    moscow.node.records.create(moscow.team.analyst, {**suspect, "id": "crawl-ours"}, SUSPECT)
    twin = Generator(22).person()
    manila.node.records.create(manila.team.analyst, {**twin, "id": "crawl-twin-1"}, SUSPECT)
    twin["properties"]["name"] = [twin["properties"]["name"][0].upper()]
    manila.node.records.create(manila.team.analyst, {**twin, "id": "crawl-twin-2"}, SUSPECT)
    watched = Generator(23).person()
    manila.node.records.create(manila.team.analyst, {**watched, "id": "crawl-watched"}, SUSPECT)
    manila.node.matching.add_watchlist(manila.team.analyst, "crawl-list", "fictitious")
    manila.node.matching.add_entries(manila.team.analyst, "crawl-list", [watched])
    for m in (moscow, manila):
        m.node.matching.process_all()
        fed.settle()
    kinds = {a.target_kind for a in manila.node.matching.alerts(manila.team.analyst, "open")}
    assert kinds == {"record", "watchlist", "partner"}, kinds
    assert moscow.node.matching.alerts(moscow.team.analyst, "open")


def followups_both_ways(fed: Federation) -> None:
    """Moscow asks manila twice (one approved for three fields, one asked for
    more and answered, so pending again); manila asks moscow twice (one
    denied, one waiting for manila's answer)."""
    manila, moscow = fed["manila"], fed["moscow"]
    approved = ask(fed, moscow, manila, seed=31)
    manila.node.followups.decide(
        manila.team.officer, approved, "approve", "demo", ["name", "birthDate", "nationality"]
    )
    answered = ask(fed, moscow, manila, seed=32)
    manila.node.followups.decide(manila.team.officer, answered, "more", REASON)
    fed.settle()
    moscow.node.followups.reply(moscow.team.analyst, mine(moscow, "out", 0), WHY)
    denied = ask(fed, manila, moscow, seed=33)
    moscow.node.followups.decide(moscow.team.officer, denied, "deny", REASON)
    waiting = ask(fed, manila, moscow, seed=34)
    moscow.node.followups.decide(moscow.team.officer, waiting, "more", REASON)
    fed.settle()


def notice_and_challenge(fed: Federation) -> None:
    """Manila issues a notice that moscow holds and answers (located, so a
    deadline runs), and takes in a person's challenge about one of its records."""
    manila, moscow = fed["manila"], fed["moscow"]
    entity = {**Generator(41).person(), "id": "crawl-sought"}
    record = manila.node.records.create(manila.team.analyst, entity, SUSPECT)
    draft = {
        "kind": "information",
        "subjects": [record.record_id],
        "fields": {
            "information_sought": ["location"],
            "summary_of_facts": "Demo: recruited workers with false job offers in 2026.",
            "legal_references": ["Fictitious Act 2026, section 4"],
        },
        "markings": {"tlp": "AMBER", "handling": ["H0"]},
        "distribution": {"mode": "publication"},
        "releases": ["H2"],
    }
    notices = manila.node.notices
    notice_id = notices.draft(manila.team.analyst, draft).summary.notice_id
    reviewed = notices.submit(manila.team.analyst, notice_id)
    assert reviewed.summary.state == "in_review", reviewed.review
    notices.approve(manila.team.supervisor, notice_id)
    notices.issue(manila.team.supervisor, notice_id)
    fed.settle()
    moscow.node.notices.respond(moscow.team.officer, notice_id, "located", text=WHY)
    fed.settle()
    requester = {"name": "Demo Requester", "contact": "PO Box 1, Fictitious City"}
    manila.node.challenges.open(manila.team.officer, "access", [record.record_id], requester)


def ask(fed: Federation, asker: Member, holder: Member, seed: int) -> int:
    """The holder records a victim; the asker queries its phone (a hit) and files
    a follow-up request; return the request's id at the holder."""
    entity = {**Generator(seed).person(), "id": f"crawl-victim-{seed}"}
    holder.node.records.create(holder.team.analyst, entity, VICTIM)
    fed.settle()
    phone = entity["properties"]["phone"][0]
    courier = fed.courier(asker.name)
    why = Why("cross_check", "demo: a phone found in a seized handset")
    asked = [{"kind": "phone", "value": phone}]
    (found,) = asyncio.run(courier.hit_query(asker.team.analyst, holder.name, asked, why=why))
    assert found["hit"] is True
    filed = asker.node.followups.file(asker.team.analyst, holder.name, str(found["reference"]), WHY)
    fed.settle()
    return mine(holder, "in", 0, filed["request_id"])


def mine(m: Member, direction: str, index: int, request_id: str | None = None) -> int:
    """A follow-up request's id: the given request's, or the newest's."""
    items = m.node.followups.page(m.team.officer, direction, None, 200)["items"]
    if request_id is not None:
        items = [i for i in items if i["request_id"] == request_id]
    return int(items[index]["id"])


# --- the crawler -------------------------------------------------------------------------


class Links(HTMLParser):
    """The links of a page: those of the main navigation, and those in ``<main>``."""

    def __init__(self) -> None:
        super().__init__()
        self.nav: list[str] = []
        self.main: list[str] = []
        self.inside: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("nav", "main"):
            self.inside.append(tag)
        href = dict(attrs).get("href")
        if tag == "a" and href and self.inside:
            (self.nav if self.inside[-1] == "nav" else self.main).append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("nav", "main") and self.inside:
            self.inside.pop()


def links(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    return parser


def local(href: str) -> str | None:
    """A same-node page to open: a path (and query) that is not a static file."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith("/static/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def kind(path: str) -> tuple[str, ...]:
    """What sort of page a path opens: its first segment, how deep it is, the
    names of its query parameters (``/records/<id>``, ``/records/<id>/versions``,
    ``/followups?direction=&state=``, ``/graph?record=``...)."""
    parts = urlsplit(path)
    segments = parts.path.strip("/").split("/")
    last = segments[-1] if len(segments) > 1 and segments[-1].isalpha() else ""
    keys = sorted(pair.split("=")[0] for pair in parts.query.split("&") if pair)
    return (segments[0], str(len(segments)), last, *keys)


def opened(client: TestClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code < 500, f"{path}: {response.status_code}\n{response.text[:2000]}"
    assert "Internal error" not in response.text, f"{path}: {response.text[:2000]}"
    return response.text


def crawl(client: TestClient, limit: int = 80) -> list[str]:
    """Open the navigation's pages and, from each page opened, the first link
    of each kind not opened yet (the first item of a list, a filtered list,
    a record's versions, its graph...); return every path opened."""
    home = opened(client, "/")
    queue = list(dict.fromkeys(p for p in map(local, links(home).nav) if p))
    kinds = {kind(p) for p in queue}
    seen: list[str] = []
    while queue and len(seen) < limit:
        path = queue.pop(0)
        seen.append(path)
        for found in map(local, links(opened(client, path)).main):
            if found is not None and kind(found) not in kinds:
                kinds.add(kind(found))
                queue.append(found)
    assert not queue, f"more than {limit} pages: {queue}"
    return seen


def every_followup_and_copy(m: Member) -> list[str]:
    """The pages of every follow-up request (both ways) and of every received copy."""
    ids = [
        f"/followups/{item['id']}"
        for direction in ("in", "out")
        for item in m.node.followups.page(m.team.officer, direction, None, 200)["items"]
    ]
    with m.node.ctx.engine.connect() as conn:
        held = conn.execute(sa.select(copies.c.record_id, copies.c.level)).all()
    assert {level for _, level in held} >= {"full", "reference"}
    return ids + [f"/records/{record_id}" for record_id, _ in held]


def test_every_role_opens_every_page_it_reaches(demo: Federation) -> None:
    for m in demo.members.values():
        check_node(m)


def check_node(m: Member) -> None:
    app = m.app
    reached: dict[str, list[str]] = {}
    for username, role in ROLES.items():
        with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as c:
            sign_in(c, username)
            reached[username] = crawl(c)
            if role in (Role.ANALYST, Role.LIAISON_OFFICER):
                for path in every_followup_and_copy(m):
                    opened(c, path)
    assert m.node.matching.alerts(m.team.analyst, "open")  # the dashboard showed them
    assert "/alerts" in reached["analyst"] and "/neutrality" in reached["auditor"]
    assert {"/records", "/followups", "/graph"} <= set(reached["officer"])
    assert any(p.startswith("/records/") and p.endswith("/versions") for p in reached["analyst"])
    assert any(p.startswith("/followups/") for p in reached["officer"])
    assert "/audit" in reached["auditor"] and "/admin" in reached["admin"]
    everyone = [p for paths in reached.values() for p in paths]
    assert any(p.startswith("/notices/ntc-") for p in everyone)  # ours at manila, theirs at moscow
    if m.name == "manila":
        assert any(p.startswith("/challenges/chl-") for p in reached["officer"])
