"""The payload of Liaison's property extension: a record's envelope and entity.

:func:`payload` writes what a record carries beyond STIX's own fields;
:func:`envelope_of` reads it back into the envelope dict that
``liaison.model.envelope.Envelope.from_dict`` accepts. TLP and PAP are not in the
payload: the object's ``object_marking_refs`` carry them (the standard marking
definitions), and the payload only says when the TLP was the safe default.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from liaison.model.markings import PAP, TLP
from liaison.model.records import Record
from liaison.stix.markings import EXTENSION_ID

PROPERTY_EXTENSION = "property-extension"
NEW_SDO = "new-sdo"


def payload(record: Record, recipients: Sequence[str] = ()) -> dict[str, Any]:
    """The extension's properties for one record (empty values left out)."""
    envelope = record.envelope.to_dict()
    markings = envelope.pop("markings")
    envelope.pop("originator")
    data: dict[str, Any] = {
        "record_id": record.record_id,
        "version": record.version,
        "originator": record.envelope.originator,
        "entity_id": record.entity_id,
        "schema": record.schema,
        "properties": {k: list(v) for k, v in sorted(record.properties.items()) if v},
        "deleted": record.deleted or None,
        "reason": record.reason,
        "classification": markings["classification"],
        "tlp_default": True if markings["tlp"] is None else None,
        "handling": markings["handling"],
        "h3_text": markings["h3_text"],
        "recipients": sorted(set(recipients)) if record.envelope.markings.tlp is TLP.RED else None,
        **envelope,
    }
    return {k: v for k, v in data.items() if v not in (None, [], {})}


def attach(obj: dict[str, Any], data: Mapping[str, Any], kind: str = PROPERTY_EXTENSION) -> None:
    """Put the payload on a STIX object: inside ``extensions`` as a property
    extension, or (for Liaison's own object type) at the top level beside the
    ``new-sdo`` marker, as STIX 2.1 section 7.3 has it."""
    if kind == NEW_SDO:
        obj.update(data)
        obj["extensions"] = {EXTENSION_ID: {"extension_type": NEW_SDO}}
    else:
        obj["extensions"] = {EXTENSION_ID: {"extension_type": PROPERTY_EXTENSION, **data}}


def read(obj: Mapping[str, Any]) -> dict[str, Any] | None:
    """The payload of a STIX object, wherever it sits; ``None`` when it has none."""
    extensions = obj.get("extensions")
    if not isinstance(extensions, Mapping):
        return None
    entry = extensions.get(EXTENSION_ID)
    if not isinstance(entry, Mapping):
        return None
    if entry.get("extension_type") == NEW_SDO:
        return {k: v for k, v in obj.items() if k != "extensions"}
    return {k: v for k, v in entry.items() if k != "extension_type"}


def envelope_of(data: Mapping[str, Any], tlp: TLP | None, pap: PAP | None) -> dict[str, Any]:
    """The envelope dict of a payload; TLP and PAP come from the marking refs."""
    markings: dict[str, Any] = {
        "classification": data.get("classification"),
        "tlp": None if data.get("tlp_default") else (tlp.value if tlp else None),
        "pap": pap.value if pap else None,
        "handling": data.get("handling") or [],
        "h3_text": data.get("h3_text"),
    }
    envelope = {
        key: data.get(key)
        for key in (
            "legal_basis",
            "purposes",
            "crime_area",
            "evaluation",
            "subject_category",
            "assertion",
            "review_due",
            "expires",
            "on_expiry",
        )
        if data.get(key) is not None
    }
    return {**envelope, "markings": markings}
