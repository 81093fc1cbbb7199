"""Notices and diffusions over real processes: three `liaison serve` nodes (manila,
moscow, kuala-lumpur) on loopback, each its own process with its own SQLite
database, pinned to each other, under one agreement whose purposes include
``alert``. Everything after the setup goes through each node's HTTP API, as an
outside client would (sign in, then ``/api/v1/notices...``, ``/challenges...``,
``/records``, ``/alerts``); messages travel asynchronously (the courier thread),
so every expectation on another node is polled for, bounded in tries and time.

The compliance review refuses a predominantly political arrest request and passes
a valid one, approved by a supervisor and published to both partners; a diffusion
reaches only the partner chosen; a border post checks a stolen passport by
hit/no-hit and answers located; a location reaches the originator with the same
deadline on both sides; a cancellation reaches every holder, ends alerts and
refuses responses; a challenge taken in at moscow is decided at manila and the
deletion reaches every holder. Names, numbers and cases are fictitious."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx2 as httpx
import pytest

from liaison.demo.cluster import USERS, NodeProcess, agree, mesh, parties
from liaison.federation.tls import pinned_context
from tests.federation.test_diffusion import EVALUATED, arrest

NAMES = ("manila", "moscow", "kuala-lumpur")
FAST = {
    "federation_poll_seconds": 0.2,
    "federation_pull_seconds": 2.0,
    "federation_backoff_max_seconds": 1.0,
    "federation_timeout_seconds": 5.0,
    "match_worker": True,  # alerts on records that match a partner's notice
    "match_poll_seconds": 0.5,
    "witness_worker": False,  # not what these tests are about; it only costs CPU
}
AGREEMENT = "ph-ru-my-notices"
MARKINGS = {"tlp": "GREEN", "pap": "GREEN", "handling": ["H0"]}
EVALUATION = {"scheme": "admiralty", "source": "B", "information": "2"}
WAIT = 90.0  # seconds for a message to cross (three nodes on two cores)
NEVER = 10.0  # how long "never arrives" is watched: many courier rounds and pulls

T = TypeVar("T")


def _port(offset: int) -> int:
    """Apart from the other process tests' ranges (20000-33000) and the ephemeral ports."""
    return 14000 + (os.getpid() % 1500) * 3 + offset


def agreement(named: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "agreement_id": AGREEMENT,
        "title": "FICTITIOUS test agreement on notices between three agencies",
        "parties": named,
        "scope": {
            "schemata": ["Person", "Passport", "LegalEntity", "Vessel"],
            "crime_areas": ["human_trafficking", "terrorism", "drug_trafficking"],
            "subject_categories": ["suspect", "convicted", "victim", "other"],
        },
        "purposes": ["cross_check", "investigation", "alert"],
        "max_classification": "CONFIDENTIAL",
        "tlp": ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT"],
        "handling": ["H0", "H1", "H2", "H3"],
        "onward": "with_consent",
        "retention": {"nominal": "5y"},
        "hit_only": ["victim"],
        "effective_from": "2020-01-01",
        "on_end": "recall",
    }


@dataclass
class Agency:
    """One running node as its API's clients see it: one signed-in client per user."""

    process: NodeProcess
    node_id: str = ""
    clients: dict[str, httpx.Client] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.process.name

    def __getitem__(self, user: str) -> httpx.Client:
        return self.clients[user]

    def sign_in(self) -> None:
        context = pinned_context(self.process.settings().tls_cert_path.read_text())
        base = f"{self.process.url}/api/v1"
        for user in USERS:
            client = httpx.Client(base_url=base, verify=context, timeout=30)
            login = {"username": user, "password": self.process.passwords[user]}
            answer = client.post("/auth/login", json=login)
            assert answer.status_code == 200, answer.text
            client.headers["Authorization"] = f"Bearer {answer.json()['token']}"
            self.clients[user] = client
        node = self["officer"].get("/node")
        assert node.status_code == 200, node.text
        self.node_id = node.json()["node_id"]

    def close(self) -> None:
        for client in self.clients.values():
            client.close()


