"""The same person with a differently recorded birth date, and namesakes told apart by it.

Positives: year only vs full date, year and month only, day and month swapped (a US-style
MM/DD record read as DD/MM), the day's digits reversed, the year off by one, the month off by
one, two digits of the year transposed, the same date. Negatives: namesakes (the same full
common name, spelt alike or in another romanisation) born years or decades apart, and a father
and son of the same name. Exact-same-name pairs with no date on either side are never written
(they are undecidable).
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

from bench.names_eval import typing_noise
from bench.names_eval.common import Pair, Side, person_pair, shift_years

POSITIVE_KINDS = [("year_only", 2.0), ("year_month_only", 1.0), ("day_month_swapped", 2.0),
                  ("day_digits_reversed", 1.0), ("year_off_by_one", 1.5),
                  ("month_off_by_one", 1.5), ("year_digits_transposed", 0.7),
                  ("same_date", 1.0)]  # fmt: skip
NEGATIVE_KINDS = [("namesake_years_apart", 3.0), ("namesake_decades_apart", 3.0),
                  ("namesake_year_only_different", 1.0), ("father_son_same_name", 1.5)]  # fmt: skip


def _valid(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def variant(d: date, kind: str, rng: random.Random) -> tuple[list[str], str]:
    """The other record's birthDate value for a date-variant kind (falls back to year_only)."""
    if kind == "year_only":
        return [str(d.year)], kind
    if kind == "year_month_only":
        return [f"{d.year}-{d.month:02d}"], kind
    if kind == "day_month_swapped" and d.day <= 12 and d.day != d.month:
        return [date(d.year, d.day, d.month).isoformat()], kind
    if kind == "day_digits_reversed":
        dd = f"{d.day:02d}"[::-1]
        other = _valid(d.year, d.month, int(dd))
        if other and other != d:
            return [other.isoformat()], kind
    if kind == "year_off_by_one":
        other = _valid(d.year + rng.choice([-1, 1]), d.month, min(d.day, 28))
        if other:
            return [other.isoformat()], kind
    if kind == "month_off_by_one":
        m = d.month + (1 if d.month == 1 else -1 if d.month == 12 else rng.choice([-1, 1]))
        return [date(d.year, m, min(d.day, 28)).isoformat()], kind
    if kind == "year_digits_transposed":
        y = str(d.year)
        t = y[:2] + y[3] + y[2]
        if t != y and 1925 <= int(t) <= 2009:
            return [date(int(t), d.month, min(d.day, 28)).isoformat()], kind
    if kind == "same_date":
        return [d.isoformat()], kind
    return [str(d.year)], "year_only"


def positive(rng: random.Random, group: str) -> Pair:
    p = typing_noise.new_person(rng)
    want = rng.choices([k for k, _ in POSITIVE_KINDS], [w for _, w in POSITIVE_KINDS])[0]
    values, kind = variant(p.birth, want, rng)
    left = Side(typing_noise.layout(p, rng), p.birth, p.nationality, p.gender,
                birth_values=[p.birth.isoformat()])  # fmt: skip
    right_name = typing_noise.layout(p, rng)
    if rng.random() < 0.2:
        right_name, _ = typing_noise.noisy(p, rng)
    right = Side(right_name, p.birth, p.nationality, p.gender, birth_values=values)
    return person_pair(rng, group, kind, 1, left, right, (p.canonical,), keep_dates=True)


def negative(rng: random.Random, group: str) -> Pair:
    kind = rng.choices([k for k, _ in NEGATIVE_KINDS], [w for _, w in NEGATIVE_KINDS])[0]
    p = typing_noise.new_person(rng)
    if kind == "namesake_years_apart":
        gap = rng.randint(3, 9)
    elif kind == "namesake_decades_apart":
        gap = rng.randint(10, 45)
    elif kind == "namesake_year_only_different":
        gap = rng.randint(3, 30)
    else:
        gap = rng.randint(20, 35)
        p = typing_noise.new_person(rng, "male")
    q = replace(p, birth=shift_years(p.birth, gap * rng.choice([-1, 1]), rng))
    if kind == "father_son_same_name" and q.birth < p.birth:
        p, q = q, p
    right_values = [str(q.birth.year)] if kind == "namesake_year_only_different" else None
    left = Side(typing_noise.layout(p, rng), p.birth, p.nationality, p.gender,
                birth_values=[p.birth.isoformat()])  # fmt: skip
    right = Side(typing_noise.layout(q, rng), q.birth, q.nationality, q.gender,
                 birth_values=right_values or [q.birth.isoformat()])  # fmt: skip
    return person_pair(rng, group, kind, 0, left, right, (p.canonical, q.canonical),
                       keep_dates=True)  # fmt: skip


def make_pair(rng: random.Random, group: str, label: int) -> Pair:
    return positive(rng, group) if label else negative(rng, group)
