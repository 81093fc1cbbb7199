"""The node's TAXII 2.1 collections: one per partner it has an agreement with,
holding, as STIX, what that partner receives from this node in full.

A collection's items are versions of this node's own records that the
disclosure register says the partner holds in full (or held, until the record
was deleted: the deletion comes as revoked objects). Each version is decided
again by the policy when it is read (``best_push``, as propagation decides),
and by the reader's own clearance (``Use.VIEW``): a register that lags behind
the policy (an agreement past its end date, say) never lets more out. A
version's time is the date its objects were added; the order is that time,
then the record id, then the version. A page reads the versions it shows and
builds their objects (``liaison.stix.export.to_objects``), not the whole
collection's. Every request that returns objects is audited (``taxii.read``:
the collection, the filters, the object ids given), and so is every refusal.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Connection

from liaison.audit.chain import Action, Result
from liaison.errors import Forbidden, NotFound
from liaison.model.records import Record
from liaison.model.roles import Actor
from liaison.node.context import NO_REASON, NodeContext, Why
from liaison.node.decisions import (
    agreement_index,
    best_push,
    facts_for,
    local_decisions,
    policy_context,
)
from liaison.policy.collections import Access, collection_access
from liaison.policy.decide import Outcome, Use
from liaison.policy.permissions import check_clearance
from liaison.stix.export import to_objects
from liaison.storage import taxii as store
from liaison.storage.federation import peer_names
from liaison.taxii.pages import Entry, Item, Page, fill, versions_of
from liaison.taxii.query import EVERY_VERSION, Filters, Pick, Position, Query


class ObjectsOf(Protocol):
    """Records to every STIX object they need (``liaison.stix.export.to_objects``):
    ``names`` maps node ids to agency names, ``recipients`` are the node ids a
    TLP:RED record is meant for."""

    def __call__(
        self, records: Sequence[Record], names: Mapping[str, str], recipients: Sequence[str] = ()
    ) -> list[dict[str, Any]]: ...


CHUNK = 200  # versions read at a time while a page fills
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class CollectionInfo:
    """One partner's collection as one reader sees it."""

    id: str
    partner: str  # node id
    name: str  # the partner's name at this node
    access: Access


@dataclass(frozen=True)
class VersionsPage:
    versions: tuple[Entry, ...]
    more: bool
    next: Position | None


