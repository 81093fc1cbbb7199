"""An entity's match profile: what matching needs, computed once per version.

The profile is stored next to the record (``match_profiles``) so that a
query scores a few hundred candidates without re-reading or re-analysing
their entities. It is compact JSON; :func:`dumps` and :func:`loads` are
inverse. :func:`keys` gives the blocking keys the candidate index stores.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import combinations
from typing import Any

import orjson

from liaison.matching.identifiers import Identifier, identifiers_of
from liaison.matching.names import MAX_NAMES, NameForm, Part, analyse, make_part
from liaison.matching.organisations import read
from liaison.matching.text import skeleton

MAX_VALUES = 10  # birth dates, countries, addresses kept per entity
MAX_CODES = 3  # blocking codes per name part
NAME_PROPS = ("name", "alias", "previousName", "weakAlias", "abbreviation")
COUNTRY_PROPS = ("nationality", "citizenship", "country", "jurisdiction", "flag")
PERSON_SCHEMATA = frozenset({"Person"})
# a person's birth date; an organisation's founding date; a vessel's or aircraft's build date
DATE_PROPS = ("birthDate", "incorporationDate", "buildDate")


# Schemata compared as one kind of thing; LegalEntity (FtM's parent of persons and
# organisations) and Thing meet every kind.
_KINDS = {
    "Person": "person",
    "Organization": "organisation",
    "Company": "organisation",
    "PublicBody": "organisation",
    "Vessel": "vessel",
    "Airplane": "aircraft",
    "Vehicle": "vehicle",
}
_ANY_KIND = frozenset({"LegalEntity", "Thing"})


def compatible(left: str, right: str) -> bool:
    """Whether entities of two schemata can be the same thing."""
    if left in _ANY_KIND or right in _ANY_KIND:
        return True
    return _KINDS.get(left, left) == _KINDS.get(right, right)


@dataclass(frozen=True, slots=True)
class Profile:
    """The comparable facts of one entity."""

    schema: str
    names: tuple[NameForm, ...]
    birth_dates: tuple[str, ...]
    countries: frozenset[str]
    genders: frozenset[str]
    identifiers: frozenset[str]  # "kind:value"
    addresses: tuple[str, ...]

    @property
    def person(self) -> bool:
        return self.schema in PERSON_SCHEMATA


def _values(props: Mapping[str, Sequence[str]], names: Iterable[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        out.extend(v.strip() for v in props.get(name, ()) if isinstance(v, str) and v.strip())
    return list(dict.fromkeys(out))


def _composed_name(props: Mapping[str, Sequence[str]]) -> list[str]:
    parts = [
        _values(props, (p,))[:1]
        for p in ("firstName", "secondName", "middleName", "fatherName", "lastName")
    ]
    composed = " ".join(p[0] for p in parts if p)
    return [composed] if composed else []


def build(schema: str, properties: Mapping[str, Sequence[str]], cleaned: bool = False) -> Profile:
    """The profile of an entity given as schema name and property values (``cleaned``:
    values that FollowTheMoney cleaned in this process, see ``identifiers_of``)."""
    person = schema in PERSON_SCHEMATA
    raw_names = _values(properties, NAME_PROPS) + _composed_name(properties)
    countries = frozenset(c.lower() for c in _values(properties, COUNTRY_PROPS)[:MAX_VALUES])
    return Profile(
        schema=schema,
        names=analyse(raw_names[: MAX_NAMES * 5], person=person),
        birth_dates=tuple(dict.fromkeys(d[:10] for d in _values(properties, DATE_PROPS)))[
            :MAX_VALUES
        ],
        countries=countries,
        genders=frozenset(g.lower() for g in _values(properties, ("gender",))[:2]),
        identifiers=frozenset(
            identifier_entry(i) for i in identifiers_of(schema, properties, cleaned)
        ),
        addresses=tuple(_values(properties, ("address", "addressEntity"))[:MAX_VALUES]),
    )


def identifier_entry(identifier: Identifier) -> str:
    """How a profile holds an identifier: ``kind:value`` (``phone:+639171234567``)."""
    return f"{identifier.kind.value}:{identifier.value}"


def identifier_key(entry: str) -> str:
    """The blocking key of a profile's identifier entry: what the candidate index
    stores, and what an identifier lookup asks it for."""
    return f"i:{entry}"


def refreshed(profile: Profile) -> Profile:
    """A stored profile with its names read again by the current code (after the name
    rules change, the index is rebuilt from what the profiles kept)."""
    originals = [form.original for form in profile.names]
    return replace(profile, names=analyse(originals, person=profile.person))


def dumps(profile: Profile) -> str:
    """The profile as compact JSON text."""
    doc: dict[str, Any] = {
        "s": profile.schema,
        "n": [
            [form.original, [[p.text, int(p.abjad)] for p in form.parts], form.generation]
            for form in profile.names
        ],
        "d": list(profile.birth_dates),
        "c": sorted(profile.countries),
        "g": sorted(profile.genders),
        "i": sorted(profile.identifiers),
        "a": list(profile.addresses),
    }
    return orjson.dumps(doc).decode()


def loads(text: str | bytes) -> Profile:
    """A profile from :func:`dumps` output."""
    doc = orjson.loads(text)
    person = doc["s"] in PERSON_SCHEMATA
    names = tuple(
        NameForm(
            original=row[0],
            parts=tuple(make_part(t, bool(a), person) for t, a in row[1]),
            generation=row[2] if len(row) > 2 else "",  # profiles stored before generations
        )
        for row in doc["n"]
    )
    return Profile(
        schema=doc["s"],
        names=names,
        birth_dates=tuple(doc["d"]),
        countries=frozenset(doc["c"]),
        genders=frozenset(doc["g"]),
        identifiers=frozenset(doc["i"]),
        addresses=tuple(doc["a"]),
    )


def part_codes(part: Part) -> list[str]:
    """A name part's codes for keys: its consonant skeleton and the skeletons of the
    full names it is a nickname of (at most :data:`MAX_CODES`)."""
    codes = [part.skeleton] if len(part.skeleton) > 1 else []
    codes += sorted(s[5:] for s in part.symbols if s.startswith("NICK:"))
    return list(dict.fromkeys(codes))[:MAX_CODES]


def date_key(value: str) -> str | None:
    """A birth date with day and month in order of size, so swapped parts meet."""
    if len(value) < 10 or value[4] != "-" or value[7] != "-":
        return None
    year, month, day = value[:4], value[5:7], value[8:10]
    return f"{year}-{min(month, day)}-{max(month, day)}"


def _numbers(addresses: Sequence[str]) -> set[str]:
    """Numbers in addresses (postcodes, house numbers): at most three."""
    found = [t for a in addresses[:3] for t in re.findall(r"\d{3,}", a)]
    return set(list(dict.fromkeys(found))[:3])


def _spellings(part: Part) -> list[str]:
    """Codes of one part that survive spelling: the skeleton, the skeleton without a
    glued article, the consonant classes, the nicknamed full names, the first letters."""
    codes = part_codes(part)
    if part.bare:
        codes.append(skeleton(part.bare))
    if len(part.classes) > 2:
        codes.append("~" + part.classes)
    if len(part.folded) >= 4:
        codes.append("^" + part.folded[:4])  # survives a typo later in the word
    return [c for c in dict.fromkeys(codes) if len(c) > 1]


def _org_words(profile: Profile) -> list[list[str]]:
    """An organisation's distinctive words as codes (all its words if none is)."""
    out = []
    for form in profile.names:
        name = read(form.original)
        words = [w for w in name.distinctive or name.words if not w.isdigit()][:MAX_WORDS]
        codes = [skeleton(w) or w for w in words]
        codes += [skeleton(w[2:]) for w in words if w[:2] in ("al", "el") and len(w) > 5]
        if len(words) > 1:  # the words run together (Atlanticpioneer)
            codes.append(skeleton("".join(words)))
        initials = {"".join(w[0] for w in ws) for ws in (name.words, name.distinctive) if ws}
        codes += [f"@{i}" for i in initials if len(i) > 1]
        if len(name.words) == 1:
            codes.append(f"@{name.words[0]}")  # an acronym meets the initials
        out.append(codes)
    return out


