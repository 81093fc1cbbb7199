"""``liaison followup``: follow-up requests after a hit, on both sides."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from liaison.cli.common import console, handle_errors, open_node, print_json, sign_in
from liaison.node.context import Why

app = typer.Typer(
    help="Follow-up requests after a hit: file, inbox, decide, reply.", no_args_is_help=True
)


@app.command("file")
@handle_errors
def file(
    partner: Annotated[str, typer.Option(help="the peer that answered with a hit")],
    reference: Annotated[str, typer.Option(help="the hit's reference (liaison query prints it)")],
    justification: Annotated[str, typer.Option(help="why the details are needed")],
    purpose: Annotated[str | None, typer.Option(help="default: the query's purpose")] = None,
) -> None:
    """Ask a partner for what its hit found; the partner's liaison officer decides."""
    node = open_node()
    found = node.followups.file(
        sign_in(node), partner, reference, justification, purpose, Why(purpose, justification)
    )
    console.print(f"follow-up request {found['id']} filed; due {found['due']}", markup=False)


@app.command("list")
@handle_errors
def list_(
    incoming: Annotated[bool, typer.Option("--in", help="partners' requests (the inbox)")] = False,
    outgoing: Annotated[bool, typer.Option("--out", help="this node's requests")] = False,
    state: Annotated[str | None, typer.Option(help="open, pending, more, approved...")] = None,
    limit: Annotated[int, typer.Option()] = 50,
    offset: Annotated[int, typer.Option()] = 0,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Requests, those due soonest first."""
    direction = "in" if incoming and not outgoing else "out" if outgoing and not incoming else None
    node = open_node()
    found = node.followups.page(sign_in(node), direction, state, limit, offset)
    if as_json:
        print_json(found)
        return
    table = Table("id", "dir", "partner", "state", "waiting for", "due", "purpose", "asked by")
    for f in found["items"]:
        due = (f["due"] or "") + (" OVERDUE" if f["overdue"] else "")
        table.add_row(
            str(f["id"]),
            f["direction"],
            f["partner"],
            f["state"],
            f["waiting_for"] or "",
            due,
            f["purpose"],
            f["asked_by"],
        )
    console.print(table)
    console.print(f"{len(found['items'])} of {found['total']}")


@app.command("show")
@handle_errors
def show(followup_id: Annotated[int, typer.Argument()]) -> None:
    """One request, its history and the records concerned."""
    node = open_node()
    print_json(node.followups.show(sign_in(node), followup_id))


@app.command("decide")
@handle_errors
def decide(
    followup_id: Annotated[int, typer.Argument()],
    decision: Annotated[str, typer.Argument(help="approve, deny or more")],
    reason: Annotated[str, typer.Option(help="required to deny or ask for more")] = "",
    field: Annotated[list[str] | None, typer.Option(help="approve only this property")] = None,
    record: Annotated[list[str] | None, typer.Option(help="approve only this record")] = None,
) -> None:
    """Decide a partner's request: approve (all, or --field a --field b), deny, ask for more."""
    node = open_node()
    found = node.followups.decide(
        sign_in(node), followup_id, decision, reason, field or None, record or None
    )
    _done(found)


@app.command("reply")
@handle_errors
def reply(
    followup_id: Annotated[int, typer.Argument()],
    text: Annotated[str, typer.Option(help="the answer to the partner's question")],
) -> None:
    """Answer a partner's question about our request."""
    node = open_node()
    _done(node.followups.reply(sign_in(node), followup_id, text))


def _done(found: dict[str, Any]) -> None:
    console.print(f"follow-up request {found['id']}: {found['state']}", markup=False)
