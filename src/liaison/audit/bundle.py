"""The audit bundle: a node's log and its witnesses' checkpoints, checked by an
outside auditor without the node's database or key. Pure.

A bundle is JSON Lines (UTF-8). The first line is the header::

    {"format": "liaison-audit-bundle/1", "node_id": "lsn-...", "node_name": "...",
     "public_key": "<the node's Ed25519 key, base64url as `liaison peer add --key`>",
     "origin": "liaison.audit/lsn-...", "checkpoint": "<the node's signed note>",
     "entries": N,
     "witnesses": [{"name": "...", "node_id": "lsn-...", "public_key": "...",
                    "checkpoint": "<a checkpoint with the node's signature and the
                                   witness's cosignature>"}]}

then N lines, one audit entry each (``seq``, ``ts``, ``actor``, ``action``,
``object``, ``purpose``, ``justification``, ``result``, ``detail``,
``prev_hash``, ``hash``), in sequence order from 1.

``verify_bundle`` re-checks the hash chain, recomputes the Merkle tree of the
entries (leaf = the entry's 32-byte hash), checks the node's checkpoint
signature and root, and checks each witness's cosignature against the keys the
auditor trusts (never the keys the bundle carries), then whether the entries
extend what each witness cosigned (``liaison.audit.witness.compare``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import orjson

from liaison.audit.chain import GENESIS, Entry
from liaison.audit.merkle import Tree, leaf_hash
from liaison.audit.note import NoteError, parse_note, parse_tree_head, signed_by, verify_note
from liaison.audit.witness import (
    Status,
    WitnessFinding,
    b64,
    compare,
    open_cosigned,
    unanswered,
    witness_name,
)
from liaison.errors import InvalidInput
from liaison.model.identity import node_id_for, unb64

FORMAT = "liaison-audit-bundle/1"
_ENTRY_FIELDS = frozenset(f.name for f in fields(Entry))


@dataclass(frozen=True, slots=True)
class BundleWitness:
    name: str
    node_id: str
    public_key: str  # as the bundle says: never trusted by verification
    checkpoint: str


@dataclass(frozen=True, slots=True)
class Header:
    node_id: str
    node_name: str
    public_key: str
    origin: str
    checkpoint: str
    entries: int
    witnesses: tuple[BundleWitness, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "node_id": self.node_id,
            "node_name": self.node_name,
            "public_key": self.public_key,
            "origin": self.origin,
            "checkpoint": self.checkpoint,
            "entries": self.entries,
            "witnesses": [
                {
                    "name": w.name,
                    "node_id": w.node_id,
                    "public_key": w.public_key,
                    "checkpoint": w.checkpoint,
                }
                for w in self.witnesses
            ],
        }


@dataclass(frozen=True, slots=True)
class Bundle:
    header: Header
    entries: tuple[Entry, ...]


def render(header: Header, entries: Iterable[Entry]) -> Iterator[bytes]:
    """The bundle's lines, each ending in a newline."""
    yield orjson.dumps(header.to_json()) + b"\n"
    for entry in entries:
        yield orjson.dumps({**entry.body(), "hash": entry.hash}) + b"\n"


def parse(lines: Iterable[bytes | str]) -> Bundle:
    """Read a bundle; a malformed line is ``InvalidInput`` naming the line."""
    header: Header | None = None
    entries: list[Entry] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise InvalidInput(
                f"bundle line {number}", str(line)[:60], f"not JSON ({exc})"
            ) from None
        if header is None:
            header = _header(data)
        else:
            entries.append(_entry(data, number))
    if header is None:
        raise InvalidInput("bundle", "", "empty: the first line is the header")
    if len(entries) != header.entries:
        raise InvalidInput(
            "entries", len(entries), f"the header says {header.entries} entries follow it"
        )
    return Bundle(header, tuple(entries))


def _header(data: Any) -> Header:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InvalidInput("bundle line 1", str(data)[:60], f"the header names format {FORMAT}")
    text = {name: _text(data, name) for name in ("node_id", "public_key", "origin", "checkpoint")}
    count = data.get("entries")
    if type(count) is not int or count < 0:
        raise InvalidInput("entries", count, "a whole number, 0 or more")
    raw = data.get("witnesses")
    if not isinstance(raw, list):
        raise InvalidInput("witnesses", raw, "a list")
    witnesses = tuple(
        BundleWitness(
            _text(w, "name"), _text(w, "node_id"), _text(w, "public_key"), _text(w, "checkpoint")
        )
        for w in raw
    )
    name = data.get("node_name")
    return Header(
        text["node_id"],
        name if isinstance(name, str) else "",
        text["public_key"],
        text["origin"],
        text["checkpoint"],
        count,
        witnesses,
    )


def _text(data: Any, name: str) -> str:
    value = data.get(name) if isinstance(data, dict) else None
    if not isinstance(value, str) or not value:
        raise InvalidInput(name, value, "must be a non-empty string")
    return value


