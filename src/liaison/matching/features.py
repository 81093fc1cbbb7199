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

from liaison.matching.names import NameMatch, best_match
from liaison.matching.organisations import org_names
from liaison.matching.profile import Profile

MISSING = "missing"


@dataclass(frozen=True, slots=True)
class Level:
    """One feature's outcome for a pair."""

    level: str
    detail: str


#: Name levels, from the strongest agreement to the weakest.
NAME_LEVELS = ("exact", "strong", "close", "partial", "single", "conflict", "weak", "none")


def name_level(match: NameMatch) -> str:
    """The level of an alignment of two names.

    ``exact``/``strong``/``close``/``partial``: every part of the shorter name has a
    partner (extra parts on the longer side, a patronymic or middle name, cost little),
    by how alike the partners are; ``single``: the same, but the shorter name is one
    part; ``conflict``: two or more parts agree and a part of the shorter name has none
    (a different given name); ``weak``: one part agrees; ``none``: no part agrees.
    """
    shorter = min(match.query_parts, match.candidate_parts) + match.joined
    if not match.aligned:
        return "none"
    if not match.covered:
        return "conflict" if len(match.aligned) >= 2 else "weak"
    if shorter == 1:
        return "single"
    mean = match.mean
    if mean >= 0.99:
        return "exact" if match.query_parts == match.candidate_parts else "strong"
    return "strong" if mean >= 0.95 else "close" if mean >= 0.88 else "partial"


def names(q: Profile, c: Profile) -> Level:
    if not q.names or not c.names:
        return Level(MISSING, "no name on one side")
    if not q.person or not c.person:
        found = org_names(q.names, c.names)
        return Level(found.level, found.detail)
    match = best_match(q.names, c.names)
    return Level(name_level(match), f"{match.similarity:.2f}: {match.describe()}")


def generation(q: Profile, c: Profile) -> Level:
    """Generation suffixes (Jr., Sr., III): a conflict says father and son."""
    left = {f.generation for f in q.names if f.generation}
    right = {f.generation for f in c.names if f.generation}
    return _sets("generation", frozenset(left), frozenset(right), differ="conflict")


#: Birth-date levels, from the strongest agreement to the weakest.
DATE_LEVELS = ("exact", "swapped", "typo", "partial", "year", "near", "differ", "far")


def _date_pair(a: str, b: str) -> str:
    """How two ISO dates (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) agree."""
    if a == b:
        return "exact" if len(a) == 10 else "partial"
    if len(a) < 10 or len(b) < 10:
        short = min(len(a), len(b))
        if a[:short] == b[:short]:
            return "partial"  # a year or a month against a full date that has it
        return "year" if a[:4] == b[:4] else _years(a[:4], b[:4], same_rest=False)
    if a[:4] == b[:4]:
        if a[5:7] == b[8:10] and a[8:10] == b[5:7]:
            return "swapped"
        if levenshtein(a[5:], b[5:]) == 1 or _reversed_day(a, b) or _adjacent(a, b):
            return "typo"
        return "year"
    return _years(a[:4], b[:4], same_rest=a[5:] == b[5:])


def _reversed_day(a: str, b: str) -> bool:
    """The digits of the day written the other way round (12 / 21)."""
    return a[5:7] == b[5:7] and a[8:10] == b[8:10][::-1]


def _adjacent(a: str, b: str) -> bool:
    """The same day a month apart (a slip in the month)."""
    months = a[5:7], b[5:7]
    if a[8:10] != b[8:10] or not all(m.isdigit() for m in months):
        return False
    return abs(int(months[0]) - int(months[1])) == 1


def _years(a: str, b: str, same_rest: bool) -> str:
    if not (a.isdigit() and b.isdigit()):
        return "differ"
    gap = abs(int(a) - int(b))
    if same_rest and (gap == 1 or levenshtein(a, b) == 1):
        return "typo"  # the year off by one, or one digit of it
    if gap <= 2:
        return "near"
    return "differ" if gap < 10 else "far"


def birth_date(q: Profile, c: Profile) -> Level:
    if not q.birth_dates or not c.birth_dates:
        return Level(MISSING, "no birth date on one side")
    best = min(
        ((_date_pair(a, b), a, b) for a in q.birth_dates for b in c.birth_dates),
        key=lambda found: DATE_LEVELS.index(found[0]),
    )
    return Level(best[0], f"{best[1]} / {best[2]}")


def _sets(name: str, left: frozenset[str], right: frozenset[str], differ: str = "differ") -> Level:
    if not left or not right:
        return Level(MISSING, f"no {name} on one side")
    common = left & right
    if common:
        return Level("same", ", ".join(sorted(common)))
    return Level(differ, f"{', '.join(sorted(left))} / {', '.join(sorted(right))}")


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
    for bound, level in ((0.9, "same"), (0.6, "close"), (0.45, "partial"), (0.3, "area")):
        if score >= bound:
            return Level(level, f"{score:.2f}")
    return Level("differ", f"{score:.2f}")


def residence(home: Level, born: Level) -> Level:
    """The same address where the birth dates contradict: a wrong date in one record
    (registers corrupt dates far more often than two namesakes share a home). Only
    said when both hold; otherwise the address and the date speak for themselves.
    Read from the address and birth-date levels already compared, not compared again."""
    if home.level in ("same", "close") and born.level in ("near", "differ", "far"):
        return Level("overrides_date", f"address {home.detail}; dates {born.detail}")
    return Level(MISSING, "not an address against a contradicting date")


FEATURES: dict[str, Callable[[Profile, Profile], Level]] = {
    "name": names,
    "birth_date": birth_date,
    "generation": generation,
    "country": country,
    "gender": gender,
    "identifier": identifier,
    "address": address,
}

#: What an organisation, company, vessel or other non-person is compared on: its name
#: (legal forms normalised, distinctive words apart from generic ones), identifiers
#: (registration number, IMO...), country (jurisdiction, flag), founding or build date
#: and address.
ENTITY_FEATURES: dict[str, Callable[[Profile, Profile], Level]] = {
    "name": names,
    "identifier": identifier,
    "country": country,
    "date": birth_date,
    "address": address,
}


def compare(q: Profile, c: Profile) -> dict[str, Level]:
    """Every feature's level for a pair of profiles (the person features and
    ``residence`` when both are persons, the entity features otherwise)."""
    if not (q.person and c.person):
        return {name: feature(q, c) for name, feature in ENTITY_FEATURES.items()}
    levels = {name: feature(q, c) for name, feature in FEATURES.items()}
    levels["residence"] = residence(levels["address"], levels["birth_date"])
    return levels