MAX_KEYS = 400  # blocking keys per entity: a hostile entity costs what a big one does
MAX_WORDS = 8  # words of an organisation's name used for keys


def keys(profile: Profile) -> set[str]:
    """Blocking keys: every name part alone (by each of its spelling codes), pairs of
    parts' skeletons; a skeleton with the birth date or year; the birth date alone; a
    skeleton with a number of the address; identifiers. Organisations: their distinctive
    words and their initials. A query ranks candidates by the keys they share, rare keys
    weighing more (:func:`rank`)."""
    out = {identifier_key(entry) for entry in profile.identifiers}
    dates = {k for k in map(date_key, profile.birth_dates[:3]) if k}
    years = {d[:4] for d in profile.birth_dates[:3] if d[:4].isdigit()}
    out.update(f"b:{date}" for date in dates)
    numbers = _numbers(profile.addresses)
    if profile.person:
        singles = [[c for part in form.parts for c in _spellings(part)] for form in profile.names]
        primaries = [
            [part.skeleton for part in form.parts if not part.initial and len(part.skeleton) > 1]
            for form in profile.names
        ]
    else:
        singles = _org_words(profile)
        primaries = [[c for c in codes if c[0] != "@"] for codes in singles]
    for codes in singles:
        out.update(f"s:{code}" for code in codes)
    for codes in primaries:
        for left, right in combinations(dict.fromkeys(codes), 2):
            out.add(f"n:{'|'.join(sorted((left, right)))}")
        for code in codes:
            out.update(f"d:{code}|{date}" for date in dates)
            out.update(f"y:{code}|{year}" for year in years)
            out.update(f"a:{code}|{number}" for number in numbers)
    return set(sorted(out, key=_key_order)[:MAX_KEYS])


def _key_order(key: str) -> tuple[int, str]:
    """Identifiers, dates and single parts first: what a capped entity keeps."""
    return ("ibsdyna".find(key[0]), key)


WEIGHT_SCALE = 1_000_000  # key weights are whole numbers: sums are exact, in SQL as here


def key_weight(subjects: int) -> int:
    """A key's weight in :func:`rank` when ``subjects`` subjects hold it: 1 (scaled)
    for a key of one subject, about a tenth for one of 2,000."""
    return round(WEIGHT_SCALE / (1.0 + math.log(subjects)))


def rank(postings: Mapping[str, Sequence[str]], limit: int, stop: int) -> list[str]:
    """Subjects ranked by the keys they share with a query, each key weighing by how
    rare it is (:func:`key_weight`); keys shared by more than ``stop`` subjects
    select nothing. At most ``limit`` subjects, by weight and then subject. The
    candidate index does the same in SQL (``storage.matching.candidates``)."""
    shared: dict[str, int] = {}
    for found in postings.values():
        if not found or len(found) > stop:
            continue
        weight = key_weight(len(found))
        for subject in set(found):
            shared[subject] = shared.get(subject, 0) + weight
    ordered = sorted(shared.items(), key=lambda item: (-item[1], item[0]))
    return [subject for subject, _ in ordered[:limit]]
