"""TAXII 2.1 media types and the negotiation of a request's ``Accept`` header.

Every TAXII 2.1 answer is ``application/taxii+json;version=2.1``; a request
whose ``Accept`` names no range that covers it (another TAXII version,
``application/json`` alone, a range given ``q=0``) is answered 406.
"""

from __future__ import annotations

from dataclasses import dataclass

from liaison.errors import LiaisonError

TAXII = "application/taxii+json;version=2.1"
STIX = "application/stix+json;version=2.1"
VERSION = "2.1"


class NotAcceptable(LiaisonError):
    """The request's ``Accept`` names no range TAXII 2.1's media type satisfies (406)."""

    title = "Not acceptable"

    def __init__(self, accept: str) -> None:
        super().__init__(f"this server answers only {TAXII}; the request accepts {accept!r}")
        self.accept = accept

    def details(self) -> dict[str, str]:
        return {"accept": self.accept, "served": TAXII}


@dataclass(frozen=True)
class MediaRange:
    """One range of an ``Accept`` header: ``type/subtype``, its ``version``
    parameter (if any) and its quality."""

    kind: str
    version: str | None
    quality: float

    def covers_taxii(self) -> bool:
        if self.quality <= 0:
            return False
        if self.kind in ("*/*", "application/*"):
            return True
        return self.kind == "application/taxii+json" and self.version in (None, VERSION)


def parse_accept(header: str) -> list[MediaRange]:
    """The ranges of an ``Accept`` header; a malformed quality counts as 1."""
    ranges = []
    for part in header.split(","):
        kind, *params = (p.strip() for p in part.split(";"))
        if not kind:
            continue
        values = dict(_param(p) for p in params if "=" in p)
        ranges.append(MediaRange(kind.lower(), values.get("version"), _quality(values.get("q"))))
    return ranges


def accepts_taxii(header: str | None) -> bool:
    """Whether an answer in TAXII 2.1's media type satisfies ``header``; no header
    accepts anything (RFC 9110)."""
    if header is None or not header.strip():
        return True
    return any(r.covers_taxii() for r in parse_accept(header))


def _param(text: str) -> tuple[str, str]:
    name, _, value = text.partition("=")
    return name.strip().lower(), value.strip().strip('"')


def _quality(text: str | None) -> float:
    if text is None:
        return 1.0
    try:
        return float(text)
    except ValueError:
        return 1.0
