"""The courier: sends what the outbox holds, pulls what this node missed, and
carries agreements, over HTTPS (or, when allowed, plain HTTP on loopback).

Push: for each peer, the next batch after what it acknowledged, signed, with
retries and exponential backoff (jittered, capped) when it does not answer.
Pull: ask each peer for its changes since this node's cursor, until there is
nothing more (at start, and every ``federation_pull_seconds``), so a node that
was down or lost messages catches up by itself. Both go through
``FederationService.outgoing`` on the sender's side, so the same policy checks
apply to both. ``run`` loops until told to stop; a background thread runs it
next to the API when the node serves.
"""

from __future__ import annotations

import asyncio
import logging
import random
import threading
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any, Protocol

import httpx2 as httpx
from sqlalchemy import Row

from liaison.errors import LiaisonError, PeerUnreachable
from liaison.federation.tls import pinned_context
from liaison.model.roles import Actor
from liaison.node.context import NO_REASON, Why
from liaison.node.federation import FederationService
from liaison.node.hits import Prepared, merge
from liaison.settings import Settings

log = logging.getLogger(__name__)
INBOX = "/api/v1/federation/inbox"
MAX_PULL_ROUNDS = 100_000
MAX_NOTICE_ROUNDS = 100


class Clients(Protocol):
    """An HTTP client per peer; tests give clients that reach in-process apps."""

    def client(self, peer: Row[Any]) -> httpx.AsyncClient: ...

    async def aclose(self) -> None: ...


