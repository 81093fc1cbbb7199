"""Append-only, hash-chained audit log with signed checkpoints."""

from liaison.audit.chain import Action, Checkpoint, Entry, Result, Verification, verify
from liaison.audit.log import AuditLog, Event

__all__ = ["Action", "AuditLog", "Checkpoint", "Entry", "Event", "Result", "Verification", "verify"]
