"""The analyst's web interface: server-rendered pages over the node's services.

Pages are Jinja2 templates rendered on the server (``render``), enhanced with
htmx where a page updates in place; scripts, styles and the graph library are
served by the node itself (``static/``), and the Content-Security-Policy
(``security``) forbids inline scripts and every other origin. Sessions are the
node's session tokens in a secure cookie, forms carry CSRF tokens
(``session``); text goes through Babel catalogues in English, Filipino and
Russian (``i18n``). Errors keep the API's status table and render as pages
(``errors``). Every page calls the same ``Node`` services as the API and CLI.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from liaison.web.errors import page_error
from liaison.web.pages import (
    admin,
    agreements,
    alerts,
    audit,
    auth,
    challenges,
    dashboard,
    exports,
    feeds,
    followups,
    graph,
    hits,
    imports,
    neutrality,
    notices,
    records,
    search,
)
from liaison.web.security import SecurityHeaders

STATIC = Path(__file__).parent / "static"
PAGES = (
    auth,
    dashboard,
    records,
    imports,
    exports,
    search,
    alerts,
    hits,
    followups,
    notices,
    challenges,
    graph,
    agreements,
    neutrality,
    audit,
    admin,
    feeds,
)


def install(app: FastAPI) -> None:
    """Add the pages, the static files, the security headers and HTML errors."""
    for module in PAGES:
        app.include_router(module.router, include_in_schema=False)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.state.error_page = page_error
    app.add_middleware(SecurityHeaders)


__all__ = ["install"]
