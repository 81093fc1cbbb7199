"""Bundles read back: the round trip, foreign objects, and every kind of bad input."""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest
import stix2

from liaison.errors import InvalidInput
from liaison.model.envelope import Envelope
from liaison.model.markings import TLP
from liaison.stix import TLP_IDS, bundle, to_objects
from liaison.stix.imports import read_bundle
from tests.stix.sample import NAMES, NODE, partner_record, records


def _reasons(problems: Any) -> dict[str, str]:
    return {p.stix_id: p.reason for p in problems}


def test_round_trip_gives_the_same_entities_and_envelopes() -> None:
    made = [*records(), partner_record()]
    data = orjson.dumps(bundle(to_objects(made, NAMES)))
    parsed = read_bundle(data, recipients=[NODE])
    assert parsed.report.refused == ()
    items = {i.entity["id"]: i for i in parsed.items}
    live = [r for r in made if not r.deleted]
    assert set(items) == {r.entity_id for r in made}
    for record in live:
        item = items[record.entity_id]
        assert item.entity == record.entity
        envelope = Envelope.from_dict(item.envelope, originator=record.envelope.originator)
        assert envelope == record.envelope, record.entity_id
        assert item.record_id == record.record_id and item.originator == record.envelope.originator
    gone = next(r for r in made if r.deleted)
    assert items[gone.entity_id].revoked


def test_round_trip_through_stix2() -> None:
    """What the OASIS library re-serialises reads back the same."""
    made = records(40)
    parsed_by_stix2 = stix2.parse(bundle(to_objects(made, NAMES)), allow_custom=True)
    again = read_bundle(parsed_by_stix2.serialize(), recipients=[NODE])
    items = {i.entity["id"]: i.entity for i in again.items}
    assert all(items[r.entity_id] == r.entity for r in made if not r.deleted)


def test_everything_is_counted() -> None:
    objects = to_objects(records(30), NAMES)
    parsed = read_bundle(bundle(objects), recipients=[NODE])
    report = parsed.report
    assert report.objects == len(objects) == sum(report.counts.values())
    assert len(parsed.items) + len(report.skipped) + len(report.refused) == len(objects)


def _obj(kind: str, n: int, **extra: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "spec_version": "2.1",
        "id": f"{kind}--00000000-0000-4000-8000-{n:012d}",
        "created": "2026-12-01T00:00:00.000Z",
        "modified": "2026-12-01T00:00:00.000Z",
        **extra,
    }


GREEN = TLP_IDS[TLP.GREEN]


def test_foreign_objects_are_mapped() -> None:
    person = _obj("identity", 1, name="Fictitious Foreign", identity_class="individual")
    person["object_marking_refs"] = [GREEN]
    group = _obj("threat-actor", 2, name="Fictitious Gang", aliases=["FG"])
    place = _obj("location", 3, name="Fictitious Port", country="PH", city="Cebu")
    link = _obj(
        "relationship",
        4,
        relationship_type="member-of",
        source_ref=person["id"],
        target_ref=group["id"],
    )
    mail = {
        "type": "email-addr",
        "spec_version": "2.1",
        "id": "email-addr--" + "1" * 8 + "-1111-4111-8111-" + "1" * 12,
        "value": "x@example.org",
    }
    parsed = read_bundle(bundle([person, group, place, link, mail]))
    assert parsed.report.refused == () and parsed.report.skipped == ()
    by_id = {i.stix_id: i for i in parsed.items}
    assert by_id[person["id"]].entity["schema"] == "Person"
    assert by_id[person["id"]].envelope == {"markings": {"tlp": "GREEN"}}
    assert by_id[group["id"]].entity["properties"]["alias"] == ["FG"]
    assert by_id[place["id"]].entity["properties"]["country"] == ["ph"]
    assert by_id[link["id"]].entity["schema"] == "UnknownLink"
    assert by_id[link["id"]].entity["properties"]["subject"] == [person["id"]]
    assert by_id[mail["id"]].entity["properties"]["email"] == ["x@example.org"]


def test_bad_objects_are_skipped_or_refused_with_reasons() -> None:
    person = _obj("identity", 1, name="Fictitious Foreign", identity_class="individual")
    unknown = _obj("x-unheard-of", 2)
    indicator = _obj("indicator", 3, pattern="[url:value = 'x']", pattern_type="stix")
    broken = _obj(
        "relationship",
        4,
        relationship_type="related-to",
        source_ref=person["id"],
        target_ref=unknown["id"],
    )
    bad_mark = _obj("identity", 5, name="Marked Oddly", identity_class="individual")
    bad_mark["object_marking_refs"] = ["marking-definition--00000000-0000-4000-8000-000000000099"]
    fake_tlp = {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": "marking-definition--00000000-0000-4000-8000-000000000098",
        "created": "2026-12-01T00:00:00.000Z",
        "name": "TLP:GREEN",
        "extensions": {
            "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {
                "extension_type": "property-extension",
                "tlp_2_0": "green",
            }
        },
    }
    fake_marked = _obj("identity", 6, name="Fake Green", identity_class="individual")
    fake_marked["object_marking_refs"] = [fake_tlp["id"]]
    red = _obj("identity", 7, name="Red Person", identity_class="individual")
    red["object_marking_refs"] = [TLP_IDS[TLP.RED]]
    huge = _obj("identity", 8, name="x" * 5000, identity_class="individual")
    duplicate = copy.deepcopy(person)
    invalid = _obj("location", 9, name="Nowhere", country="Atlantis")
    objects = [person, unknown, indicator, broken, bad_mark, fake_tlp, fake_marked, red, huge]
    parsed = read_bundle(bundle([*objects, duplicate, invalid]), max_object_bytes=4000)
    skipped, refused = _reasons(parsed.report.skipped), _reasons(parsed.report.refused)
    assert "unknown object type" in skipped[unknown["id"]]
    assert "no FollowTheMoney equivalent" in skipped[indicator["id"]]
    assert "broken reference" in skipped[broken["id"]]
    assert "duplicate" in skipped[person["id"]]
    assert "unknown marking" in refused[bad_mark["id"]]
    assert "malformed TLP" in refused[fake_tlp["id"]]
    assert "malformed TLP" in refused[fake_marked["id"]]
    assert "TLP:RED" in refused[red["id"]]
    assert "oversized" in refused[huge["id"]]
    assert "country" in refused[invalid["id"]]
    assert [i.stix_id for i in parsed.items] == [person["id"]]


