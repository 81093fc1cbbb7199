"""Follow-up requests after a hit: the inbox (partners' requests to us) and the
outbox (ours), filing a request from a hit, one request with its history, the
liaison officer's decision (approve the whole, chosen fields or chosen
records; deny; ask for more) and the requester's reply. Every step calls
``node.followups`` as the API routes do."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from followthemoney import model
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from liaison.api.deps import NodeDep
from liaison.api.wire import Id, Offset
from liaison.errors import InvalidInput
from liaison.model.records import Record
from liaison.model.vocab import Purpose
from liaison.node import Node
from liaison.policy.followups import MAX_TEXT, MIN_JUSTIFICATION, MIN_REASON, State
from liaison.policy.permissions import Permission as P  # noqa: N817 - as in node/
from liaison.web.forms import schema_label
from liaison.web.render import render
from liaison.web.session import FormDep, UserDep, WebUser

router = APIRouter()
FollowupId = Annotated[Id, Path()]

PAGE = 50  # requests per page
MAX_SHOWN = 20  # records of one request shown in full
STATES = ("open", *(s.value for s in State))
PURPOSES = tuple(p.value for p in Purpose)


@dataclass(frozen=True)
class Posted:
    """A decision as the officer posted it (kept to fill the form again)."""

    decision: str = ""
    reason: str = ""
    fields: list[str] | None = None
    records: list[str] | None = None


@dataclass(frozen=True)
class FieldChoice:
    name: str
    label: str


def decision_of(form: FormData) -> Posted:
    """The decision a form posts (pure): ``scope=fields`` approves only the
    ticked fields (none ticked is an error the service names); the records'
    checkboxes count only where the form offered them."""
    decision = str(form.get("decision") or "")
    fields = _strings(form.getlist("fields")) if form.get("scope") == "fields" else None
    records = _strings(form.getlist("records")) if form.get("choose_records") else None
    return Posted(decision, str(form.get("reason") or ""), fields, records)


def _strings(values: Sequence[Any]) -> list[str]:
    return [v for v in values if isinstance(v, str)]


def field_choices(records: Sequence[Record]) -> list[FieldChoice]:
    """The fields an officer may release alone (pure): properties that every
    record's schema has and at least one of the records fills."""
    schemata = [model.get(r.schema) for r in records]
    if not records or any(s is None for s in schemata):
        return []
    filled = {name for r in records for name, values in r.properties.items() if values}
    common = [
        prop
        for name, prop in schemata[0].properties.items()  # type: ignore[union-attr]
        if name in filled and all(name in s.properties for s in schemata)  # type: ignore[union-attr]
    ]
    return sorted((FieldChoice(p.name, p.label) for p in common), key=lambda c: c.label)


def default_direction(user: WebUser) -> Literal["in", "out"]:
    """Officers land on the inbox; those who only ask, on their requests."""
    if user.may(P.FOLLOWUP_DECIDE) or not user.may(P.FOLLOWUP_FILE):
        return "in"
    return "out"


# --- the inbox and the outbox -------------------------------------------------------


@router.get("/followups")
def followups(
    request: Request,
    node: NodeDep,
    user: UserDep,
    direction: Annotated[Literal["in", "out"] | None, Query()] = None,
    state: Annotated[str, Query(max_length=16)] = "",
    offset: Offset = 0,
) -> Response:
    chosen = direction or default_direction(user)
    params = {"direction": chosen, "state": state}
    try:
        found = node.followups.page(user.actor, chosen, state or None, PAGE, offset)
    except InvalidInput as exc:
        empty = {"total": 0, "limit": PAGE, "offset": 0, "items": []}
        return _list(request, user, empty, params, 422, {exc.field: exc.reason})
    return _list(request, user, found, params)


def _list(
    request: Request,
    user: WebUser,
    found: Mapping[str, Any],
    params: Mapping[str, str],
    status: int = 200,
    errors: Mapping[str, str] | None = None,
) -> Response:
    return render(
        request,
        "followups.html",
        user,
        status,
        found=found,
        params=params,
        states=STATES,
        errors=errors or {},
        schema_label=schema_label,
    )


# --- filing a request after a hit ---------------------------------------------------


