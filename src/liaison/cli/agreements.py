"""`liaison agreement ...`: propose, receive, sign, activate, suspend, resume,
terminate, show, list, diff, export (the bundle a partner needs)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from liaison.cli.common import console, handle_errors, open_node, print_json, read_json_arg, sign_in
from liaison.policy.agreements import Agreement, summary

app = typer.Typer(help="Sharing agreements between nodes.", no_args_is_help=True)
DocArg = Annotated[str, typer.Argument(help="JSON document, @file or -")]
VersionOpt = Annotated[int | None, typer.Option(help="a version other than the latest")]
ReasonOpt = Annotated[str | None, typer.Option(help="why (kept in the audit log)")]


def _show(agreement: Agreement) -> None:
    for line in summary(agreement):
        console.print(line, markup=False, highlight=False)


@app.command("propose")
@handle_errors
def propose(document: DocArg) -> None:
    """Propose an agreement (version 1) or an amendment (the next version) as a draft."""
    node = open_node()
    _show(node.agreements.propose(sign_in(node), read_json_arg("document", document)))


@app.command("receive")
@handle_errors
def receive(bundle: DocArg) -> None:
    """Take in a partner's bundle: the document and the signatures it carries."""
    node = open_node()
    _show(node.agreements.receive(sign_in(node), read_json_arg("bundle", bundle)))


@app.command("sign")
@handle_errors
def sign(
    agreement_id: str,
    version: Annotated[int, typer.Option(help="the version you read (see `show`)")],
) -> None:
    """Sign one version of the agreement for this node, with the node key."""
    node = open_node()
    _show(node.agreements.sign(sign_in(node), agreement_id, version))


def _mover(move: str, doc: str) -> None:
    @handle_errors
    def command(agreement_id: str, reason: ReasonOpt = None) -> None:
        node = open_node()
        _show(node.agreements.move(sign_in(node), agreement_id, move, reason))

    command.__doc__ = doc
    app.command(move)(command)


_mover("activate", "Put the agreement in force (every party must have signed).")
_mover("suspend", "Stop new flows at once (--reason required).")
_mover("resume", "Resume a suspended agreement.")
_mover("terminate", "End the agreement for good (--reason required).")


@app.command("show")
@handle_errors
def show(
    agreement_id: str,
    version: VersionOpt = None,
    json: Annotated[bool, typer.Option("--json", help="the bundle as JSON")] = False,
) -> None:
    """An agreement in plain lines, or as JSON with --json."""
    node = open_node()
    agreement = node.agreements.get(sign_in(node), agreement_id, version)
    if json:
        print_json(agreement.to_dict())
    else:
        _show(agreement)


@app.command("export")
@handle_errors
def export(agreement_id: str, version: VersionOpt = None) -> None:
    """The bundle to send to the other parties (document and signatures), as JSON."""
    node = open_node()
    print_json(node.agreements.get(sign_in(node), agreement_id, version).to_dict())


@app.command("list")
@handle_errors
def list_() -> None:
    """Every agreement, latest version."""
    node = open_node()
    table = Table("agreement", "version", "state", "parties", "unsigned", "title")
    for a in node.agreements.all(sign_in(node)):
        doc = a.document
        table.add_row(
            doc.agreement_id,
            str(doc.version),
            a.state.value,
            ", ".join(p.name for p in doc.parties),
            ", ".join(p.name for p in a.unsigned),
            doc.title,
        )
    console.print(table)


@app.command("diff")
@handle_errors
def diff(agreement_id: str, old: int, new: int) -> None:
    """What changed between two versions."""
    node = open_node()
    for line in node.agreements.diff(sign_in(node), agreement_id, old, new) or ["no changes"]:
        console.print(line, markup=False, highlight=False)


@app.command("send")
@handle_errors
def send(
    agreement_id: str,
    to: Annotated[
        str | None, typer.Option(help="one peer; every party that is a peer by default")
    ] = None,
) -> None:
    """Send the agreement (latest version and its signatures) to its parties over the
    network; each answers with the signatures it now holds."""
    import asyncio

    from liaison.node.courier import send_agreement_now

    node = open_node()
    answers = send_agreement_now(node.federation, sign_in(node), agreement_id, to)
    for answer in asyncio.run(answers):
        console.print(
            f"{answer['peer']}: holds version {answer['version']}, "
            f"signed by {', '.join(answer['signatures'])}",
            markup=False,
        )
