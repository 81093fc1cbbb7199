from __future__ import annotations

import datetime as dt

from liaison.accounts.throttle import retry_after

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


def ago(seconds: int) -> dt.datetime:
    return NOW - dt.timedelta(seconds=seconds)


def test_allows_below_the_limit() -> None:
    assert retry_after([ago(10)] * 4, NOW, 5, 900) is None


def test_blocks_at_the_limit_until_oldest_counting_failure_expires() -> None:
    failures = [ago(100), ago(50), ago(40), ago(30), ago(20)]
    assert retry_after(failures, NOW, 5, 900) == 800


def test_old_failures_do_not_count() -> None:
    failures = [ago(1000)] * 10 + [ago(5)]
    assert retry_after(failures, NOW, 5, 900) is None
