"""A node subscribed to a community's TAXII 2.1 feed, with clients nobody here wrote:
the OASIS ``medallion`` server serves MISP events that MISP's own converter
(``misp-stix``) made STIX 2.1, and the node reads them with the OASIS
``taxii2-client``. The records appear with the feed as their provenance, their
markings (from the MISP tags where the converter carries them to the object, the
feed's otherwise) and the feed's evaluation; a second pull writes nothing; what is
published later is pulled, and only that; a pull that breaks off keeps its cursor
at its last committed page and the next one finishes without loss or duplicates.
On SQLite and PostgreSQL."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from liaison.errors import PeerUnreachable
from liaison.model.grading import Evaluation, Scheme
from liaison.model.markings import TLP
from liaison.model.records import Record
from liaison.node import Node
from liaison.node.feeds import FeedWorker
from liaison.settings import Settings
from liaison.storage.records import RecordFilter
from tests.conftest import Team
from tests.interop.medallion_feed import COLLECTION, PASSWORD, USER, FeedServer, feed_server
from tests.interop.misp_events import follow_up, smuggling_network, to_stix

SECRET = "LIAISON_FEED_SECRET_COMMUNITY"
B2 = Evaluation(Scheme.ADMIRALTY, "B", "2")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"feed_allow_http": True, "feed_page_size": 5})


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FeedServer]:
    monkeypatch.setenv(SECRET, PASSWORD)
    with feed_server(max_page_size=100) as running:
        yield running


def subscribe(node: Node, team: Team, server: FeedServer) -> None:
    """As a MISP community feed is set up: TLP:AMBER and Admiralty B2 for what carries none."""
    node.feeds.add(
        team.admin,
        "community",
        server.api_root,
        COLLECTION,
        "basic",
        USER,
        SECRET,
        {"tlp": "AMBER"},
        {"scheme": "admiralty", "source": "B", "information": "2"},
    )


def records(node: Node, team: Team) -> dict[str, Record]:
    """Every record on the node, by caption, as an analyst reads them."""
    found = node.records.search(team.analyst, RecordFilter(), None, 100)
    assert found.next_cursor is None
    whole = [node.records.get(team.analyst, item["record_id"]) for item in found.items]
    return {r.caption: r for r in whole}


def test_a_misp_event_becomes_records_with_provenance_markings_and_evaluation(
    node: Node, team: Team, server: FeedServer
) -> None:
    published = server.publish(to_stix(smuggling_network()))
    subscribe(node, team, server)
    report = node.feeds.pull(team.admin, "community")
    assert report.complete and report.pages == 4  # 19 objects, 5 a page
    assert report.counts.objects == published == 19
    assert report.counts.written == 3
    taken = records(node, team)
    assert sorted(taken) == [
        "Example Smuggling Group",
        "Juan dela Cruz",
        "juan.delacruz@example.org",
    ]
    assert taken["Example Smuggling Group"].schema == "Organization"
    assert taken["Juan dela Cruz"].schema == "Person"
    assert taken["juan.delacruz@example.org"].schema == "UserAccount"
    # the person's MISP tag (tlp:amber+strict) is its own marking; the others carry none
    # where the converter puts them, and get the feed's
    assert taken["Juan dela Cruz"].envelope.markings.tlp is TLP.AMBER_STRICT
    assert taken["Example Smuggling Group"].envelope.markings.tlp is TLP.AMBER
    assert taken["juan.delacruz@example.org"].envelope.markings.tlp is TLP.AMBER
    for record in taken.values():
        assert record.envelope.evaluation == B2
        assert record.created_by == "feed:community"  # provenance: written as the feed
        assert record.envelope.originator == node.ctx.node_id
    entries = node.audit.entries(team.auditor, limit=500)
    source = f"stix:taxii:{server.api_root.rstrip('/')}/{COLLECTION}"
    imports = [e for e in entries if e.action == "record.import" and e.object == source]
    assert imports and {e.actor for e in imports} == {"feed:community"}
    (pulled,) = [e for e in entries if e.action == "feed.pull"]
    assert (pulled.actor, pulled.object, pulled.result) == ("api:admin", "feed:community", "ok")
    assert pulled.detail["written"] == 3 and pulled.detail["cursor_after"] == report.cursor_after

    again = node.feeds.pull(team.admin, "community")  # idempotent: nothing new, nothing written
    assert (again.counts.objects, again.counts.written) == (0, 0)
    assert again.cursor_after == report.cursor_after
    assert {r.version for r in records(node, team).values()} == {1}


def test_what_is_published_later_is_pulled_and_only_that(
    node: Node, team: Team, server: FeedServer
) -> None:
    server.publish(to_stix(smuggling_network()))
    subscribe(node, team, server)
    first = node.feeds.pull(team.admin, "community")
    later = server.publish(to_stix(follow_up()))  # the server refuses what it already holds
    assert 0 < later < len(to_stix(follow_up()))
    second = node.feeds.pull(team.admin, "community")
    assert second.cursor_before == first.cursor_after
    assert second.cursor_after is not None and second.cursor_after > first.cursor_after  # type: ignore[operator]
    assert second.counts.objects == later
    assert (second.counts.written, second.counts.unchanged) == (1, 0)
    taken = records(node, team)
    assert "maria.santos@example.net" in taken and len(taken) == 4
    assert {r.version for r in taken.values()} == {1}


def test_a_pull_that_breaks_off_keeps_its_cursor_and_the_next_finishes(
    node: Node, team: Team, server: FeedServer
) -> None:
    server.publish(to_stix(smuggling_network()))  # one publication: one date added for all
    subscribe(node, team, server)
    server.fail_next_pages()
    with pytest.raises(PeerUnreachable, match="HTTP 500"):
        node.feeds.pull(team.admin, "community")
    feed = node.feeds.feed(team.admin, "community")
    assert feed.cursor is not None and feed.cursor_partial  # the first page was committed
    assert feed.last_error is not None and "HTTP 500" in feed.last_error
    assert feed.last.objects == 5 and feed.last_success is None
    kept = records(node, team)
    assert sorted(kept) == ["juan.delacruz@example.org"]  # the first page's only record

    server.fail_next_pages(False)
    done = node.feeds.pull(team.admin, "community")
    # the whole publication has the cursor's date: asked from just before it, it is read
    # again (the first page's objects unchanged), not skipped
    assert done.complete and done.counts.objects == 19
    assert (done.counts.written, done.counts.unchanged) == (2, 1)
    taken = records(node, team)
    assert len(taken) == 3 and {r.version for r in taken.values()} == {1}
    feed = node.feeds.feed(team.admin, "community")
    assert (feed.cursor, feed.cursor_partial, feed.last_error) == (done.cursor_after, False, None)
    results = [e.result for e in node.audit.entries(team.auditor, limit=500, action="feed.pull")]
    assert results == ["failed", "ok"]


def test_a_pull_past_its_deadline_stops_after_a_page_and_goes_on_next_time(
    node: Node, team: Team, server: FeedServer
) -> None:
    server.publish(to_stix(smuggling_network()))
    subscribe(node, team, server)
    stopped = node.feeds.pull(team.admin, "community", deadline=0.0)  # already past
    assert not stopped.complete and stopped.pages == 1
    assert node.feeds.feed(team.admin, "community").cursor_partial
    seen: list[tuple[int, int]] = []
    finished = node.feeds.pull(
        team.admin, "community", on_page=lambda pages, counts: seen.append((pages, counts.objects))
    )
    assert finished.complete and len(records(node, team)) == 3
    assert seen == [(1, 5), (2, 10), (3, 15), (4, 19)]  # from a microsecond before the cursor


def test_the_scheduled_puller_pulls_every_feed_as_the_node_and_keeps_failures(
    node: Node, team: Team, server: FeedServer
) -> None:
    server.publish(to_stix(smuggling_network()))
    subscribe(node, team, server)
    with socket.socket() as free:  # a port nothing listens on
        free.bind(("127.0.0.1", 0))
        gone = f"http://127.0.0.1:{free.getsockname()[1]}/community/"
    node.feeds.add(team.admin, "gone", gone, COLLECTION)
    done = FeedWorker(node.feeds, 3600.0).round()
    assert [(r.feed, r.counts.written, r.complete) for r in done] == [("community", 3, True)]
    assert node.feeds.feed(team.admin, "gone").last_error
    pulls = node.audit.entries(team.auditor, limit=500, action="feed.pull")
    assert sorted((e.actor, e.object, e.result) for e in pulls) == [
        ("node:system", "feed:community", "ok"),
        ("node:system", "feed:gone", "failed"),
    ]


def test_the_puller_thread_pulls_at_start_and_stops_when_closed(
    node: Node, team: Team, server: FeedServer
) -> None:
    server.publish(to_stix(smuggling_network()))
    subscribe(node, team, server)
    worker = FeedWorker(node.feeds, 3600.0)
    worker.start()
    try:
        for _ in range(600):  # bounded wait for the first round, not a timing assertion
            if node.feeds.feed(team.admin, "community").last_success is not None:
                break
            worker.stop.wait(0.05)
    finally:
        worker.close()
    assert not worker.thread.is_alive()
    assert len(records(node, team)) == 3