class HttpClients:
    """Real HTTP clients, one per peer, kept open; HTTPS trusts only the pinned
    certificate of that peer."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._clients: dict[tuple[str, str, str | None], httpx.AsyncClient] = {}

    def client(self, peer: Row[Any]) -> httpx.AsyncClient:
        key = (peer.node_id, peer.url, peer.tls_cert)
        if key not in self._clients:
            verify: Any = pinned_context(peer.tls_cert) if peer.tls_cert else True
            self._clients[key] = httpx.AsyncClient(
                base_url=peer.url, verify=verify, timeout=self.timeout, trust_env=False
            )
        return self._clients[key]

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.aclose()
        self._clients.clear()


class Courier:
    def __init__(
        self,
        federation: FederationService,
        settings: Settings,
        clients: Clients,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.federation = federation
        self.settings = settings
        self.clients = clients
        self.now = now

    async def push(self, peer: str | None = None, force: bool = False) -> int:
        """Deliver waiting batches; return how many entries were acknowledged."""
        sent = 0
        for row in self.federation.peer_rows(peer):
            sent += await self._push_to(row, force)
            await self._notify(row, force)
        return sent

    def _backing_off(self, peer: Row[Any], force: bool) -> bool:
        """The peer failed lately and its next attempt is not due (unless forced)."""
        waiting = peer.next_attempt
        return not force and waiting is not None and waiting > self.federation.ctx.now()

    async def _notify(self, peer: Row[Any], force: bool) -> int:
        """Deliver the notices waiting for a peer (after its record changes)."""
        if self._backing_off(peer, force):
            return 0
        delivered = 0
        try:
            for _ in range(MAX_NOTICE_ROUNDS):
                batch = await asyncio.to_thread(self.federation.next_notices, peer.node_id)
                if batch is None:
                    break
                raw, ids = batch
                reply = await self._post(peer, raw)
                done = await asyncio.to_thread(
                    self.federation.notices_acknowledged, peer.node_id, reply, ids
                )
                delivered += done
                if done == 0:
                    break  # nothing taken in: try again next round, not in a loop
        except (httpx.HTTPError, LiaisonError) as exc:
            self._failed(peer, exc)
        return delivered

    async def _push_to(self, peer: Row[Any], force: bool) -> int:
        """Batches in order. While one is in flight the next is built, and the
        previous answer is recorded, each in a thread of its own, so the
        sender's work overlaps the receiver's."""
        if self._backing_off(peer, force):
            return 0
        fed, node_id = self.federation, peer.node_id
        sent = 0
        recording: asyncio.Task[None] | None = None
        batch = await asyncio.to_thread(fed.next_push, node_id)
        try:
            while batch is not None:
                raw, count, last = batch
                following = asyncio.create_task(asyncio.to_thread(fed.next_push, node_id, last))
                try:
                    reply = await self._post(peer, raw)
                except (httpx.HTTPError, LiaisonError):
                    await following  # built on an assumption that failed: dropped
                    raise
                if recording is not None:
                    await recording  # answers are recorded in order
                recording = asyncio.create_task(asyncio.to_thread(fed.acknowledged, node_id, reply))
                sent += count
                batch = await following
            if recording is not None:
                await recording
        except (httpx.HTTPError, LiaisonError) as exc:
            if recording is not None and not recording.done():
                await asyncio.gather(recording, return_exceptions=True)
            self._failed(peer, exc)
        return sent

    async def pull(self, peer: str | None = None) -> int:
        """Catch up with each peer; return how far the cursors moved (entries)."""
        got = 0
        for row in self.federation.peer_rows(peer):
            try:
                refused: list[int] = []
                for _ in range(MAX_PULL_ROUNDS):
                    ask = self.federation.pull_request(row.node_id, refused)
                    reply = await self._post(row, ask)
                    moved, refused = self.federation.apply_reply(reply, row.node_id)
                    got += moved
                    if moved == 0:
                        break
            except (httpx.HTTPError, LiaisonError) as exc:
                self._failed(row, exc)
        return got

    async def send_agreement(
        self, actor: Actor, agreement_id: str, peer: str | None = None
    ) -> list[dict[str, Any]]:
        """Send an agreement's latest version and signatures to the parties that
        are peers (or to one); each answers with the signatures it now holds."""
        answers = []
        agreement = self.federation.agreements.get(actor, agreement_id)
        for row in self.federation.peer_rows(peer):
            if row.node_id not in agreement.document.party_ids:
                continue
            raw = self.federation.agreement_message(actor, agreement_id, row.node_id)
            try:
                reply = self.federation.open(await self._post(row, raw))
            except httpx.HTTPError as exc:
                raise PeerUnreachable(row.name, _describe(exc)) from None
            answers.append({"peer": row.name, **reply.body})
        return answers

    async def hit_query(
        self,
        actor: Actor,
        partner: str,
        identifiers: Sequence[Mapping[str, Any]],
        purpose: str = "cross_check",
        why: Why = NO_REASON,
        *,
        persons: Sequence[Mapping[str, Any]] = (),
    ) -> list[dict[str, Any]]:
        """Ask a partner hit/no-hit about identifiers and persons: blinded, one
        signed round trip per agreement in force with it that allows the purpose."""
        hits = self.federation.hits
        questions = hits.prepare_each(actor, partner, identifiers, purpose, why, persons=persons)
        answers = [await self._ask(actor, q, why) for q in questions]  # one per agreement
        return merge(answers)

    async def _ask(self, actor: Actor, prepared: Prepared, why: Why) -> list[dict[str, Any]]:
        """One signed round trip under one agreement, read here."""
        peer = prepared.partner
        raw = self.federation.hit_question(peer.node_id, prepared.body)
        try:
            reply = await self._post(peer, raw)
        except httpx.HTTPError as exc:
            raise PeerUnreachable(peer.name, _describe(exc)) from None
        answer = self.federation.hit_answer(reply, peer.node_id)
        return self.federation.hits.read(actor, prepared, answer, why)

    async def run(self, stop: threading.Event) -> None:
        """Push and pull until ``stop`` is set; errors are logged, never fatal."""
        last_pull = -float("inf")
        while not stop.is_set():
            try:
                if self.now() - last_pull >= self.settings.federation_pull_seconds:
                    last_pull = self.now()
                    await self.pull()
                await self.push()
            except Exception:  # the loop must outlive any one failure
                log.exception("federation courier round failed")
            await asyncio.sleep(self.settings.federation_poll_seconds)
        await self.clients.aclose()

    async def _post(self, peer: Row[Any], raw: bytes) -> bytes:
        response = await self.clients.client(peer).post(
            INBOX, content=raw, headers={"Content-Type": "application/json"}
        )
        if response.status_code != 200:
            detail = response.text[:300]
            raise PeerUnreachable(peer.name, f"answered {response.status_code}: {detail}")
        content: bytes = response.content
        return content

    def _failed(self, peer: Row[Any], exc: Exception) -> None:
        self.federation.failed(peer.node_id, _describe(exc), random.random())


def _describe(exc: Exception) -> str:
    if isinstance(exc, LiaisonError):
        return exc.message
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


@asynccontextmanager
async def _over_http(federation: FederationService) -> AsyncIterator[Courier]:
    settings = federation.ctx.settings
    clients = HttpClients(settings.federation_timeout_seconds)
    try:
        yield Courier(federation, settings, clients)
    finally:
        await clients.aclose()


async def sync_now(federation: FederationService, peer: str | None = None) -> tuple[int, int]:
    """Push what waits (backoff or not) and pull what was missed, now, over real
    HTTP; return (pushed, pulled)."""
    async with _over_http(federation) as courier:
        return await courier.push(peer, force=True), await courier.pull(peer)


async def hit_query_now(
    federation: FederationService,
    actor: Actor,
    partner: str,
    identifiers: Sequence[Mapping[str, Any]],
    purpose: str = "cross_check",
    why: Why = NO_REASON,
    *,
    persons: Sequence[Mapping[str, Any]] = (),
) -> list[dict[str, Any]]:
    """``Courier.hit_query`` over real HTTP."""
    async with _over_http(federation) as courier:
        return await courier.hit_query(actor, partner, identifiers, purpose, why, persons=persons)


async def send_agreement_now(
    federation: FederationService, actor: Actor, agreement_id: str, peer: str | None = None
) -> list[dict[str, Any]]:
    """``Courier.send_agreement`` over real HTTP."""
    async with _over_http(federation) as courier:
        return await courier.send_agreement(actor, agreement_id, peer)


class CourierThread:
    """The courier in a thread of its own, next to the API server."""

    def __init__(self, federation: FederationService, settings: Settings) -> None:
        self.stop = threading.Event()
        clients = HttpClients(settings.federation_timeout_seconds)
        self.courier = Courier(federation, settings, clients)
        self.thread = threading.Thread(target=self._main, name="liaison-courier", daemon=True)

    def _main(self) -> None:
        asyncio.run(self.courier.run(self.stop))

    def start(self) -> None:
        self.thread.start()

    def close(self, timeout: float = 10.0) -> None:
        self.stop.set()
        self.thread.join(timeout)
