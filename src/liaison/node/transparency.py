"""The audit log as a transparency log: its Merkle tree, signed checkpoints, proofs.

Each audit entry is a leaf (its 32-byte hash: the chain already binds it to its
content and to the entry before it); entry ``seq`` is leaf ``seq - 1``. The tree
(``liaison.audit.merkle.Tree``) is kept in memory and grows in batches: each call
first adds the entries appended since the last one, reading only those. A
checkpoint is the C2SP signed note of the tree head (origin
``liaison.audit/<node id>``, size, root), signed by the node key; witnesses
(partners) cosign it when it is consistent with the last one they saw.

Read-only: a checkpoint is made from what is committed, writes nothing, and is
the same for every caller at the same size.
"""

from __future__ import annotations

import base64
import threading
from dataclasses import dataclass

from sqlalchemy import Connection, select

from liaison.audit.merkle import Tree, leaf_hash
from liaison.audit.note import Note, TreeHead, sign_note
from liaison.errors import InvalidInput
from liaison.model.identity import unb64
from liaison.node.context import NodeContext
from liaison.storage.tables import audit_log

BATCH = 50_000  # entries read per query while the tree catches up


def origin_of(node_id: str) -> str:
    """The log's name in its checkpoints, and its key's name."""
    return f"liaison.audit/{node_id}"


@dataclass(frozen=True, slots=True)
class SignedCheckpoint:
    head: TreeHead
    note: Note

    @property
    def text(self) -> str:
        return self.note.render()


class TransparencyLog:
    """The node's audit tree, caught up on demand, and what is proved from it."""

    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        self.tree = Tree()
        self._lock = threading.Lock()

    @property
    def origin(self) -> str:
        return origin_of(self.ctx.node_id)

    @property
    def public_key(self) -> bytes:
        return self.ctx.key.public_raw

    def catch_up(self) -> int:
        """Add the entries committed since the tree last grew; the tree's size."""
        with self._lock, self.ctx.read() as conn:
            return self._catch_up(conn)

    def _catch_up(self, conn: Connection) -> int:
        while True:
            rows = conn.execute(
                select(audit_log.c.seq, audit_log.c.hash)
                .where(audit_log.c.seq > self.tree.size)
                .order_by(audit_log.c.seq)
                .limit(BATCH)
            ).all()
            leaves: list[bytes] = []
            for row in rows:
                if row.seq != self.tree.size + len(leaves) + 1:
                    break  # a gap: stop where the log stops being a sequence
                leaves.append(leaf_hash(bytes.fromhex(row.hash)))
            self.tree.extend(leaves)
            if len(rows) < BATCH or len(leaves) < len(rows):
                return self.tree.size

    def checkpoint(self) -> SignedCheckpoint:
        """The signed checkpoint of the whole log as committed now."""
        size = self.catch_up()
        head = TreeHead(self.origin, size, self.tree.root(size))
        text = head.text()
        line = sign_note(text, self.origin, self.public_key, self._sign)
        return SignedCheckpoint(head, Note(text, (line,)))

    def _sign(self, message: bytes) -> bytes:
        return unb64(self.ctx.key.sign(message))

    def consistency(self, old: int, new: int) -> list[bytes]:
        self._covers(new, "new")
        if not 0 <= old <= new:
            raise InvalidInput("old", old, f"must be between 0 and {new}")
        return self.tree.consistency_proof(old, new)

    def inclusion(self, seq: int, size: int) -> list[bytes]:
        """The proof that entry ``seq`` is in the tree of ``size``."""
        self._covers(size, "size")
        if not 1 <= seq <= size:
            raise InvalidInput("seq", seq, f"must be between 1 and {size}")
        return self.tree.inclusion_proof(seq - 1, size)

    def root(self, size: int) -> bytes:
        self._covers(size, "size")
        return self.tree.root(size)

    def _covers(self, size: int, name: str) -> None:
        have = self.catch_up()
        if not 0 <= size <= have:
            raise InvalidInput(name, size, f"the log has {have} entries")


def b64(data: bytes) -> str:
    """Standard base64, as proofs and roots travel (RFC 4648 section 4)."""
    return base64.b64encode(data).decode()
