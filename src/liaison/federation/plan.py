"""What a change means for one partner: pure.

The sender keeps, per partner and record, what the partner holds (the
disclosure register). Given the policy's outcome for the record's current
version, ``plan`` says which message, if any, brings the partner to exactly
what it may hold: the full record, only a hit/no-hit reference, nothing
(withdraw), or a tombstone (delete). Running it twice gives nothing the
second time, so every trigger (a write, an agreement moving, a consent, a
release at the neutrality gate, a renewal) can call it for the records it
touches.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from liaison.policy.decide import Outcome


class Level(StrEnum):
    """What a partner holds of a record."""

    FULL = "full"
    REFERENCE = "reference"
    WITHDRAWN = "withdrawn"
    DELETED = "deleted"


class ChangeKind(StrEnum):
    """What one message item tells a partner to do."""

    FULL = "full"  # hold this version of the record
    REFERENCE = "reference"  # hold only a hit/no-hit reference to it
    WITHDRAW = "withdraw"  # hold nothing of it any more
    DELETE = "delete"  # the originator deleted it: hold nothing, ever

    @property
    def level(self) -> Level:
        return _LEVEL_AFTER[self]


_LEVEL_AFTER = {
    ChangeKind.FULL: Level.FULL,
    ChangeKind.REFERENCE: Level.REFERENCE,
    ChangeKind.WITHDRAW: Level.WITHDRAWN,
    ChangeKind.DELETE: Level.DELETED,
}
_HOLDS = frozenset({Level.FULL, Level.REFERENCE})
_WANTED = {Outcome.FULL: ChangeKind.FULL, Outcome.HIT_ONLY: ChangeKind.REFERENCE}


@dataclass(frozen=True, slots=True)
class Holding:
    """A register entry: the level and version a partner was sent."""

    level: Level
    version: int

    @property
    def holds(self) -> bool:
        return self.level in _HOLDS


def plan(
    outcome: Outcome, version: int, deleted: bool, held: Holding | None, keep: bool = False
) -> ChangeKind | None:
    """The message that brings a partner from ``held`` to what the policy allows.

    ``keep``: the agreement the partner received its copy under has ended with
    ``on_end: keep``, so a denial freezes the copy instead of withdrawing it;
    a deletion still reaches it.
    """
    holds = held is not None and held.holds
    if deleted:
        return ChangeKind.DELETE if holds else None
    wanted = _WANTED.get(outcome)
    if wanted is None:
        return ChangeKind.WITHDRAW if holds and not keep else None
    if held is not None and held.level is wanted.level and held.version == version:
        return None
    return wanted
