"""A record: one entity in its envelope, at one version.

Versions are never overwritten. A deletion is a new version that is a
tombstone: it keeps the record id, schema and envelope but no entity data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from followthemoney import EntityProxy

from liaison.errors import InvalidEnvelope
from liaison.model.envelope import Envelope
from liaison.model.ids import canonical_json


@dataclass(frozen=True)
class Record:
    record_id: str
    version: int
    schema: str
    entity_id: str
    properties: dict[str, list[str]]
    envelope: Envelope
    caption: str
    created: dt.datetime
    modified: dt.datetime
    created_by: str
    modified_by: str
    deleted: bool = False
    reason: str | None = None

    @property
    def entity(self) -> dict[str, Any]:
        return {"id": self.entity_id, "schema": self.schema, "properties": self.properties}

    @cached_property
    def content_hash(self) -> str:
        """SHA-256 of the canonical JSON of entity, envelope and deletion flag.

        Assembled from the envelope's cached canonical bytes (bulk imports share
        a few envelopes); equal to ``content_hash({"deleted", "entity", "envelope"})``,
        which a test checks.
        """
        body = b"".join(
            (
                b'{"deleted":',
                b"true" if self.deleted else b"false",
                b',"entity":',
                canonical_json(self.entity),
                b',"envelope":',
                self.envelope.canonical,
                b"}",
            )
        )
        return hashlib.sha256(body).hexdigest()

    def tombstone(self, reason: str, by: str, at: dt.datetime) -> Record:
        """The next version, marking the record deleted: no entity data, the reason kept."""
        return replace(
            self,
            version=self.version + 1,
            properties={},
            deleted=True,
            reason=reason,
            modified=at,
            modified_by=by,
        )

    def same_content(self, other: Record) -> bool:
        """Whether two versions hold the same entity, envelope and deletion state."""
        return self.content_hash == other.content_hash

    def to_dict(self) -> dict[str, Any]:
        return {
            "record_id": self.record_id,
            "version": self.version,
            "entity": self.entity,
            "caption": self.caption,
            "envelope": self.envelope.to_dict(),
            "created": self.created.isoformat(),
            "modified": self.modified.isoformat(),
            "created_by": self.created_by,
            "modified_by": self.modified_by,
            "deleted": self.deleted,
            "reason": self.reason,
            "content_hash": self.content_hash,
        }


def check_envelope_fits(proxy: EntityProxy, envelope: Envelope) -> None:
    """Rules that need both the entity and the envelope."""
    if envelope.subject_category is not None and not proxy.schema.is_a("Person"):
        raise InvalidEnvelope(
            "subject_category",
            envelope.subject_category.value,
            f"applies to persons only, not to {proxy.schema.name}",
        )
