"""STIX 2.1 bundles read back into FollowTheMoney entities and envelopes. Pure.

:func:`read_bundle` takes a bundle (bytes, text or the parsed JSON) and returns
:class:`Parsed`: the items a node may write (each an entity, an envelope dict as
``Envelope.from_dict`` accepts it, the source STIX id and its ``modified``), and a
report that counts every object by type and names each object skipped or refused
with its reason. Nothing here reads a database: whether a referenced entity is
already held, and the writing itself, are the node's (``liaison.node.stix``).

An object Liaison wrote carries the whole record in the extension and is read
from it; any other object is mapped from its STIX properties (identity, threat
actor, intrusion set, location, user account, e-mail address, note,
relationship) and takes its STIX id as its entity id.

*Refused* (an error in the object): malformed, oversized, a marking that is
neither TLP 2.0 (or 1.0), PAP nor defined in the bundle, a malformed TLP
definition, TLP:RED without this node among its recipients, an entity or envelope
that does not validate, a second object for an entity already read.
*Skipped* (no error, nothing to write): marking and extension definitions, the
identities of originating agencies and of producers (only ever
``created_by_ref``), objects Liaison derived from a record, a duplicate (same id
and ``modified``) or an earlier version of an object in the same bundle, types
with no FtM equivalent, unknown types, relationships and notes whose references
are not in the bundle or were not imported (the node skips those it does not hold).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from followthemoney import model
from followthemoney.schema import Schema

from liaison.errors import InvalidInput
from liaison.model.entities import parse_entity
from liaison.model.envelope import Envelope
from liaison.model.markings import PAP, TLP
from liaison.stix import extension, kinds
from liaison.stix.ids import parse_timestamp
from liaison.stix.markings import (
    PAP_BY_ID,
    PAP_EXTENSION,
    TLP1_IDS,
    TLP2_EXTENSION,
    TLP_BY_ID,
    TLP_IDS,
)

MAX_OBJECTS = 100_000
MAX_OBJECT_BYTES = 1_000_000
MAX_BUNDLE_BYTES = 64 * 1024 * 1024

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,248}[a-z0-9]--[0-9a-fA-F-]{36}$")

#: Types STIX 2.1 defines that have no FollowTheMoney equivalent (skipped, named)
STIX_TYPES = frozenset(
    {
        "attack-pattern",
        "campaign",
        "course-of-action",
        "grouping",
        "incident",
        "indicator",
        "infrastructure",
        "malware",
        "malware-analysis",
        "observed-data",
        "opinion",
        "report",
        "sighting",
        "tool",
        "vulnerability",
        "artifact",
        "autonomous-system",
        "directory",
        "domain-name",
        "ipv4-addr",
        "ipv6-addr",
        "mac-addr",
        "mutex",
        "network-traffic",
        "process",
        "software",
        "url",
        "windows-registry-key",
        "x509-certificate",
        "language-content",
        "file",
    }
)
_METADATA = {
    "marking-definition": "a marking definition: read for the markings, not a record",
    "extension-definition": "an extension definition: not a record",
    "language-content": "translations of other objects: not carried",
}


@dataclass(frozen=True)
class Item:
    """One object read as a record to write."""

    entity: dict[str, Any]  # {id, schema, properties}
    envelope: dict[str, Any]  # what Envelope.from_dict accepts (no originator)
    stix_id: str
    modified: str | None
    revoked: bool = False  # revoked in STIX, or a Liaison tombstone: nothing to write
    needs: tuple[str, ...] = ()  # entity ids that must already be held (ends outside)
    originator: str | None = None  # the node that made it, when Liaison did
    record_id: str | None = None  # its record id there


@dataclass(frozen=True)
class Problem:
    """An object skipped or refused, and why."""

    stix_id: str
    type: str
    reason: str


@dataclass(frozen=True)
class ReadReport:
    objects: int
    counts: dict[str, int]  # objects by STIX type
    skipped: tuple[Problem, ...]
    refused: tuple[Problem, ...]


@dataclass(frozen=True)
class Parsed:
    items: tuple[Item, ...]
    report: ReadReport


class _Refused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Skipped(_Refused):
    pass


@dataclass
class _Reading:
    """The state of one bundle's reading."""

    recipients: frozenset[str]
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> latest version
    bad_markings: dict[str, str] = field(default_factory=dict)  # marking id -> why
    defined: set[str] = field(default_factory=set)  # other valid markings in the bundle
    producers: set[str] = field(default_factory=set)  # ids only ever created_by_ref
    entity_ids: dict[str, str] = field(default_factory=dict)  # stix id -> entity id read
    entities: dict[str, str] = field(default_factory=dict)  # entity id -> stix id
    schemata: dict[str, str] = field(default_factory=dict)  # stix id -> FtM schema
    skipped: list[Problem] = field(default_factory=list)
    refused: list[Problem] = field(default_factory=list)


