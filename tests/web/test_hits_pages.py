"""The hit/no-hit page between two real nodes: the asking node's page sends its
signed, blinded question over real HTTP (loopback) to the partner's app, as the
API route does, and shows hit, no hit or a candidate hit with a "Request the
record" form next to each hit only; bad input is named; roles that may not
ask get the 403 page.

Fixture strategy: two members built by ``tests.federation.conftest.member``
(each its own database, SQLite file or PostgreSQL schema); the answering
node's app is served by uvicorn on a loopback port of this process, so the
page's question really travels by HTTP; the later steps (notices, released
records) are delivered by the federation tests' courier over ASGI."""

from __future__ import annotations

import datetime as dt
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.datastructures import FormData

from liaison.errors import InvalidInput
from liaison.model.identity import b64, node_id_for
from liaison.policy.agreements import Agreement, AgreementState, parse_document
from liaison.web.pages.hits import Question, form_field, partners, question_of
from tests.conftest import person
from tests.federation.conftest import (
    ENVELOPE,
    Federation,
    Member,
    agree,
    agreement_doc_for,
    member,
    node_url,
)
from tests.web.conftest import csrf_of, sign_in

__all__ = ["node_url"]  # the fixture, used by this module's fixtures

PHONE = "+63 917 555 0123"  # fictitious
OTHER_PHONE = "+63 917 555 0999"
VICTIM = {**ENVELOPE, "subject_category": "victim"}  # hit-only for the partner
WHY = "Subject called the trafficking network's dispatcher; case 2026-114"
REFERENCE = re.compile(r'name="reference" value="([^"]+)"')


