"""The wire form of a change item, and the checks a receiver makes on it. Pure.

An item is ``{"seq", "kind", "record_id", "version", "agreement"}`` and, for a
full copy, ``"record"`` (``Record.to_dict()``); a reference also names the
schema. The receiver checks that the record belongs to the sender (its
originator, and its id derived from originator and entity id), that its
content hash is right, and that the item agrees with itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import orjson

from liaison.errors import InvalidInput, LiaisonError, MessageRefused
from liaison.federation.plan import ChangeKind
from liaison.model.entities import get_schema
from liaison.model.envelope import stored_envelope
from liaison.model.ids import canonical_json, record_id_for
from liaison.model.records import Record


@dataclass(frozen=True)
class Item:
    """One checked change item."""

    seq: int
    kind: ChangeKind
    record_id: str
    version: int
    agreement: str | None
    schema: str | None  # named by full copies and references
    record: Record | None = None  # only for a full copy


def item_of(
    kind: ChangeKind,
    seq: int,
    record_id: str,
    version: int,
    agreement: str | None,
    stored: Any = None,
) -> dict[str, Any]:
    """What the sender puts on the wire for one outbox entry: a full copy carries
    the record (``stored``: its version row with the head's creation fields,
    sent as stored, not serialised again), a reference its schema, a withdrawal
    or deletion neither."""
    out: dict[str, Any] = {
        "seq": seq,
        "kind": kind.value,
        "record_id": record_id,
        "version": version,
        "agreement": agreement,
        "schema": stored.schema if stored is not None else None,
        "entity_id": _entity_id(stored) if stored is not None else None,
    }
    if kind is ChangeKind.FULL:
        assert stored is not None
        out["record"] = {
            "record_id": stored.record_id,
            "version": stored.version,
            "schema": stored.schema,
            "entity": orjson.Fragment(stored.entity),
            "envelope": orjson.Fragment(stored.envelope),
            "caption": stored.caption,
            "created": stored.created.isoformat(),
            "modified": stored.at.isoformat(),
            "created_by": stored.created_by,
            "modified_by": stored.actor,
            "deleted": stored.deleted,
            "reason": stored.reason,
            "content_hash": stored.content_hash,
        }
    return out


def _entity_id(stored: Any) -> str:
    entity_id: str = orjson.loads(stored.entity)["id"]
    return entity_id


def check_item(data: Any, sender: str) -> Item:
    """A received item, checked; a record the sender does not own is refused."""
    if not isinstance(data, dict):
        raise MessageRefused("items", data, "each item must be an object")
    try:
        kind = ChangeKind(str(data.get("kind")))
    except ValueError:
        raise MessageRefused("kind", data.get("kind"), "not a change kind") from None
    seq, version = data.get("seq"), data.get("version")
    if not (_count(seq, MAX_SEQ) and _count(version, MAX_VERSION)):
        raise MessageRefused("seq", (seq, version), "seq and version must be positive integers")
    assert isinstance(seq, int) and isinstance(version, int)
    record_id, agreement = data.get("record_id"), data.get("agreement")
    if not isinstance(record_id, str) or not record_id.startswith("rec-") or len(record_id) > 64:
        raise MessageRefused("record_id", record_id, "not a record id")
    if kind is ChangeKind.REFERENCE:  # a reference names its entity, so ownership shows
        entity_id = data.get("entity_id")
        if not isinstance(entity_id, str) or record_id != record_id_for(sender, entity_id):
            raise MessageRefused("record_id", record_id, f"not a record of the sender {sender}")
    if agreement is not None and not isinstance(agreement, str):
        raise MessageRefused("agreement", agreement, "must be an agreement id")
    schema = data.get("schema")
    if schema is not None or kind in (ChangeKind.FULL, ChangeKind.REFERENCE):
        try:
            schema = get_schema(schema, "schema").name
        except InvalidInput:
            raise MessageRefused("schema", schema, "not a FollowTheMoney schema") from None
    record = _record(data.get("record"), sender) if kind is ChangeKind.FULL else None
    if record is not None and (record.record_id, record.version) != (record_id, version):
        raise MessageRefused("record", record_id, "the record is not the version the item names")
    return Item(seq, kind, record_id, version, agreement, schema, record)


MAX_SEQ = 2**62
MAX_VERSION = 2**31 - 1


def _count(value: Any, most: int) -> bool:
    return type(value) is int and 1 <= value <= most


def _record(data: Any, sender: str) -> Record:
    if not isinstance(data, dict):
        raise MessageRefused("record", data, "a full copy carries the record")
    try:
        envelope = stored_envelope(canonical_json(data["envelope"]).decode())
        entity = data["entity"]
        record = Record(
            record_id=data["record_id"],
            version=data["version"],
            schema=get_schema(data["schema"], "schema").name,
            entity_id=entity["id"],
            properties=_properties(entity["properties"]),
            envelope=envelope,
            caption=str(data["caption"]),
            created=_time(data["created"]),
            modified=_time(data["modified"]),
            created_by=str(data["created_by"]),
            modified_by=str(data["modified_by"]),
            deleted=bool(data["deleted"]),
            reason=data.get("reason"),
        )
    except (KeyError, TypeError, ValueError, LiaisonError) as exc:
        raise MessageRefused("record", data.get("record_id"), f"malformed: {exc}") from None
    if envelope.originator != sender:
        raise MessageRefused(
            "record.originator", envelope.originator, f"the sender {sender} does not own it"
        )
    if record.record_id != record_id_for(sender, record.entity_id):
        raise MessageRefused("record_id", record.record_id, "not the id of this entity at sender")
    if record.content_hash != data.get("content_hash"):
        raise MessageRefused("content_hash", data.get("content_hash"), "does not match the record")
    return record


def _properties(value: Any) -> dict[str, list[str]]:
    if type(value) is not dict:
        raise ValueError("properties must be an object")
    for name, values in value.items():
        if type(values) is not list:
            raise ValueError(f"property {name} must be a list")
        for text in values:
            if type(text) is not str:
                raise ValueError(f"property {name} must hold strings")
    return value


def _time(text: Any) -> dt.datetime:
    time = dt.datetime.fromisoformat(str(text))
    if time.tzinfo is None:
        raise ValueError(f"time without a zone: {text}")
    return time
