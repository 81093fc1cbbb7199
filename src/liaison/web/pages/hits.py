"""Hit/no-hit: ask a partner whether it knows identifiers or persons without
sending them (``hit_query_now``, the API route's one signed round trip over
real HTTP), and next to each hit the form that asks for the record (a
follow-up request, filed by ``pages.followups``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from liaison.api.deps import NodeDep
from liaison.errors import Forbidden, InvalidInput
from liaison.matching.identifiers import IdKind
from liaison.model.vocab import Purpose
from liaison.node import Node
from liaison.node.courier import hit_query_now
from liaison.policy.agreements import Agreement, AgreementState
from liaison.policy.followups import MAX_TEXT, MIN_JUSTIFICATION
from liaison.policy.permissions import Permission as P  # noqa: N817 - as in node/
from liaison.web.render import render
from liaison.web.session import FormDep, UserDep, WebUser

router = APIRouter()

KINDS = tuple(k.value for k in IdKind)  # one textarea per kind, one value a line
PERSON_ROWS = 3  # rows of the persons' table
MAX_LINES = 200  # identifiers of one kind (the service caps the whole question)
PURPOSES = tuple(p.value for p in Purpose)
GENERAL = "question"  # where an error that names no form field is shown


@dataclass(frozen=True)
class Partner:
    """A partner one may ask: a party to an agreement in force with this node."""

    node_id: str
    name: str
    purposes: tuple[str, ...]


@dataclass(frozen=True)
class Question:
    """A question read from the form: what the service is given, where each
    identifier and person came from (to name the field of an error), and the
    form as typed (to fill it again)."""

    partner: str = ""
    purpose: str = Purpose.CROSS_CHECK.value
    identifiers: list[dict[str, str]] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)
    persons: list[dict[str, Any]] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    kept: dict[str, str] = field(default_factory=dict)


def question_of(form: Mapping[str, Any]) -> Question:
    """The question a submitted form asks (pure; the service checks the values)."""
    kept = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf"}
    identifiers, origins = [], []
    for kind in KINDS:
        lines = [line.strip() for line in kept.get(f"ids_{kind}", "").splitlines()]
        for value in [line for line in lines if line][:MAX_LINES]:
            identifiers.append({"kind": kind, "value": value})
            origins.append(f"ids_{kind}")
    persons, rows = [], []
    for row in range(PERSON_ROWS):
        names = [n.strip() for n in kept.get(f"names_{row}", "").split("|") if n.strip()]
        birth = kept.get(f"dob_{row}", "").strip()
        if names or birth:
            persons.append({"names": names, "birth_date": birth})
            rows.append(row)
    partner = kept.get("partner", "").strip()
    purpose = kept.get("purpose", "").strip() or Purpose.CROSS_CHECK.value
    return Question(partner, purpose, identifiers, origins, persons, rows, kept)


def form_field(exc: InvalidInput, question: Question) -> str:
    """The form field a service error names (``identifiers.3.value`` is a line
    of one kind's textarea, ``persons.1.birth_date`` a row's date)."""
    parts = exc.field.split(".")
    if parts[0] in ("partner", "purpose"):
        return parts[0]
    if len(parts) >= 2 and parts[1].isdigit():
        index = int(parts[1])
        if parts[0] == "identifiers" and index < len(question.origins):
            return question.origins[index]
        if parts[0] == "persons" and index < len(question.rows):
            prefix = "dob" if parts[-1] == "birth_date" else "names"
            return f"{prefix}_{question.rows[index]}"
    return GENERAL


def error_text(exc: InvalidInput) -> str:
    """The reason, and the value when it is one line among several."""
    if exc.field.startswith("identifiers.") and exc.value not in (None, ""):
        return f"{exc.value}: {exc.reason}"
    return exc.reason


def partners(agreements: Sequence[Agreement], own: str, today: dt.date) -> list[Partner]:
    """The other parties of the agreements in force, each once, with the
    purposes some agreement with it allows (pure)."""
    found: dict[str, tuple[str, set[str]]] = {}
    for agreement in agreements:
        doc = agreement.document
        if agreement.state is not AgreementState.ACTIVE or not doc.in_effect(today):
            continue
        for party in doc.parties:
            if party.node_id != own:
                purposes = found.setdefault(party.node_id, (party.name, set()))[1]
                purposes.update(p.value for p in doc.purposes)
    return sorted(
        (Partner(node_id, name, tuple(sorted(p))) for node_id, (name, p) in found.items()),
        key=lambda partner: partner.name,
    )


def _may_ask(user: WebUser) -> None:
    if not user.may(P.HIT_QUERY):
        raise Forbidden(f"{user.actor.role.value} may not ask partners hit/no-hit")


def _page(
    request: Request,
    node: Node,
    user: WebUser,
    question: Question,
    status: int = 200,
    errors: Mapping[str, str] | None = None,
    results: list[dict[str, Any]] | None = None,
) -> Response:
    known = partners(node.agreements.all(user.actor), node.ctx.node_id, node.ctx.now().date())
    return render(
        request,
        "hits.html",
        user,
        status,
        partners=known,
        kinds=KINDS,
        purposes=PURPOSES,
        person_rows=range(PERSON_ROWS),
        question=question,
        errors=errors or {},
        results=results,
        may_file=user.may(P.FOLLOWUP_FILE),
        min_justification=MIN_JUSTIFICATION,
        max_text=MAX_TEXT,
    )


@router.get("/hits")
def hits_form(request: Request, node: NodeDep, user: UserDep) -> Response:
    _may_ask(user)
    return _page(request, node, user, Question())


@router.post("/hits")
async def hits_ask(request: Request, node: NodeDep, user: UserDep, form: FormDep) -> Response:
    """Blind, ask the partner in one signed round trip, read the answer here."""
    _may_ask(user)
    question = question_of(form)
    try:
        if not question.partner:
            raise InvalidInput("partner", "", "choose the partner to ask")
        found = await hit_query_now(
            node.federation,
            user.actor,
            question.partner,
            question.identifiers,
            question.purpose,
            persons=question.persons,
        )
    except InvalidInput as exc:
        errors = {form_field(exc, question): error_text(exc)}
        return _page(request, node, user, question, 422, errors)
    return _page(request, node, user, question, results=found)
