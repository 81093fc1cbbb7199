"""Inclusion proofs between partners: who shared what is settled by proofs.

A partner that received a record asks the originator (``prove``) for the audit
entry of the disclosure (the originator's ``federation.send`` entry that names
the record and that partner); the originator asks the partner for the receipt
(its ``federation.receive`` entry naming the record and the originator). The
answer (``proof``) carries the entry, its inclusion proof and the checkpoint it
is proved against: when the asker says which checkpoint of the other's log it
cosigned as a witness and the entry is in it, that one; otherwise the other's
current one. The asker checks the entry's hash, that it concerns the asker
and the record, the checkpoint's signature by the pinned key, the proof, and
whether the root is the one it cosigned.

A node proves only entries about the asking partner (their object is the
partner's node id); every proof given is audited (``audit.read`` by the peer).
"""

from __future__ import annotations

import base64
import dataclasses
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, Row

from liaison.audit.chain import Action, Entry
from liaison.audit.merkle import leaf_hash, verify_inclusion
from liaison.audit.note import (
    Note,
    NoteError,
    TreeHead,
    parse_note,
    parse_tree_head,
    sign_note,
    signed_by,
    verify_note,
)
from liaison.audit.witness import b64
from liaison.errors import InvalidInput, MessageRefused
from liaison.federation.messages import Message, MessageType
from liaison.model.identity import unb64
from liaison.model.roles import Actor
from liaison.node.context import NodeContext
from liaison.node.courier import Clients
from liaison.node.federation import FederationService, peer_actor
from liaison.node.transparency import TransparencyLog, origin_of
from liaison.node.witness import WitnessService, nonce_of, run
from liaison.policy.permissions import Permission
from liaison.storage import witness as store

_RECORD = re.compile(r"^rec-[0-9a-f]{32}$")


class Kind(StrEnum):
    DISCLOSURE = "disclosure"  # the prover sent the record to the asker (federation.send)
    RECEIPT = "receipt"  # the prover received the record from the asker (federation.receive)

    @property
    def action(self) -> Action:
        return Action.FEDERATION_SEND if self is Kind.DISCLOSURE else Action.FEDERATION_RECEIVE


@dataclass(frozen=True, slots=True)
class Proved:
    """A partner's proof, checked here."""

    peer: str
    kind: Kind
    record: str
    entry: Entry
    size: int  # the checkpoint the entry is proved in
    root: str  # base64
    cosigned_here: bool  # that checkpoint is the one this node cosigned as a witness
    ok: bool
    reasons: tuple[str, ...]


