"""Search by name or identifier, and batch screening through ``node.matching.match``.

``/search`` takes a name or an identifier in one box. Text that reads as an
identifier (``readings``: a phone, e-mail, IBAN, IMO, MMSI, wallet, passport
or ID number) is looked up in the records the user may see
(``node.records.lookup``; the country field is the region of phone numbers
written without ``+``), and the page says what it was read as and which
identifier each record holds. Anything else is a name: it is scored (in any
script, with an optional birth date and country) against the records the
user may see and the watchlists, and the page shows why each candidate
scored as it did. ``/screening`` takes a CSV upload and
screens its rows in a background thread (``liaison.web.jobs``), in batches so
that the progress bar advances; the page polls its progress with htmx (or a
refresh link without scripts), then shows the results page by page and
offers them as CSV. Rows that cannot be screened are reported with their row
number, field, value and reason. A job is visible to the user who started it.
The page is a view; the CSV leaves the node, so it carries only the records
the policy lets this user take out (``node.transfer.exits``, use ``export``)
and ends with a ``withheld`` row saying how many it left out and why.
"""

from __future__ import annotations

import csv
import io
import logging
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse, Response

from liaison.api.deps import NodeDep
from liaison.api.wire import Offset
from liaison.csvout import to_csv
from liaison.errors import Forbidden, InvalidInput, LiaisonError
from liaison.matching.features import FEATURES, MISSING
from liaison.matching.identifiers import readings
from liaison.model.roles import Actor
from liaison.node import Node, Why
from liaison.node.matching import query_profile
from liaison.node.records import Lookup, lookup_region
from liaison.node.transfer import Exits
from liaison.policy.permissions import Permission as P  # noqa: N817 - as in node/
from liaison.web.forms import schema_label
from liaison.web.jobs import Job, Jobs
from liaison.web.labels import N_
from liaison.web.render import render
from liaison.web.session import FormDep, UserDep, WebUser

router = APIRouter()
logger = logging.getLogger(__name__)

SHOWN = 20  # search results shown at most
SCHEMATA = {  # what a name search may look for, with its label
    "Person": N_("person"),
    "Organization": N_("organisation"),
    "Company": N_("company"),
    "LegalEntity": N_("person or organisation"),
    "Vessel": N_("vessel"),
}
MAX_BYTES = 2 * 1024 * 1024  # an uploaded CSV at most
MAX_ROWS = 10_000
BATCH = 25  # rows per match call: small enough that the progress moves
PAGE = 50  # screening results per page
PROBLEMS_SHOWN = 100  # bad rows listed on the page (the CSV has them all)

FEATURE_LABELS = {
    "name": N_("name"),
    "birth_date": N_("birth date"),
    "country": N_("country"),
    "gender": N_("gender"),
    "identifier": N_("identifier"),
    "address": N_("address"),
    "generation": N_("generation (Jr., Sr.)"),
    "residence": N_("address against birth date"),
    "date": N_("date"),
}
LEVEL_LABELS = {
    "exact": N_("exact"),
    "strong": N_("strong"),
    "close": N_("close"),
    "partial": N_("partial"),
    "weak": N_("weak"),
    "none": N_("no match"),
    "swapped": N_("day and month swapped"),
    "typo": N_("one typo"),
    "year": N_("same year only"),
    "differ": N_("different"),
    "same": N_("same"),
    "single": N_("one name part"),
    "conflict": N_("conflicting"),
    "near": N_("within two years"),
    "far": N_("ten years or more apart"),
    "area": N_("same area"),
    "generic": N_("only generic words"),
    "overrides_date": N_("same address, dates differ"),
}


# --- explanations (pure) ----------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """One feature's say in a score, as message ids for the page and raw detail."""

    feature: str
    level: str
    detail: str

    def text(self) -> str:
        return f"{self.feature}: {self.level} ({self.detail})"


