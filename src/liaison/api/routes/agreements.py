"""Sharing agreements: propose, receive a partner's bundle, sign, move through
the life cycle, send to the parties, inspect (summary and diff between versions)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from liaison.api.deps import ActorDep, NodeDep, WhyDep
from liaison.node.courier import send_agreement_now
from liaison.policy.agreements import MAX_VERSION, Agreement, summary

router = APIRouter(tags=["agreements"])
AgreementId = Annotated[str, Path(max_length=80)]


class MoveIn(BaseModel):
    reason: str | None = Field(default=None, max_length=2000)


def _out(agreement: Agreement) -> dict[str, Any]:
    return {**agreement.to_dict(), "summary": summary(agreement)}


@router.get("/agreements")
def list_agreements(node: NodeDep, actor: ActorDep, why: WhyDep) -> dict[str, Any]:
    """The latest version of every agreement."""
    return {"items": [_out(a) for a in node.agreements.all(actor, why)]}


@router.post("/agreements", status_code=201)
def propose_agreement(
    node: NodeDep, actor: ActorDep, why: WhyDep, document: Annotated[dict[str, Any], Body()]
) -> dict[str, Any]:
    """Propose a new agreement (version 1) or an amendment (next version) as a draft."""
    return _out(node.agreements.propose(actor, document, why))


@router.post("/agreements/receive")
def receive_agreement(
    node: NodeDep, actor: ActorDep, why: WhyDep, bundle: Annotated[dict[str, Any], Body()]
) -> dict[str, Any]:
    """A partner's bundle (``document`` and ``signatures``, as GET returns them)."""
    return _out(node.agreements.receive(actor, bundle, why))


@router.get("/agreements/{agreement_id}")
def get_agreement(
    agreement_id: AgreementId,
    node: NodeDep,
    actor: ActorDep,
    why: WhyDep,
    version: Annotated[int | None, Query(ge=1, le=MAX_VERSION)] = None,
) -> dict[str, Any]:
    return _out(node.agreements.get(actor, agreement_id, version, why))


@router.get("/agreements/{agreement_id}/diff")
def diff_agreement(
    agreement_id: AgreementId,
    node: NodeDep,
    actor: ActorDep,
    old: Annotated[int, Query(ge=1, le=MAX_VERSION, alias="from")],
    new: Annotated[int, Query(ge=1, le=MAX_VERSION, alias="to")],
) -> dict[str, Any]:
    return {"changes": node.agreements.diff(actor, agreement_id, old, new)}


@router.post("/agreements/{agreement_id}/sign")
def sign_agreement(
    agreement_id: AgreementId,
    node: NodeDep,
    actor: ActorDep,
    why: WhyDep,
    version: Annotated[int, Query(ge=1, le=MAX_VERSION, description="the version you read")],
) -> dict[str, Any]:
    """Sign one version for this node with its key (a supervisor's decision)."""
    return _out(node.agreements.sign(actor, agreement_id, version, why))


class SentOut(BaseModel):
    """One party's answer: the peer and the signatures it now holds."""

    model_config = ConfigDict(extra="allow")
    peer: str


# Declared before ``/{move}``: a route matches on its path before its parameters are
# checked, so a later ``/send`` would be caught by ``{move}`` and refused (422).
@router.post("/agreements/{agreement_id}/send", response_model=list[SentOut])
async def send_agreement(
    agreement_id: AgreementId,
    node: NodeDep,
    actor: ActorDep,
    to: Annotated[str | None, Query(max_length=63)] = None,
) -> list[dict[str, Any]]:
    """Send the agreement (latest version, signatures so far) to its parties that
    are peers, or to one; each answers with the signatures it now holds."""
    return await send_agreement_now(node.federation, actor, agreement_id, to)


@router.post("/agreements/{agreement_id}/{move}")
def move_agreement(
    agreement_id: AgreementId,
    move: Annotated[str, Path(pattern="^(activate|suspend|resume|terminate)$")],
    node: NodeDep,
    actor: ActorDep,
    why: WhyDep,
    body: MoveIn | None = None,
) -> dict[str, Any]:
    """Activate the latest version (every party signed); suspend, resume or
    terminate the version in force."""
    reason = body.reason if body else None
    return _out(node.agreements.move(actor, agreement_id, move, reason, why))
