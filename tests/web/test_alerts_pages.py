"""Cross-match alerts through the pages: list, decide, page, refuse."""

from __future__ import annotations

import re

import pytest

from liaison.node import Node
from liaison.web.pages import alerts as alerts_page
from tests.conftest import Team, person
from tests.web.conftest import SignIn, csrf_of

EVIL = "<script>alert(1)</script>"
SQL = "' OR 1=1 --"


def raise_alert(node: Node, team: Team, left: str, right: str) -> tuple[str, str]:
    a = node.records.create(team.analyst, person(left, birthDate=["1970-01-02"]), {})
    b = node.records.create(team.analyst, person(right, birthDate=["1970-01-02"]), {})
    node.matching.process_all()
    return a.record_id, b.record_id


def alert_ids(html: str) -> list[int]:
    return [int(found) for found in re.findall(r'<tr id="alert-(\d+)">', html)]


def test_an_alert_is_listed_and_confirmed(browser_as: SignIn, node: Node, team: Team) -> None:
    left, right = raise_alert(node, team, "Иван Петров", "Ivan Petrov")
    browser = browser_as("analyst")
    page = browser.get("/alerts")
    assert page.status_code == 200, page.text
    (first, *_) = alert_ids(page.text)
    assert f'href="/records/{left}">Иван Петров</a>' in page.text
    assert f'href="/records/{right}">Ivan Petrov</a>' in page.text
    assert "<dt>birth date</dt><dd><strong>exact</strong>" in page.text
    assert f'action="/alerts/{first}/decision"' in page.text
    decided = browser.post(
        f"/alerts/{first}/decision",
        data={
            "csrf": csrf_of(page.text),
            "decision": "confirm",
            "note": "same man",
            "status": "open",
        },
        follow_redirects=False,
    )
    assert decided.status_code == 303
    assert decided.headers["location"].startswith("/alerts?status=open")
    assert first not in alert_ids(browser.get(decided.headers["location"]).text)
    confirmed = browser.get("/alerts", params={"status": "confirmed"})
    assert alert_ids(confirmed.text) == [first]
    assert "same man" in confirmed.text and "by web:analyst" in confirmed.text
    assert f'action="/alerts/{first}/decision"' not in confirmed.text  # decided for good
    (stored,) = node.matching.alerts(team.analyst, "confirmed")
    assert stored.id == first and stored.note == "same man"


def test_open_alerts_on_the_dashboard(browser_as: SignIn, node: Node, team: Team) -> None:
    """Issue 16: an open alert between two records made the dashboard fail for
    every role that may read alerts (the template asked for a watchlist entry's
    caption that a record's alert did not carry)."""
    pair = raise_alert(node, team, "Иван Петров", "Ivan Petrov")
    node.matching.add_watchlist(team.supervisor, "ph-watch", "fictitious")
    entry = {"id": "w-1", **person("Maria Santos", birthDate=["1970-01-02"])}
    node.matching.add_entries(team.supervisor, "ph-watch", [entry])
    node.records.create(team.analyst, person("Maria Santos", birthDate=["1970-01-02"]), {})
    node.matching.process_all()
    kinds = {a.target_kind for a in node.matching.alerts(team.analyst, "open")}
    assert kinds == {"record", "watchlist"}
    for user in ("analyst", "officer", "supervisor"):  # the roles that read alerts
        page = browser_as(user).get("/")
        assert page.status_code == 200, page.text
        assert any(f'<a href="/records/{side}">' in page.text for side in pair), user
        assert "<td>Maria Santos</td>" in page.text  # the watchlist entry's caption


def test_deciding_needs_alert_decide(browser_as: SignIn, node: Node, team: Team) -> None:
    raise_alert(node, team, "Иван Петров", "Ivan Petrov")
    officer = browser_as("officer")  # reads alerts, may not decide them
    page = officer.get("/alerts")
    (first, *_) = alert_ids(page.text)
    assert "/decision" not in page.text
    refused = officer.post(
        f"/alerts/{first}/decision", data={"csrf": csrf_of(page.text), "decision": "reject"}
    )
    assert refused.status_code == 403
    assert first in [a.id for a in node.matching.alerts(team.analyst, "open")]
    assert browser_as("admin").get("/alerts").status_code == 403


def test_bad_status_and_decision(browser_as: SignIn, node: Node, team: Team) -> None:
    raise_alert(node, team, "Иван Петров", "Ivan Petrov")
    browser = browser_as("analyst")
    bad = browser.get("/alerts", params={"status": "bogus"})
    assert bad.status_code == 422 and 'id="err-status"' in bad.text
    page = browser.get("/alerts")
    (first, *_) = alert_ids(page.text)
    wrong = browser.post(
        f"/alerts/{first}/decision", data={"csrf": csrf_of(page.text), "decision": "approve"}
    )
    assert wrong.status_code == 422 and 'id="err-decision"' in wrong.text
    assert first in [a.id for a in node.matching.alerts(team.analyst, "open")]


def test_alert_names_are_escaped(browser_as: SignIn, node: Node, team: Team) -> None:
    raise_alert(node, team, EVIL, EVIL)
    raise_alert(node, team, SQL + " Petrov", SQL + " Petrov")
    html = browser_as("analyst").get("/alerts").text
    assert len(alert_ids(html)) >= 2
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#39; OR 1=1 -- Petrov" in html
    assert "<script>alert(1)" not in html


