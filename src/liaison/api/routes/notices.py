"""Notices and diffusions (``liaison.diffusion``): draft, review, approve, issue,
change; the partners' notices we hold, responses, border checks; the challenges
of the persons concerned. The rules and what each side sees: docs/notices.md."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query
from pydantic import BaseModel, ConfigDict, Field

from liaison.api.deps import ActorDep, NodeDep, WhyDep
from liaison.api.wire import Limit, Offset
from liaison.node.challenges import ChallengeView
from liaison.node.diffusion import CheckResult, NoticePage, NoticeView

router = APIRouter(tags=["notices"])

NoticeId = Annotated[str, Field(pattern=r"^ntc-[0-9a-f]{32}$")]
ChallengeId = Annotated[str, Field(pattern=r"^chl-[0-9a-f]{32}$")]
Draft = Annotated[
    dict[str, Any],
    Body(
        description="kind, subjects (record ids), fields, markings, evaluation, distribution "
        "({mode: publication} or {mode: diffusion, recipients: [node ids]}), releases, "
        "language: see docs/notices.md; every problem is named at once"
    ),
]


class Strict(BaseModel):
    """A request body whose unknown keys are refused by name, not ignored."""

    model_config = ConfigDict(extra="forbid")


class ReasonIn(Strict):
    reason: str = Field(max_length=4000, description="why, in 10 characters or more")


class JustificationIn(Strict):
    justification: str = Field(
        max_length=4000,
        description="why the case is not predominantly political, military, religious or "
        "racial, in 40 characters or more",
    )


class ResponseIn(Strict):
    kind: str = Field(
        max_length=32,
        description="acknowledged, located, detained, seized, not_found, will_not_act (as the "
        "kind takes); on our own notice: confirmed",
    )
    ground: str | None = Field(default=None, max_length=32, description="for will_not_act")
    text: str | None = Field(default=None, max_length=4000)
    receiver: str | None = Field(
        default=None, max_length=64, description="confirmed: the partner whose response it is"
    )


class IdentifierIn(Strict):
    kind: Literal["passport", "id_number", "imo", "mmsi", "vehicle"]
    value: str = Field(max_length=100)


class CheckIn(Strict):
    identifiers: list[IdentifierIn] = Field(min_length=1, max_length=100)


@router.post("/notices", status_code=201)
def draft_notice(body: Draft, node: NodeDep, actor: ActorDep, why: WhyDep) -> NoticeView:
    """Draft a notice on this node's records (analysts)."""
    return node.notices.draft(actor, body, why)


@router.get("/notices")
def list_notices(
    node: NodeDep,
    actor: ActorDep,
    box: Annotated[Literal["out", "in"], Query(description="ours, or the partners'")] = "out",
    state: Annotated[str | None, Query(max_length=16)] = None,
    renewal: Annotated[
        bool, Query(description="only ours due for renewal (reminder day come), soonest first")
    ] = False,
    limit: Annotated[Limit, Query(le=200)] = 50,
    offset: Offset = 0,
) -> NoticePage:
    """Our notices (``out``) or the partners' notices this node holds (``in``)."""
    return node.notices.page(actor, box, state, limit, offset, renewal)


@router.post("/notices/check")
def check_identifiers(body: CheckIn, node: NodeDep, actor: ActorDep) -> list[CheckResult]:
    """A border post's hit/no-hit against the identifier lists held (stolen and lost
    travel documents, vehicles, vessels); nothing leaves the node."""
    return node.notices.check(actor, [i.model_dump() for i in body.identifiers])


@router.get("/notices/{notice_id}")
def show_notice(notice_id: NoticeId, node: NodeDep, actor: ActorDep) -> NoticeView:
    """One notice as this node sees it: ours in full, a partner's as it was sent."""
    return node.notices.show(actor, notice_id)


@router.put("/notices/{notice_id}")
def edit_notice(notice_id: NoticeId, body: Draft, node: NodeDep, actor: ActorDep) -> NoticeView:
    """Change a draft; whoever edits becomes one of its drafters."""
    return node.notices.edit(actor, notice_id, body)


@router.post("/notices/{notice_id}/submit")
def submit_notice(notice_id: NoticeId, node: NodeDep, actor: ActorDep) -> NoticeView:
    """Run the compliance review: refused, back in draft with every reason."""
    return node.notices.submit(actor, notice_id)


@router.post("/notices/{notice_id}/override")
def override_review(
    notice_id: NoticeId, body: JustificationIn, node: NodeDep, actor: ActorDep
) -> NoticeView:
    """Override a neutrality refusal in writing (auditors; never on one's own draft)."""
    return node.notices.override(actor, notice_id, body.justification)


