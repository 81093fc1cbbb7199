"""SQL for feeds: the TAXII 2.1 collections this node subscribes to, their cursor
and the last pull's outcome (``liaison.node.feeds`` decides; this only reads and
writes rows)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import orjson
from sqlalchemy import Connection, Row, delete, insert, select, update

from liaison.model.grading import Evaluation
from liaison.model.markings import Markings
from liaison.storage.tables import feeds


class Auth(StrEnum):
    """How a feed's server is signed in to: not at all, HTTP Basic (a user name and
    a password) or a bearer token. The secret is read from an environment variable."""

    NONE = "none"
    BASIC = "basic"
    TOKEN = "token"  # noqa: S105 - the scheme's name, not a secret


@dataclass(frozen=True)
class Counts:
    """What one pull did: objects received, records written (created or changed),
    objects that changed nothing, objects skipped or refused by the import."""

    objects: int = 0
    written: int = 0
    unchanged: int = 0
    skipped: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.objects + other.objects,
            self.written + other.written,
            self.unchanged + other.unchanged,
            self.skipped + other.skipped,
        )


@dataclass(frozen=True)
class NewFeed:
    """A subscription as the administrator gives it, checked."""

    name: str
    api_root: str
    collection: str
    auth: Auth
    username: str | None
    secret_env: str | None
    markings: Markings
    evaluation: Evaluation | None


@dataclass(frozen=True)
class Feed(NewFeed):
    """A subscription as stored, with its cursor and its last pull."""

    id: int
    added: dt.datetime
    added_by: str
    cursor: str | None
    cursor_partial: bool
    last_pull: dt.datetime | None
    last_success: dt.datetime | None
    last: Counts
    last_error: str | None

    @property
    def collection_url(self) -> str:
        return f"{self.api_root.rstrip('/')}/collections/{self.collection}/"

    @property
    def provenance(self) -> str:
        """What the records it brings name as their source."""
        return f"taxii:{self.api_root.rstrip('/')}/{self.collection}"


def _feed(row: Row[Any]) -> Feed:
    evaluation = orjson.loads(row.evaluation) if row.evaluation else None
    return Feed(
        name=row.name,
        api_root=row.api_root,
        collection=row.collection,
        auth=Auth(row.auth),
        username=row.username,
        secret_env=row.secret_env,
        markings=Markings.from_dict(orjson.loads(row.markings)),
        evaluation=Evaluation.from_dict(evaluation),
        id=row.id,
        added=row.added,
        added_by=row.added_by,
        cursor=row.cursor,
        cursor_partial=bool(row.cursor_partial),
        last_pull=row.last_pull,
        last_success=row.last_success,
        last=Counts(row.last_objects, row.last_written, row.last_unchanged, row.last_skipped),
        last_error=row.last_error,
    )


def add(conn: Connection, new: NewFeed, now: dt.datetime, by: str) -> Feed:
    conn.execute(
        insert(feeds).values(
            name=new.name,
            api_root=new.api_root,
            collection=new.collection,
            auth=new.auth.value,
            username=new.username,
            secret_env=new.secret_env,
            markings=orjson.dumps(new.markings.to_dict()).decode(),
            evaluation=orjson.dumps(new.evaluation.to_dict()).decode() if new.evaluation else None,
            added=now,
            added_by=by,
            cursor=None,
            cursor_partial=False,
            last_objects=0,
            last_written=0,
            last_unchanged=0,
            last_skipped=0,
        )
    )
    found = by_name(conn, new.name)
    assert found is not None
    return found


def by_name(conn: Connection, name: str) -> Feed | None:
    row = conn.execute(select(feeds).where(feeds.c.name == name)).first()
    return _feed(row) if row is not None else None


def all_feeds(conn: Connection) -> list[Feed]:
    return [_feed(row) for row in conn.execute(select(feeds).order_by(feeds.c.name))]


def remove(conn: Connection, name: str) -> bool:
    return conn.execute(delete(feeds).where(feeds.c.name == name)).rowcount > 0


def advance(conn: Connection, feed_id: int, cursor: str | None, partial: bool) -> None:
    """Move the cursor, in the transaction that committed the page it follows."""
    conn.execute(
        update(feeds).where(feeds.c.id == feed_id).values(cursor=cursor, cursor_partial=partial)
    )


def ended(
    conn: Connection, feed_id: int, now: dt.datetime, counts: Counts, error: str | None
) -> None:
    """The outcome of a pull: its time, counts and error (None when it succeeded)."""
    values: dict[str, Any] = {
        "last_pull": now,
        "last_objects": counts.objects,
        "last_written": counts.written,
        "last_unchanged": counts.unchanged,
        "last_skipped": counts.skipped,
        "last_error": error,
    }
    if error is None:
        values["last_success"] = now
    conn.execute(update(feeds).where(feeds.c.id == feed_id).values(**values))