def read_bundle(
    data: Any,
    *,
    max_objects: int = MAX_OBJECTS,
    max_object_bytes: int = MAX_OBJECT_BYTES,
    max_bundle_bytes: int = MAX_BUNDLE_BYTES,
    recipients: Collection[str] = (),
) -> Parsed:
    """Read a bundle. ``recipients``: the ids and names this node answers to (a
    TLP:RED object is accepted only when its extension names one of them, or names
    one of them as its originator). A bundle that is not one (not JSON, not an
    object of type ``bundle``, too large, too many objects) is ``InvalidInput``."""
    loaded = _load(data, max_bundle_bytes)
    objects = _objects(loaded, max_objects)
    reading = _Reading(frozenset(recipients))
    counts: Counter[str] = Counter()
    for obj in _first_pass(reading, objects, max_object_bytes, counts):
        reading.objects[obj["id"]] = obj
    _read_markings(reading)
    _find_producers(reading)
    items = [item for obj in _ordered(reading) if (item := _item(reading, obj)) is not None]
    report = ReadReport(
        len(objects), dict(sorted(counts.items())), tuple(reading.skipped), tuple(reading.refused)
    )
    return Parsed(tuple(items), report)


def _load(data: Any, limit: int) -> Any:
    if isinstance(data, bytes | bytearray | str):
        if len(data) > limit:
            raise InvalidInput("bundle", f"{len(data)} bytes", f"larger than {limit} bytes")
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            raise InvalidInput("bundle", str(data)[:80], f"not JSON ({exc})") from None
    return data


def _objects(loaded: Any, max_objects: int) -> list[Any]:
    if not isinstance(loaded, Mapping):
        raise InvalidInput("bundle", loaded, "must be a JSON object of type bundle")
    if loaded.get("type") != "bundle":
        raise InvalidInput("bundle.type", loaded.get("type"), 'must be "bundle"')
    objects = loaded.get("objects", [])
    if not isinstance(objects, list):
        raise InvalidInput("bundle.objects", objects, "must be a list of STIX objects")
    if len(objects) > max_objects:
        raise InvalidInput("bundle.objects", f"{len(objects)} objects", f"more than {max_objects}")
    return objects


def _first_pass(
    reading: _Reading, objects: list[Any], max_bytes: int, counts: Counter[str]
) -> Iterable[dict[str, Any]]:
    """Well-formed objects of a sensible size, each id once (its latest version)."""
    seen: dict[tuple[str, Any], int] = {}
    for position, obj in enumerate(objects):
        kind = obj.get("type") if isinstance(obj, dict) else None
        stix_id = obj.get("id") if isinstance(obj, dict) else None
        counts[kind if isinstance(kind, str) else "(malformed)"] += 1
        if not isinstance(obj, dict) or not isinstance(kind, str) or not isinstance(stix_id, str):
            reading.refused.append(Problem(f"#{position}", str(kind), "not a STIX object"))
            continue
        if not _ID.match(stix_id) or not stix_id.startswith(f"{kind}--"):
            reading.refused.append(Problem(stix_id, kind, "malformed id"))
            continue
        try:
            size = len(orjson.dumps(obj))
        except (TypeError, orjson.JSONEncodeError):  # a number JSON allows but no one reads
            reading.refused.append(Problem(stix_id, kind, "a value that is not portable JSON"))
            continue
        if size > max_bytes:
            reason = f"oversized: {size} bytes, more than {max_bytes}"
            reading.refused.append(Problem(stix_id, kind, reason))
            continue
        version = obj.get("modified")
        if version is not None and parse_timestamp(version) is None:
            reading.refused.append(Problem(stix_id, kind, "modified is not a STIX timestamp"))
            continue
        if (stix_id, version) in seen:
            reason = "duplicate: the same id and modified came earlier in the bundle"
            reading.skipped.append(Problem(stix_id, kind, reason))
            continue
        seen[(stix_id, version)] = position
        earlier = reading.objects.get(stix_id)
        if earlier is not None and str(earlier.get("modified")) > str(version):
            reading.skipped.append(Problem(stix_id, kind, "an earlier version of an object"))
            continue
        if earlier is not None:
            reading.skipped.append(Problem(stix_id, kind, "an earlier version of an object"))
        yield obj


