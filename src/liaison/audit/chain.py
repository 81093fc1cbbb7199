"""The audit chain, as pure functions over plain entries.

Each entry's hash is SHA-256 over the canonical JSON of all its other fields,
including the previous entry's hash, so that changing, removing, inserting or
reordering any entry breaks the chain from that point on. Signed checkpoints
(the node key over ``seq`` and ``hash``) catch what a chain alone cannot: an
attacker who cuts the tail or rewrites the whole chain after some point.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields, replace
from enum import StrEnum
from typing import Any

from liaison.model.identity import verify_signature
from liaison.model.ids import canonical_json, content_hash

GENESIS = "0" * 64


class Action(StrEnum):
    NODE_INIT = "node.init"
    NODE_BACKUP = "node.backup"
    RECORD_CREATE = "record.create"
    RECORD_READ = "record.read"
    RECORD_UPDATE = "record.update"
    RECORD_DELETE = "record.delete"
    RECORD_HISTORY = "record.history"
    RECORD_SEARCH = "record.search"
    RECORD_IMPORT = "record.import"
    RECORD_EXPORT = "record.export"
    USER_CREATE = "user.create"
    USER_UPDATE = "user.update"
    USER_LIST = "user.list"
    LOGIN = "auth.login"
    LOGOUT = "auth.logout"
    TOKEN_CREATE = "token.create"  # noqa: S105 - an action name, not a secret
    TOKEN_REVOKE = "token.revoke"  # noqa: S105 - an action name, not a secret
    TOTP_ENROL = "auth.totp_enrol"
    TOTP_ENABLE = "auth.totp_enable"
    AUDIT_READ = "audit.read"
    AUDIT_VERIFY = "audit.verify"
    AUDIT_CHECKPOINT = "audit.checkpoint"
    AGREEMENT_PROPOSE = "agreement.propose"
    AGREEMENT_READ = "agreement.read"
    AGREEMENT_SIGN = "agreement.sign"
    AGREEMENT_ACTIVATE = "agreement.activate"
    AGREEMENT_SUSPEND = "agreement.suspend"
    AGREEMENT_RESUME = "agreement.resume"
    AGREEMENT_TERMINATE = "agreement.terminate"
    POLICY_EXPLAIN = "policy.explain"
    CONSENT_GIVE = "consent.give"
    CONSENT_WITHDRAW = "consent.withdraw"
    CONSENT_LIST = "consent.list"
    NEUTRALITY_HOLD = "neutrality.hold"
    NEUTRALITY_LIST = "neutrality.list"
    NEUTRALITY_RELEASE = "neutrality.release"
    NEUTRALITY_UPHOLD = "neutrality.uphold"
    RECORD_RENEW = "record.renew"
    RETENTION_LIST = "retention.list"
    RETENTION_PURGE = "retention.purge"
    PEER_ADD = "peer.add"
    PEER_LIST = "peer.list"
    FEDERATION_SEND = "federation.send"
    FEDERATION_RECEIVE = "federation.receive"
    DISCLOSURE_LIST = "disclosure.list"
    MATCH = "match.run"
    ALERT_RAISE = "alert.raise"
    ALERT_LIST = "alert.list"
    ALERT_DECIDE = "alert.decide"
    WATCHLIST_CREATE = "watchlist.create"
    WATCHLIST_ADD = "watchlist.add"
    WATCHLIST_LIST = "watchlist.list"
    NOTICE_SEND = "notice.send"
    NOTICE_RECEIVE = "notice.receive"
    HIT_QUERY = "hit.query"
    HIT_ANSWER = "hit.answer"
    HIT_INDEX = "hit.index"
    FOLLOWUP_FILE = "followup.file"
    FOLLOWUP_RECEIVE = "followup.receive"
    FOLLOWUP_DECIDE = "followup.decide"
    FOLLOWUP_ANSWER = "followup.answer"
    FOLLOWUP_REPLY = "followup.reply"
    FOLLOWUP_LIST = "followup.list"
    TAXII_READ = "taxii.read"  # a partner's TAXII collection read (objects, manifest, versions)
    HUB_CREATE = "hub.create"
    HUB_JOIN = "hub.join"
    HUB_SUBMIT = "hub.submit"
    HUB_LINK = "hub.link"
    HUB_RESULTS = "hub.results"
    HUB_LIST = "hub.list"
    FEED_ADD = "feed.add"
    FEED_REMOVE = "feed.remove"
    FEED_LIST = "feed.list"
    FEED_PULL = "feed.pull"
    DIFFUSION_DRAFT = "diffusion.draft"  # a notice drafted or edited
    DIFFUSION_REVIEW = "diffusion.review"  # the compliance review (passed, refused)
    DIFFUSION_OVERRIDE = "diffusion.override"  # a refusal overridden in writing
    DIFFUSION_APPROVE = "diffusion.approve"
    DIFFUSION_ISSUE = "diffusion.issue"  # published or diffused to partners
    DIFFUSION_CHANGE = "diffusion.change"  # amended, suspended, resumed, renewed, cancelled
    DIFFUSION_RECEIVE = "diffusion.receive"  # a partner's notice or change taken in
    DIFFUSION_RESPOND = "diffusion.respond"  # a response or confirmation in a thread
    DIFFUSION_READ = "diffusion.read"
    DIFFUSION_CHECK = "diffusion.check"  # a border post's hit/no-hit against identifier lists
    CHALLENGE_OPEN = "challenge.open"  # a person's request taken in and routed
    CHALLENGE_RECEIVE = "challenge.receive"
    CHALLENGE_DECIDE = "challenge.decide"
    CHALLENGE_READ = "challenge.read"


class Result(StrEnum):
    OK = "ok"
    DENIED = "denied"
    FAILED = "failed"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Entry:
    seq: int
    ts: str
    actor: str
    action: str
    object: str
    purpose: str | None
    justification: str | None
    result: str
    detail: dict[str, Any]
    prev_hash: str
    hash: str = ""

    def body(self) -> dict[str, Any]:
        """Every field but the hash; shallow (``asdict`` would deep-copy the detail,
        which lists every record of a batch, only for it to be serialised)."""
        return {name: getattr(self, name) for name in _BODY}

    def computed_hash(self) -> str:
        return content_hash(self.body())

    def sealed(self) -> Entry:
        return replace(self, hash=self.computed_hash())


_BODY = tuple(f.name for f in fields(Entry) if f.name != "hash")


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    ts: str
    node_id: str
    signature: str = ""

    def message(self) -> bytes:
        return canonical_json(
            {"seq": self.seq, "hash": self.hash, "ts": self.ts, "node_id": self.node_id}
        )


@dataclass(frozen=True, slots=True)
class Finding:
    """Something verification found besides the chain itself: what kind, which
    object, why it matters (a record version, a missing trigger, a witness)."""

    kind: str
    object: str
    reason: str


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int
    checkpoints: int
    first_broken: int | None = None
    reason: str | None = None
    notes: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    versions: int = 0  # record versions checked against the log

    def with_findings(self, found: list[Finding], versions: int) -> Verification:
        """This verification with what the other checks found (any finding fails it)."""
        return replace(
            self,
            ok=self.ok and not found,
            findings=[*self.findings, *found],
            versions=versions,
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Head:
    """The chain's last entry as the node signed it on each append."""

    seq: int
    hash: str
    node_id: str
    signature: str = ""

    def message(self) -> bytes:
        return canonical_json({"seq": self.seq, "hash": self.hash, "node_id": self.node_id})


