"""Notices in a real Chromium on real node processes (see conftest): manila's
analyst drafts a missing-person notice on the form (the kind's fields come from
the catalogue), submits it to the compliance review; a supervisor approves and
issues it; moscow's liaison officer finds it among the received notices and
runs a border check. Screenshots: ``notices-*``. Names are fictitious."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import expect

from liaison.demo.cluster import actor
from tests.web.browser.conftest import Cluster, Session

OpenAs = Callable[[str, str], Session]
MISSING = {
    "schema": "Person",
    "properties": {"name": ["Liwayway Dimaculangan"], "birthDate": ["2009-08-14"]},
}
ENVELOPE = {
    "crime_area": "human_trafficking",
    "subject_category": "other",  # a victim would be hit-only to moscow
    "markings": {"classification": "RESTRICTED", "tlp": "GREEN", "handling": ["H0"]},
}


def _record(cluster: Cluster) -> str:
    with cluster.nodes["manila"].open() as node:
        made = node.records.create(actor(node, "analyst"), MISSING, ENVELOPE)
    return made.record_id


def _wait_for(tab: Session, path: str, text: str, tries: int = 60) -> None:
    """Reload until ``text`` shows (federation delivers in the background); bounded."""
    for _ in range(tries):
        tab.go(path)
        if tab.page.get_by_text(text).count():
            return
        tab.page.wait_for_timeout(500)
    raise AssertionError(f"{text!r} never appeared on {path}")


def test_a_notice_is_drafted_reviewed_approved_and_issued_on_the_forms(
    open_as: OpenAs, cluster: Cluster
) -> None:
    record_id = _record(cluster)
    analyst = open_as("manila", "analyst")
    page = analyst.page
    page.get_by_role("link", name="Notices", exact=True).click()
    page.get_by_role("link", name="Draft a notice").click()
    page.locator("#kind").select_option("missing_person")
    page.get_by_role("button", name="Show its fields").click()
    page.locator("#subjects").fill(record_id)
    page.locator('[name="fields.disappearance_date"]').fill("2026-11-02")
    page.locator('[name="fields.disappearance_place"]').fill("Pier 4, North Harbour, Manila")
    page.locator('[name="fields.circumstances"]').fill(
        "Left school at 15:00 with an adult offering work abroad; not seen since."
    )
    page.locator("#markings-classification").select_option("RESTRICTED")
    page.locator("#markings-tlp").select_option("GREEN")
    page.locator("#handling-H0").check()
    page.evaluate("window.scrollTo(0, 0)")
    analyst.shot("notices-01-draft-form")
    page.get_by_role("button", name="Keep the draft").click()
    page.wait_for_url(re.compile(r".*/notices/ntc-[0-9a-f]{32}$"))
    notice_path = "/notices/" + page.url.rsplit("/", 1)[-1]
    expect(page.get_by_role("heading", level=1)).to_contain_text("Missing person")
    page.get_by_role("button", name="Submit to the review").click()
    expect(page.locator(".review-outcome")).to_contain_text("Passed")
    expect(page.locator(".state").first).to_have_text("waiting for approval")
    analyst.shot("notices-02-reviewed")

    supervisor = open_as("manila", "supervisor")
    supervisor.go(notice_path)
    supervisor.page.get_by_role("button", name="Approve", exact=True).click()
    supervisor.page.get_by_role("button", name="Issue the notice").click()
    expect(supervisor.page.locator(".state").first).to_have_text("issued")
    expect(supervisor.page.locator("table.holders")).to_contain_text("moscow")
    expect(supervisor.page.locator("tr.holder-holds")).to_contain_text("holds it")
    supervisor.shot("notices-03-issued")
    supervisor.go("/notices?box=out")
    expect(supervisor.page.locator("table.notices")).to_contain_text("Liwayway Dimaculangan")
    supervisor.shot("notices-04-ours")

    officer = open_as("moscow", "officer")
    _wait_for(officer, "/notices?box=in", "Liwayway Dimaculangan")
    officer.shot("notices-05-received")
    officer.page.get_by_role("link", name="Liwayway Dimaculangan").click()
    expect(officer.page.get_by_role("heading", name="Respond to manila")).to_be_visible()
    officer.page.locator("#response-kind").select_option("acknowledged")
    officer.page.locator("#response-text").fill("Received; the harbour police are checking.")
    officer.page.get_by_role("button", name="Send the response").click()
    expect(officer.page.locator("table.thread")).to_contain_text("acknowledged")
    officer.shot("notices-06-responded")
    officer.go("/notices/check")
    officer.page.locator("#value-0").fill("P7730419")
    officer.page.get_by_role("button", name="Check", exact=True).click()
    expect(officer.page.locator(".outcome.nohit")).to_contain_text("no hit")
    officer.shot("notices-07-border-check")
    console = [line for s in (analyst, supervisor, officer) for line in s.console]
    assert not [line for line in console if line.startswith("error")], console
