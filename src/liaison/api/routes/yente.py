"""OpenSanctions yente's API at yente's own paths, from the root of the node's address.

A screening client given the node's address works unchanged: ``POST
/match/{dataset}``, ``GET /search/{dataset}``, ``GET /entities/{entity_id}``,
``GET /algorithms``, ``GET /catalog`` (and ``/healthz``, ``/readyz``, which the
node answers at the root already). Request and response shapes are yente's
(``yente.data.common``, yente 5.5), errors too: ``{"detail": ...}`` with 400 for
an unknown algorithm, a query that is no entity example or too many queries,
404 for an unknown dataset or entity, 422 for a parameter out of range. A yente
client authenticates with ``Authorization: ApiKey <token>``, a node API token
(``liaison.api.deps``). The service is ``liaison.node.yente``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from liaison.api.deps import ActorDep, NodeDep, WhyDep
from liaison.matching import yente as service
from liaison.matching.score import LEVELS, feature_names
from liaison.matching.yente import MAX_LIMIT, MAX_OFFSET, Entry, MatchOptions

router = APIRouter(tags=["yente"])
TS_PATTERN = r"^\d{4}-\d{2}-\d{2}(T\d{2}(:\d{2}(:\d{2})?)?)?$"  # yente's changed_since


class EntityResponse(BaseModel):
    """yente's ``EntityResponse``: an entity, its adjacent entities nested in its
    properties where it is returned with them."""

    model_config = ConfigDict(populate_by_name=True)
    id: str
    caption: str
    schema_: str = Field(alias="schema")
    properties: dict[str, list[str | EntityResponse]]
    datasets: list[str] = []
    referents: list[str] = []
    target: bool = False
    first_seen: str | None = None
    last_seen: str | None = None
    last_change: str | None = None

    @classmethod
    def of(cls, entry: Entry) -> EntityResponse:
        return cls(
            id=entry.id,
            caption=entry.caption,
            schema=entry.schema,
            properties={
                k: [cls.of(v) if isinstance(v, Entry) else v for v in values]
                for k, values in entry.properties.items()
            },
            datasets=entry.datasets,
            referents=entry.referents,
            target=entry.target,
            first_seen=entry.first_seen,
            last_seen=entry.last_seen,
            last_change=entry.last_change,
        )


class FeatureResult(BaseModel):
    """nomenklatura's ``FeatureResult``: the feature's value in [0, 1] (1: the
    strongest agreement of its scale) and the level with its weight in log-odds."""

    detail: str | None
    score: float
    query: str | None = None
    candidate: str | None = None


class ScoredEntityResponse(EntityResponse):
    score: float
    match: bool
    log_odds: float  # the node's own: orders candidates whose score rounds to 1
    explanations: dict[str, FeatureResult]


class TotalSpec(BaseModel):
    value: int
    relation: str = "eq"


class EntityExample(BaseModel):
    """A query example (``id`` optional): the request's, and the echo of what was read."""

    model_config = ConfigDict(populate_by_name=True)
    id: str | None = None
    schema_: str = Field(alias="schema")
    properties: Mapping[str, str | list[Any]]


class EntityMatchQuery(BaseModel):
    """yente's ``/match`` body. ``weights`` scale the features named (see
    ``/algorithms``); ``config`` is refused, the algorithm has no parameter."""

    weights: dict[str, float] = {}
    config: dict[str, str | int | float | bool | None] = {}
    queries: dict[str, Any]


class EntityMatches(BaseModel):
    status: int = 200
    results: list[ScoredEntityResponse]
    total: TotalSpec
    query: EntityExample


class EntityMatchResponse(BaseModel):
    responses: dict[str, EntityMatches]
    limit: int


class SearchFacet(BaseModel):
    label: str
    values: list[dict[str, Any]]


class SearchResponse(BaseModel):
    limit: int
    offset: int = 0
    total: TotalSpec
    results: list[EntityResponse]
    facets: dict[str, SearchFacet] = {}


class FeatureDoc(BaseModel):
    description: str | None
    coefficient: float
    url: str


class ConfigVar(BaseModel):
    type: str = "float"
    description: str | None = None
    default: str | int | float | bool | None = 0


class AlgorithmDocs(BaseModel):
    name: str
    description: str | None = None
    config: dict[str, ConfigVar]
    features: dict[str, FeatureDoc]


class Algorithm(BaseModel):
    name: str
    description: str | None = None
    features: dict[str, FeatureDoc]
    docs: AlgorithmDocs


class AlgorithmResponse(BaseModel):
    algorithms: list[Algorithm]
    default: str
    best: str


class DatasetModel(BaseModel):
    """A dataset as yente's catalog lists it (FollowTheMoney's ``DatasetModel``)."""

    name: str
    title: str
    summary: str | None = None
    entity_count: int | None = None
    updated_at: str | None = None
    children: list[str] = []
    load: bool = True
    namespace: bool = False
    index_version: str | None = None
    index_current: bool = True


class DataCatalogModel(BaseModel):
    datasets: list[DatasetModel]
    current: list[str]
    outdated: list[str]
    index_stale: bool = False


DOCS = "docs/matching.md"  # where the features are explained, in the repository


