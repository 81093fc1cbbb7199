"""The feed routes: administrators only, bad input named, a real TAXII server
(medallion) pulled through the API, the answers shaped as their response models."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from liaison.api.app import background_workers
from liaison.node import Node
from liaison.node.feeds import FeedWorker
from liaison.settings import Settings
from tests.conftest import Team, auth
from tests.interop.medallion_feed import COLLECTION, PASSWORD, USER, feed_server
from tests.interop.misp_events import smuggling_network, to_stix

SECRET = "LIAISON_FEED_SECRET_COMMUNITY"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"feed_allow_http": True})


def body(api_root: str, **more: object) -> dict[str, object]:
    return {
        "name": "community",
        "api_root": api_root,
        "collection": COLLECTION,
        "auth": "basic",
        "username": USER,
        "secret_env": SECRET,
        "markings": {"tlp": "AMBER"},
        "evaluation": {"scheme": "admiralty", "source": "B", "information": "2"},
        **more,
    }


def test_only_administrators_use_the_feed_routes(
    client: TestClient, node: Node, team: Team
) -> None:
    headers = auth(node, team.analyst)
    given = body("https://taxii.example.test/community/")
    assert client.post("/api/v1/feeds", json=given, headers=headers).status_code == 403
    assert client.get("/api/v1/feeds", headers=headers).status_code == 403
    assert client.post("/api/v1/feeds/community/pull", headers=headers).status_code == 403
    assert client.get("/api/v1/feeds").status_code == 401


def test_bad_input_is_named(client: TestClient, node: Node, team: Team) -> None:
    headers = auth(node, team.admin)
    root = "https://taxii.example.test/community/"
    for change, field in [
        ({"secret_env": "LIAISON_DATABASE_URL"}, "secret_env"),
        ({"markings": {"tlp": "BLUE"}}, "markings.tlp"),
        ({"api_root": "file:///etc/passwd"}, "api_root"),
    ]:
        answer = client.post("/api/v1/feeds", json={**body(root), **change}, headers=headers)
        assert answer.status_code == 422, answer.text
        assert answer.json()["errors"][0]["field"] == field
    assert client.get("/api/v1/feeds", headers=headers).json() == []
    assert client.get("/api/v1/feeds/nothing", headers=headers).status_code == 404


def test_add_pull_show_remove_over_the_api(
    client: TestClient, node: Node, team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SECRET, PASSWORD)
    headers = auth(node, team.admin)
    with feed_server() as server:
        server.publish(to_stix(smuggling_network()))
        added = client.post("/api/v1/feeds", json=body(server.api_root), headers=headers)
        assert added.status_code == 201, added.text
        assert added.json()["cursor"] is None and added.json()["secret_env"] == SECRET
        again = client.post("/api/v1/feeds", json=body(server.api_root), headers=headers)
        assert again.status_code == 409
        pulled = client.post("/api/v1/feeds/community/pull", headers=headers)
        assert pulled.status_code == 200, pulled.text
        report = pulled.json()
        assert report["complete"] is True and report["counts"]["objects"] == 19
    shown = client.get("/api/v1/feeds/community", headers=headers).json()
    assert shown["cursor"] == report["cursor_after"] and shown["last_error"] is None
    assert shown["last_counts"] == report["counts"]
    assert PASSWORD not in str(shown)
    assert client.delete("/api/v1/feeds/community", headers=headers).status_code == 204
    assert client.delete("/api/v1/feeds/community", headers=headers).status_code == 404


def test_a_feed_that_does_not_answer_is_a_502_kept_on_the_feed(
    client: TestClient, node: Node, team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SECRET, PASSWORD)
    headers = auth(node, team.admin)
    with feed_server() as server:
        root = server.api_root
    given = body(root)
    assert client.post("/api/v1/feeds", json=given, headers=headers).status_code == 201
    answer = client.post("/api/v1/feeds/community/pull", headers=headers)
    assert answer.status_code == 502 and "feed community" in answer.json()["detail"]
    assert client.get("/api/v1/feeds/community", headers=headers).json()["last_error"]


def test_serve_runs_the_feed_puller_only_when_switched_on(settings: Settings, node: Node) -> None:
    off = background_workers(settings, node)
    assert not [w for w in off if isinstance(w, FeedWorker)]  # off by default
    on = background_workers(settings.model_copy(update={"feed_worker": True}), node)
    (puller,) = [w for w in on if isinstance(w, FeedWorker)]
    assert puller.interval == settings.feed_interval_seconds
