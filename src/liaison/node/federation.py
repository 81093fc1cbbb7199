"""Federation use cases: peers, receiving signed messages, building what a
peer receives (the same way for push and pull), acknowledgements and the
disclosure register. Sending over the network is in ``liaison.node.courier``.

Every message that arrives is checked (``federation.messages.open_message``),
its id stored in the inbox in the same transaction as its effect (so a
message is applied at most once), and its effect audited; a refused message
is audited in a transaction of its own and nothing else is stored.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any

import orjson
from sqlalchemy import Connection, Row
from sqlalchemy.exc import IntegrityError

from liaison.audit.chain import Action, Result
from liaison.errors import (
    Conflict,
    InvalidInput,
    LiaisonError,
    MessageRefused,
    NotFound,
    Replayed,
)
from liaison.federation.messages import Message, MessageType, open_message, seal
from liaison.federation.notices import MAX_NOTICES, check_notices
from liaison.federation.plan import ChangeKind, Level
from liaison.federation.tls import check_certificate
from liaison.federation.wire import Item, check_item, item_of
from liaison.model.entities import caption_of, stored_names
from liaison.model.identity import node_id_for, unb64
from liaison.model.markings import Classification
from liaison.model.records import Record
from liaison.model.roles import Actor, Role
from liaison.node import notices
from liaison.node.agreements import AgreementService
from liaison.node.context import NO_REASON, NodeContext, Why, load_names
from liaison.node.decisions import agreement_index, facts_for, policy_context
from liaison.node.hits import HitService
from liaison.node.hub import HUB_REQUESTS, HubService
from liaison.node.outbox import best_push, propagate_ids
from liaison.policy import agreements as rules
from liaison.policy.decide import Decision, Outcome, Rule
from liaison.policy.followups import released
from liaison.policy.permissions import Permission
from liaison.storage import federation as store
from liaison.storage import followups as followup_store
from liaison.storage import matching as match_store
from liaison.storage import notices as notice_store
from liaison.storage import records as record_store
from liaison.storage.records import names_text

P = Permission
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_MAY_CARRY = {ChangeKind.FULL: Outcome.FULL, ChangeKind.REFERENCE: Outcome.HIT_ONLY}
#: Answers a message in the receiving transaction: the reply's type and body.
Handler = Callable[[Connection, Row[Any], Message], tuple[MessageType, dict[str, Any]]]


def peer_actor(name: str) -> Actor:
    """Whom audit names for what a peer's message does. A peer may deliver
    agreement drafts and signatures (as a liaison officer would hand them
    over); it signs and activates nothing on this node."""
    return Actor(None, name, Role.LIAISON_OFFICER, Classification.UNCLASSIFIED, via="peer")


class FederationService:
    def __init__(self, ctx: NodeContext, agreements: AgreementService, hits: HitService) -> None:
        self.ctx = ctx
        self.agreements = agreements
        self.hits = hits
        self.hub = HubService(ctx)
        self.handlers: dict[MessageType, Handler] = {}  # more message types (set by Node)

    @property
    def window(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.ctx.settings.federation_clock_skew_seconds)

    # --- peers -----------------------------------------------------------------------

    def add_peer(
        self,
        actor: Actor,
        name: str,
        url: str,
        public_key: str,
        cert: str | None = None,
        why: Why = NO_REASON,
    ) -> dict[str, Any]:
        """Pin a partner: its name here, its address, its node key and, for
        HTTPS, its certificate. The node id derives from the key."""
        node_id = self._check_peer(name, url, public_key)
        pem = check_certificate(cert) if cert else None
        if url.startswith("https://") and pem is None:
            raise InvalidInput("cert", None, "an https peer needs its certificate pinned")
        with self.ctx.guard(actor, why):
            self.ctx.permit(actor, P.PEER_MANAGE, Action.PEER_ADD, name)
            with self.ctx.tx() as conn:
                for existing in store.all_peers(conn):
                    if existing.name == name or existing.node_id == node_id:
                        raise Conflict(
                            f"peer {existing.name} ({existing.node_id}) is already added; "
                            "a changed key is a new peer, added under a new name"
                        )
                store.add_peer(
                    conn,
                    node_id=node_id,
                    name=name,
                    url=url.rstrip("/"),
                    public_key=public_key,
                    tls_cert=pem,
                    added=self.ctx.now(),
                    added_by=actor.label,
                )
                self.ctx.record(
                    conn, actor, Action.PEER_ADD, node_id, why, name=name, url=url, key=public_key
                )
                row = store.peer(conn, node_id)
        assert row is not None
        return _peer(row, 0)

    def peers(self, actor: Actor) -> list[dict[str, Any]]:
        with self.ctx.guard(actor):
            self.ctx.permit(actor, P.PEER_READ, Action.PEER_LIST, "peers")
            with self.ctx.tx() as conn:
                rows = store.all_peers(conn)
                depths = store.queue_depths(conn)
                self.ctx.record(conn, actor, Action.PEER_LIST, "peers", returned=len(rows))
        return [_peer(row, depths.get(row.node_id, 0)) for row in rows]

    def may_sync(self, actor: Actor) -> None:
        """Pushing and pulling now, rather than at the courier's next round."""
        with self.ctx.guard(actor):
            self.ctx.permit(actor, P.PEER_READ, Action.PEER_LIST, "peers:sync")

    def peer_rows(self, name: str | None = None) -> list[Row[Any]]:
        """Peers to send to (all, or one by name); for the courier."""
        with self.ctx.read() as conn:
            rows = store.all_peers(conn)
        if name is None:
            return rows
        found = [row for row in rows if row.name == name]
        if not found:
            raise NotFound("peer", name)
        return found

    def disclosures(
        self,
        actor: Actor,
        peer: str | None = None,
        record_id: str | None = None,
        limit: int = 1000,
    ) -> list[dict[str, Any]]:
        """The disclosure register: which partner holds which version of which
        record, at what level, since when, and whether it acknowledged."""
        with self.ctx.guard(actor):
            self.ctx.permit(actor, P.DISCLOSURE_READ, Action.DISCLOSURE_LIST, "disclosures")
            with self.ctx.tx() as conn:
                names = store.peer_names(conn)
                peer_id = _node_of(names, peer) if peer else None
                rows = store.register_rows(conn, peer_id, record_id, max(1, min(limit, 10_000)))
                self.ctx.record(
                    conn,
                    actor,
                    Action.DISCLOSURE_LIST,
                    "disclosures",
                    peer=peer,
                    record=record_id,
                    returned=len(rows),
                )
        return [_disclosure(row, names) for row in rows]

    # --- receiving -------------------------------------------------------------------

    def receive(self, raw: bytes) -> bytes:
        """Check and apply one message from a peer; return the signed answer."""
        try:
            message = self.open(raw)
            load_names()  # once per process, before the write lock is taken
            with self.ctx.tx() as conn:
                peer = self._remember(conn, message)
                if message.type is not MessageType.AGREEMENT:
                    return self._dispatch(conn, message, peer)
            # the agreement service runs its own transactions and audit entries
            return self._agreement(message, peer)
        except LiaisonError as exc:
            self._refused(raw, exc)
            raise

    def open(self, raw: bytes) -> Message:
        with self.ctx.read() as conn:
            keys = {row.node_id: row.public_key for row in store.all_peers(conn)}
        return open_message(raw, self.ctx.node_id, keys.get, self.ctx.now(), self.window)

    def apply_reply(self, raw: bytes, expected: str) -> tuple[int, list[int]]:
        """A peer's answer to our pull: changes, applied like a push; returns how
        far the cursor moved (0: nothing more to pull) and the items refused."""
        try:
            message = self.open(raw)
            if message.type is not MessageType.CHANGES or message.sender != expected:
                raise MessageRefused("type", message.type.value, "a pull is answered by changes")
            load_names()
            with self.ctx.tx() as conn:
                peer = self._remember(conn, message)
                before = int(peer.received_seq)
                cursor, refused = self._apply(conn, message, peer)
        except LiaisonError as exc:
            self._refused(raw, exc)
            raise
        return max(0, cursor - before), refused

    def _remember(self, conn: Connection, message: Message) -> Row[Any]:
        """Store the message id (at most once) and lock the sender's peer row."""
        if store.seen(conn, message.id):
            raise Replayed("id", message.id, "this message was received before")
        try:
            with conn.begin_nested():
                store.remember(conn, message.id, message.sender, message.type.value, self.ctx.now())
        except IntegrityError:
            raise Replayed("id", message.id, "this message was received before") from None
        store.forget_before(conn, self.ctx.now() - 2 * self.window)  # replays are stale by then
        peer = store.peer(conn, message.sender, lock=True)
        assert peer is not None  # open_message found its key
        store.set_peer(conn, message.sender, last_contact=self.ctx.now())
        return peer

    def _dispatch(self, conn: Connection, message: Message, peer: Row[Any]) -> bytes:
        body: dict[str, Any]
        if message.type is MessageType.CHANGES:
            cursor, refused = self._apply(conn, message, peer)
            body = {"cursor": cursor, "refused": refused}
            return self._seal(MessageType.ACK, peer.node_id, body)
        if message.type is MessageType.PULL:
            since = _count(message.body, "since", 0)
            limit = min(_count(message.body, "limit", 1), self.ctx.settings.federation_batch_size)
            store.forget_refused(conn, peer.node_id, _seqs(message.body))  # from the last answer
            self.acknowledge(conn, peer, since)
            body = self.outgoing(conn, store.peer(conn, peer.node_id), limit)[0]
            return self._seal(MessageType.CHANGES, peer.node_id, body)
        if message.type is MessageType.HIT_QUERY:
            answer = self.hits.answer(conn, peer, message.body)
            return self._seal(MessageType.HIT_ANSWER, peer.node_id, answer)
        if message.type in HUB_REQUESTS:
            kind, reply = self.hub.receive(conn, peer, peer_actor(peer.name), message)
            return self._seal(kind, peer.node_id, reply)
        if message.type is MessageType.NOTICES:
            found = check_notices(message.body)
            taken = notices.take(self.ctx, conn, peer, peer_actor(peer.name), found)
            return self._seal(MessageType.ACK, peer.node_id, {"notices": taken})
        handler = self.handlers.get(message.type)
        if handler is not None:  # services that answer messages of their own (witnessing)
            kind, reply = handler(conn, peer, message)
            return self._seal(kind, peer.node_id, reply)
        raise MessageRefused("type", message.type.value, "not a request this node answers")

    def _agreement(self, message: Message, peer: Row[Any]) -> bytes:
        bundle = message.body.get("bundle")
        document = bundle.get("document") if isinstance(bundle, dict) else None
        if peer.node_id not in rules.parse_document(document).party_ids:
            raise MessageRefused("bundle", peer.node_id, "the sender is not a party to it")
        agreement = self.agreements.receive(peer_actor(peer.name), bundle)
        doc = agreement.document
        body = {
            "agreement": doc.agreement_id,
            "version": doc.version,
            "signatures": sorted(agreement.signatures),
        }
        return self._seal(MessageType.ACK, peer.node_id, body)

    def _seal(self, kind: MessageType, to: str, body: dict[str, Any]) -> bytes:
        return seal(self.ctx.key, kind, to, body, self.ctx.now())

    def _apply(self, conn: Connection, message: Message, peer: Row[Any]) -> tuple[int, list[int]]:
        """Apply a batch of changes in order; return the new cursor and the
        sequence numbers of the items refused (not stored)."""
        after = _count(message.body, "after", 0)
        through = _count(message.body, "through", after)
        raw_items = message.body.get("items")
        if not isinstance(raw_items, list):
            raise MessageRefused("items", raw_items, "must be a list")
        found = [data.get("seq") if isinstance(data, dict) else None for data in raw_items]
        seqs: list[int] = [q for q in found if type(q) is int]
        if len(seqs) != len(found):
            raise MessageRefused("items", found[:5], "each item must be an object with a seq")
        if seqs != sorted(set(seqs)) or (seqs and (seqs[0] <= after or seqs[-1] > through)):
            raise MessageRefused(
                "items", seqs[:5], f"must follow {after} in increasing order, up to {through}"
            )
        cursor = int(peer.received_seq)
        if after > cursor or through <= cursor:  # a gap before this batch, or old news
            return cursor, []
        # items already taken in (a push and a pull crossing) are not checked again
        fresh = [check_item(d, peer.node_id) for d in raw_items if d["seq"] > cursor]
        applied, refused = self._apply_items(conn, peer, fresh)
        store.set_peer(conn, peer.node_id, received_seq=through)
        self.ctx.record(
            conn,
            peer_actor(peer.name),
            Action.FEDERATION_RECEIVE,
            peer.node_id,
            message=message.id,
            through=through,
            applied=applied,
            refused=[{k: v for k, v in r.items() if k != "seq"} for r in refused],
        )
        return through, [int(r["seq"]) for r in refused]

    def _apply_items(
        self, conn: Connection, peer: Row[Any], items: Sequence[Item]
    ) -> tuple[list[str], list[dict[str, Any]]]:
        ids = sorted({item.record_id for item in items})
        copies = store.copies_for(conn, ids)
        local = record_store.heads_for(conn, [i for i in ids if i not in copies])
        in_force = self._in_force(conn, peer.node_id)
        final: dict[str, Item] = {}
        state = {rid: (row.level, row.version) for rid, row in copies.items()}
        owners = {rid: row.originator for rid, row in copies.items()}
        refused: list[dict[str, Any]] = []
        for item in items:
            if owners.get(item.record_id, peer.node_id) != peer.node_id:
                reason: str | None = f"that record belongs to {owners[item.record_id]}"
            else:
                reason = _refusal(item, state.get(item.record_id), local, in_force)
            if reason == "":
                continue  # old news: an older version, after a deletion, nothing held
            if reason:
                where = f"{item.record_id}@{item.version}"
                refused.append({"seq": item.seq, "record": where, "reason": reason})
                continue
            final[item.record_id] = item
            state[item.record_id] = (item.kind.level.value, item.version)
        self._store_items(conn, peer, list(final.values()), copies)
        applied = [f"{i.record_id}@{i.version}:{i.kind.value}" for i in final.values()]
        return applied, refused

    def _in_force(self, conn: Connection, sender: str) -> frozenset[str]:
        """Agreements in force here that bind this node and the sender."""
        index = agreement_index(self.ctx, conn)
        return frozenset(t.agreement_id for t in index.by_partner.get(sender, ()))

    def _store_items(
        self, conn: Connection, peer: Row[Any], items: Sequence[Item], old: dict[str, Any]
    ) -> None:
        if not items:
            return
        now = self.ctx.now()
        rows = [_copy_row(item, peer.node_id, old.get(item.record_id), now) for item in items]
        ids = [item.record_id for item in items]
        store.put_copies(conn, rows, [i for i in ids if i in old])
        store.drop_heads(conn, ids)
        heads = [
            record_store.head_row(item.record, names_text(_names(item.record)))
            for item in items
            if item.record is not None
        ]
        record_store.insert_heads(conn, heads)
        received = [item.record for item in items if item.record is not None]
        match_store.unindex(conn, [i for i in ids if i not in {r.record_id for r in received}])
        match_store.index_records(conn, received)
        match_store.enqueue(conn, received, now)

    # --- sending: the same batch for push and pull --------------------------------------

    def outgoing(
        self, conn: Connection, peer: Row[Any] | None, limit: int, after: int | None = None
    ) -> tuple[dict[str, Any], list[Row[Any]]]:
        """The next changes for a peer, after what it acknowledged, checked again
        now: an entry for a version that is no longer the record's current one,
        or that the policy no longer allows, is not sent (the register is brought
        up to date instead: a withdrawal follows); what is sent names the
        agreement that allows it now. ``through`` covers the entries left out,
        so that a batch of only those still moves the peer's cursor."""
        assert peer is not None
        after = int(peer.acked_seq) if after is None else after
        rows = store.pending(conn, peer.node_id, after, limit)
        carried = [r for r in rows if ChangeKind(r.kind) in _MAY_CARRY]
        found = store.versions_for(conn, [(r.record_id, r.version) for r in carried])
        allowed = self._still_allowed(conn, peer.node_id, carried, found)
        narrow = self._narrowed(conn, peer.node_id, carried, allowed)
        items, stale = [], []
        for row in rows:
            kind = ChangeKind(row.kind)
            stored = found.get((row.record_id, row.version))
            decision = allowed.get(row.seq)
            basis = decision.basis if decision is not None else None
            if kind in _MAY_CARRY and (stored is None or basis is None):
                stale.append(row.record_id)
                continue
            shown = stored if kind in _MAY_CARRY else None
            if row.seq in narrow and kind is ChangeKind.FULL:
                shown = narrowed(stored, narrow[row.seq])
            agreement = basis or row.agreement_id
            item = item_of(kind, row.seq, row.record_id, row.version, agreement, shown)
            items.append(item)
        if stale:
            propagate_ids(self.ctx, conn, sorted(set(stale)))
        through = int(rows[-1].seq) if rows else after
        return {"after": after, "through": through, "items": items}, rows

    def _narrowed(
        self, conn: Connection, peer: str, rows: Sequence[Row[Any]], allowed: dict[int, Decision]
    ) -> dict[int, tuple[str, ...]]:
        """Entries that travel in full only because the originator released the
        record to this peer after a follow-up request that approved chosen
        fields: those fields, per entry."""
        cut = [r for r in rows if r.seq in allowed and _by_release(allowed[r.seq])]
        if not cut:
            return {}
        fields = followup_store.released_fields(conn, peer, [r.record_id for r in cut])
        return {r.seq: chosen for r in cut if (chosen := fields.get(r.record_id)) is not None}

    def _still_allowed(
        self,
        conn: Connection,
        peer: str,
        rows: Sequence[Row[Any]],
        found: dict[tuple[str, int], Any],
    ) -> dict[int, Decision]:
        """For each entry still allowed, the decision that allows it now (its
        ``basis`` is the agreement)."""
        keys = [(r, (r.record_id, r.version)) for r in rows]
        current = [  # only the record's current version may still leave
            (r, found[k]) for r, k in keys if k in found and _current(found[k])
        ]
        present = [(r, record_store.to_record(v, v)) for r, v in current]
        if not present:
            return {}
        context = policy_context(self.ctx, conn, sorted({r.record_id for r, _ in present}))
        facts = facts_for(self.ctx, conn, [record for _, record in present])
        out = {}
        for (row, record), fact in zip(present, facts, strict=True):
            decision = best_push(fact, peer, record, context)
            if decision.basis and decision.outcome >= _MAY_CARRY[ChangeKind(row.kind)]:
                out[row.seq] = decision
        return out

    def acknowledge(self, conn: Connection, peer: Row[Any], cursor: int) -> None:
        """The peer holds everything up to ``cursor``: the register says so, and
        audit lists what left this node. A cursor lower than ours (the peer
        restored a backup) makes us send again from there."""
        old = int(peer.acked_seq)
        now = self.ctx.now()
        if cursor > old:
            rows = store.pending(conn, peer.node_id, old, cursor - old)
            rows = [r for r in rows if r.seq <= cursor]
            store.acknowledge(conn, peer.node_id, rows, now)
            self.ctx.record(
                conn,
                peer_actor(peer.name),
                Action.FEDERATION_SEND,
                peer.node_id,
                through=cursor,
                delivered=[f"{r.record_id}@{r.version}:{r.kind}" for r in rows],
            )
        if cursor != old:
            store.set_peer(
                conn, peer.node_id, acked_seq=cursor, last_delivery=now, last_contact=now
            )

    def acknowledged(self, node_id: str, reply: bytes) -> None:
        """A peer's signed ACK to our push."""
        message = self.open(reply)
        if message.type is not MessageType.ACK or message.sender != node_id:
            raise MessageRefused("type", message.type.value, "a push is answered by an ack")
        cursor = _count(message.body, "cursor", 0)
        refused = _seqs(message.body)
        with self.ctx.tx() as conn:
            peer = store.peer(conn, node_id, lock=True)
            assert peer is not None
            store.forget_refused(conn, node_id, refused)  # the register must not claim them
            self.acknowledge(conn, peer, cursor)
            store.set_peer(conn, node_id, attempts=0, last_error=None, next_attempt=None)

    def next_push(self, node_id: str, after: int | None = None) -> tuple[bytes, int, int] | None:
        """The signed next batch for a peer (after what it acknowledged, or after
        ``after`` when the batch before is still in flight), its size and its last
        sequence number; None when nothing waits."""
        with self.ctx.tx() as conn:
            peer = store.peer(conn, node_id, lock=True)
            limit = self.ctx.settings.federation_batch_size
            body, rows = self.outgoing(conn, peer, limit, after)
        if not rows:
            return None
        return self._seal(MessageType.CHANGES, node_id, body), len(rows), int(rows[-1].seq)

    def next_notices(self, node_id: str) -> tuple[bytes, list[int]] | None:
        """The signed notices waiting for a peer and their ids; None when none wait."""
        with self.ctx.read() as conn:
            waiting = notices.outgoing(conn, node_id, MAX_NOTICES)
        if not waiting:
            return None
        body = {"notices": waiting}
        return self._seal(MessageType.NOTICES, node_id, body), [n["id"] for n in waiting]

    def notices_acknowledged(self, node_id: str, reply: bytes, sent: Sequence[int]) -> int:
        """A peer's signed ACK to our notices: those it took in are delivered."""
        message = self.open(reply)
        if message.type is not MessageType.ACK or message.sender != node_id:
            raise MessageRefused("type", message.type.value, "notices are answered by an ack")
        taken = message.body.get("notices")
        if not isinstance(taken, list):
            raise MessageRefused("notices", taken, "must list the notice ids taken in")
        done = sorted(set(sent) & {n for n in taken if type(n) is int})
        with self.ctx.tx() as conn:
            notice_store.delivered(conn, node_id, done, self.ctx.now())
        return len(done)

    def hit_question(self, node_id: str, body: dict[str, Any]) -> bytes:
        """A signed hit/no-hit question (blinded identifiers only) for a peer."""
        return self._seal(MessageType.HIT_QUERY, node_id, body)

    def hit_answer(self, raw: bytes, expected: str) -> dict[str, Any]:
        """A partner's signed answer to our hit/no-hit question: its body."""
        try:
            message = self.open(raw)
            if message.type is not MessageType.HIT_ANSWER or message.sender != expected:
                raise MessageRefused("type", message.type.value, "expected a hit_answer")
            with self.ctx.tx() as conn:
                self._remember(conn, message)
        except LiaisonError as exc:
            self._refused(raw, exc)
            raise
        return message.body

    def pull_request(self, node_id: str, refused: Sequence[int] = ()) -> bytes:
        """Ask a peer for its changes since our cursor; ``refused`` reports the
        items of its last answer that this node did not store."""
        with self.ctx.read() as conn:
            peer = store.peer(conn, node_id)
        assert peer is not None
        body = {
            "since": int(peer.received_seq),
            "limit": self.ctx.settings.federation_batch_size,
            "refused": list(refused),
        }
        return self._seal(MessageType.PULL, node_id, body)

    def agreement_message(self, actor: Actor, agreement_id: str, node_id: str) -> bytes:
        """A signed message carrying an agreement's latest version and signatures."""
        with self.ctx.guard(actor):
            self.ctx.permit(actor, P.AGREEMENT_MANAGE, Action.AGREEMENT_READ, agreement_id)
        agreement = self.agreements.get(actor, agreement_id)
        if node_id not in agreement.document.party_ids:
            raise InvalidInput("to", node_id, f"not a party to {agreement_id}")
        bundle = {"document": agreement.document.to_dict(), "signatures": agreement.signatures}
        return self._seal(MessageType.AGREEMENT, node_id, {"bundle": bundle})

    def failed(self, node_id: str, error: str, jitter: float) -> None:
        """A delivery failed: the next attempt waits 0.5 s × 2^attempts, capped,
        times 0.5–1 (``jitter`` in [0, 1)), so peers do not retry in step."""
        with self.ctx.tx() as conn:
            peer = store.peer(conn, node_id, lock=True)
            assert peer is not None
            now = self.ctx.now()
            cap = self.ctx.settings.federation_backoff_max_seconds
            backoff = min(cap, 0.5 * 2 ** min(peer.attempts, 20)) * (0.5 + jitter / 2)
            store.set_peer(
                conn,
                node_id,
                attempts=peer.attempts + 1,
                last_error=error[:500],
                last_error_at=now,
                next_attempt=now + dt.timedelta(seconds=backoff),
            )

    # --- refusals --------------------------------------------------------------------

    def _refused(self, raw: bytes, exc: LiaisonError) -> None:
        """A refused message leaves an audit entry of its own; nothing else."""
        sender, message_id = _claimed(raw)
        detail = exc.details() if isinstance(exc, MessageRefused) else {}
        with self.ctx.tx() as conn:
            self.ctx.record(
                conn,
                peer_actor(sender),
                Action.FEDERATION_RECEIVE,
                sender,
                NO_REASON,
                Result.REJECTED,
                message=message_id,
                reason=exc.message,
                **detail,
            )

    def _check_peer(self, name: str, url: str, public_key: str) -> str:
        if not _NAME.match(name or ""):
            raise InvalidInput("name", name, "lower-case letters, digits and dashes")
        if not (url.startswith("https://") or url.startswith("http://")):
            raise InvalidInput("url", url, "must be an https:// address")
        if url.startswith("http://") and not self.ctx.settings.federation_allow_http:
            raise InvalidInput(
                "url",
                url,
                "plain HTTP between nodes is off; use https:// (or set "
                "LIAISON_FEDERATION_ALLOW_HTTP=true for local development)",
            )
        try:
            raw = unb64(public_key)
        except ValueError:
            raw = b""
        if len(raw) != 32:
            raise InvalidInput("key", public_key, "must be a node's Ed25519 public key (base64url)")
        node_id = node_id_for(raw)
        if node_id == self.ctx.node_id:
            raise InvalidInput("key", public_key, "that is this node's own key")
        return node_id


