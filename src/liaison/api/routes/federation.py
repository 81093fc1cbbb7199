"""Federation: the inbox other nodes post signed messages to, peers, and the
disclosure register (sending an agreement is with the agreements routes)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from liaison.api.deps import ActorDep, NodeDep, WhyDep
from liaison.api.wire import Limit
from liaison.node.courier import sync_now

router = APIRouter(tags=["federation"])


@router.post("/federation/inbox")
async def inbox(request: Request, node: NodeDep) -> Response:
    """A signed message from a peer node (changes, pull, agreement). No bearer
    token: the message's Ed25519 signature by the pinned peer key is the
    authentication. The answer is a signed message too."""
    raw = await request.body()
    reply = await run_in_threadpool(node.federation.receive, raw)
    return Response(reply, media_type="application/json")


class PeerIn(BaseModel):
    name: str = Field(max_length=63)
    url: str = Field(max_length=500)
    key: str = Field(max_length=100)
    cert: str | None = Field(default=None, max_length=20_000)


@router.get("/peers")
def list_peers(node: NodeDep, actor: ActorDep) -> list[dict[str, Any]]:
    """Each peer's state: reachable, last delivery, queue depth, last error."""
    return node.federation.peers(actor)


@router.post("/peers", status_code=201)
def add_peer(body: PeerIn, node: NodeDep, actor: ActorDep, why: WhyDep) -> dict[str, Any]:
    """Pin a partner node: name, URL, Ed25519 public key, TLS certificate (PEM)."""
    return node.federation.add_peer(actor, body.name, body.url, body.key, body.cert, why)


@router.post("/peers/sync")
async def sync(
    node: NodeDep, actor: ActorDep, peer: Annotated[str | None, Query(max_length=63)] = None
) -> dict[str, Any]:
    """Push what waits and pull what was missed, now (with one peer, or all)."""
    node.federation.may_sync(actor)
    pushed, pulled = await sync_now(node.federation, peer)
    return {"pushed": pushed, "pulled": pulled, "peers": node.federation.peers(actor)}


@router.get("/disclosures")
def disclosures(
    node: NodeDep,
    actor: ActorDep,
    peer: Annotated[str | None, Query(max_length=63)] = None,
    record_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[Limit, Query(le=10_000)] = 1000,
) -> list[dict[str, Any]]:
    """The disclosure register: which partner holds which version of which record."""
    return node.federation.disclosures(actor, peer, record_id, limit)
