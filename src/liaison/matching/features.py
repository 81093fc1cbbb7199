"""Comparison features: how two profiles agree, as a level per feature.

Each feature gives a discrete level (``exact``, ``swapped``, ``differ``,
``missing``...) and a human-readable detail. The scorer turns levels into
evidence with weights estimated from labelled data (Fellegi–Sunter), so
a level means the same thing in every explanation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
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
    for bound, level in (
        (0.99, "exact"),
        (0.95, "strong"),
        (0.9, "close"),
        (0.8, "partial"),
        (0.3, "weak"),  # some part agrees, others do not
    ):
        if similarity >= bound:
            return level
    return "none"


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


_TOKEN = re.compile(r"\w+")
MAX_ADDRESS_TOKENS = 24


def _tokens(address: str) -> list[str]:
    return _TOKEN.findall(address.casefold())[:MAX_ADDRESS_TOKENS]


def _token_score(token: str, others: Sequence[str]) -> float:
    if token in others:
        return 1.0
    typo = len(token) >= 4 and not token.isdigit()
    if typo and any(len(o) >= 4 and levenshtein(token, o) <= 1 for o in others):
        return 0.8  # one typo in a street or place name
    return 0.0


def token_overlap(a: str, b: str) -> float:
    """Share of address tokens that agree (a token with one typo counts 0.8),
    over the longer address: robust to house-number and postcode typos and to
    missing parts, which a structured comparison scores as different."""
    left, right = _tokens(a), _tokens(b)
    if not left or not right:
        return 0.0
    short, long_ = sorted((left, right), key=len)
    return sum(_token_score(t, long_) for t in short) / len(long_)


def address(q: Profile, c: Profile) -> Level:
    if not q.addresses or not c.addresses:
        return Level(MISSING, "no address on one side")
    left, right = list(q.addresses[:3]), list(c.addresses[:3])
    overlap = max(token_overlap(a, b) for a in left for b in right)
    score = max(compare_address_many(left, right), overlap)
    for bound, level in ((0.9, "same"), (0.6, "close"), (0.3, "partial")):
        if score >= bound:
            return Level(level, f"{score:.2f}")
    return Level("differ", f"{score:.2f}")


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
