"""The Merkle tree against Certificate Transparency's published test vectors
(RFC 6962 reference leaves, roots and proofs, as transparency-dev/merkle and the
CT reference implementation publish them), then every size and index."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liaison.audit.merkle import (
    EMPTY_ROOT,
    Tree,
    leaf_hash,
    root_of,
    verify_consistency,
    verify_inclusion,
)

DATA = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
INCLUSION = {
    (0, 8): [
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    (5, 8): [
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
}
CONSISTENCY = {
    (2, 5): [
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ],
}
LEAVES = [leaf_hash(d) for d in DATA]


def test_roots_are_certificate_transparencys() -> None:
    assert EMPTY_ROOT.hex() == ROOTS[0] == hashlib.sha256(b"").hexdigest()
    tree = Tree.of(LEAVES)
    for size, root in enumerate(ROOTS):
        assert tree.root(size).hex() == root
        assert root_of(LEAVES[:size]).hex() == root


def test_published_proofs() -> None:
    tree = Tree.of(LEAVES)
    for (index, size), proof in INCLUSION.items():
        assert [p.hex() for p in tree.inclusion_proof(index, size)] == proof
        assert verify_inclusion(
            LEAVES[index], index, size, tree.inclusion_proof(index, size), tree.root(size)
        )
    for (old, new), proof in CONSISTENCY.items():
        assert [p.hex() for p in tree.consistency_proof(old, new)] == proof


def test_every_proof_of_every_size_checks_and_a_wrong_one_does_not() -> None:
    leaves = [leaf_hash(i.to_bytes(4, "big")) for i in range(70)]
    tree = Tree()
    for leaf in leaves:
        tree.extend([leaf])  # grown one leaf at a time, as a log grows
    assert tree.root() == Tree.of(leaves).root()
    for size in range(1, 71):
        root = tree.root(size)
        for index in range(size):
            proof = tree.inclusion_proof(index, size)
            assert verify_inclusion(leaves[index], index, size, proof, root)
            if size > 1:  # the same proof at another place does not check
                other = (index + 1) % size
                assert not verify_inclusion(leaves[index], other, size, proof, root)
            assert not verify_inclusion(leaf_hash(b"forged"), index, size, proof, root)
        for old in range(0, size + 1):
            proof = tree.consistency_proof(old, size)
            assert verify_consistency(old, size, tree.root(old), root, proof)
            if 0 < old < size:
                assert not verify_consistency(old, size, tree.root(old - 1), root, proof)
                assert not verify_consistency(old, size, tree.root(old), tree.root(size - 1), proof)


@given(st.lists(st.binary(max_size=8), min_size=2, max_size=40), st.data())
def test_a_changed_leaf_breaks_consistency(items: list[bytes], data: st.DataObject) -> None:
    leaves = [leaf_hash(b) for b in items]
    n = len(leaves)
    old = data.draw(st.integers(1, n - 1))
    changed = data.draw(st.integers(0, old - 1))
    forked = list(leaves)
    forked[changed] = leaf_hash(b"rewritten" + items[changed])
    honest, other = Tree.of(leaves), Tree.of(forked)
    proof = other.consistency_proof(old, n)
    assert not verify_consistency(old, n, honest.root(old), other.root(n), proof)


def test_sizes_out_of_range_are_refused() -> None:
    tree = Tree.of(LEAVES)
    with pytest.raises(ValueError):
        tree.root(9)
    with pytest.raises(ValueError):
        tree.inclusion_proof(8, 8)
    with pytest.raises(ValueError):
        tree.consistency_proof(5, 3)
    assert not verify_inclusion(LEAVES[0], 3, 2, [], EMPTY_ROOT)
    assert not verify_consistency(5, 3, EMPTY_ROOT, EMPTY_ROOT, [])
