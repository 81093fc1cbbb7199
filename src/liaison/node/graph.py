"""Link analysis: a record and its neighbours, the records it references and the
records that reference it (FtM entity-typed properties such as
``Associate.person`` or ``Passport.holder``), own and received copies alike.

Read-only. Visibility is the records service's: the centre is checked with
``may_view`` (a record above the reader's clearance is "not found"), the
neighbours are filtered in SQL by ``visible_to`` (clearance, TLP:RED) and then
by the same local policy decision, so nothing the reader may not open shows up
as a neighbour. One audit entry per neighbourhood read.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from followthemoney import registry
from sqlalchemy import Connection, and_, select

from liaison.audit.chain import Action
from liaison.errors import NotFound
from liaison.model.entities import get_schema
from liaison.model.records import Record
from liaison.model.roles import Actor
from liaison.node.context import NO_REASON, NodeContext, Why
from liaison.node.decisions import local_decisions, may_view
from liaison.policy.decide import Use
from liaison.policy.permissions import Permission
from liaison.storage import federation as federation_store
from liaison.storage import records as store
from liaison.storage.bulk import chunks
from liaison.storage.tables import copies, record_versions, records

LIMIT_MAX = 200


@dataclass(frozen=True)
class Neighbourhood:
    """A record, the neighbours the reader may see (at most ``limit``), whether
    more were left out, and the names of the partners that own any of them."""

    centre: Record
    neighbours: list[Record]
    capped: bool
    holder: str  # this node's id: records it originated are "own"
    names: dict[str, str] = field(default_factory=dict)


class GraphService:
    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx

    def neighbourhood(
        self, actor: Actor, record_id: str, limit: int = 50, why: Why = NO_REASON
    ) -> Neighbourhood:
        limit = max(1, min(limit, LIMIT_MAX))
        with self.ctx.guard(actor, why):
            self.ctx.permit(actor, Permission.RECORD_READ, Action.RECORD_READ, record_id)
            with self.ctx.tx() as conn:
                centre = _centre(conn, record_id)
                may_view(self.ctx, conn, actor, [centre], Action.RECORD_READ)
                found = self._neighbours(conn, actor, centre, limit + 1)
                names = {row.node_id: row.name for row in federation_store.all_peers(conn)}
                self.ctx.record(
                    conn,
                    actor,
                    Action.RECORD_SEARCH,
                    record_id,
                    why,
                    view="graph",
                    returned=min(len(found), limit),
                )
        return Neighbourhood(centre, found[:limit], len(found) > limit, self.ctx.node_id, names)

    def _neighbours(
        self, conn: Connection, actor: Actor, centre: Record, wanted: int
    ) -> list[Record]:
        """Records that reference the centre, then the entities it and they
        reference (a link's other end); each set filtered before it is used."""
        mentioning = [] if centre.deleted else _referencing(conn, centre.entity_id)
        mentioning = [i for i in mentioning if i != centre.record_id]
        linking = [
            r
            for r in self._visible(conn, actor, mentioning, wanted)
            if centre.entity_id in referenced(r.schema, r.properties)
        ]
        entity_ids = set(referenced(centre.schema, centre.properties))
        for record in linking:
            entity_ids.update(referenced(record.schema, record.properties))
        seen = {centre.record_id} | {r.record_id for r in linking}
        others = [i for i in _by_entity(conn, entity_ids) if i not in seen]
        return (linking + self._visible(conn, actor, others, wanted))[:wanted]

    def _visible(
        self, conn: Connection, actor: Actor, ids: Sequence[str], wanted: int
    ) -> list[Record]:
        """At most ``wanted`` of these records, loaded, that the reader may view:
        ``visible_ids`` in SQL first, then the local policy decision itself."""
        shown = store.visible_ids(conn, ids, actor.clearance, actor.username, self.ctx.node_id)
        chosen = sorted(shown)[:wanted]
        loaded = sorted(store.current_with_copies(conn, chosen), key=lambda r: r.record_id)
        decisions = local_decisions(self.ctx, conn, actor, loaded, Use.VIEW)
        return [
            record
            for record, decision in zip(loaded, decisions, strict=True)
            if decision.allowed and not record.deleted
        ]


def referenced(schema: str, properties: dict[str, list[str]]) -> list[str]:
    """The entity ids a record's entity-typed properties name, in order."""
    out: list[str] = []
    for name in entity_properties(schema):
        out += [v for v in properties.get(name, ()) if v not in out]
    return out


@functools.lru_cache(maxsize=256)
def entity_properties(schema: str) -> tuple[str, ...]:
    """A schema's properties that hold entity ids (not the reverse stubs)."""
    props = get_schema(schema).properties.values()
    return tuple(sorted(p.name for p in props if p.type == registry.entity and not p.stub))


def _centre(conn: Connection, record_id: str) -> Record:
    head = store.head(conn, record_id)
    record = None if head is None else store.load(conn, head)
    if record is None:
        raise NotFound("record", record_id)
    return record


def _by_entity(conn: Connection, entity_ids: Iterable[str]) -> list[str]:
    """Record ids (own and received) whose entity is one of these."""
    found: list[str] = []
    for chunk in chunks(sorted(entity_ids)):
        query = select(records.c.record_id).where(records.c.entity_id.in_(chunk))
        found += conn.execute(query).scalars()
    return found


def _referencing(conn: Connection, entity_id: str) -> list[str]:
    """Record ids whose current entity mentions the id (a quoted JSON string):
    candidates, confirmed by ``referenced`` once loaded."""
    quoted = f'"{entity_id}"'
    own = (
        select(records.c.record_id)
        .join(
            record_versions,
            and_(
                record_versions.c.record_id == records.c.record_id,
                record_versions.c.version == records.c.version,
            ),
        )
        .where(
            records.c.deleted.is_(False), record_versions.c.entity.contains(quoted, autoescape=True)
        )
    )
    received = select(copies.c.record_id).where(
        copies.c.level == "full",
        copies.c.deleted.is_(False),
        copies.c.entity.contains(quoted, autoescape=True),
    )
    return sorted(set(conn.execute(own).scalars()) | set(conn.execute(received).scalars()))
