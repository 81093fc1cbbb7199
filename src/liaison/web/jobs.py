"""Background jobs: a small, bounded, in-process registry.

A screening upload (or a spreadsheet import, or its dry run) runs in a thread
while its page polls the progress. The
registry keeps each job's owner, progress and results in memory only (a
restart forgets them; the audit log keeps what was screened). It is bounded:
a user has at most ``per_user`` jobs (starting another forgets that user's
oldest finished job, and is refused while all of them still run), and every
job is forgotten ``ttl`` after it was created. Ids are random and
unguessable; a job is visible to its owner only, and anyone else is told it
does not exist, so ids cannot be probed. Jobs are immutable snapshots that the
registry replaces under its lock, so a reader never sees a half-made update.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from liaison.audit.log import Clock, utcnow
from liaison.errors import Conflict, NotFound

PER_USER = 3
TTL = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Job:
    """One job's state: how far it is, what it found, whether it failed."""

    id: str
    owner: str
    total: int
    created: dt.datetime
    done: int = 0
    results: tuple[Any, ...] = ()
    error: str | None = None
    finished: bool = False

    @property
    def percent(self) -> int:
        """Progress in whole percent (a job with nothing to do is complete)."""
        return 100 if not self.total else min(100, self.done * 100 // self.total)


class Jobs:
    """The jobs of one web app; every method is safe to call from any thread."""

    def __init__(
        self,
        clock: Clock = utcnow,
        per_user: int = PER_USER,
        ttl: dt.timedelta = TTL,
        kind: str = "screening",
    ):
        self.clock, self.per_user, self.ttl = clock, per_user, ttl
        self.kind = kind  # what the jobs are, in messages: "screening", "import"
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}

    def start(self, owner: str, total: int) -> Job:
        """A new job for the owner; refused while the owner has ``per_user`` running."""
        with self._lock:
            self._expire()
            mine = sorted((j for j in self._jobs.values() if j.owner == owner), key=_age)
            finished = [j for j in mine if j.finished]
            while len(mine) >= self.per_user and finished:
                oldest = finished.pop(0)
                mine.remove(oldest)
                del self._jobs[oldest.id]
            if len(mine) >= self.per_user:
                raise Conflict(
                    f"{len(mine)} {self.kind} jobs are still running; wait for one to finish"
                )
            job = Job(secrets.token_urlsafe(18), owner, total, self.clock())
            self._jobs[job.id] = job
            return job

    def get(self, job_id: str, owner: str) -> Job:
        """The owner's job; ``NotFound`` for an unknown, expired or someone else's job."""
        with self._lock:
            self._expire()
            job = self._jobs.get(job_id)
        if job is None or not secrets.compare_digest(job.owner, owner):
            raise NotFound(self.kind, job_id)
        return job

    def advance(self, job_id: str, done: int, results: Sequence[Any] = ()) -> bool:
        """Add progress and results; False when the job was forgotten (stop working)."""
        return self._update(
            job_id, lambda j: {"done": j.done + done, "results": (*j.results, *results)}
        )

    def finish(self, job_id: str, error: str | None = None) -> bool:
        """Mark the job finished, with the error that stopped it if any."""
        return self._update(job_id, lambda j: {"finished": True, "error": error})

    def _update(self, job_id: str, change: Any) -> bool:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None:
                return False
            self._jobs[job_id] = dataclasses.replace(job, **change(job))
            return True

    def _expire(self) -> None:
        cutoff = self.clock() - self.ttl
        for old in [j.id for j in self._jobs.values() if j.created <= cutoff]:
            del self._jobs[old]

    def __len__(self) -> int:
        with self._lock:
            return len(self._jobs)


def _age(job: Job) -> dt.datetime:
    return job.created
