"""Bulk import and export.

Import writes in batches: each batch is one transaction with one audit entry,
so a crash leaves whole batches or nothing. A line that fails validation is
reported by number and never written; with ``strict`` nothing at all is
written unless every line is valid.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import orjson

from liaison.audit.chain import Action
from liaison.errors import ImportRejected, InvalidInput, LineError
from liaison.model.envelope import Envelope
from liaison.model.records import Record
from liaison.model.roles import Actor
from liaison.node.context import NO_REASON, NodeContext, Why
from liaison.node.records import RecordService
from liaison.node.sources import Item
from liaison.policy.permissions import Permission, check_clearance
from liaison.storage import records as store
from liaison.storage.records import RecordFilter

Progress = Callable[[int], None]


@dataclass
class ImportReport:
    lines: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    batches: int = 0
    rejected: list[LineError] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "lines": self.lines,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "batches": self.batches,
            "rejected": [e.as_dict() for e in self.rejected[:1000]],
            "rejected_count": len(self.rejected),
        }


@dataclass
class _Batch:
    first_line: int = 0
    items: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


class TransferService:
    def __init__(self, ctx: NodeContext, records: RecordService) -> None:
        self.ctx = ctx
        self.records = records
        self._envelopes: dict[bytes, Envelope] = {}

    def import_items(
        self,
        actor: Actor,
        items: Callable[[], Iterable[Item]],
        defaults: dict[str, Any] | None = None,
        strict: bool = False,
        progress: Progress | None = None,
        source: str = "import",
        why: Why = NO_REASON,
    ) -> ImportReport:
        """Import entity dicts; ``items`` is called again for the writing pass when strict."""
        with self.ctx.guard(actor, why):
            self.ctx.permit(actor, Permission.RECORD_IMPORT, Action.RECORD_IMPORT, source)
        defaults = defaults or {}
        if strict:
            rejected = [e for e in self._validate_all(actor, items(), defaults)]
            if rejected:
                raise ImportRejected(rejected)
        report = ImportReport()
        batch = _Batch()
        for number, item in items():
            report.lines += 1
            if isinstance(item, LineError):
                report.rejected.append(item)
            else:
                batch.items.append((number, item))
            if len(batch.items) >= self.ctx.settings.import_batch_size:
                self._write_batch(actor, batch, defaults, report, source, why)
                batch = _Batch()
            if progress:
                progress(1)
        self._write_batch(actor, batch, defaults, report, source, why)
        return report

    def _validate_all(
        self, actor: Actor, items: Iterable[Item], defaults: dict[str, Any]
    ) -> Iterator[LineError]:
        for number, item in items:
            if isinstance(item, LineError):
                yield item
                continue
            try:
                self._build(actor, item, defaults, None)
            except InvalidInput as exc:
                yield LineError(number, exc.field, exc.value, exc.reason)

    def _build(
        self, actor: Actor, item: dict[str, Any], defaults: dict[str, Any], previous: Record | None
    ) -> tuple[Record, str]:
        raw = {**defaults, **(item.get("envelope") or {})}
        entity = {k: v for k, v in item.items() if k != "envelope"}
        if previous is not None:
            entity.pop("id", None)
            envelope: Envelope | dict[str, Any] = raw
        else:
            envelope = self._envelope(raw)
        record, names = self.records.build(actor, entity, envelope, previous)
        if not check_clearance(actor, record.envelope.markings).allowed:
            raise InvalidInput(
                "envelope.markings.classification",
                record.envelope.markings.to_dict()["classification"],
                "above your clearance",
            )
        return record, names

    def _envelope(self, raw: dict[str, Any]) -> Envelope:
        """Parse an envelope once per distinct value: bulk data repeats a few envelopes."""
        if not isinstance(raw, dict):
            raise InvalidInput("envelope", raw, "must be an object")
        key = orjson.dumps(raw, option=orjson.OPT_SORT_KEYS)
        parsed = self._envelopes.get(key)
        if parsed is None:
            if len(self._envelopes) > 10_000:
                self._envelopes.clear()
            parsed = self._envelopes[key] = self.records.parse_envelope(raw)
        return parsed

    def _write_batch(
        self,
        actor: Actor,
        batch: _Batch,
        defaults: dict[str, Any],
        report: ImportReport,
        source: str,
        why: Why,
    ) -> None:
        if not batch.items:
            return
        built: list[tuple[int, Record, str]] = []
        for number, item in batch.items:
            try:
                record, names = self._build(actor, item, defaults, None)
            except InvalidInput as exc:
                report.rejected.append(LineError(number, exc.field, exc.value, exc.reason))
                continue
            built.append((number, record, names))
        with self.ctx.tx() as conn:
            heads = store.heads_for(conn, [r.record_id for _, r, _ in built])
            writes = self._plan(actor, built, heads, defaults, batch, report)
            store.write(conn, writes)
            report.batches += 1
            self.ctx.record(
                conn,
                actor,
                Action.RECORD_IMPORT,
                source,
                why,
                lines=f"{batch.items[0][0]}-{batch.items[-1][0]}",
                written=len(writes),
                created=sum(1 for r, _ in writes if r.version == 1),
            )

    def _plan(
        self,
        actor: Actor,
        built: list[tuple[int, Record, str]],
        heads: dict[str, Any],
        defaults: dict[str, Any],
        batch: _Batch,
        report: ImportReport,
    ) -> list[tuple[Record, str]]:
        writes: list[tuple[Record, str]] = []
        seen: set[str] = set()
        items = dict(batch.items)
        for number, record, names in built:
            head = heads.get(record.record_id)
            if record.record_id in seen:
                report.rejected.append(
                    LineError(
                        number, "id", record.entity_id, "the same entity appears twice in one batch"
                    )
                )
                continue
            seen.add(record.record_id)
            if head is None:
                writes.append((record, names))
                report.created += 1
            elif head.deleted:
                report.rejected.append(
                    LineError(
                        number,
                        "id",
                        record.entity_id,
                        f"record was deleted at version {head.version}",
                    )
                )
            elif head.content_hash == record.content_hash:
                report.unchanged += 1
            else:
                writes.append(self._next_version(actor, items[number], defaults, record, head))
                report.updated += 1
        return writes

    def _next_version(
        self,
        actor: Actor,
        item: dict[str, Any],
        defaults: dict[str, Any],
        record: Record,
        head: Any,
    ) -> tuple[Record, str]:
        previous = replace(
            record, version=head.version, created=head.created, created_by=head.created_by
        )
        return self._build(actor, item, defaults, previous)

    def export(self, actor: Actor, flt: RecordFilter, why: Why = NO_REASON) -> Iterator[bytes]:
        """FtM JSON lines with each record's envelope; the audit entry is written first."""
        with self.ctx.guard(actor, why):
            self.ctx.permit(actor, Permission.RECORD_EXPORT, Action.RECORD_EXPORT, "records")
        with self.ctx.tx() as conn:
            self.ctx.record(
                conn,
                actor,
                Action.RECORD_EXPORT,
                "records",
                why,
                filter={k: str(v) for k, v in flt.__dict__.items() if v},
            )
        return self._stream(actor, flt)

    def _stream(self, actor: Actor, flt: RecordFilter) -> Iterator[bytes]:
        after = 0
        while True:
            with self.ctx.engine.connect() as conn:
                heads = store.search(conn, flt, actor.clearance, after, 1000)
                lines = [_export_line(store.load(conn, h)) for h in heads]
            yield from (line for line in lines if line)
            if len(heads) < 1000:
                return
            after = heads[-1].id


def _export_line(record: Record | None) -> bytes:
    if record is None or record.deleted:
        return b""
    data = {
        **record.entity,
        "envelope": {k: v for k, v in record.envelope.to_dict().items() if k != "originator"},
        "liaison": {
            "record_id": record.record_id,
            "version": record.version,
            "originator": record.envelope.originator,
        },
    }
    return orjson.dumps(data) + b"\n"
