"""Reading and verifying the audit log (auditors), and signed checkpoints."""

from __future__ import annotations

from typing import Any

from liaison.audit.chain import Action, Checkpoint, Entry, Result, Verification
from liaison.audit.log import Event
from liaison.errors import AuditUnavailable, Conflict
from liaison.model.roles import Actor
from liaison.node.context import NodeContext
from liaison.policy.permissions import Permission


class AuditService:
    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx

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

    def verify(self, actor: Actor) -> Verification:
        """Verify in a read transaction, then log the outcome as an entry of its own."""
        with self.ctx.guard(actor):
            self.ctx.permit(actor, Permission.AUDIT_VERIFY, Action.AUDIT_VERIFY, "audit")
        with self.ctx.read() as conn:
            result = self.ctx.audit.verify(conn)
        outcome = Result.OK if result.ok else Result.FAILED
        detail: dict[str, Any] = {"entries": result.entries}
        if not result.ok:
            detail.update(first_broken=result.first_broken, reason=result.reason)
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
