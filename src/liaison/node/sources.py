"""Readers for bulk import: FollowTheMoney JSON lines, and CSV or XLSX with a
column mapping (and, for spreadsheets, the options of ``node.spreadsheet``).

Each reader yields ``(line_number, entity_dict)`` or ``(line_number, LineError)``,
so that a broken line is reported by number and never stops the others from
being checked.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, TextIO

import orjson

from liaison.errors import InvalidInput, LineError
from liaison.model.entities import get_schema
from liaison.node.spreadsheet import SheetOptions, localise, sniff_delimiter, xlsx_rows


@dataclass(frozen=True)
class RawLine:
    """A JSON line not parsed yet: a bulk import parses it where it validates the
    entity, in its worker processes, and the process that writes never does."""

    data: bytes | str

    def parse(self, number: int) -> dict[str, Any] | LineError | None:
        """The entity dict, the line's error, or None for an export's summary line."""
        return _json_line(number, self.data)


Item = tuple[int, dict[str, Any] | LineError | RawLine]

#: Keys that FollowTheMoney exports carry besides id, schema and properties.
FTM_METADATA = frozenset(
    {
        "caption",
        "datasets",
        "referents",
        "first_seen",
        "last_seen",
        "last_change",
        "target",
        "liaison",
    }
)
#: The key of the summary line that closes an export over the API.
EXPORT_SUMMARY = "liaison_export"
LINE_KEYS = frozenset({"id", "schema", "properties", "envelope"}) | FTM_METADATA
MAX_LINE_BYTES = 1024 * 1024


def jsonl_items(lines: Iterable[str | bytes]) -> Iterator[Item]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        item = _json_line(number, line)
        if item is not None:
            yield number, item


_SUMMARY_START = ('{"' + EXPORT_SUMMARY + '"').encode()


def jsonl_lines(lines: Iterable[str | bytes]) -> Iterator[Item]:
    """``jsonl_items`` with each line left for the importer to parse (``RawLine``)."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        start = line.lstrip()[: len(_SUMMARY_START)]
        if start in (_SUMMARY_START, _SUMMARY_START.decode()) and _json_line(number, line) is None:
            continue  # the closing line of an export over the API
        yield number, RawLine(line)


def _json_line(number: int, line: str | bytes) -> dict[str, Any] | LineError | None:
    if len(line) > MAX_LINE_BYTES:
        return LineError(
            number, "line", f"{len(line)} bytes", f"longer than {MAX_LINE_BYTES} bytes"
        )
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        shown = line[:80] if isinstance(line, str) else line[:80].decode("utf-8", "replace")
        return LineError(number, "line", shown, f"not valid JSON ({exc.msg} at char {exc.pos})")
    if not isinstance(data, dict):
        return LineError(number, "line", str(data)[:80], "must be a JSON object (one entity)")
    if data.keys() == {EXPORT_SUMMARY}:
        return None  # the closing line of an export over the API
    unknown = sorted(set(data) - LINE_KEYS)
    if unknown:
        return LineError(number, unknown[0], unknown[0], "unknown key in an entity line")
    # ``liaison`` stays: the importer refuses a line that is another node's record
    return {k: v for k, v in data.items() if k not in FTM_METADATA or k == "liaison"}


@dataclass(frozen=True)
class CsvMapping:
    """Which CSV columns fill which properties of which schema."""

    schema: str
    properties: dict[str, list[str]]
    id_column: str | None = None
    envelope: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Any) -> CsvMapping:
        if not isinstance(data, dict):
            raise InvalidInput("mapping", data, "must be an object with schema and properties")
        schema = get_schema(data.get("schema"), "mapping.schema")
        props = data.get("properties")
        if not isinstance(props, dict) or not props:
            raise InvalidInput("mapping.properties", props, "must map property names to columns")
        columns: dict[str, list[str]] = {}
        for name, cols in props.items():
            field = f"mapping.properties.{name}"
            if schema.get(name) is None:
                raise InvalidInput(field, name, f"{schema.name} has no such property")
            listed = [cols] if isinstance(cols, str) else cols
            if not isinstance(listed, list) or not all(isinstance(c, str) for c in listed):
                raise InvalidInput(field, cols, "must be a column name or a list of them")
            columns[name] = listed
        id_column = data.get("id_column")
        if id_column is not None and not isinstance(id_column, str):
            raise InvalidInput("mapping.id_column", id_column, "must be a column name")
        envelope = data.get("envelope") or {}
        if not isinstance(envelope, dict):
            raise InvalidInput("mapping.envelope", envelope, "must be an object")
        unknown = sorted(set(data) - {"schema", "properties", "id_column", "envelope"})
        if unknown:
            raise InvalidInput(f"mapping.{unknown[0]}", unknown[0], "unknown mapping key")
        return cls(schema.name, columns, id_column, envelope)

    def columns(self) -> set[str]:
        wanted = {c for cols in self.properties.values() for c in cols}
        return wanted | ({self.id_column} if self.id_column else set())


