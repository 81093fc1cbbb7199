"""Follow-up requests through the pages of two real nodes (``pair`` from
test_hits_pages: Manila asks, Moscow holds the record and answers): an analyst
asks about a phone on /hits, files a request from the hit; Moscow's liaison
officer finds it in the inbox with its deadline and approves three chosen
fields; both sides show "partly approved" once the notices are delivered and
the released record arrives at Manila with its markings. Also: a denial with
no reason is named and changes nothing, an analyst may not decide, asking for
more and the reply, escaping of what the partner wrote."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from fastapi.testclient import TestClient
from starlette.datastructures import FormData

from liaison.model.envelope import Envelope
from liaison.model.records import Record
from liaison.model.roles import Language
from liaison.web.i18n import Formats
from liaison.web.pages.followups import decision_of, field_choices
from tests.web.conftest import csrf_of
from tests.web.test_hits_pages import PHONE, WHY, Pair, ask, node_url, pair, references

__all__ = ["node_url", "pair"]  # fixtures

LINK = re.compile(r'href="/followups/(\d+)"')
XSS = "<script>alert(1)</script> ' OR 1=1 -- we need the subscriber's details"


def file_from_hit(pair: Pair, analyst: TestClient, justification: str = WHY) -> int:
    """Ask Moscow about the phone on /hits and file a request from the hit's form."""
    pair.holds()
    answer = ask(pair, analyst, ids_phone=PHONE)
    (reference,) = references(answer.text)
    assert 'name="partner" value="moscow"' in answer.text  # the hit's request form
    filed = analyst.post(
        "/followups",
        data={
            "csrf": csrf_of(answer.text),
            "partner": "moscow",
            "reference": reference,
            "purpose": "investigation",
            "justification": justification,
        },
        follow_redirects=False,
    )
    assert filed.status_code == 303, filed.text
    location = filed.headers["location"]
    assert re.fullmatch(r"/followups/\d+", location)
    pair.fed.settle()  # the request notice reaches Moscow
    return int(location.rsplit("/", 1)[1])


def incoming(pair: Pair, officer: TestClient) -> int:
    inbox = officer.get("/followups")
    assert inbox.status_code == 200, inbox.text
    (found,) = set(LINK.findall(inbox.text))
    return int(found)


def decide(client: TestClient, followup_id: int, **data: Any) -> Any:
    page = client.get(f"/followups/{followup_id}")
    form = {"csrf": csrf_of(page.text), **data}
    return client.post(f"/followups/{followup_id}/decision", data=form, follow_redirects=False)


def state(member: Any, actor: Any, followup_id: int) -> str:
    return str(member.node.followups.show(actor, followup_id)["state"])


def test_the_whole_story_through_the_pages(pair: Pair) -> None:
    analyst = pair.browser(pair.manila, "analyst")
    ours = file_from_hit(pair, analyst)
    mine = analyst.get(f"/followups/{ours}")
    assert "waiting for a decision" in mine.text and "Request filed" in mine.text
    assert "Investigation" in mine.text and WHY.replace("'", "&#39;") in mine.text
    outbox = analyst.get("/followups?direction=out")
    assert f'href="/followups/{ours}"' in outbox.text

    officer = pair.browser(pair.moscow, "officer")
    theirs = incoming(pair, officer)
    moscow = pair.moscow
    shown = moscow.node.followups.show(moscow.team.officer, theirs)
    inbox = officer.get("/followups?direction=in&state=pending").text
    assert Formats(Language.ENGLISH).datetime(shown["due"]) in inbox  # the deadline
    page = officer.get(f"/followups/{theirs}")
    assert f"Request {theirs} from manila" in page.text
    for name in ("name", "birthDate", "nationality", "phone"):
        assert f'id="field-{name}" name="fields" value="{name}"' in page.text

    chosen = ["name", "birthDate", "nationality"]
    form = {"csrf": csrf_of(page.text), "decision": "approve", "scope": "fields", "fields": chosen}
    approved = officer.post(f"/followups/{theirs}/decision", data=form, follow_redirects=False)
    assert approved.status_code == 303, approved.text
    assert "partly approved" in officer.get(approved.headers["location"]).text
    pair.fed.settle()  # the decision notice and the released record reach Manila

    after = analyst.get(f"/followups/{ours}").text
    assert "partly approved" in after and "birthDate, name, nationality" in after
    assert "TLP:AMBER" in after and ">H0<" in after  # the originator's markings
    manila = pair.manila
    (record_id,) = [
        r["record_id"] for r in manila.node.followups.show(manila.team.analyst, ours)["records"]
    ]
    copy = manila.node.records.get(manila.team.analyst, record_id)
    assert set(copy.properties) == {"name", "birthDate", "nationality"}
    assert copy.envelope.originator == moscow.node_id
    assert copy.envelope.markings.tlp is not None and copy.envelope.markings.tlp.value == "AMBER"


