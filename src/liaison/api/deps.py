"""Request dependencies: the node, the signed-in actor, the stated purpose.

FastAPI runs a plain ``def`` dependency in a worker thread of its own, one
hand-over to the thread pool and back per dependency and request. Those that
only look at the request (the node once open, the bearer token, the purpose)
are ``async def`` so that they run in the event loop; the token check, which
reads the database, stays in a worker thread.
"""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import Depends, FastAPI, Header, Request
from starlette.concurrency import run_in_threadpool

from liaison.errors import AuthenticationFailed
from liaison.model.roles import Actor
from liaison.node import Node, Why

_lock = threading.Lock()


def get_node(request: Request) -> Node:
    """Open the node on first use, so that building the app has no side effects."""
    return get_node_of(request.app)


def get_node_of(app: FastAPI) -> Node:
    state = app.state
    if state.node is None:
        with _lock:
            if state.node is None:
                state.node = Node.open(state.settings)
    node: Node = state.node
    return node


async def node_of_request(request: Request) -> Node:
    """``get_node`` as a dependency: in the event loop once the node is open."""
    node: Node | None = request.app.state.node
    if node is None:
        node = await run_in_threadpool(get_node_of, request.app)
    return node


NodeDep = Annotated[Node, Depends(node_of_request)]


SCHEMES = ("bearer ", "apikey ")
"""``Bearer`` (the node's own clients) and ``ApiKey`` (how yente's clients send a key):
both carry a node API token."""


async def bearer_token(authorization: Annotated[str | None, Header()] = None) -> str:
    scheme = next((s for s in SCHEMES if (authorization or "").lower().startswith(s)), None)
    if not authorization or scheme is None:
        raise AuthenticationFailed(
            "send `Authorization: Bearer <token>` (or `ApiKey <token>`); "
            "get one at /api/v1/auth/login"
        )
    return authorization[len(scheme) :].strip()


TokenDep = Annotated[str, Depends(bearer_token)]


def current_actor(node: NodeDep, token: TokenDep) -> Actor:
    return node.accounts.authenticate(token)


ActorDep = Annotated[Actor, Depends(current_actor)]


async def why(
    x_liaison_purpose: Annotated[str | None, Header(max_length=200)] = None,
    x_liaison_justification: Annotated[str | None, Header(max_length=2000)] = None,
) -> Why:
    """The purpose and justification of a request, kept in its audit entry."""
    return Why(x_liaison_purpose, x_liaison_justification)


WhyDep = Annotated[Why, Depends(why)]
