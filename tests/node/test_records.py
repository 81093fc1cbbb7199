from __future__ import annotations

import pytest
import sqlalchemy as sa

from liaison.errors import (
    Conflict,
    Forbidden,
    InvalidEntity,
    InvalidInput,
    NotFound,
    ReadOnlyRecord,
)
from liaison.node import Node, Why
from liaison.storage.records import RecordFilter
from liaison.storage.tables import audit_log, record_versions
from tests.conftest import Team, person
from tests.model.test_envelope import FULL


def count(node: Node, table: sa.Table) -> int:
    with node.ctx.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def test_every_envelope_field_round_trips_through_storage(node: Node, team: Team) -> None:
    created = node.records.create(team.analyst, person(), FULL)
    stored = node.records.get(team.analyst, created.record_id)
    assert stored.envelope == created.envelope
    out = stored.envelope.to_dict()
    for key, value in FULL.items():
        expected = sorted(value) if key == "purposes" else value
        assert out[key] == expected, key
    assert out["originator"] == node.ctx.node_id
    assert stored.entity == created.entity
    assert stored.content_hash == created.content_hash
    assert stored.created == created.created


def test_versions_are_kept_and_tombstone_ends_them(node: Node, team: Team) -> None:
    r1 = node.records.create(team.analyst, person("Juan dela Cruz"), {"crime_area": "piracy"})
    r2 = node.records.update(
        team.analyst,
        r1.record_id,
        person("Juan dela Cruz", birthDate=["1979-04-01"]),
        {"crime_area": "piracy"},
        expected_version=1,
    )
    gone = node.records.delete(team.supervisor, r1.record_id, "entered twice", 2)
    history = node.records.history(team.analyst, r1.record_id)
    assert [(r.version, r.deleted) for r in history] == [(1, False), (2, False), (3, True)]
    assert history[0].properties == {"name": ["Juan dela Cruz"]}
    assert history[1].properties["birthDate"] == ["1979-04-01"]
    assert history[2].properties == {} and history[2].reason == "entered twice"
    assert history[2].modified_by == "api:supervisor"
    assert node.records.get(team.analyst, r1.record_id, version=1).properties == r1.properties
    assert r2.created == r1.created
    assert gone.deleted
    with pytest.raises(ReadOnlyRecord):
        node.records.update(team.analyst, r1.record_id, person(), {}, None)


def test_stale_update_is_refused(node: Node, team: Team) -> None:
    record = node.records.create(team.analyst, person(), {})
    node.records.update(team.analyst, record.record_id, person("Другое Имя"), {}, 1)
    with pytest.raises(Conflict, match="version 2"):
        node.records.update(team.analyst, record.record_id, person("Третье Имя"), {}, 1)


def test_failed_write_leaves_nothing_half_written(node: Node, team: Team) -> None:
    record = node.records.create(team.analyst, person(), {})
    before = (count(node, record_versions), count(node, audit_log))
    with pytest.raises(InvalidEntity):
        node.records.update(
            team.analyst,
            record.record_id,
            {"schema": "Person", "properties": {"name": ["X"], "birthDate": ["31.02.1990"]}},
            {},
            None,
        )
    assert (count(node, record_versions), count(node, audit_log)) == before
    assert node.records.get(team.analyst, record.record_id).version == 1


def test_entity_id_and_schema_never_change(node: Node, team: Team) -> None:
    record = node.records.create(team.analyst, {**person(), "id": "p-1"}, {})
    with pytest.raises(InvalidInput, match="schema"):
        node.records.update(
            team.analyst,
            record.record_id,
            {"schema": "Company", "properties": {"name": ["X"]}},
            {},
            None,
        )
    with pytest.raises(InvalidInput, match="entity id"):
        node.records.update(team.analyst, record.record_id, {**person(), "id": "p-2"}, {}, None)
    with pytest.raises(Conflict):
        node.records.create(team.analyst, {**person("Other"), "id": "p-1"}, {})


def test_subject_category_only_for_persons(node: Node, team: Team) -> None:
    with pytest.raises(InvalidInput) as caught:
        node.records.create(
            team.analyst,
            {"schema": "Vessel", "properties": {"name": ["MV X"]}},
            {"subject_category": "suspect"},
        )
    assert caught.value.field == "subject_category"


def test_roles(node: Node, team: Team) -> None:
    record = node.records.create(team.analyst, person(), {})
    assert node.records.get(team.auditor, record.record_id).version == 1
    with pytest.raises(Forbidden, match="auditor"):
        node.records.update(team.auditor, record.record_id, person("Изменено"), {}, None)
    with pytest.raises(Forbidden):
        node.records.create(team.officer, person(), {})
    with pytest.raises(Forbidden):
        node.records.get(team.admin, record.record_id)
    with pytest.raises(Forbidden):
        node.audit.entries(team.analyst)
    denied = [e for e in node.audit.entries(team.auditor, limit=500) if e.result == "denied"]
    assert {e.actor for e in denied} == {"api:auditor", "api:officer", "api:admin", "api:analyst"}


