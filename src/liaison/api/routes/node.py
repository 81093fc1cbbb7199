"""What this node is."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from liaison import __version__
from liaison.api.deps import NodeDep

router = APIRouter(tags=["node"])


@router.get("/node")
def node_info(node: NodeDep) -> dict[str, Any]:
    """The node id, name and public key (to pin when adding this node as a partner)."""
    info = node.info
    return {
        "node_id": info.node_id,
        "name": info.name,
        "public_key": info.public_key,
        "version": __version__,
    }