@router.post("/notices/{notice_id}/send-back")
def send_back_notice(
    notice_id: NoticeId, body: ReasonIn, node: NodeDep, actor: ActorDep
) -> NoticeView:
    return node.notices.send_back(actor, notice_id, body.reason)


@router.post("/notices/{notice_id}/approve")
def approve_notice(notice_id: NoticeId, node: NodeDep, actor: ActorDep) -> NoticeView:
    """Approve (supervisors; four-eyes: not a drafter, not the overriding reviewer)."""
    return node.notices.approve(actor, notice_id)


@router.post("/notices/{notice_id}/issue")
def issue_notice(notice_id: NoticeId, node: NodeDep, actor: ActorDep) -> NoticeView:
    """Publish to every covered partner, or diffuse to those chosen (all covered)."""
    return node.notices.issue(actor, notice_id)


@router.post("/notices/{notice_id}/amendment")
def propose_amendment(
    notice_id: NoticeId, body: Draft, node: NodeDep, actor: ActorDep
) -> NoticeView:
    """A new version of an issued notice, waiting for someone else's approval."""
    return node.notices.propose_amendment(actor, notice_id, body)


@router.post("/notices/{notice_id}/amendment/approve")
def approve_amendment(
    notice_id: NoticeId, body: ReasonIn, node: NodeDep, actor: ActorDep
) -> NoticeView:
    """Review and approve the amendment; every holder receives the new version."""
    return node.notices.approve_amendment(actor, notice_id, body.reason)


@router.post("/notices/{notice_id}/responses", status_code=201)
def respond_notice(
    notice_id: NoticeId, body: ResponseIn, node: NodeDep, actor: ActorDep
) -> NoticeView:
    """Answer a partner's notice in its thread, or confirm a partner's response to ours."""
    return node.notices.respond(actor, notice_id, body.kind, body.ground, body.text, body.receiver)


@router.post("/notices/{notice_id}/{move}")
def change_notice(
    notice_id: NoticeId,
    move: Literal["suspend", "resume", "renew", "cancel"],
    body: ReasonIn,
    node: NodeDep,
    actor: ActorDep,
) -> NoticeView:
    """Suspend, resume, renew or cancel, with a reason; every holder is told."""
    service = node.notices
    step = {
        "suspend": service.suspend,
        "resume": service.resume,
        "renew": service.renew,
        "cancel": service.cancel,
    }[move]
    return step(actor, notice_id, body.reason)


# --- challenges by the person concerned ---------------------------------------------------


class RequesterIn(Strict):
    name: str = Field(max_length=200)
    contact: str | None = Field(default=None, max_length=500)


class ChallengeIn(Strict):
    kind: Literal["access", "correction", "deletion"]
    records: list[str] = Field(min_length=1, max_length=50, description="record ids concerned")
    requester: RequesterIn
    correction: str | None = Field(default=None, max_length=4000)


class ChallengeDecisionIn(Strict):
    verdict: Literal["grant", "refuse", "partly"]
    reasons: str = Field(max_length=4000, description="20 characters or more")
    records: list[str] = Field(default_factory=list, max_length=50)
    restrictions: list[str] = Field(default_factory=list, max_length=5)
    leave: bool = Field(default=False, description="let the node where they asked tell them")


@router.post("/challenges", status_code=201)
def open_challenge(
    body: ChallengeIn, node: NodeDep, actor: ActorDep, why: WhyDep
) -> list[ChallengeView]:
    """Take in a person's request and route it to the originator of each record."""
    return node.challenges.open(
        actor, body.kind, body.records, body.requester.model_dump(), body.correction, why
    )


@router.get("/challenges")
def list_challenges(
    node: NodeDep,
    actor: ActorDep,
    stage: Annotated[str | None, Query(max_length=16)] = None,
    limit: Annotated[Limit, Query(le=200)] = 50,
    offset: Offset = 0,
) -> list[ChallengeView]:
    return node.challenges.page(actor, stage, limit, offset)


@router.get("/challenges/{challenge_id}")
def show_challenge(challenge_id: ChallengeId, node: NodeDep, actor: ActorDep) -> ChallengeView:
    return node.challenges.show(actor, challenge_id)


@router.post("/challenges/{challenge_id}/decision")
def decide_challenge(
    challenge_id: ChallengeId, body: ChallengeDecisionIn, node: NodeDep, actor: ActorDep
) -> ChallengeView:
    """The originator's decision with reasons; a deletion granted reaches every holder."""
    return node.challenges.decide(
        actor,
        challenge_id,
        body.verdict,
        body.reasons,
        body.records,
        body.restrictions,
        body.leave,
    )
