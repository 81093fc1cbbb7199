"""Checkpoints as C2SP signed notes, and witnesses' cosignatures on them.

The formats Sigstore's Rekor, the Go checksum database and their witnesses use,
so that a node's checkpoint reads the same to any tool of that ecosystem:

- a **signed note** (c2sp.org/signed-note): a text ending in a newline, a blank
  line, then lines ``— <key name> base64(key id || signature)``; an Ed25519 key's
  id is ``SHA-256(name || 0x0A || 0x01 || public key)[:4]``;
- a **checkpoint** (c2sp.org/tlog-checkpoint): the note text is the log's origin,
  its tree size and its RFC 6962 root hash (standard base64), one per line;
- a **cosignature** (c2sp.org/tlog-cosignature, Ed25519 ``cosignature/v1``): a
  witness signs ``"cosignature/v1\\ntime <t>\\n" + checkpoint text`` and writes
  ``— <name> base64(key id || timestamp (8 bytes, big-endian) || signature)``
  with the key id over type byte 0x04. It says: at time ``t`` this is the largest
  tree of that log the witness has seen, consistent with all it saw before.

Pure: keys come in as raw 32-byte Ed25519 public keys and a signing function.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

ED25519, COSIGNATURE_V1 = 0x01, 0x04
DASH = "\u2014"
MAX_SIGNATURES = 32
Sign = Callable[[bytes], bytes]  # raw Ed25519 signature of a message


class NoteError(ValueError):
    """A note or checkpoint that does not parse; says what and where."""


@dataclass(frozen=True, slots=True)
class TreeHead:
    """A checkpoint's text: the log's origin, its size, its root hash."""

    origin: str
    size: int
    root: bytes

    def text(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"


@dataclass(frozen=True, slots=True)
class SignatureLine:
    name: str
    key_id: bytes
    signature: bytes  # after the key id: the signature (a cosignature: timestamp first)

    def line(self) -> str:
        blob = base64.b64encode(self.key_id + self.signature).decode()
        return f"{DASH} {self.name} {blob}\n"


@dataclass(frozen=True, slots=True)
class Note:
    text: str
    signatures: tuple[SignatureLine, ...]

    def render(self) -> str:
        return self.text + "\n" + "".join(s.line() for s in self.signatures)


def key_id(name: str, kind: int, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([kind]) + public_key).digest()[:4]


def check_name(name: str) -> str:
    if not name or any(c.isspace() or c == "+" for c in name):
        raise NoteError(f"key name {name!r}: must be non-empty, without spaces or '+'")
    return name


def sign_note(text: str, name: str, public_key: bytes, sign: Sign) -> SignatureLine:
    """The signer's line for a note text (c2sp.org/signed-note, Ed25519)."""
    _check_text(text)
    return SignatureLine(check_name(name), key_id(name, ED25519, public_key), sign(text.encode()))


def cosign(text: str, name: str, public_key: bytes, sign: Sign, timestamp: int) -> SignatureLine:
    """A witness's ``cosignature/v1`` line on a checkpoint text, dated ``timestamp``
    (POSIX seconds)."""
    _check_text(text)
    if not 0 <= timestamp < 2**63:
        raise NoteError(f"timestamp {timestamp}: out of range")
    signed = sign(cosigned_message(text, timestamp))
    return SignatureLine(
        check_name(name),
        key_id(name, COSIGNATURE_V1, public_key),
        timestamp.to_bytes(8, "big") + signed,
    )


def cosigned_message(text: str, timestamp: int) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n{text}".encode()


def verify_note(text: str, line: SignatureLine, name: str, public_key: bytes) -> bool:
    """Whether ``line`` is ``name``'s valid Ed25519 signature on the note text."""
    if line.name != name or line.key_id != key_id(name, ED25519, public_key):
        return False
    return _verified(public_key, line.signature, text.encode())


def verify_cosignature(text: str, line: SignatureLine, name: str, public_key: bytes) -> int | None:
    """The cosignature's timestamp if ``line`` is ``name``'s valid ``cosignature/v1``
    on the checkpoint text, else ``None``."""
    if line.name != name or line.key_id != key_id(name, COSIGNATURE_V1, public_key):
        return None
    if len(line.signature) != 8 + 64:
        return None
    timestamp = int.from_bytes(line.signature[:8], "big")
    ok = _verified(public_key, line.signature[8:], cosigned_message(text, timestamp))
    return timestamp if ok else None


def _verified(public_key: bytes, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def parse_note(data: str) -> Note:
    """Split a signed note into its text and its signature lines (unverified)."""
    if not data.endswith("\n"):
        raise NoteError("a signed note ends with a newline")
    cut = data.rfind("\n\n")
    if cut < 0:
        raise NoteError("no blank line before the signatures")
    text, lines = data[: cut + 1], data[cut + 2 :].splitlines()
    _check_text(text)
    if not lines or len(lines) > MAX_SIGNATURES:
        raise NoteError(f"a note has 1 to {MAX_SIGNATURES} signature lines, not {len(lines)}")
    return Note(text, tuple(_signature(line) for line in lines))


def _signature(line: str) -> SignatureLine:
    parts = line.split(" ")
    if len(parts) != 3 or parts[0] != DASH:
        raise NoteError(f"signature line {line!r}: not '— <name> <base64>'")
    try:
        blob = base64.b64decode(parts[2], validate=True)
    except ValueError as exc:
        raise NoteError(f"signature line {line!r}: not base64") from exc
    if len(blob) < 5:
        raise NoteError(f"signature line {line!r}: too short")
    return SignatureLine(check_name(parts[1]), blob[:4], blob[4:])


def _check_text(text: str) -> None:
    if not text.endswith("\n") or any(ord(c) < 0x20 and c != "\n" for c in text):
        raise NoteError("a note text ends with a newline and has no control characters")


def parse_tree_head(text: str) -> TreeHead:
    """A checkpoint's text: origin, size (decimal, no leading zero), root (32 bytes)."""
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "" or any(not line for line in lines[:-1]):
        raise NoteError("a checkpoint has origin, size and root hash, one per line")
    origin, size, root = lines[0], lines[1], lines[2]
    if not size.isdigit() or (size != "0" and size.startswith("0")):
        raise NoteError(f"tree size {size!r}: a decimal number without leading zeros")
    try:
        digest = base64.b64decode(root, validate=True)
    except ValueError as exc:
        raise NoteError(f"root hash {root!r}: not base64") from exc
    if len(digest) != 32:
        raise NoteError(f"root hash {root!r}: not 32 bytes")
    return TreeHead(origin, int(size), digest)


def signed_by(note: Note, name: str) -> Sequence[SignatureLine]:
    return [s for s in note.signatures if s.name == name]
