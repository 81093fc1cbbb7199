"""Comparison features: how two profiles agree, as a level per feature.

Each feature gives a discrete level (``exact``, ``swapped``, ``differ``,
``missing``...) and a human-readable detail. The scorer turns levels into
evidence with weights estimated from labelled data (Fellegi–Sunter), so
a level means the same thing in every explanation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rigour.addresses import compare_address_many
from rigour.text.distance import levenshtein

from liaison.matching.names import best_match
from liaison.matching.profile import Profile

MISSING = "missing"


@dataclass(frozen=True, slots=True)
class Level:
    """One feature's outcome for a pair."""

    level: str
    detail: str


def name_level(similarity: float) -> str:
    """The name level for a similarity in [0, 1]."""
    for bound, level in ((0.99, "exact"), (0.95, "strong"), (0.9, "close"), (0.8, "partial")):
        if similarity >= bound:
            return level
    return "weak"


def names(q: Profile, c: Profile) -> Level:
    if not q.names or not c.names:
        return Level(MISSING, "no name on one side")
    match = best_match(q.names, c.names)
    level = name_level(match.similarity)
    if level in ("exact", "strong") and min(match.query_parts, match.candidate_parts) == 1:
        level = "close"  # one shared part is not a full name
    return Level(level, f"{match.similarity:.2f}: {match.describe()}")


def _date_pair(a: str, b: str) -> str:
    if a == b:
        return "exact"
    if len(a) < 10 or len(b) < 10:
        return "year" if a[:4] == b[:4] else "differ"
    if a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]:
        return "swapped"
    if levenshtein(a, b) == 1:
        return "typo"
    if a[:4] == b[:4]:
        return "year"
    return "differ"


_DATE_RANK = ("exact", "swapped", "typo", "year", "differ")


def birth_date(q: Profile, c: Profile) -> Level:
    if not q.birth_dates or not c.birth_dates:
        return Level(MISSING, "no birth date on one side")
    best = min(
        ((_date_pair(a, b), a, b) for a in q.birth_dates for b in c.birth_dates),
        key=lambda found: _DATE_RANK.index(found[0]),
    )
    return Level(best[0], f"{best[1]} / {best[2]}")


def _sets(name: str, left: frozenset[str], right: frozenset[str]) -> Level:
    if not left or not right:
        return Level(MISSING, f"no {name} on one side")
    common = left & right
    if common:
        return Level("same", ", ".join(sorted(common)))
    return Level("differ", f"{', '.join(sorted(left))} / {', '.join(sorted(right))}")


def country(q: Profile, c: Profile) -> Level:
    return _sets("country", q.countries, c.countries)


def gender(q: Profile, c: Profile) -> Level:
    return _sets("gender", q.genders, c.genders)


def identifier(q: Profile, c: Profile) -> Level:
    common = q.identifiers & c.identifiers
    if common:
        return Level("same", ", ".join(sorted(common)))
    kinds = {i.split(":", 1)[0] for i in q.identifiers} & {
        i.split(":", 1)[0] for i in c.identifiers
    }
    if kinds:
        return Level("differ", f"different {', '.join(sorted(kinds))}")
    return Level(MISSING, "no identifier of the same kind on both sides")


def address(q: Profile, c: Profile) -> Level:
    if not q.addresses or not c.addresses:
        return Level(MISSING, "no address on one side")
    score = compare_address_many(list(q.addresses), list(c.addresses))
    level = "same" if score >= 0.9 else "close" if score >= 0.6 else "differ"
    return Level(level, f"{score:.2f}")


FEATURES: dict[str, Callable[[Profile, Profile], Level]] = {
    "name": names,
    "birth_date": birth_date,
    "country": country,
    "gender": gender,
    "identifier": identifier,
    "address": address,
}


def compare(q: Profile, c: Profile) -> dict[str, Level]:
    """Every feature's level for a pair of profiles."""
    return {name: feature(q, c) for name, feature in FEATURES.items()}
