"""The screening job registry: owners, bounds, expiry (with an injected clock)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from liaison.errors import Conflict, NotFound
from liaison.web.jobs import Jobs

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now


def test_a_job_is_its_owners_only() -> None:
    jobs = Jobs(Clock())
    job = jobs.start("analyst", 10)
    assert jobs.get(job.id, "analyst") == job
    with pytest.raises(NotFound):
        jobs.get(job.id, "officer")
    with pytest.raises(NotFound):
        jobs.get("no-such-job", "analyst")
    assert len(job.id) >= 24 and job.id != jobs.start("analyst", 1).id


def test_progress_results_and_finish() -> None:
    jobs = Jobs(Clock())
    job = jobs.start("analyst", 4)
    assert jobs.advance(job.id, 3, ["a", "b", "c"])
    assert jobs.get(job.id, "analyst").percent == 75
    assert jobs.advance(job.id, 1, ["d"])
    assert jobs.finish(job.id)
    done = jobs.get(job.id, "analyst")
    assert (done.done, done.results, done.finished, done.error) == (
        4,
        ("a", "b", "c", "d"),
        True,
        None,
    )
    assert job.done == 0  # snapshots do not change under the reader
    failed = jobs.start("analyst", 1)
    jobs.finish(failed.id, "database gone")
    assert jobs.get(failed.id, "analyst").error == "database gone"
    assert Jobs(Clock()).start("x", 0).percent == 100


def test_a_user_has_a_few_jobs_at_most() -> None:
    jobs = Jobs(Clock(), per_user=2)
    first, second = jobs.start("analyst", 1), jobs.start("analyst", 1)
    with pytest.raises(Conflict):
        jobs.start("analyst", 1)  # both still running
    other = jobs.start("officer", 1)  # others are not affected
    jobs.finish(first.id)
    third = jobs.start("analyst", 1)  # forgets the oldest finished job
    with pytest.raises(NotFound):
        jobs.get(first.id, "analyst")
    assert jobs.get(second.id, "analyst") and jobs.get(third.id, "analyst")
    assert jobs.get(other.id, "officer")
    assert len(jobs) == 3


def test_jobs_are_forgotten_after_the_ttl() -> None:
    clock = Clock()
    jobs = Jobs(clock, ttl=dt.timedelta(hours=1))
    old = jobs.start("analyst", 2)
    clock.now = T0 + dt.timedelta(minutes=59)
    assert jobs.get(old.id, "analyst")
    young = jobs.start("analyst", 1)
    clock.now = T0 + dt.timedelta(hours=1)
    with pytest.raises(NotFound):
        jobs.get(old.id, "analyst")
    assert not jobs.advance(old.id, 1, ["late"])  # the worker learns to stop
    assert not jobs.finish(old.id)
    assert jobs.get(young.id, "analyst")
    clock.now = T0 + dt.timedelta(hours=2)
    jobs.start("officer", 1)  # starting a job sweeps the expired ones too
    assert len(jobs) == 1


def test_concurrent_progress_is_not_lost() -> None:
    jobs = Jobs(Clock())
    job = jobs.start("analyst", 800)

    def worker() -> None:
        for _ in range(100):
            jobs.advance(job.id, 1, [1])

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    found = jobs.get(job.id, "analyst")
    assert found.done == 800 and len(found.results) == 800
