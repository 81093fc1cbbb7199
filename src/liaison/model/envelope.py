"""The envelope that wraps every entity and travels with it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from typing import Any

import orjson

from liaison.errors import InvalidEnvelope
from liaison.model.dates import add_months
from liaison.model.grading import Evaluation
from liaison.model.ids import canonical_json
from liaison.model.markings import Markings
from liaison.model.vocab import Assertion, CrimeArea, OnExpiry, Purpose, SubjectCategory, parse_enum

#: Fields a client may send; ``originator`` is set by the node and never changes.
CLIENT_FIELDS = frozenset(
    {
        "legal_basis",
        "purposes",
        "crime_area",
        "markings",
        "evaluation",
        "subject_category",
        "assertion",
        "review_due",
        "expires",
        "on_expiry",
    }
)


@dataclass(frozen=True)
class Envelope:
    originator: str
    legal_basis: str | None = None
    purposes: tuple[Purpose, ...] = ()
    crime_area: CrimeArea | None = None
    markings: Markings = field(default_factory=Markings)
    evaluation: Evaluation | None = None
    subject_category: SubjectCategory | None = None
    assertion: Assertion = Assertion.FACT
    review_due: dt.date | None = None
    expires: dt.date | None = None
    on_expiry: OnExpiry = OnExpiry.REVIEW

    def __post_init__(self) -> None:
        if self.review_due and self.expires and self.expires < self.review_due:
            raise InvalidEnvelope(
                "expires", self.expires.isoformat(), "must not be before review_due"
            )

    def with_defaults(self, today: dt.date, review_years: int) -> Envelope:
        """Fill a missing review date: records are reviewed at least every N years."""
        if self.review_due is not None:
            return self
        due = add_months(today, 12 * review_years)
        return replace(self, review_due=min(due, self.expires) if self.expires else due)

    @cached_property
    def canonical(self) -> bytes:
        """The canonical JSON of ``to_dict()``, computed once per envelope."""
        return canonical_json(self.to_dict())

    def to_dict(self) -> dict[str, Any]:
        return {
            "originator": self.originator,
            "legal_basis": self.legal_basis,
            "purposes": [p.value for p in self.purposes],
            "crime_area": self.crime_area.value if self.crime_area else None,
            "markings": self.markings.to_dict(),
            "evaluation": self.evaluation.to_dict() if self.evaluation else None,
            "subject_category": self.subject_category.value if self.subject_category else None,
            "assertion": self.assertion.value,
            "review_due": self.review_due.isoformat() if self.review_due else None,
            "expires": self.expires.isoformat() if self.expires else None,
            "on_expiry": self.on_expiry.value,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None, originator: str) -> Envelope:
        """Parse what a client sent; unknown fields are refused, not ignored."""
        data = dict(data or {})
        data.pop("originator", None)
        for key in data:
            if key not in CLIENT_FIELDS:
                allowed = ", ".join(sorted(CLIENT_FIELDS))
                raise InvalidEnvelope(key, key, f"unknown envelope field; known: {allowed}")
        return cls(
            originator=originator,
            legal_basis=_text(data.get("legal_basis")),
            purposes=_purposes(data.get("purposes")),
            crime_area=_opt(CrimeArea, "crime_area", data.get("crime_area")),
            markings=_markings(data.get("markings")),
            evaluation=Evaluation.from_dict(data.get("evaluation")),
            subject_category=_opt(
                SubjectCategory, "subject_category", data.get("subject_category")
            ),
            assertion=_opt(Assertion, "assertion", data.get("assertion")) or Assertion.FACT,
            review_due=parse_date("review_due", data.get("review_due")),
            expires=parse_date("expires", data.get("expires")),
            on_expiry=_opt(OnExpiry, "on_expiry", data.get("on_expiry")) or OnExpiry.REVIEW,
        )


@lru_cache(maxsize=4096)
def stored_envelope(text: str) -> Envelope:
    """An envelope as stored or sent (canonical JSON, with its originator), parsed
    once per distinct text: records share few envelopes, and envelopes are
    immutable."""
    data = orjson.loads(text)
    return Envelope.from_dict(data, originator=data["originator"])


def parse_date(field_name: str, value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidEnvelope(field_name, value, "must be a date as YYYY-MM-DD") from None


def _markings(value: Any) -> Markings:
    if value is not None and not isinstance(value, dict):
        raise InvalidEnvelope("markings", value, "must be an object")
    return Markings.from_dict(value)


def _purposes(value: Any) -> tuple[Purpose, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [v for v in value.replace(";", ",").split(",") if v.strip()]
    if not isinstance(value, list):
        raise InvalidEnvelope("purposes", value, "must be a list")
    found = {parse_enum(Purpose, "purposes", v) for v in value}
    return tuple(sorted(found))


def _opt(kind: Any, field_name: str, value: Any) -> Any:
    if value is None or value == "":
        return None
    return parse_enum(kind, field_name, value)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None
