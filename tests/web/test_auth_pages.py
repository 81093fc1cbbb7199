"""Sign-in, sessions, CSRF, security headers, languages: the web foundation."""

from __future__ import annotations

import datetime as dt
import re

import pyotp
from fastapi.testclient import TestClient

from liaison.api.app import create_app
from liaison.node import Node
from liaison.settings import Settings
from liaison.web.session import SESSION_COOKIE
from tests.conftest import PASSWORD, Team
from tests.web.conftest import SignIn, csrf_of, sign_in


def _client(settings: Settings, node: Node) -> TestClient:
    return TestClient(
        create_app(settings, node), base_url="https://testserver", raise_server_exceptions=False
    )


def test_pages_need_a_session_and_sign_in_returns_to_the_page(
    settings: Settings, node: Node, team: Team
) -> None:
    with _client(settings, node) as client:
        first = client.get("/account?tab=language", follow_redirects=False)
        assert first.status_code == 303
        assert first.headers["location"] == "/login?next=/account%3Ftab%3Dlanguage"
        form = client.get(first.headers["location"])
        assert 'value="/account?tab=language"' in form.text
        done = client.post(
            "/login",
            data={
                "username": "officer",
                "password": PASSWORD,
                "csrf": csrf_of(form.text),
                "target": "/account?tab=language",
            },
            follow_redirects=False,
        )
        assert done.status_code == 303
        assert done.headers["location"] == "/account?tab=language"
        cookie = done.headers["set-cookie"]
        assert cookie.startswith(f"{SESSION_COOKIE}=")
        for flag in ("HttpOnly", "Secure", "SameSite=strict"):
            assert flag.lower() in cookie.lower(), flag
        assert "officer" in client.get("/").text


def test_sign_in_never_sends_the_browser_to_another_site(
    settings: Settings, node: Node, team: Team
) -> None:
    with _client(settings, node) as client:
        form = client.get("/login?next=//evil.example/x")
        assert "evil.example" not in form.text
        done = client.post(
            "/login",
            data={
                "username": "analyst",
                "password": PASSWORD,
                "csrf": csrf_of(form.text),
                "target": "https://evil.example/",
            },
            follow_redirects=False,
        )
        assert done.headers["location"] == "/"


def test_a_wrong_password_is_refused_and_audited(
    settings: Settings, node: Node, team: Team
) -> None:
    with _client(settings, node) as client:
        form = client.get("/login")
        wrong = client.post(
            "/login",
            data={"username": "analyst", "password": "nope-nope", "csrf": csrf_of(form.text)},
        )
        assert wrong.status_code == 401
        assert "Wrong user name, password or code." in wrong.text
        assert 'value="analyst"' in wrong.text  # the name is kept, the password is not
        assert SESSION_COOKIE not in client.cookies
    entries = node.audit.entries(team.auditor, action="auth.login", limit=10)
    assert any(e.result == "failed" for e in entries)


def test_the_sign_in_form_needs_its_csrf_token(settings: Settings, node: Node, team: Team) -> None:
    with _client(settings, node) as client:
        client.get("/login")
        forged = client.post(
            "/login", data={"username": "analyst", "password": PASSWORD, "csrf": "forged"}
        )
        assert forged.status_code == 403
        assert SESSION_COOKIE not in client.cookies


def test_every_form_post_needs_the_session_csrf_token(browser_as: SignIn) -> None:
    client = browser_as("analyst")
    refused = client.post("/account/language", data={"language": "ru"})
    assert refused.status_code == 403
    assert "security token" in refused.text
    stale = client.post("/account/language", data={"language": "ru", "csrf": "0" * 64})
    assert stale.status_code == 403
    assert 'lang="en"' in client.get("/").text


def test_sign_out_ends_the_session(browser_as: SignIn) -> None:
    client = browser_as("analyst")
    token = client.cookies[SESSION_COOKIE]
    page = client.get("/")
    out = client.post("/logout", data={"csrf": csrf_of(page.text)}, follow_redirects=False)
    assert out.status_code == 303
    client.cookies.set(SESSION_COOKIE, token)  # even the old cookie no longer works
    again = client.get("/", follow_redirects=False)
    assert again.status_code == 303
    assert again.headers["location"].startswith("/login")


