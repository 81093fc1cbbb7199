"""Every request, measured and logged once: the outermost middleware of the app.

It gives the request an id (the client's ``X-Request-ID`` when it is a short
token of letters, digits, ``-`` and ``_``, else a new one), answers with it in
``X-Request-ID``, counts the request and its duration in the app's metrics
(``liaison.api.metrics``) and writes one log line (``liaison.requests``) with
the id, method, route template, status and duration in milliseconds. The
route is the template the router matched (``scope["route"]``), never the
concrete path or its query string.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from liaison import logs
from liaison.api.metrics import UNMATCHED, Metrics

log = logging.getLogger("liaison.requests")
CLIENT_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")


def route_of(scope: Scope) -> str:
    """The template of the route that handled the request, or ``unmatched``.

    The router leaves the route in ``scope["route"]``; an included router's
    route knows its path without the router's prefix, so the prefix is taken
    from the concrete path, in front of the route's own part rendered with its
    parameters (the prefix is the router's fixed ``/api/v1``). Whatever happens,
    the answer is a template or ``unmatched``, never the concrete path."""
    template = getattr(scope.get("route"), "path_format", None)
    if not isinstance(template, str):
        return UNMATCHED
    params = {name: str(value) for name, value in (scope.get("path_params") or {}).items()}
    try:
        rendered = template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template
    path = str(scope.get("path", ""))
    prefix = path[: len(path) - len(rendered)]
    return prefix + template if rendered and path.endswith(rendered) else template


def request_id_of(scope: Scope) -> str:
    sent = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
    return sent if CLIENT_ID.fullmatch(sent) else uuid.uuid4().hex


class Observe:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id_of(scope)
        token = logs.request_id.set(rid)
        started = time.perf_counter()
        status = 500  # unless the app answers

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {
                    **message,
                    "headers": [*message.get("headers", []), (b"x-request-id", rid.encode())],
                }
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            seconds = time.perf_counter() - started
            self._done(scope, rid, status, seconds)
            logs.request_id.reset(token)

    def _done(self, scope: Scope, rid: str, status: int, seconds: float) -> None:
        method, route = scope["method"], route_of(scope)
        self.metrics.observe(method, route, status, seconds)
        duration_ms = round(seconds * 1000, 1)
        log.info(
            "%s %s %d in %.1f ms",
            method,
            route,
            status,
            duration_ms,
            extra={
                "request_id": rid,
                "method": method,
                "route": route,
                "status": status,
                "duration_ms": duration_ms,
            },
        )
