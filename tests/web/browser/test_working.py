"""Working as an analyst and in plain words (issue 19), in a real Chromium on real
node processes (see conftest): alerts grouped by record, filtered and decided in
bulk; the liaison officer's inbox saying what a partner's request concerns; and
every main page, for four roles in three languages, holding at 1,024 px wide
with the navigation on one row.

The module seeds its own cluster once: generated records at manila, records
that raise alerts (three candidates for one person, a watchlist entry), and a
hit/no-hit from moscow followed by a follow-up request."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import orjson
import pytest
from playwright.sync_api import Browser, expect

from liaison.demo.__main__ import _hit_only_phone
from liaison.demo.cluster import NodeProcess, actor
from liaison.demo.generate import Generator
from liaison.node import Why
from liaison.node.courier import hit_query_now
from liaison.storage import matching as match_store
from tests.web.browser.conftest import Cluster, Session

OpenAs = Callable[[str, str], Session]
JUSTIFICATION = "The phone was found in a seized handset in a trafficking case (fictitious)."
MARIA = "Maria Cristina De La Cruz"
ENVELOPE = {
    "crime_area": "human_trafficking",
    "subject_category": "suspect",
    "purposes": ["investigation", "cross_check"],
    "markings": {"classification": "RESTRICTED", "tlp": "AMBER", "handling": ["H0"]},
}


@dataclass(frozen=True)
class Seeded:
    maria: str  # manila's record that raised three alerts
    victim: str  # manila's record moscow's request concerns
    phone: str
    followup: int  # the request's number in manila's inbox
    any_record: str


def _person(name: str, born: str, **more: list[str]) -> dict[str, object]:
    return {"schema": "Person", "properties": {"name": [name], "birthDate": [born], **more}}


def _drained(n: NodeProcess, timeout: float = 90.0) -> None:
    """Wait until the node's own match worker has cross-matched everything queued."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        with n.open() as node, node.ctx.engine.connect() as conn:
            if match_store.queue_depth(conn) == 0:
                return
        time.sleep(0.5)
    raise TimeoutError(f"{n.name}'s match queue did not drain")


def _generated(n: NodeProcess, count: int) -> list[str]:
    generator = Generator(11)
    made = []
    with n.open() as node:
        analyst = actor(node, "analyst")
        for entity in generator.entities(count):
            envelope = generator.envelope()
            made.append(node.records.create(analyst, entity, envelope).record_id)
    return made


def _alerts(n: NodeProcess) -> str:
    """Spellings of one woman written one after the other (each cross-matched before
    the next), so that the last one raises the alerts, a watchlist entry and a pair of
    namesakes; returns the last spelling's record id."""
    with n.open() as node:
        supervisor = actor(node, "supervisor")
        node.matching.add_watchlist(supervisor, "ph-watch", "fictitious watchlist")
        entry = {"id": "w-1", **_person("Ligaya Reyes", "1990-05-06")}
        node.matching.add_entries(supervisor, "ph-watch", [entry])
    last = ""
    for name, born in [
        (MARIA, "1980-03-04"),
        ("Ma. Cristina dela Cruz", "1980-04-03"),  # day and month swapped
        ("Maria Cristina Cruz", "1980-03-14"),  # one typo
        ("Ligaya Reyes", "1990-05-06"),
        ("Juan Santos dela Cruz", "1975-01-02"),
        ("Juan Santos dela Cruz", "1975-08-09"),  # a namesake: no alert
        (MARIA, "1980-03-04"),
    ]:
        with n.open() as node:
            last = node.records.create(
                actor(node, "analyst"), _person(name, born), ENVELOPE
            ).record_id
        _drained(n)
    return last


def _request(manila: NodeProcess, moscow: NodeProcess) -> tuple[str, str, int]:
    victim, phone = _hit_only_phone(manila)
    with moscow.open() as node:
        analyst = actor(node, "analyst")
        why = Why("cross_check", "a phone found in a seized handset")
        asked = [{"kind": "phone", "value": phone}]
        query = hit_query_now(node.federation, analyst, "manila", asked, why=why)
        with ThreadPoolExecutor(1) as aside:  # Playwright's loop may run in this thread
            (found,) = aside.submit(asyncio.run, query).result()
        assert found["hit"], found
        filed = node.followups.file(analyst, "manila", str(found["reference"]), JUSTIFICATION)
    started = time.monotonic()
    while time.monotonic() - started < 90:
        with manila.open() as node:
            inbox = node.followups.page(actor(node, "officer"), "in")["items"]
        for item in inbox:
            if item["request_id"] == filed["request_id"]:
                return victim, phone, int(item["id"])
        time.sleep(0.5)
    raise TimeoutError("the follow-up request did not reach manila")


@pytest.fixture(scope="module")
def seeded(cluster: Cluster) -> Seeded:
    manila, moscow = cluster.nodes["manila"], cluster.nodes["moscow"]
    made = _generated(manila, 60)
    maria = _alerts(manila)
    victim, phone, followup = _request(manila, moscow)
    return Seeded(maria, victim, phone, followup, made[0])


def _group(tab: Session, record_id: str) -> object:
    return tab.page.locator(f"section#record-{record_id}")