def _read_markings(reading: _Reading) -> None:
    """Sort the bundle's marking definitions into valid and malformed ones."""
    for stix_id, obj in reading.objects.items():
        if obj["type"] != "marking-definition":
            continue
        problem = _marking_problem(stix_id, obj)
        if problem:
            reading.bad_markings[stix_id] = problem
            reading.refused.append(Problem(stix_id, "marking-definition", problem))
        elif stix_id not in TLP_BY_ID and stix_id not in PAP_BY_ID:
            reading.defined.add(stix_id)


def _marking_problem(stix_id: str, obj: Mapping[str, Any]) -> str | None:
    """Why a marking definition is a malformed TLP or PAP one; ``None`` if it is not."""
    extensions = obj.get("extensions") or {}
    tlp2 = extensions.get(TLP2_EXTENSION) if isinstance(extensions, Mapping) else None
    definition = obj.get("definition") if isinstance(obj.get("definition"), Mapping) else None
    name = str(obj.get("name", ""))
    if not isinstance(tlp2, Mapping) and obj.get("definition_type") == "tlp":
        # TLP 1.0 as the STIX 2.1 specification defines it (stix2's TLP_AMBER, what
        # misp-stix writes): named "TLP:AMBER" too, told apart by its definition type
        level = str(definition.get("tlp", "")) if definition else ""
        if TLP1_IDS.get(stix_id) is not _tlp_named("clear" if level == "white" else level):
            return f"malformed TLP 1.0 marking: {level!r} is not the OASIS definition"
        return None
    if isinstance(tlp2, Mapping) or name.upper().startswith("TLP:"):
        level = str(tlp2.get("tlp_2_0", "")) if isinstance(tlp2, Mapping) else name[4:]
        wanted = _tlp_named(level)
        if wanted is None or TLP_IDS[wanted] != stix_id:
            return f"malformed TLP 2.0 marking: {name or level!r} is not the OASIS definition"
        return None
    pap = extensions.get(PAP_EXTENSION) if isinstance(extensions, Mapping) else None
    if isinstance(pap, Mapping) and stix_id not in PAP_BY_ID:
        return "malformed PAP marking: not the OASIS definition"
    return None


def _tlp_named(level: str) -> TLP | None:
    try:
        return TLP(level.strip().upper())
    except ValueError:
        return None


def _find_producers(reading: _Reading) -> None:
    """Identities that are only ever the ``created_by_ref`` of other objects."""
    creators: set[str] = {
        o["created_by_ref"]
        for o in reading.objects.values()
        if isinstance(o.get("created_by_ref"), str)
    }
    referenced: set[str] = set()
    for obj in reading.objects.values():
        for key in ("source_ref", "target_ref", "sighting_of_ref"):
            if isinstance(obj.get(key), str):
                referenced.add(obj[key])
        for key in ("object_refs", "where_sighted_refs"):
            referenced.update(r for r in _list(obj.get(key)) if isinstance(r, str))
    reading.producers = creators - referenced


def _ordered(reading: _Reading) -> list[dict[str, Any]]:
    """Entities before what points at them (relationships, notes, sightings)."""
    late = (kinds.RELATIONSHIP, kinds.NOTE, "sighting")
    objects = list(reading.objects.values())
    return [o for o in objects if o["type"] not in late] + [o for o in objects if o["type"] in late]


