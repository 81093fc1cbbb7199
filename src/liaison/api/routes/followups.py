"""Follow-up requests after a hit: file one, the inbox, decisions, replies."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from liaison.api.deps import ActorDep, NodeDep, WhyDep
from liaison.api.wire import Id, Limit, Offset

router = APIRouter(tags=["followups"])


class FollowupIn(BaseModel):
    partner: str = Field(max_length=64, description="the peer that answered with a hit")
    reference: str = Field(max_length=64, description="the hit's opaque reference")
    justification: str = Field(max_length=4000, description="why the details are needed")
    purpose: str | None = Field(default=None, max_length=32, description="default: the query's")


@router.post("/followups", status_code=201)
def file_followup(body: FollowupIn, node: NodeDep, actor: ActorDep, why: WhyDep) -> dict[str, Any]:
    """Ask the partner for what its hit found; its liaison officer decides."""
    return node.followups.file(
        actor, body.partner, body.reference, body.justification, body.purpose, why
    )


@router.get("/followups")
def list_followups(
    node: NodeDep,
    actor: ActorDep,
    direction: Annotated[Literal["in", "out"] | None, Query()] = None,
    state: Annotated[str | None, Query(max_length=16)] = None,
    limit: Annotated[Limit, Query(le=200)] = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Requests: ``in`` is the inbox of partners' requests, ``out`` ours; those
    due soonest first; ``state`` open, pending, more, approved, partly, denied."""
    return node.followups.page(actor, direction, state, limit, offset)


@router.get("/followups/{followup_id}")
def show_followup(followup_id: Id, node: NodeDep, actor: ActorDep) -> dict[str, Any]:
    """One request with its history and the records concerned."""
    return node.followups.show(actor, followup_id)


class DecisionIn(BaseModel):
    decision: Literal["approve", "deny", "more"]
    reason: str = Field(default="", max_length=4000)
    fields: list[str] | None = Field(
        default=None, max_length=200, description="approve only these properties"
    )
    records: list[str] | None = Field(
        default=None, max_length=100, description="approve only these of the records concerned"
    )


@router.post("/followups/{followup_id}/decision")
def decide_followup(
    followup_id: Id, body: DecisionIn, node: NodeDep, actor: ActorDep
) -> dict[str, Any]:
    """Approve (the whole record or chosen fields), deny with a reason, or ask for more."""
    return node.followups.decide(
        actor, followup_id, body.decision, body.reason, body.fields, body.records
    )


class ReplyIn(BaseModel):
    text: str = Field(max_length=4000)


@router.post("/followups/{followup_id}/reply")
def reply_followup(
    followup_id: Id, body: ReplyIn, node: NodeDep, actor: ActorDep
) -> dict[str, Any]:
    """Answer the partner's question; the request waits for its decision again."""
    return node.followups.reply(actor, followup_id, body.text)
