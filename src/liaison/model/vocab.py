"""Closed vocabularies of the envelope (purposes, crime areas, subject categories)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, TypeVar

from liaison.errors import InvalidEnvelope

E = TypeVar("E", bound=StrEnum)


class Purpose(StrEnum):
    CROSS_CHECK = "cross_check"
    OPERATIONAL_ANALYSIS = "operational_analysis"
    STRATEGIC_ANALYSIS = "strategic_analysis"
    ALERT = "alert"
    INVESTIGATION = "investigation"


class CrimeArea(StrEnum):
    """Crime areas after Europol's mandate list, shortened to what partners exchange."""

    TERRORISM = "terrorism"
    DRUG_TRAFFICKING = "drug_trafficking"
    HUMAN_TRAFFICKING = "human_trafficking"
    MIGRANT_SMUGGLING = "migrant_smuggling"
    FIREARMS_TRAFFICKING = "firearms_trafficking"
    MONEY_LAUNDERING = "money_laundering"
    CYBERCRIME = "cybercrime"
    FRAUD = "fraud"
    CORRUPTION = "corruption"
    ORGANISED_CRIME = "organised_crime"
    PIRACY = "piracy"
    ENVIRONMENTAL_CRIME = "environmental_crime"
    CHILD_SEXUAL_EXPLOITATION = "child_sexual_exploitation"
    OTHER = "other"


class SubjectCategory(StrEnum):
    """Data-subject categories after Article 6 of Directive (EU) 2016/680."""

    SUSPECT = "suspect"
    CONVICTED = "convicted"
    VICTIM = "victim"
    WITNESS = "witness"
    CONTACT = "contact"
    INFORMANT = "informant"
    OTHER = "other"


class Assertion(StrEnum):
    """Whether the record states a fact or a personal assessment (LED Art. 7)."""

    FACT = "fact"
    ASSESSMENT = "assessment"


class OnExpiry(StrEnum):
    DELETE = "delete"
    REVIEW = "review"


def parse_enum(kind: type[E], field_name: str, value: Any) -> E:
    try:
        return kind(str(value).strip().lower())
    except ValueError:
        allowed = ", ".join(v.value for v in kind)
        raise InvalidEnvelope(field_name, value, f"must be one of {allowed}") from None
