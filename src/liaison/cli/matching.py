"""`liaison screen`, `liaison alerts ...`, `liaison watchlist ...`: batch screening
with a report, cross-match alerts, watchlists."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from liaison.cli.common import console, err, handle_errors, open_node, print_json, sign_in
from liaison.csvout import records_to_csv
from liaison.errors import InvalidInput
from liaison.node import Why
from liaison.node.matching import MAX_QUERIES, query_profile
from liaison.node.transfer import Exits

alerts = typer.Typer(
    help="Cross-match alerts: list, confirm, reject, escalate.", no_args_is_help=True
)
watchlist = typer.Typer(
    help="Watchlists that new records are matched against.", no_args_is_help=True
)
RECORDS = "records"  # the source of a result that is a record, not a watchlist entry
REPORT_FIELDS = ("line", "query", "status", "rank", "id", "caption", "score", "match", "why")


def _rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """CSV rows as queries: ``schema`` (default Person), ``id``, and FtM property
    columns (name, alias, birthDate, nationality, gender, passportNumber...);
    several values in one cell are separated by ``;``."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InvalidInput("file", str(path), f"cannot read it: {exc.strerror}") from None
    with handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            schema = (row.pop("schema", None) or "Person").strip()
            ident = (row.pop("id", None) or f"line-{number}").strip()
            props = {
                key.strip(): [v.strip() for v in (value or "").split(";") if v.strip()]
                for key, value in row.items()
                if key
            }
            yield (
                number,
                {
                    "id": ident,
                    "schema": schema,
                    "properties": {k: v for k, v in props.items() if v},
                },
            )


def _why(result: dict[str, Any]) -> str:
    parts = []
    for name, found in result["explanations"].items():
        if found["level"] != "missing":
            parts.append(f"{name}={found['level']}")
    return " ".join(parts)


