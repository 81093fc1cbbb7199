"""Challenges by the person concerned (issue 22): a liaison officer takes in a
person's request for access to, correction or deletion of the data about them,
naming the records it concerns; the node routes it to each record's originator.
The originator's officer decides with reasons, and the node where the person
asked reads what it may tell them (``answer``). Every step calls
``node.challenges`` as the API routes do; only liaison officers reach these pages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from liaison.api.deps import NodeDep
from liaison.diffusion.challenges import MIN_REASON, ChallengeKind, Restriction, Stage, Verdict
from liaison.errors import Conflict, Forbidden, InvalidInput
from liaison.node import Node
from liaison.policy.permissions import Permission as P  # noqa: N817 - as in node/
from liaison.web.render import render
from liaison.web.session import FormDep, UserDep, WebUser

router = APIRouter()
ChallengeId = Annotated[str, Path(pattern=r"^chl-[0-9a-f]{32}$")]

STAGES = tuple(s.value for s in Stage)
KINDS = tuple(k.value for k in ChallengeKind)
VERDICTS = tuple(v.value for v in Verdict)
RESTRICTIONS = tuple(r.value for r in Restriction)
Errors = dict[str, str]


def _require(user: WebUser) -> None:
    if not user.may(P.CHALLENGE_HANDLE):
        raise Forbidden(f"the role {user.actor.role.value} does not handle challenges")


@router.get("/challenges")
def challenges(
    request: Request,
    node: NodeDep,
    user: UserDep,
    stage: Annotated[str, Query(max_length=16)] = "",
) -> Response:
    status, errors, found = 200, {}, []
    try:
        found = node.challenges.page(user.actor, stage or None)
    except InvalidInput as exc:
        status, errors = 422, {exc.field: exc.reason}
    return render(
        request,
        "challenges.html",
        user,
        status,
        items=found,
        stage=stage,
        stages=STAGES,
        errors=errors,
    )


# --- taking a request in ----------------------------------------------------------------


def opened_of(form: FormData) -> dict[str, str]:
    """The intake form's values, as posted (pure)."""
    names = ("kind", "records", "name", "contact", "correction")
    return {name: str(form.get(name) or "") for name in names}


def record_ids(text: str) -> list[str]:
    """One record id a line, or separated by commas or spaces (pure)."""
    return list(dict.fromkeys(part for part in text.replace(",", " ").split() if part))


@router.get("/challenges/new")
def new_challenge(request: Request, user: UserDep) -> Response:
    _require(user)
    given = {"kind": "access", "records": "", "name": "", "contact": "", "correction": ""}
    return _intake(request, user, given)


def _intake(
    request: Request,
    user: WebUser,
    given: Mapping[str, str],
    status: int = 200,
    errors: Errors | None = None,
) -> Response:
    return render(
        request, "challenges_new.html", user, status, given=given, kinds=KINDS, errors=errors or {}
    )


@router.post("/challenges")
def open_challenge(request: Request, node: NodeDep, user: UserDep, form: FormDep) -> Response:
    """Take a person's request in; then its page (or the list, when it went to several)."""
    given = opened_of(form)
    requester = {"name": given["name"], "contact": given["contact"] or None}
    try:
        made = node.challenges.open(
            user.actor,
            given["kind"],
            record_ids(given["records"]),
            requester,
            given["correction"] or None,
        )
    except InvalidInput as exc:
        return _intake(request, user, given, 422, {_key(exc.field): _said(exc)})
    target = f"/challenges/{made[0].challenge_id}" if len(made) == 1 else "/challenges"
    return RedirectResponse(target, 303)


def _key(name: str) -> str:
    return name.removeprefix("requester.") if name.startswith("requester.") else name


def _said(exc: InvalidInput) -> str:
    value = exc.value if isinstance(exc.value, str) else ", ".join(map(str, exc.value or []))
    return f"{exc.reason} ({value})" if value and not isinstance(exc.value, dict) else exc.reason


# --- one challenge ------------------------------------------------------------------------


@dataclass(frozen=True)
class Posted:
    """A decision as the officer posted it (kept to fill the form again)."""

    verdict: str = ""
    reasons: str = ""
    records: list[str] = field(default_factory=list)
    restrictions: list[str] = field(default_factory=list)
    leave: bool = False


def decision_of(form: FormData) -> Posted:
    """The decision a form posts (pure)."""
    return Posted(
        str(form.get("verdict") or ""),
        str(form.get("reasons") or ""),
        _strings(form.getlist("records")),
        _strings(form.getlist("restrictions")),
        bool(form.get("leave")),
    )


def _strings(values: Sequence[object]) -> list[str]:
    return [v for v in values if isinstance(v, str)]


@router.get("/challenges/{challenge_id}")
def challenge(
    request: Request, challenge_id: ChallengeId, node: NodeDep, user: UserDep
) -> Response:
    return _detail(request, node, user, challenge_id)


def _detail(
    request: Request,
    node: Node,
    user: WebUser,
    challenge_id: str,
    status: int = 200,
    errors: Errors | None = None,
    posted: Posted | None = None,
) -> Response:
    shown = node.challenges.show(user.actor, challenge_id)
    deciding = shown.stage == Stage.RECEIVED.value and shown.originator == node.ctx.node_id
    return render(
        request,
        "challenge.html",
        user,
        status,
        c=shown,
        deciding=deciding,
        verdicts=VERDICTS,
        restrictions=RESTRICTIONS,
        errors=errors or {},
        posted=posted or Posted(records=list(shown.records)),
        min_reason=MIN_REASON,
    )


@router.post("/challenges/{challenge_id}/decision")
def decide(
    request: Request, challenge_id: ChallengeId, node: NodeDep, user: UserDep, form: FormDep
) -> Response:
    """The originator's officer decides, with reasons."""
    posted = decision_of(form)
    try:
        node.challenges.decide(
            user.actor,
            challenge_id,
            posted.verdict,
            posted.reasons,
            posted.records if posted.verdict != Verdict.REFUSE.value else [],
            posted.restrictions,
            posted.leave,
        )
    except InvalidInput as exc:
        errors = {exc.field: _said(exc)}
        return _detail(request, node, user, challenge_id, 422, errors, posted)
    except Conflict as exc:
        return _detail(request, node, user, challenge_id, 409, {"verdict": str(exc)}, posted)
    return RedirectResponse(f"/challenges/{challenge_id}", 303)
