"""Records as STIX objects: ids, types, markings and the extension."""

from __future__ import annotations

import collections

import stix2

from liaison.model.markings import PAP, TLP
from liaison.node.builder import RecordBuilder
from liaison.stix import EXTENSION_ID, TLP_IDS, bundle, to_objects
from liaison.stix.export import primary_id
from liaison.stix.markings import PAP_IDS, TLP_BY_ID
from tests.stix.sample import ACTOR, NAMES, NODE, clock, partner_record, records


def _by_entity(objects: list[dict]) -> dict[str, dict]:
    found = {}
    for obj in objects:
        ext = obj.get("extensions", {}).get(EXTENSION_ID, {})
        data = obj if ext.get("extension_type") == "new-sdo" else ext
        if "entity_id" in data:
            found[data["entity_id"]] = obj
    return found


def test_every_object_once_and_every_record_carried() -> None:
    made = records()
    objects = to_objects(made, NAMES)
    ids = [o["id"] for o in objects]
    assert len(ids) == len(set(ids))
    assert set(_by_entity(objects)) == {r.entity_id for r in made}


def test_every_object_is_marked_with_one_tlp() -> None:
    objects = to_objects([*records(), partner_record()], NAMES)
    for obj in objects:
        if obj["type"] == "marking-definition":
            continue
        tlps = [r for r in obj["object_marking_refs"] if r in TLP_BY_ID]
        assert len(tlps) == 1, obj["id"]
    referenced = {r for o in objects for r in o.get("object_marking_refs", ())}
    defined = {o["id"] for o in objects if o["type"] == "marking-definition"}
    assert referenced <= defined


def test_unmarked_record_gets_the_safe_default_and_says_so() -> None:
    objects = _by_entity(to_objects(records(), NAMES))
    unmarked = objects["unmarked-1"]
    assert unmarked["object_marking_refs"] == [TLP_IDS[TLP.AMBER_STRICT]]
    ext = unmarked["extensions"][EXTENSION_ID]
    assert ext["tlp_default"] is True
    assert ext["properties"]["phone"] == ["+639171234567"]  # STIX has no phone object


def test_handling_pap_and_evaluation_travel() -> None:
    group = _by_entity(to_objects(records(), NAMES))["group-1"]
    assert group["type"] == "threat-actor"
    assert group["threat_actor_types"] == ["terrorist"]
    assert group["object_marking_refs"] == [TLP_IDS[TLP.AMBER], PAP_IDS[PAP.GREEN]]
    ext = group["extensions"][EXTENSION_ID]
    assert ext["handling"] == ["H3"] and ext["h3_text"] == "no court"
    assert ext["evaluation"] == {"scheme": "europol", "source": "B", "information": "2"}
    assert ext["crime_area"] == "terrorism"


def test_types_by_schema() -> None:
    objects = _by_entity(to_objects(records(), NAMES))
    kinds = {entity: obj["type"] for entity, obj in objects.items()}
    assert kinds["cyber-1"] == "intrusion-set"
    assert kinds["address-1"] == "location"
    assert kinds["account-1"] == "user-account"
    assert kinds["document-1"] == "file"
    assert kinds["note-1"] == "note"
    assert kinds["wallet-1"] == "x-liaison-entity"  # no OASIS cryptocurrency wallet
    assert kinds["membership-1"] == "relationship"
    assert kinds["link-out-1"] == "x-liaison-entity"  # one end not in the export
    assert kinds["demo-person-1"] == "identity"
    membership = objects["membership-1"]
    assert membership["relationship_type"] == "belongs-to"
    assert membership["source_ref"] == objects["demo-person-1"]["id"]
    assert membership["target_ref"] == objects["group-1"]["id"]
    assert objects["note-1"]["object_refs"] == [objects["demo-person-1"]["id"]]


def test_observables_have_the_ids_stix_prescribes() -> None:
    objects = to_objects(records(), NAMES)
    email = next(o for o in objects if o["type"] == "email-addr")
    assert email["id"] == stix2.EmailAddress(value=email["value"]).id
    url = next(o for o in objects if o["type"] == "url")
    assert url["id"] == stix2.URL(value=url["value"]).id
    domain = next(o for o in objects if o["type"] == "domain-name")
    assert domain["value"] == "fbsi.example.org"


def test_id_stable_across_versions_and_tombstone_revoked() -> None:
    builder = RecordBuilder(NODE, 3, clock())
    entity = {"id": "p-9", "schema": "Person", "properties": {"name": ["Fictitious Nine"]}}
    first, _ = builder.build(ACTOR, entity, {"markings": {"tlp": "GREEN"}})
    changed = {**entity, "properties": {"name": ["Fictitious Nine"], "gender": ["male"]}}
    second, _ = builder.build(ACTOR, changed, {}, first)
    gone = second.tombstone("fictitious", ACTOR.label, second.modified)
    objs = [_by_entity(to_objects([r], NAMES))["p-9"] for r in (first, second, gone)]
    assert len({o["id"] for o in objs}) == 1
    assert objs[0]["modified"] < objs[1]["modified"]
    assert "revoked" not in objs[1] and objs[2]["revoked"] is True
    assert objs[2]["extensions"][EXTENSION_ID]["deleted"] is True
    assert primary_id(first) == objs[0]["id"]


def test_red_records_name_their_recipients() -> None:
    wallet = _by_entity(to_objects(records(), NAMES, recipients=["node-x"]))["wallet-1"]
    assert wallet["object_marking_refs"] == [TLP_IDS[TLP.RED]]
    assert wallet["recipients"] == ["node-x"]  # new-sdo: the payload is top level


def test_originators_are_identities_with_agency_names() -> None:
    objects = to_objects([*records(), partner_record()], NAMES)
    agencies = [o for o in objects if "node_id" in o.get("extensions", {}).get(EXTENSION_ID, {})]
    assert sorted(o["name"] for o in agencies) == sorted(NAMES.values())
    counts = collections.Counter(o["type"] for o in objects)
    assert counts["extension-definition"] == 1


def test_bundle_shape() -> None:
    made = bundle(to_objects(records(10), NAMES))
    assert made["type"] == "bundle" and made["id"].startswith("bundle--")
    assert "spec_version" not in made  # STIX 2.1 bundles have none


def test_a_report_groups_the_records_of_an_export() -> None:
    import datetime as dt

    from stix2validator import ValidationOptions, validate_instance

    from liaison.stix.export import report

    made = records(20)
    objects = to_objects(made, NAMES)
    grouping = report(objects, "Records exported", dt.datetime(2026, 12, 7, tzinfo=dt.UTC), NODE)
    assert len(grouping["object_refs"]) == len(made)
    assert grouping["object_marking_refs"][0] == TLP_IDS[TLP.RED]  # the tightest of them
    result = validate_instance(bundle([*objects, grouping]), ValidationOptions(version="2.1"))
    assert result.is_valid and result.errors == []
