"""`liaison hub ...`: multilateral hub mode, on the hub and on its members."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from liaison.cli.common import console, handle_errors, open_node, print_json, sign_in
from liaison.errors import InvalidInput
from liaison.node.hub import THRESHOLD
from liaison.node.linkage import results_now, submit_now

app = typer.Typer(
    help="Hub mode: link persons across members without a clear value.", no_args_is_help=True
)
Project = Annotated[str, typer.Option(help="the project's name, the same on hub and members")]
Members = Annotated[list[str], typer.Option("--member", help="a member (repeat for each)")]


@app.command("create")
@handle_errors
def create(
    project: Project, member: Members, threshold: Annotated[float, typer.Option()] = THRESHOLD
) -> None:
    """On the hub (administrators): a project for these members (pinned peers)."""
    node = open_node()
    found = node.hub.create(sign_in(node), project, member, threshold)
    names = ", ".join(m["name"] for m in found["members"])
    console.print(f"project [bold]{found['project']}[/] for {names}", markup=True)


@app.command("projects")
@handle_errors
def projects(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """On the hub (administrators): projects, submissions, runs, pairs."""
    node = open_node()
    found = node.hub.projects(sign_in(node))
    if as_json:
        print_json(found)
        return
    table = Table("project", "members", "submitted", "run", "pairs")
    for p in found:
        done = [s["member"] for s in p["submissions"] if s["complete"]]
        members = ", ".join(m["name"] for m in p["members"])
        table.add_row(p["project"], members, ", ".join(done), str(p["run"]), str(p["pairs"]))
    console.print(table)


@app.command("link")
@handle_errors
def link(project: Project) -> None:
    """On the hub (administrators): link now among the members that have submitted."""
    node = open_node()
    found = node.hub.link_now(sign_in(node), project)
    console.print(f"run {found['run']}: {found['pairs']} candidate pair(s)")


@app.command("join")
@handle_errors
def join(
    project: Project,
    hub: Annotated[str, typer.Option(help="the hub: peer name or node id")],
    member: Members,
    secret_file: Annotated[Path, typer.Option(help="the members' shared linkage secret")],
) -> None:
    """On a member (administrators): join a hub's project with the members' secret."""
    try:
        secret = secret_file.read_bytes()
    except OSError as exc:
        raise InvalidInput("secret_file", str(secret_file), f"cannot read it: {exc}") from None
    node = open_node()
    found = node.linkage.join(sign_in(node), project, hub, member, secret)
    console.print(f"joined {found['project']} on hub {found['hub']}", markup=False)


@app.command("submit")
@handle_errors
def submit(project: Project) -> None:
    """On a member: encode the records offered to every other member and send them."""
    node = open_node()
    found = asyncio.run(submit_now(node.linkage, sign_in(node), project))
    console.print(
        f"sent {found['offered']} person(s) in {found['parts']} part(s); "
        f"{found['kept_home']} kept home by the policy",
        markup=False,
    )


@app.command("results")
@handle_errors
def results(project: Project, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """On a member: fetch this node's candidate pairs from the hub and list them."""
    node = open_node()
    found = asyncio.run(results_now(node.linkage, sign_in(node), project))
    if as_json:
        print_json(found)
        return
    table = Table("record", "partner", "partner's reference")
    for c in found:
        table.add_row(c["record_id"], c["partner"], c["partner_ref"])
    console.print(table)
