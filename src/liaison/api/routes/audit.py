"""The audit log: read, verify, checkpoint (auditors)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query

from liaison.api.deps import ActorDep, NodeDep
from liaison.api.wire import Limit, Seq

router = APIRouter(tags=["audit"])


@router.get("/audit")
def audit_entries(
    node: NodeDep,
    actor: ActorDep,
    after: Seq = 0,
    limit: Annotated[Limit, Query(le=500)] = 100,
    action: str | None = None,
    actor_name: Annotated[str | None, Query(alias="actor")] = None,
    object_: Annotated[str | None, Query(alias="object")] = None,
) -> dict[str, Any]:
    entries = node.audit.entries(
        actor, after, limit, action=action, actor=actor_name, object=object_
    )
    next_after = entries[-1].seq if len(entries) == limit else None
    return {"items": [asdict(e) for e in entries], "next_after": next_after}


@router.post("/audit/verify")
def audit_verify(node: NodeDep, actor: ActorDep) -> dict[str, Any]:
    return node.audit.verify(actor).to_dict()


@router.post("/audit/checkpoints", status_code=201)
def audit_checkpoint(node: NodeDep, actor: ActorDep) -> dict[str, Any]:
    return asdict(node.audit.checkpoint(actor))
