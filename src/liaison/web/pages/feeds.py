"""Feeds: the TAXII 2.1 collections this node subscribes to, each with its cursor,
last pull, counts and last error, and a *Pull now* button (administrators; the
CLI and the API add and remove feeds). A failed pull is shown on the page; its
error stays on the feed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from liaison.api.deps import NodeDep
from liaison.api.problems import status_for
from liaison.errors import Forbidden, LiaisonError, NotFound
from liaison.node import Node
from liaison.node.feeds import PullReport
from liaison.web.render import render
from liaison.web.session import FormDep, UserDep, WebUser

router = APIRouter()
FeedName = Annotated[str, Path(max_length=63)]


@router.get("/feeds")
def feeds_page(request: Request, node: NodeDep, user: UserDep) -> Response:
    return _page(request, node, user)


@router.post("/feeds/{name}/pull")
def pull_now(
    request: Request, node: NodeDep, user: UserDep, _form: FormDep, name: FeedName
) -> Response:
    """Pull now; the page shows what the pull did, or why it failed."""
    try:
        report = node.feeds.pull(user.actor, name)
    except (Forbidden, NotFound):
        raise
    except LiaisonError as exc:  # kept on the feed as its last error too
        return _page(request, node, user, status_for(exc), failed=(name, exc.message))
    return _page(request, node, user, pulled=report)


def _page(
    request: Request,
    node: Node,
    user: WebUser,
    status: int = 200,
    pulled: PullReport | None = None,
    failed: tuple[str, str] | None = None,
) -> Response:
    return render(
        request,
        "feeds.html",
        user,
        status,
        feeds=node.feeds.feeds(user.actor),
        pulled=pulled,
        failed=failed,
    )
