"""Spreadsheet import in four steps: upload, mapping, preview, import.

``/import`` takes a CSV or XLSX file (at most ``LIAISON_WEB_IMPORT_MAX_BYTES``)
with what the user knows about it: the schema of its rows, the delimiter, the
order its dates are written in, the country of its local phone numbers, and
the markings and crime area every record gets. The file is held in the
node's memory between the steps (``liaison.web.held``: per user, bounded,
forgotten after an hour, named by an unguessable id), never sent back in a
form. The mapping step pairs each header column with a property of the
schema. The preview is a dry run in a background job
(``TransferService.check_items``): the first lines as they would be stored
and every line that would be rejected, with nothing written. The import runs
in a background job too (``TransferService.import_items``), with a progress
bar, and ends in its report. The file is read by the importer's own readers
(``node.sources``); every step is a form with the session's CSRF token.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import phonenumbers
from fastapi import APIRouter, Path, Request
from followthemoney.types import registry as ftm_types
from starlette.datastructures import FormData, UploadFile
from starlette.responses import RedirectResponse, Response

from liaison.api.deps import NodeDep
from liaison.api.wire import Offset
from liaison.errors import Forbidden, InvalidInput, LiaisonError, NotFound
from liaison.model.entities import get_schema
from liaison.model.markings import Classification
from liaison.model.roles import Actor
from liaison.node import Node, Why
from liaison.node.spreadsheet import SheetOptions
from liaison.node.transfer import ImportCheck, ImportReport
from liaison.policy.permissions import Permission as P  # noqa: N817 - as in node/
from liaison.web import forms, sheets
from liaison.web.held import Held, HeldFiles
from liaison.web.jobs import Job, Jobs
from liaison.web.labels import N_
from liaison.web.render import render
from liaison.web.session import FormDep, UserDep, WebUser
from liaison.web.sheets import Draft

router = APIRouter()
logger = logging.getLogger(__name__)

SHOWN = 10  # lines of the preview, as they would be stored
PAGE = 100  # rejected lines per page
HELD_SHOWN = 100  # records held for review listed in the report
TICK = 100  # lines between two progress updates

DELIMITERS = {
    "auto": N_("recognised from the header line"),
    ",": N_("comma (,)"),
    ";": N_("semicolon (;)"),
    "tab": N_("tab"),
    "|": N_("vertical bar (|)"),
}
DATE_ORDERS = {
    "": N_("as written (1980-12-31)"),
    "dmy": N_("day/month/year (31/12/1980)"),
    "mdy": N_("month/day/year (12/31/1980)"),
    "ymd": N_("year/month/day (1980/12/31)"),
}
UPLOAD_FIELDS = (
    "schema",
    "delimiter",
    "date_order",
    "phone_country",
    "markings.tlp",
    "markings.classification",
    "crime_area",
)

HeldId = Annotated[str, Path(max_length=64)]
T = TypeVar("T")


# --- the registries (made on first use, so ``create_app`` stays side-effect free) --------


_REGISTRY = threading.Lock()


def _state(request: Request, name: str, make: Callable[[], T]) -> T:
    state = request.app.state
    with _REGISTRY:
        if not hasattr(state, name):
            setattr(state, name, make())
        found: T = getattr(state, name)
    return found


def uploads(request: Request, node: Node) -> HeldFiles:
    return _state(request, "import_uploads", lambda: HeldFiles("upload", node.ctx.now))


def import_jobs(request: Request, node: Node) -> Jobs:
    return _state(request, "import_jobs", lambda: Jobs(node.ctx.now, kind="import"))


def _require(user: WebUser) -> None:
    if not user.may(P.RECORD_IMPORT):
        raise Forbidden(f"your role may not {P.RECORD_IMPORT.value}")


def _held(request: Request, node: Node, user: WebUser, held_id: str) -> tuple[Held, Draft]:
    _require(user)
    held = uploads(request, node).get(held_id, user.actor.username)
    assert isinstance(held.state, Draft)
    return held, held.state


# --- the work in background threads -------------------------------------------------------


class Ticker:
    """A progress callback that updates the job once every ``TICK`` lines."""

    def __init__(self, jobs: Jobs, job: str) -> None:
        self.jobs, self.job, self.pending = jobs, job, 0

    def __call__(self, lines: int) -> None:
        self.pending += lines
        if self.pending >= TICK:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.jobs.advance(self.job, self.pending)
            self.pending = 0


def work(jobs: Jobs, job: str, run: Callable[[Ticker], object], what: str) -> None:
    """A job's thread: run, keep the result (or the error) and finish the job."""
    tick = Ticker(jobs, job)
    try:
        result = run(tick)
    except LiaisonError as exc:
        jobs.finish(job, exc.message)
    except Exception:  # a thread has no caller to raise to: record it and end the job
        logger.exception("%s job failed", what)
        jobs.finish(job, f"the {what} failed; the node's log has the details")
    else:
        tick.flush()
        jobs.advance(job, 0, [result])
        jobs.finish(job)