Cluster = dict[str, Agency]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    base: Path = tmp_path_factory.mktemp("diffusion-processes")
    nodes = [NodeProcess(n, base / n, _port(i), dict(FAST)) for i, n in enumerate(NAMES)]
    agencies = {n.name: Agency(n) for n in nodes}
    try:
        for n in nodes:
            n.create()
        mesh(nodes)
        agree(nodes, agreement(parties(nodes)))
        for n in nodes:
            n.start()
        for n in nodes:
            n.wait_ready()
        for agency in agencies.values():
            agency.sign_in()
        yield agencies
    finally:
        for agency in agencies.values():
            agency.close()
        for n in nodes:
            n.stop()


# --- helpers: the API as a black box ---------------------------------------------------


def ok(answer: httpx.Response, status: int = 200) -> Any:
    assert answer.status_code == status, (
        f"{answer.request.method} {answer.request.url} -> {answer.status_code}: {answer.text}"
    )
    return answer.json()


def wait_for(what: str, probe: Callable[[], T | None], timeout: float = WAIT) -> T:
    """Poll ``probe`` until it answers something truthy: bounded in time and tries."""
    every = 0.3
    deadline = time.monotonic() + timeout
    last: Any = None
    for _ in range(int(timeout / every) + 1):
        last = probe()
        if last:
            return last
        if time.monotonic() >= deadline:
            break
        time.sleep(every)
    raise AssertionError(f"{what}: not within {timeout:.0f} s (last seen: {last!r})")


def person(name: str, birth: str, passport: str) -> dict[str, Any]:
    return {
        "schema": "Person",
        "properties": {
            "name": [name],
            "birthDate": [birth],
            "nationality": ["ph"],
            "passportNumber": [passport],
        },
    }


def create_record(agency: Agency, entity: dict[str, Any], envelope: dict[str, Any]) -> Any:
    body = {"entity": entity, "envelope": envelope}
    return ok(agency["analyst"].post("/records", json=body), 201)


def issue(manila: Agency, draft: dict[str, Any]) -> str:
    """Draft (analyst), submit (the review passes), approve and issue (supervisor)."""
    made = ok(manila["analyst"].post("/notices", json=draft), 201)
    notice_id = made["summary"]["notice_id"]
    reviewed = ok(manila["analyst"].post(f"/notices/{notice_id}/submit"))
    assert reviewed["summary"]["state"] == "in_review", reviewed["review"]
    approved = ok(manila["supervisor"].post(f"/notices/{notice_id}/approve"))
    assert approved["summary"]["state"] == "approved"
    issued = ok(manila["supervisor"].post(f"/notices/{notice_id}/issue"))
    assert issued["summary"]["state"] == "issued"
    return str(notice_id)


def inbox(agency: Agency) -> dict[str, Any]:
    page = ok(agency["officer"].get("/notices", params={"box": "in", "limit": 200}))
    return {n["notice_id"]: n for n in page["notices"]}


def held(agency: Agency, notice_id: str) -> dict[str, Any] | None:
    """The partner's notice as this node holds it, once it is listed under ``box=in``."""
    if notice_id not in inbox(agency):
        return None
    return dict(ok(agency["officer"].get(f"/notices/{notice_id}")))


def wait_held(agency: Agency, notice_id: str, state: str = "issued") -> dict[str, Any]:
    def probe() -> dict[str, Any] | None:
        view = held(agency, notice_id)
        return view if view is not None and view["summary"]["state"] == state else None

    return wait_for(f"{agency.name} holds {notice_id} ({state})", probe)


def alerts(agency: Agency) -> list[dict[str, Any]]:
    return list(ok(agency["analyst"].get("/alerts", params={"limit": 500})))


# --- the tests -------------------------------------------------------------------------


