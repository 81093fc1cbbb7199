"""Markings in STIX 2.1: TLP 2.0 and PAP as the standard marking definitions, and
Liaison's own extension definition for what STIX has no field for.

The TLP 2.0 and PAP marking-definition objects are the fixed ones OASIS publishes
in ``oasis-open/cti-stix-common-objects`` (extension definitions
``extension-definition--60a3c5c5-...`` for TLP 2.0 and ``--f8d78575-...`` for
PAP): every consumer recognises them by id, so they are reproduced here byte for
byte, never minted. TLP 1.0 ids (``stix2``'s ``TLP_WHITE`` ... ``TLP_RED``, which
MISP's converter still writes) are read on import, never written.

Everything else of a record's envelope (classification, handling codes H0-H3 and
the H3 text, source evaluation, purposes, legal basis, crime area, data-subject
category, retention dates, originator, record id and version, the FtM entity
itself) travels in the property extension :data:`EXTENSION_ID`, defined by
:func:`extension_definition`.
"""

from __future__ import annotations

import uuid
from typing import Any, Final

from liaison.model.markings import PAP, TLP, Markings

TLP2_EXTENSION: Final = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
PAP_EXTENSION: Final = "extension-definition--f8d78575-edfd-406e-8e84-6162a8450f5b"

#: TLP 2.0 marking definitions (cti-stix-common-objects, objects/marking-definition/)
TLP_IDS: Final[dict[TLP, str]] = {
    TLP.CLEAR: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    TLP.GREEN: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    TLP.AMBER: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    TLP.AMBER_STRICT: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    TLP.RED: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
TLP_CREATED: Final = "2022-10-01T00:00:00.000Z"

#: TLP 1.0 marking definitions (STIX 2.1 specification, section 7.2.1.4): read, never written
TLP1_IDS: Final[dict[str, TLP]] = {
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": TLP.CLEAR,  # TLP:WHITE
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": TLP.GREEN,
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": TLP.AMBER,
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": TLP.RED,
}

#: PAP marking definitions (cti-stix-common-objects, pap-marking-definition-f8d)
PAP_IDS: Final[dict[PAP, str]] = {
    PAP.CLEAR: "marking-definition--ad15a0cd-55b6-4588-a14c-a66105329b92",
    PAP.GREEN: "marking-definition--c43594d1-4b11-4c59-93ab-1c9b14d53ce9",
    PAP.AMBER: "marking-definition--60f8932b-e51e-4458-b265-a2e8be9a80ab",
    PAP.RED: "marking-definition--740d36e5-7714-4c30-961a-3ae632ceee0e",
}
PAP_WHITE: Final = "marking-definition--a3bea94c-b469-41dc-9cfe-d6e7daba7730"  # read as CLEAR
PAP_CREATED: Final[dict[PAP, str]] = {
    PAP.CLEAR: "2022-10-01T00:00:00.000Z",
    PAP.GREEN: "2022-10-09T00:00:00.000Z",
    PAP.AMBER: "2022-10-09T00:00:00.000Z",
    PAP.RED: "2022-10-09T00:00:00.000Z",
}

#: Liaison's extension definition, and the identity that publishes it (the software)
EXTENSION_ID: Final = "extension-definition--fdc9ebb3-fb46-4e21-8227-7603ae40252e"
LIAISON_IDENTITY: Final = "identity--c0aa59bd-2e42-4529-889e-cf3f494693c5"
EXTENSION_CREATED: Final = "2026-12-07T00:00:00.000Z"
EXTENSION_VERSION: Final = "1.0"

#: The namespace of Liaison's deterministic STIX ids (uuid5 over node id and record id)
NAMESPACE: Final = uuid.UUID("296de8a0-f3ba-47dd-bf81-b229449d5360")

#: The properties the extension may carry (docs/interop.md lists what each means)
EXTENSION_PROPERTIES: Final = (
    "record_id",
    "version",
    "originator",
    "entity_id",
    "schema",
    "properties",
    "deleted",
    "reason",
    "legal_basis",
    "purposes",
    "crime_area",
    "classification",
    "tlp_default",
    "handling",
    "h3_text",
    "evaluation",
    "subject_category",
    "assertion",
    "review_due",
    "expires",
    "on_expiry",
    "recipients",
    "derived_from",
    "node_id",
)

_SCHEMA_TEXT = (
    "Liaison record extension, version 1.0. A property extension on every STIX object "
    "that carries a Liaison record (and a new-sdo type, x-liaison-entity, for records "
    "whose FollowTheMoney schema has no STIX object). Properties: record_id, version, "
    "originator (node id), entity_id, schema and properties (the FollowTheMoney entity, "
    "as a list of {property, values}), deleted and reason (a tombstone), legal_basis, "
    "purposes, crime_area, classification (UNCLASSIFIED..TOP_SECRET), tlp_default (true "
    "when the record had no TLP and the marking is the safe default AMBER+STRICT), "
    "handling (Europol handling codes H0-H3) and h3_text, evaluation ({scheme: admiralty "
    "or europol, source, information}), subject_category, assertion (fact or "
    "assessment), review_due and expires (dates), on_expiry, recipients (node ids a "
    "TLP:RED object is meant for); derived_from (ids of the records an observable or "
    "relationship was derived from) and node_id (an originator agency's identity). "
    "See docs/interop.md, section STIX 2.1."
)


def tlp_definition(tlp: TLP) -> dict[str, Any]:
    """The OASIS TLP 2.0 marking-definition object for a label."""
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": TLP_IDS[tlp],
        "created": TLP_CREATED,
        "name": f"TLP:{tlp.value}",
        "extensions": {
            TLP2_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": tlp.value.lower()}
        },
    }


