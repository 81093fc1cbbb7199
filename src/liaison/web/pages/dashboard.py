"""The dashboard: what needs the user's attention, by what their role may see; and
the node's icon at ``/favicon.ico``, where clients that read no page look for it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import FileResponse, Response

from liaison.api.deps import NodeDep
from liaison.node import Node
from liaison.policy.permissions import Permission as P  # noqa: N817 - as in node/
from liaison.web.forms import schema_label
from liaison.web.render import render
from liaison.web.session import UserDep, WebUser

router = APIRouter()

ICON = Path(__file__).parent.parent / "static" / "favicon.svg"
SHOWN = 10  # rows per panel; each panel links to its full, paginated list


@router.get("/")
def dashboard(request: Request, node: NodeDep, user: UserDep) -> Response:
    return render(
        request, "dashboard.html", user, panels=panels(node, user), schema_label=schema_label
    )


@router.get("/favicon.ico")
def favicon() -> Response:
    """The node's icon (pages link ``/static/favicon.svg`` itself)."""
    return FileResponse(ICON, media_type="image/svg+xml")


def panels(node: Node, user: WebUser) -> dict[str, Any]:
    """Each panel the user's role may see: open alerts, pending requests (with
    their deadlines), records due for review, records held by the neutrality
    gate, and the partners' state."""
    actor = user.actor
    out: dict[str, Any] = {}
    if user.may(P.ALERT_READ):
        out["alerts"] = node.matching.alerts(actor, "open", 0, SHOWN)
    if user.may(P.FOLLOWUP_READ):
        out["inbox"] = node.followups.page(actor, "in", "pending", SHOWN, 0)
        out["outbox"] = node.followups.page(actor, "out", "more", SHOWN, 0)
    if user.may(P.RECORD_READ):
        out["due"] = node.policy.due(actor, SHOWN)
    if user.may(P.NEUTRALITY_REVIEW):
        out["held"] = node.policy.queue(actor, "held", SHOWN)
    if user.may(P.PEER_READ):
        out["peers"] = node.federation.peers(actor)
    return out
