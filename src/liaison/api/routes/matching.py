"""Screening (the shape of OpenSanctions yente's ``/match``), alerts and watchlists."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from liaison.api.deps import ActorDep, NodeDep, WhyDep
from liaison.api.wire import Cursor, Id, Limit
from liaison.matching.features import FEATURES
from liaison.node.matching import MAX_LIMIT, Alert

router = APIRouter(tags=["matching"])


class MatchIn(BaseModel):
    """yente's request body: named queries, each ``{"schema", "properties"}``.
    Other members yente accepts (``weights``, ``config``) are ignored."""

    model_config = ConfigDict(extra="ignore")
    queries: dict[str, Any] = Field(max_length=100)


def _match(
    body: MatchIn,
    node: NodeDep,
    actor: ActorDep,
    why: WhyDep,
    threshold: float | None,
    limit: int,
) -> dict[str, Any]:
    found = node.matching.match(actor, body.queries, threshold, limit, why)
    cut = node.matching.threshold(threshold)
    return {
        "responses": {
            name: {
                "status": 200,
                "results": results,
                "total": {"value": len(results), "relation": "eq"},
                "query": body.queries[name],
            }
            for name, results in found.items()
        },
        "matcher": {
            "name": "liaison-fellegi-sunter",
            "description": "Calibrated Fellegi-Sunter score over names across scripts, "
            "birth date, country, gender, identifiers and address.",
            "features": {name: {"description": name.replace("_", " ")} for name in FEATURES},
            "threshold": cut,
        },
        "limit": limit,
    }


Threshold = Annotated[float | None, Query(ge=0, le=1)]
MatchLimit = Annotated[Limit, Query(le=MAX_LIMIT)]


@router.post("/match")
def match(
    body: MatchIn,
    node: NodeDep,
    actor: ActorDep,
    why: WhyDep,
    threshold: Threshold = None,
    limit: MatchLimit = 5,
) -> dict[str, Any]:
    """Screen a batch of entities against this node's records and watchlists.
    Request and response follow yente's ``/match`` so existing clients work."""
    return _match(body, node, actor, why, threshold, limit)


@router.post("/match/{dataset}")
def match_dataset(
    dataset: Annotated[str, Path(max_length=100)],
    body: MatchIn,
    node: NodeDep,
    actor: ActorDep,
    why: WhyDep,
    threshold: Threshold = None,
    limit: MatchLimit = 5,
) -> dict[str, Any]:
    """yente's path form (``/match/default``): the dataset name is accepted and
    ignored; a node screens what it holds."""
    return _match(body, node, actor, why, threshold, limit)


@router.get("/alerts")
def list_alerts(
    node: NodeDep,
    actor: ActorDep,
    status: Annotated[str | None, Query(max_length=16)] = None,
    after: Cursor = 0,
    limit: Annotated[Limit, Query(le=500)] = 50,
) -> list[Alert]:
    """Cross-match alerts on records you may see (both sides), oldest first."""
    return node.matching.alerts(actor, status, after, limit)


class DecisionIn(BaseModel):
    decision: Literal["confirm", "reject", "escalate"]
    note: str = Field(default="", max_length=2000)


@router.post("/alerts/{alert_id}/decision")
def decide_alert(
    alert_id: Id, body: DecisionIn, node: NodeDep, actor: ActorDep, why: WhyDep
) -> Alert:
    """Confirm, reject (the pair is not raised again) or escalate an alert."""
    return node.matching.decide(actor, alert_id, body.decision, body.note, why)


class WatchlistIn(BaseModel):
    name: str = Field(max_length=100)
    description: str = Field(default="", max_length=2000)


@router.get("/watchlists")
def list_watchlists(node: NodeDep, actor: ActorDep) -> list[dict[str, Any]]:
    """The node's watchlists with their entry counts."""
    return node.matching.watchlists(actor)


@router.post("/watchlists", status_code=201)
def create_watchlist(body: WatchlistIn, node: NodeDep, actor: ActorDep) -> dict[str, Any]:
    """Create a watchlist."""
    return node.matching.add_watchlist(actor, body.name, body.description)


class EntriesIn(BaseModel):
    entities: list[dict[str, Any]] = Field(max_length=10_000)


@router.post("/watchlists/{name}/entries")
def add_entries(
    name: Annotated[str, Path(max_length=100)], body: EntriesIn, node: NodeDep, actor: ActorDep
) -> dict[str, Any]:
    """Add FollowTheMoney entities (id, schema, properties) to a watchlist."""
    return {"added": node.matching.add_entries(actor, name, body.entities)}
