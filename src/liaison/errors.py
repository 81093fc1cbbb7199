"""Liaison's one exception tree.

Every error a user can cause carries structured fields: *what* was wrong
(``field``), *which value* (``value``) and *why* (``reason``). The API maps
each class to an HTTP status in one table (``liaison.api.problems``); the
CLI prints the same fields without a stack trace.

::

    LiaisonError
    ├── InvalidInput            bad input: field, value, reason       (422)
    │   ├── InvalidEntity       a FollowTheMoney entity is malformed
    │   ├── InvalidEnvelope     an envelope field is malformed
    │   ├── ImportRejected      lines of an import were rejected
    │   ├── ForeignRecord       input names another node as the record's
    │   │                       originator (or an id derived from one)
    │   ├── InvalidSignature    a signature does not verify with the pinned key
    │   └── BadRequest          a query a protocol answers with 400 (yente:
    │                           an unknown algorithm, schema or dataset scope) (400)
    ├── PayloadTooLarge         a body over the configured limit      (413)
    ├── NotFound                no such record, user, token...        (404)
    ├── Conflict                version mismatch, duplicate name      (409)
    │   └── ReadOnlyRecord      the record is a tombstone
    ├── AuthenticationFailed    wrong password, code or token         (401)
    ├── RateLimited             too many failed logins                 (429)
    ├── Forbidden               the role or clearance does not allow  (403)
    │   └── MessageRefused      a node-to-node message failed a check (403)
    │       └── Replayed        a message id seen before               (409)
    ├── PeerUnreachable         a partner node did not answer          (502)
    ├── NotInitialised          the data directory has no node yet    (503)
    ├── ImportInterrupted       an import worker died (out of memory?):
    │                           its batch is not written              (503)
    ├── AuditChainBroken        verification found tampering           (500)
    ├── BackupFailed            a backup or restore step failed: its step
    │                           and why (a tool missing, a mismatch)   (500)
    └── AuditUnavailable        an access could not be logged, so it is
                                refused (the audit store failed)         (503)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class LiaisonError(Exception):
    """Base of every error Liaison raises on purpose."""

    title = "Liaison error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def details(self) -> dict[str, Any]:
        """Structured fields for problem+json and the CLI."""
        return {}


class InvalidInput(LiaisonError):
    """Bad input, with the field, the value and the reason."""

    title = "Invalid input"

    def __init__(self, field: str, value: Any, reason: str) -> None:
        shown = _shorten(value)
        super().__init__(f"{field}: {reason} (got {shown})")
        self.field = field
        self.value = shown
        self.reason = reason

    def details(self) -> dict[str, Any]:
        return {"errors": [{"field": self.field, "value": self.value, "reason": self.reason}]}


class InvalidEntity(InvalidInput):
    title = "Invalid entity"


class BadRequest(InvalidInput):
    """Bad input that a protocol the node speaks answers with 400, not 422 (yente
    refuses an unknown algorithm or a query it cannot read that way)."""

    title = "Bad request"


class InvalidEnvelope(InvalidInput):
    title = "Invalid envelope"


class InvalidSignature(InvalidInput):
    title = "Invalid signature"


class ForeignRecord(InvalidInput):
    """The input is another node's record: its originator, or a record id that
    derives from another originator. Writing it here would re-stamp it as this
    node's own, outside its originator's control; it is refused instead."""

    title = "Another node's record"


@dataclass(frozen=True)
class LineError:
    """One rejected line of an import."""

    line: int
    field: str
    value: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "value": self.value, "reason": self.reason}


class ImportRejected(InvalidInput):
    """Raised when an import was refused; nothing of the rejected batch is stored."""

    title = "Import rejected"

    def __init__(self, errors: list[LineError], stored: int = 0) -> None:
        first = errors[0]
        super().__init__(f"line {first.line}: {first.field}", first.value, first.reason)
        self.message = (
            f"{len(errors)} line(s) rejected; first: line {first.line}, "
            f"{first.field}: {first.reason} (got {first.value})"
        )
        self.args = (self.message,)
        self.errors = errors
        self.stored = stored

    def details(self) -> dict[str, Any]:
        return {"errors": [e.as_dict() for e in self.errors[:100]], "stored": self.stored}


class PayloadTooLarge(LiaisonError):
    title = "Payload too large"

    def __init__(self, limit: int) -> None:
        super().__init__(f"request body is larger than the limit of {limit} bytes")
        self.limit = limit

    def details(self) -> dict[str, Any]:
        return {"limit": self.limit}


class NotFound(LiaisonError):
    title = "Not found"

    def __init__(self, kind: str, key: str) -> None:
        super().__init__(f"no {kind} {key!r}")
        self.kind = kind
        self.key = key


class Conflict(LiaisonError):
    title = "Conflict"


class ReadOnlyRecord(Conflict):
    title = "Record is read-only"


class AuthenticationFailed(LiaisonError):
    title = "Authentication failed"


class RateLimited(LiaisonError):
    title = "Too many attempts"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed attempts; try again in {retry_after} s")
        self.retry_after = retry_after

    def details(self) -> dict[str, Any]:
        return {"retry_after": self.retry_after}


class Forbidden(LiaisonError):
    title = "Forbidden"


class MessageRefused(Forbidden):
    """A node-to-node message that is forged, unsigned, mis-addressed, expired,
    from an unknown peer, or that carries what its sender may not send."""

    title = "Message refused"

    def __init__(self, field: str, value: Any, reason: str) -> None:
        shown = _shorten(value)
        super().__init__(f"message refused: {field}: {reason} (got {shown})")
        self.field = field
        self.value = shown
        self.reason = reason

    def details(self) -> dict[str, Any]:
        return {"errors": [{"field": self.field, "value": self.value, "reason": self.reason}]}


class Replayed(MessageRefused):
    title = "Message replayed"


class PeerUnreachable(LiaisonError):
    title = "Peer unreachable"

    def __init__(self, peer: str, reason: str) -> None:
        super().__init__(f"peer {peer} did not answer: {reason}")
        self.peer = peer
        self.reason = reason

    def details(self) -> dict[str, Any]:
        return {"peer": self.peer, "reason": self.reason}


class NotInitialised(LiaisonError):
    title = "Node not initialised"


class ImportInterrupted(LiaisonError):
    """The batch starting at ``line`` could not be built: nothing of it was written.
    Earlier batches were (each whole), unless the import was strict."""

    title = "Import interrupted"

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(
            f"import interrupted at line {line}: {reason}; the batch from that line on was "
            "not written (in a strict import nothing was); import again to finish"
        )
        self.line = line
        self.reason = reason

    def details(self) -> dict[str, Any]:
        return {"line": self.line, "reason": self.reason}


class AuditChainBroken(LiaisonError):
    title = "Audit chain broken"

    def __init__(self, seq: int, reason: str) -> None:
        super().__init__(f"audit chain broken at entry {seq}: {reason}")
        self.seq = seq
        self.reason = reason

    def details(self) -> dict[str, Any]:
        return {"seq": self.seq, "reason": self.reason}


def _shorten(value: Any, limit: int = 120) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class AuditUnavailable(LiaisonError):
    """An access could not be logged, so it is refused: no data leaves without its entry."""

    title = "Audit log unavailable"

    def __init__(self, reason: str) -> None:
        super().__init__(f"the access could not be logged, so it is refused: {reason}")
        self.reason = reason

    def details(self) -> dict[str, Any]:
        return {"reason": self.reason}


class BackupFailed(LiaisonError):
    """A step of a backup, restore or verification failed for a reason that is not
    the operator's input: a tool missing (``pg_dump``), a tool that failed, or a
    restored node that does not match its backup's manifest. Nothing was left
    half-written."""

    title = "Backup failed"

    def __init__(self, step: str, reason: str) -> None:
        super().__init__(f"{step}: {reason}")
        self.step = step
        self.reason = reason

    def details(self) -> dict[str, Any]:
        return {"step": self.step, "reason": self.reason}