def _screen_batch(
    node: Any,
    actor: Any,
    batch: list[tuple[int, dict[str, Any]]],
    limit: int,
    threshold: float | None,
    why: Why,
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    valid: dict[str, tuple[int, dict[str, Any]]] = {}
    for number, query in batch:
        try:
            query_profile(query["id"], query)
        except InvalidInput as exc:
            out.append(
                {
                    "line": number,
                    "query": query["id"],
                    "status": "rejected",
                    "why": f"{exc.field}: {exc.reason} (got {exc.value})",
                }
            )
            continue
        valid[f"{number}"] = (number, query)
    if valid:
        found = node.matching.match(
            actor, {k: q for k, (_, q) in valid.items()}, threshold, limit, why
        )
        for key, results in found.items():
            number, query = valid[key]
            if not results:
                out.append({"line": number, "query": query["id"], "status": "no result"})
            for rank, result in enumerate(results, start=1):
                out.append(
                    {
                        "line": number,
                        "query": query["id"],
                        "status": "match" if result["match"] else "candidate",
                        "rank": rank,
                        "id": result["id"],
                        "source": result["datasets"][0],  # records or watchlist:<name>
                        "caption": result["caption"],
                        "score": result["score"],
                        "match": result["match"],
                        "why": _why(result),
                        "explanations": result["explanations"],
                    }
                )
    return sorted(out, key=lambda r: (r["line"], r.get("rank", 0)))


@handle_errors
def screen(
    path: Annotated[
        Path,
        typer.Argument(
            help="CSV: name, optional id, schema and FtM property columns (birthDate...)"
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", help="report file (CSV or JSON by --format); stdout by default"),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="csv or json")] = "csv",
    limit: Annotated[int, typer.Option(help="results per query")] = 3,
    threshold: Annotated[
        float | None, typer.Option(help="match threshold; the model's by default")
    ] = None,
    purpose: Annotated[str | None, typer.Option(help="purpose recorded in the audit log")] = None,
) -> None:
    """Screen a list of names against this node's records and watchlists."""
    if fmt not in ("csv", "json"):
        raise InvalidInput("format", fmt, "csv or json")
    node = open_node()
    actor = sign_in(node)
    rows = list(_rows(path))
    report: list[dict[str, Any]] = []
    columns = (TextColumn("screening"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err) as bar:
        task = bar.add_task("screen", total=len(rows))
        for start in range(0, len(rows), MAX_QUERIES):
            batch = rows[start : start + MAX_QUERIES]
            report.extend(_screen_batch(node, actor, batch, limit, threshold, Why(purpose)))
            bar.advance(task, len(batch))
    record_ids = [r["id"] for r in report if r.get("source") == RECORDS]
    exits = node.transfer.exits(actor, record_ids, "screening report", Why(purpose))
    text = _render(_may_leave(report, exits.allowed), fmt)
    if out is None:
        console.out(text, end="")
    else:
        out.write_text(text, encoding="utf-8")
    rejected = sum(1 for r in report if r["status"] == "rejected")
    matched = len({r["line"] for r in report if r["status"] == "match"})
    err.print(f"{len(rows)} rows: {matched} with a match, {rejected} rejected")
    _tell_withheld(report, exits)
    if rejected:
        raise typer.Exit(1)


def _may_leave(report: list[dict[str, Any]], allowed: frozenset[str]) -> list[dict[str, Any]]:
    """The rows the report file may carry: a result whose record may not leave
    the node is left out, and the results ranked after it move up."""
    kept: list[dict[str, Any]] = []
    ranks: dict[int, int] = {}
    for row in report:
        if row.get("source") == RECORDS and row["id"] not in allowed:
            continue
        if "rank" in row:
            ranks[row["line"]] = ranks.get(row["line"], 0) + 1
            row = {**row, "rank": ranks[row["line"]]}
        kept.append(row)
    return kept


def _tell_withheld(report: list[dict[str, Any]], exits: Exits) -> None:
    """On stderr, never in the file: each record left out, its lines and why."""
    if not exits.withheld:
        return
    lines: dict[str, list[str]] = {}
    for row in report:
        if row.get("source") == RECORDS and row["id"] not in exits.allowed:
            lines.setdefault(row["id"], []).append(str(row["line"]))
    count = sum(len(found) for found in lines.values())
    results = "1 result" if count == 1 else f"{count} results"
    err.print(f"{results} withheld from the report: the policy keeps the record(s) in this node")
    for left in exits.withheld[:20]:
        found = lines.get(left.record_id, [])
        where = f"line{'s' if len(found) > 1 else ''} {', '.join(found)}"
        reasons = "; ".join(left.reasons)
        err.print(f"  withheld {left.record_id}@{left.version} ({where}): {reasons}")
    if len(exits.withheld) > 20:
        err.print(f"  ... and {len(exits.withheld) - 20} more (the audit entry lists them all)")


def _render(report: list[dict[str, Any]], fmt: str) -> str:
    if fmt == "json":
        return orjson.dumps(report, option=orjson.OPT_INDENT_2).decode() + "\n"
    return records_to_csv(REPORT_FIELDS, report)


@alerts.command("list")
@handle_errors
def list_alerts(
    status: Annotated[str | None, typer.Option(help="open, confirmed, rejected, escalated")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Alerts on records you may see."""
    node = open_node()
    found = node.matching.alerts(sign_in(node), status)
    if as_json:
        print_json(found)
        return
    table = Table("id", "status", "score", "record", "matched", "why")
    for a in found:
        why = " ".join(
            f"{k}={v['level']}" for k, v in a.features.items() if v["level"] != "missing"
        )
        target = f"{a.watchlist}: {a.target_caption}" if a.watchlist else a.target
        table.add_row(str(a.id), a.status, f"{a.score:.3f}", a.record_id, target, why)
    console.print(table)


@alerts.command("decide")
@handle_errors
def decide(
    alert_id: Annotated[int, typer.Argument()],
    decision: Annotated[str, typer.Argument(help="confirm, reject or escalate")],
    note: Annotated[str, typer.Option(help="why")] = "",
) -> None:
    """Confirm, reject (the pair is not raised again) or escalate an alert."""
    node = open_node()
    found = node.matching.decide(sign_in(node), alert_id, decision, note)
    console.print(f"alert {found.id} {found.status}")


@alerts.command("run")
@handle_errors
def run() -> None:
    """Cross-match the records waiting in the match queue now (``liaison serve`` does it
    in the background)."""
    node = open_node()
    sign_in(node)
    done = node.matching.process_all()
    console.print(f"{done} record(s) cross-matched")


@watchlist.command("create")
@handle_errors
def create(
    name: Annotated[str, typer.Argument()],
    description: Annotated[str, typer.Option()] = "",
) -> None:
    """Create a watchlist."""
    node = open_node()
    node.matching.add_watchlist(sign_in(node), name, description)
    console.print(f"watchlist [bold]{name}[/] created")


@watchlist.command("add")
@handle_errors
def add(
    name: Annotated[str, typer.Argument()],
    path: Annotated[Path, typer.Argument(help="FollowTheMoney entities, one JSON object per line")],
) -> None:
    """Add FollowTheMoney entities to a watchlist."""
    entities = []
    try:
        with path.open("rb") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    try:
                        entities.append(orjson.loads(line))
                    except orjson.JSONDecodeError as exc:
                        raise InvalidInput(
                            f"line {number}", line[:80].decode(errors="replace"), f"not JSON: {exc}"
                        ) from None
    except OSError as exc:
        raise InvalidInput("file", str(path), f"cannot read it: {exc.strerror}") from None
    node = open_node()
    added = node.matching.add_entries(sign_in(node), name, entities)
    console.print(f"{added} entr{'y' if added == 1 else 'ies'} added to {name}")


@watchlist.command("list")
@handle_errors
def list_watchlists(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Watchlists with their entry counts."""
    node = open_node()
    found = node.matching.watchlists(sign_in(node))
    if as_json:
        print_json(found)
        return
    table = Table("name", "entries", "description")
    for w in found:
        table.add_row(w["name"], str(w["entries"]), w["description"])
    console.print(table)
