"""Every bundle the node writes passes the OASIS STIX validator with no error, and the
OASIS ``stix2`` library reads it back."""

from __future__ import annotations

import datetime as dt

import stix2
from stix2validator import ValidationOptions, validate_instance

from liaison.stix import bundle, to_objects
from liaison.stix.export import report
from tests.stix.sample import NAMES, NODE, partner_record, records


def test_a_realistic_bundle_passes_the_validator() -> None:
    objects = to_objects([*records(), partner_record()], NAMES, recipients=["node-x"])
    objects.append(
        report(objects, "Records exported", dt.datetime(2026, 12, 7, tzinfo=dt.UTC), NODE)
    )
    made = bundle(objects)
    result = validate_instance(made, ValidationOptions(version="2.1"))
    assert result.errors == [] and result.is_valid, result.as_dict()


def test_stix2_reads_it_back() -> None:
    made = bundle(to_objects([*records(), partner_record()], NAMES))
    parsed = stix2.parse(made, allow_custom=True)
    assert len(parsed.objects) == len(made["objects"])
    assert {o["id"] for o in parsed.objects} == {o["id"] for o in made["objects"]}
    # every standard object becomes a stix2 object (its properties checked); Liaison's
    # own object type, unknown to stix2, stays a dict
    left = {o["type"] for o in parsed.objects if isinstance(o, dict)}
    assert left == {"x-liaison-entity"}
