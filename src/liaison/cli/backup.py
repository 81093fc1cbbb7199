"""`liaison backup`, `liaison restore`, `liaison verify`: the node in one archive and back."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from liaison.cli.common import console, err, handle_errors, settings
from liaison.node import backup as backups


@handle_errors
def backup(
    file: Annotated[Path, typer.Argument(help="the archive to write (a new file)")],
) -> None:
    """Back the node up into one archive while it may serve: its database (SQLite's
    online backup, or pg_dump), node key, TLS certificate and key, and a manifest."""
    with console.status("backing up…"):
        manifest = backups.backup(settings(), file)
    console.print(f"[green]backed up[/] {backups.describe(manifest)}\n  → {file}")
    console.print("the archive holds the node's private keys: keep it as secret as the node")


@handle_errors
def restore(
    file: Annotated[Path, typer.Argument(help="the archive `liaison backup` wrote")],
    data_dir: Annotated[Path, typer.Option(help="new or empty data directory")],
    database_url: Annotated[
        str | None,
        typer.Option(help="PostgreSQL backups: the empty database to restore into"),
    ] = None,
) -> None:
    """Restore an archive into a new data directory (and database), verified against
    its manifest before it is put in place; nothing is left behind if it fails."""
    target = settings().model_copy(update={"data_dir": data_dir, "database_url": database_url})
    with console.status("restoring and verifying…"):
        found = backups.restore(file, target)
    _report(found)
    console.print(f"restored into {data_dir}; serve it with LIAISON_DATA_DIR={data_dir}")


@handle_errors
def verify(
    file: Annotated[Path, typer.Argument(help="the archive whose manifest to compare with")],
) -> None:
    """Verify the node (LIAISON_DATA_DIR, LIAISON_DATABASE_URL) against a backup's
    manifest: its audit chain, chain head, record tallies and content hashes."""
    manifest = backups.read_manifest(file)
    with console.status("verifying…"):
        found = backups.verify(settings(), manifest)
    _report(found)


def _report(found: backups.Verified) -> None:
    if not found.ok:
        for problem in found.problems:
            err.print(f"[red]mismatch:[/] {problem}")
        raise typer.Exit(1)
    chain = found.chain
    entries = chain.entries if chain is not None else 0
    console.print(
        f"[green]verified[/]: {backups.describe(found.manifest)}; audit chain intact "
        f"({entries} entries), record tallies and content hashes match the manifest"
    )