def _algorithm() -> Algorithm:
    features = {
        name: FeatureDoc(
            description="; ".join(
                f"{kind}s: levels {', '.join(feats[name])}"
                for kind, feats in LEVELS.items()
                if name in feats
            )
            + " (each level has a fitted weight in log-odds; the value is its place on "
            "the scale, 1 the strongest agreement)",
            coefficient=1.0,
            url=DOCS,
        )
        for name in feature_names()
    }
    description = (
        "Calibrated probability: a logistic regression over feature levels (names across "
        "scripts, birth date, generation, country, gender, identifiers, address; for "
        "organisations, companies and vessels their own features), fitted on labelled "
        "pairs. 0.7 and above: likely the same. `weights` scale a feature's log-odds."
    )
    return Algorithm(
        name=service.ALGORITHM,
        description=description,
        features=features,
        docs=AlgorithmDocs(
            name=service.ALGORITHM, description=description, config={}, features=features
        ),
    )


Dataset = Annotated[str, Path(max_length=200, description="default, records or watchlist:<name>")]
Names = Annotated[list[str], Query()]


@router.post("/match/{dataset}", response_model_by_alias=True)
def match(
    dataset: Dataset,
    body: EntityMatchQuery,
    node: NodeDep,
    actor: ActorDep,
    why: WhyDep,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 5,
    threshold: Annotated[float | None, Query(ge=0, le=1)] = None,
    cutoff: Annotated[float | None, Query(ge=0, le=1, deprecated=True)] = None,
    algorithm: Annotated[str, Query(max_length=100)] = "best",
    include_dataset: Names = [],  # noqa: B006  (FastAPI reads the default, never mutates it)
    exclude_schema: Names = [],  # noqa: B006
    exclude_dataset: Names = [],  # noqa: B006
    topics: Names = [],  # noqa: B006
    changed_since: Annotated[str | None, Query(pattern=TS_PATTERN)] = None,
    exclude_entity_ids: Annotated[list[str], Query(max_length=50)] = [],  # noqa: B006
    fuzzy: bool = False,  # yente's search-only switch; matching reads it and ignores it
) -> EntityMatchResponse:
    """Screen a batch of entity examples against the dataset, as yente's ``/match``:
    results above ``cutoff`` (default and at most ``threshold``), ``match`` at
    ``threshold`` (default: the node's, 0.7), ``total`` the number of matches."""
    options = MatchOptions(
        dataset=dataset,
        limit=limit,
        threshold=threshold,
        cutoff=cutoff,
        algorithm=algorithm,
        weights=body.weights,
        config=body.config,
        include_dataset=include_dataset,
        exclude_dataset=exclude_dataset,
        exclude_schema=exclude_schema,
        exclude_entity_ids=exclude_entity_ids,
        topics=topics,
        changed_since=changed_since,
    )
    found = node.yente.match(actor, body.queries, options, why)
    return EntityMatchResponse(
        responses={
            name: EntityMatches(
                results=[
                    ScoredEntityResponse(
                        **EntityResponse.of(s.entry).model_dump(by_alias=True),
                        score=s.score,
                        match=s.match,
                        log_odds=s.log_odds,
                        explanations={
                            k: FeatureResult(score=v.score, detail=v.detail)
                            for k, v in s.explanations.items()
                        },
                    )
                    for s in m.results
                ],
                total=TotalSpec(value=m.total),
                query=EntityExample(
                    id=m.query.id, schema=m.query.schema, properties=dict(m.query.properties)
                ),
            )
            for name, m in found.responses.items()
        },
        limit=found.limit,
    )


@router.get("/search/{dataset}", response_model_by_alias=True)
def search(
    dataset: Dataset,
    node: NodeDep,
    actor: ActorDep,
    why: WhyDep,
    q: Annotated[str, Query(max_length=500)] = "",
    schema: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 10,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> SearchResponse:
    """Records the user may open whose names contain ``q``, as yente's ``/search``;
    ``total`` is exact unless more results follow the page (then ``gte``)."""
    page = node.yente.search(actor, dataset, q, schema, limit, offset, why)
    return SearchResponse(
        limit=page.limit,
        offset=page.offset,
        total=TotalSpec(value=page.total, relation="gte" if page.more else "eq"),
        results=[EntityResponse.of(e) for e in page.results],
    )


@router.get("/entities/{entity_id}", response_model_by_alias=True)
def entity(
    entity_id: Annotated[str, Path(max_length=200)],
    node: NodeDep,
    actor: ActorDep,
    why: WhyDep,
    nested: bool = True,
) -> EntityResponse:
    """One record (by record id or by the entity id among its ``referents``) or
    watchlist entry; with ``nested``, the records next to it the user may open."""
    return EntityResponse.of(node.yente.entity(actor, entity_id, nested, why))


@router.get("/algorithms")
def algorithms() -> AlgorithmResponse:
    """The node's one scoring algorithm (``best`` names it too)."""
    return AlgorithmResponse(
        algorithms=[_algorithm()], default=service.ALGORITHM, best=service.ALGORITHM
    )


@router.get("/catalog")
def catalog(node: NodeDep, actor: ActorDep) -> DataCatalogModel:
    """The datasets a client may name: ``default``, ``records``, each watchlist."""
    found = node.yente.datasets(actor)
    names = [d.name for d in found]
    return DataCatalogModel(
        datasets=[
            DatasetModel(
                name=d.name,
                title=d.title,
                summary=d.summary,
                entity_count=d.entity_count,
                updated_at=d.updated_at,
                children=d.children,
            )
            for d in found
        ],
        current=names,
        outdated=[],
    )
