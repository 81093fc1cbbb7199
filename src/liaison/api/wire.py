"""Wire types every route shares: the bounded integers of ids, offsets, cursors and limits.

An integer from a path, a query or a body is bound into SQL, and the database
refuses one wider than its column: SQLite anything over 64 bits
(``OverflowError``), PostgreSQL anything over 32 bits for an ``INTEGER`` id
column (``integer out of range``). Every integer that names a row or a position
therefore goes through one of these types, and one too large is bad input (422
naming the field and the value), never a server error. The bound is the
narrowest column's, ``MAX_INT``; the audit log's sequence numbers are ``BIGINT``
and have their own type. A route narrows a limit further with ``Query(le=...)``.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

MAX_INT = 2**31 - 1
"""The largest id an ``INTEGER`` column holds on PostgreSQL (SQLite's hold more)."""

MAX_SEQ = 2**63 - 1
"""The largest audit sequence number (``BIGINT`` on PostgreSQL, SQLite's INTEGER)."""

Id = Annotated[int, Field(ge=1, le=MAX_INT)]
"""A row id (alert, follow-up, token, consent...)."""

Cursor = Annotated[int, Field(ge=0, le=MAX_INT)]
"""The row id to continue after (0: from the start)."""

Offset = Annotated[int, Field(ge=0, le=MAX_INT)]
"""How many rows to skip."""

Limit = Annotated[int, Field(ge=1, le=MAX_INT)]
"""How many rows at most; each route sets its own maximum with ``Query(le=...)``."""

Seq = Annotated[int, Field(ge=0, le=MAX_SEQ)]
"""The audit sequence number to continue after (0: from the start)."""

__all__ = ["MAX_INT", "MAX_SEQ", "Cursor", "Id", "Limit", "Offset", "Seq"]
