"""`liaison import` and `liaison export`."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from liaison.cli.common import console, err, handle_errors, open_node, read_json_arg, sign_in
from liaison.errors import InvalidInput
from liaison.model.grading import Evaluation
from liaison.model.markings import Markings
from liaison.model.roles import Actor
from liaison.node import Node, Why
from liaison.node.sources import CsvMapping, Item, csv_items, jsonl_lines, xlsx_items
from liaison.node.spreadsheet import SheetOptions
from liaison.node.transfer import ExportReport, SheetKind
from liaison.storage.records import RecordFilter


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


def _total(path: Path, format: str) -> int | None:
    """The lines the progress bar counts: a CSV's header is not one; an XLSX's rows
    are not known before it is read (the bar then counts without a total)."""
    if format == "xlsx":
        return None
    lines = _count_lines(path)
    return max(lines - 1, 0) if format == "csv" else lines


@handle_errors
def import_(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="file to import")],
    format: Annotated[str, typer.Option(help="jsonl, csv, xlsx or stix")] = "jsonl",
    mapping: Annotated[
        str | None, typer.Option(help="CSV/XLSX column mapping: JSON or @file")
    ] = None,
    envelope: Annotated[str | None, typer.Option(help="envelope defaults: JSON or @file")] = None,
    strict: Annotated[bool, typer.Option(help="write nothing unless every line is valid")] = False,
    delimiter: Annotated[
        str | None, typer.Option(help="CSV: , ; tab or | (default: read from the header)")
    ] = None,
    date_order: Annotated[
        str | None, typer.Option(help="CSV/XLSX: how dates like 03/04/1980 read: dmy, mdy, ymd")
    ] = None,
    phone_country: Annotated[
        str | None, typer.Option(help="CSV/XLSX: country of phones written without +, e.g. PH")
    ] = None,
    purpose: str | None = None,
) -> None:
    """Import FollowTheMoney JSON lines, or CSV or XLSX with a column mapping, in batches;
    or a STIX 2.1 bundle (format stix: one transaction, every object reported)."""
    if format not in ("jsonl", "csv", "xlsx", "stix"):
        raise InvalidInput("format", format, "must be jsonl, csv, xlsx or stix")
    options = SheetOptions.parse(delimiter, date_order, phone_country)
    node = open_node()
    actor = sign_in(node)
    defaults = read_json_arg("envelope", envelope) or {}
    if format == "stix":
        _import_stix(node, actor, path, defaults, Why(purpose))
        return
    if format in ("csv", "xlsx"):
        parsed = CsvMapping.from_dict(read_json_arg("mapping", mapping))
        defaults = {**parsed.envelope, **defaults}

        def items() -> Iterable[Item]:
            if format == "xlsx":
                with path.open("rb") as raw:
                    yield from xlsx_items(raw, parsed, options)
                return
            with path.open(encoding="utf-8-sig", newline="") as handle:
                yield from csv_items(handle, parsed, options)
    else:

        def items() -> Iterable[Item]:
            with path.open("rb") as handle:
                yield from jsonl_lines(handle)

    total = _total(path, format)
    columns = (TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err) as bar:
        task = bar.add_task("import", total=total)
        report = node.transfer.import_items(
            actor,
            items,
            defaults,
            strict,
            lambda n: bar.advance(task, n),
            source=f"file:{path.name}",
            why=Why(purpose),
        )
        bar.update(task, total=report.lines, completed=report.lines)  # blank lines: not items
    console.print(
        f"{report.lines} lines: {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged, {len(report.rejected)} rejected"
    )
    for line in report.rejected[:20]:
        err.print(f"  line {line.line}: {line.field}: {line.reason} (got {line.value})")
    if report.rejected:
        raise typer.Exit(2)


def _import_stix(node: Node, actor: Actor, path: Path, defaults: dict[str, Any], why: Why) -> None:
    """A STIX bundle: ``--envelope``'s markings and evaluation go to objects without."""
    markings = Markings.from_dict(defaults.get("markings"))
    evaluation = Evaluation.from_dict(defaults.get("evaluation"))
    source = f"file:{path.name}"
    report = node.stix.import_bundle(actor, path.read_bytes(), source, markings, evaluation, why)
    console.print(
        f"{report.objects} objects: {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged, {len(report.skipped)} skipped, "
        f"{len(report.refused)} refused"
    )
    for kind, problems in (("skipped", report.skipped), ("refused", report.refused)):
        for problem in problems[:20]:
            err.print(f"  {kind} {problem.stix_id} ({problem.type}): {problem.reason}")
    if report.refused:
        raise typer.Exit(2)


@handle_errors
def export(
    out: Annotated[Path | None, typer.Option(help="file to write; stdout if not given")] = None,
    format: Annotated[str, typer.Option(help="jsonl, csv, xlsx or stix")] = "jsonl",
    schema: str | None = None,
    crime_area: str | None = None,
    originator: Annotated[
        str | None, typer.Option(help="only this agency's records: its name or node id")
    ] = None,
    q: Annotated[str | None, typer.Option(help="only records whose names contain this")] = None,
    purpose: str | None = None,
) -> None:
    """Export the records you may take out of this node: FtM JSON lines with their
    envelopes, a spreadsheet (CSV, XLSX) with one row per record, its markings
    and its originator's name, or a STIX 2.1 bundle. What the policy keeps here is
    listed, with the reasons."""
    if format not in ("jsonl", "csv", "xlsx", "stix"):
        raise InvalidInput("format", format, "must be jsonl, csv, xlsx or stix")
    if format == "xlsx" and out is None:
        raise InvalidInput("out", None, "an XLSX workbook needs a file (--out records.xlsx)")
    node = open_node()
    actor = sign_in(node)
    source = node.transfer.originator_id(originator) if originator else None
    flt = RecordFilter.parse(schema, crime_area=crime_area, text=q, originator=source)
    if format == "jsonl":
        report = ExportReport()
        lines = node.transfer.export(actor, flt, Why(purpose), report)
        handle = out.open("wb") if out else sys.stdout.buffer
        for line in lines:
            handle.write(line)
        if out:
            handle.close()
    elif format == "stix":
        stix = node.stix.export_bundle(actor, flt, Why(purpose))
        report = stix.report
        content = orjson.dumps(stix.bundle, option=orjson.OPT_INDENT_2) + b"\n"
        if out:
            out.write_bytes(content)
        else:
            sys.stdout.buffer.write(content)
    else:
        sheet = node.transfer.export_sheet(actor, flt, SheetKind(format), Why(purpose))
        report = sheet.report
        if out:
            out.write_bytes(sheet.content)
        else:
            sys.stdout.buffer.write(sheet.content)
    where = f" to {out}" if out else ""
    err.print(f"exported {report.exported} records{where}, {len(report.withheld)} withheld")
    for left in report.withheld[:20]:
        err.print(f"  withheld {left.record_id}@{left.version}: {'; '.join(left.reasons)}")
    if len(report.withheld) > 20:
        err.print(f"  ... and {len(report.withheld) - 20} more (the audit entry lists them all)")
