"""Web sessions: the session token in a cookie, CSRF tokens bound to it.

After sign-in the node's ordinary session token (the one ``/api/v1/auth/login``
issues, expiring after ``LIAISON_SESSION_HOURS``) is kept in a ``Secure``,
``HttpOnly``, ``SameSite=Strict`` cookie; it is never readable by scripts.
Every form carries a CSRF token derived from the session token by HMAC, so it
needs no storage and dies with the session; the sign-in form, which comes
before any session, uses a random double-submit cookie instead.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from liaison.api.deps import NodeDep
from liaison.errors import AuthenticationFailed, Forbidden
from liaison.model.roles import Actor, Language
from liaison.policy.permissions import Permission, check_role

SESSION_COOKIE = "liaison_session"
LOGIN_COOKIE = "liaison_login"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"


def csrf_for(secret: str) -> str:
    return hmac.new(secret.encode(), b"liaison web form", hashlib.sha256).hexdigest()


def same(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


@dataclass(frozen=True)
class WebUser:
    """The signed-in user of a page: who, with which session, in which language."""

    actor: Actor
    token: str
    language: Language

    @property
    def csrf(self) -> str:
        return csrf_for(self.token)

    def may(self, permission: Permission) -> bool:
        return check_role(self.actor, permission).allowed


def web_user(request: Request, node: NodeDep) -> WebUser:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise AuthenticationFailed("sign in first")
    actor = node.accounts.authenticate(token, via="web")
    return WebUser(actor, token, node.accounts.language(actor))


UserDep = Annotated[WebUser, Depends(web_user)]


async def checked_form(request: Request, user: UserDep) -> FormData:
    """The posted form, once its CSRF token matches the session's."""
    form = await request.form()
    given = form.get(CSRF_FIELD)
    header = request.headers.get(CSRF_HEADER)
    if not (same(given if isinstance(given, str) else None, user.csrf) or same(header, user.csrf)):
        await form.close()  # a refused upload's temporary file goes now, not at collection
        raise Forbidden("the form's security token is missing or stale; reload the page")
    return form


FormDep = Annotated[FormData, Depends(checked_form)]


def login_csrf(request: Request) -> str:
    """The sign-in form's double-submit token: the cookie's, or a new one."""
    return request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)


def set_cookie(response: Response, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path="/", secure=True, httponly=True, samesite="strict"
    )


def local_target(target: str | None) -> str:
    """Where to go after sign-in: only a path on this node, never another site."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"
