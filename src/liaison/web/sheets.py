"""An uploaded spreadsheet as the import page sees it, without I/O: which kind
of file it is, its header and how many lines it has (to map its columns and
measure the progress), the guess of which property each column fills, and the
posted mapping back into a ``CsvMapping``.

The file is read by the importer's own readers (``node.sources`` and
``node.spreadsheet``): here only the header line is split and the lines are
counted, with the same delimiter and the same rules for blank lines.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import re
from collections.abc import Callable, Generator, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from followthemoney.property import Property
from followthemoney.schema import Schema

from liaison.errors import InvalidInput
from liaison.model.entities import get_schema
from liaison.node.sources import CsvMapping, Item, csv_items, xlsx_items
from liaison.node.spreadsheet import SheetOptions, sniff_delimiter, xlsx_rows
from liaison.node.transfer import SheetKind
from liaison.web.forms import fields_for

MAX_COLUMNS = 200  # a header wider than this is refused (the mapping page lists them all)
EXAMPLES = 3  # data lines kept to show beside the columns
_ZIP = b"PK\x03\x04"  # an XLSX workbook is a zip archive
_SKIPPED_TYPES = frozenset({"html", "json", "mimetype", "checksum", "topic"})


@dataclass(frozen=True)
class Draft:
    """An upload between the import page's steps: what the user said about it,
    what the page read from it, and the jobs it started."""

    kind: SheetKind
    schema: str
    options: SheetOptions
    envelope: dict[str, Any]
    header: tuple[str, ...]
    lines: int | None  # data lines (blank ones are not lines); None: not counted yet
    examples: tuple[tuple[str, ...], ...] = ()
    mapping: CsvMapping | None = None
    check: str | None = None  # the dry run's job
    run: str | None = None  # the import's job
    chosen: dict[str, str] = field(default_factory=dict)  # the mapping form as posted


def sheet_kind(name: str, data: bytes) -> SheetKind:
    """XLSX by its zip signature or its name; else CSV, which must be text."""
    lowered = name.lower()
    if data.startswith(_ZIP) or lowered.endswith(".xlsx"):
        return SheetKind.XLSX
    if lowered.endswith((".xls", ".ods", ".numbers")):
        raise InvalidInput("file", name, "not a CSV or XLSX file; save the sheet as XLSX or CSV")
    if b"\x00" in data:
        raise InvalidInput("file", name, "not a CSV or XLSX file (binary data)")
    return SheetKind.CSV


def csv_text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        reason = "not UTF-8 text; save the sheet as CSV UTF-8"
        raise InvalidInput("file", f"byte {exc.start}", reason) from None


def read_sheet(
    kind: SheetKind, data: bytes, options: SheetOptions
) -> tuple[tuple[str, ...], int | None, tuple[tuple[str, ...], ...]]:
    """The header, the number of data lines and the first few of them. A CSV's
    lines are counted (quickly); a workbook's are not (reading a large one takes
    minutes, for the dry run's background job to spend): its count is None."""
    rows = _xlsx_lines(data) if kind is SheetKind.XLSX else _csv_lines(data, options)
    try:
        header = next(rows, None)
        if header is None or not any(cell.strip() for cell in header):
            raise InvalidInput("file", "header", "has no header line naming its columns")
        if len(header) > MAX_COLUMNS:
            raise InvalidInput("file", f"{len(header)} columns", f"has more than {MAX_COLUMNS}")
        examples = [_fit(row, header) for row in itertools.islice(rows, EXAMPLES)]
        if not examples:
            raise InvalidInput("file", "rows", "has no lines below its header")
        lines = None if kind is SheetKind.XLSX else len(examples) + sum(1 for _ in rows)
    finally:
        rows.close()
    return tuple(header), lines, tuple(examples)


def _fit(row: list[str], header: list[str]) -> tuple[str, ...]:
    return tuple((row + [""] * len(header))[: len(header)])


