"""The link-analysis element builder: pure functions, no database."""

from __future__ import annotations

import re

from liaison.web import STATIC
from liaison.web.graph import (
    OWN_COLOUR,
    PALETTE,
    TLP_BORDER,
    GraphRecord,
    build,
    origin,
    references,
)

HOLDER = "lsn-manila"
PARTNER = "lsn-moscow"
NAMES = {PARTNER: "moscow", "lsn-bangkok": "bangkok"}


def rec(
    record_id: str,
    schema: str = "Person",
    originator: str = HOLDER,
    tlp: str | None = None,
    **refs: tuple[str, ...],
) -> GraphRecord:
    return GraphRecord(
        record_id, f"e-{record_id}", schema, record_id.title(), originator, tlp, None, refs
    )


def test_references_are_the_entity_typed_properties() -> None:
    found = references("Associate", {"person": ["e1"], "associate": ["e2"], "relationship": ["x"]})
    assert found == {"associate": ("e2",), "person": ("e1",)}
    assert references("Passport", {"holder": ["e1"], "number": ["123"]}) == {"holder": ("e1",)}
    assert references("Person", {"name": ["Ivan"]}) == {}


def test_nodes_are_coloured_by_originator_and_bordered_by_tlp() -> None:
    centre = rec("ivan", tlp="RED")
    other = rec("petr", originator=PARTNER, tlp="GREEN")
    unknown = rec("anna", originator="lsn-elsewhere")
    elements = build(centre, [other, unknown], HOLDER, NAMES, 50)
    data = {n["data"]["id"]: n["data"] for n in elements.nodes}
    assert data["ivan"]["colour"] == OWN_COLOUR and data["ivan"]["own"]
    assert data["ivan"]["border"] == TLP_BORDER["RED"] and data["ivan"]["centre"]
    assert data["petr"]["colour"] == PALETTE[sorted(NAMES).index(PARTNER)]
    assert data["petr"]["border"] == TLP_BORDER["GREEN"] and not data["petr"]["own"]
    assert data["anna"]["colour"] in PALETTE
    assert data["anna"]["tlp"] == "AMBER+STRICT"  # unmarked: the safe default
    assert data["anna"]["url"] == "/records/anna"
    legend = [(o.originator, o.name) for o in elements.legend]
    assert legend[0] == (HOLDER, None)  # this node first
    assert (PARTNER, "moscow") in legend and ("lsn-elsewhere", None) in legend


def test_partner_colours_are_stable_as_the_graph_grows() -> None:
    first = origin(PARTNER, HOLDER, NAMES)
    assert origin(PARTNER, HOLDER, NAMES) == first
    assert origin("lsn-bangkok", HOLDER, NAMES).colour != first.colour
    assert origin(HOLDER, HOLDER, NAMES).index is None


def test_a_link_schema_is_an_edge_between_its_ends() -> None:
    ivan, petr = rec("ivan"), rec("petr", originator=PARTNER)
    link = rec("link", "Associate", person=("e-ivan",), associate=("e-petr",))
    elements = build(ivan, [link, petr], HOLDER, NAMES, 50)
    assert {n["data"]["id"] for n in elements.nodes} == {"ivan", "petr"}
    (edge,) = elements.edges
    assert (edge["data"]["source"], edge["data"]["target"]) == ("ivan", "petr")
    assert edge["data"]["record"] == "link" and edge["data"]["schema"] == "Associate"
    assert edge["data"]["label"] == "associated with"


def test_other_references_are_edges_labelled_with_the_role() -> None:
    ivan = rec("ivan")
    passport = rec("passport", "Passport", holder=("e-ivan",))
    elements = build(ivan, [passport], HOLDER, NAMES, 50)
    assert {n["data"]["id"] for n in elements.nodes} == {"ivan", "passport"}
    (edge,) = elements.edges
    assert (edge["data"]["source"], edge["data"]["target"]) == ("passport", "ivan")
    assert edge["data"]["label"] == "Identification holder"
    assert "record" not in edge["data"]


def test_a_link_missing_an_end_is_a_node_with_its_role_edge() -> None:
    ivan = rec("ivan")
    link = rec("link", "Associate", person=("e-ivan",), associate=("e-unseen",))
    elements = build(ivan, [link], HOLDER, NAMES, 50)
    assert {n["data"]["id"] for n in elements.nodes} == {"ivan", "link"}
    assert [(e["data"]["source"], e["data"]["target"]) for e in elements.edges] == [
        ("link", "ivan")
    ]


def test_neighbours_are_capped_and_the_cap_is_told() -> None:
    ivan = rec("ivan")
    passports = [rec(f"p{i:02}", "Passport", holder=("e-ivan",)) for i in range(5)]
    elements = build(ivan, passports, HOLDER, NAMES, 3)
    assert len(elements.nodes) == 4 and len(elements.edges) == 3
    assert elements.capped
    assert elements.to_json(3)["capped"] and elements.to_json(3)["limit"] == 3
    assert not build(ivan, passports, HOLDER, NAMES, 5).capped


def test_the_legend_swatches_have_the_nodes_colours() -> None:
    """A partner's nodes and its legend swatch are the same colour: the stylesheet's
    ``origin-<slot>`` classes are the palette the nodes are filled with, and the
    script never tints a node (selection is an outline, the TLP border outside)."""
    css = (STATIC / "css" / "graph.css").read_text()
    found = dict(re.findall(r"\.origin-(own|\d+) \{ background: (#[0-9a-f]{6}); \}", css))
    assert found == {"own": OWN_COLOUR, **{str(i): c for i, c in enumerate(PALETTE)}}
    script = (STATIC / "js" / "graph.js").read_text()
    assert '"border-position": "outside"' in script
    assert '"overlay-opacity": 0' in script and '"overlay-color"' not in script