def test_a_political_arrest_request_is_refused_and_a_valid_one_published(
    cluster: Cluster,
) -> None:
    manila, moscow, kl = cluster["manila"], cluster["moscow"], cluster["kuala-lumpur"]
    name = "Rodrigo Villanueva Santos"
    record = create_record(manila, person(name, "1984-02-29", "P7730419"), EVALUATED)
    rid = record["record_id"]

    political = arrest(
        rid,
        fields={
            **arrest(rid)["fields"],
            "charge": "Insulting the president and sedition at an opposition rally",
        },
    )
    made = ok(manila["analyst"].post("/notices", json=political), 201)
    refused_id = made["summary"]["notice_id"]
    refused = ok(manila["analyst"].post(f"/notices/{refused_id}/submit"))
    assert refused["summary"]["state"] == "draft"
    assert refused["review"] is not None and refused["review"]["outcome"] == "refused"
    denied = {r["rule"] for r in refused["review"]["reasons"] if r["effect"] == "deny"}
    assert "neutrality" in denied
    never = manila["supervisor"].post(f"/notices/{refused_id}/approve")
    assert never.status_code == 409, never.text
    shown = ok(manila["officer"].get(f"/notices/{refused_id}"))
    assert shown["summary"]["state"] == "draft"

    made = ok(manila["analyst"].post("/notices", json=arrest(rid)), 201)
    notice_id = made["summary"]["notice_id"]
    reviewed = ok(manila["analyst"].post(f"/notices/{notice_id}/submit"))
    assert reviewed["summary"]["state"] == "in_review", reviewed["review"]
    assert reviewed["review"]["outcome"] == "passed"
    by_drafter = manila["analyst"].post(f"/notices/{notice_id}/approve")
    assert by_drafter.status_code in (403, 409), by_drafter.text  # four-eyes, and the role
    approved = ok(manila["supervisor"].post(f"/notices/{notice_id}/approve"))
    assert approved["summary"]["state"] == "approved"
    issued = ok(manila["supervisor"].post(f"/notices/{notice_id}/issue"))
    assert issued["summary"]["state"] == "issued"

    for partner in (moscow, kl):
        view = wait_held(partner, notice_id)
        listed = inbox(partner)[notice_id]
        assert listed["kind"] == "arrest" and listed["state"] == "issued"
        assert listed["own"] is False and listed["originator"] == manila.node_id
        assert [s["caption"] for s in view["subjects"]] == [name]
        assert view["review"] is None and view["holders"] == []  # the originator's side only
    assert refused_id not in inbox(moscow) and refused_id not in inbox(kl)

    def both_hold() -> list[str] | None:
        view = ok(manila["officer"].get(f"/notices/{notice_id}"))
        holding = sorted(h["name"] for h in view["holders"] if h["state"] == "holds")
        return holding if holding == ["kuala-lumpur", "moscow"] else None

    assert wait_for("manila's notice names both holders", both_hold) == [
        "kuala-lumpur",
        "moscow",
    ]


def test_a_diffusion_reaches_only_the_partner_chosen(cluster: Cluster) -> None:
    manila, moscow, kl = cluster["manila"], cluster["moscow"], cluster["kuala-lumpur"]
    record = create_record(
        manila, person("Fictitious Benedicto Lualhati Cruz", "1979-11-03", "P6612047"), EVALUATED
    )
    draft = arrest(
        record["record_id"], distribution={"mode": "diffusion", "recipients": [moscow.node_id]}
    )
    notice_id = issue(manila, draft)
    view = wait_held(moscow, notice_id)
    assert view["summary"]["mode"] == "diffusion"

    deadline = time.monotonic() + NEVER  # watched while the couriers run: it never comes
    for _ in range(int(NEVER / 0.5) + 1):
        assert notice_id not in inbox(kl)
        assert kl["officer"].get(f"/notices/{notice_id}").status_code == 404
        if time.monotonic() >= deadline:
            break
        time.sleep(0.5)
    mine = ok(manila["officer"].get(f"/notices/{notice_id}"))
    assert [h["name"] for h in mine["holders"] if h["state"] == "holds"] == ["moscow"]