def _entry(data: Any, number: int) -> Entry:
    if not isinstance(data, dict) or set(data) != _ENTRY_FIELDS:
        found = sorted(data) if isinstance(data, dict) else data
        raise InvalidInput(
            f"bundle line {number}", found, f"an entry has exactly {sorted(_ENTRY_FIELDS)}"
        )
    try:
        return Entry(**data)
    except TypeError as exc:
        raise InvalidInput(f"bundle line {number}", str(data)[:60], str(exc)) from None


# --- verification ---------------------------------------------------------------------


@dataclass(frozen=True)
class BundleReport:
    node_id: str
    entries: int
    size: int | None  # the node's checkpoint
    root: str | None
    problems: list[str] = field(default_factory=list)  # the chain and the node's checkpoint
    witnesses: list[WitnessFinding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not any(f.failed for f in self.witnesses)


def chain_problem(entries: Sequence[Entry]) -> str | None:
    """The first break of the hash chain, or None."""
    prev = GENESIS
    for expected, entry in enumerate(entries, start=1):
        if entry.seq != expected:
            return f"entry {expected}: found entry {entry.seq} in its place (removed or inserted)"
        if entry.prev_hash != prev:
            return f"entry {expected}: its previous-hash link does not match entry {expected - 1}"
        if entry.computed_hash() != entry.hash:
            return f"entry {expected}: its content does not match its hash (modified)"
        prev = entry.hash
    return None


def verify_bundle(
    bundle: Bundle, trusted: Mapping[str, bytes], node_key: bytes | None = None
) -> BundleReport:
    """Check a bundle against the witnesses' keys the auditor trusts (by witness
    name, node id or cosigner name) and, if given, the node's key."""
    header, entries = bundle.header, bundle.entries
    problems: list[str] = []
    broken = chain_problem(entries)
    if broken:
        problems.append(f"hash chain broken at {broken}")
    key = _node_key(header, node_key, problems)
    tree = Tree.of([leaf_hash(bytes.fromhex(e.hash)) if _hex32(e.hash) else b"" for e in entries])
    size, root = _checkpoint(header, key, tree, problems)
    found = [_witness(w, header, key, tree, trusted) for w in header.witnesses]
    named = {n for w in header.witnesses for n in (w.name, w.node_id, witness_name(w.node_id))}
    for name in sorted(set(trusted) - named):
        found.append(
            unanswered(name, "", Status.UNWITNESSED, f"the bundle has no checkpoint of {name}")
        )
    return BundleReport(header.node_id, len(entries), size, root, problems, found)


def _hex32(text: str) -> bool:
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


def _node_key(header: Header, given: bytes | None, problems: list[str]) -> bytes:
    try:
        key = unb64(header.public_key)
    except ValueError:
        key = b""
    if node_id_for(key) != header.node_id:
        problems.append(f"the bundle's public key is not the key of node {header.node_id}")
    if given is not None and given != key:
        problems.append("the bundle's public key is not the node key given")
    if header.origin != f"liaison.audit/{header.node_id}":
        problems.append(f"origin {header.origin!r} is not liaison.audit/{header.node_id}")
    return given if given is not None else key


def _checkpoint(
    header: Header, key: bytes, tree: Tree, problems: list[str]
) -> tuple[int | None, str | None]:
    try:
        note = parse_note(header.checkpoint)
        head = parse_tree_head(note.text)
    except NoteError as exc:
        problems.append(f"the node's checkpoint does not parse: {exc}")
        return None, None
    signed = any(
        verify_note(note.text, s, header.origin, key) for s in signed_by(note, header.origin)
    )
    if not signed:
        problems.append("the node's checkpoint is not signed by the node's key")
    if head.size != tree.size:
        problems.append(
            f"the node's checkpoint has size {head.size}, the bundle {tree.size} entries"
        )
    elif head.root != tree.root(head.size):
        problems.append(
            f"the node's checkpoint root {b64(head.root)} is not the root of the entries "
            f"({b64(tree.root(head.size))})"
        )
    return head.size, b64(head.root)


def _witness(
    w: BundleWitness, header: Header, key: bytes, tree: Tree, trusted: Mapping[str, bytes]
) -> WitnessFinding:
    cosigner = witness_name(w.node_id)
    trusted_key = next((trusted[n] for n in (w.name, w.node_id, cosigner) if n in trusted), None)
    if trusted_key is None:
        reason = f"no trusted key given for {w.name} ({w.node_id}): its cosignature is not checked"
        return unanswered(w.name, w.node_id, Status.UNCHECKED, reason)
    if node_id_for(trusted_key) != w.node_id:
        reason = f"the key given for {w.name} is not the key of node {w.node_id}"
        return unanswered(w.name, w.node_id, Status.INVALID, reason)
    try:
        cosigned = open_cosigned(w.checkpoint, header.origin, key, cosigner, trusted_key)
    except NoteError as exc:
        return unanswered(w.name, w.node_id, Status.INVALID, f"{w.name}'s checkpoint: {exc}")
    return compare(w.name, w.node_id, cosigned, tree.size, tree.root, "bundle")
