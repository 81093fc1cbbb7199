"""yente's semantics, pure: query examples, feature values, weights, nesting, filters."""

from __future__ import annotations

import datetime as dt

import pytest

from liaison.errors import BadRequest
from liaison.matching.profile import build
from liaison.matching.score import PERSON, reweigh, score
from liaison.matching.yente import (
    MatchOptions,
    algorithm_named,
    check_weights,
    kept,
    level_value,
    nest,
    read_example,
    record_entry,
    seen,
)
from liaison.model.envelope import Envelope
from liaison.model.records import Record

NOW = dt.datetime(2026, 12, 7, 3, 4, 5, 678, tzinfo=dt.UTC)


def record(record_id: str, entity_id: str, schema: str, **props: list[str]) -> Record:
    return Record(
        record_id=record_id,
        version=1,
        schema=schema,
        entity_id=entity_id,
        properties=dict(props),
        envelope=Envelope.from_dict({}, "node-1"),
        caption=(props.get("name") or props.get("number") or [entity_id])[0],
        created=NOW,
        modified=NOW,
        created_by="analyst",
        modified_by="analyst",
    )


def test_an_example_is_read_leniently_and_echoed() -> None:
    read = read_example(
        "q",
        {
            "id": "mine",
            "schema": "Person",
            "properties": {
                "name": "Иван Петров",
                "birthDate": ["1975-05-01", "sometime", "1975-05-01"],
                "nationality": ["Russia"],
                "colour": ["green"],
                "addressEntity": ["addr-1"],
            },
        },
    )
    assert read.id == "mine" and read.schema == "Person"
    assert read.properties == {
        "name": ["Иван Петров"],
        "birthDate": ["1975-05-01"],
        "nationality": ["ru"],
    }
    assert set(read.skipped) == {"colour", "addressEntity"}
    for bad in (
        {"schema": "Nothing"},
        {"schema": "Thing"},
        "Person",
        {"schema": "Person", "properties": ["name"]},
    ):
        with pytest.raises(BadRequest):
            read_example("q", bad)


def test_levels_become_values_between_0_and_1() -> None:
    assert level_value(PERSON, "name", "exact") == 1.0
    assert level_value(PERSON, "name", "none") == 0.0
    assert 0 < level_value(PERSON, "name", "close") < 1
    assert level_value(PERSON, "birth_date", "missing") == 0.0
    assert level_value(PERSON, "residence", "overrides_date") == 1.0


def test_weights_scale_log_odds_and_unknown_ones_are_refused() -> None:
    query = build("Person", {"name": ["Maria dela Cruz"], "birthDate": ["1980-04-03"]})
    candidate = build("Person", {"name": ["Maria De La Cruz"], "birthDate": ["1980-04-03"]})
    found = score(query, candidate)
    assert reweigh(found, {}) is found
    assert reweigh(found, {"name": 1.0}).log_odds == pytest.approx(found.log_odds)
    halved = reweigh(found, {"name": 0.5})
    name = found.features["name"].weight
    assert halved.log_odds == pytest.approx(found.log_odds - name / 2, abs=1e-3)
    assert check_weights({"name": 0, "birth_date": 2}, {}) == {"name": 0.0, "birth_date": 2.0}
    for weights, config in (({"name_literal": 1}, {}), ({"name": -1}, {}), ({}, {"x": 1})):
        with pytest.raises(BadRequest):
            check_weights(weights, config)
    assert algorithm_named(" Best ") == algorithm_named("liaison-logistic")
    with pytest.raises(BadRequest, match="Invalid algorithm"):
        algorithm_named("logic-v2")


def test_times_as_yente_writes_them() -> None:
    assert seen(NOW) == "2026-12-07T03:04:05"
    assert seen(None) is None


def test_adjacent_records_nest_forward_and_reverse() -> None:
    holder = record("rec-h", "p1", "Person", name=["Rosa Mendoza"])
    passport = record("rec-p", "pp1", "Passport", number=["P1"], holder=["p1"])
    stranger = record("rec-s", "p2", "Person", name=["Other"])
    around_holder = nest(holder, [passport, stranger])
    (nested,) = around_holder.properties["identification"]
    assert not isinstance(nested, str) and nested.id == "rec-p"
    around_passport = nest(passport, [holder])
    (named,) = around_passport.properties["holder"]
    assert not isinstance(named, str) and named.id == "rec-h"
    assert nest(passport, []).properties["holder"] == ["p1"]


def test_scope_and_filters_keep_results() -> None:
    entry = record_entry(record("rec-h", "p1", "Person", name=["Rosa"], topics=["crime"]))
    assert kept(entry, "default", MatchOptions())
    assert kept(entry, "records", MatchOptions())
    assert not kept(entry, "watchlist:x", MatchOptions())
    assert not kept(entry, "default", MatchOptions(exclude_dataset=["records"]))
    assert not kept(entry, "default", MatchOptions(include_dataset=["watchlist:x"]))
    assert not kept(entry, "default", MatchOptions(exclude_schema=["Person"]))
    assert not kept(entry, "default", MatchOptions(exclude_entity_ids=["p1"]))
    assert kept(entry, "default", MatchOptions(topics=["crime"]))
    assert not kept(entry, "default", MatchOptions(topics=["sanction"]))
    assert kept(entry, "default", MatchOptions(changed_since="2026-12-01"))
    assert not kept(entry, "default", MatchOptions(changed_since="2026-12-08"))
