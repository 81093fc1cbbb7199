"""Files held between the steps of a page: a bounded, per-user, expiring store.

An import is uploaded once and then mapped, checked and imported over several
requests; an export is made once and then downloaded. Between those requests
the file stays here, in the serving process's memory, never in a hidden form
field: a form names it by its random, unguessable id. The store is bounded
like ``liaison.web.jobs``: a user holds at most ``per_user`` files (holding
another forgets that user's oldest), the node at most ``total`` (a new one is
refused while it is full), and every file is forgotten ``ttl`` after it was
put. A file is visible to its owner only; anyone else is told it does not
exist, so ids cannot be probed. Entries are immutable and replaced under the
lock, so a reader never sees a half-made update.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
import threading
from dataclasses import dataclass
from typing import Any

from liaison.audit.log import Clock, utcnow
from liaison.errors import Conflict, NotFound

PER_USER = 2
TOTAL = 32
TTL = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Held:
    """One held file: whose, its name, its bytes and what the page knows of it."""

    id: str
    owner: str
    name: str
    data: bytes
    created: dt.datetime
    state: Any = None  # the page's own, immutable, description of the file


class HeldFiles:
    """The held files of one web app; every method is safe to call from any thread."""

    def __init__(
        self,
        kind: str,
        clock: Clock = utcnow,
        per_user: int = PER_USER,
        total: int = TOTAL,
        ttl: dt.timedelta = TTL,
    ) -> None:
        self.kind, self.clock = kind, clock
        self.per_user, self.total, self.ttl = per_user, total, ttl
        self._lock = threading.Lock()
        self._held: dict[str, Held] = {}

    def put(self, owner: str, name: str, data: bytes, state: Any = None) -> Held:
        """Hold a file for its owner (forgetting the owner's oldest beyond ``per_user``)."""
        with self._lock:
            self._expire()
            mine = sorted((h for h in self._held.values() if h.owner == owner), key=_age)
            while mine and len(mine) >= self.per_user:
                del self._held[mine.pop(0).id]
            if len(self._held) >= self.total:
                raise Conflict(f"the node holds {self.total} {self.kind} files; try again later")
            held = Held(secrets.token_urlsafe(18), owner, name, data, self.clock(), state)
            self._held[held.id] = held
            return held

    def get(self, held_id: str, owner: str) -> Held:
        """The owner's file; ``NotFound`` for an unknown, expired or someone else's one."""
        with self._lock:
            self._expire()
            held = self._held.get(held_id)
        if held is None or not secrets.compare_digest(held.owner, owner):
            raise NotFound(self.kind, held_id)
        return held

    def update(self, held: Held, state: Any) -> Held:
        """The file with a new state; ``NotFound`` if it was forgotten meanwhile."""
        with self._lock:
            if held.id not in self._held:
                raise NotFound(self.kind, held.id)
            changed = dataclasses.replace(self._held[held.id], state=state)
            self._held[held.id] = changed
            return changed

    def _expire(self) -> None:
        cutoff = self.clock() - self.ttl
        for old in [h.id for h in self._held.values() if h.created <= cutoff]:
            del self._held[old]

    def __len__(self) -> int:
        with self._lock:
            return len(self._held)


def _age(held: Held) -> dt.datetime:
    return held.created