class Loopback:
    """An app served by uvicorn on a free loopback port, in a thread."""

    def __init__(self, app: FastAPI) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        config = uvicorn.Config(app, lifespan="off", log_level="warning", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def start(self) -> None:
        self.thread.start()
        for _ in range(1000):  # a bounded wait for the server to listen, not a timing test
            if self.server.started:
                return
            time.sleep(0.01)
        raise AssertionError("the loopback server did not start")

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()


@dataclass
class Pair:
    """Manila asks; Moscow holds the record and answers over loopback HTTP."""

    fed: Federation
    clients: list[TestClient] = field(default_factory=list)

    @property
    def manila(self) -> Member:
        return self.fed["manila"]

    @property
    def moscow(self) -> Member:
        return self.fed["moscow"]

    def browser(self, who: Member, username: str) -> TestClient:
        client = TestClient(who.app, base_url="https://testserver", raise_server_exceptions=False)
        client.__enter__()
        self.clients.append(client)
        return sign_in(client, username)

    def holds(self, name: str = "Maria Clara Bautista", **props: list[str]) -> Any:
        """Moscow records a victim (offered to Manila as hit/no-hit only)."""
        entity = person(
            name,
            phone=[PHONE],
            birthDate=["1991-04-12"],
            nationality=["ph"],
            **props,
        )
        record = self.moscow.node.records.create(self.moscow.team.analyst, entity, VICTIM)
        self.fed.settle()
        return record


@pytest.fixture
def pair(tmp_path: Path, node_url: Any) -> Iterator[Pair]:
    manila = member(tmp_path, "manila", node_url("manila"))
    moscow = member(tmp_path, "moscow", node_url("moscow"))
    served = Loopback(moscow.app)
    served.start()
    moscow.url = served.url
    fed = Federation({"manila": manila, "moscow": moscow})
    fed.link("manila", "moscow")
    agree("ph-ru", [manila, moscow])
    made = Pair(fed)
    yield made
    for client in made.clients:
        client.__exit__(None, None, None)
    served.stop()
    for m in fed.members.values():
        m.node.close()


def ask(pair: Pair, client: TestClient, **fields: str) -> Any:
    form = client.get("/hits")
    assert form.status_code == 200, form.text
    data = {"csrf": csrf_of(form.text), "partner": pair.moscow.node_id, "purpose": "cross_check"}
    return client.post("/hits", data={**data, **fields})


def references(html: str) -> list[str]:
    return REFERENCE.findall(html)


# --- the page over real nodes ----------------------------------------------------------


def test_a_phone_the_partner_holds_is_a_hit_with_a_request_form(pair: Pair) -> None:
    pair.holds()
    analyst = pair.browser(pair.manila, "analyst")
    form = analyst.get("/hits")
    assert f'<option value="{pair.moscow.node_id}">moscow</option>' in form.text
    assert "Nothing you type leaves this node in clear" in form.text
    answer = ask(pair, analyst, ids_phone=f"{PHONE}\n{OTHER_PHONE}")
    assert answer.status_code == 200, answer.text
    assert "Answer from moscow" in answer.text
    assert answer.text.count('class="outcome hit"') == 1
    assert answer.text.count('class="outcome nohit"') == 1
    (reference,) = references(answer.text)  # a request form for the hit only
    assert answer.text.count('action="/followups"') == 1
    assert f'<code class="reference">{reference}</code>' in answer.text
    moscow = pair.moscow
    (answered,) = moscow.node.audit.entries(moscow.team.auditor, action="hit.answer")
    assert answered.detail["identifiers"] == 2 and "555" not in str(answered.detail)


def test_a_no_hit_shows_no_request_form(pair: Pair) -> None:
    pair.holds()
    answer = ask(pair, pair.browser(pair.manila, "analyst"), ids_phone=OTHER_PHONE)
    assert answer.status_code == 200, answer.text
    assert 'class="outcome nohit"' in answer.text and 'class="outcome hit"' not in answer.text
    assert 'action="/followups"' not in answer.text and references(answer.text) == []


def test_a_person_is_a_candidate_hit_with_its_tier(pair: Pair) -> None:
    pair.holds()
    answer = ask(
        pair, pair.browser(pair.manila, "analyst"), names_0="Мария Баутиста", dob_0="1991-04-12"
    )
    assert answer.status_code == 200, answer.text
    assert "candidate hit (" in answer.text
    assert len(references(answer.text)) == 1


def test_bad_input_names_the_field_and_keeps_the_form(pair: Pair) -> None:
    analyst = pair.browser(pair.manila, "analyst")
    bad_phone = ask(pair, analyst, ids_passport="P1234567", ids_phone="call me maybe")
    assert bad_phone.status_code == 422
    assert 'id="err-ids_phone"' in bad_phone.text and 'aria-invalid="true"' in bad_phone.text
    assert ">call me maybe</textarea>" in bad_phone.text  # the input is kept
    bad_date = ask(pair, analyst, names_1="Maria Bautista", dob_1="12.04.1991")
    assert bad_date.status_code == 422 and 'id="err-dob_1"' in bad_date.text
    nothing = ask(pair, analyst)
    assert nothing.status_code == 422 and 'id="err-question"' in nothing.text
    no_partner = ask(pair, analyst, partner="", ids_phone=PHONE)
    assert no_partner.status_code == 422 and 'id="err-partner"' in no_partner.text
    manila = pair.manila
    assert manila.node.audit.entries(manila.team.auditor, action="hit.query") == []


def test_roles_that_may_not_ask_get_403(pair: Pair) -> None:
    auditor = pair.browser(pair.manila, "auditor")
    assert auditor.get("/hits").status_code == 403
    refused = auditor.post("/hits", data={"csrf": csrf_of(auditor.get("/").text)})
    assert refused.status_code == 403


def test_what_was_asked_is_escaped(pair: Pair) -> None:
    analyst = pair.browser(pair.manila, "analyst")
    answer = ask(pair, analyst, names_0="<script>alert(1)</script>", dob_0="' OR 1=1 --")
    assert answer.status_code == 422
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in answer.text
    assert "<script>alert(1)" not in answer.text
    assert "&#39; OR 1=1 --" in answer.text


# --- pure pieces ----------------------------------------------------------------------


def test_question_of_reads_kinds_lines_and_person_rows() -> None:
    form = FormData(
        [
            ("csrf", "x"),
            ("partner", "moscow"),
            ("ids_passport", "P1\n\n  P2  \n"),
            ("ids_phone", "+63 917 555 0123"),
            ("names_0", ""),
            ("dob_0", ""),
            ("names_2", "Maria Bautista | Мария Баутиста"),
            ("dob_2", "1991"),
        ]
    )
    q = question_of(form)
    assert q.partner == "moscow" and q.purpose == "cross_check"
    assert q.identifiers == [
        {"kind": "passport", "value": "P1"},
        {"kind": "passport", "value": "P2"},
        {"kind": "phone", "value": "+63 917 555 0123"},
    ]
    assert q.origins == ["ids_passport", "ids_passport", "ids_phone"]
    assert q.persons == [{"names": ["Maria Bautista", "Мария Баутиста"], "birth_date": "1991"}]
    assert q.rows == [2] and "csrf" not in q.kept


def test_form_field_maps_service_fields_to_the_form() -> None:
    q = Question(origins=["ids_passport", "ids_phone"], rows=[2])
    cases = {
        "identifiers.1.value": "ids_phone",
        "identifiers.0.kind": "ids_passport",
        "persons.0.birth_date": "dob_2",
        "persons.0.names": "names_2",
        "partner": "partner",
        "purpose": "purpose",
        "identifiers": "question",
        "persons": "question",
        "identifiers.9.value": "question",
    }
    for given, expected in cases.items():
        assert form_field(InvalidInput(given, "v", "why"), q) == expected


def _party(name: str, seed: int) -> dict[str, str]:
    raw = bytes([seed]) * 32
    return {"node_id": node_id_for(raw), "name": name, "public_key": b64(raw)}


def test_partners_are_the_other_parties_in_force() -> None:
    us, them = _party("manila", 1), _party("moscow", 2)
    doc = parse_document(agreement_doc_for("ph-ru", [us, them]))
    active = Agreement(doc, AgreementState.ACTIVE)
    today = dt.date(2026, 6, 1)
    (found,) = partners([active, Agreement(doc, AgreementState.DRAFT)], us["node_id"], today)
    assert (found.node_id, found.name) == (them["node_id"], "moscow")
    assert found.purposes == ("cross_check", "investigation")
    assert partners([active], us["node_id"], dt.date(2019, 1, 1)) == []  # not yet in effect
