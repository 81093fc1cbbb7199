"""Pages over items built with the OASIS ``stix2`` library: order, limits,
cursors, ``more``, every filter, and an object's versions."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import stix2

from liaison.taxii.pages import Item, fill, versions_of
from liaison.taxii.query import Filters, Pick, Versions, parse_query

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
AUTHOR = json.loads(
    stix2.Identity(
        id="identity--11111111-1111-4111-8111-111111111111",
        name="FICTITIOUS agency",
        identity_class="organization",
        created="2026-01-01T00:00:00.000Z",
        modified="2026-01-01T00:00:00.000Z",
    ).serialize()
)


def person(n: int, version: int) -> dict[str, Any]:
    stamp = f"2026-01-{version:02d}T00:00:00.000Z"
    made = stix2.Identity(
        id=f"identity--00000000-0000-4000-8000-{n:012d}",
        name=f"Fictitious Person {n}",
        identity_class="individual",
        created="2026-01-01T00:00:00.000Z",
        modified=stamp,
        created_by_ref=AUTHOR["id"],
    )
    return dict(json.loads(made.serialize()))


def email(n: int) -> dict[str, Any]:
    return dict(json.loads(stix2.EmailAddress(value=f"person{n}@example.test").serialize()))


def items(count: int) -> list[Item]:
    """One item per record, its objects: the person, an e-mail and the author."""
    return [
        Item(
            T0 + dt.timedelta(minutes=n),
            f"rec-{n:04d}",
            1,
            (person(n, 1), email(n), AUTHOR),
            frozenset({Pick.LAST, Pick.FIRST}),
        )
        for n in range(count)
    ]


def all_pages(found: list[Item], filters: Filters, limit: int) -> list[list[str]]:
    pages, start = [], None
    while True:
        page = fill(found, filters, limit, start)
        pages.append([e.id for e in page.entries])
        assert page.more is (page.next is not None)
        if not page.more:
            return pages
        start = page.next
        assert len(page.entries) == limit  # a page that says more is full


def test_every_object_once_a_page_and_in_order() -> None:
    found = items(10)
    pages = all_pages(found, Filters(), 7)
    given = [i for page in pages for i in page]
    for page in pages:
        assert len(page) == len(set(page))  # the author once a page
    people = [i for i in given if i.startswith("identity--0")]
    assert people == [str(item.objects[0]["id"]) for item in found]
    assert len([i for i in given if i.startswith("email-addr")]) == 10
    assert given.count(str(AUTHOR["id"])) == len(pages)  # once on each page


def test_the_last_page_says_no_more() -> None:
    page = fill(items(2), Filters(), 100, None)
    assert page.more is False and page.next is None
    assert len(page.entries) == 5  # two persons, two e-mails, one author
    assert page.first_added == T0 and page.last_added == T0 + dt.timedelta(minutes=1)


def test_a_page_ending_exactly_at_the_end_says_no_more() -> None:
    only_people = Filters(types=frozenset({"identity"}), ids=frozenset())
    page = fill(items(3), Filters(types=frozenset({"email-addr"})), 3, None)
    assert page.more is False
    assert len(fill(items(3), only_people, 4, None).entries) == 4


def test_added_after_type_id_and_spec_version() -> None:
    found = items(5)
    later = fill(found, Filters(added_after=T0 + dt.timedelta(minutes=2)), 100, None)
    assert {e.added for e in later.entries} == {T0 + dt.timedelta(minutes=n) for n in (3, 4)}
    mails = fill(found, Filters(types=frozenset({"email-addr"})), 100, None)
    assert [e.object["type"] for e in mails.entries] == ["email-addr"] * 5
    wanted = str(found[2].objects[0]["id"])
    one = fill(found, Filters(ids=frozenset({wanted})), 100, None)
    assert [e.id for e in one.entries] == [wanted]
    assert not fill(found, Filters(spec_versions=frozenset({"2.0"})), 100, None).entries


def test_match_version_picks_and_exact() -> None:
    old = Item(T0, "rec-1", 1, (person(1, 1),), frozenset({Pick.FIRST}))
    new = Item(T0 + dt.timedelta(days=1), "rec-1", 2, (person(1, 2),), frozenset({Pick.LAST}))
    both = [old, new]

    def versions(**kwargs: Any) -> list[str]:
        filters = Filters(versions=Versions(**kwargs))
        return [e.version for e in fill(both, filters, 10, None).entries]

    assert versions() == ["2026-01-02T00:00:00.000Z"]
    assert versions(picks=frozenset({Pick.FIRST})) == ["2026-01-01T00:00:00.000Z"]
    assert len(versions(picks=frozenset({Pick.ALL}))) == 2
    exact = parse_query({"match[version]": "2026-01-01T00:00:00Z"}).filters.versions
    assert versions(picks=exact.picks, exact=exact.exact) == ["2026-01-01T00:00:00.000Z"]


def test_versions_of_one_object() -> None:
    both = [
        Item(T0, "rec-1", 1, (person(1, 1), AUTHOR)),
        Item(T0 + dt.timedelta(days=1), "rec-1", 2, (person(1, 2), AUTHOR)),
    ]
    wanted = str(both[0].objects[0]["id"])
    found = versions_of(both, wanted, Filters())
    assert [e.version for e in found] == ["2026-01-01T00:00:00.000Z", "2026-01-02T00:00:00.000Z"]
    assert len(versions_of(both, str(AUTHOR["id"]), Filters())) == 1
    later = versions_of(both, wanted, Filters(added_after=T0))
    assert [e.version for e in later] == ["2026-01-02T00:00:00.000Z"]


def test_an_observable_is_versioned_by_its_date_added() -> None:
    page = fill(items(1), Filters(types=frozenset({"email-addr"})), 10, None)
    assert page.entries[0].version == "2026-01-01T00:00:00.000000Z"