def collection_id(node_id: str, partner: str) -> str:
    """A stable UUID for the collection of ``partner`` at node ``node_id``."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"liaison:{node_id}:taxii:{partner}"))


class TaxiiService:
    def __init__(self, ctx: NodeContext, objects_of: ObjectsOf = to_objects) -> None:
        self.ctx = ctx
        self.objects_of = objects_of

    # --- collections -------------------------------------------------------------

    def collections(self, actor: Actor) -> list[CollectionInfo]:
        """The collections the actor may know of, readable or not."""
        with self.ctx.read() as conn:
            found = self._all(conn, actor)
        return [c for c in found if c.access.visible]

    def collection(self, actor: Actor, wanted: str, why: Why = NO_REASON) -> CollectionInfo:
        """One collection; unknown, or not to be known by the actor: NotFound
        (the latter audited as a refusal)."""
        with self.ctx.read() as conn:
            found = {c.id: c for c in self._all(conn, actor)}
        info = found.get(wanted)
        if info is None:
            raise NotFound("collection", wanted)
        if not info.access.visible:
            self._refused(actor, info, why)
            raise NotFound("collection", wanted)
        return info

    def _all(self, conn: Connection, actor: Actor) -> list[CollectionInfo]:
        names = peer_names(conn)
        partners = sorted(agreement_index(self.ctx, conn).by_partner)
        tied = self._tied(actor, names)
        return [
            CollectionInfo(
                collection_id(self.ctx.node_id, p),
                p,
                names.get(p, p),
                collection_access(actor, p, tied),
            )
            for p in partners
        ]

    def _tied(self, actor: Actor, names: Mapping[str, str]) -> str | None:
        """The partner (node id) the actor's account is tied to by the settings."""
        partner = self.ctx.settings.taxii_users.get(actor.username)
        if partner is None:
            return None
        for node_id, name in names.items():
            if partner in (node_id, name):
                return node_id
        return partner  # tied to a partner this node does not know: reads nothing

    def _readable(self, actor: Actor, wanted: str, why: Why) -> CollectionInfo:
        info = self.collection(actor, wanted, why)
        if not info.access.readable:
            self._refused(actor, info, why)
            raise Forbidden(f"collection {wanted}: {info.access.reason}")
        return info

    def _refused(self, actor: Actor, info: CollectionInfo, why: Why) -> None:
        with self.ctx.tx() as conn:
            self.ctx.record(
                conn,
                actor,
                Action.TAXII_READ,
                f"collection:{info.id}",
                why,
                Result.DENIED,
                partner=info.name,
                reason=info.access.reason,
            )

    # --- objects -------------------------------------------------------------------

    def objects(
        self,
        actor: Actor,
        wanted: str,
        query: Query,
        endpoint: str = "objects",
        why: Why = NO_REASON,
    ) -> Page:
        """A page of the collection's objects (``endpoint``: objects, manifest or
        object, for the audit entry)."""
        info = self._readable(actor, wanted, why)
        filters = query.filters
        with self.ctx.read() as conn:
            items = self._items(conn, actor, info, filters, query.start)
            page = fill(items, filters, query.limit, query.start)
            self._audit(conn, actor, info, endpoint, query, [e.id for e in page.entries], why)
        return page

    def versions(
        self, actor: Actor, wanted: str, object_id: str, query: Query, why: Why = NO_REASON
    ) -> VersionsPage:
        """The versions of one object in the collection, oldest first, paged."""
        info = self._readable(actor, wanted, why)
        with self.ctx.read() as conn:
            items = self._items(conn, actor, info, Filters(versions=EVERY_VERSION), None)
            found = versions_of(items, object_id, query.filters)
            skip = query.start.skip if query.start is not None else 0
            shown = tuple(found[skip : skip + query.limit])
            more = skip + query.limit < len(found)
            given = [f"{object_id}@{e.version}" for e in shown]
            self._audit(conn, actor, info, "versions", query, given, why)
        after = Position(EPOCH, "versions", 0, skip + query.limit) if more else None
        if not found:
            raise NotFound("object", object_id)
        return VersionsPage(shown, more, after)

    def _audit(
        self,
        conn: Connection,
        actor: Actor,
        info: CollectionInfo,
        endpoint: str,
        query: Query,
        given: list[str],
        why: Why,
    ) -> None:
        self.ctx.record(
            conn,
            actor,
            Action.TAXII_READ,
            f"collection:{info.id}",
            why,
            partner=info.name,
            endpoint=endpoint,
            filters=query.filters.describe(),
            limit=query.limit,
            next=query.start.encode() if query.start is not None else None,
            objects=given,
            count=len(given),
        )

    # --- items: the collection's record versions, decided and built ----------------

    def _items(
        self,
        conn: Connection,
        actor: Actor,
        info: CollectionInfo,
        filters: Filters,
        start: Position | None,
    ) -> Iterator[Item]:
        """The collection's items in order from ``start``, read ``CHUNK`` versions
        at a time; only each record's current version when that is all that is
        asked (``match[version]=last``, the default)."""
        current_only = filters.versions.only_last
        place = None if start is None else (start.added, start.source, start.version)
        names = self._names(conn)
        while True:
            rows = store.shared_versions(
                conn,
                info.partner,
                self.ctx.node_id,
                place,
                filters.added_after,
                current_only,
                CHUNK,
            )
            if current_only:
                kept = self._decided_current(conn, actor, info, rows)
            else:
                kept = self._decided_all(conn, actor, info, rows)
            for record, picks in kept:
                objects = tuple(self.objects_of([record], names, (info.partner,)))
                yield Item(record.modified, record.record_id, record.version, objects, picks)
            if len(rows) < CHUNK:
                return
            last = rows[-1][0]
            place = (last.modified, last.record_id, last.version + 1)

    def _names(self, conn: Connection) -> dict[str, str]:
        return {**peer_names(conn), self.ctx.node_id: self.ctx.name}

    def _allowed(
        self, conn: Connection, actor: Actor, info: CollectionInfo, records: Sequence[Record]
    ) -> set[tuple[str, int]]:
        """The versions the partner may receive in full today and the reader may
        see; a deletion is given to a partner that was sent the record in full (not
        to one that only held a hit/no-hit reference to it)."""
        live = [r for r in records if not r.deleted]
        gone = [r for r in records if r.deleted]
        held = (
            store.sent_in_full(conn, info.partner, [r.record_id for r in gone]) if gone else set()
        )
        allowed = {(r.record_id, r.version) for r in gone if r.record_id in held}
        if not live:
            return allowed
        context = policy_context(self.ctx, conn, [r.record_id for r in live])
        facts = facts_for(self.ctx, conn, live)
        seen = self._reader_sees(conn, actor, live, info.access.tied)
        for record, fact, sees in zip(live, facts, seen, strict=True):
            push = best_push(fact, info.partner, record, context)
            if push.outcome is Outcome.FULL and sees:
                allowed.add((record.record_id, record.version))
        return allowed

    def _reader_sees(
        self, conn: Connection, actor: Actor, records: Sequence[Record], tied: bool
    ) -> list[bool]:
        """Whether the reader may see each version: a partner's account within its
        clearance (what it may read is the partner's; its role reads nothing else,
        its tokens work only here), anyone else as a local read decides."""
        if tied:
            return [check_clearance(actor, r.envelope.markings).allowed for r in records]
        return [d.allowed for d in local_decisions(self.ctx, conn, actor, records, Use.VIEW)]

    def _decided_current(
        self, conn: Connection, actor: Actor, info: CollectionInfo, rows: list[tuple[Record, int]]
    ) -> list[tuple[Record, frozenset[Pick]]]:
        records = [record for record, _ in rows]
        allowed = self._allowed(conn, actor, info, records)
        last = frozenset({Pick.LAST})
        return [(r, last) for r in records if (r.record_id, r.version) in allowed]

    def _decided_all(
        self, conn: Connection, actor: Actor, info: CollectionInfo, rows: list[tuple[Record, int]]
    ) -> list[tuple[Record, frozenset[Pick]]]:
        """Every version decided, with the whole history of each record read: a
        record whose current version the partner may not have is left out whole
        (the partner holds nothing of it); ``first`` is its earliest version allowed."""
        history = store.every_version(conn, sorted({r.record_id for r, _ in rows}))
        every = [v for versions in history.values() for v in versions]
        allowed = self._allowed(conn, actor, info, every)
        kept = []
        for record, current in rows:
            ok = sorted(v for rid, v in allowed if rid == record.record_id)
            if (record.record_id, current) not in allowed or record.version not in ok:
                continue
            picks = {Pick.LAST} if record.version == current else set()
            if record.version == ok[0]:
                picks.add(Pick.FIRST)
            kept.append((record, frozenset(picks)))
        return kept
