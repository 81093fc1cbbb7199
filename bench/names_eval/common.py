"""Shared pieces of the evaluation-set generator: records, pairs, dates, weighted draws."""

from __future__ import annotations

import json
import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Generic, TypeVar

T = TypeVar("T")

DATA = Path(__file__).resolve().parent / "data"
REFERENCE_YEAR = 2025  # "today" for ages; every date is drawn relative to it


@cache
def frequencies() -> dict[str, Any]:
    """Rank lists extracted from names-dataset 3.3.1 (see extract_frequencies.py)."""
    with (DATA / "frequencies.json").open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


class Weighted(Generic[T]):
    """Draw items with a Zipf-like weight 1 / (rank + offset) ** s (rank 0 = most frequent)."""

    def __init__(self, items: Sequence[T], s: float = 1.0, offset: float = 2.0) -> None:
        if not items:
            raise ValueError("no items")
        self.items = list(items)
        acc = 0.0
        self.cum: list[float] = []
        for rank in range(len(self.items)):
            acc += 1.0 / (rank + offset) ** s
            self.cum.append(acc)

    def draw(self, rng: random.Random) -> T:
        return rng.choices(self.items, cum_weights=self.cum, k=1)[0]

    def draw_other(self, rng: random.Random, not_this: T, tries: int = 50) -> T:
        for _ in range(tries):
            x = self.draw(rng)
            if x != not_this:
                return x
        return rng.choice([x for x in self.items if x != not_this])


@dataclass
class Entity:
    schema: str
    properties: dict[str, list[str]]

    def to_json(self) -> dict[str, Any]:
        props = {k: v for k, v in self.properties.items() if v}
        return {"schema": self.schema, "properties": props}


@dataclass
class Pair:
    group: str
    kind: str
    label: int
    left: Entity
    right: Entity
    # canonical identity keys of the underlying fictitious persons/organisations/vessels;
    # used to keep train and test disjoint, never written to the output
    identities: tuple[str, ...] = field(default_factory=tuple)

    def swap(self) -> Pair:
        return Pair(self.group, self.kind, self.label, self.right, self.left, self.identities)


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", kept)


def identity_key(*parts: str) -> str:
    """Canonical key of an identity: the canonical full name, case- and accent-folded."""
    text = " ".join(p for p in parts if p)
    return " ".join(strip_accents(text).casefold().replace("ё", "е").split())


# --- dates -----------------------------------------------------------------------------------


def random_birth_date(rng: random.Random, min_age: int = 18, max_age: int = 80) -> date:
    year = REFERENCE_YEAR - rng.randint(min_age, max_age)
    return date(year, 1, 1) + timedelta(days=rng.randrange(365))


MIN_BIRTH_YEAR, MAX_BIRTH_YEAR = REFERENCE_YEAR - 90, REFERENCE_YEAR - 16


def shift_years(d: date, years: int, rng: random.Random) -> date:
    """Another person's date: `years` apart (the other way if that leaves 16-90 years of age),
    a fresh month and day."""
    year = d.year + years
    if not MIN_BIRTH_YEAR <= year <= MAX_BIRTH_YEAR:
        year = d.year - years
    year = min(max(year, MIN_BIRTH_YEAR), MAX_BIRTH_YEAR)
    if year == d.year:
        year = d.year + (3 if d.year + 3 <= MAX_BIRTH_YEAR else -3)
    return date(year, 1, 1) + timedelta(days=rng.randrange(365))


def iso(d: date) -> str:
    return d.isoformat()


def date_values(rng: random.Random, d: date, *, p_year_only: float = 0.08) -> list[str]:
    """A record's birthDate value: usually the full date, sometimes the year only."""
    if rng.random() < p_year_only:
        return [str(d.year)]
    return [iso(d)]


# --- person records ------------------------------------------------------------------------


@dataclass
class Side:
    """One record of a person as a screening list or a case file would hold it."""

    name: str
    birth: date | None = None
    nationality: str | None = None
    gender: str | None = None
    parts: dict[str, str] = field(default_factory=dict)  # firstName, lastName, ... (optional)
    birth_values: list[str] | None = None  # overrides birth (date variants)


def person(side: Side, rng: random.Random) -> Entity:
    props: dict[str, list[str]] = {"name": [side.name]}
    for key, value in side.parts.items():
        if value:
            props[key] = [value]
    if side.birth_values is not None:
        props["birthDate"] = side.birth_values
    elif side.birth is not None:
        props["birthDate"] = date_values(rng, side.birth)
    if side.nationality:
        props["nationality"] = [side.nationality]
    if side.gender:
        props["gender"] = [side.gender]
    return Entity("Person", props)


def thin(
    rng: random.Random,
    left: Side,
    right: Side,
    *,
    keep_dates: bool = False,
    p_missing_date: float = 0.15,
    p_missing_nat: float = 0.30,
    p_missing_gender: float = 0.45,
) -> None:
    """Blank fields the way real records lack them. keep_dates: both dates must stay (the pair
    is decidable only through them, e.g. namesakes)."""
    if not keep_dates and rng.random() < p_missing_date:
        rng.choice([left, right]).birth = None
    for side in (left, right):
        if rng.random() < p_missing_nat:
            side.nationality = None
        if rng.random() < p_missing_gender:
            side.gender = None


def person_pair(
    rng: random.Random,
    group: str,
    kind: str,
    label: int,
    left: Side,
    right: Side,
    identities: tuple[str, ...],
    **thin_args: Any,
) -> Pair:
    thin(rng, left, right, **thin_args)
    pair = Pair(group, kind, label, person(left, rng), person(right, rng), identities)
    return pair.swap() if rng.random() < 0.5 else pair
