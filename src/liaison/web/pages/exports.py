"""Spreadsheet and STIX export from the records list.

The records of the list's filters (and, if named, of one originator: an
agency's name or node id) that may leave the node, as CSV or XLSX, through
``TransferService.export_sheet``, or as a STIX 2.1 bundle, through
``StixService.export_bundle``: each record decided for ``Use.EXPORT`` and
the export audited as every export is. The file is made at once and held for
its owner (``liaison.web.held``) behind a page that says how many records it
holds and, when the policy withheld some, how many and why; the page links to
the download. The form is posted with the session's CSRF token.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated

import orjson
from fastapi import APIRouter, Path, Query, Request
from starlette.responses import RedirectResponse, Response

from liaison.api.deps import NodeDep
from liaison.errors import Forbidden, InvalidInput
from liaison.node import Node, Why
from liaison.node.stix import MEDIA_TYPE as STIX_MEDIA_TYPE
from liaison.node.transfer import ExportReport, SheetKind
from liaison.policy.permissions import Permission as P  # noqa: N817 - as in node/
from liaison.storage.records import RecordFilter
from liaison.web import forms
from liaison.web.held import Held, HeldFiles
from liaison.web.labels import N_
from liaison.web.render import render
from liaison.web.session import FormDep, UserDep, WebUser

router = APIRouter()

FILTERS = {  # the form's filters, with the label the export page names them by
    "q": N_("Name contains"),
    "schema": N_("Type"),
    "classification": N_("Classification"),
    "tlp": "TLP",
    "crime_area": N_("Crime area"),
    "originator": N_("Originator (agency)"),
}
WITHHELD_SHOWN = 50  # withheld records listed on the page (the reasons cover them all)
Filter = Annotated[str | None, Query(max_length=200)]
HeldId = Annotated[str, Path(max_length=64)]


@dataclass(frozen=True)
class Exported:
    """What the page knows of a held export: its form, what it holds, what it left out."""

    kind: str  # csv, xlsx or stix
    media_type: str
    report: ExportReport
    filters: dict[str, str]


_REGISTRY = threading.Lock()


def exports(request: Request, node: Node) -> HeldFiles:
    """This app's held exports, made on first use (``create_app`` stays side-effect free)."""
    state = request.app.state
    with _REGISTRY:
        if not hasattr(state, "exports"):
            state.exports = HeldFiles("export", node.ctx.now)
        found: HeldFiles = state.exports
    return found


def _require(user: WebUser) -> None:
    if not user.may(P.RECORD_EXPORT):
        raise Forbidden(f"your role may not {P.RECORD_EXPORT.value}")


@router.get("/exports")
def export_form(
    request: Request,
    node: NodeDep,
    user: UserDep,
    q: Filter = None,
    schema: Filter = None,
    classification: Filter = None,
    tlp: Filter = None,
    crime_area: Filter = None,
    originator: Filter = None,
) -> Response:
    _require(user)
    values = dict(
        q=q,
        schema=schema,
        classification=classification,
        tlp=tlp,
        crime_area=crime_area,
        originator=originator,
    )
    return _form_page(request, node, user, {k: v or "" for k, v in values.items()}, {})


def _form_page(
    request: Request,
    node: Node,
    user: WebUser,
    values: Mapping[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    return render(
        request,
        "export.html",
        user,
        status,
        values=values,
        errors=errors,
        schemata=forms.offered_schemata(),
        choices=forms.envelope_choices(),
        agencies=[node.ctx.name, *sorted(row.name for row in node.federation.peer_rows())],
        exported=None,
    )


@router.post("/exports")
def export_post(request: Request, node: NodeDep, user: UserDep, form: FormDep) -> Response:
    _require(user)
    values = {key: str(form.get(key) or "").strip()[:200] for key in (*FILTERS, "format")}
    why = Why(str(form.get("purpose") or "").strip()[:200] or None)
    try:
        name, content, state = _made(node, user, values, why)
    except InvalidInput as exc:
        field = exc.field if exc.field in (*FILTERS, "format") else "q"
        return _form_page(request, node, user, values, {field: exc.reason}, 422)
    held = exports(request, node).put(user.actor.username, name, content, state)
    return RedirectResponse(f"/exports/{held.id}", 303)


def _made(
    node: Node, user: WebUser, values: Mapping[str, str], why: Why
) -> tuple[str, bytes, Exported]:
    """The file of the form's format, its name, and what the page says of it."""
    chosen = values["format"] or "csv"
    if chosen not in ("csv", "xlsx", "stix"):
        raise InvalidInput("format", chosen, "must be csv, xlsx or stix")
    flt = _filter(node, values)
    if chosen == "stix":
        stix = node.stix.export_bundle(user.actor, flt, why)
        state = Exported("stix", STIX_MEDIA_TYPE, stix.report, dict(values))
        return stix.filename, orjson.dumps(stix.bundle), state
    sheet = node.transfer.export_sheet(user.actor, flt, SheetKind(chosen), why)
    state = Exported(sheet.kind.value, sheet.media_type, sheet.report, dict(values))
    return sheet.filename, sheet.content, state


def _filter(node: Node, values: Mapping[str, str]) -> RecordFilter:
    origin = values["originator"]
    return RecordFilter.parse(
        values["schema"] or None,
        values["classification"] or None,
        values["tlp"] or None,
        values["crime_area"] or None,
        values["q"] or None,
        False,
        node.transfer.originator_id(origin) if origin else None,
    )


def _held(request: Request, node: Node, user: WebUser, held_id: str) -> tuple[Held, Exported]:
    _require(user)
    held = exports(request, node).get(held_id, user.actor.username)
    assert isinstance(held.state, Exported)
    return held, held.state


@router.get("/exports/{held_id}")
def export_page(request: Request, node: NodeDep, user: UserDep, held_id: HeldId) -> Response:
    held, exported = _held(request, node, user, held_id)
    return render(
        request,
        "export.html",
        user,
        held=held,
        exported=exported,
        reasons=reasons(exported.report),
        withheld=exported.report.withheld[:WITHHELD_SHOWN],
        described=[(FILTERS[k], v) for k, v in exported.filters.items() if v and k in FILTERS],
    )


def reasons(report: ExportReport) -> list[tuple[str, int]]:
    """Each reason the policy gave for withholding, with how many records it held back."""
    counted = Counter(reason for w in report.withheld for reason in w.reasons)
    return sorted(counted.items(), key=lambda pair: (-pair[1], pair[0]))


@router.get("/exports/{held_id}/file", response_class=Response)
def export_file(request: Request, node: NodeDep, user: UserDep, held_id: HeldId) -> Response:
    held, exported = _held(request, node, user, held_id)
    headers = {
        "Content-Disposition": f'attachment; filename="{held.name}"',
        "X-Liaison-Exported": str(exported.report.exported),
        "X-Liaison-Withheld": str(len(exported.report.withheld)),
    }
    return Response(held.data, media_type=exported.media_type, headers=headers)