def evidence(explanations: Mapping[str, Mapping[str, Any]]) -> tuple[Evidence, ...]:
    """The features that said something (not ``missing``), in the scorer's order."""
    order = [f for f in FEATURES if f in explanations] + sorted(set(explanations) - set(FEATURES))
    return tuple(
        Evidence(
            FEATURE_LABELS.get(name, name),
            LEVEL_LABELS.get(explanations[name]["level"], explanations[name]["level"]),
            str(explanations[name].get("detail") or ""),
        )
        for name in order
        if explanations[name].get("level") != MISSING
    )


@dataclass(frozen=True)
class Candidate:
    """A scored record or watchlist entry, as a page shows it."""

    id: str
    caption: str
    score: float
    match: bool
    watchlist: str | None
    evidence: tuple[Evidence, ...]


def candidate(result: Mapping[str, Any]) -> Candidate:
    """A page's view of one yente-shaped match result."""
    sources = [d.split(":", 1)[1] for d in result.get("datasets", []) if d.startswith("watchlist:")]
    return Candidate(
        id=str(result["id"]),
        caption=str(result.get("caption") or ""),
        score=float(result["score"]),
        match=bool(result["match"]),
        watchlist=sources[0] if sources else None,
        evidence=evidence(result.get("explanations", {})),
    )


# --- search -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchForm:
    q: str = ""
    schema: str = "Person"
    birthDate: str = ""  # noqa: N815 - the FollowTheMoney property name, as in the URL
    country: str = ""

    def query(self) -> dict[str, Any]:
        """The FtM-like query ``node.matching.match`` takes."""
        props = {"name": self.q, "birthDate": self.birthDate, "country": self.country}
        return {
            "schema": self.schema,
            "properties": {k: [v.strip()] for k, v in props.items() if v.strip()},
        }


def form_field(field: str) -> str:
    """The form field an ``InvalidInput`` from ``match`` or ``lookup`` is about
    (``name`` and ``identifier`` are ``q``)."""
    last = field.rsplit(".", 1)[-1]
    if last in ("schema", "birthDate", "country"):
        return last
    return "q"


Text = Annotated[str, Query(max_length=500)]


