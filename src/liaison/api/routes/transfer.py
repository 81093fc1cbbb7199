"""Bulk import (FtM JSON lines, CSV with a mapping) and export."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from enum import StrEnum
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import StreamingResponse

from liaison.api.deps import ActorDep, NodeDep, WhyDep
from liaison.errors import InvalidInput
from liaison.node.sources import EXPORT_SUMMARY, CsvMapping, Item, csv_items, jsonl_items
from liaison.node.transfer import ExportReport
from liaison.storage.records import RecordFilter

router = APIRouter(tags=["import and export"])


class Format(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"


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


@router.post("/imports")
def import_file(
    node: NodeDep,
    actor: ActorDep,
    why: WhyDep,
    file: Annotated[UploadFile, File(description="FtM JSON lines or CSV")],
    format: Annotated[Format, Form()] = Format.JSONL,
    mapping: Annotated[str | None, Form(description="CSV only: JSON column mapping")] = None,
    envelope: Annotated[str | None, Form(description="JSON envelope defaults")] = None,
    strict: Annotated[bool, Form(description="write nothing unless every line is valid")] = False,
) -> dict[str, Any]:
    data = file.file.read()  # a sync route: FastAPI runs it in a worker thread
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput("file", f"byte {exc.start}", "not UTF-8 text") from None
    defaults = _json_field("envelope", envelope) or {}
    if format is Format.CSV:
        parsed = CsvMapping.from_dict(_json_field("mapping", mapping))
        defaults = {**parsed.envelope, **defaults}

        def items() -> Iterable[Item]:
            return csv_items(io.StringIO(text, newline=""), parsed)
    else:

        def items() -> Iterable[Item]:
            return jsonl_items(text.split("\n"))  # not splitlines(): U+2028 is valid in JSON

    source = f"upload:{file.filename or 'file'}"
    report = node.transfer.import_items(actor, items, defaults, strict, source=source, why=why)
    return report.to_dict()


_NDJSON: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "FtM JSON lines, then one summary line (exported, withheld and why)",
        "content": {"application/x-ndjson": {}},
    }
}


@router.get("/export", response_class=StreamingResponse, responses=_NDJSON)
def export(
    node: NodeDep,
    actor: ActorDep,
    why: WhyDep,
    schema: str | None = None,
    crime_area: str | None = None,
    q: str | None = None,
) -> StreamingResponse:
    """The records this user may take out of the node, as FtM JSON lines with
    their envelopes, closed by one summary line ``{"liaison_export": {...}}``:
    how many were exported and which were withheld, with the policy's reasons."""
    flt = RecordFilter.parse(schema, None, None, crime_area, q, False)
    report = ExportReport()
    lines = node.transfer.export(actor, flt, why, report)
    return StreamingResponse(_closed(lines, report), media_type="application/x-ndjson")


def _closed(lines: Iterator[bytes], report: ExportReport) -> Iterator[bytes]:
    yield from lines
    yield orjson.dumps({EXPORT_SUMMARY: report.to_dict()}) + b"\n"