def test_alerts_page_by_records(
    browser_as: SignIn, node: Node, team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(alerts_page, "PAGE", 1)
    raise_alert(node, team, "Иван Петров", "Ivan Petrov")
    raise_alert(node, team, "Maria Santos", "Maria Santos")
    browser = browser_as("analyst")
    seen: list[int] = []
    url = "/alerts?status=open"
    for _ in range(10):
        page = browser.get(url)
        assert page.text.count('<section class="alert-group"') == 1
        seen += alert_ids(page.text)
        found = re.search(r'href="(\?[^"]*offset=\d+[^"]*)" rel="next"', page.text)
        if not found:
            break
        url = "/alerts" + found.group(1).replace("&amp;", "&")
    expected = node.matching.alert_groups(team.analyst, "open").groups
    assert len(expected) >= 2 and seen == [a.id for g in expected for a in g.alerts]


def _groups(html: str) -> list[str]:
    return re.findall(r'<section class="alert-group" id="record-([^"]+)"', html)


def _three_candidates(node: Node, team: Team) -> str:
    """Maria with three candidates written after her (so hers is the group) and a
    watchlist entry; returns her record id."""
    maria = node.records.create(
        team.analyst, person("Maria Cristina De La Cruz", birthDate=["1980-03-04"]), {}
    )
    node.matching.process_all()
    node.matching.add_watchlist(team.supervisor, "ph-watch", "fictitious")
    entry = {"id": "w-1", **person("Ligaya Reyes", birthDate=["1990-05-06"])}
    node.matching.add_entries(team.supervisor, "ph-watch", [entry])
    node.records.create(team.analyst, person("Ligaya Reyes", birthDate=["1990-05-06"]), {})
    for name, date in [
        ("Ma. Cristina dela Cruz", "1980-04-03"),
        ("Maria Cristina De La Cruz", "1980-03-04"),
        ("Maria Cristina Cruz", "1980-03-14"),
    ]:
        node.records.create(team.analyst, person(name, birthDate=[date]), {})
    node.matching.process_all()
    return maria.record_id


def test_alerts_are_grouped_by_record_and_filtered(
    browser_as: SignIn, node: Node, team: Team
) -> None:
    _three_candidates(node, team)
    browser = browser_as("analyst")
    page = browser.get("/alerts")
    groups = node.matching.alert_groups(team.analyst, "open").groups
    assert _groups(page.text) == [g.record_id for g in groups]
    assert alert_ids(page.text) == [a.id for g in groups for a in g.alerts]
    assert re.search(r'<span class="score">\d+% — [a-z ]+</span>', page.text)
    assert "%</td>" not in page.text  # no bare percent: every score says what it means
    watched = browser.get("/alerts", params={"watchlist": "ph-watch"})
    (only,) = _groups(watched.text)
    assert "watchlist ph-watch" in watched.text
    assert [a.target_kind for g in groups if g.record_id == only for a in g.alerts] == ["watchlist"]
    unknown = browser.get("/alerts", params={"watchlist": "nope"})
    assert unknown.status_code == 422 and 'id="err-watchlist"' in unknown.text
    everything = browser.get("/alerts", params={"status": "all"})
    assert alert_ids(everything.text) == alert_ids(page.text)


def test_ticked_alerts_are_decided_at_once(browser_as: SignIn, node: Node, team: Team) -> None:
    _three_candidates(node, team)
    browser = browser_as("analyst")
    page = browser.get("/alerts")
    ticked = alert_ids(page.text)[:2]
    assert f'form="bulk" id="tick-{ticked[0]}"' in page.text
    form = {"decision": "confirm", "note": "same woman", "status": "open", "alert": ticked}
    refused = browser.post("/alerts/decisions", data=form)
    assert refused.status_code == 403  # no CSRF token: nothing changes
    assert len(node.matching.alerts(team.analyst, "confirmed")) == 0
    done = browser.post(
        "/alerts/decisions", data={**form, "csrf": csrf_of(page.text)}, follow_redirects=False
    )
    assert done.status_code == 303
    assert "decided=2" in done.headers["location"]
    assert "2 alerts decided." in browser.get(done.headers["location"]).text
    confirmed = node.matching.alerts(team.analyst, "confirmed")
    assert sorted(a.id for a in confirmed) == sorted(ticked)
    assert {a.note for a in confirmed} == {"same woman"}
    again = browser.post(
        "/alerts/decisions",
        data={**form, "decision": "reject", "csrf": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert f"refused={ticked[0]}%2C{ticked[1]}" in again.headers["location"]
    none = browser.post(
        "/alerts/decisions", data={"csrf": csrf_of(page.text), "decision": "confirm"}
    )
    assert none.status_code == 422 and 'id="err-bulk"' in none.text
    officer = browser_as("officer")
    assert 'id="bulk"' not in officer.get("/alerts").text
    denied = officer.post(
        "/alerts/decisions",
        data={"csrf": csrf_of(officer.get("/alerts").text), "decision": "reject", "alert": [1]},
    )
    assert denied.status_code == 403
