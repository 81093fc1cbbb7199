"""SQL for records: the append-only versions and the head index."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import ColumnElement, Connection, Row, Select, and_, or_, select, update

from liaison.errors import InvalidInput
from liaison.matching.profile import Profile
from liaison.model.entities import get_schema
from liaison.model.envelope import stored_envelope
from liaison.model.markings import TLP, Classification
from liaison.model.records import Record
from liaison.model.vocab import CrimeArea, parse_enum
from liaison.storage import matching
from liaison.storage.bulk import Binder, chunks, insert_rows, insert_tuples
from liaison.storage.tables import consents, copies, record_versions, records


@dataclass(frozen=True)
class RecordFilter:
    schema: str | None = None
    classification: Classification | None = None
    tlp: str | None = None
    crime_area: str | None = None
    text: str | None = None
    include_deleted: bool = False
    originator: str | None = None  # a node id: this node's own records, or a partner's copies
    schemata: frozenset[str] | None = None  # any of these schemata (a parent's descendants)

    @classmethod
    def parse(
        cls,
        schema: str | None = None,
        classification: str | None = None,
        tlp: str | None = None,
        crime_area: str | None = None,
        text: str | None = None,
        include_deleted: bool = False,
        originator: str | None = None,
    ) -> RecordFilter:
        """Filters as a user typed them; an unknown value is an error naming the filter."""
        return cls(
            schema=get_schema(schema, "schema").name if schema else None,
            classification=Classification.parse(classification) if classification else None,
            tlp=_tlp(tlp),
            crime_area=parse_enum(CrimeArea, "crime_area", crime_area).value
            if crime_area
            else None,
            text=text,
            include_deleted=include_deleted,
            originator=originator or None,
        )

    def describe(self) -> dict[str, Any]:
        """The filters that are set, for audit entries."""
        return {
            k: (
                v.name
                if isinstance(v, Classification)
                else sorted(v)
                if isinstance(v, frozenset)
                else v
            )
            for k, v in self.__dict__.items()
            if v
        }


def _tlp(value: str | None) -> str | None:
    if not value:
        return None
    text = value.strip().upper().removeprefix("TLP:").replace(" ", "+")  # '+' arrives as ' '
    try:
        return TLP(text).value
    except ValueError:
        allowed = ", ".join(t.value for t in TLP)
        raise InvalidInput("tlp", value, f"must be one of {allowed}") from None


def names_text(names: Iterable[str]) -> str:
    """Lower-cased names joined by a separator, for substring filters."""
    return "\x1f".join(n.casefold() for n in names)


def head(conn: Connection, record_id: str, lock: bool = False) -> Row[Any] | None:
    """A record's head row; with ``lock``, held until the transaction ends
    (FOR UPDATE on PostgreSQL; SQLite's write transactions are exclusive already)."""
    query = select(records).where(records.c.record_id == record_id)
    return conn.execute(query.with_for_update() if lock else query).first()


def heads_for(conn: Connection, record_ids: Sequence[str]) -> dict[str, Any]:
    query = select(
        records.c.record_id,
        records.c.originator,
        records.c.version,
        records.c.content_hash,
        records.c.deleted,
        records.c.created,
        records.c.created_by,
    ).where(records.c.record_id.in_(record_ids))
    return {row.record_id: row for row in conn.execute(query)}


def load(conn: Connection, head_row: Row[Any], version: int | None = None) -> Record | None:
    wanted = head_row.version if version is None else version
    row = conn.execute(
        select(record_versions).where(
            and_(
                record_versions.c.record_id == head_row.record_id,
                record_versions.c.version == wanted,
            )
        )
    ).first()
    if row is None:
        row = _copy(conn, head_row.record_id, wanted)
    return None if row is None else to_record(head_row, row)


def current_of(
    conn: Connection, originator: str, after: int, limit: int
) -> tuple[list[Record], int]:
    """The current versions of an originator's records, in head order, from
    ``after`` (a head row id); also the last head row id read."""
    query = (
        _current()
        .where(and_(records.c.originator == originator, records.c.id > after))
        .order_by(records.c.id)
        .limit(limit)
    )
    rows = list(conn.execute(query))
    return [to_record(row, row) for row in rows], (rows[-1].head_id if rows else after)


def current_for(conn: Connection, record_ids: Sequence[str]) -> list[Record]:
    """The current versions of these records, as this node keeps them in its
    own history (received copies are not included)."""
    found = []
    for chunk in chunks(record_ids):
        rows = conn.execute(_current().where(records.c.record_id.in_(chunk)))
        found += [to_record(row, row) for row in rows]
    return found


def current_with_copies(conn: Connection, record_ids: Sequence[str]) -> list[Record]:
    """The current versions of these records, received copies held in full included."""
    found = current_for(conn, record_ids)
    local = {r.record_id for r in found}
    for head_row in heads_for(conn, [i for i in record_ids if i not in local]).values():
        record = load(conn, head_row)
        if record is not None:
            found.append(record)
    return found


def _current() -> Select[Any]:
    """Each head joined to its current version row."""
    return select(
        record_versions, records.c.id.label("head_id"), records.c.created, records.c.created_by
    ).join(
        records,
        and_(
            records.c.record_id == record_versions.c.record_id,
            records.c.version == record_versions.c.version,
        ),
    )


def all_versions(conn: Connection, head_row: Row[Any]) -> list[Record]:
    """Every version this node keeps: its own records' full history, or the one
    version of a received copy (the originator keeps the history)."""
    rows = list(
        conn.execute(
            select(record_versions)
            .where(record_versions.c.record_id == head_row.record_id)
            .order_by(record_versions.c.version)
        )
    )
    if not rows:
        copy = _copy(conn, head_row.record_id, head_row.version)
        rows = [copy] if copy is not None else []
    return [to_record(head_row, row) for row in rows]


def _copy(conn: Connection, record_id: str, version: int) -> Row[Any] | None:
    """A received copy, held in full, at that version."""
    return conn.execute(
        select(copies).where(
            and_(
                copies.c.record_id == record_id,
                copies.c.version == version,
                copies.c.level == "full",
            )
        )
    ).first()


def to_record(head_row: Row[Any], row: Row[Any]) -> Record:
    entity = orjson.loads(row.entity)
    return Record(
        record_id=row.record_id,
        version=row.version,
        schema=row.schema,
        entity_id=entity["id"],
        properties=entity["properties"],
        envelope=stored_envelope(row.envelope),
        caption=row.caption,
        created=head_row.created,
        modified=row.at,
        created_by=head_row.created_by,
        modified_by=row.actor,
        deleted=row.deleted,
        reason=row.reason,
    )


def entity_text(record: Record) -> str:
    """How a version's entity is stored (and sent): its id and properties."""
    return orjson.dumps({"id": record.entity_id, "properties": record.properties}).decode()


def version_row(record: Record) -> dict[str, Any]:
    return {
        "record_id": record.record_id,
        "version": record.version,
        "schema": record.schema,
        "entity": entity_text(record),
        "envelope": record.envelope.canonical.decode(),
        "caption": record.caption,
        "deleted": record.deleted,
        "reason": record.reason,
        "content_hash": record.content_hash,
        "actor": record.modified_by,
        "at": record.modified,
    }


def head_row(record: Record, names: str) -> dict[str, Any]:
    markings = record.envelope.markings
    return {
        "record_id": record.record_id,
        "entity_id": record.entity_id,
        "originator": record.envelope.originator,
        "schema": record.schema,
        "caption": record.caption,
        "names": names,
        "classification": None if markings.classification is None else int(markings.classification),
        "tlp": markings.tlp.value if markings.tlp else None,
        "crime_area": record.envelope.crime_area.value if record.envelope.crime_area else None,
        "review_due": record.envelope.review_due,
        "expires": record.envelope.expires,
        "version": record.version,
        "content_hash": record.content_hash,
        "deleted": record.deleted,
        "created": record.created,
        "modified": record.modified,
        "created_by": record.created_by,
        "modified_by": record.modified_by,
    }


@dataclass(frozen=True)
class Bound:
    """A record version's rows bound for the database (``bulk.Binder``): an import
    worker makes them so that the writing process only hands them to the driver.
    ``head`` is the new head row of a first version (None for a later one)."""

    version: tuple[Any, ...]
    head: tuple[Any, ...] | None


# the keys of version_row and head_row, in their order (a test holds them equal)
VERSION_COLUMNS = (
    "record_id",
    "version",
    "schema",
    "entity",
    "envelope",
    "caption",
    "deleted",
    "reason",
    "content_hash",
    "actor",
    "at",
)
HEAD_COLUMNS = (
    "record_id",
    "entity_id",
    "originator",
    "schema",
    "caption",
    "names",
    "classification",
    "tlp",
    "crime_area",
    "review_due",
    "expires",
    "version",
    "content_hash",
    "deleted",
    "created",
    "modified",
    "created_by",
    "modified_by",
)


_VERSION_AT = VERSION_COLUMNS.index("version")


def bound(record: Record, names: str, binder: Binder) -> Bound:
    version = binder.bind(record_versions, version_row(record))
    head = binder.bind(records, head_row(record, names)) if record.version == 1 else None
    return Bound(version, head)


def write(
    conn: Connection,
    items: Sequence[tuple[Record, str]],
    profiles: Mapping[str, Profile | matching.Indexed] | None = None,
    rows: Mapping[str, Bound] | None = None,
) -> None:
    """Append versions and move the heads; new records get a head row. The
    candidate index follows (``profiles``: those already built from the same
    properties, by record id, as an import's workers do; ``rows``: the rows they
    bound, for the versions written here) and the records wait to be cross-matched."""
    if not items:
        return
    made_rows = rows or {}
    binder = Binder(conn.dialect)
    written = [
        made_rows.get(r.record_id) if _same(made_rows.get(r.record_id), r) else None
        for r, _ in items
    ]
    bound_rows = [
        found or bound(record, names, binder)
        for found, (record, names) in zip(written, items, strict=True)
    ]
    insert_tuples(conn, record_versions, VERSION_COLUMNS, [b.version for b in bound_rows])
    insert_tuples(conn, records, HEAD_COLUMNS, [b.head for b in bound_rows if b.head is not None])
    for record, names in items:
        if record.version > 1:
            row = head_row(record, names)
            del row["record_id"], row["created"], row["created_by"]
            conn.execute(
                update(records).where(records.c.record_id == record.record_id).values(**row)
            )
    changed = [record for record, _ in items]
    made = profiles or {}
    latest = {r.record_id: r for r in changed}
    entries = {
        rid: None if r.deleted else made.get(rid) or matching.profile_of(r)
        for rid, r in latest.items()
    }
    first = {rid for rid, r in latest.items() if r.version == 1}  # never indexed before
    matching.index(conn, [(rid, p) for rid, p in entries.items() if rid in first], fresh=True)
    matching.index(conn, [(rid, p) for rid, p in entries.items() if rid not in first])
    matching.enqueue(conn, changed, max(r.modified for r in changed))


def _same(rows: Bound | None, record: Record) -> bool:
    """Whether rows bound elsewhere are this version's (an import's update is
    rebuilt on the stored version, and its rows with it)."""
    return rows is not None and rows.version[_VERSION_AT] == record.version


def insert_heads(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    insert_rows(conn, records, rows)


def visible_to(clearance: Classification, username: str, holder: str) -> ColumnElement[bool]:
    """Heads a user may see: within clearance; TLP:RED only for its author (on
    the node that made it: a user of the same name elsewhere is someone else)
    and the users its originator named (the same rule as ``policy.decide``)."""
    named = select(consents.c.record_id).where(
        and_(
            consents.c.recipient == f"user:{username}",
            consents.c.use == "view",
            consents.c.withdrawn.is_(None),
        )
    )
    return and_(
        or_(records.c.classification.is_(None), records.c.classification <= int(clearance)),
        or_(
            records.c.tlp.is_(None),
            records.c.tlp != TLP.RED.value,
            and_(
                records.c.originator == holder,
                records.c.created_by.endswith(f":{username}", autoescape=True),
            ),
            records.c.record_id.in_(named),
        ),
    )


def visible_ids(
    conn: Connection,
    record_ids: Sequence[str],
    clearance: Classification,
    username: str,
    holder: str,
) -> set[str]:
    """Which of these records (current, not deleted) the user may see."""
    found: set[str] = set()
    for chunk in chunks(record_ids):
        query = select(records.c.record_id).where(
            records.c.record_id.in_(chunk),
            records.c.deleted.is_(False),
            visible_to(clearance, username, holder),
        )
        found.update(conn.execute(query).scalars())
    return found


def search(
    conn: Connection,
    flt: RecordFilter,
    clearance: Classification,
    after: int,
    limit: int,
    username: str,
    holder: str,
) -> list[Row[Any]]:
    """Heads the user may see (``visible_to``) that match the filter."""
    query = select(records).where(records.c.id > after).order_by(records.c.id).limit(limit)
    level = int(flt.classification) if flt.classification is not None else None
    conditions = [
        visible_to(clearance, username, holder),
        records.c.schema == flt.schema if flt.schema else None,
        records.c.classification == level if level is not None else None,
        records.c.tlp == flt.tlp if flt.tlp else None,
        records.c.crime_area == flt.crime_area if flt.crime_area else None,
        records.c.names.contains(flt.text.casefold(), autoescape=True) if flt.text else None,
        records.c.originator == flt.originator if flt.originator else None,
        records.c.schema.in_(sorted(flt.schemata)) if flt.schemata is not None else None,
        None if flt.include_deleted else records.c.deleted.is_(False),
    ]
    for condition in conditions:
        if condition is not None:
            query = query.where(condition)
    return list(conn.execute(query))
