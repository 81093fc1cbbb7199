"""Pages of a collection: pure.

A collection is a sequence of *items* in a stable order (the date each was
added, then its source and version); each item is the STIX objects built from
one source (a record version, for a node). A page takes items from a
``Position`` on, keeps the objects that pass the filters, and stops at
``limit`` objects; ``next`` then points at the first object not given, so a
page costs the items it shows and one more, not the whole collection.

An object given twice on one page (a marking definition or an identity that
several records need) is given once; each page is whole by itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from liaison.errors import InvalidInput
from liaison.taxii.query import EVERY_VERSION, Filters, Pick, Position
from liaison.taxii.timestamps import format_timestamp, parse_timestamp

StixObject = Mapping[str, Any]


@dataclass(frozen=True)
class Item:
    """One source's objects in a collection. ``picks``: which named versions of
    its source this item is (``last``, ``first``), for ``match[version]``."""

    added: dt.datetime
    source: str
    version: int
    objects: tuple[StixObject, ...]
    picks: frozenset[Pick] = frozenset()

    def at(self, skip: int) -> Position:
        return Position(self.added, self.source, self.version, skip)

    @property
    def key(self) -> tuple[dt.datetime, str, int]:
        return (self.added, self.source, self.version)


@dataclass(frozen=True)
class Entry:
    """An object of a collection with the date it was added."""

    added: dt.datetime
    object: StixObject

    @property
    def id(self) -> str:
        return str(self.object["id"])

    @property
    def version(self) -> str:
        """STIX's version of the object: ``modified``, else ``created``, else (an
        observable has neither) the date it was added, as TAXII says."""
        stamp = self.object.get("modified") or self.object.get("created")
        return str(stamp) if stamp else format_timestamp(self.added)


@dataclass(frozen=True)
class Page:
    entries: tuple[Entry, ...]
    more: bool
    next: Position | None

    @property
    def first_added(self) -> dt.datetime | None:
        return min((e.added for e in self.entries), default=None)

    @property
    def last_added(self) -> dt.datetime | None:
        return max((e.added for e in self.entries), default=None)


def passes(entry: Entry, item: Item, filters: Filters) -> bool:
    """Whether an object passes every filter (``added_after`` included)."""
    obj = entry.object
    if filters.added_after is not None and not entry.added > filters.added_after:
        return False
    if filters.ids and entry.id not in filters.ids:
        return False
    if filters.types and obj.get("type") not in filters.types:
        return False
    if filters.spec_versions and obj.get("spec_version", "2.1") not in filters.spec_versions:
        return False
    return _version_passes(entry, item, filters)


def _version_passes(entry: Entry, item: Item, filters: Filters) -> bool:
    wanted = filters.versions
    if Pick.ALL in wanted.picks or wanted.picks & item.picks:
        return True
    return bool(wanted.exact) and _moment(entry.version) in wanted.exact


def _moment(stamp: str) -> dt.datetime | None:
    try:
        return parse_timestamp("version", stamp)
    except InvalidInput:
        return None


def after(item: Item, start: Position | None) -> int | None:
    """How many of the item's objects a page starting at ``start`` skips; None if
    the whole item comes before it."""
    if start is None:
        return 0
    here = item.key
    there = (start.added, start.source, start.version)
    if here < there:
        return None
    return start.skip if here == there else 0


def fill(items: Iterable[Item], filters: Filters, limit: int, start: Position | None) -> Page:
    """The page of at most ``limit`` objects from ``start`` on; ``items`` must come in
    collection order. One object past the page is looked for, to say ``more``."""
    taken: list[Entry] = []
    seen: set[tuple[str, str]] = set()
    for item in items:
        skip = after(item, start)
        if skip is None:
            continue
        for index in range(skip, len(item.objects)):
            entry = Entry(item.added, item.objects[index])
            if not passes(entry, item, filters):
                continue
            if (entry.id, entry.version) in seen:
                continue
            if len(taken) == limit:
                return Page(tuple(taken), True, item.at(index))
            seen.add((entry.id, entry.version))
            taken.append(entry)
    return Page(tuple(taken), False, None)


def versions_of(items: Iterable[Item], object_id: str, filters: Filters) -> list[Entry]:
    """Every version of one object in the collection, oldest first, each once (at
    the date it was first added); ``added_after`` and ``match[spec_version]`` apply."""
    found: dict[str, Entry] = {}
    for item in items:
        for obj in item.objects:
            if obj.get("id") != object_id:
                continue
            entry = Entry(item.added, obj)
            if entry.version not in found and passes(entry, item, _for_versions(filters)):
                found[entry.version] = entry
    return sorted(found.values(), key=lambda e: (_moment(e.version) or e.added, e.version))


def _for_versions(filters: Filters) -> Filters:
    return Filters(filters.added_after, spec_versions=filters.spec_versions, versions=EVERY_VERSION)
