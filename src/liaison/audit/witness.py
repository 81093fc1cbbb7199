"""Partners as witnesses of each other's audit logs: the decisions, pure.

A log (a node) sends its signed checkpoint (``liaison.audit.note``) to a witness
(a partner) with a consistency proof from the last checkpoint that witness
cosigned for it. The witness cosigns (``cosignature/v1``) only a checkpoint that
is signed by the log's pinned key under the log's origin and that extends what
it cosigned before (``judge``): a smaller tree is a **rollback**, the same size
with another root or a proof that does not hold is a **fork** (the log shows
another history than the one it showed before); both are refused and kept as
evidence by the caller. A proof from another size than the one the witness holds
is **stale**: the witness answers with what it holds, and the log proves again.

Verification the other way (``compare``): the checkpoint a witness holds for a
log, with the witness's cosignature, against the log as it is now. The log must
be at least that large (else rolled back) and its root at that size must be the
checkpoint's (else rewritten: a fork). Keys and roots are passed in; nothing here
reads a database or a clock.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from liaison.audit.merkle import verify_consistency
from liaison.audit.note import (
    Note,
    NoteError,
    TreeHead,
    parse_note,
    parse_tree_head,
    signed_by,
    verify_cosignature,
    verify_note,
)

MAX_PROOF = 64  # hashes in a consistency proof: 2 log2(size) covers any 64-bit size


def witness_name(node_id: str) -> str:
    """A node's name as a witness: the key name of its cosignatures."""
    return f"liaison.witness/{node_id}"


class Verdict(StrEnum):
    COSIGN = "cosign"  # signed, and extends what was cosigned before (or the first seen)
    ROLLBACK = "rollback"  # a smaller tree than the one cosigned: evidence
    FORK = "fork"  # not consistent with the one cosigned: evidence
    STALE = "stale"  # the proof starts at another size than the one held: prove again
    MALFORMED = "malformed"  # not a signed checkpoint
    WRONG_ORIGIN = "wrong_origin"  # another log's checkpoint
    BAD_SIGNATURE = "bad_signature"  # not signed by the log's pinned key
    UNKNOWN_KEY = "unknown_key"  # no key pinned for that log

    @property
    def evidence(self) -> bool:
        """A refusal worth keeping: the log signed two histories that disagree."""
        return self in (Verdict.ROLLBACK, Verdict.FORK)


@dataclass(frozen=True, slots=True)
class Judgement:
    verdict: Verdict
    reason: str
    head: TreeHead | None = None  # the offered checkpoint, when it parsed

    @property
    def cosign(self) -> bool:
        return self.verdict is Verdict.COSIGN


def judge(
    offered: str,
    origin: str,
    log_key: bytes | None,
    held: TreeHead | None,
    old_size: int,
    proof: Sequence[bytes],
) -> Judgement:
    """May a witness cosign the signed checkpoint ``offered`` of the log ``origin``
    (key ``log_key``), having cosigned ``held`` before (None: nothing yet)?
    ``proof`` is the consistency proof from ``old_size`` to the offered size."""
    if log_key is None:
        return Judgement(Verdict.UNKNOWN_KEY, f"no key is pinned for {origin}")
    try:
        note = parse_note(offered)
        head = parse_tree_head(note.text)
    except NoteError as exc:
        return Judgement(Verdict.MALFORMED, str(exc))
    if head.origin != origin:
        return Judgement(Verdict.WRONG_ORIGIN, f"origin {head.origin!r}, expected {origin!r}", head)
    if not any(verify_note(note.text, s, origin, log_key) for s in signed_by(note, origin)):
        return Judgement(Verdict.BAD_SIGNATURE, f"not signed by the pinned key of {origin}", head)
    return _extends(head, held, old_size, proof)


def _extends(
    head: TreeHead, held: TreeHead | None, old_size: int, proof: Sequence[bytes]
) -> Judgement:
    if held is None:
        return Judgement(Verdict.COSIGN, "the first checkpoint seen of this log", head)
    if head.size < held.size:
        return Judgement(
            Verdict.ROLLBACK,
            f"size {head.size} is smaller than the size {held.size} cosigned before",
            head,
        )
    if head.size == held.size:
        if head.root == held.root:
            return Judgement(Verdict.COSIGN, "the checkpoint cosigned before", head)
        return Judgement(
            Verdict.FORK,
            f"size {head.size} with another root than the one cosigned before ({b64(held.root)})",
            head,
        )
    if old_size != held.size:
        return Judgement(
            Verdict.STALE, f"the proof starts at size {old_size}, the witness holds {held.size}"
        )
    if len(proof) > MAX_PROOF or not verify_consistency(
        held.size, head.size, held.root, head.root, proof
    ):
        return Judgement(
            Verdict.FORK,
            f"size {head.size} does not extend the size {held.size} cosigned before "
            "(the consistency proof fails)",
            head,
        )
    return Judgement(Verdict.COSIGN, f"extends size {held.size}", head)