def _start(target: Callable[..., None], *args: Any) -> None:
    threading.Thread(target=target, args=args, name="liaison-import", daemon=True).start()


def _check(node: Node, actor: Actor, jobs: Jobs, job: str, draft: Draft, data: bytes) -> None:
    assert draft.mapping is not None
    items = sheets.items_of(draft, data, draft.mapping)

    def run(tick: Ticker) -> ImportCheck:
        return node.transfer.check_items(actor, items, draft.envelope, tick, SHOWN)

    work(jobs, job, run, "dry run")


def _import(
    node: Node, actor: Actor, jobs: Jobs, job: str, held: Held, draft: Draft, why: Why
) -> None:
    assert draft.mapping is not None
    items = sheets.items_of(draft, held.data, draft.mapping)
    source = f"upload:{held.name}"

    def run(tick: Ticker) -> ImportReport:
        transfer = node.transfer
        return transfer.import_items(actor, items, draft.envelope, False, tick, source, why)

    work(jobs, job, run, "import")


# --- step 1: the upload -------------------------------------------------------------------


@router.get("/import")
def import_form(request: Request, node: NodeDep, user: UserDep) -> Response:
    _require(user)
    return _upload_page(request, node, user, {"delimiter": "auto"}, {})


def _upload_page(
    request: Request,
    node: Node,
    user: WebUser,
    values: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    choices = forms.envelope_choices()
    clearance = user.actor.clearance
    levels = [c for c in choices["classification"] if Classification[c.value] <= clearance]
    return render(
        request,
        "import.html",
        user,
        status,
        values=values,
        errors=errors,
        schemata=[(s.name, str(s.label)) for s in forms.offered_schemata()],
        delimiters=list(DELIMITERS.items()),
        date_orders=list(DATE_ORDERS.items()),
        countries=phone_countries(),
        tlps=_pairs(choices["tlp"]),
        levels=_pairs(levels),
        crime_areas=_pairs(choices["crime_area"]),
        limit=node.ctx.settings.web_import_max_bytes,
    )


def _pairs(choices: list[forms.Choice]) -> list[tuple[str, str]]:
    return [(c.value, c.label) for c in choices]


def phone_countries() -> list[tuple[str, str]]:
    """(code, name) of the countries whose phone numbers can be read, by name."""
    names: dict[str, str] = ftm_types.country.names
    found = [
        (code.upper(), str(name))
        for code, name in names.items()
        if code.upper() in phonenumbers.SUPPORTED_REGIONS
    ]
    return sorted(found, key=lambda pair: pair[1].casefold())


@router.post("/import")
def import_upload(request: Request, node: NodeDep, user: UserDep, form: FormDep) -> Response:
    _require(user)
    values = {key: str(form.get(key) or "")[:100] for key in UPLOAD_FIELDS}
    limit = node.ctx.settings.web_import_max_bytes
    try:
        name, data = _uploaded(form.get("file"), limit)
        draft = _draft(node, user, values, name, data)
    except InvalidInput as exc:
        errors = {_upload_field(exc.field): exc.reason}
        return _upload_page(request, node, user, values, errors, 422)
    held = uploads(request, node).put(user.actor.username, name, data, draft)
    return RedirectResponse(f"/import/{held.id}/mapping", 303)


def _uploaded(upload: Any, limit: int) -> tuple[str, bytes]:
    """The uploaded file's name and bytes (one more than allowed tells it is too large)."""
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise InvalidInput("file", "", "choose a CSV or XLSX file to upload")
    with upload.file:  # the form's spooled file: nobody else closes it
        data = upload.file.read(limit + 1)
    if len(data) > limit:
        reason = f"is larger than {_size(limit)}; split it into smaller files"
        raise InvalidInput("file", upload.filename, reason)
    return upload.filename[:200], data


def _size(limit: int) -> str:
    megabytes = limit / (1024 * 1024)
    return f"{megabytes:g} MB" if megabytes >= 1 else f"{limit} bytes"


def _draft(node: Node, user: WebUser, values: dict[str, str], name: str, data: bytes) -> Draft:
    """The upload read: its options checked, its header and lines counted."""
    schema = get_schema(values["schema"] or "Person").name
    options = SheetOptions.parse(
        values["delimiter"], values["date_order"] or None, values["phone_country"] or None
    )
    envelope = _defaults(node, user, values)
    kind = sheets.sheet_kind(name, data)
    header, lines, examples = sheets.read_sheet(kind, data, options)
    return Draft(kind, schema, options, envelope, header, lines, examples)


def _defaults(node: Node, user: WebUser, values: dict[str, str]) -> dict[str, Any]:
    """The envelope every imported record gets, checked before any line is read."""
    markings = {
        "tlp": values["markings.tlp"] or None,
        "classification": values["markings.classification"] or None,
    }
    envelope: dict[str, Any] = {
        "markings": {k: v for k, v in markings.items() if v},
        "crime_area": values["crime_area"] or None,
    }
    envelope = {k: v for k, v in envelope.items() if v}
    parsed = node.records.builder.parse_envelope(envelope)
    level = parsed.markings.classification or Classification.UNCLASSIFIED
    if level > user.actor.clearance:
        raise InvalidInput("markings.classification", level.name, "above your clearance")
    return envelope


def _upload_field(field: str) -> str:
    """The form field an error is about (``schema`` may come as ``entity.schema``)."""
    if field in UPLOAD_FIELDS:
        return field
    return "schema" if field.endswith("schema") else "file"


# --- step 2: the mapping ------------------------------------------------------------------


@router.get("/import/{held_id}/mapping")
def mapping_form(request: Request, node: NodeDep, user: UserDep, held_id: HeldId) -> Response:
    held, draft = _held(request, node, user, held_id)
    return _mapping_page(request, user, held, draft, _chosen(draft), {})


def _chosen(draft: Draft) -> dict[str, str]:
    """The form's values: as last posted, else the guesses from the column names."""
    if draft.chosen:
        return draft.chosen
    options = sheets.property_options(get_schema(draft.schema))
    chosen = {f"column.{i}": name for i, name in sheets.guesses(draft.header, options).items()}
    found = sheets.id_guess(draft.header)
    return chosen | ({"id_column": str(found)} if found is not None else {})


def _mapping_page(
    request: Request,
    user: WebUser,
    held: Held,
    draft: Draft,
    chosen: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    return render(
        request,
        "import_mapping.html",
        user,
        status,
        held=held,
        draft=draft,
        chosen=chosen,
        errors=errors,
        options=sheets.property_options(get_schema(draft.schema)),
        blocked=sheets.unmappable(draft.header),
        schema_label=forms.schema_label,
        delimiter=DELIMITERS[_delimiter_key(draft.options.delimiter)],
        date_order=DATE_ORDERS[draft.options.date_order or ""],
    )


def _delimiter_key(delimiter: str | None) -> str:
    return {None: "auto", "\t": "tab"}.get(delimiter, delimiter or "auto")


@router.post("/import/{held_id}/mapping")
def mapping_post(
    request: Request, node: NodeDep, user: UserDep, form: FormDep, held_id: HeldId
) -> Response:
    held, draft = _held(request, node, user, held_id)
    chosen = {k: str(v)[:100] for k, v in form.items() if k.startswith(("column.", "id_column"))}
    try:
        mapping = sheets.mapping_from(chosen, draft)
    except InvalidInput as exc:
        errors = {exc.field if exc.field.startswith("column.") else "mapping": exc.reason}
        return _mapping_page(request, user, held, draft, chosen, errors, 422)
    jobs = import_jobs(request, node)
    job = jobs.start(user.actor.username, draft.lines or 0)  # 0: a workbook, not counted
    draft = dataclasses.replace(draft, mapping=mapping, chosen=chosen, check=job.id, run=None)
    held = uploads(request, node).update(held, draft)
    _start(_check, node, user.actor, jobs, job.id, draft, held.data)
    return RedirectResponse(f"/import/{held.id}/preview", 303)


# --- step 3: the preview (a dry run) ------------------------------------------------------


def _check_job(request: Request, node: Node, user: WebUser, draft: Draft, held: Held) -> Job:
    if draft.check is None:  # not mapped yet
        raise InvalidInput("mapping", held.id, "map the file's columns first")
    return import_jobs(request, node).get(draft.check, user.actor.username)


@router.get("/import/{held_id}/preview")
def preview(
    request: Request, node: NodeDep, user: UserDep, held_id: HeldId, offset: Offset = 0
) -> Response:
    held, draft = _held(request, node, user, held_id)
    job = _check_job(request, node, user, draft, held)
    check = job.results[0] if job.finished and job.results else None
    mapping = draft.mapping
    assert mapping is not None
    schema = get_schema(draft.schema)
    columns = [(name, str(schema.properties[name].label)) for name in mapping.properties]
    return render(
        request,
        "import_preview.html",
        user,
        held=held,
        draft=draft,
        job=job,
        check=check,
        columns=columns,
        errors_page=check.rejected[offset : offset + PAGE] if check else [],
        offset=offset,
        limit=PAGE,
        schema_label=forms.schema_label,
        show=forms.display_value,
        kinds={name: schema.properties[name].type.name for name in mapping.properties},
        page=f"/import/{held.id}/preview",
        poll=f"/import/{held.id}/preview/progress",
        stage="check",
    )


@router.get("/import/{held_id}/preview/progress")
def preview_progress(request: Request, node: NodeDep, user: UserDep, held_id: HeldId) -> Response:
    held, draft = _held(request, node, user, held_id)
    job = _check_job(request, node, user, draft, held)
    page = f"/import/{held.id}/preview"
    return _progress(request, user, job, page, page + "/progress", "check")


def _progress(
    request: Request, user: WebUser, job: Job, page: str, poll: str, stage: str
) -> Response:
    response = render(
        request,
        "import_progress.html",
        user,
        job=job,
        page=page,
        poll=poll,
        stage=stage,
        partial=True,
    )
    if job.finished and request.headers.get("hx-request"):
        response.headers["HX-Refresh"] = "true"  # reload the page, which shows the outcome
    return response


# --- step 4: the import -------------------------------------------------------------------


@router.post("/import/{held_id}/run")
def run_import(
    request: Request, node: NodeDep, user: UserDep, form: FormDep, held_id: HeldId
) -> Response:
    held, draft = _held(request, node, user, held_id)
    check = _check_job(request, node, user, draft, held)
    if not check.finished or check.error or not check.results:
        raise InvalidInput("check", held.id, "the file's dry run has not finished; wait for it")
    if draft.run is not None:  # posted twice (a double click, the back button): one import
        return RedirectResponse(f"/import/jobs/{draft.run}", 303)
    jobs = import_jobs(request, node)
    job = jobs.start(user.actor.username, check.results[0].lines)
    draft = dataclasses.replace(draft, run=job.id)
    uploads(request, node).update(held, draft)
    why = Why(_text(form, "purpose") or None)
    _start(_import, node, user.actor, jobs, job.id, held, draft, why)
    return RedirectResponse(f"/import/jobs/{job.id}", 303)


def _text(form: FormData, key: str) -> str:
    return str(form.get(key) or "").strip()[:200]


JobId = Annotated[str, Path(max_length=64)]


def _import_job(request: Request, node: Node, user: WebUser, job: str) -> Job:
    _require(user)
    return import_jobs(request, node).get(job, user.actor.username)


@router.get("/import/jobs/{job}")
def import_report(
    request: Request, node: NodeDep, user: UserDep, job: JobId, offset: Offset = 0
) -> Response:
    found = _import_job(request, node, user, job)
    report = found.results[0] if found.finished and found.results else None
    if report is not None and not isinstance(report, ImportReport):
        raise NotFound("import", job)  # a dry run's job: it has no report
    rejected = sorted(report.rejected, key=lambda e: e.line) if report else []
    return render(
        request,
        "import_report.html",
        user,
        job=found,
        report=report,
        rejected=rejected[offset : offset + PAGE],
        rejected_count=len(rejected),
        held=report.held[:HELD_SHOWN] if report else [],
        offset=offset,
        limit=PAGE,
        page=f"/import/jobs/{found.id}",
        poll=f"/import/jobs/{found.id}/progress",
        stage="import",
    )


@router.get("/import/jobs/{job}/progress")
def import_progress(request: Request, node: NodeDep, user: UserDep, job: JobId) -> Response:
    found = _import_job(request, node, user, job)
    page = f"/import/jobs/{found.id}"
    return _progress(request, user, found, page, page + "/progress", "import")
