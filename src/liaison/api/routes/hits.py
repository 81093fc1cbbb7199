"""Hit/no-hit: ask a partner whether it knows identifiers, without sending them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from liaison.api.deps import ActorDep, NodeDep, WhyDep
from liaison.node.courier import hit_query_now

router = APIRouter(tags=["hits"])


class HitQuery(BaseModel):
    partner: str = Field(max_length=64, description="peer name or node id")
    identifiers: list[dict[str, Any]] = Field(
        min_length=1, max_length=1000, description='[{"kind": "passport", "value": "..."}]'
    )
    purpose: str = Field(default="cross_check", max_length=32)


@router.post("/hits/query")
async def query(
    body: HitQuery, node: NodeDep, actor: ActorDep, why: WhyDep
) -> list[dict[str, Any]]:
    """Blind the identifiers, ask the partner in one signed round trip, read the
    answer here: hit or no hit, and a reference for each hit."""
    return await hit_query_now(
        node.federation, actor, body.partner, body.identifiers, body.purpose, why
    )
