"""Witnesses of the audit log (administrators and auditors; docs/audit.md): how
fresh each peer's cosignature of this node's log is, offering the checkpoint
now, checking the log against what the witnesses hold, and the checkpoints
this node refused as a witness."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from liaison.api.deps import ActorDep, NodeDep
from liaison.audit.witness import WitnessFinding
from liaison.node.witness import Sent, WitnessState, send_now

router = APIRouter(tags=["audit"])


class WitnessStateOut(BaseModel):
    witness: str
    witness_id: str
    size: int | None
    root: str | None
    cosigned: dt.datetime | None
    unwitnessed: int
    last_attempt: dt.datetime | None
    last_error: str | None


class SentOut(BaseModel):
    witness: str
    witness_id: str
    outcome: str
    size: int | None
    reason: str


class FindingOut(BaseModel):
    witness: str
    witness_id: str
    status: str
    size: int | None
    root: str | None
    time: dt.datetime | None
    source: str
    reason: str


class EvidenceOut(BaseModel):
    log_node: str
    kind: str
    held: str
    offered: str
    old_size: int
    proof: list[str]
    reason: str
    at: dt.datetime


def _state(s: WitnessState) -> WitnessStateOut:
    return WitnessStateOut(
        witness=s.witness,
        witness_id=s.witness_id,
        size=s.size,
        root=s.root,
        cosigned=s.cosigned,
        unwitnessed=s.unwitnessed,
        last_attempt=s.last_attempt,
        last_error=s.last_error,
    )


def _sent(s: Sent) -> SentOut:
    return SentOut(
        witness=s.witness, witness_id=s.witness_id, outcome=s.outcome, size=s.size, reason=s.reason
    )


def _finding(f: WitnessFinding) -> FindingOut:
    return FindingOut(
        witness=f.witness,
        witness_id=f.witness_id,
        status=f.status.value,
        size=f.size,
        root=f.root,
        time=f.time,
        source=f.source,
        reason=f.reason,
    )


@router.get("/audit/witnesses")
def witnesses(node: NodeDep, actor: ActorDep) -> list[WitnessStateOut]:
    """Per peer: the latest checkpoint of this log it cosigned (size, root, time),
    the entries after it, the last attempt and its error (this node's copy)."""
    return [_state(s) for s in node.witness.status(actor)]


@router.post("/audit/witnesses/send")
async def send(
    node: NodeDep, actor: ActorDep, peer: Annotated[str | None, Query(max_length=63)] = None
) -> list[SentOut]:
    """Offer this node's signed checkpoint to every peer (or one) now; each answer."""
    sent = await run_in_threadpool(send_now, node.witness, peer, actor)
    return [_sent(s) for s in sent]


@router.post("/audit/witnesses/check")
async def check(node: NodeDep, actor: ActorDep) -> list[FindingOut]:
    """The log against the checkpoint each witness holds (asked now): ok, rollback,
    fork, unwitnessed, invalid or unreachable, naming the witness and the checkpoint."""
    return [_finding(f) for f in await run_in_threadpool(node.witness.check_as, actor)]


@router.get("/audit/witnesses/evidence")
def evidence(
    node: NodeDep, actor: ActorDep, peer: Annotated[str | None, Query(max_length=63)] = None
) -> list[EvidenceOut]:
    """As a witness: the checkpoints of peers' logs this node refused (rollback or
    fork), with the one it held and the proof that failed."""
    return [
        EvidenceOut(
            log_node=e.log_node,
            kind=e.kind,
            held=e.held,
            offered=e.offered,
            old_size=e.old_size,
            proof=list(e.proof),
            reason=e.reason,
            at=e.at,
        )
        for e in node.witness.evidence(actor, peer)
    ]
