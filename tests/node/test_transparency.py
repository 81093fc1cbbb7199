"""The audit log as a transparency log: the tree follows the committed entries,
checkpoints are C2SP notes signed by the node key, proofs check against them."""

from __future__ import annotations

import pytest

from liaison.audit.merkle import leaf_hash, verify_consistency, verify_inclusion
from liaison.audit.note import parse_note, parse_tree_head, verify_note
from liaison.errors import InvalidInput
from liaison.node import Node
from tests.conftest import Team, person


def test_checkpoints_grow_with_the_log_and_prove_it(node: Node, team: Team) -> None:
    log = node.transparency
    first = log.checkpoint()
    note = parse_note(first.text)
    assert parse_tree_head(note.text) == first.head
    assert first.head.origin == f"liaison.audit/{node.ctx.node_id}"
    assert verify_note(note.text, note.signatures[0], first.head.origin, log.public_key)

    for i in range(7):
        node.records.create(team.analyst, person(f"Lorna Bautista {i}"), {})
    second = log.checkpoint()
    assert second.head.size > first.head.size
    old, new = first.head.size, second.head.size
    proof = log.consistency(old, new)
    assert verify_consistency(old, new, first.head.root, second.head.root, proof)

    entries = node.audit.entries(team.auditor, after=0, limit=1000)
    for entry in entries[:new]:
        path = log.inclusion(entry.seq, new)
        leaf = leaf_hash(bytes.fromhex(entry.hash))
        assert verify_inclusion(leaf, entry.seq - 1, new, path, second.head.root)
    with pytest.raises(InvalidInput):
        log.inclusion(new + 1000, new)
    with pytest.raises(InvalidInput):
        log.consistency(new, old)


def test_a_second_process_builds_the_same_tree(node: Node, team: Team) -> None:
    node.records.create(team.analyst, person("Aurora Santos"), {})
    here = node.transparency.checkpoint()
    other = Node.open(node.ctx.settings)
    try:
        assert other.transparency.root(here.head.size) == here.head.root
    finally:
        other.close()