def pap_definition(pap: PAP) -> dict[str, Any]:
    """The OASIS PAP marking-definition object for a label."""
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": PAP_IDS[pap],
        "created": PAP_CREATED[pap],
        "name": f"PAP:{pap.value}",
        "extensions": {
            PAP_EXTENSION: {"extension_type": "property-extension", "pap": pap.value.lower()}
        },
    }


def liaison_identity() -> dict[str, Any]:
    """The identity of the software that publishes the extension definition."""
    return {
        "type": "identity",
        "spec_version": "2.1",
        "id": LIAISON_IDENTITY,
        "created": EXTENSION_CREATED,
        "modified": EXTENSION_CREATED,
        "name": "Liaison",
        "identity_class": "system",
        "description": "Liaison, the database-sharing system for partner police agencies",
        "object_marking_refs": [TLP_IDS[TLP.CLEAR]],
    }


def extension_definition() -> dict[str, Any]:
    """Liaison's extension definition: what a record carries beyond STIX's own fields."""
    return {
        "type": "extension-definition",
        "spec_version": "2.1",
        "id": EXTENSION_ID,
        "created_by_ref": LIAISON_IDENTITY,
        "created": EXTENSION_CREATED,
        "modified": EXTENSION_CREATED,
        "name": "Liaison record",
        "description": (
            "The envelope of a Liaison record (markings beyond TLP and PAP, source "
            "evaluation, legal basis, purposes, retention, originator, version) and its "
            "FollowTheMoney entity, so that nothing STIX has no field for is lost."
        ),
        "schema": _SCHEMA_TEXT,
        "version": EXTENSION_VERSION,
        "extension_types": ["property-extension", "new-sdo"],
        "object_marking_refs": [TLP_IDS[TLP.CLEAR]],
    }


def marking_refs(markings: Markings) -> list[str]:
    """The standard marking refs of a record: its effective TLP (the safe default
    AMBER+STRICT when it has none) and its PAP when it has one."""
    effective = markings.effective()
    assert effective.tlp is not None  # effective() always fills it
    refs = [TLP_IDS[effective.tlp]]
    if effective.pap is not None:
        refs.append(PAP_IDS[effective.pap])
    return refs


def definitions_for(refs: set[str]) -> list[dict[str, Any]]:
    """The marking-definition objects of these refs, in a stable order."""
    out = [tlp_definition(t) for t in TLP if TLP_IDS[t] in refs]
    return out + [pap_definition(p) for p in PAP if PAP_IDS[p] in refs]


TLP_BY_ID: Final[dict[str, TLP]] = {**{v: k for k, v in TLP_IDS.items()}, **TLP1_IDS}
PAP_BY_ID: Final[dict[str, PAP]] = {**{v: k for k, v in PAP_IDS.items()}, PAP_WHITE: PAP.CLEAR}