def _by_release(decision: Decision) -> bool:
    return any(r.rule is Rule.RELEASE for r in decision.reasons)


def narrowed(stored: Any, fields: Sequence[str]) -> Any:
    """A stored version cut to the released fields, in the stored form the wire
    takes: its caption and content hash are those of what is left."""
    record = record_store.to_record(stored, stored)
    kept = released(record.properties, fields)
    caption = caption_of(record.schema, record.entity_id, kept)
    cut = dataclasses.replace(record, properties=kept, caption=caption)
    row = record_store.version_row(cut)
    return SimpleNamespace(**row, created=stored.created, created_by=stored.created_by)


def _seqs(body: dict[str, Any]) -> list[int]:
    """The ``refused`` sequence numbers an answer or a pull reports."""
    refused = body.get("refused") or []
    if not isinstance(refused, list) or not all(type(q) is int for q in refused):
        raise MessageRefused("refused", refused, "must list sequence numbers")
    return refused


def _current(stored: Any) -> bool:
    """Whether a version row is its record's current version, not deleted."""
    return bool(stored.version == stored.head_version and not stored.head_deleted)


def _refusal(
    item: Item,
    held: tuple[str, int] | None,
    local: dict[str, Any],
    in_force: frozenset[str],
) -> str | None:
    """Why an item is not applied: "" when it is simply old news, a reason when
    it is refused, None when it applies."""
    if item.record_id in local and held is None:
        return "this node holds that record from another source"
    if held is None and item.kind not in _MAY_CARRY:
        return ""  # withdrawing what was never received: nothing to do
    if held is not None:
        level, version = held
        if level == Level.DELETED.value or item.version < version:
            return ""
        if item.version == version and level == item.kind.level.value:
            return ""
    if item.kind in _MAY_CARRY and item.agreement not in in_force:
        return f"agreement {item.agreement} is not in force here with the sender"
    return None