def test_a_stolen_passport_is_checked_at_the_border_and_located(cluster: Cluster) -> None:
    manila, kl = cluster["manila"], cluster["kuala-lumpur"]
    holder = create_record(
        manila, person("Fictitious Imelda Garcia Reyes", "1990-06-17", "P5521903"), EVALUATED
    )
    passport = create_record(
        manila,
        {
            "schema": "Passport",
            "properties": {
                "number": ["P5521903"],
                "country": ["ph"],
                "type": ["passport"],
                "holder": [holder["entity"]["id"]],
            },
        },
        {k: v for k, v in EVALUATED.items() if k != "subject_category"},
    )
    draft = {
        "kind": "travel_document",
        "subjects": [passport["record_id"]],
        "fields": {"loss_date": "2026-05-01", "loss_report_reference": "PNP-FIC-2026-3321"},
        "markings": MARKINGS,
        "evaluation": EVALUATION,
        "distribution": {"mode": "publication"},
    }
    notice_id = issue(manila, draft)
    wait_held(kl, notice_id)

    asked = {
        "identifiers": [
            {"kind": "passport", "value": "p 552 1903"},
            {"kind": "passport", "value": "X1234567"},
        ]
    }
    hit, miss = ok(kl["officer"].post("/notices/check", json=asked))
    assert hit["hit"] is True and [n["notice_id"] for n in hit["notices"]] == [notice_id]
    assert hit["notices"][0]["kind"] == "travel_document"
    assert miss["hit"] is False and miss["notices"] == []

    answered = ok(
        kl["officer"].post(
            f"/notices/{notice_id}/responses", json={"kind": "located", "text": "Gate 4, KLIA"}
        ),
        201,
    )
    assert [e["kind"] for e in answered["thread"]] == ["located"]

    def located_at_manila() -> list[tuple[str, str, str | None]] | None:
        view = ok(manila["officer"].get(f"/notices/{notice_id}"))
        thread = [(e["receiver"], e["kind"], e["text"]) for e in view["thread"]]
        return thread or None

    assert wait_for("kuala-lumpur's response at manila", located_at_manila) == [
        (kl.node_id, "located", "Gate 4, KLIA")
    ]


def test_a_location_reaches_the_originator_with_the_same_deadline(cluster: Cluster) -> None:
    manila, moscow = cluster["manila"], cluster["moscow"]
    record = create_record(
        manila, person("Fictitious Ernesto Dimaculangan Uy", "1975-01-21", "P4409716"), EVALUATED
    )
    notice_id = issue(manila, arrest(record["record_id"]))
    wait_held(moscow, notice_id)

    located = ok(
        moscow["officer"].post(f"/notices/{notice_id}/responses", json={"kind": "located"}), 201
    )
    theirs = [d for d in located["deadlines"] if d["after"] == "located"]
    assert [(d["who"], d["step"], d["met"]) for d in theirs] == [("originator", "confirm", False)]

    def at_manila() -> dict[str, Any] | None:
        view = ok(manila["officer"].get(f"/notices/{notice_id}"))
        if not any(e["kind"] == "located" for e in view["thread"]):
            return None
        return dict(view)

    mine = wait_for("moscow's location at manila", at_manila)
    assert [(e["receiver"], e["author"], e["kind"]) for e in mine["thread"]] == [
        (moscow.node_id, moscow.node_id, "located")
    ]
    ours = [
        d for d in mine["deadlines"] if d["after"] == "located" and d["receiver"] == moscow.node_id
    ]
    assert [(d["who"], d["step"], d["due"], d["met"]) for d in ours] == [
        ("originator", "confirm", theirs[0]["due"], False)
    ]


def test_a_cancellation_reaches_every_holder_and_ends_responses(cluster: Cluster) -> None:
    manila, moscow, kl = cluster["manila"], cluster["moscow"], cluster["kuala-lumpur"]
    entity = person("Fictitious Teodoro Panganiban Lim", "1982-10-12", "P1176340")
    record = create_record(manila, entity, EVALUATED)
    notice_id = issue(manila, arrest(record["record_id"]))
    for partner in (moscow, kl):
        wait_held(partner, notice_id)

    cancelled = ok(
        manila["supervisor"].post(
            f"/notices/{notice_id}/cancel",
            json={"reason": "The person was arrested in Manila on 2026-12-01."},
        )
    )
    assert cancelled["summary"]["state"] == "cancelled"
    for partner in (moscow, kl):
        wait_held(partner, notice_id, "cancelled")
        assert inbox(partner)[notice_id]["state"] == "cancelled"
        refused = partner["officer"].post(
            f"/notices/{notice_id}/responses", json={"kind": "located"}
        )
        assert refused.status_code == 409, refused.text
        assert ok(partner["officer"].get(f"/notices/{notice_id}"))["thread"] == []
    assert ok(manila["officer"].get(f"/notices/{notice_id}"))["thread"] == []