def _item(reading: _Reading, obj: dict[str, Any]) -> Item | None:
    stix_id, kind = obj["id"], obj["type"]
    try:
        item = _read(reading, obj)
    except _Skipped as skip:
        reading.skipped.append(Problem(stix_id, kind, skip.reason))
        return None
    except _Refused as refusal:
        reading.refused.append(Problem(stix_id, kind, refusal.reason))
        return None
    except InvalidInput as exc:
        reason = f"{exc.field}: {exc.reason} (got {exc.value})"
        reading.refused.append(Problem(stix_id, kind, reason))
        return None
    entity_id = item.entity["id"]
    if entity_id in reading.entities:
        reason = f"the same entity as {reading.entities[entity_id]}, read earlier"
        reading.refused.append(Problem(stix_id, kind, reason))
        return None
    reading.entities[entity_id] = stix_id
    reading.entity_ids[stix_id] = entity_id
    reading.schemata[stix_id] = item.entity["schema"]
    return item


def _read(reading: _Reading, obj: dict[str, Any]) -> Item:
    kind = obj["type"]
    if kind in _METADATA:
        raise _Skipped(_METADATA[kind])
    payload = extension.read(obj)
    if payload is not None and "derived_from" in payload:
        sources = ", ".join(str(s) for s in _list(payload["derived_from"]))
        raise _Skipped(f"derived by Liaison from {sources}")
    if payload is not None and "node_id" in payload:
        raise _Skipped("the identity of an originating agency (kept as provenance)")
    if obj["id"] in reading.producers:
        raise _Skipped("the producer of objects in the bundle (created_by_ref)")
    ours = payload is not None and "schema" in payload
    if not ours and kind not in _FOREIGN:  # nothing to write: its markings do not matter
        if kind in STIX_TYPES:
            raise _Skipped(f"{kind} has no FollowTheMoney equivalent (docs/interop.md)")
        raise _Skipped(f"unknown object type {kind}")
    tlp, pap = _markings(reading, obj)
    if payload is not None and ours:
        _check_red(reading, tlp, payload)
        return _from_payload(reading, obj, payload, tlp, pap)
    if tlp is TLP.RED:
        _check_red(reading, tlp, {})
    return _foreign(reading, obj, tlp, pap)


def _markings(reading: _Reading, obj: Mapping[str, Any]) -> tuple[TLP | None, PAP | None]:
    """The tightest TLP and PAP among the object's markings (granular ones too: a
    marking on part of an object marks the whole record)."""
    refs = list(_list(obj.get("object_marking_refs")))
    for granular in _list(obj.get("granular_markings")):
        if isinstance(granular, Mapping) and "marking_ref" in granular:
            refs.append(granular["marking_ref"])
    tlps: list[TLP] = []
    paps: list[PAP] = []
    for ref in refs:
        if not isinstance(ref, str):
            raise _Refused(f"invalid marking reference {ref!r}")
        if ref in reading.bad_markings:
            raise _Refused(f"marked with {ref}: {reading.bad_markings[ref]}")
        if ref in TLP_BY_ID:
            tlps.append(TLP_BY_ID[ref])
        elif ref in PAP_BY_ID:
            paps.append(PAP_BY_ID[ref])
        elif ref not in reading.defined:
            reason = f"unknown marking {ref}: neither TLP, PAP nor defined in the bundle"
            raise _Refused(reason)
    tlp = max(tlps, key=lambda t: t.rank) if tlps else None
    return tlp, max(paps, key=lambda p: p.rank) if paps else None


def _check_red(reading: _Reading, tlp: TLP | None, payload: Mapping[str, Any]) -> None:
    if tlp is not TLP.RED:
        return
    named = {str(r) for r in _list(payload.get("recipients"))} | {str(payload.get("originator"))}
    if not named & reading.recipients:
        raise _Refused("TLP:RED offered without a recipient this node is part of")


