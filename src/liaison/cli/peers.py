"""`liaison peer ...` and `liaison disclosures`: partners' keys and addresses,
their delivery state, syncing now, and who holds what."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from liaison.cli.common import console, handle_errors, open_node, print_json, sign_in
from liaison.errors import InvalidInput
from liaison.node.courier import sync_now

app = typer.Typer(
    help="Partner nodes: pin their keys, see their state, sync.", no_args_is_help=True
)


@app.command("add")
@handle_errors
def add(
    name: Annotated[str, typer.Argument(help="what this node calls the partner, e.g. moscow")],
    url: Annotated[str, typer.Option(help="the partner's address, https://host:port")],
    key: Annotated[str, typer.Option(help="the partner's node public key (base64url)")],
    cert: Annotated[
        Path | None, typer.Option(help="the partner's TLS certificate (PEM file) to pin")
    ] = None,
) -> None:
    """Pin a partner node's key (and certificate) and address."""
    pem = None
    if cert is not None:
        try:
            pem = cert.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput("cert", str(cert), f"cannot read the file: {exc}") from None
    node = open_node()
    peer = node.federation.add_peer(sign_in(node), name, url, key, pem)
    console.print(f"peer [bold]{peer['name']}[/] ({peer['node_id']}) at {peer['url']}")


@app.command("list")
@handle_errors
def list_(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Each peer: reachable, last delivery, queue depth, last error."""
    node = open_node()
    peers = node.federation.peers(sign_in(node))
    if as_json:
        print_json(peers)
        return
    table = Table("name", "node id", "url", "reachable", "last delivery", "queue", "last error")
    for p in peers:
        reachable = {True: "yes", False: "no", None: "not yet"}[p["reachable"]]
        table.add_row(
            p["name"],
            p["node_id"],
            p["url"],
            reachable,
            p["last_delivery"] or "-",
            str(p["queue"]),
            p["last_error"] or "",
        )
    console.print(table)


@app.command("sync")
@handle_errors
def sync(
    peer: Annotated[str | None, typer.Argument(help="one peer; all by default")] = None,
) -> None:
    """Push what waits and pull what this node missed, now."""
    node = open_node()
    actor = sign_in(node)
    node.federation.may_sync(actor)
    pushed, pulled = asyncio.run(sync_now(node.federation, peer))
    console.print(f"pushed {pushed} change(s), pulled {pulled}")
    for p in node.federation.peers(actor):
        if p["last_error"]:
            console.print(f"  {p['name']}: {p['last_error']}", markup=False)


def disclosures(
    peer: Annotated[str | None, typer.Option(help="one peer, by name")] = None,
    record: Annotated[str | None, typer.Option(help="one record id")] = None,
    limit: int = 1000,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """The disclosure register: which partner holds which version of which record."""
    node = open_node()
    rows = node.federation.disclosures(sign_in(node), peer, record, limit)
    if as_json:
        print_json(rows)
        return
    table = Table("peer", "record", "level", "version", "agreement", "since", "acknowledged")
    for r in rows:
        table.add_row(
            r["peer"],
            r["record_id"],
            r["level"],
            str(r["version"]),
            r["agreement"] or "",
            r["since"],
            "yes" if r["acknowledged"] else "pending",
        )
    console.print(table)


disclosures_command = handle_errors(disclosures)
