"""`liaison audit ...`: read, verify, checkpoint."""

from __future__ import annotations

import typer
from rich.table import Table

from liaison.cli.common import console, err, handle_errors, open_node, sign_in
from liaison.node.integrity import summary

app = typer.Typer(help="Read and verify the audit log (auditors).", no_args_is_help=True)


@app.command("log")
@handle_errors
def log(after: int = 0, limit: int = 50, action: str | None = None) -> None:
    """Show audit entries after a sequence number."""
    node = open_node()
    table = Table("seq", "time", "actor", "action", "object", "result")
    for e in node.audit.entries(sign_in(node), after, limit, action=action):
        table.add_row(str(e.seq), e.ts[:19], e.actor, e.action, e.object, e.result)
    console.print(table)


@app.command("verify")
@handle_errors
def verify() -> None:
    """Verify the chain, its signed checkpoints and head, every stored record version
    against the entry that wrote it, and the append-only triggers; exit 1 on any
    finding. The check runs before you sign in, so that nothing is written first."""
    node = open_node()
    result = node.audit.check()
    result = node.audit.record(sign_in(node), result)
    for note in result.notes:
        err.print(f"[yellow]note:[/] {note}")
    if result.ok:
        console.print(
            f"[green]audit chain intact[/]: {result.entries} entries, "
            f"{result.checkpoints} signed checkpoints, {result.versions} record versions "
            "match the log"
        )
        return
    if result.first_broken is not None:
        err.print(f"[red]audit chain broken at entry {result.first_broken}[/]: {result.reason}")
    for line in summary(result.findings):
        err.print(f"[red]{line}[/]")
    raise typer.Exit(1)


@app.command("checkpoint")
@handle_errors
def checkpoint() -> None:
    """Sign the current head of the chain with the node key."""
    node = open_node()
    cp = node.audit.checkpoint(sign_in(node))
    console.print(f"checkpoint at entry {cp.seq}: {cp.hash}")
