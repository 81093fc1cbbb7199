"""Reading and verifying the audit log (auditors), and signed checkpoints."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from liaison.audit.chain import Action, Checkpoint, Entry, Finding, Result, Verification
from liaison.audit.log import Event
from liaison.audit.merkle import Tree, leaf_hash
from liaison.audit.witness import WitnessFinding
from liaison.errors import AuditUnavailable, Conflict
from liaison.model.roles import Actor
from liaison.node.context import NodeContext
from liaison.node.integrity import Binding, check_triggers, check_versions, summary
from liaison.policy.permissions import Permission
from liaison.storage.integrity import expected_triggers, present_triggers, stored_versions

Witnesses = Callable[[Tree], Sequence[WitnessFinding]]


class Leaves:
    """The log's Merkle tree, built from the entries a verification reads anyway (one
    pass over the log, not two), up to the first gap in the sequence, as
    ``TransparencyLog`` builds it."""

    def __init__(self) -> None:
        self.tree = Tree()
        self._leaves: list[bytes] = []
        self._stopped = False

    def read(self, entry: Entry) -> None:
        if self._stopped or entry.seq != len(self._leaves) + 1:
            self._stopped = True
            return
        try:
            self._leaves.append(leaf_hash(bytes.fromhex(entry.hash)))
        except ValueError:  # a hash that is no hash: the tree stops there, as the chain does
            self._stopped = True

    def built(self) -> Tree:
        self.tree.extend(self._leaves)
        self._leaves = []
        return self.tree


def with_witnesses(result: Verification, found: Sequence[WitnessFinding]) -> Verification:
    """The verification with what each witness's cosigned checkpoint says of the log:
    a rollback, a fork or a checkpoint that does not verify fails it (named by the
    witness); a witness that holds nothing or does not answer is a note."""
    failed = [Finding(f"witness.{f.status.value}", f.witness, f.reason) for f in found if f.failed]
    checked = result.with_findings(failed, result.versions)
    for f in found:
        if not f.failed:
            checked.notes.append(f"witness {f.witness} ({f.status.value}): {f.reason}")
    return checked


class AuditService:
    def __init__(self, ctx: NodeContext, witnesses: Witnesses | None = None) -> None:
        self.ctx = ctx
        self.witnesses = witnesses  # the partners' checkpoints of this log (Node sets it)

    def entries(
        self, reader: Actor, after: int = 0, limit: int = 100, **filters: str | None
    ) -> list[Entry]:
        """Entries after a sequence number; filters on action, actor, object, result."""
        limit = max(1, min(limit, self.ctx.settings.page_size_max))
        with self.ctx.guard(reader):
            self.ctx.permit(reader, Permission.AUDIT_READ, Action.AUDIT_READ, "audit")
            with self.ctx.tx() as conn:
                found = list(self.ctx.audit.entries(conn, after, limit, **filters))
                self.ctx.record(
                    conn, reader, Action.AUDIT_READ, "audit", after=after, returned=len(found)
                )
        return found

    def check(self) -> Verification:
        """Everything verification checks, in one read transaction, writing nothing:
        the hash chain, its signed checkpoints and head; every stored record version
        against its hash and the entry that wrote it; the append-only triggers; and
        each witness's cosigned checkpoint of this log against the log now. It
        runs before the verifier signs in or anything is logged, so that nothing is
        appended (and signed) over a log that was tampered with before it is checked."""
        binding, leaves = Binding(), Leaves()

        def observe(entry: Entry) -> None:
            binding.read(entry)
            leaves.read(entry)

        with self.ctx.read() as conn:
            result = self.ctx.audit.verify(conn, observe=observe)
            dialect = conn.dialect.name
            findings = check_triggers(expected_triggers(dialect), present_triggers(conn))
            bound = check_versions(binding, stored_versions(conn))
        result = result.with_findings([*findings, *bound.findings], bound.versions)
        if self.witnesses is not None:  # asked over the network; nothing written
            result = with_witnesses(result, self.witnesses(leaves.built()))
        if bound.unbound:
            result.notes.append(
                f"{bound.unbound} record versions were written before the log kept their "
                "content hashes: they are checked against their hash column only"
            )
        return result

    def verify(self, actor: Actor) -> Verification:
        """Check (:meth:`check`), then log the outcome as an entry of its own."""
        with self.ctx.guard(actor):
            self.ctx.permit(actor, Permission.AUDIT_VERIFY, Action.AUDIT_VERIFY, "audit")
        return self.record(actor, self.check())

    def record(self, actor: Actor, result: Verification) -> Verification:
        """Log a verification already made (the CLI checks before its user signs in)."""
        with self.ctx.guard(actor):
            self.ctx.permit(actor, Permission.AUDIT_VERIFY, Action.AUDIT_VERIFY, "audit")
        outcome = Result.OK if result.ok else Result.FAILED
        detail: dict[str, Any] = {"entries": result.entries, "versions": result.versions}
        if not result.ok:
            detail.update(
                first_broken=result.first_broken,
                reason=result.reason,
                findings=summary(result.findings),
            )
        try:
            with self.ctx.tx() as conn:
                self.ctx.record(conn, actor, Action.AUDIT_VERIFY, "audit", result=outcome, **detail)
        except (Conflict, AuditUnavailable):  # in its transaction, or by group commit
            if result.ok:
                raise
            result.notes.append(
                "the verification could not be logged: the next sequence "
                "number is taken, which is itself a sign of tampering"
            )
        return result

    def checkpoint(self, actor: Actor) -> Checkpoint:
        with self.ctx.guard(actor):
            self.ctx.permit(actor, Permission.AUDIT_VERIFY, Action.AUDIT_CHECKPOINT, "audit")
            with self.ctx.tx() as conn:  # its own entry first, so that the checkpoint covers it
                self.ctx.audit.append(conn, Event(actor.label, Action.AUDIT_CHECKPOINT, "audit"))
                return self.ctx.audit.checkpoint(conn)