def test_alerts_grouped_by_record_filtered_and_decided_in_bulk(
    open_as: OpenAs, seeded: Seeded
) -> None:
    tab = open_as("manila", "analyst")
    tab.go("/alerts")
    expect(tab.page.get_by_role("heading", name="Cross-match alerts")).to_be_visible()
    maria = tab.page.locator(f"section#record-{seeded.maria}")
    expect(maria.get_by_role("heading")).to_contain_text(MARIA)
    rows = maria.locator("tbody tr")
    expect(rows).to_have_count(3)  # three candidates under one record
    scores = rows.locator(".score")
    expect(scores.first).to_contain_text("% —")
    expect(tab.page.get_by_text("Juan Santos dela Cruz")).to_have_count(0)  # namesakes
    tab.shot("32-alerts-grouped")

    tab.page.locator("#watchlist").select_option("ph-watch")
    tab.page.get_by_role("button", name="Show").click()
    expect(tab.page.locator("section.alert-group")).to_have_count(1)
    expect(tab.page.locator("section.alert-group")).to_contain_text("watchlist ph-watch")

    tab.go("/alerts")
    ticks = maria.locator("input[type=checkbox][form=bulk]")
    expect(ticks).to_have_count(3)
    ticks.nth(0).check()
    ticks.nth(1).check()
    tab.page.locator("#bulk-note").fill("the same woman, two spellings")
    tab.page.get_by_role("button", name="Confirm the ticked alerts").click()
    expect(tab.page.get_by_role("status")).to_contain_text("2 alerts decided.")
    expect(maria.locator("tbody tr")).to_have_count(1)  # the open one left
    tab.page.locator("#status").select_option("confirmed")
    tab.page.get_by_role("button", name="Show").click()
    confirmed = tab.page.locator(f"section#record-{seeded.maria} tbody tr")
    expect(confirmed).to_have_count(2)
    expect(confirmed.first).to_contain_text("the same woman, two spellings")
    tab.shot("33-alerts-confirmed")


def test_the_inbox_says_what_a_request_concerns(open_as: OpenAs, seeded: Seeded) -> None:
    officer = open_as("manila", "officer")
    officer.go("/followups?direction=in")
    row = officer.page.locator("table.followups tbody tr").filter(
        has=officer.page.locator(f"a[href='/followups/{seeded.followup}']")
    )
    concerning = row.locator("td.concerning")
    expect(concerning).to_contain_text("Phone number")
    expect(concerning.locator("code")).to_have_text(seeded.phone)
    expect(concerning.locator(f"a[href='/records/{seeded.victim}']")).to_be_visible()
    expect(row).to_contain_text("under ph-ru-demo-2026")
    expect(row).to_contain_text(JUSTIFICATION)
    expect(row).not_to_contain_text("…</code>")
    officer.shot("34-followup-inbox")
    officer.go(f"/followups/{seeded.followup}")
    expect(officer.page.locator("dl.facts").first).to_contain_text("Phone number")


ROLES = ("analyst", "officer", "auditor", "admin")
LANGUAGES = ("en", "fil", "ru")
NARROW = {"width": 1024, "height": 800}
MEASURE = """() => {
  const items = [...document.querySelectorAll('header nav li')];
  const nav = document.querySelector('header nav ul');
  const wide = [...document.querySelectorAll('main *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 3)
    .map(e => e.tagName + '.' + e.className + ': ' + (e.textContent || '').slice(0, 40));
  return {
    scroll: document.scrollingElement.scrollWidth,
    inner: window.innerWidth,
    rows: new Set(items.map(li => Math.round(li.getBoundingClientRect().top))).size,
    nav: nav ? nav.scrollWidth - nav.clientWidth : 0,
    beyond: items.filter(li => li.getBoundingClientRect().right > window.innerWidth).length,
    wide: wide,
  };
}"""


@pytest.fixture
def narrow(chromium: Browser, cluster: Cluster, shots: object) -> Iterator[OpenAs]:
    """``open_as`` with a window 1,024 px wide."""
    contexts = []

    def signed_in(node: str, user: str) -> Session:
        context = chromium.new_context(ignore_https_errors=True, viewport=NARROW, locale="en-GB")
        contexts.append(context)
        page = context.new_page()
        session = Session(page, cluster.url(node), shots)  # type: ignore[arg-type]
        session.go("/login")
        page.get_by_label("User name").fill(user)
        page.get_by_label("Password").fill(cluster.password(node, user))
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/")
        return session

    yield signed_in
    for context in contexts:
        context.close()


def _speak(cluster: Cluster, user: str, language: str) -> None:
    with cluster.nodes["manila"].open() as node:
        node.accounts.set_language(actor(node, user), language)


def _pages(tab: Session, seeded: Seeded) -> list[str]:
    """The navigation's pages for the role, and detail pages (a page the role may
    not open answers with an error page, which must hold too)."""
    tab.go("/")
    links = tab.page.locator("header nav a").evaluate_all("els => els.map(e => e.pathname)")
    return [
        *links,
        "/account",
        "/alerts?status=all",
        "/agreements/ph-ru-demo-2026",
        f"/records/{seeded.maria}",
        f"/records/{seeded.victim}",
        f"/graph?record={seeded.any_record}",
        f"/followups/{seeded.followup}",
        "/followups?direction=in",
        "/records/new?schema=Person",
    ]


SHOTS = {("analyst", "fil"): "/alerts", ("auditor", "ru"): "/audit", ("officer", "fil"): "/"}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_holds_at_1024_px_in_every_language(
    narrow: OpenAs, cluster: Cluster, seeded: Seeded, role: str
) -> None:
    tab = narrow("manila", role)
    problems = []
    try:
        for language in LANGUAGES:
            _speak(cluster, role, language)
            for path in _pages(tab, seeded):
                tab.go(path)
                found = tab.page.evaluate(MEASURE)
                spills = found["nav"] > 0 or found["beyond"] > 0
                if found["scroll"] > found["inner"] or found["rows"] > 1 or spills:
                    problems.append(f"{language} {path}: {orjson.dumps(found).decode()}")
            if (role, language) in SHOTS:
                tab.go(SHOTS[role, language])
                tab.shot(f"35-narrow-{role}-{language}")
    finally:
        _speak(cluster, role, "en")
    assert not problems, "\n".join(problems)