def csv_items(
    stream: TextIO, mapping: CsvMapping, options: SheetOptions | None = None
) -> Iterator[Item]:
    """A CSV's data lines as entities (the header names the columns). The delimiter
    is the options' or, if none is given, the one the header line is split by."""
    options = options or SheetOptions()
    try:
        first = next(iter(stream), "")
    except UnicodeDecodeError:
        yield 1, LineError(1, "header", "", "not UTF-8 text; nothing was read")
        return
    delimiter = options.delimiter or sniff_delimiter(first)
    reader = csv.reader(itertools.chain([first], stream), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        yield 1, LineError(1, "header", "", "the CSV has no header line")
        return
    problem = _missing(header, mapping)
    if problem is not None:
        yield 1, problem
        return
    index = {name: i for i, name in enumerate(header)}
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield reader.line_num, LineError(reader.line_num, "line", "", f"broken CSV: {exc}")
            continue
        except UnicodeDecodeError:
            number = reader.line_num + 1
            yield number, LineError(number, "line", "", "not UTF-8 text; nothing after it was read")
            return
        if not any(cell.strip() for cell in row):
            continue
        yield reader.line_num, _row_item(reader.line_num, row, header, index, mapping, options)


def xlsx_items(
    stream: IO[bytes], mapping: CsvMapping, options: SheetOptions | None = None
) -> Iterator[Item]:
    """The first worksheet of an XLSX workbook, read as a CSV with a header row."""
    options = options or SheetOptions()
    rows = xlsx_rows(stream)
    first = next(rows, None)
    if first is None:
        yield 1, LineError(1, "header", "", "the workbook's first sheet is empty")
        return
    header = [cell.strip() for cell in first[1]]
    while header and not header[-1]:  # empty trailing cells a spreadsheet keeps
        header.pop()
    problem = _missing(header, mapping)
    if problem is not None:
        yield 1, problem
        return
    index = {name: i for i, name in enumerate(header)}
    for number, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        row = (row + [""] * len(header))[: len(header)] if len(row) != len(header) else row
        yield number, _row_item(number, row, header, index, mapping, options)


def _missing(header: list[str], mapping: CsvMapping) -> LineError | None:
    missing = sorted(mapping.columns() - set(header))
    if not missing:
        return None
    shown = ",".join(header)[:80]
    return LineError(1, "header", shown, f"missing column(s): {', '.join(missing)}")


def _row_item(
    number: int,
    row: list[str],
    header: list[str],
    index: dict[str, int],
    mapping: CsvMapping,
    options: SheetOptions,
) -> dict[str, Any] | LineError:
    item = _csv_row(number, row, header, index, mapping)
    if isinstance(item, LineError):
        return item
    try:
        item["properties"] = localise(mapping.schema, item["properties"], options)
    except InvalidInput as exc:
        return LineError(number, exc.field, exc.value, exc.reason)
    return item


def _csv_row(
    number: int, row: list[str], header: list[str], index: dict[str, int], mapping: CsvMapping
) -> dict[str, Any] | LineError:
    if len(row) != len(header):
        return LineError(
            number, "line", ",".join(row)[:80], f"expected {len(header)} columns, got {len(row)}"
        )
    properties = {
        name: [row[index[c]].strip() for c in cols if row[index[c]].strip()]
        for name, cols in mapping.properties.items()
    }
    properties = {k: v for k, v in properties.items() if v}
    entity_id = row[index[mapping.id_column]].strip() if mapping.id_column else None
    if not entity_id:
        key = orjson.dumps([mapping.schema, sorted(properties.items())])
        entity_id = "csv-" + hashlib.sha1(key, usedforsecurity=False).hexdigest()
    return {"id": entity_id, "schema": mapping.schema, "properties": properties}