def _from_payload(
    reading: _Reading,
    obj: Mapping[str, Any],
    payload: Mapping[str, Any],
    tlp: TLP | None,
    pap: PAP | None,
) -> Item:
    """An object Liaison wrote: the record from its extension."""
    raw_props = payload.get("properties") or {}
    if not isinstance(payload.get("entity_id"), str):
        raise _Refused("the extension has no entity_id")
    entity = {"id": payload["entity_id"], "schema": payload.get("schema")}
    envelope = extension.envelope_of(payload, tlp, pap)
    revoked = bool(obj.get("revoked") or payload.get("deleted"))
    if not revoked:
        proxy = parse_entity({**entity, "properties": raw_props}, str(entity["id"]))
        entity["properties"] = {k: list(v) for k, v in proxy.properties.items()}
        Envelope.from_dict(envelope, originator="check")
    else:
        entity["properties"] = {}
    needs: tuple[str, ...] = ()
    if obj["type"] == kinds.RELATIONSHIP and not revoked:
        needs = _held_ends(reading, obj, entity)
    return Item(
        entity,
        envelope,
        obj["id"],
        obj.get("modified"),
        revoked,
        needs,
        _text(payload.get("originator")),
        _text(payload.get("record_id")),
    )


def _held_ends(
    reading: _Reading, obj: Mapping[str, Any], entity: Mapping[str, Any]
) -> tuple[str, ...]:
    """The entity ids of a Liaison link's ends that are not in the bundle."""
    if not _ends(reading, obj):
        return ()
    schema = model.get(str(entity["schema"]))
    assert schema is not None  # parse_entity checked it
    ends = [schema.edge_source, schema.edge_target]
    values = [v for end in ends if end for v in entity["properties"].get(end, [])]
    return tuple(v for v in values if v not in reading.entities)


def _ends(reading: _Reading, obj: Mapping[str, Any]) -> tuple[str, ...]:
    """A relationship's ends: each must be read from the bundle, or be held (the
    node checks what is returned here). An end in the bundle that was not read
    (refused, skipped) breaks the relationship."""
    needed = []
    for key in ("source_ref", "target_ref"):
        ref = obj.get(key)
        if not isinstance(ref, str):
            raise _Refused(f"{key} missing")
        if ref in reading.entity_ids:
            continue
        if ref in reading.objects:
            raise _Skipped(f"broken reference: {key} {ref} was not imported")
        needed.append(ref)
    return tuple(needed)


def _foreign(reading: _Reading, obj: dict[str, Any], tlp: TLP | None, pap: PAP | None) -> Item:
    """An object another producer wrote, from its STIX properties."""
    kind = obj["type"]
    reader = _FOREIGN[kind]
    markings = {"tlp": tlp.value if tlp else None, "pap": pap.value if pap else None}
    envelope: dict[str, Any] = {"markings": {k: v for k, v in markings.items() if v}}
    graded = admiralty(obj.get("labels"))
    if graded is not None:
        envelope["evaluation"] = graded
    if obj.get("revoked"):
        entity = {"id": obj["id"], "schema": "Thing", "properties": {}}
        return Item(entity, envelope, obj["id"], obj.get("modified"), revoked=True)
    schema, properties, needs = reader(reading, obj)
    proxy = parse_entity({"schema": schema, "properties": properties}, obj["id"])
    entity = {
        "id": obj["id"],
        "schema": proxy.schema.name,
        "properties": {k: list(v) for k, v in proxy.properties.items()},
    }
    return Item(entity, envelope, obj["id"], obj.get("modified"), needs=needs)


Read = tuple[str, dict[str, list[str]], tuple[str, ...]]

#: MISP's admiralty-scale taxonomy, as misp-stix writes an object's tags into its labels
_ADMIRALTY = re.compile(
    r'^admiralty-scale:(source-reliability|information-credibility)="?([a-f1-6])"?$', re.I
)


def admiralty(labels: Any) -> dict[str, str] | None:
    """The source evaluation MISP's admiralty-scale tags give, when both parts are
    there (``source-reliability="b"``, ``information-credibility="2"``)."""
    if not isinstance(labels, list):
        return None
    found: dict[str, str] = {}
    for label in labels:
        match = _ADMIRALTY.match(label.strip()) if isinstance(label, str) else None
        if match:
            found[match.group(1).lower()] = match.group(2).upper()
    source, information = found.get("source-reliability"), found.get("information-credibility")
    if not source or not information or not source.isalpha() or not information.isdigit():
        return None
    return {"scheme": "admiralty", "source": source, "information": information}


def _texts(*values: Any) -> list[str]:
    return [v for v in values if isinstance(v, str) and v.strip()]


