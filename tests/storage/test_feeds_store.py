"""The feeds table: a subscription round-trips, the cursor and the last pull are kept."""

from __future__ import annotations

import datetime as dt

from liaison.model.grading import Evaluation, Scheme
from liaison.model.markings import TLP, Markings
from liaison.node import Node
from liaison.storage import feeds as store
from liaison.storage.feeds import Auth, Counts, NewFeed

NOW = dt.datetime(2026, 12, 7, 3, 0, tzinfo=dt.UTC)


def new_feed(name: str = "community") -> NewFeed:
    return NewFeed(
        name=name,
        api_root="https://taxii.example.test/community/",
        collection="365fed99-08fa-fdcd-a1b3-fb247eb41d01",
        auth=Auth.BASIC,
        username="feeder",
        secret_env="LIAISON_FEED_SECRET_COMMUNITY",
        markings=Markings(tlp=TLP.GREEN),
        evaluation=Evaluation(Scheme.ADMIRALTY, "B", "2"),
    )


def test_a_feed_round_trips_with_its_cursor_and_last_pull(node: Node) -> None:
    with node.ctx.engine.begin() as conn:
        added = store.add(conn, new_feed(), NOW, "api:admin")
    assert added.markings == Markings(tlp=TLP.GREEN)
    assert added.evaluation == Evaluation(Scheme.ADMIRALTY, "B", "2")
    assert (added.cursor, added.cursor_partial, added.last_pull) == (None, False, None)
    assert added.provenance == (
        "taxii:https://taxii.example.test/community/365fed99-08fa-fdcd-a1b3-fb247eb41d01"
    )
    with node.ctx.engine.begin() as conn:
        store.advance(conn, added.id, "2026-12-07T03:04:06.649779Z", True)
        store.ended(conn, added.id, NOW, Counts(17, 12, 3, 2), "HTTP 500 from the server")
    with node.ctx.engine.connect() as conn:
        found = store.by_name(conn, "community")
    assert found is not None
    assert (found.cursor, found.cursor_partial) == ("2026-12-07T03:04:06.649779Z", True)
    assert found.last == Counts(17, 12, 3, 2)
    assert (found.last_pull, found.last_success, found.last_error) == (
        NOW,
        None,
        "HTTP 500 from the server",
    )
    with node.ctx.engine.begin() as conn:
        store.ended(conn, added.id, NOW, Counts(), None)
        assert store.remove(conn, "community") is True
        assert store.remove(conn, "community") is False
        assert store.all_feeds(conn) == []
