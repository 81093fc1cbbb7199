"""Which STIX object a record becomes, and the names of relationship types.

Decided from the record's schema and envelope (and, for links and notes, whether
the entities they point at are in the same export), never from a guess at the
content, so that every version of a record, its tombstone included, keeps one
STIX type and therefore one STIX id.
"""

from __future__ import annotations

from functools import cache
from typing import Final

from followthemoney import model
from followthemoney.schema import Schema

from liaison.model.records import Record
from liaison.model.vocab import CrimeArea

IDENTITY: Final = "identity"
THREAT_ACTOR: Final = "threat-actor"
INTRUSION_SET: Final = "intrusion-set"
LOCATION: Final = "location"
USER_ACCOUNT: Final = "user-account"
FILE: Final = "file"
NOTE: Final = "note"
RELATIONSHIP: Final = "relationship"
ENTITY: Final = "x-liaison-entity"  # Liaison's new-sdo for schemata STIX has no object for

#: STIX types whose objects have no created/modified/revoked (cyber-observables)
OBSERVABLES: Final = frozenset({USER_ACCOUNT, FILE, "email-addr", "url", "domain-name"})


def schema_of(record: Record) -> Schema:
    schema = model.get(record.schema)
    assert schema is not None  # a stored record's schema was checked when it was written
    return schema


def kind_of(record: Record, ends_known: bool = True) -> str:
    """The STIX type of a record's object. ``ends_known``: whether a link's two ends
    (or a note's entity) are in the same export; a link whose ends are not is
    exported as Liaison's own object type, so that no reference dangles."""
    schema = schema_of(record)
    if schema.is_a("Person"):
        return IDENTITY
    if schema.name == "Organization" and record.envelope.crime_area is not None:
        return INTRUSION_SET if record.envelope.crime_area is CrimeArea.CYBERCRIME else THREAT_ACTOR
    if schema.is_a("LegalEntity"):
        return IDENTITY
    if schema.is_a("Address"):
        return LOCATION
    if schema.is_a("UserAccount"):
        return USER_ACCOUNT
    if schema.is_a("Document"):
        return FILE
    if schema.is_a("Note"):
        return NOTE
    if schema.edge and schema.edge_source and schema.edge_target and ends_known:
        return RELATIONSHIP
    return ENTITY


def relationship_type(schema: Schema) -> str:
    """A link schema's STIX relationship type: its FtM edge label, hyphenated
    (Associate: associated-with, Membership: belongs-to, Ownership: owns...)."""
    label = schema.edge_label or "related to"
    return "-".join(label.lower().split())


@cache
def link_schemata() -> dict[str, Schema]:
    """Relationship type to the FtM link schema that writes it."""
    found: dict[str, Schema] = {}
    for schema in model.schemata.values():
        if schema.edge and not schema.abstract and schema.edge_source and schema.edge_target:
            found.setdefault(relationship_type(schema), schema)
    return found
