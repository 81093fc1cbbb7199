"""Notices and diffusions (issue 22): ours and the partners' we hold, drafting one
from the kind's fields in the catalogue, one notice with its review, history,
disclosure register and thread, the moves the viewer's role and the notice's
state allow, and the border check (hit/no-hit on identifier lists). Every step
calls ``node.notices`` as the API routes do; a refusal re-renders the form with
the field it names."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from liaison.api.deps import NodeDep
from liaison.api.wire import Offset
from liaison.diffusion.compliance import MIN_JUSTIFICATION
from liaison.diffusion.drafts import DraftRejected
from liaison.diffusion.kinds import FieldType, RequestKind, field_spec, request_type
from liaison.diffusion.lifecycle import MIN_REASON, State
from liaison.diffusion.responses import MIN_TEXT, Ground
from liaison.errors import Conflict, Forbidden, InvalidInput
from liaison.model.roles import Language
from liaison.node import Node
from liaison.node.diffusion import NoticeView
from liaison.policy.permissions import Permission as P  # noqa: N817 - as in node/
from liaison.web.forms import envelope_choices, posted_values
from liaison.web.labels import N_
from liaison.web.pages.hits import partners
from liaison.web.render import render
from liaison.web.session import FormDep, UserDep, WebUser

router = APIRouter()
NoticeId = Annotated[str, Path(pattern=r"^ntc-[0-9a-f]{32}$")]

PAGE = 50
STATES = tuple(s.value for s in State)
KINDS = tuple(k.value for k in RequestKind)
CHECK_KINDS = ("passport", "id_number", "vehicle", "imo", "mmsi")
CHECK_ROWS = 5
LANGUAGES = tuple(lang.value for lang in Language)
Errors = dict[str, str]

#: What each field of the catalogue is called on the form (message ids).
FIELD_LABELS = {
    "charge": N_("Charge"),
    "warrant_reference": N_("Warrant reference"),
    "warrant_date": N_("Warrant date"),
    "issuing_authority": N_("Issuing authority"),
    "summary_of_facts": N_("Summary of facts"),
    "penalty": N_("Penalty"),
    "legal_references": N_("Legal references"),
    "extradition_intent": N_("We undertake to request extradition once the person is located"),
    "information_sought": N_("Information sought"),
    "reason_for_warning": N_("Reason for the warning"),
    "convictions": N_("Earlier convictions"),
    "threat_description": N_("The threat"),
    "threat_until": N_("Threat expected to pass on"),
    "disappearance_date": N_("Date of disappearance"),
    "disappearance_place": N_("Place last seen"),
    "discovery_date": N_("Date found"),
    "discovery_place": N_("Place found"),
    "circumstances": N_("Circumstances"),
    "modus_operandi": N_("Method"),
    "loss_date": N_("Date stolen or lost"),
    "loss_report_reference": N_("Police report reference"),
    "asset_description": N_("Assets sought"),
    "sanctions_committee": N_("Sanctions committee"),
    "sanctions_reference": N_("Listing reference"),
    "sanctions_measures": N_("Measures"),
    "notes": N_("Notes"),
    # the values of the two closed lists
    "identity": N_("identity"),
    "location": N_("location"),
    "activities": N_("activities"),
    "asset_freeze": N_("asset freeze"),
    "travel_ban": N_("travel ban"),
    "arms_embargo": N_("arms embargo"),
}


@dataclass(frozen=True)
class FieldInput:
    """One field of a kind, as the draft form shows it."""

    key: str  # the form name and the error's path: fields.<name>
    name: str
    type: str  # text | narrative | list | date | confirm | choices
    required: bool
    reference: bool  # a legal reference
    values: tuple[str, ...]


def field_inputs(kind: str) -> list[FieldInput]:
    """The kind's fields from the catalogue, required ones first (pure)."""
    try:
        rt = request_type(RequestKind(kind))
    except ValueError:
        return []
    names = [*rt.required, *rt.allowed]
    return [_input(name, name in rt.required, name in rt.references) for name in names]


