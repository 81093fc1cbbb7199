"""``liaison notice``: notices and diffusions (docs/notices.md), on both sides.

The originator drafts from a JSON file, submits to the compliance review, has
another user approve and issues; a receiver answers in the thread; a border
post checks numbers against the identifier lists held (hit/no-hit)."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.table import Table

from liaison.cli.common import console, err, handle_errors, open_node, print_json, sign_in
from liaison.diffusion.drafts import DraftRejected
from liaison.errors import InvalidInput
from liaison.node.diffusion import CheckResult, NoticeView

app = typer.Typer(
    help="Notices and diffusions: draft, review, approve, issue, answer, check.",
    no_args_is_help=True,
)

FileOpt = Annotated[
    str, typer.Option("--file", help="the draft as JSON (docs/notices.md); - for stdin")
]
NoticeId = Annotated[str, typer.Argument(help="the notice id (ntc-...)")]
Reason = Annotated[str, typer.Option(help="why, in words (10 characters or more)")]
AsJson = Annotated[bool, typer.Option("--json", help="the whole view as JSON")]


# --- drafting and review (the originator) ------------------------------------------------


@app.command("draft")
@handle_errors
def draft(file: FileOpt) -> None:
    """A new notice in draft, on this node's records."""
    data = read_draft(file)
    node = open_node()
    with drafting():
        _said(node.notices.draft(sign_in(node), data))


@app.command("edit")
@handle_errors
def edit(notice_id: NoticeId, file: FileOpt) -> None:
    """Replace a draft's content (whoever edits becomes one of its drafters)."""
    data = read_draft(file)
    node = open_node()
    with drafting():
        _said(node.notices.edit(sign_in(node), notice_id, data))


@app.command("submit")
@handle_errors
def submit(notice_id: NoticeId) -> None:
    """Send the draft to the compliance review; refused, it is back in draft with every
    reason (exit 1); passed, it waits for someone else's approval."""
    node = open_node()
    view = node.notices.submit(sign_in(node), notice_id)
    _said(view)
    if view.review is not None and not view.review["passed"]:
        err.print("refused by the compliance review: fix the draft and submit it again")
        raise typer.Exit(1)


@app.command("override")
@handle_errors
def override_(
    notice_id: NoticeId,
    justification: Annotated[
        str, typer.Option(help="why the case is not predominantly political... (40+ characters)")
    ],
) -> None:
    """Override a neutrality refusal in writing (auditors); the notice then waits for
    approval."""
    node = open_node()
    _said(node.notices.override(sign_in(node), notice_id, justification))


@app.command("send-back")
@handle_errors
def send_back(notice_id: NoticeId, reason: Reason) -> None:
    """Send a notice in review or approved back to draft."""
    node = open_node()
    _said(node.notices.send_back(sign_in(node), notice_id, reason))


@app.command("approve")
@handle_errors
def approve(notice_id: NoticeId) -> None:
    """Approve a reviewed notice (four-eyes: not one of its drafters)."""
    node = open_node()
    _said(node.notices.approve(sign_in(node), notice_id))


@app.command("issue")
@handle_errors
def issue(notice_id: NoticeId) -> None:
    """Publish to every partner whose agreement covers it, or diffuse to those chosen."""
    node = open_node()
    _said(node.notices.issue(sign_in(node), notice_id), holders=True)


@app.command("amend")
@handle_errors
def amend(notice_id: NoticeId, file: FileOpt) -> None:
    """Propose a new version of an issued notice; someone else approves it."""
    data = read_draft(file)
    node = open_node()
    with drafting():
        _said(node.notices.propose_amendment(sign_in(node), notice_id, data))


@app.command("approve-amendment")
@handle_errors
def approve_amendment(notice_id: NoticeId, reason: Reason) -> None:
    """Approve the amendment waiting; the new version goes to every holder."""
    node = open_node()
    _said(node.notices.approve_amendment(sign_in(node), notice_id, reason), holders=True)


@app.command("suspend")
@handle_errors
def suspend(notice_id: NoticeId, reason: Reason) -> None:
    """Suspend an issued notice at every holder (it stops alerting)."""
    node = open_node()
    _said(node.notices.suspend(sign_in(node), notice_id, reason), holders=True)


@app.command("resume")
@handle_errors
def resume(notice_id: NoticeId, reason: Reason) -> None:
    """Resume a suspended notice at every holder."""
    node = open_node()
    _said(node.notices.resume(sign_in(node), notice_id, reason), holders=True)


