"""Log lines (``liaison.logs``, written by the request middleware ``liaison.api.observe``):
one JSON object per line with time, level, logger, message and, for a request, its
id, method, route template, status and duration; the client's request id is kept
and answered; nothing of a request's contents, query string, password or token is
ever written, nor an exception's message. The handler is attached for the test and
removed after (``configure``, which replaces the process's handlers, is for
``liaison serve``; tests/cli/test_serve_logs.py runs it)."""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from liaison import logs
from liaison.node import Node
from liaison.settings import Settings
from tests.conftest import PASSWORD, Team, person


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    out = io.StringIO()
    handler = logs.handler(Settings(log_format="json"), out)
    logger = logging.getLogger("liaison")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    yield out
    logger.removeHandler(handler)
    logger.setLevel(level)


def parsed(out: io.StringIO) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in out.getvalue().splitlines()]


def test_each_request_is_one_json_line_without_its_contents(
    client: TestClient, node: Node, team: Team, lines: io.StringIO
) -> None:
    record = node.records.create(team.analyst, person("Maria Clara Bautista"), {})
    login = client.post("/api/v1/auth/login", json={"username": "analyst", "password": PASSWORD})
    token = login.json()["token"]
    headers = {"Authorization": f"Bearer {token}", "X-Request-ID": "case-2026-114-a"}
    got = client.get(f"/api/v1/records/{record.record_id}", headers=headers)
    client.get(
        "/api/v1/records", params={"q": "Bautista"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert got.headers["x-request-id"] == "case-2026-114-a"
    written = lines.getvalue()
    for secret in (PASSWORD, token, "Bautista", "Maria", record.record_id):
        assert secret not in written
    requests = [line for line in parsed(lines) if line["logger"] == "liaison.requests"]
    assert [(r["method"], r["route"], r["status"]) for r in requests] == [
        ("POST", "/api/v1/auth/login", 200),
        ("GET", "/api/v1/records/{record_id}", 200),
        ("GET", "/api/v1/records", 200),
    ]
    for line in requests:
        assert set(line) == {
            "time",
            "level",
            "logger",
            "message",
            "request_id",
            "method",
            "route",
            "status",
            "duration_ms",
        }
        assert line["level"] == "info" and line["duration_ms"] >= 0
        assert line["time"].endswith("+00:00")
    assert requests[1]["request_id"] == "case-2026-114-a"
    assert len(requests[0]["request_id"]) == 32  # made by the node: none was sent


def test_a_request_id_that_is_not_a_short_token_is_replaced(
    client: TestClient, lines: io.StringIO
) -> None:
    answer = client.get("/healthz", headers={"X-Request-ID": "Juan dela Cruz <script>"})
    assert answer.headers["x-request-id"] != "Juan dela Cruz <script>"
    assert "Juan" not in lines.getvalue()


def test_lines_written_during_a_request_carry_its_id(lines: io.StringIO) -> None:
    token = logs.request_id.set("fictitious-request-1")
    try:
        logging.getLogger("liaison.test").warning("something happened")
    finally:
        logs.request_id.reset(token)
    line = parsed(lines)[-1]
    assert line["request_id"] == "fictitious-request-1" and line["level"] == "warning"


def test_an_exception_is_logged_without_its_message(lines: io.StringIO) -> None:
    quoted = "[parameters: ('Иван Петров', 'passport 4509 123456')]"  # as a driver quotes
    try:
        raise ValueError(quoted)
    except ValueError:
        logging.getLogger("liaison.test").exception("a statement failed")
    line = parsed(lines)[-1]
    assert line["error"] == "ValueError" and "test_logs.py" in line["stack"]
    assert "Петров" not in lines.getvalue() and "4509" not in lines.getvalue()


def test_text_lines_keep_the_same_rules() -> None:
    out = io.StringIO()
    handler = logs.handler(Settings(), out)  # text, the default
    record = logging.LogRecord("liaison.x", logging.ERROR, __file__, 1, "failed", None, None)
    name = "Иван Петров"
    try:
        raise KeyError(name)
    except KeyError:
        record.exc_info = sys.exc_info()
    handler.handle(record)
    text = out.getvalue()
    assert "ERROR liaison.x failed" in text and "KeyError (message not logged)" in text
    assert "Петров" not in text


def test_the_default_level_follows_the_format() -> None:
    assert Settings(log_format="json").log_threshold == "info"
    assert Settings().log_threshold == "warning"
    assert Settings(log_format="text", log_level="info").log_threshold == "info"
