"""``liaison challenge``: a person's request for access to, correction or deletion of
the data about them (docs/notices.md, "Challenges by the person concerned")."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer
from rich.table import Table

from liaison.cli.common import console, handle_errors, open_node, print_json, sign_in
from liaison.node.challenges import ChallengeView

app = typer.Typer(
    help="Challenges by the person concerned: take in, route, decide.", no_args_is_help=True
)

ChallengeId = Annotated[str, typer.Argument(help="the challenge id (chl-...)")]
AsJson = Annotated[bool, typer.Option("--json", help="the whole view as JSON")]


@app.command("open")
@handle_errors
def open_(
    kind: Annotated[str, typer.Option(help="access, correction or deletion")],
    record: Annotated[list[str], typer.Option(help="a record concerned (repeat for several)")],
    name: Annotated[str, typer.Option(help="the requester's name")],
    contact: Annotated[str | None, typer.Option(help="where the answer goes")] = None,
    correction: Annotated[str | None, typer.Option(help="the correction asked for")] = None,
) -> None:
    """Take in a person's request; one challenge per originator of the records (this
    node's own are decided here, the others are sent to their originator)."""
    node = open_node()
    requester = {"name": name, "contact": contact}
    made = node.challenges.open(sign_in(node), kind, record, requester, correction)
    for view in made:
        _said(view)


@app.command("list")
@handle_errors
def list_(
    stage: Annotated[str | None, typer.Option(help="received, routed or decided")] = None,
    limit: Annotated[int, typer.Option()] = 50,
    offset: Annotated[int, typer.Option()] = 0,
    as_json: AsJson = False,
) -> None:
    """Challenges taken in here or routed to this node."""
    node = open_node()
    found = node.challenges.page(sign_in(node), stage, limit, offset)
    if as_json:
        print_json([dataclasses.asdict(c) for c in found])
        return
    table = Table("id", "kind", "stage", "decided at", "received", "due", "verdict")
    table.columns[0].overflow = "fold"
    for c in found:
        due = (c.due_on or "") + (" OVERDUE" if c.overdue else "")
        table.add_row(
            c.challenge_id,
            c.kind,
            c.stage,
            c.originator_name,
            c.received_on,
            due,
            c.verdict or "",
        )
    console.print(table)
    console.print(f"{len(found)} challenge(s)")


@app.command("show")
@handle_errors
def show(challenge_id: ChallengeId, as_json: AsJson = False) -> None:
    """One challenge: its records, stage, decision and what the requester may be told."""
    node = open_node()
    view = node.challenges.show(sign_in(node), challenge_id)
    if as_json:
        print_json(dataclasses.asdict(view))
        return
    _said(view)
    for record_id in view.records:
        console.print(f"  record {record_id}", markup=False)
    if view.correction:
        console.print(f"  correction asked: {view.correction}", markup=False)
    if view.requester is not None:
        contact = f" ({view.requester.contact})" if view.requester.contact else ""
        console.print(f"  requester: {view.requester.name}{contact}", markup=False)
    if view.decision:
        console.print(f"  reasons: {view.decision.get('reasons', '')}", markup=False)


@app.command("decide")
@handle_errors
def decide(
    challenge_id: ChallengeId,
    verdict: Annotated[str, typer.Option(help="grant, refuse or partly")],
    reasons: Annotated[str, typer.Option(help="the decision's reasons (20 characters or more)")],
    record: Annotated[
        list[str] | None,
        typer.Option(
            help="a record it applies to: grant names every one, partly some, refuse none"
        ),
    ] = None,
    restriction: Annotated[
        list[str] | None,
        typer.Option(help="a ground for restricting access, such as obstruct_inquiry"),
    ] = None,
    leave: Annotated[
        bool, typer.Option("--leave", help="let the node where the person asked tell them")
    ] = False,
) -> None:
    """Decide a challenge on this node's records, with reasons; a deletion granted
    deletes the records here and at every holder."""
    node = open_node()
    view = node.challenges.decide(
        sign_in(node), challenge_id, verdict, reasons, record or (), restriction or (), leave
    )
    _said(view)


def _said(view: ChallengeView) -> None:
    due = f", due {view.due_on}" if view.due_on else ""
    late = " OVERDUE" if view.overdue else ""
    line = f"challenge {view.challenge_id} ({view.kind}): {view.stage}{due}{late}"
    console.print(line, markup=False)
    console.print(f"  decided at: {view.originator_name}", markup=False)
    if view.verdict:
        console.print(f"  verdict: {view.verdict}", markup=False)
    console.print(f"  the requester may be told: {view.answer.text}", markup=False)
