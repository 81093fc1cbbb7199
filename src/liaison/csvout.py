"""The one CSV writer: every CSV the project produces (the screening reports of
the web page and of ``liaison screen``) goes through it.

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


__all__ = ["FORMULA_STARTS", "cell", "records_to_csv", "to_csv"]