def _copy_row(item: Item, sender: str, old: Any, now: dt.datetime) -> dict[str, Any]:
    record = item.record
    keep_schema = item.schema or (old.schema if old is not None else "Thing")
    return {
        "record_id": item.record_id,
        "originator": sender,
        "version": item.version,
        "level": item.kind.level.value,
        "agreement_id": item.agreement or (old.agreement_id if old is not None else None),
        "schema": keep_schema,
        "entity": record_store.entity_text(record) if record else None,
        "envelope": record.envelope.canonical.decode() if record else None,
        "caption": record.caption if record else "",
        "deleted": item.kind is ChangeKind.DELETE,
        "reason": record.reason if record else None,
        "content_hash": record.content_hash if record else "",
        "actor": record.modified_by if record else f"peer:{sender}",
        "at": record.modified if record else now,
        "received": now,
    }


def _names(record: Record) -> list[str]:
    return stored_names(record.schema, record.properties, record.caption)


def _count(body: dict[str, Any], name: str, minimum: int) -> int:
    value = body.get(name)
    if type(value) is not int or not minimum <= value <= 2**62:
        raise MessageRefused(name, value, f"must be an integer of at least {minimum}")
    return value


def _claimed(raw: bytes) -> tuple[str, str | None]:
    """Who a message says it is from, for the audit entry of a refusal."""
    try:
        inner = orjson.loads(orjson.loads(raw).get("message") or "{}")
        sender, message_id = inner.get("sender"), inner.get("id")
    except (orjson.JSONDecodeError, AttributeError, TypeError):
        return "unknown", None
    shown = sender if isinstance(sender, str) and len(sender) <= 64 else "unknown"
    return shown, message_id if isinstance(message_id, str) and len(message_id) <= 64 else None


