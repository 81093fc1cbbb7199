"""Bulk import and export.

Import writes in batches: each batch is one transaction with one audit entry,
so a crash leaves whole batches or nothing. A line that fails validation is
reported by number and never written; with ``strict`` nothing at all is
written unless every line is valid.

Validation (FollowTheMoney value cleaning above all) and the match profile
(name analysis, identifiers) cost more than the writing, so when an import has
more than one batch and ``LIAISON_IMPORT_WORKERS`` allows, batches are
validated and profiled in worker processes while the main process writes, in
order. The workers are forked from a fork server that loaded the name analyser
once (``liaison.node.warm``): they share its memory instead of each loading
their own (about 10 s of CPU and 380 MiB apiece). The fork server lives as
long as the process, so the next import starts at once; a single-threaded
server is forked from, never the node itself, whose threads could hold locks.
"""

from __future__ import annotations

import itertools
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import orjson
from sqlalchemy import Connection

from liaison.audit.chain import Action, Result
from liaison.csvout import to_csv, to_xlsx
from liaison.errors import (
    ForeignRecord,
    ImportInterrupted,
    ImportRejected,
    InvalidInput,
    LineError,
)
from liaison.matching.profile import build as build_profile
from liaison.model.envelope import Envelope
from liaison.model.ids import record_id_for
from liaison.model.records import Record
from liaison.model.roles import Actor
from liaison.node.builder import RecordBuilder, as_object
from liaison.node.context import NO_REASON, NodeContext, Why, load_names
from liaison.node.decisions import hold_if_flagged, local_decisions
from liaison.node.integrity import logged
from liaison.node.outbox import propagate
from liaison.node.records import RecordService
from liaison.node.sources import Item, RawLine
from liaison.node.spreadsheet import record_table
from liaison.policy.decide import Decision, Use
from liaison.policy.neutrality import Signal, screen
from liaison.policy.permissions import Permission, check_clearance
from liaison.storage import records as store
from liaison.storage.bulk import Binder, analyse
from liaison.storage.federation import peer_names
from liaison.storage.matching import Indexed, prepared
from liaison.storage.records import RecordFilter

Progress = Callable[[int], None]
Batch = list[tuple[int, dict[str, Any] | RawLine]]


@dataclass(frozen=True)
class Built:
    """A line made into a first version, with all that writing it needs: its names
    text, its match index rows, its neutrality signals and its rows bound for the
    database. Import workers make these; the writing process only writes them."""

    line: int
    record: Record
    names: str
    indexed: Indexed
    signals: tuple[Signal, ...]
    rows: store.Bound


@dataclass
class ImportReport:
    lines: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    batches: int = 0
    rejected: list[LineError] = field(default_factory=list)
    held: list[str] = field(default_factory=list)  # held at the neutrality gate

    def to_dict(self) -> dict[str, Any]:
        return {
            "lines": self.lines,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "batches": self.batches,
            "rejected": [e.as_dict() for e in self.rejected[:1000]],
            "rejected_count": len(self.rejected),
            "held_for_review": len(self.held),
        }


@dataclass
class ImportCheck:
    """What an import would make of its lines, found without writing
    (``TransferService.check_items``): the first valid lines as they would be
    stored, and every line that would be rejected."""

    lines: int = 0
    valid: int = 0
    sample: list[tuple[int, Record]] = field(default_factory=list)
    rejected: list[LineError] = field(default_factory=list)


@dataclass(frozen=True)
class Withheld:
    """A record an export left out, and every reason the policy gave."""

    record_id: str
    version: int
    reasons: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"record_id": self.record_id, "version": self.version, "reasons": list(self.reasons)}


@dataclass
class ExportReport:
    """What an export wrote and what it left out; complete once the stream ends."""

    exported: int = 0
    withheld: list[Withheld] = field(default_factory=list)
    complete: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "exported": self.exported,
            "withheld_count": len(self.withheld),
            "withheld": [w.as_dict() for w in self.withheld[:1000]],
            "complete": self.complete,
        }


