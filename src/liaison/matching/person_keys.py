"""Match keys for fuzzy person hit/no-hit: names in any script and a birth date (pure).

A person becomes a small set of strings (``pk1:nd:avn+ptrv:y1980.05``), each run
through the OPRF of :mod:`liaison.matching.psi` as the item ``("person", key)``. The
answering node indexes the keys of its own Person records; the asking node sends the
keys of the person it asks about; **any key in common is a candidate hit** for a human
to confirm. Both sides call :func:`keys` on a :class:`~liaison.matching.profile.Profile`,
so a name is read exactly as the matcher reads it (:mod:`liaison.matching.names`:
particles, honorifics, Latin letters from any script).

Name codes
----------
Each name part gives its consonant skeleton and the skeletons of the full names it is a
nickname of (:func:`liaison.matching.profile.part_codes`, the blocking codes of the
candidate index): ``Юлия``, ``Yuliya`` and ``Iuliia`` give ``al``; ``محمد``,
``Mohammed`` and ``Muhammad`` give ``mhmd``. A part whose skeleton is one letter
(``Au``, ``Li``) gives its Latin text (``=au``). The *loose* codes add the first three
Latin letters (``^moh``), which survive a typo later in the word; Arabic-script parts,
written without short vowels, have none. Initials give no code. Pairs of parts are
unordered (``Petrov Ivan`` = ``Ivan Petrov``), and every pair of a name's parts counts,
so a missing middle name or patronymic still leaves a common pair.

Birth dates
-----------
A full date gives **two of its three parts**: ``y1980.05`` (year and month), ``y1980.01``
(year and day) and ``md01.05`` (day and month). Day and month are sorted, so a date
written with day and month swapped gives the same three, and a typo in any one part
leaves one of them intact. The canonical full date (``1980-01-05``, day and month
sorted: :func:`liaison.matching.profile.date_key`) and the year (``y1980``) are used too.
A year and month gives ``y1980.05`` and the year; a year alone, the year.

Tiers, strongest first
----------------------
======  ==============================================  ====  =========
tier    key                                              cap  precision
======  ==============================================  ====  =========
``nd``  two name parts × two of the date's three parts     9  high
``pd``  one name part (loose) × the full date              8  medium
``ny``  two name parts × the birth year                    3  medium
``n``   two name parts (loose), no date                   12  low
======  ==============================================  ====  =========

``n`` keys let a partner test whether a *name* is known without any date. The index
holds them by default (``name_only``; the node setting ``LIAISON_HIT_NAME_ONLY``): an
analyst often has a name and no date, a duplicate's date is often mistyped or missing
(without them fuzzy recall on FEBRL4 is 0.924 instead of 0.958), and binding a name to
a date protects little, since a partner who knows a name can try every year and month
of birth of a century (1,200 elements, about forty person questions); what bounds
guessing is the agreement, the hourly limit of evaluated elements and the audit of
every answer. A node whose agreements require a date turns them off; a person recorded
without a full date has no other key and always gets them.

The asker knows which of its keys hit, so a candidate hit says which tier found it
(:attr:`Tier.label`): ``nd`` is a full name and birth date (a namesake born the same
year and month is rare); ``pd`` tolerates one name part replaced or badly misspelt but
reaches every namesake by surname or given name born that day (common surnames: many);
``n`` catches a wrong or missing birth date and is a list of namesakes for a common name.
``n`` and ``pd`` are what make recall on corrupted data (FEBRL4: see
``bench/fuzzy_psi.py``); a human confirms every candidate.

Caps and which side expands
---------------------------
At most :data:`MAX_KEYS` (32) keys per person, by the per-tier caps above, first name
first: a person with many aliases costs what a few do. The asking node pads each person
to exactly :data:`MAX_KEYS` blinded elements with random ones, so the answering node
learns how many elements it evaluated and nothing of how many names or dates a person
had. Padding makes keys free on the asking side (up to the cap) while each key costs
the answering node an OPRF evaluation per record and an index row, so variants are
spent where they are cheapest: swapped day and month and name-part order cost nothing
(canonical forms on both sides); the birth-year keys (``ny``) are sent by every question
but indexed only for records whose birth date is only a year or a year and month
(:attr:`Role.INDEX`), so a question reaches such partial dates at no index cost for the
rest; a question that gives only a year reaches full-date records through ``n``. The
date parts (``nd``) are on both sides: one side alone would have to enumerate every
one-digit typo of a date (about seventy variants).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import combinations

from liaison.matching.names import NameForm, Part
from liaison.matching.profile import Profile, build, date_key, part_codes

__all__ = [
    "KIND",
    "MAX_KEYS",
    "VERSION",
    "PersonKey",
    "Role",
    "Tier",
    "keys",
    "parse_birth_date",
    "person_profile",
    "strongest",
    "tier_of",
]

KIND = "person"  # the OPRF item kind of a person key
VERSION = "pk1"
MAX_KEYS = 32  # keys per person, and blinded elements per person in a question
MAX_DATES = 3  # birth dates of one person used
_PREFIX = 3  # Latin letters of a loose code
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


class Tier(StrEnum):
    """What a key binds, strongest first (the order of the members)."""

    NAME_DATE = "nd"
    PART_DATE = "pd"
    NAME_YEAR = "ny"
    NAME = "n"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def cap(self) -> int:
        return _CAPS[self]


_LABELS = {
    Tier.NAME_DATE: "name and birth date",
    Tier.PART_DATE: "one name part and birth date",
    Tier.NAME_YEAR: "name and birth year",
    Tier.NAME: "name only",
}
_CAPS = {Tier.NAME_DATE: 9, Tier.PART_DATE: 8, Tier.NAME_YEAR: 3, Tier.NAME: 12}
assert sum(_CAPS.values()) == MAX_KEYS


class Role(StrEnum):
    """Which side computes the keys: they differ only in the birth-year keys."""

    INDEX = "index"  # the answering node, for its own records
    QUERY = "query"  # the asking node, for the person it asks about


@dataclass(frozen=True, slots=True)
class PersonKey:
    """One match key: its tier and the text run through the OPRF."""

    tier: Tier
    value: str

    @property
    def item(self) -> tuple[str, str]:
        """The OPRF item ``(kind, value)``."""
        return KIND, self.value


@dataclass(frozen=True, slots=True)
class _Dates:
    """The birth-date variants of a person."""

    full: tuple[str, ...]  # canonical full dates, day and month sorted
    parts: tuple[str, ...]  # two of three parts
    years: tuple[str, ...]

    @classmethod
    def of(cls, values: Iterable[str]) -> _Dates:
        full: list[str] = []
        parts: list[str] = []
        years: list[str] = []
        for value in list(values)[:MAX_DATES]:
            found = _DATE.match(value)
            if found is None:
                continue
            year, month, day = found.groups()
            years.append(f"y{year}")
            if month and day:
                canonical = date_key(found.group(0))
                assert canonical is not None  # the pattern matched a full date
                full.append(canonical)
                _, low, high = canonical.split("-")
                parts += [f"y{year}.{low}", f"y{year}.{high}", f"md{low}.{high}"]
            elif month:
                parts.append(f"y{year}.{month}")
        return cls(_unique(full), _unique(parts), _unique(years))

    @property
    def partial_only(self) -> bool:
        return bool(self.years) and not self.full


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _codes(part: Part, loose: bool) -> list[str]:
    """A part's codes; the loose ones add its first Latin letters."""
    codes = part_codes(part)
    if len(part.skeleton) <= 1 and len(part.text) > 1:
        codes.append(f"={part.text}")
    if loose and not part.abjad and len(part.text) >= _PREFIX:
        codes.append(f"^{part.text[:_PREFIX]}")
    return codes


