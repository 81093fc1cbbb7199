"""STIX 2.1 bundles in and out of the node, through the existing import and export.

**Export** is ``TransferService.export_records`` (the same role check, filter,
originator filter, per-record export decision and audit entries as the JSON
lines and spreadsheet exports) with the records laid out as a STIX bundle by
``liaison.stix.to_objects``, and a ``report`` that groups them.

**Import** reads a bundle with ``liaison.stix.read_bundle`` (pure: every object
skipped or refused with its reason), then, against what the node holds, skips
relationships whose ends are neither in the bundle nor held here, objects that
are a partner's records this node already receives through federation, and
revocations (a revoked object is reported, not applied). What remains is
validated as the import would (``TransferService.check_items``: the values, the
envelope, the user's clearance), refused per object where it fails, and written
by ``TransferService.import_items`` with ``strict``: one transaction, all or
nothing, the neutrality screen and the outbox as for every import, the source
(``stix:<provenance>``) in its audit entry. A closing audit entry keeps the
report: which STIX object became which record, and every object skipped or
refused. Importing the same bundle twice writes nothing the second time (each
record is unchanged).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from liaison.audit.chain import Action
from liaison.errors import ImportRejected, LineError
from liaison.model.grading import Evaluation
from liaison.model.ids import record_id_for
from liaison.model.markings import Markings
from liaison.model.roles import Actor
from liaison.node.context import NO_REASON, NodeContext, Why
from liaison.node.transfer import ExportReport, TransferService
from liaison.policy.permissions import Permission
from liaison.stix import Item, Parsed, Problem, bundle, read_bundle, to_objects
from liaison.stix.export import report as stix_report
from liaison.storage import tables
from liaison.storage.federation import peer_names
from liaison.storage.records import RecordFilter

MEDIA_TYPE = "application/stix+json;version=2.1"


@dataclass(frozen=True)
class StixExport:
    """A bundle and what its export left out."""

    bundle: dict[str, Any]
    report: ExportReport

    @property
    def filename(self) -> str:
        return "liaison-records.stix.json"


@dataclass(frozen=True)
class StixImportReport:
    """What a STIX import did with every object of the bundle."""

    source: str
    objects: int
    counts: dict[str, int]
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    held_for_review: int = 0
    written: dict[str, str] = field(default_factory=dict)  # STIX id -> record id
    skipped: tuple[Problem, ...] = ()
    refused: tuple[Problem, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "objects": self.objects,
            "counts": self.counts,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "held_for_review": self.held_for_review,
            "written": self.written,
            "skipped": [_problem(p) for p in self.skipped],
            "refused": [_problem(p) for p in self.refused],
        }


def _problem(problem: Problem) -> dict[str, str]:
    return {"stix_id": problem.stix_id, "type": problem.type, "reason": problem.reason}


class StixService:
    def __init__(self, ctx: NodeContext, transfer: TransferService) -> None:
        self.ctx = ctx
        self.transfer = transfer

    def export_bundle(
        self,
        actor: Actor,
        flt: RecordFilter,
        why: Why = NO_REASON,
        recipients: Sequence[str] = (),
    ) -> StixExport:
        """The records of the filter that may leave the node, as a STIX 2.1 bundle;
        decided and audited as every export is (target ``stix``). ``recipients``:
        the node ids TLP:RED records are meant for."""
        report = ExportReport()
        records = list(self.transfer.export_records(actor, flt, why, report, "stix"))
        with self.ctx.read() as conn:
            names = {**peer_names(conn), self.ctx.node_id: self.ctx.name}
        objects = to_objects(records, names, recipients)
        name = f"Records exported by {self.ctx.name}"
        objects.append(stix_report(objects, name, self.ctx.now(), self.ctx.node_id))
        return StixExport(bundle(objects), report)

    def import_bundle(
        self,
        actor: Actor,
        data: Any,
        provenance: str,
        markings: Markings | None = None,
        evaluation: Evaluation | None = None,
        why: Why = NO_REASON,
    ) -> StixImportReport:
        """Import a bundle (bytes, text, the parsed JSON, or a ``Parsed``) as local
        records in one transaction. ``provenance`` names where it came from (a file,
        ``taxii:<api root>/<collection>``); ``markings`` and ``evaluation`` are given
        to objects that carry none of their own."""
        with self.ctx.guard(actor, why):
            self.ctx.permit(actor, Permission.RECORD_IMPORT, Action.RECORD_IMPORT, provenance)
        parsed = data if isinstance(data, Parsed) else read_bundle(data, recipients=self._names())
        skipped = list(parsed.report.skipped)
        items = self._held_check(parsed.items, skipped)
        lines = [_line(item, markings, evaluation) for item in items]
        refused = list(parsed.report.refused)
        check = self.transfer.check_items(actor, lambda: enumerate(lines, 1), shown=0)
        bad = {e.line: e for e in check.rejected}
        refused += [_refusal(items[n - 1], e) for n, e in sorted(bad.items())]
        pairs = enumerate(zip(items, lines, strict=True), 1)
        good = [(item, line) for n, (item, line) in pairs if n not in bad]
        source = f"stix:{provenance}"
        written = self._write(actor, good, source, why)
        report = StixImportReport(
            source=source,
            objects=parsed.report.objects,
            counts=parsed.report.counts,
            created=written.created,
            updated=written.updated,
            unchanged=written.unchanged,
            held_for_review=len(written.held),
            written={i.stix_id: record_id_for(self.ctx.node_id, i.entity["id"]) for i, _ in good},
            skipped=tuple(skipped),
            refused=tuple(refused),
        )
        self._audit(actor, report, why)
        return report

    def _names(self) -> list[str]:
        """What a TLP:RED object may name as its recipient to be taken in here."""
        return [self.ctx.node_id, self.ctx.name]

    def _held_check(self, items: Iterable[Item], skipped: list[Problem]) -> list[Item]:
        """Keep what can be written: skip revocations, links whose ends are not held,
        records deleted here, and a partner's records held here as received copies."""
        items = list(items)
        needed = {e for i in items for e in i.needs}
        mine = {record_id_for(self.ctx.node_id, i.entity["id"]) for i in items}
        copies = {
            record_id_for(i.originator, i.entity["id"])
            for i in items
            if i.originator and i.originator != self.ctx.node_id
        }
        held = self._held(needed, mine | copies)
        kept = []
        for item in items:
            kind = item.stix_id.split("--")[0]
            reason = _why_not(item, held, self.ctx.node_id)
            if reason:
                skipped.append(Problem(item.stix_id, kind, reason))
            else:
                kept.append(item)
        return kept

    def _held(self, entity_ids: set[str], record_ids: set[str]) -> _Held:
        """Which of these entity ids this node holds live records of, and the state
        (deleted or not) of these record ids."""
        records = tables.records
        held = _Held()
        with self.ctx.read() as conn:
            if entity_ids:
                query = select(records.c.entity_id).where(
                    records.c.entity_id.in_(sorted(entity_ids)), records.c.deleted.is_(False)
                )
                held.entities.update(conn.scalars(query))
            for chunk in _chunks(sorted(record_ids)):
                query = select(records.c.record_id, records.c.deleted, records.c.version)
                for row in conn.execute(query.where(records.c.record_id.in_(chunk))):
                    held.records[row.record_id] = (row.deleted, row.version)
        return held

    def _write(
        self, actor: Actor, good: list[tuple[Item, dict[str, Any]]], source: str, why: Why
    ) -> _Written:
        if not good:
            return _Written()
        try:
            report = self.transfer.import_items(
                actor,
                lambda: enumerate((line for _, line in good), 1),
                strict=True,
                source=source,
                why=why,
            )
        except ImportRejected as exc:  # found only when writing: name the STIX objects
            named = [
                LineError(e.line, f"{good[e.line - 1][0].stix_id}: {e.field}", e.value, e.reason)
                for e in exc.errors
            ]
            raise ImportRejected(named) from None
        return _Written(report.created, report.updated, report.unchanged, report.held)

    def _audit(self, actor: Actor, report: StixImportReport, why: Why) -> None:
        with self.ctx.tx() as conn:
            self.ctx.record(
                conn,
                actor,
                Action.RECORD_IMPORT,
                report.source,
                why,
                objects=report.objects,
                created=report.created,
                updated=report.updated,
                unchanged=report.unchanged,
                written=report.written,
                skipped=[f"{p.stix_id}: {p.reason}" for p in report.skipped],
                refused=[f"{p.stix_id}: {p.reason}" for p in report.refused],
            )


