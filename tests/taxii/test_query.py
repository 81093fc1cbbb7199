"""A request's query parsed into filters, limit and cursor; bad values named."""

from __future__ import annotations

import datetime as dt

import pytest

from liaison.errors import InvalidInput
from liaison.taxii.query import MAX_LIMIT, Pick, Position, decode_position, parse_query


def test_defaults() -> None:
    query = parse_query({})
    assert query.limit == 100
    assert query.start is None
    assert query.filters.versions.only_last
    assert query.filters.describe() == {}


def test_every_filter() -> None:
    query = parse_query(
        {
            "added_after": "2026-01-31T12:00:00.5Z",
            "match[id]": "identity--1,identity--2",
            "match[type]": "identity, indicator",
            "match[version]": "first,2026-02-01T00:00:00.000Z",
            "match[spec_version]": "2.1",
            "limit": "5000",
            "unknown": "ignored",
        }
    )
    f = query.filters
    assert f.added_after == dt.datetime(2026, 1, 31, 12, 0, 0, 500000, tzinfo=dt.UTC)
    assert f.ids == {"identity--1", "identity--2"}
    assert f.types == {"identity", "indicator"}
    assert f.versions.picks == {Pick.FIRST}
    assert f.versions.exact == {dt.datetime(2026, 2, 1, tzinfo=dt.UTC)}
    assert f.spec_versions == {"2.1"}
    assert query.limit == MAX_LIMIT
    assert f.describe()["match[version]"] == ["first", "2026-02-01T00:00:00.000000Z"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"added_after": "yesterday"}, "added_after"),
        ({"added_after": "2026-01-31T12:00:00"}, "added_after"),  # no zone
        ({"match[version]": "lastest"}, "match[version]"),
        ({"match[type]": " , "}, "match[type]"),
        ({"next": "not-a-cursor"}, "next"),
        ({"next": "WzEsMiwzLDRd"}, "next"),  # [1,2,3,4]: base64 JSON, not ours
    ],
)
def test_bad_values_are_named(params: dict[str, str], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_query(params)
    assert caught.value.field == field


def test_a_cursor_round_trips() -> None:
    here = Position(dt.datetime(2026, 12, 7, 3, 5, 0, 123456, tzinfo=dt.UTC), "rec-ab", 3, 2)
    assert decode_position(here.encode()) == here
    assert parse_query({"next": here.encode()}).start == here
