"""The node's HTTP API. ``create_app(settings)`` is cheap and has no side effects."""

from __future__ import annotations

from fastapi import FastAPI

from liaison import __version__
from liaison.api import problems
from liaison.api.limits import BodySizeLimit
from liaison.api.routes import agreements, audit, auth, node, policy, records, transfer, users
from liaison.node import Node
from liaison.settings import Settings


def create_app(settings: Settings, node_: Node | None = None) -> FastAPI:
    app = FastAPI(
        title="Liaison node API",
        version=__version__,
        description=(
            "One agency's Liaison node: records, users, import/export, audit, "
            "sharing agreements and policy decisions."
        ),
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # Swagger UI loads scripts from a CDN: no page may reach the internet
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.node = node_
    problems.install(app)
    for module in (node, auth, users, records, transfer, audit, agreements, policy):
        app.include_router(module.router, prefix="/api/v1")
    app.add_middleware(BodySizeLimit, limit=settings.max_body_bytes)
    return app
