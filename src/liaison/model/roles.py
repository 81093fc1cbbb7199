"""Who a user is on the node: a role and a clearance."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from liaison.model.markings import Classification


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    ANALYST = "analyst"
    LIAISON_OFFICER = "liaison_officer"
    SUPERVISOR = "supervisor"
    AUDITOR = "auditor"


class Language(StrEnum):
    """The languages the web interface speaks (its message catalogues)."""

    ENGLISH = "en"
    FILIPINO = "fil"
    RUSSIAN = "ru"


@dataclass(frozen=True)
class Actor:
    """The person (or system) on whose behalf an action runs; what audit records."""

    user_id: int | None
    username: str
    role: Role
    clearance: Classification
    via: str = "api"

    @property
    def label(self) -> str:
        return f"{self.via}:{self.username}"