def test_red_is_accepted_by_a_named_recipient() -> None:
    red = _obj("identity", 7, name="Red Person", identity_class="individual")
    red["object_marking_refs"] = [TLP_IDS[TLP.RED]]
    wallet = [
        o for o in to_objects(records(), NAMES, ["node-x"]) if o.get("schema") == "CryptoWallet"
    ]
    assert read_bundle(bundle(wallet), recipients=["node-x"]).items
    assert not read_bundle(bundle(wallet), recipients=["node-y"]).items
    assert not read_bundle(bundle([red]), recipients=["node-x"]).items


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (b"{not json", "bundle"),
        (b"[1, 2]", "bundle"),
        (b'{"type": "report"}', "bundle.type"),
        (b'{"type": "bundle", "objects": {}}', "bundle.objects"),
        (b'{"type": "bundle", "objects": [1, 2, 3]}', "bundle.objects"),
        (b"x" * 2000, "bundle"),
    ],
)
def test_a_bundle_that_is_not_one_is_invalid_input(data: bytes, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        read_bundle(data, max_objects=2, max_bundle_bytes=1000)
    assert caught.value.field == field


ODD_VALUES = [None, 5, "x", [1, [2]], {"a": {}}, 2**70, True, 1.5]


@pytest.mark.parametrize("value", ODD_VALUES)
def test_odd_values_anywhere_are_reported_never_raised(value: Any) -> None:
    """Whatever an object holds, the reader reports it: no exception but InvalidInput."""
    made = to_objects(records(12), NAMES)
    for key in (
        "object_marking_refs",
        "granular_markings",
        "created_by_ref",
        "source_ref",
        "object_refs",
        "modified",
        "extensions",
        "revoked",
        "name",
        "country",
    ):
        objects = copy.deepcopy(made)
        for obj in objects:
            obj[key] = value
            for ext in (
                (obj.get("extensions") or {}).values()
                if isinstance(obj.get("extensions"), dict)
                else ()
            ):
                if isinstance(ext, dict):
                    for field in (
                        "properties",
                        "recipients",
                        "derived_from",
                        "entity_id",
                        "handling",
                    ):
                        ext[field] = value
        parsed = read_bundle(bundle(objects), recipients=[NODE])
        assert parsed.report.objects == len(objects)


@pytest.mark.parametrize(
    ("definition", "level"),
    [
        (stix2.TLP_WHITE, "CLEAR"),
        (stix2.TLP_GREEN, "GREEN"),
        (stix2.TLP_AMBER, "AMBER"),
        (stix2.TLP_RED, "RED"),
    ],
)
def test_tlp_1_0_definitions_as_stix2_writes_them(definition: Any, level: str) -> None:
    """What MISP's converter and the stix2 library send: the TLP 1.0 marking
    definition in the bundle with the objects it marks (named "TLP:AMBER" too)."""
    marking = orjson.loads(definition.serialize())
    person = _obj("identity", 9, name="Fictitious Tagged", identity_class="individual")
    person["object_marking_refs"] = [marking["id"]]
    parsed = read_bundle(bundle([marking, person]))
    if level == "RED":  # read as RED: refused for naming no recipient, not as malformed
        assert [p.reason for p in parsed.report.refused] == [
            "TLP:RED offered without a recipient this node is part of"
        ]
        return
    assert parsed.report.refused == (), parsed.report.refused
    (item,) = parsed.items
    assert item.envelope["markings"]["tlp"] == level


def test_misps_admiralty_tags_become_the_evaluation() -> None:
    tagged = _obj("identity", 11, name="Fictitious Graded", identity_class="individual")
    tagged["labels"] = [
        'admiralty-scale:source-reliability="b"',
        'admiralty-scale:information-credibility="2"',
        "tlp:amber",
    ]
    half = _obj("identity", 12, name="Fictitious Half", identity_class="individual")
    half["labels"] = ['admiralty-scale:source-reliability="a"']
    parsed = read_bundle(bundle([tagged, half]))
    by_id = {i.stix_id: i for i in parsed.items}
    assert by_id[tagged["id"]].envelope["evaluation"] == {
        "scheme": "admiralty",
        "source": "B",
        "information": "2",
    }
    assert "evaluation" not in by_id[half["id"]].envelope  # half a grade is no grade