def _node_of(names: dict[str, str], name: str) -> str:
    for node_id, peer_name in names.items():
        if peer_name == name or node_id == name:
            return node_id
    raise NotFound("peer", name)


def _peer(row: Any, depth: int) -> dict[str, Any]:
    def iso(value: dt.datetime | None) -> str | None:
        return value.isoformat() if value else None

    reachable = None
    if row.last_contact or row.last_error_at:
        reachable = row.last_error_at is None or (
            row.last_contact is not None and row.last_contact > row.last_error_at
        )
    return {
        "name": row.name,
        "node_id": row.node_id,
        "url": row.url,
        "public_key": row.public_key,
        "tls_pinned": row.tls_cert is not None,
        "reachable": reachable,
        "last_delivery": iso(row.last_delivery),
        "last_contact": iso(row.last_contact),
        "queue": depth,
        "acked_seq": row.acked_seq,
        "received_seq": row.received_seq,
        "attempts": row.attempts,
        "last_error": row.last_error,
        "last_error_at": iso(row.last_error_at),
    }


def _disclosure(row: Any, names: dict[str, str]) -> dict[str, Any]:
    return {
        "peer": names.get(row.peer, row.peer),
        "peer_id": row.peer,
        "record_id": row.record_id,
        "level": row.level,
        "version": row.version,
        "agreement": row.agreement_id,
        "since": row.since.isoformat(),
        "acknowledged": row.acked_version is not None
        and (row.acked_version, row.acked_level) == (row.version, row.level),
        "acked_version": row.acked_version,
        "acked_level": row.acked_level,
        "acked_at": row.acked_at.isoformat() if row.acked_at else None,
    }
