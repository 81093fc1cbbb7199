"""TAXII 2.1's resources as pydantic models: what each endpoint answers, so
that the OpenAPI document says it. Optional fields left out are not sent
(routes serialise with ``exclude_none``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from liaison.taxii.media import STIX, TAXII
from liaison.taxii.pages import Entry, Page
from liaison.taxii.timestamps import format_timestamp


class Discovery(BaseModel):
    """``GET /taxii2/``: the server and its API roots."""

    title: str
    description: str | None = None
    contact: str | None = None
    default: str | None = None
    api_roots: list[str] = Field(default_factory=list)


class ApiRoot(BaseModel):
    title: str
    description: str | None = None
    versions: list[str] = Field(default_factory=lambda: [TAXII])
    max_content_length: int


class Collection(BaseModel):
    id: str
    title: str
    description: str | None = None
    alias: str | None = None
    can_read: bool
    can_write: bool = False
    media_types: list[str] = Field(default_factory=lambda: [STIX])


class Collections(BaseModel):
    collections: list[Collection] | None = None


class Envelope(BaseModel):
    """A page of objects."""

    more: bool | None = None
    next: str | None = None
    objects: list[dict[str, Any]] | None = None

    @classmethod
    def of(cls, page: Page) -> Envelope:
        objects = [dict(e.object) for e in page.entries]
        return cls(more=page.more, next=_next(page), objects=objects or None)


class ManifestRecord(BaseModel):
    id: str
    date_added: str
    version: str
    media_type: str = STIX

    @classmethod
    def of(cls, entry: Entry) -> ManifestRecord:
        return cls(id=entry.id, date_added=format_timestamp(entry.added), version=entry.version)


class Manifest(BaseModel):
    more: bool | None = None
    next: str | None = None
    objects: list[ManifestRecord] | None = None

    @classmethod
    def of(cls, page: Page) -> Manifest:
        records = [ManifestRecord.of(e) for e in page.entries]
        return cls(more=page.more, next=_next(page), objects=records or None)


class Versions(BaseModel):
    more: bool | None = None
    next: str | None = None
    versions: list[str] | None = None


class Error(BaseModel):
    """TAXII 2.1's error message (``http_status`` is a string, as TAXII has it)."""

    title: str
    description: str | None = None
    error_id: str | None = None
    error_code: str | None = None
    http_status: str | None = None
    external_details: str | None = None
    details: dict[str, Any] | None = None


def _next(page: Page) -> str | None:
    return page.next.encode() if page.next is not None else None