def test_clearance_hides_and_refuses(node: Node, team: Team) -> None:
    secret = node.records.create(
        team.analyst, person("Секретный Человек"), {"markings": {"classification": "SECRET"}}
    )
    node.records.create(team.analyst, person("Open Person"), {})
    with pytest.raises(NotFound):  # above your clearance, a record does not exist for you
        node.records.get(team.junior, secret.record_id)
    denied = node.audit.entries(team.auditor, limit=500, result="denied")
    assert denied[-1].object == secret.record_id and "RESTRICTED" in denied[-1].detail["reason"]
    seen = node.records.search(team.junior, RecordFilter(), None, 50).items
    assert [i["caption"] for i in seen] == ["Open Person"]
    with pytest.raises(Forbidden):
        node.records.create(team.junior, person(), {"markings": {"classification": "TOP_SECRET"}})


def test_list_filters_and_cursor_pagination(node: Node, team: Team) -> None:
    names = [f"Person {i:02d}" for i in range(7)]
    for i, name in enumerate(names):
        envelope = {
            "markings": {"tlp": "RED" if i % 2 else "GREEN"},
            "crime_area": "fraud" if i < 3 else "cybercrime",
        }
        node.records.create(team.analyst, person(name), envelope)
    node.records.create(
        team.analyst, {"schema": "Vessel", "properties": {"name": ["МВ Морской"]}}, {}
    )
    seen, cursor = [], None
    while True:
        page = node.records.search(team.analyst, RecordFilter(schema="Person"), cursor, 3)
        seen += [i["caption"] for i in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == names
    red = node.records.search(team.analyst, RecordFilter(tlp="RED"), None, 50).items
    assert [i["caption"] for i in red] == ["Person 01", "Person 03", "Person 05"]
    fraud = node.records.search(team.analyst, RecordFilter(crime_area="fraud"), None, 50).items
    assert len(fraud) == 3
    text = node.records.search(team.analyst, RecordFilter(text="морск"), None, 50).items
    assert [i["schema"] for i in text] == ["Vessel"]
    pct = node.records.search(team.analyst, RecordFilter(text="%"), None, 50).items
    assert pct == []


def test_deleted_records_listed_only_on_request(node: Node, team: Team) -> None:
    record = node.records.create(team.analyst, person(), {})
    node.records.delete(team.analyst, record.record_id, "wrong person")
    assert node.records.search(team.analyst, RecordFilter(), None, 10).items == []
    listed = node.records.search(team.analyst, RecordFilter(include_deleted=True), None, 10).items
    assert listed[0]["deleted"] is True


def test_bad_cursor_and_missing_record(node: Node, team: Team) -> None:
    with pytest.raises(InvalidInput) as caught:
        node.records.search(team.analyst, RecordFilter(), "bm90LWEtY3Vyc29y", 10)
    assert caught.value.field == "cursor"
    with pytest.raises(NotFound):
        node.records.get(team.analyst, "rec-missing")
    with pytest.raises(InvalidInput, match="reason"):
        node.records.delete(team.analyst, "rec-missing", " ")


def test_every_action_is_audited_with_purpose(node: Node, team: Team) -> None:
    why = Why("operational_analysis", "case 2026/17, fictitious")
    record = node.records.create(team.analyst, person(), {}, why)
    node.records.get(team.analyst, record.record_id, None, why)
    node.records.search(team.analyst, RecordFilter(text="иван"), None, 5, why)
    node.records.update(team.analyst, record.record_id, person("Пётр"), {}, None, why)
    node.records.history(team.analyst, record.record_id, why)
    node.records.delete(team.analyst, record.record_id, "duplicate", None, why)
    entries = [e for e in node.audit.entries(team.auditor, limit=500) if e.actor == "api:analyst"]
    assert [e.action for e in entries] == [
        "record.create",
        "record.read",
        "record.search",
        "record.update",
        "record.history",
        "record.delete",
    ]
    assert all(e.purpose == "operational_analysis" for e in entries)
    assert all(e.justification == "case 2026/17, fictitious" for e in entries)
    assert node.audit.verify(team.auditor).ok


def test_update_without_envelope_keeps_markings(node: Node, team: Team) -> None:
    record = node.records.create(team.analyst, person(), FULL)
    updated = node.records.update(team.analyst, record.record_id, person("Пётр"), None, 1)
    assert updated.envelope.markings == record.envelope.markings
    assert updated.envelope.to_dict() == record.envelope.to_dict()
    lowered = node.records.update(
        team.analyst, record.record_id, person("Пётр"), {"markings": {"tlp": "GREEN"}}, 2
    )
    assert (
        lowered.envelope.markings.tlp is not None and lowered.envelope.markings.tlp.value == "GREEN"
    )
    assert lowered.envelope.crime_area == record.envelope.crime_area


def test_old_version_is_as_secret_as_the_record(node: Node, team: Team) -> None:
    record = node.records.create(team.analyst, person(), {})
    node.records.update(
        team.analyst, record.record_id, person(), {"markings": {"classification": "SECRET"}}, 1
    )
    assert node.records.get(team.analyst, record.record_id, version=1).version == 1
    with pytest.raises(NotFound):
        node.records.get(team.junior, record.record_id, version=1)


def test_short_expiry_bounds_the_default_review(node: Node, team: Team) -> None:
    record = node.records.create(team.analyst, person(), {"expires": "2027-01-01"})
    assert record.envelope.review_due is not None
    assert record.envelope.review_due.isoformat() <= "2027-01-01"
