"""The audit log: read, verify, checkpoint (auditors)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

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


class FindingOut(BaseModel):
    kind: str
    object: str
    reason: str


class VerificationOut(BaseModel):
    """``ok`` only if the chain, its checkpoints and head, every record version and
    the append-only triggers all check; ``first_broken`` and ``reason`` say where the
    chain breaks, ``findings`` what else was found."""

    ok: bool
    entries: int
    checkpoints: int
    versions: int
    first_broken: int | None
    reason: str | None
    notes: list[str]
    findings: list[FindingOut]


@router.post("/audit/verify")
def audit_verify(node: NodeDep, actor: ActorDep) -> VerificationOut:
    """Verify (read-only), then log the verification."""
    found = node.audit.verify(actor)
    return VerificationOut(
        ok=found.ok,
        entries=found.entries,
        checkpoints=found.checkpoints,
        versions=found.versions,
        first_broken=found.first_broken,
        reason=found.reason,
        notes=found.notes,
        findings=[
            FindingOut(kind=f.kind, object=f.object, reason=f.reason) for f in found.findings
        ],
    )


@router.post("/audit/checkpoints", status_code=201)
def audit_checkpoint(node: NodeDep, actor: ActorDep) -> dict[str, Any]:
    return asdict(node.audit.checkpoint(actor))
