"""Hit/no-hit: ask a partner whether it knows identifiers or persons, without sending them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from liaison.api.deps import ActorDep, NodeDep, WhyDep
from liaison.node.courier import hit_query_now
from liaison.node.hits import MAX_PERSONS, MAX_QUERY

router = APIRouter(tags=["hits"])


class PersonQuery(BaseModel):
    names: list[str] = Field(
        min_length=1, max_length=20, description="the person's names, in any script"
    )
    birth_date: str | None = Field(
        default=None,
        max_length=10,
        description="YYYY-MM-DD, YYYY-MM or YYYY; absent if unknown (name keys only)",
    )


class HitQuery(BaseModel):
    partner: str = Field(max_length=64, description="peer name or node id")
    identifiers: list[dict[str, Any]] = Field(
        default_factory=list,
        max_length=MAX_QUERY,
        description='[{"kind": "passport", "value": "..."}]',
    )
    persons: list[PersonQuery] = Field(
        default_factory=list,
        max_length=MAX_PERSONS,
        description='[{"names": ["..."], "birth_date": "1980-05-01"}]: candidate hits',
    )
    purpose: str = Field(default="cross_check", max_length=32)


@router.post("/hits/query")
async def query(
    body: HitQuery, node: NodeDep, actor: ActorDep, why: WhyDep
) -> list[dict[str, Any]]:
    """Blind the identifiers and the persons' match keys, ask the partner in one
    signed round trip, read the answer here: hit or no hit and a reference for each
    hit; a person is a candidate hit (with its references) if any key hit."""
    persons = [p.model_dump() for p in body.persons]
    return await hit_query_now(
        node.federation, actor, body.partner, body.identifiers, body.purpose, why, persons=persons
    )
