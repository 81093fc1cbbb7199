"""The per-user request rate, on a clock the test moves."""

from __future__ import annotations

import pytest

from liaison.taxii.limits import RequestRate, RequestRateExceeded


def test_a_full_bucket_then_a_wait_then_a_refill() -> None:
    rate = RequestRate(per_minute=3)
    assert [rate.wait("moscow-taxii", 100.0) for _ in range(3)] == [0, 0, 0]
    assert rate.wait("moscow-taxii", 100.0) == 20  # one request every 20 s
    assert rate.wait("other", 100.0) == 0  # buckets are per user
    assert rate.wait("moscow-taxii", 120.0) == 0
    assert rate.wait("moscow-taxii", 120.0) == 20


def test_take_raises_with_retry_after() -> None:
    rate = RequestRate(per_minute=1)
    rate.take("u", 0.0)
    with pytest.raises(RequestRateExceeded) as caught:
        rate.take("u", 30.0)
    assert caught.value.retry_after == 30
    assert "1 requests a minute" in caught.value.message