def _input(name: str, required: bool, reference: bool) -> FieldInput:
    spec = field_spec(name)
    values = tuple(sorted(spec.values))
    return FieldInput(f"fields.{name}", name, spec.type.value, required, reference, values)


def draft_of(posted: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """The draft ``node.notices`` takes, from the posted form (pure): empty fields are
    left out, lists are one item per line, the undertaking counts when ticked."""
    kind = _one(posted, "kind")
    fields = {f.name: v for f in field_inputs(kind) if (v := _value(f, posted)) is not None}
    mode = _one(posted, "distribution.mode") or "publication"
    distribution: dict[str, Any] = {"mode": mode}
    if mode != "publication":
        distribution["recipients"] = _many(posted, "distribution.recipients")
    return {
        "kind": kind,
        "subjects": _lines(posted, "subjects"),
        "fields": fields,
        "markings": _markings(posted),
        "evaluation": _evaluation(posted),
        "distribution": distribution,
        "releases": _many(posted, "releases"),
        "language": _one(posted, "language") or "en",
    }


def _value(f: FieldInput, posted: Mapping[str, Sequence[str]]) -> Any:
    if f.type == FieldType.CONFIRM.value:
        return True if _one(posted, f.key) else None
    if f.type == FieldType.LIST.value:
        return _lines(posted, f.key) or None
    if f.type == FieldType.CHOICES.value:
        return _many(posted, f.key) or None
    return _one(posted, f.key) or None


def _markings(posted: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    names = ("classification", "tlp", "pap", "h3_text")
    found: dict[str, Any] = {k: v for k in names if (v := _one(posted, f"markings.{k}"))}
    handling = _many(posted, "markings.handling")
    return {**found, "handling": handling} if handling else found


def _evaluation(posted: Mapping[str, Sequence[str]]) -> dict[str, str] | None:
    parts = {p: _one(posted, f"evaluation.{p}") for p in ("scheme", "source", "information")}
    return parts if any(parts.values()) else None


def _one(posted: Mapping[str, Sequence[str]], key: str) -> str:
    values = [v.strip() for v in posted.get(key, ()) if v.strip()]
    return values[0] if values else ""


def _many(posted: Mapping[str, Sequence[str]], key: str) -> list[str]:
    return list(dict.fromkeys(v.strip() for v in posted.get(key, ()) if v.strip()))


def _lines(posted: Mapping[str, Sequence[str]], key: str) -> list[str]:
    return _many({key: [line for v in posted.get(key, ()) for line in v.splitlines()]}, key)


def form_of(draft: Mapping[str, Any]) -> dict[str, list[str]]:
    """A stored draft back as form values, to edit it or amend the notice (pure)."""
    out: dict[str, list[str]] = {
        "kind": [draft["kind"]],
        "subjects": ["\n".join(draft.get("subjects") or [])],
        "language": [draft.get("language") or "en"],
        "releases": list(draft.get("releases") or []),
        "distribution.mode": [draft["distribution"]["mode"]],
        "distribution.recipients": list(draft["distribution"].get("recipients") or []),
    }
    for name, value in (draft.get("fields") or {}).items():
        out[f"fields.{name}"] = _as_form(value, field_spec(name).type)
    for name, value in (draft.get("markings") or {}).items():
        if value:
            out[f"markings.{name}"] = list(value) if isinstance(value, list) else [str(value)]
    for name, value in (draft.get("evaluation") or {}).items():
        out[f"evaluation.{name}"] = [str(value)]
    return out


def _as_form(value: Any, kind: FieldType) -> list[str]:
    if kind is FieldType.CONFIRM:
        return ["true"] if value else []
    if kind is FieldType.LIST:
        return ["\n".join(value)]
    if kind is FieldType.CHOICES:
        return list(value)
    return [str(value)]


def errors_of(exc: InvalidInput) -> Errors:
    """Every problem of a refused draft by the form field it concerns: which value,
    and why (``subjects[2]`` and ``subjects.2`` are the subjects field)."""
    problems = exc.problems if isinstance(exc, DraftRejected) else [exc]
    out: Errors = {}
    for p in problems:
        key = _form_key(str(p.field))
        value = str(p.value) if p.value not in (None, "", "None") else ""
        said = f"{p.reason} ({value})" if value and value != key else str(p.reason)
        out[key] = f"{out[key]}; {said}" if key in out else said
    return out


def _form_key(field: str) -> str:
    head = field.split("[")[0]
    if head.startswith("subjects"):
        return "subjects"
    if head.startswith("distribution.recipients"):
        return "distribution.recipients"
    if head.startswith(("markings.", "evaluation.")):
        return ".".join(head.split(".")[:2])
    return head if head in _FORM_KEYS or head.startswith("fields.") else "draft"


_FORM_KEYS = frozenset(
    {"kind", "subjects", "markings", "evaluation", "distribution", "distribution.mode"}
    | {"releases", "language", "fields"}
)


# --- the lists ------------------------------------------------------------------------


def default_box(user: WebUser) -> Literal["in", "out"]:
    """Those who answer partners land on the received notices; the others on ours."""
    return "in" if user.may(P.NOTICE_RESPOND) and not user.may(P.NOTICE_APPROVE) else "out"


@router.get("/notices")
def notices(
    request: Request,
    node: NodeDep,
    user: UserDep,
    box: Annotated[Literal["in", "out"] | None, Query()] = None,
    state: Annotated[str, Query(max_length=16)] = "",
    renewal: Annotated[bool, Query()] = False,
    offset: Offset = 0,
) -> Response:
    chosen = box or default_box(user)
    due = renewal and chosen == "out"  # only our own notices are renewed
    params: dict[str, Any] = {"box": chosen, "state": state}
    if due:
        params["renewal"] = "true"
    status, errors, found = 200, {}, []
    try:
        page = node.notices.page(user.actor, chosen, state or None, PAGE + 1, offset, due)
        found = page.notices
    except InvalidInput as exc:
        status, errors = 422, {exc.field: exc.reason}
    return render(
        request,
        "notices.html",
        user,
        status,
        items=found[:PAGE],
        more=len(found) > PAGE,
        offset=offset,
        page_size=PAGE,
        params=params,
        states=STATES,
        errors=errors,
    )


# --- drafting ---------------------------------------------------------------------------


@router.get("/notices/new")
def new_notice(
    request: Request,
    node: NodeDep,
    user: UserDep,
    kind: Annotated[str, Query(max_length=32)] = "",
    subject: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    _require(user, P.NOTICE_DRAFT)
    given = {"kind": [kind], "subjects": [subject], "language": [user.language.value]}
    return _drafting(request, node, user, given, "/notices")


def _require(user: WebUser, permission: P) -> None:
    if not user.may(permission):
        raise Forbidden(f"the role {user.actor.role.value} may not do this")


def _drafting(
    request: Request,
    node: Node,
    user: WebUser,
    given: Mapping[str, Sequence[str]],
    action: str,
    status: int = 200,
    errors: Errors | None = None,
    notice: NoticeView | None = None,
) -> Response:
    kind = _one(given, "kind")
    return render(
        request,
        "notices_new.html",
        user,
        status,
        given=given,
        kind=kind,
        kinds=KINDS,
        inputs=field_inputs(kind),
        choices=envelope_choices(),
        partners=_partners(node, user),
        languages=LANGUAGES,
        action=action,
        notice=notice,
        errors=errors or {},
        field_labels=FIELD_LABELS,
    )


def _partners(node: Node, user: WebUser) -> list[Any]:
    try:
        agreements = node.agreements.all(user.actor)
    except Forbidden:
        return []
    return partners(agreements, node.ctx.node_id, node.ctx.now().date())


@router.post("/notices")
def draft_notice(request: Request, node: NodeDep, user: UserDep, form: FormDep) -> Response:
    """Keep a new draft; then its page (where it is submitted to the review)."""
    given = posted_values(form.multi_items())
    if form.get("choose"):  # the kind was changed: the form again with its fields
        return _drafting(request, node, user, given, "/notices")
    try:
        made = node.notices.draft(user.actor, draft_of(given))
    except InvalidInput as exc:
        return _drafting(request, node, user, given, "/notices", 422, errors_of(exc))
    return RedirectResponse(f"/notices/{made.summary.notice_id}", 303)


@router.get("/notices/{notice_id}/edit")
def edit_form(request: Request, notice_id: NoticeId, node: NodeDep, user: UserDep) -> Response:
    """The draft's form again: an edit in draft, an amendment once issued."""
    _require(user, P.NOTICE_DRAFT)
    shown = node.notices.show(user.actor, notice_id)
    if shown.draft is None:
        raise Conflict(f"notice {notice_id} is a partner's: only its originator changes it")
    draft = shown.pending["draft"] if shown.pending else shown.draft
    action = f"/notices/{notice_id}/edit"
    return _drafting(request, node, user, form_of(draft), action, notice=shown)


@router.post("/notices/{notice_id}/edit")
def edit(
    request: Request, notice_id: NoticeId, node: NodeDep, user: UserDep, form: FormDep
) -> Response:
    given = posted_values(form.multi_items())
    shown = node.notices.show(user.actor, notice_id)
    action = f"/notices/{notice_id}/edit"
    if form.get("choose"):
        return _drafting(request, node, user, given, action, notice=shown)
    change = node.notices.edit if shown.summary.state == "draft" else node.notices.propose_amendment
    try:
        change(user.actor, notice_id, draft_of(given))
    except (InvalidInput, Conflict) as exc:
        errors = errors_of(exc) if isinstance(exc, InvalidInput) else {"draft": str(exc)}
        return _drafting(request, node, user, given, action, 422, errors, shown)
    return RedirectResponse(f"/notices/{notice_id}", 303)


# --- the border check -----------------------------------------------------------------


@router.get("/notices/check")
def check_form(request: Request, user: UserDep) -> Response:
    _require(user, P.NOTICE_CHECK)
    rows = [{"kind": "passport", "value": ""}] + [{"kind": "", "value": ""}] * (CHECK_ROWS - 1)
    return _checking(request, user, rows)


def _checking(
    request: Request,
    user: WebUser,
    rows: Sequence[Mapping[str, str]],
    results: Sequence[Any] = (),
    status: int = 200,
    errors: Errors | None = None,
) -> Response:
    return render(
        request,
        "notices_check.html",
        user,
        status,
        rows=rows,
        kinds=CHECK_KINDS,
        results=results,
        errors=errors or {},
    )


def asked_of(form: FormData) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The rows of the check form, and those filled in (pure)."""
    rows = []
    for i in range(CHECK_ROWS):
        rows.append(
            {
                "kind": str(form.get(f"identifiers.{i}.kind") or ""),
                "value": str(form.get(f"identifiers.{i}.value") or "").strip(),
            }
        )
    return rows, [r for r in rows if r["value"]]


@router.post("/notices/check")
def check(request: Request, node: NodeDep, user: UserDep, form: FormDep) -> Response:
    rows, asked = asked_of(form)
    filled = [i for i, r in enumerate(rows) if r["value"]]
    try:
        results = node.notices.check(user.actor, asked)
    except InvalidInput as exc:
        return _checking(request, user, rows, (), 422, {_row_key(exc.field, filled): exc.reason})
    return _checking(request, user, rows, results)


def _row_key(field: str, filled: Sequence[int]) -> str:
    """``identifiers.1.value`` of what was sent is the form's row of the second filled one."""
    parts = field.split(".")
    if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(filled):
        return f"identifiers.{filled[int(parts[1])]}.{parts[2]}"
    return "identifiers"


# --- one notice -----------------------------------------------------------------------


@router.get("/notices/{notice_id}")
def notice(request: Request, notice_id: NoticeId, node: NodeDep, user: UserDep) -> Response:
    return _detail(request, node, user, notice_id)


def _detail(
    request: Request,
    node: Node,
    user: WebUser,
    notice_id: str,
    status: int = 200,
    errors: Errors | None = None,
    posted: Mapping[str, str] | None = None,
) -> Response:
    shown = node.notices.show(user.actor, notice_id)
    return render(
        request,
        "notice.html",
        user,
        status,
        n=shown,
        s=shown.summary,
        forms=forms_for(user, shown),
        overdue=[d for d in shown.deadlines if d.overdue],
        receivers=sorted({e.receiver for e in shown.thread if e.author == e.receiver}),
        names={h.node_id: h.name for h in shown.holders},
        errors=errors or {},
        posted={**dict.fromkeys(POSTED, ""), **(posted or {})},
        grounds=[g.value for g in Ground],
        field_labels=FIELD_LABELS,
        min_reason=MIN_REASON,
        min_text=MIN_TEXT,
        min_justification=MIN_JUSTIFICATION,
    )


POSTED = ("move", "reason", "kind", "ground", "text", "receiver")
#: The moves with a reason, and the permission each needs (the service checks again).
REASONED = ("send_back", "suspend", "resume", "renew", "cancel")
PLAIN = ("submit", "approve", "issue")


def forms_for(user: WebUser, shown: NoticeView) -> list[str]:
    """The action forms this viewer may use on this notice now (pure)."""
    if shown.draft is None:
        return ["respond"] if "respond" in shown.moves and user.may(P.NOTICE_RESPOND) else []
    moves = set(shown.moves)
    out: list[str] = []
    if user.may(P.NOTICE_DRAFT):
        out += [m for m in ("submit", "edit") if m in moves]
        out += ["amend"] if "amend" in moves and not shown.pending else []
    if user.may(P.NOTICE_OVERRIDE) and "override" in moves:
        out.append("override")
    if user.may(P.NOTICE_APPROVE):
        out += [m for m in ("approve", "issue") if m in moves]
        out += ["approve_amendment"] if shown.pending else []
        out += [m for m in REASONED if m in moves]
    if user.may(P.NOTICE_RESPOND) and any(e.author == e.receiver for e in shown.thread):
        out.append("confirm")
    return out


def _moves(node: Node) -> dict[str, Callable[..., Any]]:
    n = node.notices
    return {
        "submit": n.submit,
        "approve": n.approve,
        "issue": n.issue,
        "override": n.override,
        "approve_amendment": n.approve_amendment,
        **{m: getattr(n, m) for m in REASONED},
    }


@router.post("/notices/{notice_id}/move")
def move(
    request: Request, notice_id: NoticeId, node: NodeDep, user: UserDep, form: FormDep
) -> Response:
    """One move on our notice; the reason or justification when it takes one."""
    chosen = str(form.get("move") or "")
    text = str(form.get("reason") or "")
    posted = {"move": chosen, "reason": text}
    step = _moves(node).get(chosen)
    if step is None:
        errors = {"move": f"not a move: {chosen!r}"}
        return _detail(request, node, user, notice_id, 422, errors, posted)
    args = () if chosen in PLAIN else (text,)
    try:
        step(user.actor, notice_id, *args)
    except (InvalidInput, Conflict) as exc:
        return _detail(request, node, user, notice_id, _status(exc), _said(exc), posted)
    return RedirectResponse(f"/notices/{notice_id}", 303)


def _status(exc: Exception) -> int:
    return 422 if isinstance(exc, InvalidInput) else 409


def _said(exc: InvalidInput | Conflict) -> Errors:
    if isinstance(exc, InvalidInput):
        key = "reason" if exc.field in ("reason", "justification", "text") else exc.field
        return {key: str(exc.reason)}
    return {"move": str(exc)}


@router.post("/notices/{notice_id}/respond")
def respond(
    request: Request, notice_id: NoticeId, node: NodeDep, user: UserDep, form: FormDep
) -> Response:
    """A response in a partner's notice's thread, or our confirmation of a receiver's."""
    posted = {k: str(form.get(k) or "") for k in ("kind", "ground", "text", "receiver")}
    try:
        node.notices.respond(
            user.actor,
            notice_id,
            posted["kind"],
            posted["ground"] or None,
            posted["text"] or None,
            posted["receiver"] or None,
        )
    except (InvalidInput, Conflict) as exc:
        errors = {exc.field: str(exc.reason)} if isinstance(exc, InvalidInput) else _said(exc)
        return _detail(request, node, user, notice_id, _status(exc), errors, posted)
    return RedirectResponse(f"/notices/{notice_id}", 303)
