"""The feeds page: each feed's status, *Pull now* against a real TAXII server
(medallion serving a MISP event made STIX by misp-stix), a failed pull shown and
kept, administrators only, CSRF checked; in the three languages."""

from __future__ import annotations

import pytest

from liaison.node import Node
from liaison.settings import Settings
from tests.conftest import Team
from tests.interop.medallion_feed import COLLECTION, PASSWORD, USER, feed_server
from tests.interop.misp_events import smuggling_network, to_stix
from tests.web.conftest import SignIn, csrf_of

SECRET = "LIAISON_FEED_SECRET_COMMUNITY"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"feed_allow_http": True})


def test_pull_now_from_the_page_then_a_failed_pull_is_shown_and_kept(
    browser_as: SignIn, node: Node, team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SECRET, PASSWORD)
    admin = browser_as("admin")
    assert "No feed yet" in admin.get("/feeds").text
    with feed_server() as server:
        server.publish(to_stix(smuggling_network()))
        node.feeds.add(team.admin, "community", server.api_root, COLLECTION, "basic", USER, SECRET)
        page = admin.get("/feeds")
        assert page.status_code == 200 and 'href="/feeds"' in page.text
        assert server.collection_url in page.text and "from the start" in page.text
        pulled = admin.post("/feeds/community/pull", data={"csrf": csrf_of(page.text)})
        assert pulled.status_code == 200, pulled.text
        assert "community pulled: 19 objects received, 3 records written" in pulled.text
    cursor = node.feeds.feed(team.admin, "community").cursor
    assert cursor is not None and cursor in pulled.text
    failed = admin.post("/feeds/community/pull", data={"csrf": csrf_of(pulled.text)})
    assert failed.status_code == 502
    assert 'role="alert"' in failed.text and "The pull of community failed" in failed.text
    assert cursor in failed.text  # the cursor stayed
    assert node.feeds.feed(team.admin, "community").last_error


def test_only_administrators_see_feeds_and_forms_need_their_token(
    browser_as: SignIn, node: Node, team: Team
) -> None:
    node.feeds.add(team.admin, "community", "https://taxii.example.test/root/", COLLECTION)
    analyst = browser_as("analyst")
    assert 'href="/feeds"' not in analyst.get("/").text
    assert analyst.get("/feeds").status_code == 403
    admin = browser_as("admin")
    assert admin.post("/feeds/community/pull", data={"csrf": "forged"}).status_code == 403
    assert node.feeds.feed(team.admin, "community").last_pull is None
    page = admin.get("/feeds")
    missing = admin.post("/feeds/nothing/pull", data={"csrf": csrf_of(page.text)})
    assert missing.status_code == 404


@pytest.mark.parametrize(("language", "title"), [("fil", "Mga feed"), ("ru", "Фиды")])
def test_the_page_speaks_filipino_and_russian(
    browser_as: SignIn, node: Node, team: Team, language: str, title: str
) -> None:
    node.accounts.set_language(team.admin, language)
    node.feeds.add(team.admin, "community", "https://taxii.example.test/root/", COLLECTION)
    page = browser_as("admin").get("/feeds")
    assert page.status_code == 200 and f"<h1>{title}</h1>" in page.text
