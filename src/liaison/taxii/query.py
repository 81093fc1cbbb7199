"""A TAXII 2.1 request's query: ``limit``, ``next``, ``added_after`` and the
``match[...]`` filters, parsed into typed values; a bad value is an
``InvalidInput`` naming the parameter, the value and why (TAXII answers 400).

``match[...]`` values are comma-separated and OR'ed; different filters are
AND'ed. ``match[version]`` takes ``last`` (the default), ``first``, ``all``
or STIX timestamps. Parameters this server does not know are ignored, as
TAXII asks.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import orjson

from liaison.errors import InvalidInput
from liaison.taxii.timestamps import format_timestamp, parse_timestamp

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


class Pick(StrEnum):
    """The named values of ``match[version]``."""

    LAST = "last"
    FIRST = "first"
    ALL = "all"


@dataclass(frozen=True)
class Versions:
    """What ``match[version]`` asks for: named picks and exact versions."""

    picks: frozenset[Pick] = frozenset({Pick.LAST})
    exact: frozenset[dt.datetime] = frozenset()

    @property
    def only_last(self) -> bool:
        """Only each object's latest version is wanted (the default)."""
        return self.picks == {Pick.LAST} and not self.exact


EVERY_VERSION = Versions(frozenset({Pick.ALL}))


@dataclass(frozen=True)
class Filters:
    """The filters of a request; empty sets filter nothing."""

    added_after: dt.datetime | None = None
    ids: frozenset[str] = frozenset()
    types: frozenset[str] = frozenset()
    versions: Versions = field(default_factory=Versions)
    spec_versions: frozenset[str] = frozenset()

    def describe(self) -> dict[str, object]:
        """The filters as given, for the audit entry."""
        shown: dict[str, object] = {}
        if self.added_after is not None:
            shown["added_after"] = format_timestamp(self.added_after)
        for name, values in (
            ("match[id]", self.ids),
            ("match[type]", self.types),
            ("match[spec_version]", self.spec_versions),
        ):
            if values:
                shown[name] = sorted(values)
        if not self.versions.only_last:
            picks = sorted(p.value for p in self.versions.picks)
            shown["match[version]"] = picks + sorted(map(format_timestamp, self.versions.exact))
        return shown


@dataclass(frozen=True, order=True)
class Position:
    """Where a page starts: the first object not yet given is the ``skip``-th
    object built from the collection item ``(added, source, version)``."""

    added: dt.datetime
    source: str
    version: int
    skip: int = 0

    def encode(self) -> str:
        """An opaque cursor for ``next``."""
        raw = orjson.dumps([format_timestamp(self.added), self.source, self.version, self.skip])
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@dataclass(frozen=True)
class Query:
    filters: Filters = field(default_factory=Filters)
    limit: int = DEFAULT_LIMIT
    start: Position | None = None


def parse_query(params: Mapping[str, str], max_limit: int = MAX_LIMIT) -> Query:
    """The query of a request. ``limit`` above ``max_limit`` is lowered to it, as
    TAXII lets a server do; zero, negative or not a number is refused."""
    added = params.get("added_after")
    filters = Filters(
        added_after=None if added is None else parse_timestamp("added_after", added),
        ids=_listed(params, "match[id]"),
        types=_listed(params, "match[type]"),
        versions=_versions(params.get("match[version]")),
        spec_versions=_listed(params, "match[spec_version]"),
    )
    cursor = params.get("next")
    start = None if cursor is None else decode_position(cursor)
    return Query(filters, _limit(params.get("limit"), max_limit), start)


def decode_position(cursor: str) -> Position:
    """The position a ``next`` cursor of this server stands for."""
    wrong = InvalidInput("next", cursor, "not a cursor this server gave (use the last `next`)")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        added, source, version, skip = orjson.loads(raw)
    except (binascii.Error, ValueError, TypeError, orjson.JSONDecodeError):
        raise wrong from None
    if not (isinstance(added, str) and isinstance(source, str)):
        raise wrong
    if not (_count(version) and _count(skip)):
        raise wrong
    try:
        moment = parse_timestamp("next", added)
    except InvalidInput:
        raise wrong from None
    return Position(moment, source, version, skip)


def _count(value: object) -> bool:
    return type(value) is int and 0 <= value < 2**31


def _limit(text: str | None, max_limit: int) -> int:
    if text is None:
        return min(DEFAULT_LIMIT, max_limit)
    try:
        limit = int(text)
    except ValueError:
        raise InvalidInput("limit", text, "not a whole number") from None
    if limit < 1:
        raise InvalidInput("limit", text, "must be 1 or more")
    return min(limit, max_limit)


def _listed(params: Mapping[str, str], name: str) -> frozenset[str]:
    text = params.get(name)
    if text is None:
        return frozenset()
    values = frozenset(v.strip() for v in text.split(",") if v.strip())
    if not values:
        raise InvalidInput(name, text, "names no value")
    return values


def _versions(text: str | None) -> Versions:
    if text is None:
        return Versions()
    picks: set[Pick] = set()
    exact: set[dt.datetime] = set()
    for value in (v.strip() for v in text.split(",")):
        if value in Pick.__members__.values():
            picks.add(Pick(value))
        elif value:
            try:
                exact.add(parse_timestamp("match[version]", value))
            except InvalidInput:
                reason = "neither last, first, all nor a timestamp"
                raise InvalidInput("match[version]", value, reason) from None
    if not picks and not exact:
        raise InvalidInput("match[version]", text, "names no value (last, first, all or a time)")
    return Versions(frozenset(picks), frozenset(exact))
