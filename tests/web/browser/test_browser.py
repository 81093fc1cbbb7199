"""The web interface in a real Chromium, on real node processes (see conftest)."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import expect

from tests.web.browser.conftest import Cluster, Session

OpenAs = Callable[[str, str], Session]


def _no_csp_violations(*sessions: Session) -> None:
    reports = [line for s in sessions for line in s.console if "Content Security Policy" in line]
    assert reports == []


def test_sign_in_by_keyboard_and_the_dashboard(chromium: object, cluster: Cluster) -> None:
    context = chromium.new_context(
        ignore_https_errors=True, viewport={"width": 1280, "height": 800}
    )  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(cluster.url("manila") + "/")
    expect(page).to_have_url(cluster.url("manila") + "/login?next=/")
    session = Session(page, cluster.url("manila"))
    session.shot("01-sign-in")
    page.keyboard.type("officer")  # the user name field has the focus
    page.keyboard.press("Tab")
    page.keyboard.type(cluster.password("manila", "officer"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_role("heading", name="Partners")).to_be_visible()
    expect(page.get_by_text("moscow")).to_be_visible()
    session.shot("02-dashboard")
    context.close()


def test_a_user_switches_the_interface_to_russian_and_filipino(open_as: OpenAs) -> None:
    tab = open_as("manila", "analyst")
    tab.go("/account")
    tab.page.get_by_label("Interface language").select_option("ru")
    tab.page.get_by_role("button", name="Save").click()
    expect(tab.page.locator("html")).to_have_attribute("lang", "ru")
    tab.go("/")
    expect(tab.page.get_by_role("button", name="Выйти")).to_be_visible()
    tab.shot("03-dashboard-ru")
    tab.go("/account")
    tab.page.locator("#language").select_option("fil")
    tab.page.locator("form[action='/account/language'] button").click()
    expect(tab.page.locator("html")).to_have_attribute("lang", "fil")
    tab.go("/")
    tab.shot("04-dashboard-fil")
    tab.go("/account")
    tab.page.locator("#language").select_option("en")
    tab.page.locator("form[action='/account/language'] button").click()
    _no_csp_violations(tab)
