"""Identifiers: deterministic where they can be, random where they must be."""

from __future__ import annotations

import hashlib
import uuid

import orjson


def new_entity_id() -> str:
    return uuid.uuid4().hex


def record_id_for(originator: str, entity_id: str) -> str:
    """A record's id: stable for one originator and entity id, unique across nodes."""
    digest = hashlib.sha256(f"{originator}\x00{entity_id}".encode()).hexdigest()
    return f"rec-{digest[:32]}"


def canonical_json(data: object) -> bytes:
    """Sorted keys, no whitespace, UTF-8: the bytes we hash and sign."""
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)


def content_hash(data: object) -> str:
    return hashlib.sha256(canonical_json(data)).hexdigest()
