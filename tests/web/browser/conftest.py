"""Fixture strategy for browser tests.

A real Chromium (Debian's ``chromium`` package, driven by Playwright; no
browser is ever downloaded) signs in to real node processes: two nodes,
``manila`` and ``moscow``, started by ``liaison serve`` over HTTPS on loopback
with their own databases, keys and certificates, pinned to each other and
bound by the demo's bilateral agreement (the same set-up as ``make demo``).
The browser and the cluster are started once per module (and stopped
after it: Playwright's event loop must not outlive the module); each test opens its own browser
context (fresh cookies) per user. Screenshots of every page go to a
temporary folder, so that a test run leaves the working tree as it found
it; ``make screenshots`` sets ``LIAISON_SCREENSHOTS=docs/screenshots`` to
refresh the committed ones. When Chromium is missing the tests are skipped,
except under CI (``CI`` set), where they fail.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from liaison.demo.__main__ import prepare
from liaison.demo.cluster import NodeProcess

CHROMIUM = os.environ.get("LIAISON_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS_ENV = "LIAISON_SCREENSHOTS"  # where to save them; unset: a temporary folder
VIEWPORT = {"width": 1280, "height": 800}


def _chromium_problem() -> str | None:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


def shots_folder(environ: Mapping[str, str], temporary: Path) -> Path:
    """Where screenshots go: the folder ``LIAISON_SCREENSHOTS`` names (``make
    screenshots`` names ``docs/screenshots``), else the temporary one."""
    chosen = environ.get(SHOTS_ENV, "").strip()
    return Path(chosen) if chosen else temporary


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shots_folder(os.environ, tmp_path_factory.mktemp("screenshots"))


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """Module-scoped: Playwright's sync API runs an event loop in the main thread
    while it is open, and later tests call ``asyncio.run`` there."""
    problem = _chromium_problem()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests need Chromium under CI: {problem}")
        pytest.skip(problem)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


@dataclass
class Cluster:
    nodes: dict[str, NodeProcess]

    def password(self, node: str, user: str) -> str:
        return self.nodes[node].passwords[user]

    def url(self, node: str) -> str:
        return self.nodes[node].url


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    port = 23000 + (os.getpid() % 500) * 4
    nodes = prepare(tmp_path_factory.mktemp("web"), port)
    running = [n for n in nodes if n.name in ("manila", "moscow")]
    try:
        for n in running:
            n.start()
        for n in running:
            n.wait_ready()
        yield Cluster({n.name: n for n in running})
    finally:
        for n in running:
            n.stop()


@dataclass
class Session:
    """One user's browser tab on one node; collects what the console reports."""

    page: Page
    base: str
    shots: Path
    console: list[str] = field(default_factory=list)

    def go(self, path: str) -> None:
        self.page.goto(self.base + path)

    def shot(self, name: str) -> Path:
        self.shots.mkdir(parents=True, exist_ok=True)
        target = self.shots / f"{name}.png"
        self.page.screenshot(path=str(target), full_page=False)
        return target


@pytest.fixture
def open_as(
    chromium: Browser, cluster: Cluster, shots: Path
) -> Iterator[Callable[[str, str], Session]]:
    """``open_as("manila", "analyst")``: a fresh browser context, signed in."""
    contexts: list[BrowserContext] = []

    def signed_in(node: str, user: str) -> Session:
        context = chromium.new_context(ignore_https_errors=True, viewport=VIEWPORT, locale="en-GB")
        contexts.append(context)
        page = context.new_page()
        session = Session(page, cluster.url(node), shots)
        page.on("console", lambda msg: session.console.append(f"{msg.type}: {msg.text}"))
        session.go("/login")
        page.get_by_label("User name").fill(user)
        page.get_by_label("Password").fill(cluster.password(node, user))
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(re.compile(r".*/$"))
        return session

    yield signed_in
    for context in contexts:
        context.close()
