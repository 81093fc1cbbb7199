"""Administration: the node's users (create; change role, clearance, state)
and its partners (read-only here; the CLI adds them)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from liaison.api.deps import NodeDep
from liaison.api.wire import Offset
from liaison.errors import InvalidInput
from liaison.model.markings import Classification
from liaison.model.roles import Role
from liaison.node import Node
from liaison.policy.permissions import Permission as P  # noqa: N817 - as in node/
from liaison.web.render import render
from liaison.web.session import FormDep, UserDep, WebUser

router = APIRouter()

PAGE = 50
ROLES = [r.value for r in Role]
CLEARANCES = [c.name for c in Classification]
Username = Annotated[str, Path(max_length=64)]


def text(form: FormData, name: str) -> str:
    return str(form.get(name) or "").strip()


@router.get("/admin")
def admin_page(
    request: Request,
    node: NodeDep,
    user: UserDep,
    offset: Offset = 0,
) -> Response:
    return _page(request, node, user, offset)


def _page(
    request: Request,
    node: Node,
    user: WebUser,
    offset: int = 0,
    status: int = 200,
    errors: dict[str, str] | None = None,
    kept: dict[str, str] | None = None,
) -> Response:
    users = node.accounts.list_users(user.actor)
    peers = node.federation.peers(user.actor) if user.may(P.PEER_READ) else []
    return render(
        request,
        "admin.html",
        user,
        status,
        users=users[offset : offset + PAGE],
        total=len(users),
        limit=PAGE,
        offset=offset,
        params=request.query_params,
        peers=peers,
        roles=ROLES,
        clearances=CLEARANCES,
        errors=errors or {},
        kept=kept or {"role": Role.ANALYST.value, "clearance": Classification.RESTRICTED.name},
    )


@router.post("/admin/users")
def create_user(request: Request, node: NodeDep, user: UserDep, form: FormDep) -> Response:
    kept = {name: text(form, name) for name in ("username", "role", "clearance")}
    password = str(form.get("password") or "")
    try:
        node.accounts.create_user(
            user.actor, kept["username"], password, kept["role"], kept["clearance"]
        )
    except InvalidInput as exc:
        return _page(request, node, user, 0, 422, {exc.field: exc.reason}, kept)
    return RedirectResponse("/admin", 303)


@router.post("/admin/users/{username}")
def update_user(
    request: Request, node: NodeDep, user: UserDep, form: FormDep, username: Username
) -> Response:
    changes: dict[str, Any] = {
        "role": text(form, "role") or None,
        "clearance": text(form, "clearance") or None,
        "active": form.get("active") == "on",
    }
    try:
        node.accounts.update_user(user.actor, username, **changes)
    except InvalidInput as exc:
        errors = {f"{username}.{exc.field}": exc.reason}
        return _page(request, node, user, 0, 422, errors)
    return RedirectResponse("/admin", 303)
