"""`liaison audit ...`: read, verify, checkpoint."""

from __future__ import annotations

import typer
from rich.table import Table

from liaison.cli.common import console, err, handle_errors, open_node, sign_in

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
    """Verify the whole chain and its signed checkpoints; exit 1 at the first broken entry."""
    node = open_node()
    result = node.audit.verify(sign_in(node))
    if result.ok:
        console.print(
            f"[green]audit chain intact[/]: {result.entries} entries, "
            f"{result.checkpoints} signed checkpoints"
        )
        return
    err.print(f"[red]audit chain broken at entry {result.first_broken}[/]: {result.reason}")
    raise typer.Exit(1)


@app.command("checkpoint")
@handle_errors
def checkpoint() -> None:
    """Sign the current head of the chain with the node key."""
    node = open_node()
    cp = node.audit.checkpoint(sign_in(node))
    console.print(f"checkpoint at entry {cp.seq}: {cp.hash}")
