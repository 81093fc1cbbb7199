"""Spreadsheets as they arrive from other systems: the delimiter, the date order
and the country of local phone numbers, and XLSX workbooks.

A CSV exported from a national system is often separated by semicolons, writes
dates as ``03/04/1980`` and phones as ``0917 123 4567``. FollowTheMoney refuses
those values, rightly: ``03/04/1980`` is the 3rd of April or the 4th of March,
and a local phone number means nothing without its country. The person who
imports the file knows; :class:`SheetOptions` is what they say, and
:func:`localise` turns each value into the form FollowTheMoney validates (ISO
dates, E.164 phones) before the usual validation runs. A value that does not
fit what was said is an error naming the property, the value and the order or
country it was read with; nothing is guessed.

Out: :func:`record_table` lays exported records out for a spreadsheet, with
their markings and their originator's name on every row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import IO, Any

import phonenumbers
from followthemoney import model
from followthemoney.types import registry

from liaison.errors import InvalidInput
from liaison.model.records import Record

#: Delimiters recognised in a CSV header when none is given.
DELIMITERS = (",", ";", "\t", "|")


class DateOrder(StrEnum):
    """How a file writes the day, month and year of ``03/04/1980``."""

    DMY = "dmy"
    MDY = "mdy"
    YMD = "ymd"

    @property
    def words(self) -> str:
        return {"dmy": "day/month/year", "mdy": "month/day/year", "ymd": "year/month/day"}[
            self.value
        ]


@dataclass(frozen=True)
class SheetOptions:
    """What the person importing a spreadsheet says about it. ``None`` leaves the
    values as they are (FollowTheMoney then validates them as written)."""

    delimiter: str | None = None  # None: recognised from the header line
    date_order: DateOrder | None = None
    phone_country: str | None = None  # ISO 3166-1 alpha-2, e.g. "PH"

    @classmethod
    def parse(
        cls,
        delimiter: str | None = None,
        date_order: str | None = None,
        phone_country: str | None = None,
    ) -> SheetOptions:
        """Options as typed on the command line, in a form or an API call."""
        if delimiter in ("", "auto"):
            delimiter = None
        if delimiter in ("tab", "\\t"):
            delimiter = "\t"
        if delimiter is not None and delimiter not in DELIMITERS:
            shown = ", ".join(repr(d) for d in DELIMITERS)
            raise InvalidInput("delimiter", delimiter, f"must be one of {shown}, tab or auto")
        order = None
        if date_order:
            try:
                order = DateOrder(date_order.lower())
            except ValueError:
                raise InvalidInput("date_order", date_order, "must be dmy, mdy or ymd") from None
        country = None
        if phone_country:
            country = phone_country.strip().upper()
            if country not in phonenumbers.SUPPORTED_REGIONS:
                reason = "not a country code phonenumbers knows (ISO 3166 alpha-2, e.g. PH, RU)"
                raise InvalidInput("phone_country", phone_country, reason)
        return cls(delimiter, order, country)

    def describe(self) -> dict[str, str]:
        """The options that are set, for audit entries and reports."""
        found = {
            "delimiter": self.delimiter,
            "date_order": self.date_order.value if self.date_order else None,
            "phone_country": self.phone_country,
        }
        return {k: v for k, v in found.items() if v}


def sniff_delimiter(header: str) -> str:
    """The candidate that splits the header line into the most columns (``,`` if none)."""
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


_ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_LOCAL = re.compile(r"^(\d{1,4})[./\- ](\d{1,2})[./\- ](\d{1,4})$")


def local_date(field: str, value: str, order: DateOrder) -> str:
    """``03/04/1980`` read in ``order`` as an ISO date; ISO dates pass as they are."""
    text = value.strip()
    if _ISO.match(text):
        return text
    found = _LOCAL.match(text)
    if found is None:
        raise InvalidInput(field, value, f"not a date written {order.words} (e.g. 31/12/1980)")
    a, b, c = found.groups()
    day, month, year = {
        DateOrder.DMY: (a, b, c),
        DateOrder.MDY: (b, a, c),
        DateOrder.YMD: (c, b, a),
    }[order]
    if len(year) != 4:
        reason = f"read {order.words}, the year is {year!r}: it needs four digits"
        raise InvalidInput(field, value, reason)
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        raise InvalidInput(field, value, f"no such date when read {order.words}") from None


def local_phone(field: str, value: str, country: str) -> str:
    """A phone written for ``country`` (``0917 123 4567``) in E.164; numbers that
    already carry their country code (``+63...``) pass as they are."""
    text = value.strip()
    if text.startswith("+"):
        return text
    try:
        parsed = phonenumbers.parse(text, country)
    except phonenumbers.NumberParseException:
        raise InvalidInput(field, value, f"not a phone number (read for {country})") from None
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidInput(field, value, f"not a valid phone number in {country}")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def localise(
    schema: str, properties: dict[str, list[str]], options: SheetOptions
) -> dict[str, list[str]]:
    """The properties with their dates and phones read as the options say."""
    if options.date_order is None and options.phone_country is None:
        return properties
    found = model.get(schema)
    if found is None:  # the mapping was checked; validation names the schema
        return properties
    out: dict[str, list[str]] = {}
    for name, values in properties.items():
        prop = found.get(name)
        field = f"properties.{name}"
        if prop is not None and prop.type == registry.date and options.date_order:
            values = [local_date(field, v, options.date_order) for v in values]
        elif prop is not None and prop.type == registry.phone and options.phone_country:
            values = [local_phone(field, v, options.phone_country) for v in values]
        out[name] = values
    return out


def xlsx_rows(stream: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    """The first worksheet's rows as text cells, numbered as the spreadsheet shows them.
    Dates become ISO dates; whole numbers lose the ``.0`` a spreadsheet stores."""
    from openpyxl import load_workbook  # only an XLSX import pays for it

    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, ValueError... on bad files
        reason = f"not an XLSX workbook ({type(exc).__name__})"
        raise InvalidInput("file", "xlsx", reason) from None
    try:
        sheet = book.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell_text(v) for v in row]
    finally:
        book.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


#: The columns every exported row starts with; the properties follow, by name.
RECORD_COLUMNS = (
    "record_id",
    "originator",
    "originator_name",
    "schema",
    "caption",
    "version",
    "modified",
    "tlp",
    "classification",
    "handling",
    "crime_area",
    "legal_basis",
)


def record_table(
    records: Iterable[Record], names: Mapping[str, str]
) -> tuple[list[str], list[list[str]]]:
    """Records as a table for a spreadsheet: who holds them (``names``: node id to
    the agency's name), their markings, then one column per property (values
    joined by ``; ``). Every row carries its record's markings: a spreadsheet
    travels on its own, and its rows with it."""
    held = list(records)
    properties = sorted({name for record in held for name in record.properties})
    header = [*RECORD_COLUMNS, *properties]
    rows = []
    for record in held:
        envelope = record.envelope
        markings = envelope.markings
        rows.append(
            [
                record.record_id,
                envelope.originator,
                names.get(envelope.originator, ""),
                record.schema,
                record.caption,
                str(record.version),
                record.modified.isoformat(timespec="seconds"),
                markings.tlp.value if markings.tlp else "",
                markings.classification.name if markings.classification is not None else "",
                " ".join(sorted(h.value for h in markings.handling)),
                envelope.crime_area.value if envelope.crime_area else "",
                envelope.legal_basis or "",
                *("; ".join(record.properties.get(name, ())) for name in properties),
            ]
        )
    return header, rows
