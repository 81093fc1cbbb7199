"""Agreements: the list, one agreement in plain language with its signatures
and versions, and the supervisor's signature and the officer's life-cycle moves
(activate, suspend, resume, terminate) as forms."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from liaison.api.deps import NodeDep
from liaison.api.wire import Offset
from liaison.errors import InvalidInput, InvalidSignature
from liaison.node import Node
from liaison.policy import agreements as rules
from liaison.policy.agreements import (
    MAX_VERSION,
    Agreement,
    AgreementDocument,
    AgreementState,
    OnEnd,
    OnwardRule,
)
from liaison.policy.permissions import Permission as P  # noqa: N817 - as in node/
from liaison.web.forms import schema_label
from liaison.web.labels import N_, Nn_
from liaison.web.render import render
from liaison.web.session import FormDep, UserDep, WebUser

router = APIRouter()

PAGE = 50  # agreements per page
HISTORY = 20  # versions shown, the latest first
AgreementId = Annotated[str, Path(max_length=80)]
Value = str | int | tuple[str, ...] | dt.date


@dataclass(frozen=True)
class Clause:
    """One sentence of an agreement: an English message id (``N_``) and its
    values; a tuple is a list of vocabulary values, translated one by one."""

    message: str
    values: dict[str, Value] = field(default_factory=dict)
    plural: str | None = None
    count: int = 1

    def params(self, translate: Callable[[str], str], fmt: Any) -> dict[str, str | int]:
        out: dict[str, str | int] = {}
        for key, value in self.values.items():
            if isinstance(value, tuple):
                out[key] = ", ".join(translate(v) for v in value)
            elif isinstance(value, dt.date):
                out[key] = fmt.date(value)
            else:
                out[key] = value
        return out


ONWARD = {
    OnwardRule.FORBIDDEN: N_("No party may pass a record it received on to anyone else."),
    OnwardRule.WITH_CONSENT: N_(
        "A party may pass a record it received on only with the originator's consent."
    ),
    OnwardRule.WITHIN_PARTIES: N_(
        "A party may pass a record it received on, but only to the other parties."
    ),
}
ON_END = {
    OnEnd.KEEP: N_(
        "If the agreement is suspended or ends, the partners keep what they received "
        "until its retention runs out."
    ),
    OnEnd.RECALL: N_(
        "If the agreement is suspended or ends, everything shared under it is recalled."
    ),
}
RETENTION_NAMES = {"default": N_("records with no rule of their own"), "nominal": N_("persons")}


def clauses(doc: AgreementDocument) -> list[Clause]:
    """The agreement in plain sentences: who shares what with whom, for what,
    under which markings, onward sharing, retention, and what happens at the end."""
    return [
        *_sharing(doc),
        *_scope(doc),
        *_markings(doc),
        *_use(doc),
        Clause(ONWARD[doc.onward]),
        *_retention(doc),
        *_period(doc),
    ]


def _sharing(doc: AgreementDocument) -> Iterable[Clause]:
    for party in doc.parties:
        partners = tuple(p.name for p in doc.parties if p.node_id != party.node_id)
        yield Clause(
            N_("%(party)s shares with %(partners)s records of these kinds: %(schemata)s."),
            {
                "party": party.name,
                "partners": partners,
                "schemata": tuple(sorted(schema_label(s) for s in doc.schemata)),
            },
        )


def _scope(doc: AgreementDocument) -> Iterable[Clause]:
    yield Clause(
        N_("Only records about these crime areas: %(areas)s."),
        {"areas": _values(doc.crime_areas)},
    )
    yield Clause(
        N_("Only persons in these categories: %(categories)s."),
        {"categories": _values(doc.subject_categories)},
    )
    yield Clause(
        N_("What a partner receives may be used for: %(purposes)s."),
        {"purposes": _values(doc.purposes)},
    )
    if doc.exclusions:
        yield Clause(
            N_("Never shared, whatever the rest allows: %(exclusions)s."),
            {"exclusions": tuple(sorted(doc.exclusions))},
        )


def _markings(doc: AgreementDocument) -> Iterable[Clause]:
    yield Clause(
        N_("Nothing classified above %(level)s is shared."),
        {"level": (doc.max_classification.name,)},
    )
    tlp = tuple(f"TLP:{t.value}" for t in sorted(doc.tlp, key=lambda t: t.rank))
    yield Clause(N_("Only records marked %(tlp)s are shared."), {"tlp": tlp})
    if doc.handling:
        yield Clause(
            N_("Records with these handling codes may be shared: %(codes)s."),
            {"codes": _values(doc.handling)},
        )
    else:
        yield Clause(N_("No record with a handling code is shared."))


def _use(doc: AgreementDocument) -> Iterable[Clause]:
    if doc.hit_only:
        yield Clause(
            N_(
                "These are only answered hit/no-hit, never sent in full: %(kinds)s. "
                "Everything else in scope may be sent in full."
            ),
            {"kinds": tuple(sorted(doc.hit_only))},
        )
    else:
        yield Clause(N_("Every record in scope may be sent in full."))


def _retention(doc: AgreementDocument) -> Iterable[Clause]:
    for key, months in sorted(doc.retention_months.items()):
        category = (RETENTION_NAMES.get(key, key),)
        if months % 12 == 0:
            one, many = Nn_(
                "A partner keeps %(category)s for at most %(num)d year.",
                "A partner keeps %(category)s for at most %(num)d years.",
            )
            yield Clause(one, {"category": category, "num": months // 12}, many, months // 12)
        else:
            one, many = Nn_(
                "A partner keeps %(category)s for at most %(num)d month.",
                "A partner keeps %(category)s for at most %(num)d months.",
            )
            yield Clause(one, {"category": category, "num": months}, many, months)


def _period(doc: AgreementDocument) -> Iterable[Clause]:
    if doc.effective_until is None:
        yield Clause(
            N_("In effect from %(start)s, with no end date."), {"start": doc.effective_from}
        )
    else:
        yield Clause(
            N_("In effect from %(start)s until %(end)s."),
            {"start": doc.effective_from, "end": doc.effective_until},
        )
    yield Clause(ON_END[doc.on_end])


def _values(values: Iterable[Any]) -> tuple[str, ...]:
    return tuple(sorted(str(v.value) for v in values))


@dataclass(frozen=True)
class Signature:
    party: str
    node_id: str
    signed: bool
    valid: bool


def signatures(agreement: Agreement) -> list[Signature]:
    """Each party's signature of this version: given or not, and valid."""
    out = []
    for party in agreement.document.parties:
        given = agreement.signatures.get(party.node_id)
        out.append(
            Signature(
                party.name,
                party.node_id,
                given is not None,
                _valid(agreement, given, party.node_id),
            )
        )
    return out


