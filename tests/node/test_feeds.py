"""Feed subscriptions: administrators add, list, remove and pull them; everything is
audited; bad input names its field; a failed pull keeps its error and its cursor.

Pulls that ingest records run against a real TAXII server in
tests/interop/test_taxii_feed.py; here the server is a real medallion too (an
empty collection), or no server at all."""

from __future__ import annotations

import socket

import pytest

from liaison.errors import Conflict, Forbidden, InvalidInput, NotFound, PeerUnreachable
from liaison.model.grading import Evaluation, Scheme
from liaison.model.markings import TLP, Markings
from liaison.node import Node
from liaison.node.feed_reader import cursor_of, resume_after
from liaison.node.feeds import check_feed
from liaison.settings import Settings
from liaison.storage.feeds import Auth
from tests.conftest import Team
from tests.interop.medallion_feed import COLLECTION, PASSWORD, USER, feed_server
from tests.interop.misp_events import smuggling_network, to_stix
from tests.interop.test_taxii_feed import records, subscribe

SECRET = "LIAISON_FEED_SECRET_COMMUNITY"
ROOT = "https://taxii.example.test/community/"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"feed_allow_http": True})


def test_an_administrator_adds_lists_and_removes_a_feed(node: Node, team: Team) -> None:
    added = node.feeds.add(
        team.admin,
        "community",
        ROOT,
        COLLECTION,
        "basic",
        "misp-sync",
        SECRET,
        {"tlp": "AMBER"},
        {"scheme": "admiralty", "source": "B", "information": "2"},
    )
    assert added.markings == Markings(tlp=TLP.AMBER)
    assert added.evaluation == Evaluation(Scheme.ADMIRALTY, "B", "2")
    assert added.collection_url == f"{ROOT}collections/{COLLECTION}/"
    assert [f.name for f in node.feeds.feeds(team.admin)] == ["community"]
    with pytest.raises(Conflict):
        node.feeds.add(team.admin, "community", ROOT, COLLECTION)
    node.feeds.remove(team.admin, "community")
    assert node.feeds.feeds(team.admin) == []
    with pytest.raises(NotFound):
        node.feeds.remove(team.admin, "community")
    actions = [e.action for e in node.audit.entries(team.auditor, limit=500)]
    for action in ("feed.add", "feed.list", "feed.remove"):
        assert action in actions


def test_only_administrators_manage_feeds_and_refusals_are_audited(node: Node, team: Team) -> None:
    with pytest.raises(Forbidden):
        node.feeds.add(team.analyst, "community", ROOT, COLLECTION)
    with pytest.raises(Forbidden):
        node.feeds.feeds(team.auditor)
    with pytest.raises(Forbidden):
        node.feeds.pull(team.officer, "community")
    denied = [e for e in node.audit.entries(team.auditor, limit=500) if e.result == "denied"]
    assert [e.action for e in denied if e.action.startswith("feed.")] == [
        "feed.add",
        "feed.list",
        "feed.pull",
    ]
    assert node.feeds.feeds(team.admin) == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "Community Feed"}, "name"),
        ({"api_root": "ftp://taxii.example.test/"}, "api_root"),
        ({"api_root": "https://user:pw@taxii.example.test/root/"}, "api_root"),
        ({"api_root": "https://[broken/root/"}, "api_root"),
        ({"api_root": "https://taxii.example.test:port/root/"}, "api_root"),
        ({"collection": "a b"}, "collection"),
        ({"auth": "kerberos"}, "auth"),
        ({"auth": "basic", "username": "u", "secret_env": "DATABASE_PASSWORD"}, "secret_env"),
        ({"auth": "basic", "secret_env": SECRET}, "username"),
        ({"auth": "token", "username": "u", "secret_env": SECRET}, "username"),
        ({"username": "u"}, "auth"),
        ({"markings": {"tlp": "BLUE"}}, "markings.tlp"),
        (
            {"evaluation": {"scheme": "admiralty", "source": "Z", "information": "2"}},
            "evaluation.source",
        ),
    ],
)
def test_bad_input_names_the_field(change: dict[str, object], field: str) -> None:
    given: dict[str, object] = {"name": "community", "api_root": ROOT, "collection": COLLECTION}
    with pytest.raises(InvalidInput) as refused:
        check_feed(**{**given, **change})  # type: ignore[arg-type]
    assert refused.value.field == field


