"""Cross-match alerts as an analyst works through them: grouped by the record of
this node they are about (the record, then its candidate matches), the best
first, filtered by state, partner and watchlist, in pages of records; each
alert is decided on its own (confirm, reject so that the pair is not raised
again, or escalate, with a note), or several at once from the ticked boxes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from liaison.api.deps import NodeDep
from liaison.api.wire import Id
from liaison.errors import InvalidInput, LiaisonError
from liaison.node import Node
from liaison.node.matching import Alert, AlertGroup
from liaison.web.forms import schema_label
from liaison.web.labels import N_
from liaison.web.pages.search import Evidence, evidence
from liaison.web.render import render
from liaison.web.session import FormDep, UserDep, WebUser

router = APIRouter()
AlertId = Annotated[Id, Path()]

PAGE = 10  # records per page, each with its alerts
STATUSES = {
    "open": N_("open"),
    "escalated": N_("escalated"),
    "confirmed": N_("confirmed"),
    "rejected": N_("rejected"),
    "all": N_("all"),
}
DECISIONS = {"confirm": N_("Confirm"), "reject": N_("Reject"), "escalate": N_("Escalate")}
BULK = {
    "confirm": N_("Confirm the ticked alerts"),
    "reject": N_("Reject the ticked alerts"),
    "escalate": N_("Escalate the ticked alerts"),
}
FILTERS = ("status", "partner", "watchlist")
Filter = Annotated[str, Query(max_length=100)]


@dataclass(frozen=True)
class Filters:
    """The page's filters as the user chose them (``""``: any)."""

    status: str = "open"
    partner: str = ""
    watchlist: str = ""
    offset: int = 0

    def query(self, **more: Any) -> str:
        values = {"status": self.status, "partner": self.partner, "watchlist": self.watchlist}
        return urlencode({k: v for k, v in {**values, **more}.items() if v not in (None, "", 0)})

    @property
    def state(self) -> str | None:
        """The state the service filters on (``None``: every state)."""
        return None if self.status == "all" else self.status

    @classmethod
    def posted(cls, form: FormData) -> Filters:
        status = str(form.get("status") or "")
        return cls(
            status=status if status in STATUSES else "open",
            partner=str(form.get("partner") or "")[:100],
            watchlist=str(form.get("watchlist") or "")[:100],
            offset=_int(form.get("offset")),
        )


@router.get("/alerts")
def alerts(
    request: Request,
    node: NodeDep,
    user: UserDep,
    status: Annotated[str, Query(max_length=16)] = "open",
    partner: Filter = "",
    watchlist: Filter = "",
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    decided: Annotated[int, Query(ge=0, le=10_000)] = 0,
    refused: Annotated[str, Query(max_length=2000)] = "",
) -> Response:
    outcome = {"decided": decided, "refused": [r for r in refused.split(",") if r.isdigit()]}
    chosen = Filters(status, partner, watchlist, offset)
    return _page(request, node, user, chosen, {}, outcome=outcome)


def _page(
    request: Request,
    node: Node,
    user: WebUser,
    chosen: Filters,
    errors: dict[str, str],
    code: int = 200,
    outcome: Mapping[str, Any] | None = None,
) -> Response:
    try:
        page = node.matching.alert_groups(
            user.actor, chosen.state, chosen.partner, chosen.watchlist, chosen.offset, PAGE
        )
    except InvalidInput as exc:  # a filter that names nothing: the open alerts, and why
        errors, code, chosen = {**errors, exc.field: exc.reason}, 422, Filters()
        page = node.matching.alert_groups(user.actor, "open", limit=PAGE)
    context: dict[str, Any] = {
        "page": page,
        "groups": [view_group(g) for g in page.groups],
        "chosen": chosen,
        "params": {
            "status": chosen.status,
            "partner": chosen.partner,
            "watchlist": chosen.watchlist,
        },
        "node_id": node.ctx.node_id,
        "schema_label": schema_label,
        "statuses": STATUSES,
        "decisions": DECISIONS,
        "bulk": BULK,
        "origins": page.partners,
        "errors": errors,
        "outcome": {"decided": 0, "refused": [], **(outcome or {})},
    }
    return render(request, "alerts.html", user, code, **context)


@dataclass(frozen=True)
class Candidate:
    """An alert as its group shows it: the other side of the pair (a record of ours
    or a partner's, a watchlist entry, or a partner's hit on our record), the
    service's alert and its readable evidence."""

    alert: Alert
    kind: str  # record, watchlist, partner or notice
    record_id: str | None  # the other record, when it is one
    caption: str
    originator: str | None
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Shown:
    group: AlertGroup
    candidates: tuple[Candidate, ...]


def view_group(group: AlertGroup) -> Shown:
    return Shown(group, tuple(candidate(group.record_id, a) for a in group.alerts))


def candidate(record_id: str, alert: Alert) -> Candidate:
    """The side of ``alert`` that is not the group's record."""
    found = evidence(alert.features)
    if alert.target == record_id:  # the group's record was the target: the other wrote later
        caption = alert.record_caption or alert.record_id
        return Candidate(alert, "record", alert.record_id, caption, alert.record_originator, found)
    if alert.target_kind == "record":
        caption = alert.target_caption or alert.target
        return Candidate(alert, "record", alert.target, caption, alert.target_originator, found)
    caption = alert.target_caption or alert.target
    if alert.target_kind == "notice" and alert.notice:  # a subject of a partner's notice
        notice = alert.notice
        return Candidate(alert, "notice", None, caption, notice.get("originator"), found)
    partner = alert.target.removeprefix("partner:") if alert.target_kind == "partner" else None
    return Candidate(alert, alert.target_kind, None, caption, partner, found)


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
    back = Filters.posted(form)
    try:
        node.matching.decide(user.actor, alert_id, decision, note)
    except InvalidInput as exc:
        errors = {"decision": f"{alert_id}: {exc.reason}"}
        return _page(request, node, user, back, errors, 422)
    return RedirectResponse(f"/alerts?{back.query(offset=back.offset)}#alert-{alert_id}", 303)


@router.post("/alerts/decisions")
def decide_ticked(request: Request, node: NodeDep, user: UserDep, form: FormDep) -> Response:
    """The same decision on every ticked alert; each is audited as a single decision,
    and one already decided by a colleague is named, not fatal."""
    back = Filters.posted(form)
    ids = [int(v) for v in form.getlist("alert") if isinstance(v, str) and v.isdigit()]
    try:
        done = node.matching.decide_all(
            user.actor,
            ids,
            str(form.get("decision") or ""),
            str(form.get("note") or "")[:2000],
        )
    except InvalidInput as exc:
        return _page(request, node, user, back, {"bulk": exc.reason}, 422)
    refused = [str(i) for i, result in done if isinstance(result, LiaisonError)]
    query = back.query(
        offset=back.offset, decided=len(done) - len(refused), refused=",".join(refused)
    )
    return RedirectResponse(f"/alerts?{query}", 303)


def _int(value: Any) -> int:
    text = str(value or "")
    return min(int(text), 1_000_000) if text.isdigit() else 0
