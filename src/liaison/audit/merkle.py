"""The audit log as an RFC 6962 / RFC 9162 Merkle tree: roots, proofs, checks.

Certificate Transparency's hash tree, exactly: a leaf hashes as
``SHA-256(0x00 || data)``, an interior node as ``SHA-256(0x01 || left || right)``,
the tree over ``n`` leaves splits at the largest power of two below ``n``, and the
empty tree's root is ``SHA-256("")``. A log built this way proves two things to
anyone holding a root, without trusting whoever runs it:

- **inclusion**: entry ``i`` is in the tree of size ``n`` with this root
  (``inclusion_proof``, ``verify_inclusion``);
- **consistency**: the tree of size ``n`` extends the tree of size ``m`` without
  changing any of its first ``m`` leaves (``consistency_proof``,
  ``verify_consistency``): a rollback, an edit or a fork breaks it.

The leaves of the audit log are its entries' own hashes (32 bytes each; the chain
in ``liaison.audit.chain`` already binds each entry to its content). ``Tree``
keeps every complete subtree's hash, level by level, so a root or a proof over a
million entries costs one hash per level once the levels are built. Pure: no I/O.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split(n: int) -> int:
    """The largest power of two smaller than ``n`` (``n`` ≥ 2): RFC 6962's split."""
    return 1 << ((n - 1).bit_length() - 1)


@dataclass
class Tree:
    """Leaf hashes and, above them, the hash of every complete aligned subtree:
    ``levels[h][i]`` covers leaves ``i·2^h`` to ``(i+1)·2^h - 1``. Grows by
    appending leaves; every root and proof of any size up to ``size`` is answered
    from the levels."""

    levels: list[list[bytes]] = field(default_factory=lambda: [[]])

    @classmethod
    def of(cls, leaves: Sequence[bytes]) -> Tree:
        tree = cls()
        tree.extend(leaves)
        return tree

    @property
    def size(self) -> int:
        return len(self.levels[0])

    def extend(self, leaves: Sequence[bytes]) -> None:
        """Append leaf hashes; complete the subtrees they close, level by level."""
        self.levels[0].extend(leaves)
        height = 0
        while len(self.levels[height]) >= 2:
            below = self.levels[height]
            if height + 1 == len(self.levels):
                self.levels.append([])
            above = self.levels[height + 1]
            for i in range(len(above), len(below) // 2):
                above.append(node_hash(below[2 * i], below[2 * i + 1]))
            height += 1

    def subtree(self, start: int, end: int) -> bytes:
        """MTH of leaves ``start`` to ``end - 1`` (``start`` aligned as RFC 6962's
        recursion always leaves it)."""
        n = end - start
        if n == 0:
            return EMPTY_ROOT
        if n & (n - 1) == 0 and start % n == 0:
            height = n.bit_length() - 1
            return self.levels[height][start >> height]
        k = split(n)
        return node_hash(self.subtree(start, start + k), self.subtree(start + k, end))

    def root(self, size: int | None = None) -> bytes:
        size = self.size if size is None else size
        _check_size(size, self.size)
        return self.subtree(0, size)

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        """The audit path of leaf ``index`` in the tree of ``size`` (RFC 9162 2.1.3.1)."""
        _check_size(size, self.size)
        if not 0 <= index < size:
            raise ValueError(f"leaf {index} is not in a tree of {size}")
        return self._path(index, 0, size)

    def _path(self, index: int, start: int, end: int) -> list[bytes]:
        n = end - start
        if n == 1:
            return []
        k = split(n)
        if index < k:
            return [*self._path(index, start, start + k), self.subtree(start + k, end)]
        return [*self._path(index - k, start + k, end), self.subtree(start, start + k)]

    def consistency_proof(self, old: int, new: int) -> list[bytes]:
        """The proof that the tree of ``new`` extends that of ``old`` (RFC 9162 2.1.4.1)."""
        _check_size(new, self.size)
        if not 0 <= old <= new:
            raise ValueError(f"no consistency proof from {old} to {new}")
        if old in (0, new):
            return []
        return self._subproof(old, 0, new, True)

    def _subproof(self, m: int, start: int, end: int, whole: bool) -> list[bytes]:
        n = end - start
        if m == n:
            return [] if whole else [self.subtree(start, end)]
        k = split(n)
        if m <= k:
            return [*self._subproof(m, start, start + k, whole), self.subtree(start + k, end)]
        return [*self._subproof(m - k, start + k, end, False), self.subtree(start, start + k)]


def _check_size(size: int, have: int) -> None:
    if not 0 <= size <= have:
        raise ValueError(f"the tree has {have} leaves, not {size}")


def root_of(leaves: Sequence[bytes]) -> bytes:
    return Tree.of(leaves).root()


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """Whether ``proof`` shows leaf hash ``leaf`` at ``index`` in the tree of ``size``
    with ``root`` (RFC 9162 2.1.3.2)."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether ``proof`` shows that the tree of ``new`` with ``new_root`` extends the
    tree of ``old`` with ``old_root`` (RFC 9162 2.1.4.2)."""
    if not 0 <= old <= new:
        return False
    if old == new:
        return not proof and old_root == new_root
    if old == 0:
        return not proof and old_root == EMPTY_ROOT
    if not proof:
        return False
    path = list(proof)
    if old & (old - 1) == 0:  # a power of two: the old root is the first node
        path.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root
