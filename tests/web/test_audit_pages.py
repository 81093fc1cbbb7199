"""The audit pages: entries with filters and pages, verification, tampering found."""

from __future__ import annotations

from liaison.node import Node
from liaison.web.pages.audit import DETAIL_SHOWN, detail_text
from tests.audit.test_log import tamper
from tests.conftest import Team, person
from tests.web.conftest import SignIn, csrf_of


def test_detail_is_compact_and_cut_short() -> None:
    assert detail_text({"b": 1, "a": "x"}) == '{"a":"x","b":1}'
    long = detail_text({"ids": ["r" * 50] * 40})
    assert len(long) == DETAIL_SHOWN and long.endswith("…")


def test_the_auditor_reads_filters_and_pages_the_log(
    browser_as: SignIn, node: Node, team: Team
) -> None:
    for i in range(60):
        node.records.create(team.analyst, person(f"Fictitious Person {i}"), {})
    auditor = browser_as("auditor")
    page = auditor.get("/audit")
    assert page.status_code == 200
    assert "record.create" in page.text and "api:analyst" in page.text
    assert 'rel="next"' in page.text  # more than one page
    following = auditor.get("/audit", params={"cursor": "50"})
    assert "<td>51</td>" in following.text and "<td>50</td>" not in following.text
    only = auditor.get("/audit", params={"action": "user.create", "actor": "api:admin"})
    assert only.text.count("<td>user.create</td>") == 5
    assert "record.create</td>" not in only.text
    assert 'rel="next"' not in only.text
    nothing = auditor.get("/audit", params={"object": "<script>alert(1)</script>"})
    assert "No entry matches." in nothing.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in nothing.text
    assert "<script>alert(1)" not in nothing.text


def test_verify_says_intact_then_finds_the_tampered_entry(
    browser_as: SignIn, node: Node, team: Team
) -> None:
    for i in range(10):
        node.records.create(team.analyst, person(f"Fictitious Person {i}"), {})
    auditor = browser_as("auditor")
    page = auditor.get("/audit")
    intact = auditor.post("/audit/verify", data={"csrf": csrf_of(page.text)})
    assert intact.status_code == 200 and "Intact." in intact.text
    tamper(node, "UPDATE audit_log SET actor = 'api:mallory' WHERE seq = 5")
    broken = auditor.post("/audit/verify", data={"csrf": csrf_of(page.text)})
    assert broken.status_code == 200
    assert "Broken." in broken.text and "number 5:" in broken.text
    assert "Intact." not in broken.text


def test_an_analyst_may_not_read_the_log(browser_as: SignIn, team: Team) -> None:
    analyst = browser_as("analyst")
    assert analyst.get("/audit").status_code == 403
    home = analyst.get("/")
    assert analyst.post("/audit/verify", data={"csrf": csrf_of(home.text)}).status_code == 403


def test_an_administrator_may_verify_but_not_read(browser_as: SignIn, team: Team) -> None:
    admin = browser_as("admin")
    page = admin.get("/audit")
    assert page.status_code == 200 and 'action="/audit/verify"' in page.text
    assert "<table" not in page.text
    assert "Intact." in admin.post("/audit/verify", data={"csrf": csrf_of(page.text)}).text


def test_the_auditor_releases_or_upholds_a_held_record(
    browser_as: SignIn, node: Node, team: Team
) -> None:
    held = node.records.create(
        team.analyst, person("Хасан Алиев", notes=["religious sect leader"]), {}
    )
    other = node.records.create(
        team.analyst, person("<script>alert(1)</script>", notes=["religious sect leader"]), {}
    )
    auditor = browser_as("auditor")
    page = auditor.get("/neutrality")
    assert page.status_code == 200
    assert held.record_id in page.text and "religious" in page.text
    assert "<script>alert(1)" not in page.text
    short = auditor.post(
        f"/neutrality/{held.record_id}/release", data={"csrf": csrf_of(page.text), "reason": "ok"}
    )
    assert short.status_code == 422 and 'id="err-reason"' in short.text
    assert ">ok</textarea>" in short.text
    assert node.policy.queue(team.auditor, "held")[0]["state"] == "held"
    done = auditor.post(
        f"/neutrality/{held.record_id}/uphold",
        data={"csrf": csrf_of(page.text), "reason": "predominantly religious content"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    states = {i["record_id"]: i["state"] for i in node.policy.queue(team.auditor, None)}
    assert states == {held.record_id: "upheld", other.record_id: "held"}
    upheld = auditor.get("/neutrality", params={"state": "upheld"})
    assert "predominantly religious content" in upheld.text
    assert browser_as("analyst").get("/neutrality").status_code == 403


def test_verify_names_what_else_it_found(browser_as: SignIn, node: Node, team: Team) -> None:
    node.records.create(team.analyst, person("Fictitious Person"), {})
    tamper(node)  # the attacker's first step: the append-only triggers dropped, nothing else
    auditor = browser_as("auditor")
    page = auditor.get("/audit")
    found = auditor.post("/audit/verify", data={"csrf": csrf_of(page.text)})
    assert found.status_code == 200 and "Broken." in found.text
    assert "Also found:" in found.text and "audit_log_no_delete" in found.text
    assert "first broken entry" not in found.text  # the chain itself is intact
