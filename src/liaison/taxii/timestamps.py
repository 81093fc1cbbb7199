"""TAXII and STIX timestamps: RFC 3339 in UTC with a ``Z``.

Dates added are written with microseconds, so that a client that sends the
``X-TAXII-Date-Added-Last`` it was given back as ``added_after`` resumes
exactly after the last object it received.
"""

from __future__ import annotations

import datetime as dt

from liaison.errors import InvalidInput


def format_timestamp(moment: dt.datetime) -> str:
    """``2026-12-07T03:05:00.123456Z``; a naive moment is taken as UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds") + "Z"


def parse_timestamp(field: str, text: str) -> dt.datetime:
    """An aware UTC moment from an RFC 3339 timestamp; anything else is refused
    naming ``field``."""
    value = text.strip()
    if "T" not in value.upper():
        raise InvalidInput(field, text, "not a timestamp (e.g. 2026-01-31T12:00:00.000Z)")
    try:
        moment = dt.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(field, text, "not a timestamp (e.g. 2026-01-31T12:00:00.000Z)") from None
    if moment.tzinfo is None:
        raise InvalidInput(field, text, "a timestamp must say its zone (Z for UTC)")
    return moment.astimezone(dt.UTC)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """An aware UTC moment; a naive one (as SQLite returns) is taken as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)
