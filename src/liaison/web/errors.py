"""Errors on pages: the API's status table (``liaison.api.problems``) decides the
status; a page gets HTML instead of problem+json, and no stack trace. An
expired or missing session sends the browser to the sign-in page."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import Request
from starlette.responses import RedirectResponse, Response

from liaison.api.deps import get_node
from liaison.errors import LiaisonError
from liaison.web.render import render
from liaison.web.session import SESSION_COOKIE, WebUser, web_user


def page_error(request: Request, status: int, title: str, detail: str, **_: Any) -> Response:
    if status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.method != "GET":  # a form posted after the session ended: start over
            target = "/"
        response = RedirectResponse(f"/login?next={quote(target)}", 303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response
    return render(request, "error.html", _signed_in(request), status, title=title, detail=detail)


def _signed_in(request: Request) -> WebUser | None:
    if not request.cookies.get(SESSION_COOKIE):
        return None
    try:
        return web_user(request, get_node(request))
    except LiaisonError:
        return None