def _part_codes(form: NameForm, loose: bool) -> list[list[str]]:
    codes = (_codes(part, loose) for part in form.parts if not part.initial)
    return [c for c in codes if c]


def _pairs(forms: Sequence[NameForm], loose: bool) -> list[str]:
    """Unordered pairs of codes of two parts of one name, first name first."""
    out: list[str] = []
    for form in forms:
        for left, right in combinations(_part_codes(form, loose), 2):
            out += ["+".join(sorted((a, b))) for a in left for b in right]
    return out


def _singles(forms: Sequence[NameForm], loose: bool) -> list[str]:
    return [code for form in forms for codes in _part_codes(form, loose) for code in codes]


def _tier_values(profile: Profile, role: Role, name_only: bool) -> dict[Tier, list[str]]:
    """Each tier's keys before the cap: strict codes before loose ones, so a cap
    cuts the prefix variants first."""
    forms = profile.names
    strict = _pairs(forms, False)
    pairs = strict + _pairs(forms, True)
    singles = _singles(forms, False) + _singles(forms, True)
    dates = _Dates.of(profile.birth_dates)
    years = dates.years if role is Role.QUERY or dates.partial_only else ()
    return {
        Tier.NAME_DATE: [f"{p}:{d}" for p in strict for d in dates.parts],
        Tier.PART_DATE: [f"{c}:{d}" for d in dates.full for c in singles],
        Tier.NAME_YEAR: [f"{p}:{y}" for y in years for p in strict],
        Tier.NAME: pairs if role is Role.QUERY or name_only or not dates.full else [],
    }


def keys(profile: Profile, role: Role, name_only: bool = True) -> tuple[PersonKey, ...]:
    """A person's match keys, strongest tier first, at most :data:`MAX_KEYS`.

    Empty when the profile has neither two name parts nor one part and a full date.
    The index holds name-only keys (``n``) of a person with a full birth date only
    when ``name_only`` (the node setting ``LIAISON_HIT_NAME_ONLY``, on by default):
    they let a partner test whether a name is known without any date.
    """
    out: list[PersonKey] = []
    for tier, values in _tier_values(profile, role, name_only).items():
        chosen = _unique(f"{VERSION}:{tier.value}:{v}" for v in values)[: tier.cap]
        out += [PersonKey(tier, value) for value in chosen]
    return tuple(out)


def parse_birth_date(text: str) -> str | None:
    """A birth date as ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` (a real date), else ``None``."""
    found = _DATE.fullmatch(text.strip())
    if found is None:
        return None
    year, month, day = found.groups()
    if month and not 1 <= int(month) <= 12:
        return None
    if day and not 1 <= int(day) <= _days(int(year), int(month)):
        return None
    return found.group(0)


def _days(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def person_profile(names: Sequence[str], birth_date: str | None) -> Profile:
    """The profile of a person asked about: names in any script and a birth date."""
    return build("Person", {"name": list(names), "birthDate": [birth_date] if birth_date else []})


def tier_of(value: str) -> Tier:
    """The tier of a key's text (``pk1:nd:...`` → :attr:`Tier.NAME_DATE`)."""
    return Tier(value.split(":", 2)[1])


def strongest(tiers: Iterable[Tier]) -> Tier | None:
    """The strongest of some tiers, or ``None`` if there are none."""
    order = list(Tier)
    return min(tiers, key=order.index, default=None)
