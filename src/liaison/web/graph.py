"""Records as Cytoscape.js elements, for the link-analysis page. Pure: no I/O.

A record is a node, coloured by its originator (this node, or each partner in
a stable colour of its own) and bordered in its TLP colour. A record of a link
schema (Associate, Ownership, Membership...) whose two ends are both in the
graph is drawn as an edge between them, labelled with the schema's relation;
any other reference (``Passport.holder``, a link whose other end is missing) is
an edge from the referring record, labelled with the property.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from liaison.model.entities import get_schema
from liaison.model.records import Record
from liaison.node.graph import entity_properties

OWN_COLOUR = "#1f4e79"
#: partner colours, told apart from the own colour and from each other
PALETTE = ("#d1495b", "#2a9d8f", "#8e6c8a", "#e9a03b", "#5c946e", "#b5651d", "#6a4c93", "#3d5a80")
TLP_BORDER = {
    "RED": "#e00000",
    "AMBER+STRICT": "#ffc000",
    "AMBER": "#ffc000",
    "GREEN": "#33aa00",
    "CLEAR": "#9aa5b1",
}
DEFAULT_TLP = "AMBER+STRICT"  # an unmarked record is treated as AMBER+STRICT


@dataclass(frozen=True)
class GraphRecord:
    """What the graph shows of a record."""

    record_id: str
    entity_id: str
    schema: str
    caption: str
    originator: str
    tlp: str | None
    classification: str | None
    refs: Mapping[str, tuple[str, ...]]  # property -> entity ids

    @classmethod
    def of(cls, record: Record) -> GraphRecord:
        markings = record.envelope.markings
        level = markings.classification
        return cls(
            record_id=record.record_id,
            entity_id=record.entity_id,
            schema=record.schema,
            caption=record.caption,
            originator=record.envelope.originator,
            tlp=markings.tlp.value if markings.tlp else None,
            classification=level.name if level is not None else None,
            refs=references(record.schema, record.properties),
        )


def references(schema: str, properties: Mapping[str, list[str]]) -> dict[str, tuple[str, ...]]:
    """Entity-typed property -> the entity ids it names (only those set)."""
    return {
        name: tuple(properties[name]) for name in entity_properties(schema) if properties.get(name)
    }


@dataclass(frozen=True)
class Origin:
    originator: str
    name: str | None
    colour: str
    index: int | None  # None: this node; else the partner's palette slot (CSS class)


def origin(originator: str, holder: str, names: Mapping[str, str]) -> Origin:
    """This node's colour, or the partner's: its place among the known partners
    (sorted by node id), so colours stay the same as the graph grows."""
    if originator == holder:
        return Origin(originator, None, OWN_COLOUR, None)
    known = sorted(names)
    if originator in known:
        slot = known.index(originator) % len(PALETTE)
    else:
        slot = int(hashlib.sha256(originator.encode()).hexdigest()[:8], 16) % len(PALETTE)
    return Origin(originator, names.get(originator), PALETTE[slot], slot)


def tlp_border(tlp: str | None) -> str:
    return TLP_BORDER.get(tlp or DEFAULT_TLP, TLP_BORDER[DEFAULT_TLP])


@dataclass(frozen=True)
class Elements:
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    legend: list[Origin]
    capped: bool

    def to_json(self, limit: int) -> dict[str, Any]:
        legend = [
            {"originator": o.originator, "name": o.name, "colour": o.colour, "slot": o.index}
            for o in self.legend
        ]
        return {
            "nodes": self.nodes,
            "edges": self.edges,
            "legend": legend,
            "capped": self.capped,
            "limit": limit,
        }


def build(
    centre: GraphRecord,
    neighbours: Sequence[GraphRecord],
    holder: str,
    names: Mapping[str, str],
    limit: int,
) -> Elements:
    """The centre and at most ``limit`` neighbours as nodes and edges."""
    shown = [centre, *neighbours[:limit]]
    by_entity = _by_entity(shown)
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    for record in shown:
        ends = link_ends(record, by_entity)
        if ends and record is not centre:
            edges += ends
            continue
        nodes.append(node(record, holder, names, record is centre))
        edges += role_edges(record, by_entity)
    legend = _legend(shown, holder, names)
    return Elements(nodes, _only_between(edges, nodes), legend, len(neighbours) > limit)


def node(
    record: GraphRecord, holder: str, names: Mapping[str, str], centre: bool
) -> dict[str, Any]:
    owner = origin(record.originator, holder, names)
    return {
        "data": {
            "id": record.record_id,
            "label": record.caption or record.schema,
            "schema": record.schema,
            "originator": record.originator,
            "own": owner.index is None,
            "colour": owner.colour,
            "tlp": record.tlp or DEFAULT_TLP,
            "border": tlp_border(record.tlp),
            "classification": record.classification,
            "url": f"/records/{record.record_id}",
            "centre": centre,
        }
    }


def link_ends(record: GraphRecord, by_entity: Mapping[str, list[str]]) -> list[dict[str, Any]]:
    """A link schema's record as edges between its ends (empty when not a link
    or when an end is not in the graph)."""
    schema = get_schema(record.schema)
    if not schema.edge or not schema.edge_source or not schema.edge_target:
        return []
    sources = _records_of(record.refs.get(schema.edge_source, ()), by_entity)
    targets = _records_of(record.refs.get(schema.edge_target, ()), by_entity)
    label = str(schema.edge_label or schema.label)
    return [
        _edge(f"{record.record_id}:{s}:{t}", s, t, label, record.record_id, record.schema)
        for s in sources
        for t in targets
        if s != t
    ]


def role_edges(record: GraphRecord, by_entity: Mapping[str, list[str]]) -> list[dict[str, Any]]:
    """An edge from the record to every record its properties reference."""
    schema = get_schema(record.schema)
    out = []
    for prop, values in sorted(record.refs.items()):
        found = schema.get(prop)
        label = str(found.label) if found is not None else prop
        for target in _records_of(values, by_entity):
            if target != record.record_id:
                edge_id = f"{record.record_id}:{prop}:{target}"
                out.append(_edge(edge_id, record.record_id, target, label, None, None))
    return out


def _edge(
    edge_id: str, source: str, target: str, label: str, record: str | None, schema: str | None
) -> dict[str, Any]:
    data = {"id": edge_id, "source": source, "target": target, "label": label}
    if record is not None:
        data.update(record=record, schema=schema or "", url=f"/records/{record}")
    return {"data": data}


def _by_entity(records: Iterable[GraphRecord]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for record in records:
        out.setdefault(record.entity_id, []).append(record.record_id)
    return out


def _records_of(entity_ids: Iterable[str], by_entity: Mapping[str, list[str]]) -> list[str]:
    return [rid for eid in entity_ids for rid in by_entity.get(eid, ())]


def _only_between(edges: list[dict[str, Any]], nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Edges whose both ends are nodes (a link drawn as an edge is not a node)."""
    ids = {n["data"]["id"] for n in nodes}
    unique = {e["data"]["id"]: e for e in edges}
    return [e for e in unique.values() if e["data"]["source"] in ids and e["data"]["target"] in ids]


def _legend(records: Iterable[GraphRecord], holder: str, names: Mapping[str, str]) -> list[Origin]:
    found = {r.originator: origin(r.originator, holder, names) for r in records}
    return sorted(found.values(), key=lambda o: (o.index is not None, o.name or o.originator))