def _identity(_reading: _Reading, obj: Mapping[str, Any]) -> Read:
    person = obj.get("identity_class") == "individual"
    props = {"name": _texts(obj.get("name")), "description": _texts(obj.get("description"))}
    return ("Person" if person else "Organization"), props, ()


def _group(_reading: _Reading, obj: Mapping[str, Any]) -> Read:
    aliases = _list(obj.get("aliases"))
    props = {
        "name": _texts(obj.get("name")),
        "alias": _texts(*aliases),
        "description": _texts(obj.get("description")),
    }
    return "Organization", props, ()


def _location(_reading: _Reading, obj: Mapping[str, Any]) -> Read:
    country = obj.get("country")
    props = {
        "full": _texts(obj.get("name"), obj.get("street_address")),
        "street": _texts(obj.get("street_address")),
        "city": _texts(obj.get("city")),
        "postalCode": _texts(obj.get("postal_code")),
        "country": _texts(country.lower() if isinstance(country, str) else None),
        "latitude": [str(obj["latitude"])] if "latitude" in obj else [],
        "longitude": [str(obj["longitude"])] if "longitude" in obj else [],
        "description": _texts(obj.get("description")),
    }
    return "Address", props, ()


def _user_account(_reading: _Reading, obj: Mapping[str, Any]) -> Read:
    props = {
        "username": _texts(obj.get("account_login") or obj.get("user_id")),
        "name": _texts(obj.get("display_name")),
        "service": _texts(obj.get("account_type")),
    }
    return "UserAccount", props, ()


def _email(_reading: _Reading, obj: Mapping[str, Any]) -> Read:
    """A bare e-mail address is an account at an e-mail service (FtM has no e-mail
    address entity)."""
    value = obj.get("value")
    props = {
        "email": _texts(value),
        "username": _texts(value),
        "name": _texts(obj.get("display_name")),
        "service": ["email"],
    }
    return "UserAccount", props, ()


def _note(reading: _Reading, obj: Mapping[str, Any]) -> Read:
    refs = _list(obj.get("object_refs"))
    found = [reading.entity_ids[r] for r in refs if r in reading.entity_ids]
    if not found:
        raise _Skipped("broken reference: none of the note's objects was imported")
    props = {
        "name": _texts(obj.get("abstract")),
        "description": _texts(obj.get("content")),
        "entity": found,
    }
    return "Note", props, ()


def _relationship(reading: _Reading, obj: Mapping[str, Any]) -> Read:
    needs = _ends(reading, obj)
    source = reading.entity_ids.get(obj["source_ref"], obj["source_ref"])
    target = reading.entity_ids.get(obj["target_ref"], obj["target_ref"])
    verb = str(obj.get("relationship_type", "related-to"))
    schema = kinds.link_schemata().get(verb)
    description = _texts(obj.get("description"))
    if schema is not None and _link_fits(reading, obj, schema):
        props = {schema.edge_source or "": [source], schema.edge_target or "": [target]}
        return schema.name, {**props, "description": description}, needs
    props = {"subject": [source], "object": [target], "role": [verb], "description": description}
    return "UnknownLink", props, needs


def _link_fits(reading: _Reading, obj: Mapping[str, Any], schema: Schema) -> bool:
    ends = ((obj["source_ref"], schema.edge_source), (obj["target_ref"], schema.edge_target))
    return all(_fits(reading, ref, schema.get(prop or "")) for ref, prop in ends)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _fits(reading: _Reading, ref: str, prop: Any) -> bool:
    """Whether the entity at ``ref`` (read from the bundle) fits a link's end."""
    schema_name = reading.schemata.get(ref)
    if schema_name is None or prop is None or prop.range is None:
        return False
    schema = model.get(schema_name)
    return schema is not None and schema.is_a(prop.range)


_FOREIGN = {
    kinds.IDENTITY: _identity,
    kinds.THREAT_ACTOR: _group,
    kinds.INTRUSION_SET: _group,
    kinds.LOCATION: _location,
    kinds.USER_ACCOUNT: _user_account,
    "email-addr": _email,
    kinds.NOTE: _note,
    kinds.RELATIONSHIP: _relationship,
}