# --- verification against what witnesses hold -----------------------------------------


@dataclass(frozen=True, slots=True)
class Cosigned:
    """A checkpoint of a log with one witness's valid cosignature."""

    head: TreeHead
    timestamp: int  # the cosignature's time, POSIX seconds
    note: str  # the note as the witness holds it (the log's signature and its own)

    @property
    def time(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.timestamp, dt.UTC)


def open_cosigned(
    text: str, origin: str, log_key: bytes, witness: str, witness_key: bytes
) -> Cosigned:
    """Check a cosigned checkpoint: the log's signature under ``origin`` and the
    cosignature of ``witness``; ``NoteError`` says which failed."""
    note = parse_note(text)
    head = parse_tree_head(note.text)
    if head.origin != origin:
        raise NoteError(f"origin {head.origin!r}, expected {origin!r}")
    if not any(verify_note(note.text, s, origin, log_key) for s in signed_by(note, origin)):
        raise NoteError(f"the log's signature ({origin}) does not verify")
    for line in signed_by(note, witness):
        timestamp = verify_cosignature(note.text, line, witness, witness_key)
        if timestamp is not None:
            return Cosigned(head, timestamp, text)
    raise NoteError(f"no valid cosignature by {witness}")


class Status(StrEnum):
    OK = "ok"  # the log extends what the witness cosigned
    ROLLBACK = "rollback"  # the log is smaller than what the witness cosigned
    FORK = "fork"  # the log's root at that size is another: rewritten or forked
    UNWITNESSED = "unwitnessed"  # the witness holds no checkpoint of this log
    INVALID = "invalid"  # what the witness holds does not verify
    UNREACHABLE = "unreachable"  # the witness did not answer and no copy is kept here
    UNCHECKED = "unchecked"  # no trusted key for that witness was given (a bundle)

    @property
    def failed(self) -> bool:
        return self in (Status.ROLLBACK, Status.FORK, Status.INVALID)


@dataclass(frozen=True, slots=True)
class WitnessFinding:
    """What one witness's checkpoint says of the log as it is now."""

    witness: str  # the peer's name here
    witness_id: str  # its node id
    status: Status
    size: int | None  # the cosigned checkpoint's tree size
    root: str | None  # its root hash, standard base64
    time: dt.datetime | None  # when the witness cosigned it
    source: str  # "witness": asked now; "local copy": it did not answer
    reason: str

    @property
    def failed(self) -> bool:
        return self.status.failed


def compare(
    witness: str,
    witness_id: str,
    cosigned: Cosigned,
    log_size: int,
    root_at: Callable[[int], bytes],
    source: str,
) -> WitnessFinding:
    """The log (``log_size`` entries, ``root_at(size)`` its root at a size)
    against a checkpoint ``witness`` cosigned."""
    head = cosigned.head

    def found(status: Status, reason: str) -> WitnessFinding:
        root = b64(head.root)
        return WitnessFinding(
            witness, witness_id, status, head.size, root, cosigned.time, source, reason
        )

    if log_size < head.size:
        return found(
            Status.ROLLBACK,
            f"{witness} cosigned size {head.size} (root {b64(head.root)}) at "
            f"{cosigned.time:%Y-%m-%dT%H:%M:%SZ}; the log has {log_size} entries: "
            "entries were removed (rolled back)",
        )
    if root_at(head.size) != head.root:
        return found(
            Status.FORK,
            f"{witness} cosigned size {head.size} with root {b64(head.root)} at "
            f"{cosigned.time:%Y-%m-%dT%H:%M:%SZ}; the log's root at that size is "
            f"{b64(root_at(head.size))}: the log was rewritten or shown otherwise (a fork)",
        )
    behind = log_size - head.size
    return found(Status.OK, f"consistent; {behind} entries since are not yet witnessed by it")


def unanswered(witness: str, witness_id: str, status: Status, reason: str) -> WitnessFinding:
    """A finding without a checkpoint (unreachable, nothing held, invalid)."""
    return WitnessFinding(witness, witness_id, status, None, None, None, "witness", reason)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def with_line(note: Note, line: str) -> str:
    """The rendered note with one more signature line (a cosignature)."""
    return note.render() + line
