"""`liaison record ...`: create, get, list, look up by identifier, history, delete."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from liaison.cli.common import console, handle_errors, open_node, print_json, read_json_arg, sign_in
from liaison.errors import InvalidInput
from liaison.matching.identifiers import readings
from liaison.node import Why
from liaison.node.records import lookup_region
from liaison.storage.records import RecordFilter

app = typer.Typer(help="Create, read, list and delete records.", no_args_is_help=True)
PurposeOpt = Annotated[str | None, typer.Option(help="purpose, kept in the audit log")]


@app.command("create")
@handle_errors
def create(
    data: Annotated[str, typer.Argument(help='JSON {"entity": ..., "envelope": ...}, @file or -')],
    purpose: PurposeOpt = None,
) -> None:
    """Create a record from an entity and its envelope."""
    body = read_json_arg("record", data)
    if not isinstance(body, dict) or "entity" not in body:
        raise InvalidInput("record", data, 'must be {"entity": {...}, "envelope": {...}}')
    node = open_node()
    record = node.records.create(sign_in(node), body["entity"], body.get("envelope"), Why(purpose))
    print_json(record.to_dict())


@app.command("get")
@handle_errors
def get(record_id: str, version: int | None = None, purpose: PurposeOpt = None) -> None:
    """Show a record (its latest version unless --version is given)."""
    node = open_node()
    print_json(node.records.get(sign_in(node), record_id, version, Why(purpose)).to_dict())


@app.command("history")
@handle_errors
def history(record_id: str, purpose: PurposeOpt = None) -> None:
    """Every version of a record, tombstone included."""
    node = open_node()
    versions = node.records.history(sign_in(node), record_id, Why(purpose))
    table = Table("version", "modified", "by", "deleted", "caption", "hash")
    for r in versions:
        table.add_row(
            str(r.version),
            r.modified.isoformat(timespec="seconds"),
            r.modified_by,
            "yes" if r.deleted else "",
            r.caption,
            r.content_hash[:12],
        )
    console.print(table)


@app.command("list")
@handle_errors
def list_(
    schema: str | None = None,
    classification: str | None = None,
    tlp: str | None = None,
    crime_area: str | None = None,
    q: Annotated[str | None, typer.Option(help="text in names")] = None,
    include_deleted: bool = False,
    cursor: str | None = None,
    limit: int = 50,
) -> None:
    """List records you may see, with filters; prints the cursor for the next page."""
    node = open_node()
    flt = RecordFilter.parse(schema, classification, tlp, crime_area, q, include_deleted)
    page = node.records.search(sign_in(node), flt, cursor, limit)
    table = Table("record", "schema", "caption", "v", "tlp", "classification", "crime area")
    for item in page.items:
        table.add_row(
            item["record_id"],
            item["schema"],
            item["caption"],
            str(item["version"]),
            item["tlp"] or "",
            item["classification"] or "",
            item["crime_area"] or "",
        )
    console.print(table)
    if page.next_cursor:
        console.print(f"next page: --cursor {page.next_cursor}")
    if q and not page.items and readings(q, lookup_region(None, node.ctx.settings.default_country)):
        hint = f"--q searches names; to find the identifier: liaison record lookup {q!r}"
        console.print(hint, markup=False, highlight=False)


@app.command("lookup")
@handle_errors
def lookup(
    identifier: Annotated[str, typer.Argument(help="phone, e-mail, IBAN, IMO, passport...")],
    country: Annotated[
        str | None, typer.Option(help="for phone numbers without +, e.g. PH")
    ] = None,
    cursor: str | None = None,
    limit: int = 50,
    purpose: PurposeOpt = None,
) -> None:
    """Records you may see that hold an identifier, however it is written."""
    node = open_node()
    found = node.records.lookup(sign_in(node), identifier, country, cursor, limit, Why(purpose))
    read_as = ", ".join(f"{r.kind.value} {r.value}" for r in found.readings)
    console.print(f"read as: {read_as}", markup=False, highlight=False)
    table = Table("record", "schema", "caption", "holds", "originator", "tlp", "classification")
    for item in found.items:
        table.add_row(
            item["record_id"],
            item["schema"],
            item["caption"],
            ", ".join(item["matched"]),
            item["originator"],
            item["tlp"] or "",
            item["classification"] or "",
        )
    console.print(table)
    if found.next_cursor:
        console.print(f"next page: --cursor {found.next_cursor}")


@app.command("delete")
@handle_errors
def delete(
    record_id: str,
    reason: Annotated[str, typer.Option(help="why; kept")],
    purpose: PurposeOpt = None,
) -> None:
    """Delete a record: a tombstone version is written, earlier versions stay."""
    node = open_node()
    tombstone = node.records.delete(sign_in(node), record_id, reason, None, Why(purpose))
    console.print(f"deleted {record_id} at version {tombstone.version}")
