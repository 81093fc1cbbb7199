"""Partners witness each other's audit logs (``liaison.audit.witness`` decides).

As a **log**, a node sends its signed checkpoint (``TransparencyLog.checkpoint``)
to each peer, with a consistency proof from the size that peer last cosigned
(this node's copy says which; a peer that holds another answers ``stale`` with
what it holds, and the node proves again from there). It keeps each witness's
latest cosignature (``witness_cosignatures``): a cache for the freshness report
and for bundles, which anyone with the database could edit.

As a **witness**, a node answers ``witness`` messages in the receiving
transaction: it cosigns what ``judge`` allows and keeps it (``witnessed``);
a rollback or a fork is refused, kept with both checkpoints and the failed
proof (``witness_evidence``) and audited; anything unsigned is refused as a
message. ``witness_get`` answers with what it holds.

``check`` is what verification calls: it asks every witness for the checkpoint
it holds of this log (the witness's copy is what counts; the local copy is used,
and said to be used, only when a witness does not answer) and compares it with
the log as the database holds it now. It writes nothing.

Nothing is refused for lack of witnesses: a peer that does not answer is
tried again at the next round (``WitnessThread``, every
``LIAISON_WITNESS_SECONDS``) and shows as behind in ``status``.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import logging
import re
import secrets
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx2 as httpx
from sqlalchemy import Connection, Row

from liaison.audit.bundle import BundleWitness, Header, render
from liaison.audit.chain import Action, Result
from liaison.audit.merkle import Tree
from liaison.audit.note import Note, NoteError, TreeHead, cosign, parse_note, signed_by
from liaison.audit.witness import (
    Cosigned,
    Status,
    Verdict,
    WitnessFinding,
    b64,
    compare,
    judge,
    open_cosigned,
    unanswered,
    witness_name,
)
from liaison.errors import LiaisonError, MessageRefused, PeerUnreachable
from liaison.federation.messages import Message, MessageType, seal
from liaison.model.identity import unb64
from liaison.model.roles import Actor
from liaison.node.context import NodeContext
from liaison.node.courier import INBOX, Clients, HttpClients
from liaison.node.federation import FederationService, peer_actor
from liaison.node.periodic import Periodic
from liaison.node.transparency import TransparencyLog, origin_of
from liaison.policy.permissions import Permission
from liaison.storage import witness as store

log = logging.getLogger(__name__)
_NONCE = re.compile(r"^[0-9a-f]{32}$")
_HASH = re.compile(r"^[A-Za-z0-9+/]{43}=$")
MAX_PROOF = 64
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class WitnessState:
    """How fresh one witness's cosignature of this node's log is (this node's copy)."""

    witness: str  # the peer's name
    witness_id: str
    size: int | None  # the latest checkpoint it cosigned
    root: str | None  # base64
    cosigned: dt.datetime | None
    unwitnessed: int  # entries of the log after that checkpoint
    last_attempt: dt.datetime | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class Sent:
    """One witness's answer to this node's checkpoint."""

    witness: str
    witness_id: str
    outcome: str  # cosigned, refused, unreachable
    size: int | None  # the size it cosigned (or holds, when it refused)
    reason: str


class WitnessService:
    def __init__(
        self, ctx: NodeContext, transparency: TransparencyLog, federation: FederationService
    ) -> None:
        self.ctx = ctx
        self.transparency = transparency
        self.federation = federation
        federation.handlers[MessageType.WITNESS] = self._on_witness
        federation.handlers[MessageType.WITNESS_GET] = self._on_get

    @property
    def name(self) -> str:
        """This node's key name as a witness."""
        return witness_name(self.ctx.node_id)

    # --- as a witness ------------------------------------------------------------------

    def _on_get(
        self, conn: Connection, peer: Row[Any], message: Message
    ) -> tuple[MessageType, dict[str, Any]]:
        held = store.held(conn, peer.node_id)
        body = {"nonce": nonce_of(message.body), "checkpoint": held.note if held else None}
        return MessageType.WITNESS_STATE, body

    def _on_witness(
        self, conn: Connection, peer: Row[Any], message: Message
    ) -> tuple[MessageType, dict[str, Any]]:
        body = message.body
        offered = body.get("checkpoint")
        if not isinstance(offered, str) or len(offered) > 10_000:
            raise MessageRefused("checkpoint", offered, "must be a signed note (text)")
        old_size, proof = _count(body, "old_size"), _hashes(body.get("proof"))
        origin = origin_of(peer.node_id)
        held = store.held(conn, peer.node_id)
        before = TreeHead(origin, held.size, held.root) if held else None
        found = judge(offered, origin, unb64(peer.public_key), before, old_size, proof)
        reply = {"nonce": nonce_of(body), "verdict": found.verdict.value, "reason": found.reason}
        if found.cosign:
            assert found.head is not None
            note = self._cosigned(offered, origin)
            now = self.ctx.now()
            store.put_held(
                conn, store.Held(peer.node_id, found.head.size, found.head.root, note, now)
            )
            return MessageType.WITNESS_STATE, {**reply, "checkpoint": note}
        if found.verdict.evidence:
            assert held is not None and found.head is not None
            self._keep_evidence(conn, peer, found.verdict, found.reason, held, offered, body)
        if found.verdict.evidence or found.verdict is Verdict.STALE:
            return MessageType.WITNESS_STATE, {**reply, "checkpoint": held.note if held else None}
        raise MessageRefused("checkpoint", offered[:120], f"{found.verdict.value}: {found.reason}")

    def _cosigned(self, offered: str, origin: str) -> str:
        note = parse_note(offered)
        timestamp = int(self.ctx.now().timestamp())
        line = cosign(note.text, self.name, self.ctx.key.public_raw, self._sign, timestamp)
        return Note(note.text, (*signed_by(note, origin), line)).render()

    def _sign(self, message: bytes) -> bytes:
        return unb64(self.ctx.key.sign(message))

    def _keep_evidence(
        self,
        conn: Connection,
        peer: Row[Any],
        verdict: Verdict,
        reason: str,
        held: store.Held,
        offered: str,
        body: dict[str, Any],
    ) -> None:
        proof = tuple(str(p) for p in body.get("proof") or ())
        old_size = _count(body, "old_size")
        now = self.ctx.now()
        evidence = store.Evidence(
            peer.node_id, verdict.value, held.note, offered, old_size, proof, reason, now
        )
        store.add_evidence(conn, evidence)
        log.warning("witness: refused %s's checkpoint: %s: %s", peer.name, verdict.value, reason)
        self.ctx.record(
            conn,
            peer_actor(peer.name),
            Action.AUDIT_CHECKPOINT,
            peer.node_id,
            result=Result.REJECTED,
            witness=verdict.value,
            reason=reason,
            held_size=held.size,
        )

    def evidence(self, actor: Actor, peer: str | None = None) -> list[store.Evidence]:
        """The checkpoints this node refused to cosign (rollbacks and forks)."""
        with self.ctx.guard(actor):
            self.ctx.permit(actor, Permission.AUDIT_VERIFY, Action.AUDIT_READ, "witness:evidence")
            node_id = self.federation.peer_rows(peer)[0].node_id if peer else None
            with self.ctx.read() as conn:
                found = store.evidence(conn, node_id)
                self.ctx.record(
                    conn, actor, Action.AUDIT_READ, "witness:evidence", returned=len(found)
                )
        return found

    # --- as a log: sending ---------------------------------------------------------------

    async def send(self, clients: Clients, peer: str | None = None) -> list[Sent]:
        """Offer this node's checkpoint to every peer (or one); each peer's answer
        is kept. A peer that does not answer is noted and tried next time."""
        peers = await asyncio.to_thread(self.federation.peer_rows, peer)
        limit = 3 * self.ctx.settings.federation_timeout_seconds
        return list(await asyncio.gather(*(self._send_to(clients, row, limit) for row in peers)))

    async def _send_to(self, clients: Clients, peer: Row[Any], limit: float) -> Sent:
        try:
            return await asyncio.wait_for(self._offer(clients, peer), limit)
        except (httpx.HTTPError, LiaisonError, TimeoutError, NoteError) as exc:
            reason = describe(exc)
            await asyncio.to_thread(self._failed, peer.node_id, reason)
            return Sent(peer.name, peer.node_id, "unreachable", None, reason)

    async def _offer(self, clients: Clients, peer: Row[Any]) -> Sent:
        cached = await asyncio.to_thread(self._cached_size, peer.node_id)
        body = await self.ask(clients, peer, MessageType.WITNESS, self._offer_body(cached))
        if body.get("verdict") == Verdict.STALE.value and isinstance(body.get("checkpoint"), str):
            held = self._held_size(peer, body["checkpoint"])
            body = await self.ask(clients, peer, MessageType.WITNESS, self._offer_body(held))
        return await asyncio.to_thread(self._answered, peer, body)

    def _cached_size(self, witness: str) -> int:
        with self.ctx.read() as conn:
            found = store.cosignatures(conn).get(witness)
        return found.size if found is not None and found.size is not None else 0

    def _held_size(self, peer: Row[Any], text: str) -> int:
        """The size of the checkpoint a witness says it holds (its cosignature checked)."""
        return self._open(peer, text).head.size

    def _open(self, peer: Row[Any], text: str) -> Cosigned:
        witness_key = unb64(peer.public_key)
        name = witness_name(peer.node_id)
        return open_cosigned(
            text, self.transparency.origin, self.ctx.key.public_raw, name, witness_key
        )

    def _offer_body(self, old: int) -> dict[str, Any]:
        checkpoint = self.transparency.checkpoint()
        size = checkpoint.head.size
        old = old if 0 < old <= size else 0
        proof = self.transparency.consistency(old, size) if old else []
        return {"checkpoint": checkpoint.text, "old_size": old, "proof": [b64(p) for p in proof]}

    def _answered(self, peer: Row[Any], body: dict[str, Any]) -> Sent:
        verdict, reason = str(body.get("verdict")), str(body.get("reason"))[:500]
        text = body.get("checkpoint")
        if verdict != Verdict.COSIGN.value or not isinstance(text, str):
            refused = f"refused: {verdict}: {reason}"
            self._failed(peer.node_id, refused)
            log.warning("witness %s refused this node's checkpoint: %s", peer.name, refused)
            return Sent(peer.name, peer.node_id, "refused", None, refused)
        cosigned = self._open(peer, text)
        with self.ctx.tx() as conn:
            head = cosigned.head
            store.put_cosignature(conn, peer.node_id, head.size, head.root, text, cosigned.time)
        return Sent(peer.name, peer.node_id, "cosigned", cosigned.head.size, reason)

    def _failed(self, witness: str, reason: str) -> None:
        with self.ctx.tx() as conn:
            store.attempt_failed(conn, witness, self.ctx.now(), reason)

    async def ask(
        self, clients: Clients, peer: Row[Any], kind: MessageType, body: dict[str, Any]
    ) -> dict[str, Any]:
        """One signed round trip; the answer's body (a WITNESS_STATE, or PROOF for
        PROVE) after checking that it comes from that peer and answers this request."""
        nonce = secrets.token_hex(16)
        raw = seal(self.ctx.key, kind, peer.node_id, {**body, "nonce": nonce}, self.ctx.now())
        reply = await post(clients, peer, raw)
        message = await asyncio.to_thread(self.federation.open, reply)
        expected = MessageType.PROOF if kind is MessageType.PROVE else MessageType.WITNESS_STATE
        if message.sender != peer.node_id or message.type is not expected:
            raise MessageRefused("type", message.type.value, f"expected {expected.value}")
        if message.body.get("nonce") != nonce:
            raise MessageRefused("nonce", message.body.get("nonce"), "does not answer this request")
        return message.body

    # --- as a log: freshness -----------------------------------------------------------------

    def status(self, actor: Actor) -> list[WitnessState]:
        """Per peer: the latest checkpoint it cosigned, how many entries came
        after it, the last attempt and its error (this node's copy)."""
        with self.ctx.guard(actor):
            self.ctx.permit(actor, Permission.AUDIT_VERIFY, Action.AUDIT_READ, "witnesses")
        size = self.transparency.catch_up()
        with self.ctx.read() as conn:
            kept = store.cosignatures(conn)
            self.ctx.record(conn, actor, Action.AUDIT_READ, "witnesses", size=size)
        return [_state(row, kept.get(row.node_id), size) for row in self.federation.peer_rows()]

    def lag(self) -> int:
        """The most entries any peer has not cosigned yet (0 without peers); for /metrics."""
        size = self.transparency.catch_up()
        with self.ctx.read() as conn:
            kept = store.cosignatures(conn)
        peers = self.federation.peer_rows()
        return max((_state(p, kept.get(p.node_id), size).unwitnessed for p in peers), default=0)

    # --- the bundle for outside auditors (liaison.audit.bundle) --------------------------------

    def export_bundle(self, actor: Actor, path: Path) -> Header:
        """Write the bundle: the entries of the latest checkpoint, the node's key,
        that checkpoint and what each witness cosigned (auditors)."""
        with self.ctx.guard(actor):
            self.ctx.permit(actor, Permission.AUDIT_READ, Action.AUDIT_READ, "audit:bundle")
        checkpoint = self.transparency.checkpoint()
        size = checkpoint.head.size
        peers = {row.node_id: row for row in self.federation.peer_rows()}
        with self.ctx.read() as conn:
            kept = store.cosignatures(conn)
            witnesses = tuple(
                BundleWitness(peers[w].name, w, peers[w].public_key, c.note)
                for w, c in sorted(kept.items())
                if c.note is not None and w in peers
            )
            header = Header(
                self.ctx.node_id,
                self.ctx.name,
                self.ctx.key.public_key,
                self.transparency.origin,
                checkpoint.text,
                size,
                witnesses,
            )
            with path.open("wb") as out:
                out.writelines(render(header, store.entries_upto(conn, size)))
        with self.ctx.tx() as conn:
            self.ctx.record(
                conn, actor, Action.AUDIT_READ, "audit:bundle", entries=size, file=path.name
            )
        return header

    # --- verification --------------------------------------------------------------------

    def check(
        self, clients: Clients | None = None, tree: Tree | None = None
    ) -> list[WitnessFinding]:
        """For each peer: the checkpoint it holds of this node's log, asked over the
        network (its own copy; this node's copy only if it does not answer, and the
        finding says so), its cosignature checked, against the log as the database
        holds it now. Writes nothing. ``clients``: real HTTP unless given; ``tree``: the
        log's tree as a verification just read it from the database (built here from
        the database otherwise, never this process's cached tree)."""
        return run(
            lambda own: self.check_async(own, tree),
            clients,
            self.ctx.settings.federation_timeout_seconds,
        )

    def check_as(self, actor: Actor, clients: Clients | None = None) -> list[WitnessFinding]:
        """``check`` for a person (administrators, auditors): checked first, then
        audited with what it found."""
        with self.ctx.guard(actor):
            self.ctx.permit(actor, Permission.AUDIT_VERIFY, Action.AUDIT_VERIFY, "witnesses")
        found = self.check(clients)
        with self.ctx.tx() as conn:
            summary = [f"{f.witness}:{f.status.value}:{f.size}" for f in found]
            failed = any(f.failed for f in found)
            result = Result.FAILED if failed else Result.OK
            self.ctx.record(
                conn, actor, Action.AUDIT_VERIFY, "witnesses", result=result, witnesses=summary
            )
        return found

    async def check_async(self, clients: Clients, tree: Tree | None = None) -> list[WitnessFinding]:
        peers = await asyncio.to_thread(self.federation.peer_rows)
        if not peers:
            return []
        if tree is None:
            fresh = TransparencyLog(self.ctx)  # from the database, not this process's tree
            await asyncio.to_thread(fresh.catch_up)
            tree = fresh.tree
        size = tree.size
        with self.ctx.read() as conn:
            kept = store.cosignatures(conn)
        limit = 2 * self.ctx.settings.federation_timeout_seconds
        asked = await asyncio.gather(*(self._held(clients, row, limit) for row in peers))
        return [
            self._finding(row, answer, kept.get(row.node_id), size, tree.root)
            for row, answer in zip(peers, asked, strict=True)
        ]

    async def _held(
        self, clients: Clients, peer: Row[Any], limit: float
    ) -> tuple[str | None, str | None]:
        """What a witness holds of this log (note text or None), or why it did not say."""
        try:
            body = await asyncio.wait_for(
                self.ask(clients, peer, MessageType.WITNESS_GET, {}), limit
            )
        except (httpx.HTTPError, LiaisonError, TimeoutError) as exc:
            return None, describe(exc)
        text = body.get("checkpoint")
        return (text if isinstance(text, str) else None), None

    def _finding(
        self,
        peer: Row[Any],
        answer: tuple[str | None, str | None],
        kept: store.Cosignature | None,
        size: int,
        root_at: Callable[[int], bytes],
    ) -> WitnessFinding:
        text, error = answer
        source = "witness"
        if error is not None:
            if kept is None or kept.note is None:
                return unanswered(peer.name, peer.node_id, Status.UNREACHABLE, error)
            text, source = kept.note, "local copy"
        if text is None:
            reason = f"{peer.name} holds no checkpoint of this log"
            return unanswered(peer.name, peer.node_id, Status.UNWITNESSED, reason)
        try:
            cosigned = self._open(peer, text)
        except NoteError as exc:
            reason = f"the checkpoint {peer.name} holds does not verify: {exc}"
            return unanswered(peer.name, peer.node_id, Status.INVALID, reason)
        found = compare(peer.name, peer.node_id, cosigned, size, root_at, source)
        if error is not None:
            note = f"{peer.name} did not answer ({error}); checked against the copy kept here: "
            return WitnessFinding(
                *(found.witness, found.witness_id, found.status, found.size, found.root),
                found.time,
                found.source,
                note + found.reason,
            )
        return found


def _state(peer: Row[Any], kept: store.Cosignature | None, size: int) -> WitnessState:
    have = kept.size if kept is not None and kept.size is not None else None
    return WitnessState(
        peer.name,
        peer.node_id,
        have,
        b64(kept.root) if kept is not None and kept.root is not None else None,
        kept.cosigned if kept is not None else None,
        max(0, size - (have or 0)),
        kept.last_attempt if kept is not None else None,
        kept.last_error if kept is not None else None,
    )


async def post(clients: Clients, peer: Row[Any], raw: bytes) -> bytes:
    response = await clients.client(peer).post(
        INBOX, content=raw, headers={"Content-Type": "application/json"}
    )
    if response.status_code != 200:
        raise PeerUnreachable(peer.name, f"answered {response.status_code}: {response.text[:300]}")
    content: bytes = response.content
    return content


def run(
    work: Callable[[Clients], Coroutine[Any, Any, T]], clients: Clients | None, timeout: float
) -> T:
    """Run ``work`` to its end in an event loop of its own, over ``clients`` or real HTTP."""

    async def main() -> T:
        own = clients or HttpClients(timeout)
        try:
            return await work(own)
        finally:
            if clients is None:
                await own.aclose()

    return asyncio.run(main())


def describe(exc: BaseException) -> str:
    if isinstance(exc, LiaisonError):
        return exc.message
    if isinstance(exc, TimeoutError):
        return "no answer in time"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def nonce_of(body: dict[str, Any]) -> str:
    nonce = body.get("nonce")
    if not isinstance(nonce, str) or not _NONCE.match(nonce):
        raise MessageRefused("nonce", nonce, "must be 32 hex digits")
    return nonce


def _count(body: dict[str, Any], name: str) -> int:
    value = body.get(name)
    if type(value) is not int or value < 0:
        raise MessageRefused(name, value, "must be a whole number, 0 or more")
    return value


def _hashes(value: Any) -> list[bytes]:
    if not isinstance(value, list) or len(value) > MAX_PROOF:
        raise MessageRefused("proof", value, f"must be a list of at most {MAX_PROOF} hashes")
    if not all(isinstance(h, str) and _HASH.match(h) for h in value):
        raise MessageRefused("proof", value[:3], "each hash is 32 bytes in standard base64")
    return [base64.b64decode(h) for h in value]


class WitnessThread(Periodic):
    """Offers this node's checkpoint to every peer every ``LIAISON_WITNESS_SECONDS``,
    in a thread next to the API server (``LIAISON_WITNESS_WORKER``). Each round is
    bounded by the federation timeout; a peer that does not answer is tried again
    at the next round."""

    name = "witness"

    def __init__(self, service: WitnessService, interval_seconds: float) -> None:
        super().__init__(interval_seconds)
        self.service = service

    def round(self) -> list[Sent]:
        timeout = self.service.ctx.settings.federation_timeout_seconds
        return run(self.service.send, None, timeout)


def send_now(
    service: WitnessService, peer: str | None = None, actor: Actor | None = None
) -> list[Sent]:
    """Offer the checkpoint now over real HTTP (``liaison audit witness``)."""
    if actor is not None:
        with service.ctx.guard(actor):
            service.ctx.permit(actor, Permission.AUDIT_VERIFY, Action.AUDIT_CHECKPOINT, "witnesses")

    async def work(clients: Clients) -> list[Sent]:
        return await service.send(clients, peer)

    return run(work, None, service.ctx.settings.federation_timeout_seconds)