@dataclass(frozen=True)
class _Written:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    held: Sequence[str] = ()


@dataclass
class _Held:
    entities: set[str] = field(default_factory=set)  # entity ids with a live record here
    records: dict[str, tuple[bool, int]] = field(default_factory=dict)  # id: deleted, version


def _chunks(values: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _why_not(item: Item, held: _Held, node_id: str) -> str | None:
    if item.revoked:
        return "revoked at its source: reported, not applied (docs/interop.md)"
    missing = [e for e in item.needs if e not in held.entities]
    if missing:
        return f"broken reference: {', '.join(missing)} neither in the bundle nor held here"
    deleted, version = held.records.get(record_id_for(node_id, item.entity["id"]), (False, 0))
    if deleted:
        return f"deleted here at version {version}: a deletion is not undone by an import"
    copy = item.originator and item.originator != node_id
    copy_id = record_id_for(str(item.originator), item.entity["id"])
    if copy and copy_id in held.records and not held.records[copy_id][0]:
        return (
            f"held here as {item.originator}'s own record (received through "
            "federation, which keeps it current): not imported as a local copy"
        )
    return None


def _line(item: Item, markings: Markings | None, evaluation: Evaluation | None) -> dict[str, Any]:
    """An import line: the entity and its envelope, with the defaults given for
    objects that carry no markings or evaluation of their own."""
    envelope = dict(item.envelope)
    if item.originator is None:  # not a Liaison record: fill what the object lacks
        given = {k: v for k, v in envelope.get("markings", {}).items() if v}
        default = markings.to_dict() if markings else {}
        merged = {**{k: v for k, v in default.items() if v}, **given}
        if merged:
            envelope["markings"] = merged
        if evaluation is not None and not envelope.get("evaluation"):
            envelope["evaluation"] = evaluation.to_dict()
    return {**item.entity, "envelope": envelope}


def _refusal(item: Item, error: LineError) -> Problem:
    reason = f"{error.field}: {error.reason} (got {error.value})"
    return Problem(item.stix_id, item.stix_id.split("--")[0], reason)
