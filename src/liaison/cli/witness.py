"""`liaison audit witness|witnesses|evidence|prove|export-bundle|verify-bundle`:
partners as witnesses of the audit log, proofs between partners, and the bundle
an outside auditor checks without the node (docs/audit.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from liaison.audit.bundle import parse, verify_bundle
from liaison.audit.witness import WitnessFinding
from liaison.cli.common import console, err, handle_errors, open_node, print_json, sign_in
from liaison.errors import InvalidInput
from liaison.model.identity import unb64
from liaison.node.proofs import Kind, describe
from liaison.node.witness import send_now


def _when(value: object) -> str:
    return str(value)[:19] if value is not None else "-"


@handle_errors
def witness(peer: Annotated[str | None, typer.Option(help="one peer only")] = None) -> None:
    """Offer the node's signed checkpoint to every peer now, and show each answer."""
    node = open_node()
    actor = sign_in(node)
    table = Table("witness", "outcome", "size", "reason")
    for sent in send_now(node.witness, peer, actor):
        table.add_row(sent.witness, sent.outcome, str(sent.size or "-"), sent.reason)
    console.print(table)


@handle_errors
def witnesses(json: bool = False) -> None:
    """How fresh each peer's cosignature of this node's log is (this node's copy)."""
    node = open_node()
    states = node.witness.status(sign_in(node))
    if json:
        print_json([asdict(s) for s in states])
        return
    table = Table("witness", "size", "cosigned", "not yet witnessed", "last attempt", "last error")
    for s in states:
        table.add_row(
            s.witness,
            str(s.size if s.size is not None else "-"),
            _when(s.cosigned),
            str(s.unwitnessed),
            _when(s.last_attempt),
            s.last_error or "",
        )
    console.print(table)


@handle_errors
def evidence(peer: Annotated[str | None, typer.Option(help="one peer only")] = None) -> None:
    """As a witness: the peers' checkpoints this node refused (rollback or fork)."""
    node = open_node()
    found = node.witness.evidence(sign_in(node), peer)
    for e in found:
        console.print(f"[red]{e.kind}[/] of {e.log_node} at {_when(e.at)}: {e.reason}")
        console.print(f"held:\n{e.held}offered:\n{e.offered}proof from {e.old_size}: {e.proof}")
    if not found:
        console.print("no checkpoint refused")


@handle_errors
def prove(
    peer: str,
    record: str,
    kind: Annotated[
        Kind, typer.Option(help="disclosure: the peer sent it; receipt: received")
    ] = Kind.DISCLOSURE,
    version: int | None = None,
    json: bool = False,
) -> None:
    """Ask a peer for the proof that its disclosure (or receipt) of a record is in
    its audit log, and check it; exit 1 if it does not hold."""
    node = open_node()
    proved = node.proofs.prove(sign_in(node), peer, record, kind, version)
    if json:
        print_json(describe(proved))
    elif proved.ok:
        where = "a checkpoint this node cosigned" if proved.cosigned_here else "its checkpoint"
        console.print(
            f"[green]proved[/]: {peer}'s entry {proved.entry.seq} ({proved.entry.action}, "
            f"{proved.entry.ts[:19]}) is in {where} of size {proved.size}, root {proved.root}"
        )
    if not proved.ok:
        for reason in proved.reasons:
            err.print(f"[red]not proved[/]: {reason}")
        raise typer.Exit(1)


@handle_errors
def export_bundle(file: Path) -> None:
    """Write the audit bundle: the entries, the node's key and checkpoint, and the
    checkpoints the witnesses cosigned (docs/audit.md)."""
    if file.exists():
        raise InvalidInput("file", str(file), "exists; give a new file")
    node = open_node()
    header = node.witness.export_bundle(sign_in(node), file)
    console.print(
        f"{file}: {header.entries} entries, checkpoint of node {header.node_id}, "
        f"{len(header.witnesses)} witnesses' cosigned checkpoints"
    )


@handle_errors
def verify_bundle_command(
    file: Path,
    witness_key: Annotated[
        list[str] | None,
        typer.Option(help="NAME=KEY: a witness's Ed25519 key you trust (name or node id)"),
    ] = None,
    node_key: Annotated[str | None, typer.Option(help="the node's key, if you hold it")] = None,
) -> None:
    """Check an audit bundle without the node: the hash chain, the Merkle root, the
    node's signature and each witness's cosignature against the keys given; exit 1
    on any failure. Needs no database and no node key."""
    trusted = dict(_key(text) for text in witness_key or [])
    try:
        with file.open("rb") as lines:
            bundle = parse(lines)
    except OSError as exc:
        raise InvalidInput("file", str(file), f"cannot read it: {exc}") from None
    given = _key(f"node={node_key}")[1] if node_key else None
    report = verify_bundle(bundle, trusted, given)
    console.print(
        f"node {report.node_id}: {report.entries} entries, checkpoint size {report.size} "
        f"root {report.root}"
    )
    for problem in report.problems:
        err.print(f"[red]{problem}[/]")
    for finding in report.witnesses:
        _print_finding(finding)
    if not report.ok:
        raise typer.Exit(1)
    console.print("[green]bundle verified[/]")


def _key(text: str) -> tuple[str, bytes]:
    name, sep, key = text.partition("=")
    if not sep or not name or not key:
        raise InvalidInput("--witness-key", text, "NAME=KEY (the key in base64)")
    try:
        raw = unb64(key.strip())
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise InvalidInput("--witness-key", text, "the key is not a 32-byte Ed25519 key in base64")
    return name, raw


def _print_finding(f: WitnessFinding) -> None:
    colour = "red" if f.failed else "green" if f.status.value == "ok" else "yellow"
    size = f" size {f.size} root {f.root} cosigned {_when(f.time)}" if f.size is not None else ""
    console.print(f"[{colour}]{f.witness}: {f.status.value}[/]{size}: {f.reason}")


COMMANDS: dict[str, Callable[..., None]] = {
    "witness": witness,
    "witnesses": witnesses,
    "evidence": evidence,
    "prove": prove,
    "export-bundle": export_bundle,
    "verify-bundle": verify_bundle_command,
}
