"""Signed notes, checkpoints and cosignatures against the published formats.

The note is checked byte for byte against the Go reference (golang.org/x/mod
sumdb/note, its documented example key and signed note): Ed25519 is
deterministic, so the same key and text must give the same line.
"""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from liaison.audit.merkle import EMPTY_ROOT
from liaison.audit.note import (
    NoteError,
    TreeHead,
    cosign,
    key_id,
    parse_note,
    parse_tree_head,
    sign_note,
    verify_cosignature,
    verify_note,
)

GO_SIGNER = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VERIFIER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_NOTE = (
    GO_TEXT + "\n— PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)


def raw_public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def test_the_go_reference_note_byte_for_byte() -> None:
    seed = base64.b64decode(GO_SIGNER.split("+", 4)[4])[1:]
    key = Ed25519PrivateKey.from_private_bytes(seed)
    public = raw_public(key)
    assert base64.b64decode(GO_VERIFIER.split("+", 2)[2]) == b"\x01" + public
    assert key_id("PeterNeumann", 0x01, public).hex() == "c74f20a3"
    line = sign_note(GO_TEXT, "PeterNeumann", public, key.sign)
    assert GO_TEXT + "\n" + line.line() == GO_NOTE
    note = parse_note(GO_NOTE)
    assert note.text == GO_TEXT and note.render() == GO_NOTE
    assert verify_note(note.text, note.signatures[0], "PeterNeumann", public)
    assert not verify_note(GO_TEXT.replace("problem", "Problem"), line, "PeterNeumann", public)
    assert not verify_note(GO_TEXT, line, "PaulNeumann", public)


def test_checkpoint_and_cosignature() -> None:
    log, witness = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    head = TreeHead("liaison.audit/lsn-manila", 20852163, EMPTY_ROOT)
    text = head.text()
    assert parse_tree_head(text) == head
    signed = sign_note(text, head.origin, raw_public(log), log.sign)
    cosigned = cosign(text, "witness/lsn-moscow", raw_public(witness), witness.sign, 1679315147)
    note = parse_note(text + "\n" + signed.line() + cosigned.line())
    assert len(note.signatures) == 2
    at = verify_cosignature(
        note.text, note.signatures[1], "witness/lsn-moscow", raw_public(witness)
    )
    assert at == 1679315147
    assert cosigned.signature[:8] == (1679315147).to_bytes(8, "big")
    # the cosignature covers the checkpoint: another size, another root, another time fail
    other = TreeHead(head.origin, head.size + 1, head.root).text()
    assert verify_cosignature(other, cosigned, "witness/lsn-moscow", raw_public(witness)) is None
    assert verify_cosignature(text, signed, head.origin, raw_public(log)) is None  # wrong type
    assert verify_note(text, signed, head.origin, raw_public(log))


@pytest.mark.parametrize(
    "bad",
    [
        "origin\n12\n",  # no root
        "origin\n012\n" + base64.b64encode(EMPTY_ROOT).decode() + "\n",
        "origin\n-1\n" + base64.b64encode(EMPTY_ROOT).decode() + "\n",
        "origin\n1\nnot base64!\n",
        "origin\n1\n" + base64.b64encode(b"short").decode() + "\n",
    ],
)
def test_malformed_checkpoints_are_named(bad: str) -> None:
    with pytest.raises(NoteError):
        parse_tree_head(bad)


def test_malformed_notes_are_refused() -> None:
    for bad in (GO_TEXT, GO_NOTE.replace("— ", "- "), GO_NOTE[:-1], GO_TEXT + "\n"):
        with pytest.raises(NoteError):
            parse_note(bad)
