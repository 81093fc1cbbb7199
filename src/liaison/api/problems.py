"""Domain errors to HTTP, in one table, as ``application/problem+json`` (RFC 9457)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from liaison import errors as e
from liaison.taxii import media as taxii_media
from liaison.taxii.media import NotAcceptable
from liaison.taxii.resources import Error as TaxiiError

log = logging.getLogger(__name__)

STATUS: dict[type[e.LiaisonError], int] = {
    e.BadRequest: 400,
    e.InvalidInput: 422,
    e.PayloadTooLarge: 413,
    e.NotFound: 404,
    e.Conflict: 409,
    e.AuthenticationFailed: 401,
    e.RateLimited: 429,
    e.Forbidden: 403,
    e.Replayed: 409,
    e.PeerUnreachable: 502,
    e.NotInitialised: 503,
    e.ImportInterrupted: 503,
    e.AuditChainBroken: 500,
    e.BackupFailed: 500,
    e.AuditUnavailable: 503,
    NotAcceptable: 406,
}


PROBLEM = "application/problem+json"


class Problem(BaseModel):
    """An error as ``application/problem+json`` (RFC 9457), for the OpenAPI document."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str


def status_for(exc: e.LiaisonError) -> int:
    for kind in type(exc).__mro__:
        if kind in STATUS:
            return STATUS[kind]
    return 400


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    headers = {"Retry-After": str(extra["retry_after"])} if "retry_after" in extra else None
    if status == 401:
        headers = {**(headers or {}), "WWW-Authenticate": "Bearer"}
    return JSONResponse(body, status, headers=headers, media_type=PROBLEM)


MACHINE_PATHS = (
    "/api/",
    "/static/",
    "/healthz",
    "/readyz",
    "/metrics",
    # yente's paths (liaison.api.routes.yente)
    "/match/",
    "/search/",
    "/entities/",
    "/algorithms",
    "/catalog",
)
"""Paths answered for programs (problem+json errors), never as web pages."""

TAXII_PATHS = "/taxii2/"
"""Paths of the TAXII 2.1 server (liaison.api.routes.taxii): errors there are TAXII
error messages, never problem+json nor web pages."""


def taxii_error(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    """An error as TAXII 2.1 has it (``application/taxii+json``; ``http_status`` a
    string). Invalid input is TAXII's 400 (bad request), not 422."""
    status = 400 if status == 422 else status
    details = {k: v for k, v in extra.items() if k != "retry_after"} or None
    body = TaxiiError(title=title, description=detail, http_status=str(status), details=details)
    headers = {"Retry-After": str(extra["retry_after"])} if "retry_after" in extra else {}
    if status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="taxii", Bearer'
    content = body.model_dump(exclude_none=True)
    return JSONResponse(content, status, headers=headers, media_type=taxii_media.TAXII)


Page = Callable[..., Response]
"""Renders an error for a web page: (request, status, title, detail, **details)."""


def _answer(request: Request, status: int, title: str, detail: str, **extra: Any) -> Response:
    if request.url.path.startswith(TAXII_PATHS):
        return taxii_error(status, title, detail, **extra)
    page: Page | None = getattr(request.app.state, "error_page", None)
    if page is not None and not request.url.path.startswith(MACHINE_PATHS):
        return page(request, status, title, detail, **extra)
    return problem(status, title, detail, **extra)


async def _liaison(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, e.LiaisonError)
    return _answer(request, status_for(exc), exc.title, exc.message, **exc.details())


async def _validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [_unreadable(err) for err in exc.errors()]
    first = errors[0] if errors else {"field": "body", "reason": "invalid"}
    detail = f"{first['field']}: {first['reason']}"
    return _answer(request, 422, "Invalid input", detail, errors=errors)


def _unreadable(err: Any) -> dict[str, str]:
    """One thing FastAPI could not read, as field, value and reason: a body that is
    not JSON names the body and where it broke, not a character offset as a field."""
    field = ".".join(str(p) for p in err["loc"] if p != "body") or "body"
    if err["type"] == "json_invalid":
        where = err["loc"][-1] if len(err["loc"]) > 1 else "?"
        why = (err.get("ctx") or {}).get("error", "invalid")
        return {
            "field": "body",
            "value": "",
            "reason": f"not valid JSON at character {where}: {why}",
        }
    if err["type"] == "missing" and field == "body":
        return {"field": "body", "value": "", "reason": "a JSON body is required"}
    if err["type"] == "extra_forbidden":
        return {"field": field, "value": str(err.get("input"))[:120], "reason": "unknown key"}
    return {"field": field, "value": str(err.get("input"))[:120], "reason": err["msg"]}


async def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    return _answer(request, exc.status_code, str(exc.detail), str(exc.detail))


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    detail = "the node could not complete the request; see its log"
    return _answer(request, 500, "Internal error", detail)


class Unexpected:
    """Answer an unexpected error with the 500 problem, and end there.

    Starlette's outermost handler answers too, but then raises the error again for
    the server to log; uvicorn then closes the connection without saying so, and a
    client's next request on that kept-alive connection gets no answer at all. Here
    the error is logged and answered once; only an error after the answer started
    (nothing left to say) goes on up.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:
            if started:
                raise
            response = await _unexpected(Request(scope, receive), exc)
            await response(scope, receive, send)


def install(app: FastAPI) -> None:
    app.add_exception_handler(e.LiaisonError, _liaison)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)  # errors outside ``Unexpected``
    app.add_middleware(Unexpected)
