"""Screening (the shape of OpenSanctions yente's ``/match``), alerts and watchlists."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from liaison.api.deps import ActorDep, NodeDep, WhyDep
from liaison.api.wire import Cursor, Id, Limit
from liaison.matching.score import LEVELS
from liaison.node.matching import MAX_LIMIT, Alert

router = APIRouter(tags=["matching"])


class MatchIn(BaseModel):
    """yente's request body: named queries, each ``{"schema", "properties"}``.
    Other members yente accepts (``weights``, ``config``) are ignored."""

    model_config = ConfigDict(extra="ignore")
    queries: dict[str, Any] = Field(max_length=100)


class Explanation(BaseModel):
    """One feature's part in a score: its level, its weight (log-odds) and why."""

    level: str
    weight: float
    detail: str


class MatchResult(BaseModel):
    """A scored candidate in the shape of a yente match result."""

    model_config = ConfigDict(populate_by_name=True)
    id: str
    caption: str
    schema_: str = Field(alias="schema")
    properties: dict[str, list[str]]
    datasets: list[str]
    referents: list[str]
    target: bool
    score: float
    match: bool
    log_odds: float
    features: dict[str, float]
    explanations: dict[str, Explanation]


class Total(BaseModel):
    value: int
    relation: Literal["eq"] = "eq"


class QueryResponse(BaseModel):
    status: int = 200
    results: list[MatchResult]
    total: Total
    query: dict[str, Any]


class Matcher(BaseModel):
    name: str
    description: str
    features: dict[str, dict[str, str]]
    threshold: float
    cutoff: float


class MatchOut(BaseModel):
    """yente's ``/match`` response: one response per named query."""

    responses: dict[str, QueryResponse]
    matcher: Matcher
    limit: int


def _match(
    body: MatchIn,
    node: NodeDep,
    actor: ActorDep,
    why: WhyDep,
    threshold: float | None,
    limit: int,
    cutoff: float | None,
) -> MatchOut:
    found = node.matching.match(actor, body.queries, threshold, limit, why, cutoff)
    cut = node.matching.threshold(threshold)
    return MatchOut(
        responses={
            name: QueryResponse(
                results=[MatchResult.model_validate(r) for r in results],
                total=Total(value=len(results)),
                query=body.queries[name],
            )
            for name, results in found.items()
        },
        matcher=Matcher(
            name="liaison-logistic",
            description="Calibrated probability (logistic regression over feature levels, "
            "fitted on labelled pairs) over names across scripts, birth date, generation, "
            "country, gender, identifiers and address; organisations, companies and vessels "
            "by their own features.",
            features={
                n: {"description": n.replace("_", " ")} for kind in LEVELS.values() for n in kind
            },
            threshold=cut,
            cutoff=min(cut, node.matching.cutoff(cutoff)),
        ),
        limit=limit,
    )


Threshold = Annotated[float | None, Query(ge=0, le=1)]
Cutoff = Annotated[float | None, Query(ge=0, le=1)]
MatchLimit = Annotated[Limit, Query(le=MAX_LIMIT)]


@router.post("/match", response_model_by_alias=True)
def match(
    body: MatchIn,
    node: NodeDep,
    actor: ActorDep,
    why: WhyDep,
    threshold: Threshold = None,
    limit: MatchLimit = 5,
    cutoff: Cutoff = None,
) -> MatchOut:
    """Screen a batch of entities against this node's records and watchlists.
    Request and response follow yente's ``/match`` so existing clients work:
    ``threshold`` (default 0.7) marks matches, results under ``cutoff`` (default 0.5)
    are not returned."""
    return _match(body, node, actor, why, threshold, limit, cutoff)


@router.post("/match/{dataset}", response_model_by_alias=True)
def match_dataset(
    dataset: Annotated[str, Path(max_length=100)],
    body: MatchIn,
    node: NodeDep,
    actor: ActorDep,
    why: WhyDep,
    threshold: Threshold = None,
    limit: MatchLimit = 5,
    cutoff: Cutoff = None,
) -> MatchOut:
    """yente's path form (``/match/default``): the dataset name is accepted and
    ignored; a node screens what it holds."""
    return _match(body, node, actor, why, threshold, limit, cutoff)


class AlertOut(BaseModel):
    """A cross-match alert: a record against another record, a watchlist entry, a
    partner's hit or a partner's notice (``target_kind``), with both sides' captions
    as far as you may see them, the score and each feature's evidence, and the
    decision if any; for a notice, ``notice`` names it, its kind, the action it
    requests and its originator."""

    id: int
    record_id: str
    version: int
    target: str
    target_kind: Literal["record", "watchlist", "partner", "notice"]
    score: float
    explanation: dict[str, Any]
    status: Literal["open", "confirmed", "rejected", "escalated"]
    created: str
    decided: str | None
    decided_by: str | None
    note: str | None
    originator_told: str | None
    watchlist: str | None
    target_caption: str | None
    record_caption: str | None
    record_schema: str | None
    record_originator: str | None
    target_schema: str | None
    target_originator: str | None
    notice: dict[str, str] | None = None

    @classmethod
    def of(cls, alert: Alert) -> AlertOut:
        return cls.model_validate(alert, from_attributes=True)


Filter = Annotated[str | None, Query(max_length=100)]


@router.get("/alerts")
def list_alerts(
    node: NodeDep,
    actor: ActorDep,
    status: Annotated[str | None, Query(max_length=16)] = None,
    partner: Filter = None,
    watchlist: Filter = None,
    after: Cursor = 0,
    limit: Annotated[Limit, Query(le=500)] = 50,
) -> list[AlertOut]:
    """Cross-match alerts on records you may see (both sides), oldest first; narrowed
    to a state (``open``, ``confirmed``, ``rejected``, ``escalated``), a partner (its
    name or node id: alerts on its copies or its hits) or a watchlist (its name)."""
    found = node.matching.alerts(actor, status, after, limit, partner, watchlist)
    return [AlertOut.of(a) for a in found]


class DecisionIn(BaseModel):
    decision: Literal["confirm", "reject", "escalate"]
    note: str = Field(default="", max_length=2000)


@router.post("/alerts/{alert_id}/decision")
def decide_alert(
    alert_id: Id, body: DecisionIn, node: NodeDep, actor: ActorDep, why: WhyDep
) -> AlertOut:
    """Confirm, reject (the pair is not raised again) or escalate an alert."""
    return AlertOut.of(node.matching.decide(actor, alert_id, body.decision, body.note, why))


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
