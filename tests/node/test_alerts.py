"""Working through cross-match alerts on a real node (SQLite and PostgreSQL):
namesakes whose birth dates contradict raise none, alerts come grouped by
record with the best first, filtered by state and watchlist, paged, and
decided in bulk with each decision audited as a single one."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from liaison.errors import Conflict, InvalidInput
from liaison.node import Node
from liaison.node.matching import Alert
from liaison.storage.tables import audit_log
from tests.conftest import Team, person


def test_namesakes_with_contradicting_birth_dates_raise_no_alert(node: Node, team: Team) -> None:
    node.records.create(team.analyst, person("Juan dela Cruz", birthDate=["1980-01-02"]), {})
    node.records.create(team.analyst, person("Juan dela Cruz", birthDate=["1980-06-07"]), {})
    node.records.create(team.analyst, person("Juan dela Cruz", birthDate=["1981-03-09"]), {})
    node.matching.process_all()
    assert node.matching.alerts(team.analyst) == []
    shown = node.matching.match(
        team.analyst, {"q": {"schema": "Person", "properties": {"name": ["Juan dela Cruz"]}}}
    )
    assert len(shown["q"]) == 3  # screening still shows them: only alerts hold back


def test_strangers_born_on_the_same_day_raise_no_alert(node: Node, team: Team) -> None:
    node.records.create(team.analyst, person("Иван Петров", birthDate=["1970-01-02"]), {})
    node.records.create(team.analyst, person("Maria Santos", birthDate=["1970-01-02"]), {})
    node.matching.process_all()
    assert node.matching.alerts(team.analyst) == []


def test_a_shared_passport_outweighs_contradicting_dates(node: Node, team: Team) -> None:
    one = person("Pedro Penduko", birthDate=["1975-01-02"], passportNumber=["P1234567"])
    other = person("Pedro Penduko", birthDate=["1957-01-02"], passportNumber=["P1234567"])
    node.records.create(team.analyst, one, {})
    node.records.create(team.analyst, other, {})
    node.matching.process_all()
    (alert,) = node.matching.alerts(team.analyst)
    assert alert.features["birth_date"]["level"] == "far"
    assert alert.features["identifier"]["level"] == "same"


def _cluster(node: Node, team: Team) -> dict[str, str]:
    """Three of our records with candidates: Maria with two, Ivan with one, Ligaya
    with a watchlist entry; returns their record ids by first name."""
    made = {}
    for name, date in [
        ("Maria Cristina De La Cruz", "1980-03-04"),
        ("Ivan Petrov", "1970-02-03"),
        ("Ligaya Reyes", "1990-05-06"),
    ]:
        made[name.split()[0]] = node.records.create(
            team.analyst, person(name, birthDate=[date]), {}
        ).record_id
    node.matching.process_all()
    node.matching.add_watchlist(team.supervisor, "maritime-ph", "fictitious watchlist")
    entry = {
        "id": "w-1",
        "schema": "Person",
        "properties": {"name": ["Ligaya Reyes"], "birthDate": ["1990-05-06"]},
    }
    node.matching.add_entries(team.supervisor, "maritime-ph", [entry])
    for name, date in [
        ("Ma. Cristina dela Cruz", "1980-04-03"),  # day and month swapped
        ("Maria Cristina De La Cruz", "1980-03-04"),
        ("Иван Петров", "1970-02-03"),
    ]:
        node.records.create(team.analyst, person(name, birthDate=[date]), {})
    node.records.update(
        team.analyst,
        made["Ligaya"],
        person("Ligaya Reyes", birthDate=["1990-05-06"], nationality=["ph"]),
        {},
        expected_version=1,
    )
    node.matching.process_all()
    return made


def test_alerts_are_grouped_by_record_best_first(node: Node, team: Team) -> None:
    made = _cluster(node, team)
    page = node.matching.alert_groups(team.analyst)
    assert page.total == len(page.groups) == 4
    bests = [g.best for g in page.groups]
    assert bests == sorted(bests, reverse=True)
    for group in page.groups:
        assert group.count == len(group.alerts)
        scores = [a.score for a in group.alerts]
        assert scores == sorted(scores, reverse=True)
        for alert in group.alerts:
            assert group.record_id in (alert.record_id, alert.target)
    (ligaya,) = [g for g in page.groups if g.record_id == made["Ligaya"]]
    assert ligaya.caption == "Ligaya Reyes" and ligaya.schema == "Person"
    (watched,) = ligaya.alerts
    assert watched.watchlist == "maritime-ph" and watched.target_caption == "Ligaya Reyes"
    assert {a.record_caption for g in page.groups for a in g.alerts} >= {"Иван Петров"}
    second = node.matching.alert_groups(team.analyst, offset=1, limit=1)
    assert [g.record_id for g in second.groups] == [page.groups[1].record_id]
    assert second.total == 4


def test_alerts_are_filtered_by_state_and_watchlist(node: Node, team: Team) -> None:
    made = _cluster(node, team)
    page = node.matching.alert_groups(team.analyst, watchlist="maritime-ph")
    assert [g.record_id for g in page.groups] == [made["Ligaya"]]
    assert page.watchlists == ("maritime-ph",)
    listed = node.matching.alerts(team.analyst, watchlist="maritime-ph")
    assert [a.target_kind for a in listed] == ["watchlist"]
    (alert,) = listed
    node.matching.decide(team.analyst, alert.id, "reject", "another woman")
    assert node.matching.alert_groups(team.analyst, "open", watchlist="maritime-ph").total == 0
    rejected = node.matching.alert_groups(team.analyst, "rejected")
    assert [a.id for g in rejected.groups for a in g.alerts] == [alert.id]
    with pytest.raises(InvalidInput) as caught:
        node.matching.alert_groups(team.analyst, watchlist="no-such-list")
    assert caught.value.field == "watchlist"
    with pytest.raises(InvalidInput) as caught:
        node.matching.alerts(team.analyst, partner="nowhere")
    assert caught.value.field == "partner"
    with pytest.raises(InvalidInput):
        node.matching.alert_groups(team.analyst, "maybe")


def test_bulk_decisions_are_audited_one_by_one(node: Node, team: Team) -> None:
    _cluster(node, team)
    (both,) = [g for g in node.matching.alert_groups(team.analyst).groups if g.count == 2]
    chosen = [a.id for a in both.alerts]
    node.matching.decide(team.supervisor, chosen[1], "reject", "a colleague was faster")
    done = node.matching.decide_all(team.analyst, [*chosen, chosen[0]], "confirm", "same woman")
    assert [i for i, _ in done] == chosen  # each once
    confirmed, refused = done[0][1], done[1][1]
    assert isinstance(confirmed, Alert) and confirmed.status == "confirmed"
    assert isinstance(refused, Conflict)
    with node.ctx.engine.connect() as conn:
        entries = conn.execute(
            sa.select(audit_log.c.object, audit_log.c.detail).where(
                audit_log.c.action == "alert.decide", audit_log.c.actor.endswith(":analyst")
            )
        ).all()
    assert [e.object for e in entries] == [f"alert:{chosen[0]}"]
    assert "same woman" in entries[0].detail
    with pytest.raises(InvalidInput):
        node.matching.decide_all(team.analyst, [], "confirm")
    with pytest.raises(InvalidInput):
        node.matching.decide_all(team.analyst, chosen, "shrug")


def test_a_user_sees_no_alert_on_a_record_beyond_clearance(node: Node, team: Team) -> None:
    secret = {"markings": {"classification": "SECRET"}}
    node.records.create(team.analyst, person("Ivan Petrov", birthDate=["1970-02-03"]), secret)
    node.records.create(team.analyst, person("Иван Петров", birthDate=["1970-02-03"]), {})
    node.matching.process_all()
    assert node.matching.alert_groups(team.analyst).total == 1
    assert node.matching.alert_groups(team.junior).total == 0
    assert node.matching.alerts(team.junior) == []
