"""Cross-match alerts: the list (by status, paged by the alert-id cursor) with
both sides, the score and the evidence, and the decision form (confirm,
reject so that the pair is not raised again, or escalate, with a note)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import RedirectResponse, Response

from liaison.api.deps import NodeDep
from liaison.api.wire import Cursor, Id
from liaison.errors import InvalidInput, LiaisonError
from liaison.model.roles import Actor
from liaison.node import Node
from liaison.node.matching import Alert
from liaison.web.labels import N_
from liaison.web.pages.search import Evidence, evidence
from liaison.web.render import render
from liaison.web.session import FormDep, UserDep, WebUser

router = APIRouter()
AlertId = Annotated[Id, Path()]

PAGE = 25
STATUSES = {
    "open": N_("open"),
    "escalated": N_("escalated"),
    "confirmed": N_("confirmed"),
    "rejected": N_("rejected"),
    "": N_("all"),
}
DECISIONS = {"confirm": N_("Confirm"), "reject": N_("Reject"), "escalate": N_("Escalate")}


@router.get("/alerts")
def alerts(
    request: Request,
    node: NodeDep,
    user: UserDep,
    status: Annotated[str, Query(max_length=16)] = "open",
    cursor: Cursor = 0,
) -> Response:
    return _page(request, node, user, status, cursor, {})


def _page(
    request: Request,
    node: Node,
    user: WebUser,
    status: str,
    cursor: int,
    errors: dict[str, str],
    code: int = 200,
) -> Response:
    try:
        rows = node.matching.alerts(user.actor, status or None, cursor, PAGE + 1)
    except InvalidInput as exc:
        rows, errors, code = [], {**errors, "status": exc.reason}, 422
    shown = rows[:PAGE]
    context: dict[str, Any] = {
        "alerts": [view(a) for a in shown],
        "captions": captions(node, user.actor, record_ids(shown)),
        "next_cursor": shown[-1].id if len(rows) > PAGE else None,
        "shown_status": status,
        "statuses": STATUSES,
        "decisions": DECISIONS,
        "errors": errors,
    }
    return render(request, "alerts.html", user, code, **context)


@dataclass(frozen=True)
class Shown:
    """An alert as the page shows it: the service's alert and its readable evidence."""

    alert: Alert
    evidence: tuple[Evidence, ...]


def view(alert: Alert) -> Shown:
    return Shown(alert, evidence(alert.features))


def record_ids(alerts: Iterable[Alert]) -> list[str]:
    """The records on either side of the alerts, each once, in order."""
    ids = [a.record_id for a in alerts]
    ids += [a.target for a in alerts if a.target_kind == "record"]
    return list(dict.fromkeys(ids))


def captions(node: Node, actor: Actor, ids: Iterable[str]) -> dict[str, str]:
    """Each record's caption, read as the user (so each read is audited); a record
    the user may no longer read shows by its id."""
    out = {}
    for record_id in ids:
        try:
            out[record_id] = node.records.get(actor, record_id).caption
        except LiaisonError:
            continue
    return out


@router.post("/alerts/{alert_id}/decision")
def decide(
    request: Request,
    node: NodeDep,
    user: UserDep,
    form: FormDep,
    alert_id: AlertId,
) -> Response:
    decision = str(form.get("decision") or "")
    note = str(form.get("note") or "")[:2000]
    back = str(form.get("status") or "")
    back = back if back in STATUSES else "open"
    try:
        node.matching.decide(user.actor, alert_id, decision, note)
    except InvalidInput as exc:
        errors = {"decision": f"{alert_id}: {exc.reason}"}
        return _page(request, node, user, back, 0, errors, 422)
    return RedirectResponse(f"/alerts?{urlencode({'status': back})}#alert-{alert_id}", 303)
