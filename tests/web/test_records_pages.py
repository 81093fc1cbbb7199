"""Record pages end to end: the generated form creates and edits records, bad
input comes back with the field named and nothing written, clearance and
roles hold, versions and partners' explanations show, and names are escaped."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from liaison.federation.tls import ensure_certificate
from liaison.model.identity import NodeKey
from liaison.node import Node
from liaison.storage.records import RecordFilter
from tests.conftest import Team, person
from tests.federation.conftest import (  # the three-node fixture, for a received copy
    ENVELOPE,
    Federation,
    agree,
    federation,  # noqa: F401
    node_url,  # noqa: F401
)
from tests.web.conftest import SignIn, csrf_of, sign_in

MARKED = {
    "markings.classification": "CONFIDENTIAL",
    "markings.tlp": "AMBER",
    "markings.pap": "GREEN",
    "markings.handling": ["H0", "H3"],
    "markings.h3_text": "not for court before 2027",
    "evaluation.scheme": "admiralty",
    "evaluation.source": "B",
    "evaluation.information": "2",
    "purposes": ["cross_check", "operational_analysis"],
    "crime_area": "terrorism",
    "subject_category": "suspect",
    "assertion": "fact",
    "on_expiry": "review",
}


def post_form(browser: TestClient, page: str, action: str, data: dict[str, Any]) -> Any:
    form = browser.get(page)
    assert form.status_code == 200, form.text
    return browser.post(action, data={**data, "csrf": csrf_of(form.text)}, follow_redirects=False)


def count(node: Node, team: Team) -> int:
    return len(node.records.search(team.auditor, RecordFilter(), None, 100).items)


def test_an_analyst_creates_a_marked_person_through_the_form(
    browser_as: SignIn, node: Node, team: Team
) -> None:
    analyst = browser_as("analyst")
    listing = analyst.get("/records")
    assert 'href="/records/new"' in listing.text and "No record matches." in listing.text
    chooser = analyst.get("/records/new")
    assert 'href="/records/new?schema=Person"' in chooser.text
    assert 'href="/records/new?schema=UnknownLink"' in chooser.text
    form = analyst.get("/records/new?schema=Person")
    assert '<label for="f-properties.birthDate">' in form.text
    assert '<option value="SECRET">' in form.text and 'value="AMBER+STRICT"' in form.text
    data = {
        **MARKED,
        "schema": "Person",
        "properties.name": "Ana Reyes",
        "properties.alias": "Ana R.\nA. Reyes",
        "properties.birthDate": "1990-02",
        "properties.nationality": ["ph", "ru"],
        "properties.gender": "female",
    }
    created = post_form(analyst, "/records/new?schema=Person", "/records/new", data)
    assert created.status_code == 303, created.text
    page = analyst.get(created.headers["location"])
    assert page.status_code == 200
    assert 'class="banner cls-confidential"' in page.text
    assert "tlp tlp-amber" in page.text and "PAP:GREEN" in page.text
    assert "not for court before 2027" in page.text
    assert "<h1>Ana Reyes</h1>" in page.text
    assert "Admiralty B2" in page.text and "suspect" in page.text and "terrorism" in page.text
    assert "Philippines" in page.text and "A. Reyes" in page.text
    record = node.records.search(team.analyst, RecordFilter(), None, 10).items[0]
    stored = node.records.get(team.analyst, record["record_id"])
    assert stored.properties["alias"] == ["Ana R.", "A. Reyes"]
    assert stored.envelope.markings.to_dict()["handling"] == ["H0", "H3"]
    listed = analyst.get("/records", params={"q": "reyes", "schema": "Person"})
    assert f'href="/records/{stored.record_id}"' in listed.text
    assert "tlp tlp-amber" in listed.text and "CONFIDENTIAL" in listed.text


def test_bad_input_comes_back_with_the_field_named_and_nothing_written(
    browser_as: SignIn, node: Node, team: Team
) -> None:
    analyst = browser_as("analyst")
    base = {**MARKED, "schema": "Person", "properties.name": "Ana Reyes"}
    bad_date = {**base, "properties.birthDate": "31/02/1990"}
    answer = post_form(analyst, "/records/new?schema=Person", "/records/new", bad_date)
    assert answer.status_code == 422
    assert 'id="err-properties.birthDate"' in answer.text
    assert 'aria-invalid="true" aria-describedby="err-properties.birthDate"' in answer.text
    assert 'value="Ana Reyes"' in answer.text and 'value="31/02/1990"' in answer.text
    assert '<option value="CONFIDENTIAL" selected>' in answer.text  # input kept
    bad_tlp = {**base, "markings.tlp": "PURPLE"}
    answer = post_form(analyst, "/records/new?schema=Person", "/records/new", bad_tlp)
    assert answer.status_code == 422 and 'id="err-markings.tlp"' in answer.text
    no_name = {**MARKED, "schema": "Person", "properties.firstName": "Ana"}
    answer = post_form(analyst, "/records/new?schema=Person", "/records/new", no_name)
    assert answer.status_code == 422 and 'id="err-properties.name"' in answer.text
    assert count(node, team) == 0
    bad_filter = analyst.get("/records", params={"tlp": "PURPLE"})
    assert bad_filter.status_code == 422 and 'id="err-tlp"' in bad_filter.text


def test_roles_and_clearance_hold_on_the_pages(browser_as: SignIn, node: Node, team: Team) -> None:
    secret = {"markings": {"classification": "SECRET"}}
    record = node.records.create(team.analyst, person("Ivan Petrov"), secret)
    junior = browser_as("junior")
    denied = junior.get(f"/records/{record.record_id}")
    # a read above clearance is refused as if the record did not exist (may_view)
    assert denied.status_code == 404 and "Ivan Petrov" not in denied.text
    assert "Ivan Petrov" not in junior.get("/records").text
    auditor = browser_as("auditor")
    assert auditor.get(f"/records/{record.record_id}").status_code == 200
    assert 'href="/records/new"' not in auditor.get("/records").text
    assert auditor.get("/records/new?schema=Person").status_code == 403
    assert auditor.get(f"/records/{record.record_id}/edit").status_code == 403


def test_an_edit_makes_a_version_and_a_stale_edit_is_a_conflict(
    browser_as: SignIn, node: Node, team: Team
) -> None:
    envelope = {"markings": {"tlp": "GREEN"}, "purposes": ["alert"]}
    props = {"okpoCode": ["12345"]}  # a property with no field by default survives an edit
    record = node.records.create(team.analyst, person("Ivan Petrov", **props), envelope)
    analyst = browser_as("analyst")
    edit = f"/records/{record.record_id}/edit"
    form = analyst.get(edit)
    assert 'value="Ivan Petrov"' in form.text and 'name="version" value="1"' in form.text
    assert '<input type="checkbox" id="f-purpose-alert" name="purposes" value="alert" checked' in (
        form.text
    )
    data = {
        "schema": "Person",
        "version": "1",
        "properties.name": "Пётр Сидоров",
        "properties.okpoCode": "12345",
        "markings.tlp": "GREEN",
        "purposes": "alert",
        "assertion": "fact",
        "on_expiry": "review",
    }
    saved = post_form(analyst, edit, edit, data)
    assert saved.status_code == 303, saved.text
    current = node.records.get(team.analyst, record.record_id)
    assert current.version == 2 and current.properties["okpoCode"] == ["12345"]
    stale = post_form(analyst, edit, edit, {**data, "version": "1"})
    assert stale.status_code == 409 and "version 2" in stale.text
    versions = analyst.get(f"/records/{record.record_id}/versions")
    assert f'href="/records/{record.record_id}/versions/1"' in versions.text
    assert f'href="/records/{record.record_id}/versions/2"' in versions.text
    first = analyst.get(f"/records/{record.record_id}/versions/1")
    assert "<h1>Ivan Petrov</h1>" in first.text and "tlp tlp-green" in first.text


def test_deleting_needs_a_reason_and_leaves_a_tombstone(
    browser_as: SignIn, node: Node, team: Team
) -> None:
    record = node.records.create(team.analyst, person("Ana Reyes"), None)
    analyst = browser_as("analyst")
    page = f"/records/{record.record_id}"
    assert 'data-confirm="' in analyst.get(page).text
    action = f"{page}/delete"
    refused = post_form(analyst, page, action, {"reason": " ", "version": "1"})
    assert refused.status_code == 422 and "reason" in refused.text
    done = post_form(analyst, page, action, {"reason": "entered by mistake", "version": "1"})
    assert done.status_code == 303
    shown = analyst.get(page)
    assert "entered by mistake" in shown.text and f'href="{page}/edit"' not in shown.text
    assert node.records.get(team.analyst, record.record_id).deleted


def test_a_supervisor_renews_a_record_at_review(browser_as: SignIn, node: Node, team: Team) -> None:
    record = node.records.create(team.analyst, person("Ana Reyes"), None)
    supervisor = browser_as("supervisor")
    page = f"/records/{record.record_id}"
    assert f'action="{page}/renew"' in supervisor.get(page).text
    assert f'action="{page}/renew"' not in browser_as("analyst").get(page).text
    due = (dt.date.today() + dt.timedelta(days=200)).isoformat()
    data = {"review_due": due, "justification": "still under investigation"}
    assert post_form(supervisor, page, f"{page}/renew", data).status_code == 303
    assert node.records.get(team.analyst, record.record_id).envelope.review_due.isoformat() == due  # type: ignore[union-attr]


def test_links_point_to_the_records_they_reference(
    browser_as: SignIn, node: Node, team: Team
) -> None:
    ivan = node.records.create(team.analyst, person("Ivan Petrov"), None)
    ana = node.records.create(team.analyst, person("Ana Reyes"), None)
    analyst = browser_as("analyst")
    data = {
        "schema": "Associate",
        "properties.person": ivan.record_id,  # typed as a record id
        "properties.associate": ana.entity_id,  # typed as an entity id
        "properties.relationship": "business partner",
        "assertion": "fact",
        "on_expiry": "review",
    }
    created = post_form(analyst, "/records/new?schema=Associate", "/records/new", data)
    assert created.status_code == 303, created.text
    page = analyst.get(created.headers["location"]).text
    assert f'<a href="/records/{ivan.record_id}">Ivan Petrov</a>' in page
    assert f'<a href="/records/{ana.record_id}">Ana Reyes</a>' in page
    missing = {**data, "properties.person": "rec-00000000000000000000000000000000"}
    answer = post_form(analyst, "/records/new?schema=Associate", "/records/new", missing)
    assert answer.status_code == 422 and 'id="err-properties.person"' in answer.text


def test_the_record_page_explains_each_partner_and_lists_disclosures(
    browser_as: SignIn, node: Node, team: Team, tmp_path: Path
) -> None:
    peer = NodeKey.generate()
    cert = ensure_certificate(tmp_path / "peer.crt", tmp_path / "peer.key", "moscow")
    node.federation.add_peer(
        team.admin, "moscow", "https://127.0.0.1:8471", peer.public_key, cert.read_text()
    )
    record = node.records.create(team.analyst, person("Ivan Petrov"), None)
    page = browser_as("analyst").get(f"/records/{record.record_id}")
    section = page.text.split('id="s-policy"', 1)[1]
    assert "moscow:" in section and "nothing" in section
    assert re.search(r'<li class="reason-deny"><span class="rule">agreement</span>', section)
    assert "Disclosed to" not in page.text  # analysts do not read the register
    officer = browser_as("officer").get(f"/records/{record.record_id}?use=hit_only")
    assert "No partner holds this record." in officer.text
    assert '<option value="hit_only" selected>' in officer.text


def test_names_are_escaped_on_the_list_and_record_pages(
    browser_as: SignIn, node: Node, team: Team
) -> None:
    script = node.records.create(team.analyst, person("<script>alert(1)</script>"), None)
    quote = node.records.create(team.analyst, person("' OR 1=1 --"), None)
    analyst = browser_as("analyst")
    pages = [
        analyst.get("/records"),
        analyst.get(f"/records/{script.record_id}"),
        analyst.get(f"/records/{script.record_id}/edit"),
        analyst.get(f"/records/{script.record_id}/versions"),
        analyst.get(f"/records/{quote.record_id}"),
    ]
    for page in pages:
        assert page.status_code == 200
        assert "<script>alert(1)" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[0].text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[1].text
    assert "&#39; OR 1=1 --" in pages[0].text and "&#39; OR 1=1 --" in pages[4].text
    found = analyst.get("/records", params={"q": "' OR 1=1 --"})
    assert found.status_code == 200 and quote.record_id in found.text
    assert script.record_id not in found.text


def test_a_received_copy_is_read_only_and_the_originator_sees_who_holds_it(
    federation: Federation,  # noqa: F811
) -> None:
    manila, moscow = federation["manila"], federation["moscow"]
    agree("ph-ru", [manila, moscow])
    record = manila.node.records.create(manila.team.analyst, person("Ivan Petrov"), ENVELOPE)
    federation.settle()
    page = f"/records/{record.record_id}"
    with TestClient(moscow.app, base_url="https://testserver") as client:
        analyst = sign_in(client, "analyst")
        shown = analyst.get(page)
        assert shown.status_code == 200 and "<h1>Ivan Petrov</h1>" in shown.text
        assert "Partner manila (received copy, read-only)" in shown.text
        assert f'href="{page}/edit"' not in shown.text and f"{page}/delete" not in shown.text
        assert analyst.get(f"{page}/edit").status_code == 403
        data = {"schema": "Person", "properties.name": "X", "csrf": csrf_of(shown.text)}
        assert analyst.post(f"{page}/edit", data=data).status_code == 403
    with TestClient(manila.app, base_url="https://testserver") as client:
        officer = sign_in(client, "officer").get(page)
        held = officer.text.split('id="s-disclosed"', 1)[1]
        assert "<td>moscow</td><td>full record</td>" in held
        section = officer.text.split('id="s-policy"', 1)[1]
        assert "moscow:" in section and "full record" in section and "under ph-ru" in section