def _csv_lines(data: bytes, options: SheetOptions) -> Generator[list[str], None, None]:
    """A CSV's rows as ``csv_items`` reads them (the delimiter given or recognised
    from the header; blank lines skipped), up to the first line the CSV reader
    cannot read: ``csv_items`` stops there too, and the dry run reports it."""
    text = csv_text(data)
    first = text.split("\n", 1)[0]
    delimiter = options.delimiter or sniff_delimiter(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    with contextlib.suppress(csv.Error):
        yield from (row for row in reader if any(cell.strip() for cell in row))


def _xlsx_lines(data: bytes) -> Generator[list[str], None, None]:
    """The first worksheet's rows as ``xlsx_items`` reads them (the header's
    empty trailing cells dropped; blank rows skipped)."""
    rows = xlsx_rows(io.BytesIO(data))
    try:
        first = next(rows, None)
        if first is None:
            return
        header = [cell.strip() for cell in first[1]]
        while header and not header[-1]:
            header.pop()
        yield header
        yield from (row for _, row in rows if any(cell.strip() for cell in row))
    finally:  # close the workbook now (xlsx_rows is a generator, typed as an Iterator)
        getattr(rows, "close", lambda: None)()


def items_of(draft: Draft, data: bytes, mapping: CsvMapping) -> Callable[[], Iterable[Item]]:
    """The importer's reader over the held file, as ``import_items`` takes it."""
    if draft.kind is SheetKind.XLSX:
        return lambda: xlsx_items(io.BytesIO(data), mapping, draft.options)
    text = csv_text(data)
    return lambda: csv_items(io.StringIO(text, newline=""), mapping, draft.options)


# --- columns and properties ---------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    name: str
    label: str  # FollowTheMoney's English label


def property_options(schema: Schema) -> list[Option]:
    """The schema's properties a column may fill: those the record form shows,
    in its order, then every other one by label."""
    shown = [Option(f.name, f.label) for f in fields_for(schema)]
    known = {o.name for o in shown}
    others = [
        Option(p.name, str(p.label))
        for p in schema.properties.values()
        if p.name not in known and _mappable(p)
    ]
    return shown + sorted(others, key=lambda o: o.label.casefold())


def _mappable(prop: Property) -> bool:
    if prop.hidden or prop.stub or prop.deprecated:
        return False
    return prop.type.name not in _SKIPPED_TYPES


def _key(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def guesses(header: Iterable[str], options: Iterable[Option]) -> dict[int, str]:
    """Column index → the property whose name or label the column's name is,
    ignoring case, spaces and punctuation (``birth_date``, ``Birth date``)."""
    listed = list(options)
    by_key = {_key(o.label): o.name for o in reversed(listed)}  # the first label wins
    by_key |= {_key(o.name): o.name for o in listed}  # over which names win
    found = {i: by_key.get(_key(column)) for i, column in enumerate(header)}
    return {i: name for i, name in found.items() if name}


def id_guess(header: Iterable[str]) -> int | None:
    """The column named ``id`` (in any case), if there is one."""
    return next((i for i, column in enumerate(header) if _key(column) == "id"), None)


def unmappable(header: tuple[str, ...]) -> set[int]:
    """Columns that cannot be named in a mapping: empty or repeated names."""
    seen: dict[str, int] = {}
    for column in header:
        seen[column] = seen.get(column, 0) + 1
    return {i for i, column in enumerate(header) if not column.strip() or seen[column] > 1}


def mapping_from(posted: Mapping[str, str], draft: Draft) -> CsvMapping:
    """The mapping the form says: ``column.<i>`` is the property column ``i``
    fills (empty: not imported), ``id_column`` the index of the id column."""
    schema = get_schema(draft.schema)
    blocked = unmappable(draft.header)
    columns: dict[str, list[str]] = {}
    for i, column in enumerate(draft.header):
        name = posted.get(f"column.{i}", "")
        if not name:
            continue
        if i in blocked:
            raise InvalidInput(f"column.{i}", column, "has no name, or the same name as another")
        if schema.get(name) is None:
            raise InvalidInput(f"column.{i}", name, f"{schema.name} has no such property")
        columns.setdefault(name, []).append(column)
    if not columns:
        raise InvalidInput("mapping", "", "map at least one column to a property")
    missing = [str(schema.properties[p].label) for p in schema.required if p not in columns]
    if missing:
        reason = f"{schema.name} needs a column for: {', '.join(missing)}"
        raise InvalidInput("mapping", ", ".join(missing), reason)
    return CsvMapping.from_dict(
        {"schema": schema.name, "properties": columns, "id_column": _id_column(posted, draft)}
    )


def _id_column(posted: Mapping[str, str], draft: Draft) -> str | None:
    chosen = posted.get("id_column", "")
    if not chosen:
        return None
    if not chosen.isdigit() or int(chosen) >= len(draft.header):
        raise InvalidInput("id_column", chosen, "not a column of the file")
    if int(chosen) in unmappable(draft.header):
        raise InvalidInput("id_column", chosen, "has no name, or the same name as another")
    return draft.header[int(chosen)]
