"""Notices and diffusions through the pages of two real nodes (manila issues,
moscow holds and answers; real HTTP between their apps through the federation
tests' courier over ASGI): each page as each role, allowed and forbidden; an
analyst drafts an arrest request on the form, submits it to the review, a
supervisor approves and issues it, moscow's officer reads it among the
received notices, responds, and manila's officer confirms; a refused review
shows each reason with the refusals marked and an auditor overrides it in
writing; a border check hits a stolen passport; a partner's notice shows on
the alerts page; every bad input is named next to its field and changes
nothing. Names, numbers and cases are fictitious."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from liaison.errors import InvalidInput
from liaison.web.pages.notices import draft_of, errors_of, field_inputs, form_of
from tests.federation.conftest import Federation, Member, agree, member, node_url
from tests.federation.test_diffusion import EVALUATED, PASSPORT, arrest, fugitive
from tests.web.conftest import csrf_of, sign_in

__all__ = ["node_url"]  # the fixture, used by this module's fixtures

LINK = re.compile(r'href="/notices/(ntc-[0-9a-f]{32})"')
POLITICAL = "Insulting the president and sedition at an opposition rally"
JUSTIFICATION = (
    "The charge is the ordinary crime of inciting violence at a rally; the words "
    "name the president only as the target of the threats, not a political offence."
)


class Nodes:
    """Manila and moscow under an agreement that allows alerts; a signed-in client per call."""

    def __init__(self, fed: Federation) -> None:
        self.fed = fed
        self.clients: list[TestClient] = []

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

    def fugitive(self) -> str:
        m = self.manila
        return m.node.records.create(m.team.analyst, fugitive(), EVALUATED).record_id


@pytest.fixture
def nodes(tmp_path: Path, node_url: Any) -> Iterator[Nodes]:
    fed = Federation({n: member(tmp_path, n, node_url(n)) for n in ("manila", "moscow")})
    fed.link("manila", "moscow")
    agree("ph-ru", [fed["manila"], fed["moscow"]], purposes=["cross_check", "alert"])
    made = Nodes(fed)
    yield made
    for client in made.clients:
        client.__exit__(None, None, None)
    for m in fed.members.values():
        m.node.close()


def form_data(draft: dict[str, Any]) -> dict[str, Any]:
    """A draft as the form posts it (the inverse of ``draft_of``)."""
    return {k: v for k, v in form_of({**draft, "language": "en"}).items() if v}


def post(client: TestClient, path: str, data: dict[str, Any], page: str | None = None) -> Any:
    token = csrf_of(client.get(page or path).text)
    return client.post(path, data={"csrf": token, **data}, follow_redirects=False)


def draft_on_form(client: TestClient, draft: dict[str, Any]) -> str:
    made = post(client, "/notices", form_data(draft), "/notices/new")
    assert made.status_code == 303, made.text
    location = made.headers["location"]
    assert re.fullmatch(r"/notices/ntc-[0-9a-f]{32}", location)
    return location.rsplit("/", 1)[1]


def move(client: TestClient, notice_id: str, name: str, reason: str = "") -> Any:
    page = f"/notices/{notice_id}"
    return post(client, f"{page}/move", {"move": name, "reason": reason}, page)


def state(m: Member, notice_id: str) -> str:
    return m.node.notices.show(m.team.officer, notice_id).summary.state


# --- each page as each role --------------------------------------------------------------

PAGES = ("/notices", "/notices/new", "/notices/check", "/challenges", "/challenges/new")
ALLOWED = {
    "analyst": {"/notices", "/notices/new", "/notices/check"},
    "officer": {"/notices", "/notices/check", "/challenges", "/challenges/new"},
    "supervisor": {"/notices"},
    "auditor": {"/notices"},
    "admin": set(),
}


@pytest.mark.parametrize("username", sorted(ALLOWED))
def test_each_page_as_each_role(nodes: Nodes, username: str) -> None:
    client = nodes.browser(nodes.manila, username)
    for path in PAGES:
        answer = client.get(path)
        expected = 200 if path in ALLOWED[username] else 403
        assert answer.status_code == expected, (username, path, answer.text[:500])
        assert "Traceback" not in answer.text
    home = client.get("/").text
    assert ('href="/notices"' in home) == ("/notices" in ALLOWED[username])
    assert ('href="/challenges"' in home) == ("/challenges" in ALLOWED[username])


# --- the whole story -----------------------------------------------------------------------


def test_draft_submit_approve_issue_respond_and_confirm(nodes: Nodes) -> None:
    analyst = nodes.browser(nodes.manila, "analyst")
    form = analyst.get("/notices/new?kind=arrest")
    for name in ("charge", "warrant_date", "legal_references", "extradition_intent"):
        assert f'name="fields.{name}"' in form.text
    assert 'name="distribution.recipients" value="' + nodes.moscow.node_id + '"' in form.text
    notice_id = draft_on_form(analyst, arrest(nodes.fugitive()))
    page = analyst.get(f"/notices/{notice_id}").text
    assert "Qualified trafficking in persons" in page and 'value="submit"' in page
    assert 'value="approve"' not in page  # an analyst does not approve
    submitted = move(analyst, notice_id, "submit")
    assert submitted.status_code == 303, submitted.text
    assert "Passed" in analyst.get(f"/notices/{notice_id}").text
    assert state(nodes.manila, notice_id) == "in_review"

    supervisor = nodes.browser(nodes.manila, "supervisor")
    page = supervisor.get(f"/notices/{notice_id}").text
    assert 'value="approve"' in page and 'value="submit"' not in page
    assert move(supervisor, notice_id, "approve").status_code == 303
    assert 'value="issue"' in supervisor.get(f"/notices/{notice_id}").text
    assert move(supervisor, notice_id, "issue").status_code == 303
    assert state(nodes.manila, notice_id) == "issued"
    issued = supervisor.get(f"/notices/{notice_id}").text
    assert "Disclosure register" in issued and "holds it" in issued and "moscow" in issued
    assert f'href="/notices/{notice_id}"' in supervisor.get("/notices?box=out&state=issued").text
    due = supervisor.get("/notices?box=out&renewal=true").text  # issued today: years to go
    assert "No notice of ours is due for renewal." in due and 'id="renewal" checked' not in due
    assert "checked" in due.split('id="renewal"')[1].split(">")[0]
    nodes.fed.settle()

    officer = nodes.browser(nodes.moscow, "officer")
    received = officer.get("/notices").text  # officers land on the received notices
    assert LINK.findall(received) == [notice_id] and "manila" in received
    theirs = officer.get(f"/notices/{notice_id}").text
    assert "Respond to manila" in theirs and "Rodrigo Villanueva Santos" in theirs
    assert "Disclosure register" not in theirs and "Compliance review" not in theirs
    path = f"/notices/{notice_id}/respond"
    no_ground = post(officer, path, {"kind": "will_not_act"}, f"/notices/{notice_id}")
    assert no_ground.status_code == 422 and 'id="err-ground"' in no_ground.text
    data = {"kind": "located", "text": "Seen at the port of Vladivostok on 2026-12-01"}
    assert post(officer, path, data, f"/notices/{notice_id}").status_code == 303
    nodes.fed.settle()

    ours = nodes.browser(nodes.manila, "officer")
    page = ours.get(f"/notices/{notice_id}").text
    assert "Seen at the port of Vladivostok" in page and "the originator confirms" in page
    assert "Confirm a receiver" in page
    data = {"kind": "confirmed", "receiver": nodes.moscow.node_id, "text": "The request stands."}
    assert post(ours, path, data, f"/notices/{notice_id}").status_code == 303
    nodes.fed.settle()
    thread = nodes.moscow.node.notices.show(nodes.moscow.team.officer, notice_id).thread
    assert [e.kind for e in thread] == ["located", "confirmed"]


def test_a_refused_review_shows_its_reasons_and_an_auditor_overrides_it(nodes: Nodes) -> None:
    analyst = nodes.browser(nodes.manila, "analyst")
    draft = arrest(nodes.fugitive())
    draft["fields"]["charge"] = POLITICAL
    notice_id = draft_on_form(analyst, draft)
    assert move(analyst, notice_id, "submit").status_code == 303
    page = analyst.get(f"/notices/{notice_id}").text
    assert "<strong>Refused</strong>" in page and 'class="refusal"' in page
    assert "an auditor may override it" in page and "fields.charge" in page
    assert 'value="override"' not in page  # only an auditor overrides
    assert state(nodes.manila, notice_id) == "draft"
    assert '<span class="rule" title="neutrality">neutrality</span>' in page
    chosen = analyst.post("/account/language", data={"language": "ru", "csrf": csrf_of(page)})
    assert chosen.status_code == 200
    russian = analyst.get(f"/notices/{notice_id}").text
    assert '<span class="rule" title="neutrality">нейтральность</span>' in russian

    auditor = nodes.browser(nodes.manila, "auditor")
    assert 'value="override"' in auditor.get(f"/notices/{notice_id}").text
    short = move(auditor, notice_id, "override", "It is fine.")
    assert short.status_code == 422 and 'id="err-reason"' in short.text
    assert ">It is fine.</textarea>" in short.text
    assert state(nodes.manila, notice_id) == "draft"
    assert move(auditor, notice_id, "override", JUSTIFICATION).status_code == 303
    after = auditor.get(f"/notices/{notice_id}").text
    assert "overridden in writing" in after and state(nodes.manila, notice_id) == "in_review"
    supervisor = nodes.browser(nodes.manila, "supervisor")
    forbidden = move(nodes.browser(nodes.manila, "analyst"), notice_id, "approve")
    assert forbidden.status_code == 403
    assert move(supervisor, notice_id, "approve").status_code == 303


def test_bad_input_is_named_next_to_its_field(nodes: Nodes) -> None:
    analyst = nodes.browser(nodes.manila, "analyst")
    draft = arrest("rec-nothing", fields={**arrest("x")["fields"], "warrant_date": "2.3.2026"})
    bad = post(analyst, "/notices", form_data(draft), "/notices/new")
    assert bad.status_code == 422
    assert 'id="err-fields.warrant_date"' in bad.text and "YYYY-MM-DD (2.3.2026)" in bad.text
    assert 'id="err-subjects"' in bad.text and "rec-nothing" in bad.text
    assert 'value="2.3.2026"' in bad.text  # the input is kept
    ghost = arrest("rec-" + "0" * 32)
    absent = post(analyst, "/notices", form_data(ghost), "/notices/new")
    assert absent.status_code == 422 and "no record of that id here" in absent.text
    kinds = post(analyst, "/notices", {"kind": "parade"}, "/notices/new")
    assert kinds.status_code == 422 and 'id="err-kind"' in kinds.text
    nobody = {**form_data(arrest(nodes.fugitive())), "distribution.mode": "diffusion"}
    none = post(analyst, "/notices", nobody, "/notices/new")
    assert none.status_code == 422 and 'id="err-distribution.recipients"' in none.text
    chosen = post(analyst, "/notices", {"kind": "missing_person", "choose": "1"}, "/notices/new")
    assert chosen.status_code == 200 and 'name="fields.disappearance_place"' in chosen.text
    assert nodes.manila.node.notices.page(nodes.manila.team.analyst).notices == []
    bad_state = analyst.get("/notices?state=lost")
    assert bad_state.status_code == 422 and 'id="err-state"' in bad_state.text

    notice_id = draft_on_form(analyst, arrest(nodes.fugitive()))
    supervisor = nodes.browser(nodes.manila, "supervisor")
    no_reason = move(supervisor, notice_id, "cancel", "")
    assert no_reason.status_code == 422 and 'id="err-reason"' in no_reason.text
    early = move(supervisor, notice_id, "issue")
    assert early.status_code == 409 and 'id="err-move"' in early.text
    assert state(nodes.manila, notice_id) == "draft"
    assert analyst.get("/notices/ntc-" + "0" * 32).status_code == 404


def test_a_draft_is_edited_and_an_issued_notice_amended(nodes: Nodes) -> None:
    analyst = nodes.browser(nodes.manila, "analyst")
    notice_id = draft_on_form(analyst, arrest(nodes.fugitive()))
    edit = analyst.get(f"/notices/{notice_id}/edit")
    assert edit.status_code == 200 and "Qualified trafficking in persons" in edit.text
    data = form_data(
        arrest(
            nodes.manila.node.notices.show(nodes.manila.team.analyst, notice_id).draft["subjects"][
                0
            ]
        )
    )  # type: ignore[index]
    data["fields.penalty"] = "Life imprisonment"
    edited = post(analyst, f"/notices/{notice_id}/edit", data)
    assert edited.status_code == 303, edited.text
    view = nodes.manila.node.notices.show(nodes.manila.team.analyst, notice_id)
    assert view.fields["penalty"] == "Life imprisonment"
    move(analyst, notice_id, "submit")
    supervisor = nodes.browser(nodes.manila, "supervisor")
    move(supervisor, notice_id, "approve")
    move(supervisor, notice_id, "issue")
    assert "Propose an amendment" in analyst.get(f"/notices/{notice_id}").text
    data["fields.penalty"] = "Life imprisonment and a fine of two million pesos"
    amended = post(analyst, f"/notices/{notice_id}/edit", data)
    assert amended.status_code == 303, amended.text
    page = supervisor.get(f"/notices/{notice_id}").text
    assert "Amendment waiting for approval" in page and 'value="approve_amendment"' in page
    done = move(supervisor, notice_id, "approve_amendment", "The court added a fine.")
    assert done.status_code == 303, done.text
    view = nodes.manila.node.notices.show(nodes.manila.team.analyst, notice_id)
    assert view.summary.version == 2 and view.pending is None
    nodes.fed.settle()
    theirs = nodes.browser(nodes.moscow, "officer").get(f"/notices/{notice_id}").text
    assert "two million pesos" in theirs and "The court added a fine." in theirs
    suspended = move(supervisor, notice_id, "suspend", "The warrant is under appeal.")
    assert suspended.status_code == 303 and state(nodes.manila, notice_id) == "suspended"
    assert 'value="resume"' in supervisor.get(f"/notices/{notice_id}").text


# --- the border check and the alerts page --------------------------------------------------


def stolen_passport(nodes: Nodes) -> str:
    m = nodes.manila
    holder = m.node.records.create(m.team.analyst, fugitive(), EVALUATED)
    envelope = {k: v for k, v in EVALUATED.items() if k != "subject_category"}
    passport = m.node.records.create(
        m.team.analyst,
        {
            "schema": "Passport",
            "properties": {"number": [PASSPORT], "country": ["ph"], "holder": [holder.entity_id]},
        },
        envelope,
    )
    draft = {
        "kind": "travel_document",
        "subjects": [passport.record_id],
        "fields": {"loss_date": "2026-05-01", "loss_report_reference": "PNP-FIC-2026-3321"},
        "markings": {"tlp": "GREEN", "pap": "GREEN", "handling": ["H0"]},
        "evaluation": {"scheme": "admiralty", "source": "B", "information": "2"},
        "distribution": {"mode": "publication"},
    }
    notices = m.node.notices
    notice_id = notices.draft(m.team.analyst, draft).summary.notice_id
    notices.submit(m.team.analyst, notice_id)
    notices.approve(m.team.supervisor, notice_id)
    notices.issue(m.team.supervisor, notice_id)
    nodes.fed.settle()
    return notice_id


def test_a_border_check_hits_a_stolen_passport(nodes: Nodes) -> None:
    notice_id = stolen_passport(nodes)
    officer = nodes.browser(nodes.moscow, "officer")
    data = {
        "identifiers.0.kind": "passport",
        "identifiers.0.value": "p 773 0419",
        "identifiers.1.kind": "passport",
        "identifiers.1.value": "X1234567",
    }
    answer = post(officer, "/notices/check", data)
    assert answer.status_code == 200, answer.text
    assert answer.text.count('class="outcome hit"') == 1
    assert answer.text.count('class="outcome nohit"') == 1
    assert f'href="/notices/{notice_id}"' in answer.text
    bad = post(
        officer,
        "/notices/check",
        {**data, "identifiers.3.kind": "mmsi", "identifiers.3.value": "12"},
    )
    assert bad.status_code == 422 and 'id="err-identifiers.3.value"' in bad.text
    nothing = post(officer, "/notices/check", {})
    assert nothing.status_code == 422 and 'id="err-identifiers"' in nothing.text
    supervisor = nodes.browser(nodes.moscow, "supervisor")
    assert post(supervisor, "/notices/check", data, "/notices").status_code == 403


def test_a_partners_notice_shows_on_the_alerts_page(nodes: Nodes) -> None:
    analyst = nodes.browser(nodes.manila, "analyst")
    notice_id = draft_on_form(analyst, arrest(nodes.fugitive()))
    move(analyst, notice_id, "submit")
    supervisor = nodes.browser(nodes.manila, "supervisor")
    move(supervisor, notice_id, "approve")
    move(supervisor, notice_id, "issue")
    nodes.fed.settle()
    moscow = nodes.moscow
    moscow.node.records.create(moscow.team.analyst, fugitive(), EVALUATED)
    moscow.node.matching.process_all()
    page = nodes.browser(moscow, "analyst").get("/alerts").text
    assert re.search(r"notice: locate .*arrest.* \(from manila\)", page), page[-3000:]
    assert f'href="/notices/{notice_id}"' in page


# --- pure pieces ---------------------------------------------------------------------------


def test_the_form_and_the_draft_read_each_other() -> None:
    draft = arrest("rec-" + "1" * 32)
    back = draft_of(form_of({**draft, "language": "en"}))
    assert back["fields"] == draft["fields"] and back["subjects"] == draft["subjects"]
    assert back["markings"] == draft["markings"] and back["evaluation"] == draft["evaluation"]
    assert back["distribution"] == {"mode": "publication"}
    diffusion = draft_of({"kind": ["warning"], "distribution.mode": ["diffusion"]})
    assert diffusion["distribution"] == {"mode": "diffusion", "recipients": []}
    assert draft_of({"kind": ["arrest"]})["fields"] == {}  # unticked undertaking: absent


def test_the_kinds_fields_come_from_the_catalogue() -> None:
    inputs = {f.name: f for f in field_inputs("arrest")}
    assert inputs["warrant_date"].type == "date" and inputs["warrant_date"].required
    assert inputs["legal_references"].reference and inputs["legal_references"].type == "list"
    assert inputs["notes"].required is False
    assert field_inputs("parade") == []
    choices = {f.name: f for f in field_inputs("information")}["information_sought"]
    assert choices.values == ("activities", "identity", "location")


def test_errors_name_the_form_field() -> None:
    assert errors_of(InvalidInput("subjects.0", "rec-x", "no record")) == {
        "subjects": "no record (rec-x)"
    }
    assert errors_of(InvalidInput("markings.tlp", "BLUE", "not a TLP")) == {
        "markings.tlp": "not a TLP (BLUE)"
    }


def test_no_action_form_for_a_reader(nodes: Nodes) -> None:
    m = nodes.manila
    notice_id = m.node.notices.draft(m.team.analyst, arrest(nodes.fugitive())).summary.notice_id
    view = m.node.notices.show(m.team.auditor, notice_id)
    page = nodes.browser(m, "auditor").get(f"/notices/{notice_id}").text
    assert 'action="/notices/' + notice_id + '/move"' not in page
    assert view.summary.state == "draft"


def test_what_a_drafter_wrote_is_escaped(nodes: Nodes) -> None:
    analyst = nodes.browser(nodes.manila, "analyst")
    draft = arrest(nodes.fugitive())
    draft["fields"]["notes"] = "<script>alert(1)</script> ' OR 1=1 --"
    page = analyst.get(f"/notices/{draft_on_form(analyst, draft)}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &#39; OR 1=1 --" in page
    assert "<script>alert(1)" not in page