def test_http_needs_the_setting() -> None:
    url = "http://127.0.0.1:9/community/"
    with pytest.raises(InvalidInput, match="LIAISON_FEED_ALLOW_HTTP"):
        check_feed("local", url, COLLECTION)
    assert check_feed("local", url, COLLECTION, allow_http=True).api_root == url
    assert check_feed("local", url[:-1], COLLECTION, allow_http=True).api_root == url
    assert check_feed("x", ROOT, COLLECTION, "token", secret_env=SECRET).auth is Auth.TOKEN


def test_a_partial_cursor_resumes_a_microsecond_earlier() -> None:
    assert resume_after(None, False) is None
    assert resume_after("2026-12-07T03:04:06.649779Z", False) == "2026-12-07T03:04:06.649779Z"
    assert resume_after("2026-12-07T03:04:06.649779Z", True) == "2026-12-07T03:04:06.649778Z"
    assert resume_after("2026-12-07T03:04:06Z", True) == "2026-12-07T03:04:05.999999Z"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_unreachable_feed_keeps_its_error_and_its_cursor(node: Node, team: Team) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/community/"
    node.feeds.add(team.admin, "gone", url, COLLECTION)
    with pytest.raises(PeerUnreachable) as failed:
        node.feeds.pull(team.admin, "gone")
    assert failed.value.peer == "feed gone"
    feed = node.feeds.feed(team.admin, "gone")
    assert (feed.cursor, feed.last_success) == (None, None)
    assert feed.last_pull is not None and feed.last_error and "feed gone" in feed.last_error
    pulled = [e for e in node.audit.entries(team.auditor, limit=500) if e.action == "feed.pull"]
    assert [(e.result, e.object) for e in pulled] == [("failed", "feed:gone")]


def test_a_missing_secret_is_named_not_sent(
    node: Node, team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(SECRET, raising=False)
    with feed_server() as server:
        node.feeds.add(team.admin, "community", server.api_root, COLLECTION, "basic", USER, SECRET)
        with pytest.raises(InvalidInput) as refused:
            node.feeds.pull(team.admin, "community")
        assert (refused.value.field, refused.value.value) == ("secret_env", SECRET)
        assert node.feeds.feed(team.admin, "community").last_error == refused.value.message
        monkeypatch.setenv(SECRET, "not-the-password")
        with pytest.raises(PeerUnreachable, match="HTTP 401"):
            node.feeds.pull(team.admin, "community")
        monkeypatch.setenv(SECRET, PASSWORD)
        report = node.feeds.pull(team.admin, "community")  # an empty collection
    assert (report.pages, report.counts.objects, report.complete) == (1, 0, True)
    feed = node.feeds.feed(team.admin, "community")
    assert (feed.last_error, feed.cursor) == (None, None)
    assert feed.last_success == feed.last_pull


def test_a_cursor_is_kept_to_the_microsecond_and_never_later() -> None:
    assert cursor_of("2026-12-07T03:04:06.649779Z") == "2026-12-07T03:04:06.649779Z"
    assert cursor_of("2026-12-07T03:04:06.649779999Z") == "2026-12-07T03:04:06.649779Z"
    assert cursor_of("2026-12-07T03:04:06.5Z") == "2026-12-07T03:04:06.500000Z"
    assert cursor_of("2026-12-07T05:04:06+02:00") == "2026-12-07T03:04:06.000000Z"
    assert cursor_of("yesterday") is None
    assert cursor_of(None) is None


def test_a_misp_object_tagged_tlp_amber_keeps_it(
    node: Node, team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole event in one page (``LIAISON_FEED_PAGE_SIZE`` 100), as a real feed
    sends it: the TLP marking definitions come with the objects they mark."""
    event = smuggling_network()
    for attribute in event["Event"]["Object"][0]["Attribute"]:
        attribute["Tag"] = [{"name": "tlp:amber"}]  # MISP's commonest tag: TLP 1.0 in STIX
    monkeypatch.setenv(SECRET, PASSWORD)
    with feed_server() as server:
        server.publish(to_stix(event))
        subscribe(node, team, server)
        assert node.feeds.pull(team.admin, "community").pages == 1
    assert records(node, team)["Juan dela Cruz"].envelope.markings.tlp is TLP.AMBER
