"""The feeds page in Chromium: an administrator of a real node process (``liaison
serve``) sees the feed it subscribes to, a real TAXII server (medallion, in this
process) serving a MISP event made STIX by misp-stix, presses *Pull now* and reads
what the pull did; the page holds at 1,024 px in English, Filipino and Russian.

This module starts its own one-node cluster (``cluster`` below replaces the
two-node one of the conftest): the node needs the feed's secret in its
environment, and its feed is added before it starts."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from liaison.demo.cluster import NodeProcess, actor
from tests.interop.medallion_feed import COLLECTION, PASSWORD, USER, FeedServer, feed_server
from tests.interop.misp_events import smuggling_network, to_stix
from tests.web.browser.conftest import Cluster, Session

SECRET = "LIAISON_FEED_SECRET_COMMUNITY"
OVERRIDES = {"feed_allow_http": True, "federation_worker": False, "match_worker": False}
MEASURE = """() => ({scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth,
  rows: new Set([...document.querySelectorAll('header nav li')]
    .map(li => Math.round(li.getBoundingClientRect().top))).size})"""


@pytest.fixture(scope="module")
def feed() -> Iterator[FeedServer]:
    with feed_server() as server:
        server.publish(to_stix(smuggling_network()))
        yield server


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, feed: FeedServer) -> Iterator[Cluster]:
    port = 25000 + (os.getpid() % 500) * 2
    manila = NodeProcess("manila", Path(tmp_path_factory.mktemp("feeds")) / "manila", port)
    manila.overrides.update(OVERRIDES)
    manila.create()
    with manila.open() as node:
        admin = actor(node, "admin")
        node.feeds.add(
            admin, "community", feed.api_root, COLLECTION, "basic", USER, SECRET,
            {"tlp": "AMBER"}, {"scheme": "admiralty", "source": "B", "information": "2"},
        )  # fmt: skip
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(SECRET, PASSWORD)  # the node process reads the feed's secret from its env
        manila.start()
    try:
        manila.wait_ready()
        yield Cluster({"manila": manila})
    finally:
        manila.stop()


def test_an_administrator_pulls_a_feed_from_its_page(
    open_as: object, cluster: Cluster, chromium: object
) -> None:
    tab: Session = open_as("manila", "admin")  # type: ignore[operator]
    tab.page.get_by_role("link", name="Feeds").click()
    row = tab.page.locator("#feed-community")
    expect(row).to_contain_text("from the start")
    expect(row).to_contain_text("TLP:AMBER")
    expect(row).to_contain_text("B2")
    tab.shot("36-feeds-before-pull")
    row.get_by_role("button", name="Pull now").click()
    outcome = tab.page.locator("#pull-outcome")
    expect(outcome).to_contain_text("community pulled: 19 objects received, 3 records written")
    expect(row).not_to_contain_text("from the start")
    expect(row.locator(".counts")).to_have_text("19 received, 3 written, 0 unchanged, 16 skipped")
    tab.shot("37-feeds-after-pull")
    row.get_by_role("button", name="Pull now").click()
    expect(outcome).to_contain_text("0 objects received, 0 records written")
    assert not [line for line in tab.console if line.startswith("error")], tab.console


@pytest.mark.parametrize("language", ["en", "fil", "ru"])
def test_the_feeds_page_holds_at_1024_px(
    chromium: object, cluster: Cluster, shots: Path, language: str
) -> None:
    manila = cluster.nodes["manila"]
    with manila.open() as node:
        node.accounts.set_language(actor(node, "admin"), language)
    context = chromium.new_context(  # type: ignore[attr-defined]
        ignore_https_errors=True, viewport={"width": 1024, "height": 800}
    )
    try:
        page = context.new_page()
        page.goto(manila.url + "/login")
        page.locator("#username").fill("admin")
        page.locator("#password").fill(cluster.password("manila", "admin"))
        page.locator("form button[type=submit]").click()
        page.wait_for_url("**/")
        page.goto(manila.url + "/feeds")
        found = page.evaluate(MEASURE)
        assert found["scroll"] <= found["inner"] and found["rows"] == 1, found
        if language != "en":
            shots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shots / f"38-feeds-narrow-{language}.png"))
    finally:
        context.close()
        with manila.open() as node:
            node.accounts.set_language(actor(node, "admin"), "en")
