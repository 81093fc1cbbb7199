"""`liaison policy|consent|neutrality|retention ...`: decisions and safeguards."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from liaison.cli.common import console, handle_errors, open_node, print_json, sign_in

policy = typer.Typer(help="Policy decisions, with their reasons.", no_args_is_help=True)
consent = typer.Typer(help="The originator's consents.", no_args_is_help=True)
neutrality = typer.Typer(help="The neutrality gate's review queue.", no_args_is_help=True)
retention = typer.Typer(help="Review dates, renewal, purge.", no_args_is_help=True)


@policy.command("explain")
@handle_errors
def explain(
    record_id: str,
    recipient: Annotated[str, typer.Argument(help="a partner node id (lsn-…) or user:NAME")],
    use: Annotated[str, typer.Option(help="view, push, hit_only, export, ...")] = "push",
    purpose: Annotated[str, typer.Option(help="cross_check, investigation, ...")] = "cross_check",
    json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Print the decision for RECORD and RECIPIENT and every reason that applied."""
    node = open_node()
    found = node.policy.explain(sign_in(node), record_id, recipient, use, purpose)
    if json:
        print_json(found.to_dict())
        return
    d = found.decision
    console.print(
        f"{d.outcome.label}: {found.use.value} of {record_id} to {recipient}", markup=False
    )
    for r in d.reasons:
        mark = "✗" if r.denies else "✓"
        console.print(f"  {mark} [{r.rule.value}] {r.text}", markup=False, highlight=False)


@consent.command("give")
@handle_errors
def give(
    record_id: str,
    recipient: Annotated[str, typer.Argument(help="a partner node id (lsn-…) or user:NAME")],
    use: Annotated[str, typer.Option(help="onward_share, court_use, push, view, export, ...")],
    justification: Annotated[str, typer.Option(help="why the originator consents")],
) -> None:
    """Record the originator's consent to one use of a record by one recipient."""
    node = open_node()
    print_json(node.policy.give_consent(sign_in(node), record_id, recipient, use, justification))


@consent.command("withdraw")
@handle_errors
def withdraw(consent_id: int, reason: Annotated[str, typer.Option(help="why")]) -> None:
    """Withdraw a consent: further flows that needed it stop."""
    node = open_node()
    print_json(node.policy.withdraw_consent(sign_in(node), consent_id, reason))


@consent.command("list")
@handle_errors
def list_consents(record_id: Annotated[str | None, typer.Option()] = None) -> None:
    """Consents, withdrawn ones included."""
    node = open_node()
    print_json(node.policy.consents(sign_in(node), record_id))


@neutrality.command("queue")
@handle_errors
def queue(state: Annotated[str, typer.Option(help="held, released or upheld")] = "held") -> None:
    """Records held at the neutrality gate, with the signals that held them."""
    node = open_node()
    table = Table("record", "version", "state", "signals", "decided by", "reason")
    for item in node.policy.queue(sign_in(node), state):
        signals = "; ".join(f"{s['character']}: {s['evidence']}" for s in item["signals"])
        table.add_row(
            item["record_id"],
            str(item["version"]),
            item["state"],
            signals,
            item["decided_by"] or "",
            item["reason"] or "",
        )
    console.print(table)


@neutrality.command("release")
@handle_errors
def release(
    record_id: str, reason: Annotated[str, typer.Option(help="the predominance test")]
) -> None:
    """Release a held record: not predominantly political, military, religious or racial."""
    node = open_node()
    print_json(node.policy.review(sign_in(node), record_id, "release", reason))


@neutrality.command("uphold")
@handle_errors
def uphold(
    record_id: str, reason: Annotated[str, typer.Option(help="the predominance test")]
) -> None:
    """Keep the record held: it is not to be shared."""
    node = open_node()
    print_json(node.policy.review(sign_in(node), record_id, "uphold", reason))


@retention.command("due")
@handle_errors
def due() -> None:
    """Records due for review within three months, overdue, or expired."""
    node = open_node()
    table = Table("record", "standing", "review due", "expires", "caption")
    for item in node.policy.due(sign_in(node)):
        table.add_row(
            item["record_id"],
            item["standing"],
            item["review_due"] or "",
            item["expires"] or "",
            item["caption"],
        )
    console.print(table)


@retention.command("renew")
@handle_errors
def renew(
    record_id: str,
    review_due: Annotated[str, typer.Option(help="new review date, YYYY-MM-DD")],
    justification: Annotated[str, typer.Option(help="why the record is still needed")],
) -> None:
    """Renew a record at review (supervisors)."""
    node = open_node()
    print_json(node.policy.renew(sign_in(node), record_id, review_due, justification).to_dict())


@retention.command("purge")
@handle_errors
def purge() -> None:
    """Tombstone every record past expiry or past review without renewal."""
    node = open_node()
    purged = node.policy.purge(sign_in(node))
    console.print(f"{len(purged)} record(s) purged")
    for record_id in purged:
        console.print(f"  {record_id}", markup=False)
