"""Link analysis: a record's neighbourhood as an interactive graph (Cytoscape.js),
with the same neighbours as a plain list of links for keyboard and screen-reader
users. ``/graph/data`` answers the page's script with Cytoscape elements."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import JSONResponse, Response

from liaison.api.deps import NodeDep
from liaison.node import Node
from liaison.web.forms import schema_label
from liaison.web.graph import Elements, GraphRecord, build
from liaison.web.render import render
from liaison.web.session import UserDep, WebUser

router = APIRouter()

LIMIT = 50  # neighbours per expansion; the page says when more were left out
RecordQuery = Annotated[str | None, Query(max_length=64)]


@router.get("/graph")
def graph_page(
    request: Request, node: NodeDep, user: UserDep, record: RecordQuery = None
) -> Response:
    if not record:
        return render(
            request,
            "graph.html",
            user,
            record=None,
            elements=None,
            limit=LIMIT,
            schema_label=schema_label,
        )
    elements = neighbourhood(node, user, record.strip())
    labels = {n["data"]["id"]: n["data"]["label"] for n in elements.nodes}
    return render(
        request,
        "graph.html",
        user,
        record=record.strip(),
        elements=elements,
        labels=labels,
        limit=LIMIT,
        schema_label=schema_label,
    )


@router.get("/graph/data")
def graph_data(
    node: NodeDep, user: UserDep, record: Annotated[str, Query(max_length=64)]
) -> Response:
    return JSONResponse(neighbourhood(node, user, record.strip()).to_json(LIMIT))


def neighbourhood(node: Node, user: WebUser, record_id: str) -> Elements:
    found = node.graph.neighbourhood(user.actor, record_id, LIMIT)
    neighbours = [GraphRecord.of(r) for r in found.neighbours]
    elements = build(GraphRecord.of(found.centre), neighbours, found.holder, found.names, LIMIT)
    capped = elements.capped or found.capped
    return Elements(elements.nodes, elements.edges, elements.legend, capped)
