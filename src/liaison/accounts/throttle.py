"""Login rate limiting, as a pure decision over recent failures."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence


def retry_after(
    failures: Sequence[dt.datetime], now: dt.datetime, max_failures: int, window_seconds: int
) -> int | None:
    """Seconds to wait before another attempt, or None when one is allowed.

    ``failures`` are the failed attempts for a user name inside the window.
    Once there are ``max_failures`` of them, the next attempt waits until the
    oldest one that counts leaves the window.
    """
    window = dt.timedelta(seconds=window_seconds)
    recent = sorted(f for f in failures if now - f < window)
    if len(recent) < max_failures:
        return None
    oldest_counting = recent[-max_failures]
    return max(1, math.ceil((oldest_counting + window - now).total_seconds()))