def test_a_denial_needs_a_reason_and_an_analyst_may_not_decide(pair: Pair) -> None:
    file_from_hit(pair, pair.browser(pair.manila, "analyst"))
    officer = pair.browser(pair.moscow, "officer")
    theirs = incoming(pair, officer)
    refused = decide(officer, theirs, decision="deny", reason="")
    assert refused.status_code == 422
    assert 'id="err-reason"' in refused.text and 'aria-invalid="true"' in refused.text
    moscow = pair.moscow
    assert state(moscow, moscow.team.officer, theirs) == "pending"

    analyst = pair.browser(pair.moscow, "analyst")
    page = analyst.get(f"/followups/{theirs}")
    assert page.status_code == 200 and f'action="/followups/{theirs}/decision"' not in page.text
    forbidden = analyst.post(
        f"/followups/{theirs}/decision",
        data={"csrf": csrf_of(page.text), "decision": "approve", "scope": "whole"},
    )
    assert forbidden.status_code == 403
    assert state(moscow, moscow.team.officer, theirs) == "pending"

    no_field = decide(officer, theirs, decision="approve", scope="fields")
    assert no_field.status_code == 422 and 'id="err-fields"' in no_field.text
    assert state(moscow, moscow.team.officer, theirs) == "pending"


def test_asking_for_more_and_the_reply(pair: Pair) -> None:
    analyst = pair.browser(pair.manila, "analyst")
    ours = file_from_hit(pair, analyst)
    officer = pair.browser(pair.moscow, "officer")
    theirs = incoming(pair, officer)
    question = "Which court authorised the investigation?"
    asked = decide(officer, theirs, decision="more", reason=question)
    assert asked.status_code == 303, asked.text
    pair.fed.settle()

    page = analyst.get(f"/followups/{ours}")
    assert "more information asked" in page.text and question in page.text
    assert f'action="/followups/{ours}/reply"' in page.text
    short = analyst.post(f"/followups/{ours}/reply", data={"csrf": csrf_of(page.text), "text": "?"})
    assert short.status_code == 422 and 'id="err-text"' in short.text
    replied = analyst.post(
        f"/followups/{ours}/reply",
        data={"csrf": csrf_of(page.text), "text": "Moscow city court, case 2026-114"},
        follow_redirects=False,
    )
    assert replied.status_code == 303, replied.text
    pair.fed.settle()

    back = officer.get(f"/followups/{theirs}").text
    assert "waiting for a decision" in back and "Moscow city court, case 2026-114" in back
    assert 'name="decision" value="deny"' in back  # the officer decides again


def test_what_the_partner_wrote_is_escaped(pair: Pair) -> None:
    analyst = pair.browser(pair.manila, "analyst")
    ours = file_from_hit(pair, analyst, XSS)
    officer = pair.browser(pair.moscow, "officer")
    theirs = incoming(pair, officer)
    for page in (officer.get(f"/followups/{theirs}"), analyst.get(f"/followups/{ours}")):
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
        assert "<script>alert(1)" not in page.text
        assert "&#39; OR 1=1 --" in page.text


def test_bad_filing_and_bad_filters_are_named(pair: Pair) -> None:
    analyst = pair.browser(pair.manila, "analyst")
    page = analyst.get("/followups/new?partner=moscow&reference=AAAA")
    assert page.status_code == 200
    data = {"csrf": csrf_of(page.text), "partner": "moscow", "reference": "AAAA"}
    short = analyst.post("/followups", data={**data, "justification": "need it"})
    assert short.status_code == 422 and 'id="err-justification"' in short.text
    assert 'value="AAAA"' in short.text and ">need it</textarea>" in short.text
    guessed = analyst.post("/followups", data={**data, "justification": WHY})
    assert guessed.status_code == 422 and 'id="err-reference"' in guessed.text
    manila = pair.manila
    assert manila.node.followups.page(manila.team.analyst)["total"] == 0
    bad_state = analyst.get("/followups?state=lost")
    assert bad_state.status_code == 422 and 'id="err-state"' in bad_state.text


