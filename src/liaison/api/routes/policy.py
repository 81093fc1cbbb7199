"""Policy: explain a decision, consents, the neutrality queue, retention."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from liaison.api.deps import ActorDep, NodeDep, WhyDep
from liaison.api.wire import Id, Limit

router = APIRouter(tags=["policy"])
RecordId = Annotated[str, Path(max_length=64)]


class ConsentIn(BaseModel):
    record_id: str = Field(max_length=64)
    recipient: str = Field(max_length=120, description="a node id (lsn-…) or user:NAME")
    use: str = Field(description="view, push, hit_only, export, onward_share, court_use, ...")
    justification: str = Field(max_length=2000)


class ReasonIn(BaseModel):
    reason: str = Field(max_length=2000)


class RenewIn(BaseModel):
    review_due: str = Field(description="the new review date, YYYY-MM-DD")
    justification: str = Field(max_length=2000)


@router.get("/policy/explain")
def explain(
    node: NodeDep,
    actor: ActorDep,
    why: WhyDep,
    record_id: Annotated[str, Query(max_length=64)],
    recipient: Annotated[str, Query(max_length=120)],
    use: str = "push",
    purpose: str = "cross_check",
) -> dict[str, Any]:
    """The decision for one record, recipient, use and purpose, with every reason."""
    return node.policy.explain(actor, record_id, recipient, use, purpose, why).to_dict()


@router.get("/consents")
def list_consents(
    node: NodeDep, actor: ActorDep, record_id: Annotated[str | None, Query(max_length=64)] = None
) -> dict[str, Any]:
    return {"items": node.policy.consents(actor, record_id)}


@router.post("/consents", status_code=201)
def give_consent(body: ConsentIn, node: NodeDep, actor: ActorDep) -> dict[str, Any]:
    """The originator's consent to one use of one record by one recipient."""
    return node.policy.give_consent(
        actor, body.record_id, body.recipient, body.use, body.justification
    )


@router.post("/consents/{consent_id}/withdraw")
def withdraw_consent(
    consent_id: Id, body: ReasonIn, node: NodeDep, actor: ActorDep
) -> dict[str, Any]:
    return node.policy.withdraw_consent(actor, consent_id, body.reason)


@router.get("/neutrality")
def neutrality_queue(
    node: NodeDep,
    actor: ActorDep,
    state: Annotated[str, Query(pattern="^(held|released|upheld)$")] = "held",
    limit: Annotated[Limit, Query(le=1000)] = 100,
) -> dict[str, Any]:
    """Records held at the neutrality gate (or already decided)."""
    return {"items": node.policy.queue(actor, state, limit)}


@router.post("/neutrality/{record_id}/{verdict}")
def neutrality_review(
    record_id: RecordId,
    verdict: Annotated[str, Path(pattern="^(release|uphold)$")],
    body: ReasonIn,
    node: NodeDep,
    actor: ActorDep,
) -> dict[str, Any]:
    return node.policy.review(actor, record_id, verdict, body.reason)


@router.get("/retention/due")
def retention_due(
    node: NodeDep, actor: ActorDep, limit: Annotated[Limit, Query(le=1000)] = 100
) -> dict[str, Any]:
    """Records due for review within three months, overdue, or expired."""
    return {"items": node.policy.due(actor, limit)}


@router.post("/retention/purge")
def retention_purge(node: NodeDep, actor: ActorDep) -> dict[str, Any]:
    """Tombstones for every record past expiry or past review without renewal."""
    purged = node.policy.purge(actor)
    return {"purged": purged, "count": len(purged)}


@router.post("/records/{record_id}/renew")
def renew_record(
    record_id: RecordId, body: RenewIn, node: NodeDep, actor: ActorDep
) -> dict[str, Any]:
    return node.policy.renew(actor, record_id, body.review_due, body.justification).to_dict()
