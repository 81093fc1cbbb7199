"""Bulk import (FtM JSON lines, CSV or XLSX with a mapping) and export (JSON lines,
CSV or XLSX); STIX 2.1 bundles in and out."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from enum import StrEnum
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Body, File, Form, Query, UploadFile
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel

from liaison.api.deps import ActorDep, NodeDep, WhyDep
from liaison.errors import InvalidInput
from liaison.model.markings import Markings
from liaison.node.sources import (
    EXPORT_SUMMARY,
    CsvMapping,
    Item,
    csv_items,
    jsonl_lines,
    xlsx_items,
)
from liaison.node.spreadsheet import SheetOptions
from liaison.node.stix import StixImportReport
from liaison.node.transfer import ExportReport, ImportReport, SheetKind
from liaison.storage.records import RecordFilter

router = APIRouter(tags=["import and export"])


class Format(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"
    XLSX = "xlsx"


class ExportFormat(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"
    XLSX = "xlsx"


class RejectedLine(BaseModel):
    line: int
    field: str
    value: str
    reason: str


class ImportOut(BaseModel):
    """What an import wrote; ``rejected`` lists the first 1,000 refused lines."""

    lines: int
    created: int
    updated: int
    unchanged: int
    batches: int
    rejected: list[RejectedLine]
    rejected_count: int
    held_for_review: int

    @classmethod
    def of(cls, report: ImportReport) -> ImportOut:
        return cls.model_validate(report.to_dict())


def _json_field(name: str, text: str | None) -> dict[str, Any] | None:
    """A form field that holds a JSON object; left out or empty, None."""
    if not text:
        return None
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise InvalidInput(name, text, f"not valid JSON ({exc.msg})") from None
    if not isinstance(value, dict):  # "null" was taken for no defaults, and 0 lines imported
        raise InvalidInput(name, text, "must be a JSON object")
    return value


@router.post("/imports", response_model=ImportOut)
def import_file(
    node: NodeDep,
    actor: ActorDep,
    why: WhyDep,
    file: Annotated[UploadFile, File(description="FtM JSON lines, CSV or XLSX")],
    format: Annotated[Format, Form()] = Format.JSONL,
    mapping: Annotated[str | None, Form(description="CSV and XLSX: JSON column mapping")] = None,
    envelope: Annotated[str | None, Form(description="JSON envelope defaults")] = None,
    strict: Annotated[bool, Form(description="write nothing unless every line is valid")] = False,
    delimiter: Annotated[
        str | None, Form(description="CSV: , ; tab or | (left out: read from the header)")
    ] = None,
    date_order: Annotated[
        str | None, Form(description="CSV and XLSX: dates like 03/04/1980 read dmy, mdy or ymd")
    ] = None,
    phone_country: Annotated[
        str | None, Form(description="CSV and XLSX: country of phones written without +")
    ] = None,
) -> ImportOut:
    options = SheetOptions.parse(delimiter, date_order, phone_country)
    data = file.file.read()  # a sync route: FastAPI runs it in a worker thread
    defaults = _json_field("envelope", envelope) or {}
    if format is Format.XLSX:
        parsed = CsvMapping.from_dict(_json_field("mapping", mapping))
        defaults = {**parsed.envelope, **defaults}

        def items() -> Iterable[Item]:
            return xlsx_items(io.BytesIO(data), parsed, options)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidInput("file", f"byte {exc.start}", "not UTF-8 text") from None
        if format is Format.CSV:
            parsed = CsvMapping.from_dict(_json_field("mapping", mapping))
            defaults = {**parsed.envelope, **defaults}

            def items() -> Iterable[Item]:
                return csv_items(io.StringIO(text, newline=""), parsed, options)
        else:

            def items() -> Iterable[Item]:
                return jsonl_lines(text.split("\n"))  # not splitlines(): U+2028 is valid JSON

    source = f"upload:{file.filename or 'file'}"
    report = node.transfer.import_items(actor, items, defaults, strict, source=source, why=why)
    return ImportOut.of(report)


_NDJSON: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "FtM JSON lines, then one summary line (exported, withheld and why)",
        "content": {"application/x-ndjson": {}},
    }
}


_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_EXPORTS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": (
            "jsonl: FtM JSON lines, then one summary line (exported, withheld and why); "
            "csv or xlsx: one row per record with its markings and originator's name "
            "(the header X-Liaison-Withheld says how many records the policy kept here)"
        ),
        "content": {"application/x-ndjson": {}, "text/csv": {}, _SHEET: {}},
    }
}


@router.get("/export", response_class=StreamingResponse, responses=_EXPORTS)
def export(
    node: NodeDep,
    actor: ActorDep,
    why: WhyDep,
    schema: str | None = None,
    crime_area: str | None = None,
    q: str | None = None,
    originator: Annotated[
        str | None, Query(description="only this agency's records: its name or node id")
    ] = None,
    format: ExportFormat = ExportFormat.JSONL,
) -> Response:
    """The records this user may take out of the node: FtM JSON lines with their
    envelopes, closed by one summary line ``{"liaison_export": {...}}`` (how many
    were exported and which were withheld, with the policy's reasons), or a CSV or
    XLSX spreadsheet of them."""
    source = node.transfer.originator_id(originator) if originator else None
    flt = RecordFilter.parse(schema, None, None, crime_area, q, False, source)
    if format is not ExportFormat.JSONL:
        sheet = node.transfer.export_sheet(actor, flt, SheetKind(format.value), why)
        headers = {
            "Content-Disposition": f'attachment; filename="{sheet.filename}"',
            "X-Liaison-Exported": str(sheet.report.exported),
            "X-Liaison-Withheld": str(len(sheet.report.withheld)),
        }
        return Response(sheet.content, media_type=sheet.media_type, headers=headers)
    report = ExportReport()
    lines = node.transfer.export(actor, flt, why, report)
    return StreamingResponse(_closed(lines, report), media_type="application/x-ndjson")


def _closed(lines: Iterator[bytes], report: ExportReport) -> Iterator[bytes]:
    yield from lines
    yield orjson.dumps({EXPORT_SUMMARY: report.to_dict()}) + b"\n"


class StixBundleOut(BaseModel):
    """A STIX 2.1 bundle (docs/interop.md: which object each record becomes)."""

    type: Literal["bundle"]
    id: str
    objects: list[dict[str, Any]]


class StixProblem(BaseModel):
    stix_id: str
    type: str
    reason: str


class StixImportOut(BaseModel):
    """What a STIX import did with every object of the bundle: counts by STIX type,
    records created, updated or unchanged, which STIX object became which record,
    and each object skipped or refused with its reason."""

    source: str
    objects: int
    counts: dict[str, int]
    created: int
    updated: int
    unchanged: int
    held_for_review: int
    written: dict[str, str]
    skipped: list[StixProblem]
    refused: list[StixProblem]

    @classmethod
    def of(cls, report: StixImportReport) -> StixImportOut:
        return cls.model_validate(report.to_dict())


@router.get("/export/stix", response_model=StixBundleOut)
def export_stix(
    node: NodeDep,
    actor: ActorDep,
    why: WhyDep,
    response: Response,
    schema: str | None = None,
    crime_area: str | None = None,
    q: str | None = None,
    originator: Annotated[
        str | None, Query(description="only this agency's records: its name or node id")
    ] = None,
) -> StixBundleOut:
    """The records this user may take out of the node, as a STIX 2.1 bundle: decided
    and audited as ``GET /api/v1/export`` is; the headers ``X-Liaison-Exported`` and
    ``X-Liaison-Withheld`` give the counts."""
    source = node.transfer.originator_id(originator) if originator else None
    flt = RecordFilter.parse(schema, None, None, crime_area, q, False, source)
    made = node.stix.export_bundle(actor, flt, why)
    response.headers["X-Liaison-Exported"] = str(made.report.exported)
    response.headers["X-Liaison-Withheld"] = str(len(made.report.withheld))
    response.headers["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    return StixBundleOut.model_validate(made.bundle)


@router.post("/imports/stix", response_model=StixImportOut)
def import_stix(
    node: NodeDep,
    actor: ActorDep,
    why: WhyDep,
    bundle: Annotated[dict[str, Any], Body(description="a STIX 2.1 bundle")],
    source: Annotated[str, Query(max_length=200, description="where it came from")] = "upload",
    tlp: Annotated[str | None, Query(description="for objects without markings")] = None,
    pap: Annotated[str | None, Query(description="for objects without markings")] = None,
    classification: Annotated[str | None, Query(description="for objects without markings")] = None,
    handling: Annotated[
        list[str] | None, Query(description="H0-H2, for objects without markings")
    ] = None,
) -> StixImportOut:
    """Import a STIX 2.1 bundle as local records, in one transaction (all or nothing);
    every object is counted, and each one skipped or refused is named with its reason."""
    given = {"tlp": tlp, "pap": pap, "classification": classification, "handling": handling}
    markings = Markings.from_dict({k: v for k, v in given.items() if v})
    report = node.stix.import_bundle(actor, bundle, f"api:{source}", markings, why=why)
    return StixImportOut.of(report)
