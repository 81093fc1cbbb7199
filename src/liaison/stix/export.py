"""Records as STIX 2.1 objects. Pure: records in, dicts out.

Each record becomes one object (its *primary* object, see ``liaison.stix.kinds``)
that carries the whole record in Liaison's property extension, so that nothing
is lost; observables that STIX has (e-mail addresses, URLs and their domains)
are derived from the entity's properties and linked to it with ``related-to``
relationships, and so are the entities a record points at (a passport's holder,
a vehicle's owner) when they are in the same export. Every object is marked:
TLP 2.0 (the safe default AMBER+STRICT when the record has none) and PAP as the
OASIS marking definitions, the rest of the envelope in the extension. A derived
observable shared by several records is marked with the tightest of their
markings.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from followthemoney import registry

from liaison.model.markings import TLP, Markings, tightest
from liaison.model.records import Record
from liaison.model.vocab import CrimeArea
from liaison.stix import kinds
from liaison.stix.extension import NEW_SDO, PROPERTY_EXTENSION, attach, payload
from liaison.stix.ids import agency_id, derived_id, observable_id, record_id, timestamp
from liaison.stix.markings import (
    EXTENSION_CREATED,
    EXTENSION_ID,
    PAP_BY_ID,
    TLP_BY_ID,
    TLP_IDS,
    definitions_for,
    extension_definition,
    liaison_identity,
    marking_refs,
)


@dataclass
class _Out:
    """The objects of one export as they are built, each once."""

    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    shared: dict[str, list[Markings]] = field(default_factory=dict)  # observable -> markings
    sources: dict[str, list[str]] = field(default_factory=dict)  # observable -> records

    def add(self, obj: dict[str, Any]) -> None:
        self.objects.setdefault(obj["id"], obj)


class _Index:
    """Where each entity of the export is: its record and its STIX id."""

    def __init__(self, records: Sequence[Record]) -> None:
        self.by_key = {(r.envelope.originator, r.entity_id): r for r in records}
        self.by_entity = {r.entity_id: r for r in records}
        self.ids: dict[str, str] = {}
        for record in records:  # links need the ids of the others: two passes
            if not schema_is_link(record):
                self.ids[record.record_id] = primary_id(record, True)
        for record in records:
            if schema_is_link(record):
                self.ids[record.record_id] = primary_id(record, self.ends_known(record))

    def find(self, originator: str, entity_id: str) -> Record | None:
        return self.by_key.get((originator, entity_id)) or self.by_entity.get(entity_id)

    def target(self, originator: str, entity_id: str) -> str | None:
        """The STIX id of an entity in the export (not a link or a tombstone)."""
        found = self.find(originator, entity_id)
        if found is None or found.deleted or schema_is_link(found):
            return None
        return self.ids[found.record_id]

    def ends_known(self, record: Record) -> bool:
        schema = kinds.schema_of(record)
        ends = [record.properties.get(schema.edge_source or "", [])]
        ends.append(record.properties.get(schema.edge_target or "", []))
        originator = record.envelope.originator
        return all(
            len(values) == 1 and self.target(originator, values[0]) is not None for values in ends
        )


def schema_is_link(record: Record) -> bool:
    return bool(kinds.schema_of(record).edge)


def primary_id(record: Record, ends_known: bool = True) -> str:
    """The STIX id of a record's own object."""
    kind = kinds.kind_of(record, ends_known)
    return record_id(kind, record.envelope.originator, record.record_id)


