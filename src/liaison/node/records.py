"""Record use cases: create, read, update, delete, history, list, look up by
identifier. Each one is one transaction that writes the change and its audit
entry together."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from followthemoney import registry
from sqlalchemy import Connection

from liaison.audit.chain import Action
from liaison.errors import Conflict, InvalidInput, NotFound, ReadOnlyRecord
from liaison.matching.identifiers import Identifier, readings
from liaison.matching.profile import identifier_entry, identifier_key
from liaison.model.markings import Classification
from liaison.model.records import Record
from liaison.model.roles import Actor
from liaison.node.builder import RecordBuilder
from liaison.node.context import NO_REASON, NodeContext, Why, deny_unless, load_names
from liaison.node.decisions import hold_if_flagged, may_view
from liaison.node.outbox import propagate
from liaison.policy.permissions import Permission, check_clearance
from liaison.storage import lookup as lookup_store
from liaison.storage import records as store
from liaison.storage.records import RecordFilter, visible_to

P = Permission


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    next_cursor: str | None


@dataclass(frozen=True)
class Lookup:
    """An identifier lookup: the text as typed, the country its phone numbers were
    read in, what it was read as, and a page of the records holding any of those
    identifiers (summaries, each with ``matched``: the ``kind:value`` it holds)."""

    text: str
    country: str | None
    readings: tuple[Identifier, ...]
    items: list[dict[str, Any]]
    next_cursor: str | None


class RecordService:
    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        self.builder = RecordBuilder(ctx.node_id, ctx.settings.review_years, ctx.clock)

    def create(self, actor: Actor, entity: Any, envelope: Any, why: Why = NO_REASON) -> Record:
        with self.ctx.guard(actor, why):
            self.ctx.permit(actor, P.RECORD_WRITE, Action.RECORD_CREATE, "record")
            record, names = self.builder.build(actor, entity, envelope)
            _may_mark(actor, record, Action.RECORD_CREATE)
            load_names()  # before the write lock is taken, not while it is held
            with self.ctx.tx() as conn:
                if store.head(conn, record.record_id) is not None:
                    raise Conflict(f"record {record.record_id} exists; update it instead")
                store.write(conn, [(record, names)])
                hold_if_flagged(self.ctx, conn, actor, record)
                propagate(self.ctx, conn, [record])
                self.ctx.record(
                    conn,
                    actor,
                    Action.RECORD_CREATE,
                    record.record_id,
                    why,
                    version=1,
                    schema=record.schema,
                    hash=record.content_hash,
                )
        return record

    def get(
        self, actor: Actor, record_id: str, version: int | None = None, why: Why = NO_REASON
    ) -> Record:
        with self.ctx.guard(actor, why):
            self.ctx.permit(actor, P.RECORD_READ, Action.RECORD_READ, record_id)
            with self.ctx.read() as conn:
                head = _head(conn, record_id)
                record = _load(conn, head, version)
                # an old version is as secret as the record now is
                shown = [record] if version is None else [record, _load(conn, head)]
                may_view(self.ctx, conn, actor, shown, Action.RECORD_READ)
                self.ctx.record(
                    conn, actor, Action.RECORD_READ, record_id, why, version=record.version
                )
        return record

    def history(self, actor: Actor, record_id: str, why: Why = NO_REASON) -> list[Record]:
        with self.ctx.guard(actor, why):
            self.ctx.permit(actor, P.RECORD_READ, Action.RECORD_HISTORY, record_id)
            with self.ctx.read() as conn:
                versions = store.all_versions(conn, _head(conn, record_id))
                may_view(self.ctx, conn, actor, versions, Action.RECORD_HISTORY)
                self.ctx.record(
                    conn, actor, Action.RECORD_HISTORY, record_id, why, versions=len(versions)
                )
        return versions

    def update(
        self,
        actor: Actor,
        record_id: str,
        entity: Any,
        envelope: Any,
        expected_version: int | None,
        why: Why = NO_REASON,
    ) -> Record:
        with self.ctx.guard(actor, why):
            self.ctx.permit(actor, P.RECORD_WRITE, Action.RECORD_UPDATE, record_id)
            load_names()
            with self.ctx.tx() as conn:
                current = self._writable(conn, actor, record_id, expected_version)
                record, names = self.builder.build(actor, entity, envelope, previous=current)
                _may_mark(actor, record, Action.RECORD_UPDATE)
                store.write(conn, [(record, names)])
                hold_if_flagged(self.ctx, conn, actor, record)
                propagate(self.ctx, conn, [record])
                self.ctx.record(
                    conn,
                    actor,
                    Action.RECORD_UPDATE,
                    record_id,
                    why,
                    version=record.version,
                    hash=record.content_hash,
                )
        return record

    def delete(
        self,
        actor: Actor,
        record_id: str,
        reason: str | None,
        expected_version: int | None = None,
        why: Why = NO_REASON,
    ) -> Record:
        if not reason or not reason.strip():
            raise InvalidInput(
                "reason", reason, "a deletion needs a reason, kept with the tombstone"
            )
        with self.ctx.guard(actor, why):
            self.ctx.permit(actor, P.RECORD_WRITE, Action.RECORD_DELETE, record_id)
            with self.ctx.tx() as conn:
                current = self._writable(conn, actor, record_id, expected_version)
                return delete_record(self.ctx, conn, actor, current, reason, why)

    def search(
        self, actor: Actor, flt: RecordFilter, cursor: str | None, limit: int, why: Why = NO_REASON
    ) -> Page:
        limit = max(1, min(limit, self.ctx.settings.page_size_max))
        after = decode_cursor(cursor)
        with self.ctx.guard(actor, why):
            self.ctx.permit(actor, P.RECORD_READ, Action.RECORD_SEARCH, "records")
            with self.ctx.read() as conn:
                rows = store.search(
                    conn, flt, actor.clearance, after, limit + 1, actor.username, self.ctx.node_id
                )
                self.ctx.record(
                    conn,
                    actor,
                    Action.RECORD_SEARCH,
                    "records",
                    why,
                    filter=flt.describe(),
                    returned=min(len(rows), limit),
                )
        more = len(rows) > limit
        rows = rows[:limit]
        next_cursor = encode_cursor(rows[-1].id) if more and rows else None
        return Page([summary(r) for r in rows], next_cursor)

    def lookup(
        self,
        actor: Actor,
        text: str,
        country: str | None = None,
        cursor: str | None = None,
        limit: int = 50,
        why: Why = NO_REASON,
    ) -> Lookup:
        """Records the user may see (as ``search``: own records and received copies)
        holding the identifier ``text`` reads as (``readings``, normalised as the
        candidate index normalises records' identifiers), through that index.
        ``country``: for phone numbers written without ``+`` (default: the node's
        ``default_country``). Audited as a search, with the text as typed."""
        limit = max(1, min(limit, self.ctx.settings.page_size_max))
        after = decode_cursor(cursor)
        region = lookup_region(country, self.ctx.settings.default_country)
        with self.ctx.guard(actor, why):
            self.ctx.permit(actor, P.RECORD_READ, Action.RECORD_SEARCH, "records")
            found = readings(text, region)
            if not found:
                raise InvalidInput("identifier", text, UNREAD)
            entries = {identifier_key(identifier_entry(r)): identifier_entry(r) for r in found}
            with self.ctx.read() as conn:
                visible = visible_to(actor.clearance, actor.username, self.ctx.node_id)
                rows = lookup_store.holders(conn, entries, visible, after, limit + 1)
                shown = rows[:limit]
                held = lookup_store.keys_held(conn, [r.record_id for r in shown], entries)
                self.ctx.record(
                    conn,
                    actor,
                    Action.RECORD_SEARCH,
                    "records",
                    why,
                    filter={"identifier": text, **({"country": region} if region else {})},
                    read_as=list(entries.values()),
                    returned=len(shown),
                    results=[r.record_id for r in shown],
                )
        items = [
            {**summary(r), "matched": [entries[k] for k in held.get(r.record_id, [])]}
            for r in shown
        ]
        next_cursor = encode_cursor(shown[-1].id) if len(rows) > limit else None
        return Lookup(text, region, found, items, next_cursor)

    def _writable(
        self, conn: Connection, actor: Actor, record_id: str, expected_version: int | None
    ) -> Record:
        current = _load(conn, _head(conn, record_id, lock=True))  # one writer per record
        may_view(self.ctx, conn, actor, [current], Action.RECORD_UPDATE)  # clearance, TLP:RED
        if current.deleted:
            raise ReadOnlyRecord(f"record {record_id} was deleted at version {current.version}")
        if current.envelope.originator != self.ctx.node_id:
            raise ReadOnlyRecord(f"record {record_id} is owned by {current.envelope.originator}")
        if expected_version is not None and expected_version != current.version:
            raise Conflict(
                f"record {record_id} is at version {current.version}, not {expected_version}; "
                "reload it and apply your change again"
            )
        return current


def delete_record(
    ctx: NodeContext,
    conn: Connection,
    actor: Actor,
    current: Record,
    reason: str,
    why: Why = NO_REASON,
) -> Record:
    """Write the tombstone of one of this node's records, queue it for every partner
    that holds a copy, and audit it; the caller checked the record may be deleted."""
    tombstone = current.tombstone(reason.strip(), actor.label, ctx.now())
    store.write(conn, [(tombstone, "")])
    propagate(ctx, conn, [tombstone])
    ctx.record(
        conn,
        actor,
        Action.RECORD_DELETE,
        current.record_id,
        why,
        version=tombstone.version,
        hash=tombstone.content_hash,
        reason=tombstone.reason,
    )
    return tombstone


def _head(conn: Connection, record_id: str, lock: bool = False) -> Any:
    head = store.head(conn, record_id, lock)
    if head is None:
        raise NotFound("record", record_id)
    return head


def _load(conn: Connection, head: Any, version: int | None = None) -> Record:
    record = store.load(conn, head, version)
    if record is None:
        raise NotFound("record version", f"{head.record_id}@{version}")
    return record


UNREAD = (
    "not read as an identifier: a phone number (with + or a country), e-mail address, "
    "IBAN, IMO or MMSI number, crypto wallet, or a passport or ID number (more digits "
    "than letters)"
)


def lookup_region(given: str | None, default: str | None) -> str | None:
    """The region phone numbers without ``+`` are read in: the country given (an
    ISO 3166 code or a name, as FollowTheMoney reads countries), else the default."""
    text = (given or "").strip()
    if not text:
        return default.upper() if default else None
    code = registry.country.clean(text)
    if code is None or len(code) != 2:
        raise InvalidInput(
            "country", given, "not a country: an ISO 3166 code such as PH, or a name"
        )
    return code.upper()


def _may_mark(actor: Actor, record: Record, action: Action) -> None:
    """Nobody may write a record classified above their own clearance."""
    deny_unless(check_clearance(actor, record.envelope.markings), action, record.record_id)


def summary(row: Any) -> dict[str, Any]:
    level = row.classification
    return {
        "record_id": row.record_id,
        "schema": row.schema,
        "caption": row.caption,
        "version": row.version,
        "originator": row.originator,
        "classification": None if level is None else Classification(level).name,
        "tlp": row.tlp,
        "crime_area": row.crime_area,
        "deleted": row.deleted,
        "modified": row.modified.isoformat(),
    }


def encode_cursor(row_id: int) -> str:
    return base64.urlsafe_b64encode(f"r:{row_id}".encode()).decode()


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        prefix, value = base64.urlsafe_b64decode(cursor.encode()).decode().split(":", 1)
        if prefix != "r":
            raise ValueError(prefix)
        position = int(value)
        if not 0 <= position < 2**62:
            raise ValueError(value)
        return position
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("cursor", cursor, "not a cursor this node issued") from None