@app.command("renew")
@handle_errors
def renew(notice_id: NoticeId, reason: Reason) -> None:
    """Renew a notice for five more years (from the reminder on)."""
    node = open_node()
    _said(node.notices.renew(sign_in(node), notice_id, reason), holders=True)


@app.command("cancel")
@handle_errors
def cancel(notice_id: NoticeId, reason: Reason) -> None:
    """Cancel a notice (final); every holder is told."""
    node = open_node()
    _said(node.notices.cancel(sign_in(node), notice_id, reason), holders=True)


@app.command("sweep")
@handle_errors
def sweep() -> None:
    """Expire our issued notices whose expiry day has come and tell their holders."""
    node = open_node()
    sign_in(node)
    done = node.notices.sweep()
    for notice_id in done:
        console.print(f"notice {notice_id}: expired", markup=False)
    console.print(f"{len(done)} notice(s) expired")


# --- reading ---------------------------------------------------------------------------------


@app.command("list")
@handle_errors
def list_(
    incoming: Annotated[bool, typer.Option("--in", help="partners' notices held here")] = False,
    outgoing: Annotated[bool, typer.Option("--out", help="this node's notices (default)")] = False,
    state: Annotated[str | None, typer.Option(help="draft, in_review, issued...")] = None,
    renewal: Annotated[
        bool, typer.Option("--renewal", help="ours due for renewal, the soonest expiry first")
    ] = False,
    limit: Annotated[int, typer.Option()] = 50,
    offset: Annotated[int, typer.Option()] = 0,
    as_json: AsJson = False,
) -> None:
    """Our notices, or the partners' with --in, latest change first."""
    if incoming and outgoing:
        raise typer.BadParameter("--in or --out, not both")
    node = open_node()
    box = "in" if incoming else "out"
    found = node.notices.page(sign_in(node), box, state, limit, offset, renewal)
    if as_json:
        print_json(dataclasses.asdict(found))
        return
    table = Table("id", "kind", "state", "v", "mode", "subject", "expires", "originator")
    table.columns[0].overflow = "fold"
    for n in found.notices:
        table.add_row(
            n.notice_id,
            n.kind,
            n.state,
            str(n.version),
            n.mode,
            n.caption,
            f"{n.expires_on} (renew or let it expire)" if n.renewal_due else n.expires_on or "",
            n.originator_name,
        )
    console.print(table)
    console.print(f"{len(found.notices)} notice(s) ({found.box})")


@app.command("show")
@handle_errors
def show(notice_id: NoticeId, as_json: AsJson = False) -> None:
    """One notice: state, subjects, review, holders, thread and deadlines."""
    node = open_node()
    view = node.notices.show(sign_in(node), notice_id)
    if as_json:
        print_json(dataclasses.asdict(view))
        return
    _said(view, holders=True)
    _details(view)


# --- the receiver ----------------------------------------------------------------------------


@app.command("respond")
@handle_errors
def respond(
    notice_id: NoticeId,
    kind: Annotated[str, typer.Option(help="acknowledged, located, detained, seized...")],
    ground: Annotated[str | None, typer.Option(help="for will_not_act: why")] = None,
    text: Annotated[str | None, typer.Option(help="what to add, in words")] = None,
) -> None:
    """Answer a partner's notice in its thread."""
    node = open_node()
    view = node.notices.respond(sign_in(node), notice_id, kind, ground, text)
    console.print(f"notice {notice_id}: answered {kind}", markup=False)
    _deadlines(view)


@app.command("confirm")
@handle_errors
def confirm(
    notice_id: NoticeId,
    receiver: Annotated[str, typer.Option(help="the partner's node id whose response it is")],
    text: Annotated[str | None, typer.Option(help="what to add, in words")] = None,
) -> None:
    """On our notice: confirm to a receiver that the request stands after its response."""
    node = open_node()
    view = node.notices.respond(sign_in(node), notice_id, "confirmed", text=text, receiver=receiver)
    console.print(f"notice {notice_id}: confirmed to {receiver}", markup=False)
    _deadlines(view)


@app.command("check")
@handle_errors
def check(
    passport: Annotated[list[str] | None, typer.Option(help="a passport number")] = None,
    id_number: Annotated[list[str] | None, typer.Option(help="an identity card number")] = None,
    imo: Annotated[list[str] | None, typer.Option(help="a vessel's IMO number")] = None,
    mmsi: Annotated[list[str] | None, typer.Option(help="a vessel's MMSI")] = None,
    vehicle: Annotated[list[str] | None, typer.Option(help="a registration plate")] = None,
) -> None:
    """Hit/no-hit: each number against the identifier lists held (nothing leaves the node).
    Each option may repeat; exits 0 whether it hits or not."""
    asked = {
        "passport": passport,
        "id_number": id_number,
        "imo": imo,
        "mmsi": mmsi,
        "vehicle": vehicle,
    }
    items = [{"kind": k, "value": v} for k, values in asked.items() for v in values or []]
    node = open_node()
    for result in node.notices.check(sign_in(node), items):
        console.print(_checked(result), markup=False)


