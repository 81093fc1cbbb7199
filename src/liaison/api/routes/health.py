"""Liveness and readiness, for a supervisor or a load balancer; no sign-in, no records.

``GET /healthz`` answers as long as the process does (it touches nothing).
``GET /readyz`` runs the readiness checks (``liaison.node.health``) on a
connection of its own: 200 when the node can serve, 503 naming each check
that failed. Neither says anything about records or users.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from liaison import __version__
from liaison.node.health import Readiness, readiness
from liaison.settings import Settings

router = APIRouter(tags=["operations"])


class Liveness(BaseModel):
    status: Literal["ok"] = "ok"
    version: str


class CheckOut(BaseModel):
    name: str
    ok: bool
    detail: str


class ReadinessOut(BaseModel):
    """The checks; ``detail`` says it in a line (what yente's clients read on a 503)."""

    status: Literal["ready", "not ready"]
    detail: str
    failed: list[str]
    checks: list[CheckOut]

    @classmethod
    def of(cls, found: Readiness) -> ReadinessOut:
        return cls(
            status="ready" if found.ready else "not ready",
            detail="ready" if found.ready else "not ready: " + ", ".join(found.failed),
            failed=found.failed,
            checks=[CheckOut(name=c.name.value, ok=c.ok, detail=c.detail) for c in found.checks],
        )


@router.get("/healthz")
async def healthz() -> Liveness:
    """Liveness: the process answers. Nothing is read."""
    return Liveness(version=__version__)


@router.get(
    "/readyz",
    responses={503: {"model": ReadinessOut, "description": "not ready: the failed checks named"}},
)
async def readyz(request: Request, response: Response) -> ReadinessOut:
    """Readiness: the database answers, its schema is at the newest migration, and
    the audit chain head is there and signed by the node key."""
    settings: Settings = request.app.state.settings
    found = await run_in_threadpool(readiness, settings.resolved_database_url())
    if not found.ready:
        response.status_code = 503
    return ReadinessOut.of(found)