# --- pure pieces ----------------------------------------------------------------------


def test_decision_of_reads_the_scope_and_the_choices() -> None:
    whole = decision_of(FormData([("decision", "approve"), ("scope", "whole"), ("fields", "x")]))
    assert whole.fields is None and whole.records is None
    some = decision_of(
        FormData(
            [
                ("decision", "approve"),
                ("scope", "fields"),
                ("fields", "name"),
                ("choose_records", "1"),
                ("records", "r1"),
            ]
        )
    )
    assert some.fields == ["name"] and some.records == ["r1"]
    none = decision_of(FormData([("decision", "approve"), ("scope", "fields")]))
    assert none.fields == []  # an error the service names, never "release the whole"
    deny = decision_of(FormData([("decision", "deny"), ("reason", "No.")]))
    assert (deny.decision, deny.reason, deny.fields) == ("deny", "No.", None)


def _record(schema: str, **properties: list[str]) -> Record:
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    envelope = Envelope.from_dict({}, originator="lsn-a")
    return Record("r", 1, schema, "e", properties, envelope, "c", now, now, "a", "a")


def test_field_choices_are_filled_properties_every_schema_has() -> None:
    person = _record("Person", name=["A"], birthDate=["1990"], phone=[])
    vessel = _record("Vessel", name=["B"], imoNumber=["IMO9074729"])
    assert [c.name for c in field_choices([person])] == ["birthDate", "name"]
    assert [c.name for c in field_choices([person, vessel])] == ["name"]
    assert field_choices([]) == []


def test_the_officer_may_release_some_of_several_records(pair: Pair) -> None:
    pair.holds("Ana Reyes")  # a second person with the same phone
    analyst = pair.browser(pair.manila, "analyst")
    ours = file_from_hit(pair, analyst)
    officer = pair.browser(pair.moscow, "officer")
    theirs = incoming(pair, officer)
    moscow = pair.moscow
    concerned = moscow.node.followups.show(moscow.team.officer, theirs)["records"]
    assert len(concerned) == 2
    page = officer.get(f"/followups/{theirs}")
    for r in concerned:
        assert f'name="records" value="{r["record_id"]}" checked' in page.text
    chosen = next(r for r in concerned if r["caption"] == "Ana Reyes")["record_id"]
    form = {"decision": "approve", "scope": "whole", "choose_records": "1", "records": [chosen]}
    approved = decide(officer, theirs, **form)
    assert approved.status_code == 303, approved.text
    pair.fed.settle()
    manila = pair.manila
    released = manila.node.followups.show(manila.team.analyst, ours)["records"]
    assert [r["record_id"] for r in released] == [chosen] and released[0]["arrived"]
    assert "Ana Reyes" in analyst.get(f"/followups/{ours}").text


def test_the_inbox_says_what_a_request_concerns(pair: Pair) -> None:
    """Issue 19: the inbox said "Concerning: YMVm5Rg9f016…", the hit's opaque
    reference; it names the phone of ours that hit, the record, the agreement
    and the requester's justification."""
    file_from_hit(pair, pair.browser(pair.manila, "analyst"))
    officer = pair.browser(pair.moscow, "officer")
    inbox = officer.get("/followups?direction=in").text
    assert "Phone number <code>+639175550123</code>" in inbox
    assert re.search(
        r'in our record:\s*<a href="/records/rec-[0-9a-f]+">Maria Clara Bautista</a>', inbox
    )
    assert "(Person)" in inbox and "under ph-ru" in inbox
    assert WHY.replace("'", "&#39;") in inbox
    assert "…</code>" not in inbox  # no opaque reference
    page = officer.get(f"/followups/{incoming(pair, officer)}").text
    assert "Phone number <code>+639175550123</code>" in page
    dashboard = officer.get("/").text
    assert "Phone number <code>+639175550123</code>" in dashboard