def verify(
    entries: Iterable[Entry],
    checkpoints: list[Checkpoint],
    public_key: str,
    head: Head | None,
    checkpoint_every: int = 0,
) -> Verification:
    """Walk the chain in ``seq`` order; report the first entry that breaks it.

    Then the tail: the signed head must name the last entry, every checkpoint
    must be validly signed and match its entry, and none of the checkpoints due
    every ``checkpoint_every`` entries may be missing.
    """
    seen: dict[int, str] = {}
    prev_hash, expected_seq, count = GENESIS, 1, 0
    for entry in entries:
        count += 1
        problem = _check_entry(entry, expected_seq, prev_hash)
        if problem:
            return Verification(False, count, len(checkpoints), expected_seq, problem)
        seen[entry.seq] = entry.hash
        prev_hash, expected_seq = entry.hash, entry.seq + 1
    last = expected_seq - 1
    problem_at = _check_checkpoints(last, checkpoints, seen, public_key, checkpoint_every)
    problem_at = problem_at or _check_head(last, prev_hash, head, public_key)
    if problem_at:
        seq, reason = problem_at
        return Verification(False, count, len(checkpoints), seq, reason)
    return Verification(True, count, len(checkpoints))


def _check_entry(entry: Entry, expected_seq: int, prev_hash: str) -> str | None:
    if entry.seq > expected_seq:
        return f"entry {expected_seq} is missing (next entry found is {entry.seq})"
    if entry.seq < expected_seq:
        return f"entry {entry.seq} appears again after entry {expected_seq - 1}"
    if entry.prev_hash != prev_hash:
        return "previous-hash link does not match the entry before (removed, inserted or moved)"
    if entry.computed_hash() != entry.hash:
        return "content does not match its hash (entry was modified)"
    return None


def _check_checkpoints(
    last: int,
    checkpoints: list[Checkpoint],
    seen: dict[int, str],
    public_key: str,
    every: int,
) -> tuple[int, str] | None:
    for checkpoint in checkpoints:
        if not verify_signature(public_key, checkpoint.message(), checkpoint.signature):
            return checkpoint.seq, f"checkpoint at entry {checkpoint.seq} has a bad signature"
        if checkpoint.seq > last:
            return last + 1, (
                f"signed checkpoint covers entry {checkpoint.seq} but the log ends at {last}"
            )
        if seen.get(checkpoint.seq) != checkpoint.hash:
            return checkpoint.seq, f"entry {checkpoint.seq} differs from its signed checkpoint"
    if every:
        present = {c.seq for c in checkpoints}
        for due in range(every, last + 1, every):
            if due not in present:
                return due, f"the signed checkpoint due at entry {due} is missing"
    return None


def _check_head(
    last: int, last_hash: str, head: Head | None, public_key: str
) -> tuple[int, str] | None:
    if head is None:
        return last + 1, "the chain head is missing"
    if not verify_signature(public_key, head.message(), head.signature):
        return min(head.seq, last) + 1, "the chain head has a bad signature"
    if head.seq < last:
        return head.seq + 1, (
            f"entries {head.seq + 1} to {last} follow the signed chain head (entry {head.seq}): "
            "appended without the node (forged), or the head was moved back"
        )
    if head.seq > last:
        return last + 1, (
            f"the signed chain head says entry {head.seq} but the log ends at entry {last}: "
            "entries were cut from its end"
        )
    if head.hash != last_hash:
        return last, f"entry {last} differs from the signed chain head"
    return None


def sign_checkpoint(checkpoint: Checkpoint, sign: Callable[[bytes], str]) -> Checkpoint:
    return Checkpoint(
        checkpoint.seq,
        checkpoint.hash,
        checkpoint.ts,
        checkpoint.node_id,
        sign(checkpoint.message()),
    )