def _valid(agreement: Agreement, signature: str | None, node_id: str) -> bool:
    if signature is None:
        return False
    try:
        rules.check_signature(agreement.document, node_id, signature)
    except InvalidSignature:
        return False
    return True


_MOVES = {
    AgreementState.DRAFT: ("activate",),
    AgreementState.ACTIVE: ("suspend", "terminate"),
    AgreementState.SUSPENDED: ("resume", "terminate"),
}


def moves(latest: AgreementState, in_force: AgreementState | None) -> list[str]:
    """The life-cycle moves open: activating the latest version (a draft), and
    suspending, resuming or terminating the version in force."""
    found = [m for m in _MOVES.get(latest, ()) if m == "activate"]
    if in_force is not None:
        found += _MOVES.get(in_force, ())
    return found


# --- pages --------------------------------------------------------------------------


@router.get("/agreements")
def agreement_list(
    request: Request,
    node: NodeDep,
    user: UserDep,
    offset: Offset = 0,
) -> Response:
    found = node.agreements.all(user.actor)
    return render(
        request,
        "agreements.html",
        user,
        items=found[offset : offset + PAGE],
        total=len(found),
        limit=PAGE,
        offset=offset,
        params=request.query_params,
    )


@router.get("/agreements/{agreement_id}")
def agreement_page(
    request: Request,
    node: NodeDep,
    user: UserDep,
    agreement_id: AgreementId,
    version: Annotated[int | None, Query(ge=1, le=MAX_VERSION)] = None,
) -> Response:
    return _detail(request, node, user, agreement_id, version)


def _detail(
    request: Request,
    node: Node,
    user: WebUser,
    agreement_id: str,
    version: int | None = None,
    status: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    agreement = node.agreements.get(user.actor, agreement_id, version)
    latest = node.agreements.get(user.actor, agreement_id) if version else agreement
    history = _history(node, user, latest)
    return render(
        request,
        "agreement.html",
        user,
        status,
        agreement=agreement,
        doc=agreement.document,
        clauses=clauses(agreement.document),
        signatures=signatures(agreement),
        history=history,
        moves=moves(latest.state, _in_force(history)),
        may_sign=_may_sign(node, user, agreement),
        errors=errors or {},
        form=form or {},
    )


def _may_sign(node: Node, user: WebUser, agreement: Agreement) -> bool:
    return (
        user.may(P.AGREEMENT_SIGN)
        and agreement.state is AgreementState.DRAFT
        and node.ctx.node_id not in agreement.signatures
    )


def _history(node: Node, user: WebUser, latest: Agreement) -> list[dict[str, Any]]:
    """The versions, the latest first, each with what changed from the one before."""
    doc = latest.document
    out = []
    newer = latest
    for number in range(doc.version, max(doc.version - HISTORY, 0), -1):
        current = (
            newer
            if number == doc.version
            else node.agreements.get(user.actor, doc.agreement_id, number)
        )
        out.append({"agreement": current, "changes": []})
        if len(out) > 1:
            out[-2]["changes"] = rules.diff(current.document, newer.document)
        newer = current
    return out


def _in_force(history: list[dict[str, Any]]) -> AgreementState | None:
    for item in history:
        if item["agreement"].state in (AgreementState.ACTIVE, AgreementState.SUSPENDED):
            state: AgreementState = item["agreement"].state
            return state
    return None


@router.post("/agreements/{agreement_id}/sign")
def agreement_sign(
    request: Request, node: NodeDep, user: UserDep, form: FormDep, agreement_id: AgreementId
) -> Response:
    version = _version(form)
    node.agreements.sign(user.actor, agreement_id, version)
    return RedirectResponse(f"/agreements/{agreement_id}", 303)


@router.post("/agreements/{agreement_id}/{move}")
def agreement_move(
    request: Request,
    node: NodeDep,
    user: UserDep,
    form: FormDep,
    agreement_id: AgreementId,
    move: Annotated[str, Path(pattern="^(activate|suspend|resume|terminate)$")],
) -> Response:
    reason = str(form.get("reason") or "").strip() or None
    try:
        node.agreements.move(user.actor, agreement_id, move, reason)
    except InvalidInput as exc:
        errors = {exc.field: exc.reason}
        kept = {"reason": reason or "", "move": move}
        return _detail(request, node, user, agreement_id, None, 422, errors, kept)
    return RedirectResponse(f"/agreements/{agreement_id}", 303)


def _version(form: FormData) -> int:
    text = str(form.get("version") or "")
    if (
        not (text.isascii() and text.isdecimal() and len(text) <= 9)
        or not 1 <= int(text) <= MAX_VERSION
    ):
        raise InvalidInput("version", text, "the version you read, a whole number")
    return int(text)
