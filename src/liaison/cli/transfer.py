"""`liaison import` and `liaison export`."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from liaison.cli.common import console, err, handle_errors, open_node, read_json_arg, sign_in
from liaison.node import Why
from liaison.node.sources import CsvMapping, Item, csv_items, jsonl_items
from liaison.node.transfer import ExportReport
from liaison.storage.records import RecordFilter


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


@handle_errors
def import_(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="file to import")],
    format: Annotated[str, typer.Option(help="jsonl or csv")] = "jsonl",
    mapping: Annotated[str | None, typer.Option(help="CSV column mapping: JSON or @file")] = None,
    envelope: Annotated[str | None, typer.Option(help="envelope defaults: JSON or @file")] = None,
    strict: Annotated[bool, typer.Option(help="write nothing unless every line is valid")] = False,
    purpose: str | None = None,
) -> None:
    """Import FollowTheMoney JSON lines, or CSV with a column mapping, in batches."""
    node = open_node()
    actor = sign_in(node)
    defaults = read_json_arg("envelope", envelope) or {}
    if format == "csv":
        parsed = CsvMapping.from_dict(read_json_arg("mapping", mapping))
        defaults = {**parsed.envelope, **defaults}

        def items() -> Iterable[Item]:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                yield from csv_items(handle, parsed)
    else:

        def items() -> Iterable[Item]:
            with path.open("rb") as handle:
                yield from jsonl_items(handle)

    total = _count_lines(path)
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
    console.print(
        f"{report.lines} lines: {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged, {len(report.rejected)} rejected"
    )
    for line in report.rejected[:20]:
        err.print(f"  line {line.line}: {line.field}: {line.reason} (got {line.value})")
    if report.rejected:
        raise typer.Exit(2)


@handle_errors
def export(
    out: Annotated[Path | None, typer.Option(help="file to write; stdout if not given")] = None,
    schema: str | None = None,
    crime_area: str | None = None,
    purpose: str | None = None,
) -> None:
    """Export the records you may take out of this node as FtM JSON lines with
    their envelopes; what the policy keeps here is listed, with the reasons."""
    node = open_node()
    report = ExportReport()
    lines = node.transfer.export(
        sign_in(node), RecordFilter.parse(schema, crime_area=crime_area), Why(purpose), report
    )
    handle = out.open("wb") if out else sys.stdout.buffer
    for line in lines:
        handle.write(line)
    if out:
        handle.close()
    where = f" to {out}" if out else ""
    err.print(f"exported {report.exported} records{where}, {len(report.withheld)} withheld")
    for left in report.withheld[:20]:
        err.print(f"  withheld {left.record_id}@{left.version}: {'; '.join(left.reasons)}")
    if len(report.withheld) > 20:
        err.print(f"  ... and {len(report.withheld) - 20} more (the audit entry lists them all)")
