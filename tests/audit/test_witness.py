"""The witness's decisions and the check against a witness's checkpoint, pure:
real Merkle trees and real Ed25519 keys, no node."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from liaison.audit.merkle import Tree, leaf_hash
from liaison.audit.note import Note, NoteError, TreeHead, cosign, parse_note, sign_note
from liaison.audit.witness import Status, Verdict, compare, judge, open_cosigned

ORIGIN = "liaison.audit/lsn-aaaaaaaaaaaaaaaaaaaa"
WITNESS = "liaison.witness/lsn-bbbbbbbbbbbbbbbbbbbb"


class Key:
    def __init__(self) -> None:
        self.private = Ed25519PrivateKey.generate()
        self.public = self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    def sign(self, message: bytes) -> bytes:
        return self.private.sign(message)


LOG, OTHER, WITNESS_KEY = Key(), Key(), Key()


def tree(entries: Sequence[str]) -> Tree:
    return Tree.of([leaf_hash(e.encode()) for e in entries])


def signed(t: Tree, size: int, key: Key = LOG, origin: str = ORIGIN) -> str:
    text = TreeHead(origin, size, t.root(size)).text()
    return Note(text, (sign_note(text, origin, key.public, key.sign),)).render()


def head(t: Tree, size: int) -> TreeHead:
    return TreeHead(ORIGIN, size, t.root(size))


HISTORY = [f"entry {i}" for i in range(20)]


def test_a_first_checkpoint_is_cosigned() -> None:
    t = tree(HISTORY)
    found = judge(signed(t, 7), ORIGIN, LOG.public, None, 0, [])
    assert found.verdict is Verdict.COSIGN and found.head == head(t, 7)


def test_a_consistent_larger_tree_is_cosigned() -> None:
    t = tree(HISTORY)
    proof = t.consistency_proof(7, 20)
    assert judge(signed(t, 20), ORIGIN, LOG.public, head(t, 7), 7, proof).cosign
    assert judge(signed(t, 7), ORIGIN, LOG.public, head(t, 7), 7, []).cosign  # the same again


def test_a_smaller_tree_is_a_rollback() -> None:
    t = tree(HISTORY)
    found = judge(signed(t, 5), ORIGIN, LOG.public, head(t, 7), 0, [])
    assert found.verdict is Verdict.ROLLBACK and found.verdict.evidence
    assert "size 5 is smaller than the size 7" in found.reason


def test_a_rewritten_history_is_a_fork() -> None:
    t = tree(HISTORY)
    rewritten = tree([*HISTORY[:3], "entry 3, rewritten", *HISTORY[4:]])
    proof = rewritten.consistency_proof(7, 20)
    found = judge(signed(rewritten, 20), ORIGIN, LOG.public, head(t, 7), 7, proof)
    assert found.verdict is Verdict.FORK and found.verdict.evidence
    same_size = judge(signed(rewritten, 7), ORIGIN, LOG.public, head(t, 7), 7, [])
    assert same_size.verdict is Verdict.FORK and "another root" in same_size.reason


def test_a_proof_from_another_size_is_stale() -> None:
    t = tree(HISTORY)
    found = judge(signed(t, 20), ORIGIN, LOG.public, head(t, 7), 3, t.consistency_proof(3, 20))
    assert found.verdict is Verdict.STALE and not found.verdict.evidence


@pytest.mark.parametrize(
    ("offered", "key", "verdict"),
    [
        (lambda t: signed(t, 7, OTHER), LOG.public, Verdict.BAD_SIGNATURE),
        (lambda t: signed(t, 7), None, Verdict.UNKNOWN_KEY),
        (lambda t: signed(t, 7, origin="liaison.audit/other"), LOG.public, Verdict.WRONG_ORIGIN),
        (lambda t: "not a note", LOG.public, Verdict.MALFORMED),
    ],
)
def test_unsigned_or_foreign_checkpoints_are_refused(offered, key, verdict) -> None:  # type: ignore[no-untyped-def]
    found = judge(offered(tree(HISTORY)), ORIGIN, key, None, 0, [])
    assert found.verdict is verdict and not found.cosign and not verdict.evidence


def cosigned(t: Tree, size: int, timestamp: int = 1_800_000_000) -> str:
    note = parse_note(signed(t, size))
    line = cosign(note.text, WITNESS, WITNESS_KEY.public, WITNESS_KEY.sign, timestamp)
    return Note(note.text, (*note.signatures, line)).render()


def test_open_cosigned_checks_both_signatures() -> None:
    t = tree(HISTORY)
    found = open_cosigned(cosigned(t, 7), ORIGIN, LOG.public, WITNESS, WITNESS_KEY.public)
    assert found.head == head(t, 7) and found.timestamp == 1_800_000_000
    with pytest.raises(NoteError, match="no valid cosignature"):
        open_cosigned(cosigned(t, 7), ORIGIN, LOG.public, WITNESS, OTHER.public)
    with pytest.raises(NoteError, match="log's signature"):
        open_cosigned(cosigned(t, 7), ORIGIN, OTHER.public, WITNESS, WITNESS_KEY.public)


def test_compare_names_rollback_and_fork() -> None:
    t = tree(HISTORY)
    held = open_cosigned(cosigned(t, 12), ORIGIN, LOG.public, WITNESS, WITNESS_KEY.public)
    ok = compare("moscow", "lsn-b", held, 20, t.root, "witness")
    assert ok.status is Status.OK and ok.size == 12 and not ok.failed
    assert "8 entries since" in ok.reason
    cut = tree(HISTORY[:10])
    rolled = compare("moscow", "lsn-b", held, 10, cut.root, "witness")
    assert rolled.status is Status.ROLLBACK and rolled.failed
    assert "moscow cosigned size 12" in rolled.reason and rolled.root == ok.root
    rewritten = tree([*HISTORY[:5], "rewritten", *HISTORY[6:]])
    forked = compare("moscow", "lsn-b", held, 20, rewritten.root, "witness")
    assert forked.status is Status.FORK and "size 12" in forked.reason