def test_a_notice_alerts_on_a_matching_record_until_it_is_cancelled(cluster: Cluster) -> None:
    manila, moscow = cluster["manila"], cluster["moscow"]
    entity = person("Fictitious Leonora Magbanua Salvador", "1988-08-08", "P3398125")
    record = create_record(manila, entity, EVALUATED)
    notice_id = issue(manila, arrest(record["record_id"]))
    wait_held(moscow, notice_id)

    # while issued: a matching record written at moscow raises an alert naming the action
    before = create_record(moscow, entity, EVALUATED)

    def notice_alert() -> dict[str, Any] | None:
        for alert in alerts(moscow):
            if alert["target_kind"] == "notice" and alert["record_id"] == before["record_id"]:
                return dict(alert)
        return None

    raised = wait_for("moscow's notice alert on a matching record", notice_alert)
    assert raised.get("notice") is not None, raised
    assert raised["notice"]["id"] == notice_id and "arrest" in raised["notice"]["action"]

    reason = {"reason": "The warrant was withdrawn by the court on 2026-12-02."}
    ok(manila["supervisor"].post(f"/notices/{notice_id}/cancel", json=reason))
    wait_held(moscow, notice_id, "cancelled")

    # after: a new matching record raises no notice alert (once it was screened)
    noticed = {a["id"] for a in alerts(moscow) if a["target_kind"] == "notice"}
    after = create_record(moscow, entity, EVALUATED)

    def screened() -> list[dict[str, Any]] | None:
        found = [a for a in alerts(moscow) if after["record_id"] in (a["record_id"], a["target"])]
        return found or None

    wait_for("moscow screens the later record (an alert on it)", screened)
    assert {a["id"] for a in alerts(moscow) if a["target_kind"] == "notice"} == noticed


def test_a_challenge_is_routed_to_the_originator_and_the_deletion_reaches_every_holder(
    cluster: Cluster,
) -> None:
    manila, moscow, kl = cluster["manila"], cluster["moscow"], cluster["kuala-lumpur"]
    record = create_record(
        manila, person("Fictitious Arturo Bautista Mendoza", "1969-04-30", "P2287534"), EVALUATED
    )
    rid = record["record_id"]
    notice_id = issue(manila, arrest(rid))
    for partner in (moscow, kl):
        wait_held(partner, notice_id)
    wait_for(
        "moscow holds manila's record",
        lambda: moscow["analyst"].get(f"/records/{rid}").status_code == 200,
    )

    body = {"kind": "deletion", "records": [rid], "requester": {"name": "Arturo B. Mendoza"}}
    (asked,) = ok(moscow["officer"].post("/challenges", json=body), 201)
    assert asked["originator"] == manila.node_id and asked["stage"] == "routed"
    assert asked["answer"]["confirms"] is False
    challenge_id = asked["challenge_id"]

    def arrived() -> dict[str, Any] | None:
        for item in ok(manila["officer"].get("/challenges")):
            if item["challenge_id"] == challenge_id:
                return dict(item)
        return None

    taken = wait_for("the challenge reaches manila", arrived)
    assert taken["requester"] is None and taken["records"] == [rid]
    decided = ok(
        manila["officer"].post(
            f"/challenges/{challenge_id}/decision",
            json={
                "verdict": "grant",
                "reasons": "The warrant was quashed; nothing justifies keeping the data.",
                "records": [rid],
            },
        )
    )
    assert decided["stage"] == "decided"

    gone = manila["analyst"].get(f"/records/{rid}")
    assert gone.status_code == 404 or gone.json()["deleted"] is True, gone.text
    mine = ok(manila["officer"].get(f"/notices/{notice_id}"))
    assert mine["summary"]["state"] == "cancelled" or mine["subjects"] == []

    for partner in (moscow, kl):

        def vanished(partner: Agency = partner) -> dict[str, Any] | None:
            view = held(partner, notice_id)
            if view is None or rid in {s["record_id"] for s in view["subjects"]}:
                return None
            return view

        view = wait_for(f"the subjects vanish at {partner.name}", vanished)
        assert view["subjects"] == [] or view["summary"]["state"] == "cancelled"

    def told() -> dict[str, Any] | None:
        view = ok(moscow["officer"].get(f"/challenges/{challenge_id}"))
        return dict(view) if view["stage"] == "decided" else None

    answer = wait_for("moscow learns the challenge was decided", told)
    assert answer["answer"]["confirms"] is False  # no leave given