def to_objects(
    records: Sequence[Record], names: Mapping[str, str], recipients: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """Every STIX object the records need, each once: the records' own objects, the
    observables and relationships derived from them, the identities of their
    originating agencies (``names``: node id to agency name), the marking
    definitions they reference and Liaison's extension definition. ``recipients``:
    the node ids a TLP:RED record is meant for, written into its extension (an
    importer refuses TLP:RED content that does not name it)."""
    index = _Index(records)
    out = _Out()
    for record in records:
        _record(out, index, record, recipients)
    _finish_observables(out)
    refs = {ref for obj in out.objects.values() for ref in obj.get("object_marking_refs", ())}
    originators = sorted({r.envelope.originator for r in records})
    head = [*definitions_for(refs | {TLP_IDS[TLP.CLEAR]}), liaison_identity()]
    head += [extension_definition(), *(_agency(n, names.get(n, n)) for n in originators)]
    return head + list(out.objects.values())


def bundle(objects: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """A STIX 2.1 bundle of these objects (its id is random: a bundle is a message)."""
    items = [dict(o) for o in objects]
    return {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": items}


def report(
    objects: Sequence[Mapping[str, Any]], name: str, published: dt.datetime, node_id: str
) -> dict[str, Any]:
    """A ``report`` grouping the records' own objects of one export (not the
    definitions, identities or derived objects), made by the exporting agency and
    marked with the tightest TLP and PAP of what it groups."""
    grouped = [o for o in objects if _is_record(o)]
    refs = {r for o in grouped for r in o.get("object_marking_refs", ())}
    tlps = [TLP_BY_ID[r] for r in refs if r in TLP_BY_ID] or [TLP.CLEAR]
    paps = [PAP_BY_ID[r] for r in refs if r in PAP_BY_ID]
    pap = max(paps, key=lambda p: p.rank) if paps else None
    marks = Markings(tlp=max(tlps, key=lambda t: t.rank), pap=pap)
    groups = any(o["type"] in (kinds.THREAT_ACTOR, kinds.INTRUSION_SET) for o in grouped)
    moment = timestamp(published)
    return {
        "type": "report",
        "spec_version": "2.1",
        "id": f"report--{uuid.uuid4()}",
        "created_by_ref": agency_id(node_id),
        "created": moment,
        "modified": moment,
        "published": moment,
        "name": name,
        "report_types": ["threat-actor"] if groups else ["identity"],
        "object_refs": [o["id"] for o in grouped] or [agency_id(node_id)],
        "object_marking_refs": marking_refs(marks),
    }


def _is_record(obj: Mapping[str, Any]) -> bool:
    extensions = obj.get("extensions") or {}
    entry = extensions.get(EXTENSION_ID) or {}
    return entry.get("extension_type") == NEW_SDO or "record_id" in entry


def _agency(node_id: str, name: str) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "type": "identity",
        "spec_version": "2.1",
        "id": agency_id(node_id),
        "created": EXTENSION_CREATED,
        "modified": EXTENSION_CREATED,
        "name": name,
        "identity_class": "organization",
        "sectors": ["government-public-services"],
        "object_marking_refs": [TLP_IDS[TLP.CLEAR]],
    }
    attach(obj, {"node_id": node_id})
    return obj


def _record(out: _Out, index: _Index, record: Record, recipients: Sequence[str]) -> None:
    stix_id = index.ids[record.record_id]
    kind = stix_id.split("--")[0]
    obj = _observable(record, stix_id) if kind in kinds.OBSERVABLES else _domain(record, stix_id)
    obj.update(_BODIES[kind](record, index))
    form = NEW_SDO if kind == kinds.ENTITY else PROPERTY_EXTENSION
    attach(obj, payload(record, recipients), form)
    out.add(obj)
    if not record.deleted:
        _derive(out, index, record, stix_id)


def _domain(record: Record, stix_id: str) -> dict[str, Any]:
    """The common properties of a record's domain (or relationship) object."""
    obj: dict[str, Any] = {
        "type": stix_id.split("--")[0],
        "spec_version": "2.1",
        "id": stix_id,
        "created_by_ref": agency_id(record.envelope.originator),
        "created": timestamp(record.created),
        "modified": timestamp(record.modified),
        "object_marking_refs": marking_refs(record.envelope.markings),
    }
    if record.deleted:
        obj["revoked"] = True
    return obj


def _observable(record: Record, stix_id: str) -> dict[str, Any]:
    """The common properties of a record's cyber-observable (no created, modified or
    revoked in STIX: the extension carries version and deletion)."""
    return {
        "type": stix_id.split("--")[0],
        "spec_version": "2.1",
        "id": stix_id,
        "object_marking_refs": marking_refs(record.envelope.markings),
    }


def _first(record: Record, *props: str) -> str | None:
    for prop in props:
        values = record.properties.get(prop)
        if values:
            return values[0]
    return None


def _texts(record: Record, *props: str) -> str | None:
    found = [v for p in props for v in record.properties.get(p, ())]
    return "\n\n".join(found) or None


def _aliases(record: Record) -> list[str]:
    names = [*record.properties.get("name", ())[1:], *record.properties.get("alias", ())]
    return [n for n in dict.fromkeys(names) if n != record.caption]


def _identity(record: Record, _index: _Index) -> dict[str, Any]:
    person = kinds.schema_of(record).is_a("Person")
    body = {"name": record.caption, "identity_class": "individual" if person else "organization"}
    return _clean({**body, "description": _texts(record, "description")})


def _group(record: Record, _index: _Index) -> dict[str, Any]:
    body: dict[str, Any] = {"name": record.caption, "aliases": _aliases(record)}
    body["description"] = _texts(record, "description")
    if kinds.kind_of(record) == kinds.THREAT_ACTOR:
        terror = record.envelope.crime_area is CrimeArea.TERRORISM
        body["threat_actor_types"] = ["terrorist" if terror else "criminal"]
    return _clean(body)


def _location(record: Record, _index: _Index) -> dict[str, Any]:
    country = _first(record, "country")
    body: dict[str, Any] = {
        "name": record.caption,
        "country": country.upper() if country else None,
        "city": _first(record, "city"),
        "street_address": _first(record, "street", "full"),
        "postal_code": _first(record, "postalCode"),
    }
    lat, lon = _first(record, "latitude"), _first(record, "longitude")
    if lat and lon:
        body["latitude"], body["longitude"] = float(lat), float(lon)
    elif not country:
        body["region"] = "unknown"  # STIX needs a region, a country or coordinates
    return _clean(body)


def _user_account(record: Record, _index: _Index) -> dict[str, Any]:
    login = _first(record, "username", "email")
    service = _first(record, "service")
    return _clean(
        {
            "user_id": login or record.caption,
            "account_login": login,
            "display_name": _first(record, "name"),
            "account_type": "-".join(service.lower().split()) if service else None,
        }
    )


def _file(record: Record, _index: _Index) -> dict[str, Any]:
    digest = _first(record, "contentHash")
    size = _first(record, "fileSize")
    return _clean(
        {
            "name": _first(record, "fileName") or record.caption,
            "hashes": {"SHA-1": digest} if digest and len(digest) == 40 else None,
            "mime_type": _first(record, "mimeType"),
            "size": int(size) if size and size.isdigit() else None,
        }
    )


def _note(record: Record, index: _Index) -> dict[str, Any]:
    originator = record.envelope.originator
    refs = [index.target(originator, e) for e in record.properties.get("entity", ())]
    found = [r for r in refs if r is not None]
    return _clean(
        {
            "abstract": _first(record, "name", "title"),
            "content": _texts(record, "description", "summary", "notes", "bodyText")
            or record.caption,
            "object_refs": found or [agency_id(originator)],
        }
    )


def _relationship(record: Record, index: _Index) -> dict[str, Any]:
    schema = kinds.schema_of(record)
    originator = record.envelope.originator
    source = index.target(originator, record.properties[schema.edge_source or ""][0])
    target = index.target(originator, record.properties[schema.edge_target or ""][0])
    return _clean(
        {
            "relationship_type": kinds.relationship_type(schema),
            "source_ref": source,
            "target_ref": target,
            "description": _texts(record, "relationship", "role", "description"),
        }
    )


def _entity(record: Record, _index: _Index) -> dict[str, Any]:
    return {"name": record.caption}


_BODIES = {
    kinds.IDENTITY: _identity,
    kinds.THREAT_ACTOR: _group,
    kinds.INTRUSION_SET: _group,
    kinds.LOCATION: _location,
    kinds.USER_ACCOUNT: _user_account,
    kinds.FILE: _file,
    kinds.NOTE: _note,
    kinds.RELATIONSHIP: _relationship,
    kinds.ENTITY: _entity,
}


def _clean(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if v not in (None, "", [], {})}


def _derive(out: _Out, index: _Index, record: Record, stix_id: str) -> None:
    """Observables from the entity's values, and links to the entities it names."""
    for obs in _observables_of(record):
        out.add(obs)
        out.shared.setdefault(obs["id"], []).append(record.envelope.markings)
        out.sources.setdefault(obs["id"], []).append(stix_id)
        out.add(_related(record, stix_id, obs["id"], "related-to"))
    if schema_is_link(record) or stix_id.startswith(kinds.NOTE):
        return
    schema = kinds.schema_of(record)
    for name, prop in sorted(schema.properties.items()):
        if prop.type != registry.entity or prop.stub:
            continue
        for value in record.properties.get(name, ()):
            target = index.target(record.envelope.originator, value)
            if target is not None and target != stix_id:
                out.add(_related(record, stix_id, target, "-".join(_words(name))))


def _words(name: str) -> list[str]:
    """``addressEntity`` -> ``address``, ``entity``."""
    words, current = [], ""
    for char in name:
        if char.isupper() and current:
            words.append(current)
            current = ""
        current += char.lower()
    return [*words, current]


def _observables_of(record: Record) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if kinds.kind_of(record) == kinds.USER_ACCOUNT:
        return found
    for email in record.properties.get("email", ()):
        found.append(_sco("email-addr", email))
    for url in record.properties.get("website", ()):
        found.append(_sco("url", url))
        host = urlsplit(url if "//" in url else f"//{url}").hostname
        if host:
            found.append(_sco("domain-name", host))
    return found


def _sco(kind: str, value: str) -> dict[str, Any]:
    return {
        "type": kind,
        "spec_version": "2.1",
        "id": observable_id(kind, {"value": value}),
        "value": value,
    }


def _related(record: Record, source: str, target: str, verb: str) -> dict[str, Any]:
    rel_id = derived_id("relationship", source, verb, target)
    obj = {
        "type": "relationship",
        "spec_version": "2.1",
        "id": rel_id,
        "created_by_ref": agency_id(record.envelope.originator),
        "created": timestamp(record.created),
        "modified": timestamp(record.modified),
        "relationship_type": verb,
        "source_ref": source,
        "target_ref": target,
        "object_marking_refs": marking_refs(record.envelope.markings),
    }
    attach(obj, {"derived_from": [source]})
    return obj


def _finish_observables(out: _Out) -> None:
    """Mark each derived observable with the tightest markings of its records."""
    for obs_id, markings in out.shared.items():
        obj = out.objects[obs_id]
        obj["object_marking_refs"] = marking_refs(tightest(*markings))
        attach(obj, {"derived_from": sorted(set(out.sources[obs_id]))})