class ProofService:
    def __init__(
        self,
        ctx: NodeContext,
        transparency: TransparencyLog,
        federation: FederationService,
        witness: WitnessService,
    ) -> None:
        self.ctx = ctx
        self.transparency = transparency
        self.federation = federation
        self.witness = witness
        federation.handlers[MessageType.PROVE] = self._on_prove

    # --- proving -------------------------------------------------------------------------

    def _on_prove(
        self, conn: Connection, peer: Row[Any], message: Message
    ) -> tuple[MessageType, dict[str, Any]]:
        body = message.body
        kind, record, version = _request(body)
        mention = f"{record}@{version}:" if version is not None else f"{record}@"
        have = self.transparency.catch_up()
        asked = body.get("size")
        target = asked if type(asked) is int and 0 < asked <= have else have
        found = store.find_entry(conn, [kind.action.value], peer.node_id, mention, target)
        if found is None and target < have:
            target = have
            found = store.find_entry(conn, [kind.action.value], peer.node_id, mention, target)
        if found is None:
            raise MessageRefused("record", mention, f"no {kind.value} of it with you in this log")
        proof = self.transparency.inclusion(found.seq, target)
        head = TreeHead(self.transparency.origin, target, self.transparency.root(target))
        text = head.text()
        line = sign_note(text, head.origin, self.ctx.key.public_raw, self._sign)
        self.ctx.record(
            conn,
            peer_actor(peer.name),
            Action.AUDIT_READ,
            f"audit:{found.seq}",
            proof=kind.value,
            record=mention,
            size=target,
        )
        return MessageType.PROOF, {
            "nonce": nonce_of(body),
            "entry": {**found.body(), "hash": found.hash},
            "proof": [b64(p) for p in proof],
            "checkpoint": Note(text, (line,)).render(),
        }

    def _sign(self, message: bytes) -> bytes:
        return unb64(self.ctx.key.sign(message))

    # --- asking ---------------------------------------------------------------------------

    def prove(
        self,
        actor: Actor,
        peer: str,
        record: str,
        kind: Kind,
        version: int | None = None,
        clients: Clients | None = None,
    ) -> Proved:
        """Ask ``peer`` for the proof of its disclosure (or receipt) of ``record`` and
        check it (auditors); audited with the outcome."""
        with self.ctx.guard(actor):
            self.ctx.permit(actor, Permission.AUDIT_READ, Action.AUDIT_READ, f"proof:{peer}")
        row = self.federation.peer_rows(peer)[0]
        if not _RECORD.match(record):
            raise InvalidInput("record", record, "a record id: rec- and 32 hex digits")
        with self.ctx.read() as conn:
            held = store.held(conn, row.node_id)
        body: dict[str, Any] = {"kind": kind.value, "record": record, "version": version}
        if held is not None:
            body["size"] = held.size

        async def ask(own: Clients) -> dict[str, Any]:
            return await self.witness.ask(own, row, MessageType.PROVE, body)

        answer = run(ask, clients, self.ctx.settings.federation_timeout_seconds)
        proved = self._check(row, kind, record, version, answer, held)
        with self.ctx.tx() as conn:
            self.ctx.record(
                conn,
                actor,
                Action.AUDIT_READ,
                f"proof:{peer}",
                record=record,
                proof=kind.value,
                entry=proved.entry.seq,
                size=proved.size,
                ok=proved.ok,
            )
        return proved

    def _check(
        self,
        peer: Row[Any],
        kind: Kind,
        record: str,
        version: int | None,
        answer: dict[str, Any],
        held: store.Held | None,
    ) -> Proved:
        entry = _entry(answer.get("entry"))
        head, signed = _checkpoint(answer.get("checkpoint"), peer)
        proof = _proof(answer.get("proof"))
        reasons = []
        if entry.computed_hash() != entry.hash:
            reasons.append(f"entry {entry.seq}: its content does not match its hash")
        if entry.action != kind.action.value or entry.object != self.ctx.node_id:
            reasons.append(f"entry {entry.seq} is a {entry.action} about {entry.object}")
        if f"{record}@{version if version is not None else ''}" not in str(entry.detail):
            reasons.append(f"entry {entry.seq} does not name {record}")
        if not signed:
            reasons.append(f"the checkpoint is not signed by {peer.name}'s pinned key")
        leaf = leaf_hash(bytes.fromhex(entry.hash))
        if not verify_inclusion(leaf, entry.seq - 1, head.size, proof, head.root):
            reasons.append(f"the proof does not put entry {entry.seq} in the tree of {head.size}")
        cosigned_here = held is not None and held.size == head.size
        if cosigned_here and held is not None and held.root != head.root:
            reasons.append(
                f"size {head.size} has another root than the one this node cosigned "
                f"({b64(held.root)}): {peer.name} shows another history (a fork)"
            )
            cosigned_here = False
        return Proved(
            peer.name,
            kind,
            record,
            entry,
            head.size,
            b64(head.root),
            cosigned_here,
            not reasons,
            tuple(reasons),
        )


def _request(body: dict[str, Any]) -> tuple[Kind, str, int | None]:
    kind = body.get("kind")
    if kind not in {k.value for k in Kind}:
        raise MessageRefused("kind", kind, "disclosure or receipt")
    record = body.get("record")
    if not isinstance(record, str) or not _RECORD.match(record):
        raise MessageRefused("record", record, "a record id")
    version = body.get("version")
    if version is not None and (type(version) is not int or version < 1):
        raise MessageRefused("version", version, "a version number, or null for the latest")
    return Kind(kind), record, version


def _entry(data: Any) -> Entry:
    names = {f.name for f in dataclasses.fields(Entry)}
    if not isinstance(data, dict) or set(data) != names:
        raise MessageRefused("entry", str(data)[:80], "an audit entry")
    try:
        return Entry(**data)
    except TypeError as exc:
        raise MessageRefused("entry", str(data)[:80], str(exc)) from None


def _checkpoint(text: Any, peer: Row[Any]) -> tuple[TreeHead, bool]:
    if not isinstance(text, str):
        raise MessageRefused("checkpoint", text, "a signed note")
    origin = origin_of(peer.node_id)
    try:
        note = parse_note(text)
        head = parse_tree_head(note.text)
    except NoteError as exc:
        raise MessageRefused("checkpoint", text[:80], str(exc)) from None
    key = unb64(peer.public_key)
    signed = head.origin == origin and any(
        verify_note(note.text, s, origin, key) for s in signed_by(note, origin)
    )
    return head, signed


def _proof(value: Any) -> list[bytes]:
    if not isinstance(value, list) or len(value) > 64 or not all(isinstance(v, str) for v in value):
        raise MessageRefused("proof", value, "a list of at most 64 base64 hashes")
    try:
        return [base64.b64decode(v, validate=True) for v in value]
    except ValueError:
        raise MessageRefused("proof", value[:3], "a list of base64 hashes") from None


def describe(proved: Proved) -> dict[str, Any]:
    """For the CLI's --json."""
    return {
        "peer": proved.peer,
        "kind": proved.kind.value,
        "record": proved.record,
        "entry": {**proved.entry.body(), "hash": proved.entry.hash},
        "size": proved.size,
        "root": proved.root,
        "cosigned_here": proved.cosigned_here,
        "ok": proved.ok,
        "reasons": list(proved.reasons),
    }
