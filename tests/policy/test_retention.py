"""Retention standings on their edge dates, the three-month warning, and renewals."""

from __future__ import annotations

import datetime as dt

import pytest

from liaison.errors import InvalidInput
from liaison.policy.retention import Standing, check_renewal, status, warn_before

D = dt.date.fromisoformat
TODAY = D("2026-03-15")


@pytest.mark.parametrize(
    ("review_due", "expires", "today", "standing"),
    [
        pytest.param(None, None, TODAY, Standing.CURRENT, id="nothing-set"),
        pytest.param(None, "2026-03-15", TODAY, Standing.EXPIRED, id="expires-today"),
        pytest.param(None, "2026-03-16", TODAY, Standing.CURRENT, id="expires-tomorrow"),
        pytest.param(None, "2020-01-01", TODAY, Standing.EXPIRED, id="expired-long-ago"),
        pytest.param("2026-03-14", None, TODAY, Standing.OVERDUE, id="review-due-yesterday"),
        pytest.param("2026-03-15", None, TODAY, Standing.REVIEW_SOON, id="review-due-today"),
        pytest.param("2026-06-15", None, TODAY, Standing.REVIEW_SOON, id="due-in-3-months"),
        pytest.param("2026-06-16", None, TODAY, Standing.CURRENT, id="due-in-3-months-1-day"),
        pytest.param("2027-02-28", None, D("2026-11-30"), Standing.REVIEW_SOON, id="month-end"),
        pytest.param("2027-03-01", None, D("2026-11-30"), Standing.CURRENT, id="after-month-end"),
        pytest.param("2026-03-01", "2026-03-15", TODAY, Standing.EXPIRED, id="expired-wins"),
        pytest.param("2026-04-01", "2026-03-16", TODAY, Standing.REVIEW_SOON, id="soon-and-later"),
    ],
)
def test_standing(
    review_due: str | None, expires: str | None, today: dt.date, standing: Standing
) -> None:
    found = status(review_due and D(review_due), expires and D(expires), today)
    assert found.standing is standing
    assert found.purge is (standing in (Standing.OVERDUE, Standing.EXPIRED))
    if review_due and standing is not Standing.EXPIRED and standing is not Standing.CURRENT:
        assert review_due in found.text
    if standing is Standing.EXPIRED:
        assert found.text == f"expired on {expires}"


@pytest.mark.parametrize(
    ("today", "expected"),
    [("2026-03-15", "2026-06-15"), ("2026-11-30", "2027-02-28"), ("2027-11-30", "2028-02-29")],
)
def test_warning_is_three_calendar_months_ahead(today: str, expected: str) -> None:
    assert warn_before(D(today)) == D(expected)


REASON = "Investigation ongoing, file 2026/17"


@pytest.mark.parametrize(
    ("new_due", "expires", "review_years"),
    [
        pytest.param("2026-03-16", None, 3, id="tomorrow"),
        pytest.param("2029-03-15", None, 3, id="exactly-the-period"),
        pytest.param("2027-01-01", "2027-01-01", 3, id="on-expiry"),
    ],
)
def test_renewal_accepted(new_due: str, expires: str | None, review_years: int) -> None:
    check_renewal(D(new_due), expires and D(expires), REASON, TODAY, review_years)


@pytest.mark.parametrize(
    ("new_due", "expires", "justification", "field", "reason"),
    [
        pytest.param("2027-01-01", None, None, "justification", "10+", id="no-justification"),
        pytest.param("2027-01-01", None, "  too short ", "justification", "10+", id="short"),
        pytest.param("2026-03-15", None, REASON, "review_due", "after today", id="today"),
        pytest.param("2026-01-01", None, REASON, "review_due", "after today", id="in-the-past"),
        pytest.param("2029-03-16", None, REASON, "review_due", "2029-03-15", id="beyond-period"),
        pytest.param(
            "2027-01-02",
            "2027-01-01",
            REASON,
            "review_due",
            "expires 2027-01-01",
            id="after-expiry",
        ),
    ],
)
def test_renewal_refused(
    new_due: str, expires: str | None, justification: str | None, field: str, reason: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_renewal(D(new_due), expires and D(expires), justification, TODAY, 3)
    assert caught.value.field == field
    assert reason in caught.value.reason
    if field == "review_due":
        assert caught.value.value == new_due
