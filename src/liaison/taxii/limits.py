"""A request rate per user: a token bucket in memory, one per user name.

A bucket holds up to ``per_minute`` requests and refills at ``per_minute``
a minute; a request finding it empty is told how many seconds until it
would have one (``Retry-After``). The clock is passed in, so the logic is
tested without waiting; the buckets live as long as the process (one node's
users: a small, bounded set).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from liaison.errors import RateLimited


class RequestRateExceeded(RateLimited):
    """A user sent more requests than the configured rate allows."""

    title = "Too many requests"

    def __init__(self, retry_after: int, per_minute: int) -> None:
        super().__init__(retry_after)
        self.message = (
            f"more than {per_minute} requests a minute from this user; try again in {retry_after} s"
        )
        self.args = (self.message,)


@dataclass
class _Bucket:
    tokens: float
    at: float


class RequestRate:
    def __init__(self, per_minute: int) -> None:
        if per_minute < 1:
            raise ValueError("per_minute must be 1 or more")
        self.per_minute = per_minute
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def wait(self, user: str, now: float) -> int:
        """Take one request from ``user``'s bucket at ``now`` (seconds, monotonic):
        0 if it may go, else the whole seconds until it may."""
        rate = self.per_minute / 60.0
        with self._lock:
            bucket = self._buckets.setdefault(user, _Bucket(float(self.per_minute), now))
            elapsed = max(0.0, now - bucket.at)
            bucket.tokens = min(float(self.per_minute), bucket.tokens + elapsed * rate)
            bucket.at = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0
            return max(1, math.ceil((1.0 - bucket.tokens) / rate))

    def take(self, user: str, now: float) -> None:
        """``wait``, raising ``RequestRateExceeded`` when the user must wait."""
        seconds = self.wait(user, now)
        if seconds:
            raise RequestRateExceeded(seconds, self.per_minute)
