"""Turning client input into the next version of a record: validation and
assembly without I/O, so that bulk import can run it in worker processes."""

from __future__ import annotations

from typing import Any

from followthemoney import EntityProxy

from liaison.audit.log import Clock, utcnow
from liaison.errors import ForeignRecord, InvalidInput
from liaison.model.entities import entity_names, parse_entity
from liaison.model.envelope import Envelope
from liaison.model.ids import new_entity_id, record_id_for
from liaison.model.records import Record, check_envelope_fits
from liaison.model.roles import Actor
from liaison.storage.records import names_text


class RecordBuilder:
    def __init__(self, node_id: str, review_years: int, clock: Clock = utcnow) -> None:
        self.node_id = node_id
        self.review_years = review_years
        self.clock = clock

    def build(
        self, actor: Actor, entity: Any, envelope: Any, previous: Record | None = None
    ) -> tuple[Record, str]:
        """Validate an entity and envelope into the next version; also return its names text."""
        entity = as_object("entity", entity)
        entity_id = previous.entity_id if previous else entity.get("id") or new_entity_id()
        if previous and entity.get("id") not in (None, previous.entity_id):
            raise InvalidInput(
                "entity.id", entity.get("id"), "the entity id of a record never changes"
            )
        if previous and entity.get("schema") not in (None, previous.schema):
            raise InvalidInput("entity.schema", entity.get("schema"), "the schema never changes")
        proxy = parse_entity(entity, entity_id)
        if isinstance(envelope, Envelope):
            parsed = envelope
        else:
            parsed = self.parse_envelope(as_object("envelope", envelope), previous)
        check_envelope_fits(proxy, parsed)
        return self._assemble(actor, proxy, parsed, previous)

    def parse_envelope(self, envelope: dict[str, Any], previous: Record | None = None) -> Envelope:
        """The envelope a client sent, with the node's defaults filled in.

        For a new version, a field the client leaves out keeps its previous value
        (``markings`` and ``evaluation`` count as one field each): leaving the
        envelope out of an update never strips a record's markings.
        """
        claimed = envelope.get("originator")
        if claimed is not None and claimed != self.node_id:
            reason = (
                f"the record belongs to {claimed}; a node writes only its own records "
                "(a received copy is never re-stamped as this node's)"
            )
            raise ForeignRecord("envelope.originator", claimed, reason)
        if previous is not None:
            kept = previous.envelope.to_dict()
            kept.pop("originator")
            envelope = {**kept, **envelope}
        parsed = Envelope.from_dict(envelope, originator=self.node_id)
        return parsed.with_defaults(self.clock().date(), self.review_years)

    def _assemble(
        self, actor: Actor, proxy: EntityProxy, envelope: Envelope, previous: Record | None
    ) -> tuple[Record, str]:
        now = self.clock()
        assert proxy.id is not None
        record = Record(
            record_id=previous.record_id if previous else record_id_for(self.node_id, proxy.id),
            version=previous.version + 1 if previous else 1,
            schema=proxy.schema.name,
            entity_id=proxy.id,
            properties={k: list(v) for k, v in proxy.properties.items()},
            envelope=envelope,
            caption=proxy.caption,
            created=previous.created if previous else now,
            modified=now,
            created_by=previous.created_by if previous else actor.label,
            modified_by=actor.label,
        )
        return record, names_text(entity_names(proxy))


def as_object(name: str, value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidInput(name, value, "must be an object")
    return value
