"""Retention: when a record must be reviewed, when it expires, when to warn.

A record past ``expires``, or past ``review_due`` without renewal, is no longer
shared and is purged with a tombstone. The owner is warned three months
before the review. A renewal needs a justification and moves ``review_due``
forward by at most the node's review period. Edge dates: a record expires *on*
its ``expires`` date; it is overdue the day *after* its ``review_due``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from liaison.errors import InvalidInput
from liaison.model.dates import add_months

WARN_MONTHS = 3


class Standing(StrEnum):
    CURRENT = "current"
    REVIEW_SOON = "review_soon"
    OVERDUE = "overdue"
    EXPIRED = "expired"


@dataclass(frozen=True)
class Status:
    standing: Standing
    text: str

    @property
    def purge(self) -> bool:
        return self.standing in (Standing.OVERDUE, Standing.EXPIRED)


def status(review_due: dt.date | None, expires: dt.date | None, today: dt.date) -> Status:
    if expires is not None and today >= expires:
        return Status(Standing.EXPIRED, f"expired on {expires.isoformat()}")
    if review_due is not None and today > review_due:
        return Status(Standing.OVERDUE, f"review was due on {review_due.isoformat()}")
    if review_due is not None and add_months(today, WARN_MONTHS) >= review_due:
        return Status(Standing.REVIEW_SOON, f"review due on {review_due.isoformat()}")
    return Status(Standing.CURRENT, "current")


def warn_before(today: dt.date) -> dt.date:
    """Records whose review is due on or before this date get a warning."""
    return add_months(today, WARN_MONTHS)


def check_renewal(
    new_due: dt.date,
    expires: dt.date | None,
    justification: str | None,
    today: dt.date,
    review_years: int,
) -> None:
    """A renewal sets a new review date in the future, within the review period."""
    if not justification or len(justification.strip()) < 10:
        raise InvalidInput(
            "justification", justification, "a renewal needs a justification of 10+ characters"
        )
    if new_due <= today:
        raise InvalidInput("review_due", new_due.isoformat(), "must be after today")
    latest = add_months(today, 12 * review_years)
    if new_due > latest:
        raise InvalidInput(
            "review_due",
            new_due.isoformat(),
            f"at most {review_years} years ahead ({latest.isoformat()})",
        )
    if expires is not None and new_due > expires:
        raise InvalidInput(
            "review_due", new_due.isoformat(), f"must not be after expires {expires.isoformat()}"
        )
