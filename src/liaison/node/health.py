"""Is this node ready to serve? The checks behind ``GET /readyz``.

Three checks, in order, each named in the answer: ``database`` (a new
connection opens and answers), ``migrations`` (the schema is at the newest
migration this code knows) and ``audit`` (the chain head is there and signed
by the node's key: without it no access can be logged, so none is served).
When the database does not answer, the later checks are not run and say so.

What a check tells is safe to show anyone: which check failed and why in
general terms, never a connection string, a host or a driver's message (the
node's log has those, at warning level). Liveness (``GET /healthz``) needs
none of this: the process answers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from liaison.audit.chain import Head
from liaison.model.identity import verify_signature
from liaison.storage import health

log = logging.getLogger(__name__)


class CheckName(StrEnum):
    DATABASE = "database"
    MIGRATIONS = "migrations"
    AUDIT = "audit"


@dataclass(frozen=True)
class Check:
    name: CheckName
    ok: bool
    detail: str


@dataclass(frozen=True)
class Readiness:
    checks: tuple[Check, ...]

    @property
    def ready(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def failed(self) -> list[str]:
        return [check.name.value for check in self.checks if not check.ok]


def migrations(current: str | None, expected: str | None) -> Check:
    """Pure: whether the schema is at the code's newest migration."""
    if current == expected:
        return Check(CheckName.MIGRATIONS, True, f"at {current}")
    if current is None:
        return Check(CheckName.MIGRATIONS, False, "the database was never migrated")
    return Check(
        CheckName.MIGRATIONS,
        False,
        f"the database is at {current}, this code expects {expected}; "
        "`liaison serve` migrates when it opens the node",
    )


def audit(head: health.ChainHead | None) -> Check:
    """Pure: whether the chain head is there and signed by the node's own key."""
    if head is None:
        return Check(CheckName.AUDIT, False, "the audit chain head or the node row is missing")
    message = Head(head.seq, head.hash, head.node_id).message()
    if not verify_signature(head.public_key, message, head.signature):
        return Check(CheckName.AUDIT, False, "the audit chain head is not signed by the node key")
    return Check(CheckName.AUDIT, True, f"head at entry {head.seq}")


def readiness(url: str, engine_for: Callable[[str], Engine] = health.probe_engine) -> Readiness:
    """Run the checks on the database at ``url``, on a connection of their own."""
    engine = engine_for(url)
    try:
        with engine.connect() as conn:
            return _checks(conn)
    except Exception:
        log.warning("readiness: the database did not answer", exc_info=True)
        skipped = "not checked: the database did not answer"
        down = "the database did not answer (the node's log says why)"
        return Readiness(
            (
                Check(CheckName.DATABASE, False, down),
                Check(CheckName.MIGRATIONS, False, skipped),
                Check(CheckName.AUDIT, False, skipped),
            )
        )
    finally:
        engine.dispose()


def _checks(conn: Connection) -> Readiness:
    current = health.revision(conn)
    try:
        head = health.chain_head(conn)
    except SQLAlchemyError:  # no such table, say: the check fails, the database answered
        log.warning("readiness: the audit chain head could not be read", exc_info=True)
        head = None
    return Readiness(
        (
            Check(CheckName.DATABASE, True, "answers"),
            migrations(current, health.expected_revision()),
            audit(head),
        )
    )