@dataclass(frozen=True)
class Exits:
    """Which records a report may carry out of the node, and the rest with their
    reasons (see ``TransferService.exits``)."""

    allowed: frozenset[str]
    withheld: tuple[Withheld, ...]

    def reasons(self) -> list[str]:
        """Every distinct reason, in the order first given."""
        return list(dict.fromkeys(r for w in self.withheld for r in w.reasons))


NOT_HELD = "not held in full at this node"


class SheetKind(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


SHEET_TYPES = {
    SheetKind.CSV: "text/csv; charset=utf-8",
    SheetKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Sheet:
    """A spreadsheet export: the file, its type and what was left out."""

    content: bytes
    kind: SheetKind
    report: ExportReport

    @property
    def media_type(self) -> str:
        return SHEET_TYPES[self.kind]

    @property
    def filename(self) -> str:
        return f"liaison-records.{self.kind.value}"


class ImportBuilder:
    """Validates import lines for one actor and one set of envelope defaults. No I/O."""

    def __init__(
        self, builder: RecordBuilder, actor: Actor, defaults: dict[str, Any], binder: Binder
    ) -> None:
        self.builder = builder
        self.actor = actor
        self.defaults = as_object("envelope", defaults)
        self.binder = binder
        self._envelopes: dict[bytes, Envelope] = {}

    def build(self, item: dict[str, Any], previous: Record | None = None) -> tuple[Record, str]:
        check_owner(self.builder.node_id, item)
        raw = {**self.defaults, **as_object("envelope", item.get("envelope"))}
        entity = {k: v for k, v in item.items() if k not in ("envelope", "liaison")}
        envelope: Envelope | dict[str, Any] = raw
        if previous is None:
            envelope = self._envelope(raw)
        else:
            entity.pop("id", None)
        record, names = self.builder.build(self.actor, entity, envelope, previous)
        if not check_clearance(self.actor, record.envelope.markings).allowed:
            level = record.envelope.markings.to_dict()["classification"]
            raise InvalidInput("envelope.markings.classification", level, "above your clearance")
        return record, names

    def build_batch(self, batch: Batch) -> list[Built | LineError]:
        out: list[Built | LineError] = []
        for number, item in batch:
            entity = item.parse(number) if isinstance(item, RawLine) else item
            if entity is None:  # an export's summary line
                continue
            if isinstance(entity, LineError):
                out.append(entity)
                continue
            try:
                record, names = self.build(entity)
                record.content_hash  # noqa: B018 - computed here, in the worker, and cached
                profile = build_profile(record.schema, record.properties, cleaned=True)
                signals = screen(record.properties)
                rows = store.bound(record, names, self.binder)
                out.append(Built(number, record, names, prepared(profile), signals, rows))
            except InvalidInput as exc:
                out.append(LineError(number, exc.field, exc.value, exc.reason))
        return out

    def _envelope(self, raw: dict[str, Any]) -> Envelope:
        """Parse each distinct envelope once: bulk data repeats a few of them."""
        key = orjson.dumps(raw, option=orjson.OPT_SORT_KEYS)
        parsed = self._envelopes.get(key)
        if parsed is None:
            if len(self._envelopes) > 10_000:
                self._envelopes.clear()
            parsed = self._envelopes[key] = self.builder.parse_envelope(raw)
        return parsed


def check_owner(node_id: str, item: dict[str, Any]) -> None:
    """Refuse a line that is another node's record: its ``liaison`` block (what
    an export writes) names another originator, or a record id that does not
    derive from this node and the line's entity id. Importing it would make a
    received copy this node's own, outside its originator's register and
    deletions. The envelope's ``originator`` is checked by the record builder."""
    meta = item.get("liaison")
    if meta is None:
        return
    if not isinstance(meta, dict):
        raise InvalidInput("liaison", meta, "must be an object (record_id, version, originator)")
    originator = meta.get("originator")
    if originator is not None and originator != node_id:
        reason = (
            f"the record belongs to {originator}; only its originator may import it "
            "(a received copy is never re-stamped as this node's own)"
        )
        raise ForeignRecord("liaison.originator", originator, reason)
    record_id = meta.get("record_id")
    entity_id = item.get("id")
    if record_id is not None and (
        not isinstance(entity_id, str) or record_id != record_id_for(node_id, entity_id)
    ):
        reason = (
            "does not derive from this node and the line's entity id: "
            "the record was made by another node (or the line was altered)"
        )
        raise ForeignRecord("liaison.record_id", record_id, reason)


_worker: ImportBuilder | None = None


def _start_worker(
    node_id: str, review_years: int, actor: Actor, defaults: dict[str, Any], driver: str
) -> None:
    global _worker  # one builder per worker process
    builder = RecordBuilder(node_id, review_years)
    _worker = ImportBuilder(builder, actor, defaults, Binder.named(driver))


def _build_in_worker(batch: Batch) -> list[Built | LineError]:
    assert _worker is not None
    return _worker.build_batch(batch)


ANALYSE_AFTER = 10_000  # records written by one import before the statistics are refreshed

# A worker is replaced, by a fork of the warm server (milliseconds), after this many
# batches: its caches and heap grow with every new name it meets, and the import's
# memory must stay flat however long it runs.
WORKER_BATCHES = 20


def _outcome(future: Future[list[Built | LineError]], batch: Batch) -> list[Built | LineError]:
    """A worker's batch; a worker that died (killed for memory, say) stops the import
    with a clear error instead of leaving it waiting for an answer that never comes."""
    try:
        return future.result()
    except BrokenProcessPool as exc:
        raise ImportInterrupted(batch[0][0], f"an import worker stopped ({exc})") from None


def _fork_server() -> multiprocessing.context.ForkServerContext:
    """The context whose workers fork from a server holding the name analyser."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["liaison.node.warm"])  # used when the server starts
    return context


class TransferService:
    def __init__(self, ctx: NodeContext, records: RecordService) -> None:
        self.ctx = ctx
        self.records = records

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
        """Import entity dicts in batches. With ``strict``, all batches share one
        transaction that is rolled back, and ImportRejected raised, if any line is
        rejected, including for reasons found only when writing (a duplicate id, a
        deleted record, a record you may not change)."""
        with self.ctx.guard(actor, why):
            self.ctx.permit(actor, Permission.RECORD_IMPORT, Action.RECORD_IMPORT, source)
        binder = Binder(self.ctx.engine.dialect)
        builder = ImportBuilder(self.records.builder, actor, defaults or {}, binder)
        report = ImportReport()
        batches = self._batches(items(), report, progress)
        if not strict:
            for batch, built in self._built(builder, batches):
                with self.ctx.tx() as conn:
                    self._write_batch(conn, builder, dict(batch), built, report, source, why)
            self._analyse(report)
            return report
        try:
            with self.ctx.tx() as conn:
                for batch, built in self._built(builder, batches):
                    self._write_batch(conn, builder, dict(batch), built, report, source, why)
                if report.rejected:
                    raise ImportRejected(sorted(report.rejected, key=lambda e: e.line))
        except ImportRejected:
            with self.ctx.tx() as conn:
                self.ctx.record(
                    conn,
                    actor,
                    Action.RECORD_IMPORT,
                    source,
                    why,
                    Result.REJECTED,
                    lines=report.lines,
                    rejected=len(report.rejected),
                )
            raise
        self._analyse(report)
        return report

    def check_items(
        self,
        actor: Actor,
        items: Callable[[], Iterable[Item]],
        defaults: dict[str, Any] | None = None,
        progress: Progress | None = None,
        shown: int = 10,
    ) -> ImportCheck:
        """A dry run of ``import_items``: every line read and validated as the import
        would (the reader's checks, then ``ImportBuilder``: the values, the envelope
        and the actor's clearance), and nothing written. It reads nothing stored, so
        only a refusal is audited; what only writing finds (a record deleted, not
        this user's to change, or twice in one batch) is left to the import."""
        with self.ctx.guard(actor):
            self.ctx.permit(actor, Permission.RECORD_IMPORT, Action.RECORD_IMPORT, "dry run")
        binder = Binder(self.ctx.engine.dialect)
        builder = ImportBuilder(self.records.builder, actor, defaults or {}, binder)
        check = ImportCheck()
        for number, item in items():
            check.lines += 1
            if progress:
                progress(1)
            entity = item.parse(number) if isinstance(item, RawLine) else item
            if entity is None:  # an export's summary line
                continue
            if isinstance(entity, LineError):
                check.rejected.append(entity)
                continue
            try:
                record, _ = builder.build(entity)
            except InvalidInput as exc:
                check.rejected.append(LineError(number, exc.field, exc.value, exc.reason))
                continue
            check.valid += 1
            if len(check.sample) < shown:
                check.sample.append((number, record))
        return check

    def _analyse(self, report: ImportReport) -> None:
        """After a large import, the planner's statistics of the tables it grew."""
        if report.created + report.updated >= ANALYSE_AFTER:
            with self.ctx.tx() as conn:
                analyse(conn)

    def _batches(
        self, items: Iterable[Item], report: ImportReport, progress: Progress | None
    ) -> Iterator[Batch]:
        batch: Batch = []
        for number, item in items:
            report.lines += 1
            if progress:
                progress(1)
            if isinstance(item, LineError):
                report.rejected.append(item)
                continue
            batch.append((number, item))
            if len(batch) >= self.ctx.settings.import_batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    def _built(
        self, builder: ImportBuilder, batches: Iterator[Batch]
    ) -> Iterator[tuple[Batch, list[Built | LineError]]]:
        """Build here when there is one batch (or no workers); else every batch in workers."""
        first = next(batches, None)
        if first is None:
            return
        second = next(batches, None)
        every = itertools.chain([first], [] if second is None else [second], batches)
        workers = self.ctx.settings.import_workers
        if second is None or workers <= 1:
            load_names()  # before the first batch takes the write lock
            yield from ((b, builder.build_batch(b)) for b in every)
            return
        driver = self.ctx.engine.url.drivername
        init = (
            self.ctx.node_id,
            self.ctx.settings.review_years,
            builder.actor,
            builder.defaults,
            driver,
        )
        pool = ProcessPoolExecutor(
            workers,
            mp_context=_fork_server(),
            initializer=_start_worker,
            initargs=init,
            max_tasks_per_child=WORKER_BATCHES,
        )
        try:
            pending: deque[tuple[Batch, Future[list[Built | LineError]]]] = deque()
            for batch in every:  # at most 2 batches per worker in flight: memory stays flat
                pending.append((batch, pool.submit(_build_in_worker, batch)))
                if len(pending) >= 2 * workers:
                    done, result = pending.popleft()
                    yield done, _outcome(result, done)
            while pending:
                done, result = pending.popleft()
                yield done, _outcome(result, done)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _write_batch(
        self,
        conn: Connection,
        builder: ImportBuilder,
        items: dict[int, dict[str, Any] | RawLine],
        results: list[Built | LineError],
        report: ImportReport,
        source: str,
        why: Why,
    ) -> None:
        """Plan and write one batch, with its audit entry naming every record written."""
        built = [r for r in results if not isinstance(r, LineError)]
        report.rejected.extend(r for r in results if isinstance(r, LineError))
        if not built:
            return
        heads = store.heads_for(conn, [b.record.record_id for b in built])
        writes = self._plan(conn, builder, items, built, heads, report)
        by_id = {b.record.record_id: b for b in built}
        profiles = {rid: b.indexed for rid, b in by_id.items()}
        store.write(conn, writes, profiles, {rid: b.rows for rid, b in by_id.items()})
        for record, _ in writes:
            made = by_id[record.record_id]  # an update was rebuilt: screened again here
            signals = made.signals if made.record is record else None
            if hold_if_flagged(self.ctx, conn, builder.actor, record, signals):
                report.held.append(record.record_id)
        propagate(self.ctx, conn, [record for record, _ in writes])
        report.batches += 1
        self.ctx.record(
            conn,
            builder.actor,
            Action.RECORD_IMPORT,
            source,
            why,
            lines=f"{_line(results[0])}-{_line(results[-1])}",
            written=[f"{r.record_id}@{r.version}" for r, _ in writes],
            versions=logged([r for r, _ in writes]),
        )

    def _plan(
        self,
        conn: Connection,
        builder: ImportBuilder,
        items: dict[int, dict[str, Any] | RawLine],
        built: list[Built],
        heads: dict[str, Any],
        report: ImportReport,
    ) -> list[tuple[Record, str]]:
        """New records are written; known ones become a new version only if they changed."""
        writes: list[tuple[Record, str]] = []
        seen: set[str] = set()
        for made in built:
            number, record, names = made.line, made.record, made.names
            head = heads.get(record.record_id)
            problem = _problem(record, head, seen)
            if problem:
                report.rejected.append(LineError(number, "id", record.entity_id, problem))
                continue
            seen.add(record.record_id)
            if head is None:
                writes.append((record, names))
                report.created += 1
                continue
            previous = store.load(conn, head)
            assert previous is not None
            if not self._may_replace(conn, builder.actor, previous):
                report.rejected.append(
                    LineError(number, "id", record.entity_id, "not a record you may change")
                )
                continue
            item = items[number]
            entity = item.parse(number) if isinstance(item, RawLine) else item
            assert isinstance(entity, dict)  # the worker parsed the same line into a record
            try:
                update = builder.build(entity, previous)
            except InvalidInput as exc:
                report.rejected.append(LineError(number, exc.field, exc.value, exc.reason))
                continue
            if update[0].same_content(previous):
                report.unchanged += 1
            else:
                writes.append(update)
                report.updated += 1
        return writes

    def _may_replace(self, conn: Connection, actor: Actor, previous: Record) -> bool:
        """The same rules as an update: a record you may read, of this node."""
        if previous.envelope.originator != self.ctx.node_id:
            return False
        return local_decisions(self.ctx, conn, actor, [previous], Use.VIEW)[0].allowed

    def exits(
        self, actor: Actor, record_ids: Iterable[str], report: str, why: Why = NO_REASON
    ) -> Exits:
        """Which of these records ``report`` (a screening report, say) may carry
        out of the node: each is decided for ``Use.EXPORT`` as an export decides
        (a received copy only as far as its originator's onward terms allow); a
        record no longer held in full here is withheld too. The audit entry names
        the report, the records it carries and those it leaves out, with why."""
        ids = sorted(set(record_ids))
        with self.ctx.tx() as conn:
            records = [r for r in store.current_with_copies(conn, ids) if not r.deleted]
            decisions = local_decisions(self.ctx, conn, actor, records, Use.EXPORT)
            decided = list(zip(records, decisions, strict=True))
            allowed = frozenset(r.record_id for r, d in decided if d.allowed)
            withheld = [_withheld(r, d) for r, d in decided if not d.allowed]
            held = {r.record_id for r in records}
            withheld += [Withheld(i, 0, (NOT_HELD,)) for i in ids if i not in held]
            self.ctx.record(
                conn,
                actor,
                Action.RECORD_EXPORT,
                report,
                why,
                exported=sorted(allowed),
                count=len(allowed),
                withheld=[f"{w.record_id}@{w.version}: {'; '.join(w.reasons)}" for w in withheld],
            )
        return Exits(allowed, tuple(withheld))

    def export(
        self,
        actor: Actor,
        flt: RecordFilter,
        why: Why = NO_REASON,
        report: ExportReport | None = None,
    ) -> Iterator[bytes]:
        """FtM JSON lines with each record's envelope (see ``export_records``)."""
        return map(_export_line, self.export_records(actor, flt, why, report, "records"))

    def _agency_names(self) -> dict[str, str]:
        """Node id to agency name: this node's and every partner's."""
        with self.ctx.read() as conn:
            return {**peer_names(conn), self.ctx.node_id: self.ctx.name}

    def originator_id(self, text: str) -> str:
        """The node id of an originator given by name (this node's or a partner's, in
        any case) or by node id; an unknown one is an error listing those known."""
        names = self._agency_names()
        wanted = text.strip()
        if wanted in names:
            return wanted
        for node_id, name in names.items():
            if name.casefold() == wanted.casefold():
                return node_id
        known = ", ".join(sorted(names.values()))
        raise InvalidInput("originator", text, f"no such agency here; known: {known}")

    def export_sheet(
        self, actor: Actor, flt: RecordFilter, kind: SheetKind, why: Why = NO_REASON
    ) -> Sheet:
        """The records of the filter that may leave the node, as a CSV (UTF-8 with a
        byte-order mark, so that spreadsheets read every script) or XLSX workbook:
        one row per record with its markings and its originator's name. Decided and
        audited as every export is."""
        report = ExportReport()
        records = list(self.export_records(actor, flt, why, report, f"spreadsheet:{kind.value}"))
        header, rows = record_table(records, self._agency_names())
        if kind is SheetKind.XLSX:
            return Sheet(to_xlsx(header, rows, "Liaison records"), kind, report)
        return Sheet(to_csv(header, rows).encode("utf-8-sig"), kind, report)

    def export_records(
        self,
        actor: Actor,
        flt: RecordFilter,
        why: Why = NO_REASON,
        report: ExportReport | None = None,
        target: str = "records",
    ) -> Iterator[Record]:
        """The records of the filter that may leave the node; the audit entry is
        written first (``target`` names the form: records, a spreadsheet...). Every
        record is decided for ``Use.EXPORT`` (a received copy only as far as its
        originator's onward terms allow); what may not leave is left out and listed,
        with its reasons, in ``report`` and in the closing audit entry."""
        with self.ctx.guard(actor, why):
            self.ctx.permit(actor, Permission.RECORD_EXPORT, Action.RECORD_EXPORT, target)
        with self.ctx.tx() as conn:
            self.ctx.record(
                conn,
                actor,
                Action.RECORD_EXPORT,
                target,
                why,
                filter=flt.describe(),
            )
        return self._stream(actor, flt, why, report or ExportReport(), target)

    def _stream(
        self, actor: Actor, flt: RecordFilter, why: Why, report: ExportReport, target: str
    ) -> Iterator[Record]:
        """Stream the records; a closing audit entry names every record that left."""
        after, sent = 0, []
        withheld = report.withheld
        while True:
            with self.ctx.read() as conn:
                heads = store.search(
                    conn, flt, actor.clearance, after, 1000, actor.username, self.ctx.node_id
                )
                loaded = [store.load(conn, h) for h in heads]
                records = [r for r in loaded if r is not None and not r.deleted]
                decisions = local_decisions(self.ctx, conn, actor, records, Use.EXPORT)
            for record, decision in zip(records, decisions, strict=True):
                if not decision.allowed:  # held, expired, a received copy that may not go on
                    withheld.append(_withheld(record, decision))
                    continue
                sent.append(f"{record.record_id}@{record.version}")
                report.exported += 1
                yield record
            if len(heads) < 1000:
                break
            after = heads[-1].id
        with self.ctx.tx() as conn:
            self.ctx.record(
                conn,
                actor,
                Action.RECORD_EXPORT,
                target,
                why,
                exported=sent,
                count=len(sent),
                withheld=[f"{w.record_id}@{w.version}: {'; '.join(w.reasons)}" for w in withheld],
            )
        report.complete = True


def _problem(record: Record, head: Any, seen: set[str]) -> str | None:
    if record.record_id in seen:
        return "the same entity appears twice in one batch"
    if head is not None and head.deleted:
        return f"record was deleted at version {head.version}"
    return None


def _withheld(record: Record, decision: Decision) -> Withheld:
    return Withheld(record.record_id, record.version, tuple(r.text for r in decision.denials))


def _line(result: Built | LineError) -> int:
    return result.line


def _export_line(record: Record) -> bytes:
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
