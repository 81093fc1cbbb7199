"""Strict parsing of FollowTheMoney entities.

FollowTheMoney's own ``get_proxy`` quietly drops unknown properties and
values it cannot clean. An agency's record must not lose data silently, so
this module refuses them instead, naming the property and the value.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from followthemoney import EntityProxy, model, registry
from followthemoney.schema import Schema

from liaison.errors import InvalidEntity

MAX_ID_LENGTH = 200
MAX_VALUE_LENGTH = 65_536
_ID_PATTERN = re.compile(r"^[A-Za-z0-9._:\-]+$")


def get_schema(name: Any, field_name: str = "schema") -> Schema:
    schema = model.get(name) if isinstance(name, str) else None
    if schema is None:
        raise InvalidEntity(field_name, name, "unknown FollowTheMoney schema")
    if schema.abstract:
        raise InvalidEntity(field_name, name, "abstract schema; use a concrete one such as Person")
    return schema


def check_entity_id(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise InvalidEntity("id", value, "must be a non-empty string")
    if len(value) > MAX_ID_LENGTH or not _ID_PATTERN.match(value):
        raise InvalidEntity(
            "id", value, f"at most {MAX_ID_LENGTH} characters of letters, digits, . _ : -"
        )
    return value


def parse_entity(data: Any, entity_id: str) -> EntityProxy:
    """Validate ``{"schema": ..., "properties": {...}}`` and return a clean proxy."""
    if not isinstance(data, dict):
        raise InvalidEntity("entity", data, "must be an object with schema and properties")
    schema = get_schema(data.get("schema"))
    raw = data.get("properties") or {}
    if not isinstance(raw, dict):
        raise InvalidEntity("properties", raw, "must be an object of property name to values")
    properties = {name: _clean_values(schema, name, values) for name, values in raw.items()}
    properties = {name: values for name, values in properties.items() if values}
    for required in schema.required:
        if required not in properties:
            raise InvalidEntity(f"properties.{required}", None, f"required for {schema.name}")
    return model.get_proxy(
        {"id": check_entity_id(entity_id), "schema": schema.name, "properties": properties},
        cleaned=True,
    )


def _clean_values(schema: Schema, name: str, values: Any) -> list[str]:
    prop = schema.get(name)
    field = f"properties.{name}"
    if prop is None:
        raise InvalidEntity(field, name, f"{schema.name} has no such property")
    if prop.stub:
        raise InvalidEntity(field, name, "reverse property; set it on the linking entity")
    if isinstance(values, str | int | float):
        values = [values]
    if not isinstance(values, list):
        raise InvalidEntity(field, values, "must be a list of strings")
    cleaned: list[str] = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise InvalidEntity(field, value, "values must be strings")
        text = str(value)
        if len(text) > MAX_VALUE_LENGTH:
            raise InvalidEntity(field, text, f"longer than {MAX_VALUE_LENGTH} characters")
        # memoise short values only: long free text rarely repeats and would bloat the cache
        clean = _clean(prop.type.name, text) if len(text) <= 200 else prop.type.clean(text)
        if clean is None:
            raise InvalidEntity(field, text, f"not a valid {prop.type.name}")
        if clean not in cleaned:
            cleaned.append(clean)
    return cleaned


@lru_cache(maxsize=100_000)
def _clean(type_name: str, text: str) -> str | None:
    """FtM's cleaning, memoised: countries, genders and dates repeat a lot in bulk data."""
    cleaned: str | None = registry.get(type_name).clean(text)
    return cleaned


def entity_names(proxy: EntityProxy) -> list[str]:
    """Every name-typed value, for listing and text filters."""
    return sorted(set(proxy.names) | {proxy.caption} - {""})


def stored_names(schema: str, properties: dict[str, list[str]], caption: str) -> list[str]:
    """``entity_names`` for an entity already validated (by this node or by its
    originator), read from its properties without building a proxy."""
    found = {caption} if caption else set()
    for name in _name_properties(schema):
        found.update(properties.get(name, ()))
    found.discard("")
    return sorted(found)


@lru_cache(maxsize=256)
def _name_properties(schema: str) -> frozenset[str]:
    return frozenset(
        name for name, prop in get_schema(schema).properties.items() if prop.type == registry.name
    )


def caption_of(schema: str, entity_id: str, properties: dict[str, list[str]]) -> str:
    """FollowTheMoney's caption for validated properties (the schema's label
    when no name-like property is left)."""
    proxy = model.get_proxy({"id": entity_id, "schema": schema, "properties": properties})
    return str(proxy.caption)
