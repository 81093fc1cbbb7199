"""STIX bundles in and out of a real node (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson
import pytest
from stix2validator import ValidationOptions, validate_instance

from liaison.demo.generate import Generator
from liaison.errors import Forbidden, ImportRejected
from liaison.model.grading import Evaluation
from liaison.model.markings import TLP, Markings
from liaison.node import Node
from liaison.node.sources import Item as Line
from liaison.stix import TLP_IDS
from liaison.storage.records import RecordFilter
from tests.conftest import Team


def _load(node: Node, team: Team, count: int = 60) -> list[dict[str, Any]]:
    generator = Generator(11)
    entities = [{**e, "envelope": generator.envelope()} for e in generator.entities(count)]

    def items() -> Iterable[Line]:
        return enumerate(entities, 1)

    node.transfer.import_items(team.analyst, items)
    return entities


def _obj(kind: str, n: int, **extra: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "spec_version": "2.1",
        "id": f"{kind}--00000000-0000-4000-8000-{n:012d}",
        "created": "2026-12-01T00:00:00.000Z",
        "modified": "2026-12-01T00:00:00.000Z",
        **extra,
    }


def _bundle(*objects: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "bundle",
        "id": "bundle--00000000-0000-4000-8000-000000000000",
        "objects": list(objects),
    }


def test_export_is_valid_stix_and_audited(node: Node, team: Team) -> None:
    entities = _load(node, team)
    export = node.stix.export_bundle(team.analyst, RecordFilter())
    result = validate_instance(export.bundle, ValidationOptions(version="2.1"))
    assert result.errors == [] and result.is_valid
    assert export.report.exported == len(entities) and export.report.complete
    entries = node.audit.entries(team.auditor, limit=50, action="record.export")
    assert any(e.object == "stix" and e.detail.get("count") == len(entities) for e in entries)


def test_export_refused_to_a_role_without_it(node: Node, team: Team) -> None:
    with pytest.raises(Forbidden):
        node.stix.export_bundle(team.admin, RecordFilter())


def test_own_export_reimported_changes_nothing(node: Node, team: Team) -> None:
    entities = _load(node, team)
    export = node.stix.export_bundle(team.analyst, RecordFilter())
    report = node.stix.import_bundle(team.analyst, orjson.dumps(export.bundle), "file:own.json")
    assert report.refused == ()
    assert (report.created, report.updated, report.unchanged) == (0, 0, len(entities))


def test_foreign_bundle_imported_once_then_unchanged(node: Node, team: Team) -> None:
    person = _obj("identity", 1, name="Fictitious Foreign", identity_class="individual")
    group = _obj("threat-actor", 2, name="Fictitious Gang")
    group["object_marking_refs"] = [TLP_IDS[TLP.GREEN]]
    link = _obj(
        "relationship",
        3,
        relationship_type="member-of",
        source_ref=person["id"],
        target_ref=group["id"],
    )
    dangling = _obj(
        "relationship",
        4,
        relationship_type="related-to",
        source_ref=person["id"],
        target_ref="identity--00000000-0000-4000-8000-000000000999",
    )
    indicator = _obj("indicator", 5, pattern="[url:value = 'x']", pattern_type="stix")
    red = _obj("identity", 6, name="Red Fictitious", identity_class="individual")
    red["object_marking_refs"] = [TLP_IDS[TLP.RED]]
    data = _bundle(person, group, link, dangling, indicator, red)
    defaults = Markings.from_dict({"tlp": "AMBER", "handling": ["H1"]})
    grade = Evaluation.from_dict({"scheme": "admiralty", "source": "B", "information": "2"})
    report = node.stix.import_bundle(team.analyst, data, "taxii:https://feed/x", defaults, grade)
    assert report.created == 3
    assert set(report.written) == {person["id"], group["id"], link["id"]}
    skipped = {p.stix_id: p.reason for p in report.skipped}
    assert "broken reference" in skipped[dangling["id"]]
    assert "no FollowTheMoney equivalent" in skipped[indicator["id"]]
    assert "TLP:RED" in {p.stix_id: p.reason for p in report.refused}[red["id"]]
    stored = node.records.get(team.analyst, report.written[person["id"]])
    assert stored.envelope.markings.tlp is TLP.AMBER  # the feed's default
    assert stored.envelope.markings.handling == frozenset({"H1"})
    assert stored.envelope.evaluation == grade
    assert (
        node.records.get(team.analyst, report.written[group["id"]]).envelope.markings.tlp
        is TLP.GREEN
    )
    again = node.stix.import_bundle(team.analyst, data, "taxii:https://feed/x", defaults, grade)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    entries = node.audit.entries(team.auditor, limit=50, action="record.import")
    assert any(e.object == "stix:taxii:https://feed/x" and e.detail.get("written") for e in entries)


def test_a_link_to_a_held_entity_is_written(node: Node, team: Team) -> None:
    person = _obj("identity", 1, name="Fictitious Foreign", identity_class="individual")
    node.stix.import_bundle(team.analyst, _bundle(person), "file:a.json")
    org = _obj("identity", 2, name="Fictitious Org", identity_class="organization")
    link = _obj(
        "relationship",
        3,
        relationship_type="related-to",
        source_ref=person["id"],
        target_ref=org["id"],
    )
    report = node.stix.import_bundle(team.analyst, _bundle(org, link), "file:b.json")
    assert report.created == 2 and report.skipped == ()


def test_nothing_is_written_when_one_write_fails(node: Node, team: Team) -> None:
    """All or nothing: the junior may not change a CONFIDENTIAL record, so the new
    person offered with it is not written either."""
    secret = {"id": "kept-1", "schema": "Person", "properties": {"name": ["Fictitious Kept"]}}
    envelope = {"markings": {"classification": "CONFIDENTIAL"}}
    node.transfer.import_items(
        team.analyst, lambda: enumerate([{**secret, "envelope": envelope}], 1)
    )
    export = node.stix.export_bundle(team.analyst, RecordFilter())
    changed = export.bundle
    for obj in changed["objects"]:
        ext = obj.get("extensions", {}).get(
            "extension-definition--fdc9ebb3-fb46-4e21-8227-7603ae40252e", {}
        )
        if ext.get("entity_id") == "kept-1":
            ext["properties"]["name"] = ["Fictitious Kept Changed"]
            ext["classification"] = "RESTRICTED"
    fresh = _obj("identity", 7, name="Fictitious New", identity_class="individual")
    changed["objects"].append(fresh)
    with pytest.raises(ImportRejected):
        node.stix.import_bundle(team.junior, changed, "file:c.json")
    names = [
        i["caption"] for i in node.records.search(team.analyst, RecordFilter(), None, 50).items
    ]
    assert names == ["Fictitious Kept"]


def test_not_a_bundle_is_invalid_input(node: Node, team: Team) -> None:
    from liaison.errors import InvalidInput

    with pytest.raises(InvalidInput) as caught:
        node.stix.import_bundle(team.analyst, b"{nope", "file:bad.json")
    assert caught.value.field == "bundle"


def test_a_partners_bundle_becomes_local_records_with_their_envelopes(
    node: Node, team: Team
) -> None:
    """Another Liaison node's export: its entities and envelopes, TLP:RED only when the
    bundle names this node among its recipients."""
    from liaison.node.builder import RecordBuilder
    from liaison.stix import bundle as make_bundle
    from liaison.stix import to_objects
    from tests.stix.sample import ACTOR, PARTNER, clock

    builder = RecordBuilder(PARTNER, 3, clock())
    green = builder.build(
        ACTOR,
        {"id": "p-1", "schema": "Person", "properties": {"name": ["Фиктивный Иван"]}},
        {"markings": {"tlp": "GREEN", "handling": ["H2"]}, "crime_area": "piracy"},
    )[0]
    red = builder.build(
        ACTOR,
        {"id": "p-2", "schema": "Person", "properties": {"name": ["Фиктивная Анна"]}},
        {"markings": {"tlp": "RED"}},
    )[0]
    names = {PARTNER: "Moscow Fictitious Police"}
    elsewhere = make_bundle(to_objects([green, red], names, recipients=["node-elsewhere"]))
    report = node.stix.import_bundle(team.analyst, elsewhere, "file:moscow.json")
    assert report.created == 1 and len(report.refused) == 1
    stored = node.records.get(team.analyst, report.written[next(iter(report.written))])
    assert stored.envelope.originator == node.ctx.node_id  # a local record now
    assert stored.entity == green.entity
    assert stored.envelope.markings == green.envelope.markings
    assert stored.envelope.crime_area == green.envelope.crime_area
    for_us = make_bundle(to_objects([green, red], names, recipients=[node.ctx.node_id]))
    again = node.stix.import_bundle(team.analyst, for_us, "file:moscow.json")
    assert (again.created, again.unchanged, again.refused) == (1, 1, ())
