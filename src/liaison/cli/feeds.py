"""`liaison feed ...`: TAXII 2.1 feeds this node subscribes to (administrators)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn
from rich.table import Table

from liaison.cli.common import (
    console,
    err,
    handle_errors,
    open_node,
    print_json,
    read_json_arg,
    sign_in,
)
from liaison.node.feeds import counts_of, describe, report_of
from liaison.storage.feeds import Counts

app = typer.Typer(
    help="TAXII 2.1 feeds: subscribe to a partner's or a community's collection, pull it.",
    no_args_is_help=True,
)
Name = Annotated[str, typer.Argument(help="what this node calls the feed, e.g. community")]


@app.command("add")
@handle_errors
def add(
    name: Name,
    api_root: Annotated[str, typer.Option(help="the TAXII 2.1 API root's URL")],
    collection: Annotated[str, typer.Option(help="the collection's id")],
    auth: Annotated[str, typer.Option(help="none, basic or token")] = "none",
    username: Annotated[str | None, typer.Option(help="basic: the user name")] = None,
    secret_env: Annotated[
        str | None,
        typer.Option(help="the variable holding the password or token: LIAISON_FEED_SECRET_..."),
    ] = None,
    markings: Annotated[
        str | None, typer.Option(help='for objects without any, JSON or @file: {"tlp": "AMBER"}')
    ] = None,
    evaluation: Annotated[
        str | None,
        typer.Option(help='JSON: {"scheme": "admiralty", "source": "B", "information": "2"}'),
    ] = None,
) -> None:
    """Subscribe to a TAXII 2.1 collection; its first pull reads all of it."""
    node = open_node()
    feed = node.feeds.add(
        sign_in(node),
        name,
        api_root,
        collection,
        auth,
        username,
        secret_env,
        read_json_arg("markings", markings),
        read_json_arg("evaluation", evaluation),
    )
    console.print(
        f"feed [bold]{feed.name}[/]: {feed.collection_url}", highlight=False, soft_wrap=True
    )


@app.command("list")
@handle_errors
def list_(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Each feed: its cursor, last pull, counts and last error."""
    node = open_node()
    feeds = node.feeds.feeds(sign_in(node))
    if as_json:
        print_json([describe(f) for f in feeds])
        return
    table = Table("name", "collection", "cursor", "last pull", "objects", "written", "last error")
    for f in feeds:
        counts = counts_of(f.last)
        table.add_row(
            f.name,
            f.collection_url,
            (f.cursor or "—") + (" (partial)" if f.cursor_partial else ""),
            f.last_pull.isoformat(timespec="seconds") if f.last_pull else "never",
            str(counts["objects"]),
            str(counts["written"]),
            f.last_error or "",
        )
    console.print(table)


@app.command("pull")
@handle_errors
def pull(name: Name, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Pull what the feed added since its cursor, page by page."""
    node = open_node()
    actor = sign_in(node)
    if as_json:  # for scripts: the report alone
        print_json(report_of(node.feeds.pull(actor, name)))
        return
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=err) as bar:
        task = bar.add_task(f"{name}: reading")

        def page(pages: int, counts: Counts) -> None:
            said = f"{name}: {pages} page(s), {counts.objects} object(s), {counts.written} written"
            bar.update(task, description=said)

        report = node.feeds.pull(actor, name, on_page=page)
    c = report.counts
    end = "up to date" if report.complete else "stopped at its time bound; pull again"
    console.print(
        f"{report.feed}: {report.pages} page(s), {c.objects} object(s), {c.written} written, "
        f"{c.unchanged} unchanged, {c.skipped} skipped; "
        f"cursor {report.cursor_after or '—'} ({end})",
        markup=False,
        highlight=False,
    )


@app.command("remove")
@handle_errors
def remove(name: Name) -> None:
    """Unsubscribe; the records the feed brought stay, with their provenance."""
    node = open_node()
    node.feeds.remove(sign_in(node), name)
    console.print(f"feed {name} removed", markup=False)