# --- helpers ---------------------------------------------------------------------------------


def read_draft(path: str) -> Any:
    """The draft's JSON from a file, or from stdin for ``-``; errors name ``--file``."""
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise InvalidInput("--file", path, f"cannot read the file: {reason}") from None
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise InvalidInput("--file", path, f"not valid JSON ({exc})") from None


@contextmanager
def drafting() -> Iterator[None]:
    """Print every problem of a rejected draft, not only the first, and exit 2."""
    try:
        yield
    except DraftRejected as exc:
        err.print(f"[red]error:[/] the draft has {len(exc.problems)} problem(s)")
        for p in exc.problems:
            err.print(f"  {p.field}: {p.reason} (got {p.value})", markup=False)
        raise typer.Exit(2) from None


def _said(view: NoticeView, holders: bool = False) -> None:
    """The state in a few lines; the review's refusal reasons; the holders."""
    s = view.summary
    console.print(f"notice {s.notice_id}: {s.state} (version {s.version})", markup=False)
    expires = f", expires {s.expires_on}" if s.expires_on else ""
    console.print(f"  {s.kind}: {s.action}; {s.mode}{expires}", markup=False)
    if view.review is not None:
        _review(view.review)
    if holders and s.own and s.state not in ("draft", "in_review", "approved"):
        _holders(view)
    if view.pending:
        console.print("  an amendment waits for approval", markup=False)
    if view.moves and s.own:
        console.print(f"  moves allowed: {', '.join(view.moves)}", markup=False)


def _review(review: dict[str, Any]) -> None:
    """A refused review's reasons, each on its line with its evidence; an override."""
    override = review["override"]
    if review["passed"] and not override:
        return
    if override:
        line = f"  review refused, overridden by {override['by']} on {override['on']}:"
    else:
        line = f"  review refused on {review['reviewed_on']}:"
    console.print(line, markup=False)
    for reason in review["reasons"]:
        if reason["effect"] == "deny":
            console.print(f"    {reason['rule']}: {reason['text']}", markup=False)
            for evidence in reason["evidence"]:
                console.print(f"      {evidence}", markup=False)
    if override:
        console.print(f"  justification: {override['justification']}", markup=False)


def _holders(view: NoticeView) -> None:
    if not view.holders:
        console.print("  holders: none (no partner covered)", markup=False)
        return
    console.print("  holders:", markup=False)
    for h in view.holders:
        why = f" ({'; '.join(h.reasons)})" if h.reasons else ""
        line = f"    {h.name} {h.node_id}: {h.state}, version {h.version}{why}"
        console.print(line, markup=False)


def _details(view: NoticeView) -> None:
    for subject in view.subjects:
        line = f"  subject {subject.record_id}: {subject.caption} ({subject.schema})"
        console.print(line, markup=False)
    for name, value in view.fields.items():
        console.print(f"  {name}: {_value(value)}", markup=False)
    if view.review is not None and view.review["passed"] and not view.review["override"]:
        console.print(f"  review passed on {view.review['reviewed_on']}", markup=False)
    for event in view.history:
        approved = f", approved by {event.approved_by}" if event.approved_by else ""
        why = f": {event.reason}" if event.reason else ""
        line = f"  history {event.on} v{event.version} {event.move} by {event.by}{approved}{why}"
        console.print(line, markup=False)
    for entry in view.thread:
        said = f" {entry.text}" if entry.text else ""
        ground = f" ({entry.ground})" if entry.ground else ""
        line = f"  thread {entry.at} {entry.receiver}: {entry.kind}{ground} by {entry.by}{said}"
        console.print(line, markup=False)
    _deadlines(view)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def _deadlines(view: NoticeView) -> None:
    for d in view.deadlines:
        if d.met:
            continue
        late = " OVERDUE" if d.overdue else ""
        line = f"  due {d.due}{late}: {d.who} to {d.step} ({d.receiver}, after {d.after})"
        console.print(line, markup=False)


def _checked(result: CheckResult) -> str:
    if not result.hit:
        return f"{result.kind} {result.value}: no hit"
    on = ", ".join(f"{n.notice_id} ({n.kind}, {n.originator_name})" for n in result.notices)
    return f"{result.kind} {result.value}: HIT on {on}"
