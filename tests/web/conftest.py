"""Fixture strategy for page tests.

Pages are driven in-process through Starlette's TestClient over ``https://``
(the session cookie is ``Secure``), on the same real node and database as the
API tests (SQLite and PostgreSQL). A client signs in through the real sign-in
form, CSRF token and all, so every page test also exercises the session and
CSRF code. The browser tests (``tests/web/browser``) drive Debian's Chromium
against real node processes instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from liaison.api.app import create_app
from liaison.node import Node
from liaison.settings import Settings
from tests.conftest import PASSWORD, Team

CSRF = re.compile(r'name="csrf" value="([^"]+)"')

SignIn = Callable[[str], TestClient]


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> TestClient:
    form = client.get("/login")
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return client


@pytest.fixture
def browser_as(settings: Settings, node: Node, team: Team) -> Iterator[SignIn]:
    """``browser_as("analyst")``: a client signed in as that user (one per call)."""
    app = create_app(settings, node)
    opened: list[TestClient] = []

    def open_as(username: str) -> TestClient:
        client = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
        client.__enter__()
        opened.append(client)
        return sign_in(client, username)

    yield open_as
    for client in opened:
        client.__exit__(None, None, None)