@router.get("/followups/new")
def new_followup(
    request: Request,
    user: UserDep,
    partner: Annotated[str, Query(max_length=64)] = "",
    reference: Annotated[str, Query(max_length=64)] = "",
    purpose: Annotated[str, Query(max_length=32)] = "",
) -> Response:
    given = {"partner": partner, "reference": reference, "purpose": purpose, "justification": ""}
    return _filing(request, user, given)


def _filing(
    request: Request,
    user: WebUser,
    given: Mapping[str, str],
    status: int = 200,
    errors: Mapping[str, str] | None = None,
) -> Response:
    return render(
        request,
        "followups_new.html",
        user,
        status,
        given=given,
        purposes=PURPOSES,
        errors=errors or {},
        min_justification=MIN_JUSTIFICATION,
        max_text=MAX_TEXT,
    )


@router.post("/followups")
def file_followup(request: Request, node: NodeDep, user: UserDep, form: FormDep) -> Response:
    """File a request for what a hit found; then its page."""
    names = ("partner", "reference", "purpose", "justification")
    given = {name: str(form.get(name) or "") for name in names}
    try:
        filed = node.followups.file(
            user.actor,
            given["partner"],
            given["reference"],
            given["justification"],
            given["purpose"] or None,
        )
    except InvalidInput as exc:
        return _filing(request, user, given, 422, {exc.field: exc.reason})
    return RedirectResponse(f"/followups/{filed['id']}", 303)


# --- one request ----------------------------------------------------------------------


@router.get("/followups/{followup_id}")
def followup(request: Request, followup_id: FollowupId, node: NodeDep, user: UserDep) -> Response:
    return _detail(request, node, user, followup_id)


def _detail(
    request: Request,
    node: Node,
    user: WebUser,
    followup_id: FollowupId,
    status: int = 200,
    errors: Mapping[str, str] | None = None,
    posted: Posted | None = None,
) -> Response:
    shown = node.followups.show(user.actor, followup_id)
    records = _records(node, user, shown["records"])
    deciding = _may_decide(user, shown)
    return render(
        request,
        "followup.html",
        user,
        status,
        f=shown,
        schema_label=schema_label,
        records=records,
        deciding=deciding,
        choices=field_choices(records) if deciding else [],
        replying=shown["direction"] == "out" and shown["state"] == State.MORE.value,
        may_reply=user.may(P.FOLLOWUP_FILE),
        errors=errors or {},
        posted=posted or Posted(),
        min_reason=MIN_REASON,
        max_text=MAX_TEXT,
    )


def _may_decide(user: WebUser, shown: Mapping[str, Any]) -> bool:
    pending = shown["direction"] == "in" and shown["state"] == State.PENDING.value
    return pending and user.may(P.FOLLOWUP_DECIDE)


def _records(node: Node, user: WebUser, concerned: Sequence[Mapping[str, Any]]) -> list[Record]:
    """The records concerned that are here and that this user may see (ours on
    the originator's side, the released copies on the requester's), in full."""
    visible = [r["record_id"] for r in concerned if r["arrived"] and "schema" in r]
    return [node.records.get(user.actor, record_id) for record_id in visible[:MAX_SHOWN]]


@router.post("/followups/{followup_id}/decision")
def decide(
    request: Request, followup_id: FollowupId, node: NodeDep, user: UserDep, form: FormDep
) -> Response:
    """A liaison officer's decision on a partner's request."""
    posted = decision_of(form)
    try:
        node.followups.decide(
            user.actor, followup_id, posted.decision, posted.reason, posted.fields, posted.records
        )
    except InvalidInput as exc:
        return _detail(request, node, user, followup_id, 422, {exc.field: exc.reason}, posted)
    return RedirectResponse(f"/followups/{followup_id}", 303)


@router.post("/followups/{followup_id}/reply")
def reply(
    request: Request, followup_id: FollowupId, node: NodeDep, user: UserDep, form: FormDep
) -> Response:
    """The requester answers the partner's question."""
    text = str(form.get("text") or "")
    try:
        node.followups.reply(user.actor, followup_id, text)
    except InvalidInput as exc:
        posted = Posted(reason=text)
        return _detail(request, node, user, followup_id, 422, {exc.field: exc.reason}, posted)
    return RedirectResponse(f"/followups/{followup_id}", 303)
