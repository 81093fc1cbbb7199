"""Records: the list with filters, a record's page (markings, envelope,
properties, versions, who holds it and why each partner may or may not see
it), and the form that creates and edits records, generated from the
FollowTheMoney schema (``liaison.web.forms``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from liaison.api.deps import NodeDep
from liaison.api.wire import Offset
from liaison.errors import Forbidden, InvalidInput, NotFound
from liaison.model.entities import get_schema
from liaison.model.ids import record_id_for
from liaison.model.records import Record
from liaison.model.vocab import Purpose
from liaison.node import Node
from liaison.node.records import Page
from liaison.policy.decide import Use
from liaison.policy.permissions import Permission as P  # noqa: N817 - as in node/
from liaison.storage.records import RecordFilter
from liaison.web import forms
from liaison.web.labels import N_
from liaison.web.render import render
from liaison.web.session import FormDep, UserDep, WebUser

router = APIRouter()

#: What a partner would do with a record, in the words of the policy explanation's
#: choice (the policy's ``Use`` values; "push" is the federation's word for it).
USES = {
    Use.PUSH.value: N_("receive a copy from us"),
    Use.VIEW.value: N_("look at it"),
    Use.HIT_ONLY.value: N_("learn only that we hold it (hit/no-hit)"),
    Use.EXPORT.value: N_("take it out of the system (export)"),
    Use.ONWARD_SHARE.value: N_("pass it on to another agency"),
    Use.COURT_USE.value: N_("use it as evidence in court"),
    Use.COERCIVE_ALERT.value: N_("act on it (arrest, search, seizure)"),
}

PAGE = 50  # rows per page of the list
MAX_REFERENCES = 20  # referenced records looked up for one record page
RecordId = Annotated[str, Path(max_length=64)]
Filter = Annotated[str | None, Query(max_length=200)]


# --- the list ------------------------------------------------------------------------------


@router.get("/records")
def record_list(
    request: Request,
    node: NodeDep,
    user: UserDep,
    q: Filter = None,
    schema: Filter = None,
    classification: Filter = None,
    tlp: Filter = None,
    crime_area: Filter = None,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    params = dict(q=q, schema=schema, classification=classification, tlp=tlp, crime_area=crime_area)
    try:
        flt = RecordFilter.parse(schema, classification, tlp, crime_area, q or None)
        found = node.records.search(user.actor, flt, cursor, PAGE)
    except InvalidInput as exc:
        return _list_page(request, node, user, params, Page([], None), {exc.field: exc.reason})
    return _list_page(request, node, user, params, found, {})


def _list_page(
    request: Request,
    node: Node,
    user: WebUser,
    params: dict[str, str | None],
    found: Page,
    errors: dict[str, str],
) -> Response:
    return render(
        request,
        "records_list.html",
        user,
        422 if errors else 200,
        items=found.items,
        cursor=found.next_cursor,
        params={k: v for k, v in params.items() if v},
        errors=errors,
        schemata=forms.offered_schemata(),
        choices=forms.envelope_choices(),
        origins=_origins(node),
        schema_label=forms.schema_label,
    )


def _origins(node: Node) -> dict[str, str]:
    """Node id → the name shown: our own node's, or the partner's."""
    names = {row.node_id: row.name for row in node.federation.peer_rows()}
    return {**names, node.ctx.node_id: node.ctx.name}


# --- new records ---------------------------------------------------------------------------


@router.get("/records/new")
def new_record(
    request: Request, user: UserDep, schema: Annotated[str | None, Query(max_length=64)] = None
) -> Response:
    _may_write(user)
    if not schema:
        return render(request, "records_choose.html", user, schemata=forms.offered_schemata())
    chosen = get_schema(schema)
    return _form(request, user, chosen.name, {}, None, {})


@router.post("/records/new")
def create_record(request: Request, node: NodeDep, user: UserDep, form: FormDep) -> Response:
    posted = forms.posted_values(form.multi_items())
    schema = get_schema(_text(form, "schema")).name
    try:
        entity = _resolved(node, user, schema, forms.entity_from_form(schema, posted))
        record = node.records.create(user.actor, entity, forms.envelope_from_form(posted))
    except InvalidInput as exc:
        return _form(request, user, schema, posted, None, _errors(exc), 422)
    return RedirectResponse(f"/records/{record.record_id}", 303)


# --- one record ----------------------------------------------------------------------------


@router.get("/records/{record_id}")
def record_page(
    request: Request,
    node: NodeDep,
    user: UserDep,
    record_id: RecordId,
    use: Annotated[str | None, Query(max_length=40)] = None,
    purpose: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    record = node.records.get(user.actor, record_id)
    chosen_use = use or Use.PUSH.value
    chosen_purpose = purpose or _first_purpose(record)
    return render(
        request,
        "record.html",
        user,
        **_record_context(node, user, record),
        explanations=_explanations(node, user, record, chosen_use, chosen_purpose),
        disclosures=_disclosures(node, user, record),
        uses=USES,
        purposes=[p.value for p in Purpose],
        chosen={"use": chosen_use, "purpose": chosen_purpose},
    )


def _record_context(node: Node, user: WebUser, record: Record) -> dict[str, Any]:
    schema = get_schema(record.schema)
    origins = _origins(node)
    return {
        "record": record,
        "envelope": record.envelope.to_dict(),
        "own": record.envelope.originator == node.ctx.node_id,
        "origin": origins.get(record.envelope.originator, record.envelope.originator),
        "rows": forms.shown_properties(schema, record.properties),
        "refs": _references(node, user, record),
        "show": forms.display_value,
        "handling_text": forms.HANDLING_TEXT,
        "humanise": forms.humanise,
        "schema_label": forms.schema_label,
    }


def _first_purpose(record: Record) -> str:
    purposes = record.envelope.purposes
    return purposes[0].value if purposes else Purpose.CROSS_CHECK.value


def _references(node: Node, user: WebUser, record: Record) -> dict[str, tuple[str, str]]:
    """Entity references that are records this user may open: value → (record id, caption)."""
    values = [
        v
        for row in forms.shown_properties(get_schema(record.schema), record.properties)
        if row.kind == "entity"
        for v in row.values
    ]
    found: dict[str, tuple[str, str]] = {}
    for value in values[:MAX_REFERENCES]:
        target = _referenced(node, user, record.envelope.originator, value)
        if target is not None:
            found[value] = (target.record_id, target.caption)
    return found


def _referenced(node: Node, user: WebUser, originator: str, value: str) -> Record | None:
    rid = value if value.startswith("rec-") else record_id_for(originator, value)
    try:
        return node.records.get(user.actor, rid)
    except (NotFound, Forbidden):
        return None


def _explanations(
    node: Node, user: WebUser, record: Record, use: str, purpose: str
) -> list[dict[str, Any]] | None:
    """For each partner, what the policy engine would let it have, and why."""
    if not user.may(P.POLICY_EXPLAIN) or record.deleted:
        return None
    rows = []
    for peer in node.federation.peer_rows():
        found = node.policy.explain(user.actor, record.record_id, peer.node_id, use, purpose)
        rows.append({"peer": peer.name, **found.to_dict()})
    return rows


def _disclosures(node: Node, user: WebUser, record: Record) -> list[dict[str, Any]] | None:
    if not user.may(P.DISCLOSURE_READ):
        return None
    return node.federation.disclosures(user.actor, record_id=record.record_id, limit=PAGE)


# --- edit, delete, renew ------------------------------------------------------------------


@router.get("/records/{record_id}/edit")
def edit_record(request: Request, node: NodeDep, user: UserDep, record_id: RecordId) -> Response:
    record = _editable(node, user, record_id)
    values = forms.form_values(record.properties, record.envelope.to_dict())
    return _form(request, user, record.schema, values, record, {})


@router.post("/records/{record_id}/edit")
def update_record(
    request: Request, node: NodeDep, user: UserDep, form: FormDep, record_id: RecordId
) -> Response:
    record = _editable(node, user, record_id)
    posted = forms.posted_values(form.multi_items())
    version = _version(form)
    if version is None:  # without it a concurrent change would be overwritten unseen
        raise InvalidInput("version", _text(form, "version"), "the version you edited is missing")
    try:
        entity = _resolved(node, user, record.schema, forms.entity_from_form(record.schema, posted))
        envelope = forms.envelope_from_form(posted)
        node.records.update(user.actor, record_id, entity, envelope, version)
    except InvalidInput as exc:
        return _form(request, user, record.schema, posted, record, _errors(exc), 422)
    return RedirectResponse(f"/records/{record_id}", 303)


@router.post("/records/{record_id}/delete")
def delete_record(node: NodeDep, user: UserDep, form: FormDep, record_id: RecordId) -> Response:
    node.records.delete(user.actor, record_id, _text(form, "reason"), _version(form))
    return RedirectResponse(f"/records/{record_id}", 303)


@router.post("/records/{record_id}/renew")
def renew_record(node: NodeDep, user: UserDep, form: FormDep, record_id: RecordId) -> Response:
    due, justification = _text(form, "review_due"), _text(form, "justification")
    node.policy.renew(user.actor, record_id, due, justification)
    return RedirectResponse(f"/records/{record_id}", 303)


def _editable(node: Node, user: WebUser, record_id: str) -> Record:
    """The record, if this user may change it: received copies stay read-only."""
    _may_write(user)
    record = node.records.get(user.actor, record_id)
    if record.envelope.originator != node.ctx.node_id:
        raise Forbidden("a received copy is read-only; its originator changes it")
    if record.deleted:
        raise Forbidden("a deleted record cannot be changed")
    return record


# --- versions --------------------------------------------------------------------------------


@router.get("/records/{record_id}/versions")
def versions(
    request: Request,
    node: NodeDep,
    user: UserDep,
    record_id: RecordId,
    offset: Offset = 0,
) -> Response:
    history = list(reversed(node.records.history(user.actor, record_id)))  # newest first
    return render(
        request,
        "record_versions.html",
        user,
        record=history[0],
        versions=history[offset : offset + PAGE],
        total=len(history),
        limit=PAGE,
        offset=offset,
        params={},
    )


@router.get("/records/{record_id}/versions/{version}")
def version_page(
    request: Request,
    node: NodeDep,
    user: UserDep,
    record_id: RecordId,
    version: Annotated[int, Path(ge=1, le=2**31)],
) -> Response:
    record = node.records.get(user.actor, record_id, version)
    return render(request, "records_version.html", user, **_record_context(node, user, record))


# --- helpers -------------------------------------------------------------------------------------


def _form(
    request: Request,
    user: WebUser,
    schema: str,
    values: Mapping[str, Any],
    record: Record | None,
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    chosen = get_schema(schema)
    return render(
        request,
        "record_form.html",
        user,
        status,
        schema=chosen,
        fields=forms.fields_for(chosen, values),
        values=values,
        record=record,
        errors=errors,
        choices=forms.envelope_choices(),
        is_person=chosen.is_a("Person"),
    )


def _resolved(node: Node, user: WebUser, schema: str, entity: dict[str, Any]) -> dict[str, Any]:
    """References typed as record ids (``rec-…``) become the records' entity ids."""
    chosen = get_schema(schema)
    for name, values in entity["properties"].items():
        prop = chosen.get(name)
        if prop is not None and prop.type.name == "entity":
            entity["properties"][name] = [_entity_id(node, user, name, v) for v in values]
    return entity


def _entity_id(node: Node, user: WebUser, name: str, value: str) -> str:
    if not value.startswith("rec-"):
        return value
    try:
        return node.records.get(user.actor, value).entity_id
    except NotFound:
        raise InvalidInput(f"properties.{name}", value, "no record with this id") from None


def _errors(exc: InvalidInput) -> dict[str, str]:
    """The message next to the field it names (and at the top of the form)."""
    return {exc.field: exc.reason, "_top": f"{exc.field}: {exc.reason} ({exc.value})"}


def _may_write(user: WebUser) -> None:
    if not user.may(P.RECORD_WRITE):
        raise Forbidden("your role may not write records")


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _version(form: FormData) -> int | None:
    text = _text(form, "version")
    if not text.isdecimal() or not text.isascii() or len(text) > 9:
        return None
    return int(text)
