"""The neutrality queue: records held because their content may be political,
military, religious or racial in character, with the signals that held them;
an auditor releases a record or upholds the hold, giving the reason."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import RedirectResponse, Response

from liaison.api.deps import NodeDep
from liaison.errors import InvalidInput
from liaison.node import Node
from liaison.web.render import render
from liaison.web.session import FormDep, UserDep, WebUser

router = APIRouter()

SHOWN = 100  # the queue is worked from the oldest; the page says when more wait
STATES = ("held", "released", "upheld")
State = Annotated[str, Query(pattern="^(held|released|upheld)$")]


@router.get("/neutrality")
def queue_page(request: Request, node: NodeDep, user: UserDep, state: State = "held") -> Response:
    return _queue(request, node, user, state)


def _queue(
    request: Request,
    node: Node,
    user: WebUser,
    state: str,
    status: int = 200,
    errors: dict[str, dict[str, str]] | None = None,
    kept: dict[str, str] | None = None,
) -> Response:
    items = node.policy.queue(user.actor, state, SHOWN + 1)
    return render(
        request,
        "neutrality.html",
        user,
        status,
        items=items[:SHOWN],
        more=len(items) > SHOWN,
        shown=SHOWN,
        state=state,
        states=STATES,
        errors=errors or {},
        kept=kept or {},
    )


@router.post("/neutrality/{record_id}/{verdict}")
def review(
    request: Request,
    node: NodeDep,
    user: UserDep,
    form: FormDep,
    record_id: Annotated[str, Path(max_length=64)],
    verdict: Annotated[str, Path(pattern="^(release|uphold)$")],
) -> Response:
    reason = str(form.get("reason") or "")
    try:
        node.policy.review(user.actor, record_id, verdict, reason)
    except InvalidInput as exc:
        errors = {record_id: {exc.field: exc.reason}}
        return _queue(request, node, user, "held", 422, errors, {record_id: reason})
    return RedirectResponse("/neutrality", 303)