def test_sessions_expire(settings: Settings, node: Node, team: Team) -> None:
    with _client(settings, node) as client:
        sign_in(client, "analyst")
        assert client.get("/", follow_redirects=False).status_code == 200
        later = node.ctx.now() + dt.timedelta(hours=settings.session_hours, minutes=1)
        node.ctx.clock = lambda: later
        assert client.get("/", follow_redirects=False).status_code == 303


def test_security_headers_forbid_inline_scripts_and_other_origins(browser_as: SignIn) -> None:
    client = browser_as("analyst")
    page = client.get("/")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"
    assert not re.search(r"<script(?![^>]*\bsrc=)", page.text)  # every script is a file
    assert not re.search(r"\son[a-z]+=", page.text)  # no inline event handlers
    assert " style=" not in page.text
    static = client.get("/static/vendor/htmx-2.0.11.min.js")
    assert static.status_code == 200
    assert "javascript" in static.headers["content-type"]


def test_a_user_chooses_their_language(browser_as: SignIn) -> None:
    client = browser_as("analyst")
    account = client.get("/account")
    chosen = client.post(
        "/account/language", data={"language": "ru", "csrf": csrf_of(account.text)}
    )
    assert chosen.status_code == 200  # after the redirect
    page = client.get("/")
    assert 'lang="ru"' in page.text
    assert "Выйти" in page.text  # "Sign out"
    filipino = client.post(
        "/account/language", data={"language": "fil", "csrf": csrf_of(page.text)}
    )
    assert 'lang="fil"' in filipino.text
    bad = client.post("/account/language", data={"language": "xx", "csrf": csrf_of(page.text)})
    assert bad.status_code == 422
    assert "language" in bad.text and "xx" in bad.text


def test_the_sign_in_page_speaks_the_browser_language(
    settings: Settings, node: Node, team: Team
) -> None:
    with _client(settings, node) as client:
        page = client.get("/login", headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"})
        assert 'lang="ru"' in page.text and "Войти" in page.text


def test_totp_enrolment_then_sign_in_needs_the_code(
    settings: Settings, node: Node, team: Team
) -> None:
    with _client(settings, node) as client:
        sign_in(client, "officer")
        account = client.get("/account")
        started = client.post("/account/totp", data={"csrf": csrf_of(account.text)})
        secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', started.text)
        assert secret, started.text
        code = pyotp.TOTP(secret.group(1)).at(node.ctx.now())
        wrong = client.post(
            "/account/totp/confirm", data={"code": "000000", "csrf": csrf_of(started.text)}
        )
        assert wrong.status_code == 422
        client.post("/account/totp", data={"csrf": csrf_of(account.text)})
        assert not node.accounts.profile(team.officer)["totp_enabled"]
    with _client(settings, node) as client:
        sign_in(client, "officer")
        account = client.get("/account")
        started = client.post("/account/totp", data={"csrf": csrf_of(account.text)})
        secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', started.text)
        assert secret
        code = pyotp.TOTP(secret.group(1)).at(node.ctx.now())
        client.post("/account/totp/confirm", data={"code": code, "csrf": csrf_of(started.text)})
    assert node.accounts.profile(team.officer)["totp_enabled"]
    with _client(settings, node) as client:
        form = client.get("/login")
        data = {"username": "officer", "password": PASSWORD, "csrf": csrf_of(form.text)}
        assert client.post("/login", data=data).status_code == 401
        later = node.ctx.now() + dt.timedelta(seconds=31)
        node.ctx.clock = lambda: later
        fresh = pyotp.TOTP(secret.group(1)).at(later)
        done = client.post("/login", data={**data, "code": fresh}, follow_redirects=False)
        assert done.status_code == 303


def test_errors_are_pages_without_stack_traces(browser_as: SignIn) -> None:
    client = browser_as("analyst")
    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("text/html")
    assert "Traceback" not in missing.text
    api = client.get("/api/v1/records")
    assert api.headers["content-type"] == "application/problem+json"  # the API stays JSON
