"""The one writer of tables for spreadsheets: every CSV and XLSX the project
produces (screening reports, spreadsheet exports of records) goes through it.

A cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return,
which some spreadsheets skip before one) is run as a formula when the file is
opened in a spreadsheet: a name or a note from a partner's record could then
fetch a URL or run a command on the analyst's machine (CSV injection). Such a
cell is written with a leading apostrophe, which spreadsheets show as text.
Numbers are written as they are: a negative score is a value, not a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """The value as it may be written to a CSV cell."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV text: the header, then each row, every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([cell(name) for name in header])
    writer.writerows([cell(value) for value in row] for row in rows)
    return buffer.getvalue()


def records_to_csv(fields: Sequence[str], records: Iterable[Mapping[str, Any]]) -> str:
    """CSV text of mappings: the named fields in order, others left out."""
    return to_csv(fields, ([record.get(name, "") for name in fields] for record in records))


def to_xlsx(header: Sequence[str], rows: Iterable[Sequence[Any]], title: str = "Liaison") -> bytes:
    """An XLSX workbook of one sheet: the header (bold, frozen), then each row. A
    text cell is always stored as a string cell, which no spreadsheet runs (openpyxl
    would otherwise write ``=...`` as a formula): unlike a CSV's, the text needs no
    apostrophe and keeps its value."""
    from openpyxl import Workbook  # only a spreadsheet export pays for it
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    heading = []
    for name in header:
        item = WriteOnlyCell(sheet, value=name)
        item.data_type = "s"
        item.font = bold
        heading.append(item)
    sheet.append(heading)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    if not isinstance(value, str):
        return value
    item = WriteOnlyCell(sheet, value=value)
    item.data_type = "s"  # text as text: never parsed as a formula, a number or a date
    return item


__all__ = ["FORMULA_STARTS", "cell", "records_to_csv", "to_csv", "to_xlsx"]
