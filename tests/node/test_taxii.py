"""The partners' TAXII collections (``liaison.node.taxii``) on both backends:
a page builds the objects of the records it shows, not the collection's; the
policy decides each version again when read, so a disclosure register that lags
behind it (a record past its review date, which no write has touched since)
never lets more out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from liaison.model.records import Record
from liaison.model.roles import Actor, Role
from liaison.node.taxii import TaxiiService
from liaison.stix.export import primary_id, to_objects
from liaison.storage.federation import holdings
from liaison.taxii.query import parse_query
from tests.conftest import PASSWORD, actor_named
from tests.federation.conftest import (
    ENVELOPE,
    Federation,
    Member,
    agree,
    member,
    node_url,  # noqa: F401 - a fixture, used by name
)


class Counted:
    """``to_objects``, counting the records it is given (the service's seam for it)."""

    def __init__(self) -> None:
        self.records = 0

    def __call__(
        self, records: Sequence[Record], names: Mapping[str, str], recipients: Sequence[str] = ()
    ) -> list[dict[str, Any]]:
        self.records += len(records)
        return to_objects(records, names, recipients)


@pytest.fixture
def pair(tmp_path: Path, node_url: Any) -> Iterator[tuple[Member, Actor, str]]:  # noqa: F811
    manila = member(
        tmp_path, "manila", node_url("manila"), taxii_users={"ru": "moscow"}, import_workers=1
    )
    moscow = member(tmp_path, "moscow", node_url("moscow"))
    fed = Federation({"manila": manila, "moscow": moscow})
    fed.link("manila", "moscow")
    agree("ph-ru", [manila, moscow])
    manila.node.accounts.create_user(
        manila.team.admin, "ru", PASSWORD, Role.LIAISON_OFFICER, "CONFIDENTIAL"
    )
    account = actor_named(manila.node, "ru")
    (collection,) = manila.node.taxii.collections(account)
    yield manila, account, collection.id
    for m in fed.members.values():
        m.node.close()


def people(count: int) -> list[tuple[int, dict[str, Any]]]:
    return [
        (n, {"id": f"p-{n}", "schema": "Person", "properties": {"name": [f"Fictitious P {n}"]}})
        for n in range(1, count + 1)
    ]


def test_a_page_builds_only_the_records_it_shows(pair: tuple[Member, Actor, str]) -> None:
    manila, account, collection = pair
    manila.node.transfer.import_items(manila.team.analyst, lambda: people(60), ENVELOPE)
    counted = Counted()
    taxii = TaxiiService(manila.node.ctx, counted)
    page = taxii.objects(account, collection, parse_query({"limit": "10"}))
    assert page.more and len(page.entries) == 10
    shown = [
        e for e in page.entries if e.object.get("created_by_ref") and e.id.startswith("identity")
    ]
    assert counted.records <= len(shown) + 1  # the records on the page and one past it, of 60
    taxii.objects(account, collection, parse_query({"limit": "1000"}))
    assert counted.records > 60


def test_the_policy_decides_again_when_the_register_lags(
    pair: tuple[Member, Actor, str],
) -> None:
    manila, account, collection = pair
    node = manila.node
    today = node.ctx.now().date()
    soon = {**ENVELOPE, "review_due": (today + dt.timedelta(days=1)).isoformat()}
    due = node.records.create(manila.team.analyst, people(1)[0][1], soon)
    kept = node.records.create(manila.team.analyst, people(2)[1][1], ENVELOPE)

    def listed() -> set[str]:
        page = node.taxii.objects(account, collection, parse_query({"limit": "1000"}))
        return {e.id for e in page.entries}

    assert {primary_id(due), primary_id(kept)} <= listed()
    later = node.ctx.now() + dt.timedelta(days=3)
    node.ctx.clock = lambda: later  # the node's clock, as Node.open(settings, clock) sets it
    with node.ctx.read() as conn:
        register = holdings(conn, [due.record_id])
    assert {row.level for row in register.values()} == {"full"}  # the register still says so
    found = listed()
    assert primary_id(due) not in found  # review due and not renewed: not sent any more
    assert primary_id(kept) in found


def test_a_deletion_reaches_only_a_partner_that_had_the_record(
    pair: tuple[Member, Actor, str],
) -> None:
    manila, account, collection = pair
    node, analyst = manila.node, manila.team.analyst
    victim = {**ENVELOPE, "subject_category": "victim"}  # hit/no-hit only, by the agreement
    referenced = node.records.create(analyst, people(1)[0][1], victim)
    shared = node.records.create(analyst, people(2)[1][1], ENVELOPE)
    for record in (referenced, shared):
        node.records.delete(analyst, record.record_id, "FICTITIOUS: entered twice")
    page = node.taxii.objects(account, collection, parse_query({"limit": "1000"}))
    found = {e.id: e.object for e in page.entries}
    assert found[primary_id(shared)]["revoked"] is True
    assert primary_id(referenced) not in found  # it only ever held a reference