@router.get("/search")
def search(
    request: Request,
    node: NodeDep,
    user: UserDep,
    q: Text = "",
    schema: Annotated[str, Query(max_length=50)] = "Person",
    birthDate: Annotated[str, Query(max_length=20)] = "",  # noqa: N803 - FtM property name
    country: Annotated[str, Query(max_length=100)] = "",
    cursor: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    if not (user.may(P.MATCH) or user.may(P.RECORD_READ)):
        raise Forbidden(f"your role may not {P.MATCH.value} or {P.RECORD_READ.value}")
    form = SearchForm(q, schema, birthDate, country)
    if not q.strip():
        return _search_page(request, user, form, None, {})
    if is_identifier(q, country, node.ctx.settings.default_country):
        return _lookup(request, node, user, form, cursor)
    _require(user, P.MATCH)
    try:
        found = node.matching.match(user.actor, {"search": form.query()}, None, SHOWN)
    except InvalidInput as exc:
        return _search_page(request, user, form, None, {form_field(exc.field): exc.reason}, 422)
    return _search_page(request, user, form, [candidate(r) for r in found["search"]], {})


def is_identifier(text: str, country: str, default: str | None) -> bool:
    """Whether the search box holds an identifier rather than a name (read with
    the country given, if it is one, for phone numbers written without ``+``)."""
    try:
        region = lookup_region(country, default)
    except InvalidInput:
        region = default
    return bool(readings(text, region))


def _lookup(
    request: Request, node: Node, user: WebUser, form: SearchForm, cursor: str | None
) -> Response:
    try:
        found = node.records.lookup(user.actor, form.q, form.country or None, cursor, SHOWN)
    except InvalidInput as exc:
        return _search_page(request, user, form, None, {form_field(exc.field): exc.reason}, 422)
    return _search_page(request, user, form, None, {}, lookup=found, origins=_origins(node))


def _origins(node: Node) -> dict[str, str]:
    """Node id → the name shown: this node's, or the partner's."""
    names = {row.node_id: row.name for row in node.federation.peer_rows()}
    return {**names, node.ctx.node_id: node.ctx.name}


def _search_page(
    request: Request,
    user: WebUser,
    form: SearchForm,
    results: list[Candidate] | None,
    errors: dict[str, str],
    status: int = 200,
    lookup: Lookup | None = None,
    origins: Mapping[str, str] | None = None,
) -> Response:
    return render(
        request,
        "search.html",
        user,
        status,
        form=form,
        results=results,
        lookup=lookup,
        origins=origins or {},
        errors=errors,
        schemata=SCHEMATA,
        shown=SHOWN,
        schema_label=schema_label,
    )


def _require(user: WebUser, permission: P) -> None:
    if not user.may(permission):
        raise Forbidden(f"your role may not {permission.value}")


# --- screening: the upload (pure) ---------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One CSV row: its row number in the sheet (the header is row 1) and its cells."""

    number: int
    name: str = ""
    birth_date: str = ""
    country: str = ""
    schema: str = ""


@dataclass(frozen=True)
class Problem:
    """Why a row was not screened."""

    field: str
    value: str
    reason: str


@dataclass(frozen=True)
class Outcome:
    """A screened row: its best candidate, or the problem that stopped it."""

    row: int
    query: str
    best: Candidate | None = None
    problem: Problem | None = None

    @property
    def status(self) -> str:
        if self.problem is not None:
            return "rejected"
        if self.best is None:
            return "no result"
        return "match" if self.best.match else "candidate"


COLUMNS = {
    "name": "name",
    "birth_date": "birth_date",
    "birthdate": "birth_date",
    "dob": "birth_date",
}
COLUMNS |= {"country": "country", "nationality": "country", "schema": "schema"}


def read_upload(data: bytes) -> list[Row]:
    """The rows of an uploaded CSV: UTF-8 text with a ``name`` column and optional
    ``birth_date``, ``country`` and ``schema``; other columns are ignored."""
    if len(data) > MAX_BYTES:
        raise InvalidInput("file", f"{len(data)} bytes", f"larger than {MAX_BYTES} bytes")
    if b"\x00" in data:
        raise InvalidInput("file", "binary data", "not a CSV text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("file", "bytes", "not UTF-8 text; save the sheet as CSV UTF-8") from None
    try:
        rows = _rows(text)
    except csv.Error as exc:
        raise InvalidInput("file", "CSV", f"not a readable CSV: {exc}") from None
    if not rows:
        raise InvalidInput("file", "CSV", "has no rows below its header")
    return rows


def _rows(text: str) -> list[Row]:
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    header = [COLUMNS.get(_column(cell), "") for cell in next(reader, [])]
    if "name" not in header:
        raise InvalidInput("file", "header", "has no name column")
    rows: list[Row] = []
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue  # blank lines are not rows
        if len(rows) == MAX_ROWS:
            raise InvalidInput("file", "rows", f"has more than {MAX_ROWS} rows")
        values = {k: v.strip() for k, v in zip(header, cells, strict=False) if k}
        rows.append(Row(number, **values))
    return rows


def _column(cell: str) -> str:
    return cell.strip().lower().replace(" ", "_").replace("-", "_")


def _dialect(text: str) -> type[csv.Dialect]:
    """Comma, semicolon (as spreadsheets in many locales save) or tab."""
    first = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(first, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def row_query(row: Row) -> dict[str, Any]:
    """The FtM-like query for a row; ``InvalidInput`` names the CSV column at fault."""
    if not row.name:
        raise InvalidInput("name", "", "is empty")
    props = {"name": row.name, "birthDate": row.birth_date, "country": row.country}
    query = {
        "schema": row.schema or "Person",
        "properties": {k: [v] for k, v in props.items() if v},
    }
    try:
        query_profile("row", query)
    except InvalidInput as exc:
        raise InvalidInput(_csv_field(exc.field), exc.value, exc.reason) from None
    return query


def _csv_field(field: str) -> str:
    last = field.rsplit(".", 1)[-1]
    return {"birthDate": "birth_date", "country": "country", "schema": "schema"}.get(last, "name")


REPORT = ("row", "query", "status", "candidate_id", "candidate", "watchlist", "score", "why")


def report(outcomes: Sequence[Outcome], exits: Exits) -> str:
    """The results as CSV text, through the one CSV writer (formula cells
    neutralised). A row whose candidate is a record that may not leave the node
    (``exits``) is left out; a last row, status ``withheld``, says how many and why."""
    kept = [o for o in outcomes if may_leave(o, exits.allowed)]
    rows = [_report_row(outcome) for outcome in kept]
    left_out = sum(1 for o in outcomes if not may_leave(o, exits.allowed))
    if left_out:
        rows.append(["", "", "withheld", "", "", "", "", _withheld_note(left_out, exits)])
    return to_csv(REPORT, rows)


def record_ids(outcomes: Iterable[Outcome]) -> list[str]:
    """The records the outcomes name (watchlist entries are the node's own lists)."""
    return [o.best.id for o in outcomes if o.best is not None and o.best.watchlist is None]


def may_leave(outcome: Outcome, allowed: frozenset[str]) -> bool:
    best = outcome.best
    return best is None or best.watchlist is not None or best.id in allowed


def _withheld_note(count: int, exits: Exits) -> str:
    rows, whose = ("1 row", "its record") if count == 1 else (f"{count} rows", "their records")
    return f"{rows} left out: {whose} may not leave this node ({'; '.join(exits.reasons())})"


def _report_row(o: Outcome) -> list[Any]:
    if o.problem is not None:
        why = f"{o.problem.field}: {o.problem.reason} (got {o.problem.value})"
        return [o.row, o.query, o.status, "", "", "", "", why]
    if o.best is None:
        return [o.row, o.query, o.status, "", "", "", "", ""]
    best = o.best
    why = "; ".join(e.text() for e in best.evidence)
    return [o.row, o.query, o.status, best.id, best.caption, best.watchlist or "", best.score, why]


# --- screening: the work ----------------------------------------------------------------


def screen(node: Node, actor: Actor, rows: Sequence[Row], why: Why) -> list[Outcome]:
    """Screen a batch of rows; bad rows become outcomes with their problem."""
    out: list[Outcome] = []
    valid: dict[str, tuple[Row, dict[str, Any]]] = {}
    for row in rows:
        try:
            valid[str(row.number)] = (row, row_query(row))
        except InvalidInput as exc:
            out.append(Outcome(row.number, row.name, problem=_problem(exc)))
    if valid:
        queries = {key: query for key, (_, query) in valid.items()}
        for key, results in node.matching.match(actor, queries, None, 1, why).items():
            best = candidate(results[0]) if results else None
            out.append(Outcome(valid[key][0].number, valid[key][0].name, best))
    return sorted(out, key=lambda o: o.row)


def _problem(exc: InvalidInput) -> Problem:
    return Problem(exc.field, str(exc.value if exc.value is not None else ""), exc.reason)


def work(node: Node, actor: Actor, jobs: Jobs, job: str, rows: list[Row], why: Why) -> None:
    """The job's thread: screen batch by batch, then mark the job finished."""
    try:
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            if not jobs.advance(job, len(batch), screen(node, actor, batch, why)):
                return  # forgotten (expired): nobody is waiting for it
    except LiaisonError as exc:
        jobs.finish(job, exc.message)
    except Exception:  # a thread has no caller to raise to: record it and end the job
        logger.exception("screening job failed")
        jobs.finish(job, "screening failed; the node's log has the details")
    else:
        jobs.finish(job)


_REGISTRY = threading.Lock()


def registry(request: Request, node: Node) -> Jobs:
    """This app's jobs, made on first use (so ``create_app`` stays side-effect free)."""
    state = request.app.state
    with _REGISTRY:
        if not hasattr(state, "screening_jobs"):
            state.screening_jobs = Jobs(clock=node.ctx.now)
        jobs: Jobs = state.screening_jobs
    return jobs


# --- screening: the pages ---------------------------------------------------------------


@router.get("/screening")
def screening_form(request: Request, user: UserDep) -> Response:
    _require(user, P.MATCH)
    return _upload_page(request, user, {}, "")


def _upload_page(
    request: Request, user: WebUser, errors: dict[str, str], purpose: str, status: int = 200
) -> Response:
    return render(
        request,
        "screening.html",
        user,
        status,
        job=None,
        errors=errors,
        purpose=purpose,
        rows=MAX_ROWS,
        bytes=MAX_BYTES,
    )


@router.post("/screening")
def screening_upload(request: Request, node: NodeDep, user: UserDep, form: FormDep) -> Response:
    _require(user, P.MATCH)
    purpose = str(form.get("purpose") or "")[:200]
    try:
        rows = read_upload(_uploaded(form.get("file")))
    except InvalidInput as exc:
        return _upload_page(request, user, {"file": exc.reason}, purpose, 422)
    jobs = registry(request, node)
    job = jobs.start(user.actor.username, len(rows))
    why = Why(purpose.strip() or None)
    args = (node, user.actor, jobs, job.id, rows, why)
    threading.Thread(target=work, args=args, name="liaison-screening", daemon=True).start()
    return RedirectResponse(f"/screening/{job.id}", 303)


def _uploaded(upload: Any) -> bytes:
    """The uploaded file's bytes (one more than allowed tells it is too large)."""
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise InvalidInput("file", "", "choose a CSV file to upload")
    with upload.file:  # the form's spooled file: nobody else closes it
        return upload.file.read(MAX_BYTES + 1)


def _job(request: Request, node: Node, user: WebUser, job: str) -> Job:
    _require(user, P.MATCH)
    return registry(request, node).get(job, user.actor.username)


JobId = Annotated[str, Path(max_length=64)]


@router.get("/screening/{job}.csv", response_class=Response)
def screening_csv(request: Request, node: NodeDep, user: UserDep, job: JobId) -> Response:
    found = _job(request, node, user, job)
    if not found.finished:
        raise InvalidInput("job", job, "is still running; download its results when it is done")
    results: Sequence[Outcome] = found.results
    exits = node.transfer.exits(user.actor, record_ids(results), f"screening report {found.id}")
    headers = {"Content-Disposition": f'attachment; filename="screening-{found.id}.csv"'}
    return Response(report(results, exits), media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/screening/{job}/progress")
def screening_progress(request: Request, node: NodeDep, user: UserDep, job: JobId) -> Response:
    found = _job(request, node, user, job)
    response = render(request, "screening_progress.html", user, job=found, partial=True)
    if found.finished and request.headers.get("hx-request"):
        response.headers["HX-Refresh"] = "true"  # reload the page, which shows the results
    return response


@router.get("/screening/{job}")
def screening_job(
    request: Request,
    node: NodeDep,
    user: UserDep,
    job: JobId,
    offset: Offset = 0,
) -> Response:
    found = _job(request, node, user, job)
    results: Sequence[Outcome] = found.results
    context: dict[str, Any] = {
        "job": found,
        "page": results[offset : offset + PAGE],
        "problems": [o for o in results if o.problem is not None],
        "matched": sum(1 for o in results if o.status == "match"),
        "limit": PAGE,
        "offset": offset,
        "problems_shown": PROBLEMS_SHOWN,
    }
    return render(request, "screening.html", user, errors={}, purpose="", **context)
