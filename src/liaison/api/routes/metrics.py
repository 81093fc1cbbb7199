"""``GET /metrics``: the node's Prometheus metrics (``liaison.api.metrics``), for
loopback clients, or for whoever sends ``LIAISON_METRICS_TOKEN`` when it is set."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST

from liaison.api.metrics import Metrics, allowed
from liaison.api.problems import PROBLEM, Problem

router = APIRouter(tags=["operations"])


def problem_response(description: str) -> dict[str, Any]:
    """An error answer in the document: problem+json (not the route's own text type)."""
    schema = Problem.model_json_schema()
    return {"description": description, "content": {PROBLEM: {"schema": schema}}}


class PrometheusText(Response):
    media_type = CONTENT_TYPE_LATEST


@router.get(
    "/metrics",
    response_class=PrometheusText,
    responses={
        200: {
            "description": "the Prometheus text exposition format",
            "content": {CONTENT_TYPE_LATEST: {"schema": {"type": "string"}}},
        },
        401: problem_response("a token is set and this is not it"),
        403: problem_response("no token is set and the client is not on loopback"),
    },
)
def metrics(
    request: Request, authorization: Annotated[str | None, Header()] = None
) -> PrometheusText:
    """Request counts and latencies by route template and status, audit appends,
    queue depths (outbox and notices per peer, match queue, held for review) and
    open alerts."""
    client = request.client.host if request.client else None
    allowed(request.app.state.settings, client, authorization)
    registry: Metrics = request.app.state.metrics
    return PrometheusText(registry.exposition())
