"""Screening, cross-match alerts and watchlists on a real node (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from liaison.errors import Conflict, Forbidden, InvalidInput, NotFound
from liaison.node import Node
from liaison.storage.tables import alerts, audit_log, match_keys, match_queue
from tests.conftest import Team, person

CRUZ = {"birthDate": ["1980-03-04"], "nationality": ["ph"], "gender": ["female"]}


def query(name: str, **props: list[str]) -> dict[str, object]:
    return {"schema": "Person", "properties": {"name": [name], **props}}


def count(node: Node, table: sa.Table) -> int:
    with node.ctx.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def test_screening_finds_a_person_written_another_way(node: Node, team: Team) -> None:
    target = node.records.create(team.analyst, person("Maria Cristina De La Cruz", **CRUZ), {})
    node.records.create(team.analyst, person("Pedro Santos", birthDate=["1975-01-02"]), {})
    found = node.matching.match(
        team.analyst,
        {"q": query("Ma. Cristina dela Cruz", birthDate=["1980-04-03"], nationality=["ph"])},
    )
    best = found["q"][0]
    assert best["id"] == target.record_id
    assert best["match"] is True
    assert best["explanations"]["birth_date"]["level"] == "swapped"
    assert best["explanations"]["name"]["level"] == "exact"
    assert all(not r["match"] for r in found["q"][1:])


def test_screening_across_scripts(node: Node, team: Team) -> None:
    target = node.records.create(
        team.analyst, person("Александр Сергеевич Иванов", birthDate=["1971-09-12"]), {}
    )
    found = node.matching.match(
        team.analyst, {"q": query("Sasha Ivanov", birthDate=["1971-09-12"])}
    )
    assert found["q"][0]["id"] == target.record_id
    assert found["q"][0]["match"] is True


def test_scores_are_graded_not_saturated(node: Node, team: Team) -> None:
    full = node.records.create(team.analyst, person("Maria Cristina De La Cruz", **CRUZ), {})
    other = {**CRUZ, "nationality": ["ru"], "birthDate": ["1980-03-14"]}
    near = node.records.create(team.analyst, person("Maria Cristina Cruz", **other), {})
    found = node.matching.match(team.analyst, {"q": query("Maria Cristina dela Cruz", **CRUZ)})
    scores = {r["id"]: r["score"] for r in found["q"]}
    odds = {r["id"]: r["log_odds"] for r in found["q"]}
    assert 0 < scores[near.record_id] < scores[full.record_id] <= 1
    assert odds[near.record_id] < odds[full.record_id]  # ordered where the score rounds to 1
    assert [r["id"] for r in found["q"]][:2] == [full.record_id, near.record_id]


def test_screening_hides_records_above_clearance(node: Node, team: Team) -> None:
    node.records.create(
        team.analyst,
        person("Maria Cristina De La Cruz", **CRUZ),
        {"markings": {"classification": "SECRET"}},
    )
    found = node.matching.match(team.junior, {"q": query("Maria Cristina De La Cruz", **CRUZ)})
    assert found["q"] == []


@pytest.mark.parametrize(
    ("queries", "field"),
    [
        ({}, "queries"),
        ({"q": {"schema": "Starship", "properties": {"name": ["x"]}}}, "queries.q.schema"),
        ({"q": query("Juan", birthDate=["1980-13-45"])}, "queries.q.properties.birthDate"),
        (
            {"q": {"schema": "Person", "properties": {"gender": ["male"]}}},
            "queries.q.properties.name",
        ),
        ({"q": "Juan"}, "queries.q"),
    ],
)
def test_bad_queries_name_the_field(
    node: Node, team: Team, queries: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        node.matching.match(team.analyst, queries)
    assert caught.value.field == field


def test_hostile_queries_are_capped(node: Node, team: Team) -> None:
    node.records.create(team.analyst, person("Juan dela Cruz", birthDate=["1980-01-01"]), {})
    aliases = [f"Juan Alias{i} dela Cruz" for i in range(10_000)]
    mixed = "Juan Иванов محمد dela Cruz " * 50
    found = node.matching.match(
        team.analyst,
        {
            "many": {
                "schema": "Person",
                "properties": {"name": ["Juan dela Cruz"], "alias": aliases},
            },
            "mixed": query(mixed),
            "short": query("J"),
        },
    )
    assert found["many"][0]["match"] is True
    assert set(found) == {"many", "mixed", "short"}


def test_screening_is_audited_and_needs_the_permission(node: Node, team: Team) -> None:
    before = count(node, audit_log)
    node.matching.match(team.analyst, {"q": query("Juan dela Cruz")})
    assert count(node, audit_log) == before + 1
    with pytest.raises(Forbidden):
        node.matching.match(team.admin, {"q": query("Juan dela Cruz")})


def test_index_follows_updates_and_deletions(node: Node, team: Team) -> None:
    r1 = node.records.create(team.analyst, person("Juan dela Cruz", birthDate=["1980-01-01"]), {})
    node.records.update(team.analyst, r1.record_id, person("Pedro Penduko"), {}, expected_version=1)
    assert node.matching.match(team.analyst, {"q": query("Juan dela Cruz")})["q"] == []
    assert node.matching.match(team.analyst, {"q": query("Pedro Penduko")})["q"][0]["match"]
    node.records.delete(team.supervisor, r1.record_id, "test", 2)
    assert node.matching.match(team.analyst, {"q": query("Pedro Penduko")})["q"] == []
    with node.ctx.engine.connect() as conn:
        left = conn.execute(sa.select(match_keys).where(match_keys.c.subject == r1.record_id))
        assert list(left) == []


def test_new_record_matching_an_existing_one_raises_an_alert(node: Node, team: Team) -> None:
    first = node.records.create(team.analyst, person("Maria Cristina De La Cruz", **CRUZ), {})
    node.records.create(team.analyst, person("Ligaya Reyes", birthDate=["1990-05-06"]), {})
    second = node.records.create(
        team.analyst, person("Ma. Cristina dela Cruz", birthDate=["1980-04-03"]), {}
    )
    assert count(node, match_queue) == 3
    assert node.matching.process_all() == 3
    assert count(node, match_queue) == 0
    found = node.matching.alerts(team.analyst)
    assert len(found) == 1
    pair = {found[0].record_id, found[0].target}
    assert pair == {first.record_id, second.record_id}
    assert found[0].explanation["features"]["birth_date"]["level"] == "swapped"
    assert node.matching.alerts(team.junior) == found  # unclassified records


def test_rejected_pair_is_not_raised_again(node: Node, team: Team) -> None:
    first = node.records.create(
        team.analyst, person("Juan dela Cruz", birthDate=["1980-01-01"]), {}
    )
    node.records.create(team.analyst, person("Juan De La Cruz", birthDate=["1980-01-01"]), {})
    node.matching.process_all()
    (alert,) = node.matching.alerts(team.analyst)
    decided = node.matching.decide(team.analyst, alert.id, "reject", "father and son")
    assert decided.status == "rejected"
    node.records.update(
        team.analyst,
        first.record_id,
        person("Juan dela Cruz", birthDate=["1980-01-01"], nationality=["ph"]),
        {},
        expected_version=1,
    )
    node.matching.process_all()
    assert [a.status for a in node.matching.alerts(team.analyst)] == ["rejected"]
    with pytest.raises(Conflict):
        node.matching.decide(team.analyst, alert.id, "confirm")
    with pytest.raises(InvalidInput):
        node.matching.decide(team.analyst, alert.id, "maybe")
    with pytest.raises(NotFound):
        node.matching.decide(team.analyst, 999_999, "confirm")


def test_escalated_alert_can_then_be_confirmed(node: Node, team: Team) -> None:
    node.records.create(team.analyst, person("Juan dela Cruz", birthDate=["1980-01-01"]), {})
    node.records.create(team.analyst, person("Juan De La Cruz", birthDate=["1980-01-01"]), {})
    node.matching.process_all()
    (alert,) = node.matching.alerts(team.analyst, status="open")
    assert node.matching.decide(team.analyst, alert.id, "escalate").status == "escalated"
    assert node.matching.decide(team.supervisor, alert.id, "confirm").status == "confirmed"
    assert node.matching.alerts(team.analyst, status="open") == []


def test_watchlist_entry_raises_an_alert_for_a_new_record(node: Node, team: Team) -> None:
    node.matching.add_watchlist(team.supervisor, "maritime-ph", "fictitious watchlist")
    entity = {
        "id": "w-1",
        "schema": "Person",
        "properties": {"name": ["Mohammed bin Abdullah al-Rashid"], "birthDate": ["1975-02-03"]},
    }
    assert node.matching.add_entries(team.supervisor, "maritime-ph", [entity]) == 1
    record = node.records.create(
        team.analyst, person("محمد بن عبد الله الرشيد", birthDate=["1975-02-03"]), {}
    )
    node.matching.process_all()
    (alert,) = node.matching.alerts(team.analyst)
    assert alert.record_id == record.record_id
    assert alert.target_kind == "watchlist"
    assert alert.watchlist == "maritime-ph"
    assert node.matching.watchlists(team.analyst)[0]["entries"] == 1
    with pytest.raises(InvalidInput) as caught:
        node.matching.add_entries(team.supervisor, "maritime-ph", [{"id": "x", "schema": "Nope"}])
    assert caught.value.field == "entities.0.schema"
    with pytest.raises(NotFound):
        node.matching.add_entries(team.supervisor, "no-such-list", [entity])
    with pytest.raises(Conflict):
        node.matching.add_watchlist(team.supervisor, "maritime-ph")
    assert count(node, alerts) == 1
