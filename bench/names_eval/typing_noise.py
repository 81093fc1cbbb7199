"""Latin-script names of many origins with keyboard and OCR errors.

Error models written here: QWERTY adjacent-key substitution, transposition of neighbouring
letters, a doubled or a dropped letter, OCR confusions (rn/m, cl/d, vv/w, l/I, O/0, e/c), two
parts run together or one part split, case changes, accents dropped.
Names: names-dataset 3.3.1 rank lists for US, GB, DE, FR, ES, IT, NL, PL, BR, PT, NG, IN, TR, and
romanised Russian and Arabic names from this package's own generators.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date
from functools import cache

from bench.names_eval import arabic, russian
from bench.names_eval.common import (
    Pair,
    Side,
    Weighted,
    frequencies,
    identity_key,
    person_pair,
    random_birth_date,
    shift_years,
    strip_accents,
)

COUNTRIES = ["us", "gb", "de", "fr", "es", "it", "nl", "pl", "br", "pt", "ng", "in", "tr"]
QWERTY = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
OCR = [("rn", "m"), ("m", "rn"), ("cl", "d"), ("d", "cl"), ("vv", "w"), ("w", "vv"), ("l", "I"),
       ("I", "l"), ("O", "0"), ("e", "c"), ("c", "e"), ("h", "b"), ("li", "h")]  # fmt: skip


def _neighbours() -> dict[str, str]:
    near: dict[str, str] = {}
    for r, row in enumerate(QWERTY):
        for c, ch in enumerate(row):
            n = [row[c - 1] if c else "", row[c + 1] if c + 1 < len(row) else ""]
            for rr in (r - 1, r + 1):
                if 0 <= rr < len(QWERTY):
                    n += [QWERTY[rr][cc] for cc in (c - 1, c, c + 1) if 0 <= cc < len(QWERTY[rr])]
            near[ch] = "".join(x for x in n if x)
    return near


NEIGHBOURS = _neighbours()


def _letters(name: str) -> list[int]:
    """Positions of letters that may be changed (not the first letter of a word)."""
    return [i for i, c in enumerate(name) if c.isalpha() and i > 0 and name[i - 1] != " "]


def typo(name: str, kind: str, rng: random.Random) -> str:
    pos = _letters(name)
    if kind == "adjacent_key" and pos:
        i = rng.choice(pos)
        c = name[i]
        sub = rng.choice(NEIGHBOURS.get(c.lower(), c.lower()))
        return name[:i] + (sub.upper() if c.isupper() else sub) + name[i + 1 :]
    if kind == "transposition" and len(pos) > 1:
        i = rng.choice([p for p in pos if p + 1 < len(name) and name[p + 1].isalpha()] or pos[:1])
        if i + 1 < len(name):
            return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if kind == "doubled_letter" and pos:
        i = rng.choice(pos)
        return name[: i + 1] + name[i] + name[i + 1 :]
    if kind == "dropped_letter" and pos:
        i = rng.choice(pos)
        return name[:i] + name[i + 1 :]
    if kind == "ocr":
        options = [(a, b) for a, b in OCR if a in name]
        if options:
            a, b = rng.choice(options)
            i = name.find(a)
            return name[:i] + b + name[i + len(a) :]
        return typo(name, "adjacent_key", rng)
    if kind == "parts_run_together" and " " in name:
        spaces = [i for i, c in enumerate(name) if c == " " and name[i - 1] != ","]
        if not spaces:
            return typo(name, "transposition", rng)
        i = rng.choice(spaces)
        return name[:i] + name[i + 1 :]
    if kind == "part_split":
        words = name.split(" ")
        long = [k for k, w in enumerate(words) if len(w) >= 6]
        if long:
            k = rng.choice(long)
            w = words[k]
            cut = rng.randint(3, len(w) - 3)
            words[k] = w[:cut] + " " + w[cut:]
            return " ".join(words)
        return typo(name, "transposition", rng)
    if kind == "case_change":
        return rng.choice([name.upper(), name.lower(), name.swapcase()])
    if kind == "accents_dropped":
        return strip_accents(name)
    return name


TYPO_KINDS = [("adjacent_key", 3), ("transposition", 3), ("doubled_letter", 2),
              ("dropped_letter", 2.5), ("ocr", 1.5), ("parts_run_together", 1.5),
              ("part_split", 1), ("case_change", 1), ("accents_dropped", 1)]  # fmt: skip


@dataclass(frozen=True)
class LatinPerson:
    given: str
    surname: str
    gender: str
    birth: date
    nationality: str
    middle: str = ""

    @property
    def full(self) -> str:
        return " ".join(x for x in [self.given, self.middle, self.surname] if x)

    @property
    def canonical(self) -> str:
        return identity_key(self.given, self.middle, self.surname)


class Pools:
    def __init__(self) -> None:
        f = frequencies()
        self.male = {c: Weighted(f[c]["male"][:200], s=0.9) for c in COUNTRIES}
        self.female = {c: Weighted(f[c]["female"][:200], s=0.9) for c in COUNTRIES}
        self.surnames = {c: Weighted(f[c]["surnames"][:500], s=0.8) for c in COUNTRIES}
        self.country = Weighted(COUNTRIES, s=0.3)
        self.near = [(a, b) for a, b in f["latin_surname_near_pairs"] if not _variant(a, b)]


def _variant(a: str, b: str) -> bool:
    """Fischer/Fisher, Clark/Clarke, Wood/Woods, Macdonald/Mcdonald: one name, two spellings."""
    a, b = sorted((strip_accents(a).lower(), strip_accents(b).lower()), key=len)
    if a == b:
        return True
    if len(b) == len(a) + 1:
        for i in range(len(b)):
            if b[:i] + b[i + 1 :] == a:
                return b[i] in "aehsc"
    return False


@cache
def pools() -> Pools:
    return Pools()


def new_person(rng: random.Random, gender: str | None = None) -> LatinPerson:
    gender = gender or rng.choice(["male", "female"])
    roll = rng.random()
    if roll < 0.15:  # a romanised Russian
        r = russian.new_person(rng, gender=gender)
        system = rng.choice(["icao_doc_9303", "bgn_pcgn", "wikipedia", "german_popular"])
        return LatinPerson(russian.romanise_word(r.given, system),
                           russian.romanise_word(r.surname, system), gender, r.birth,
                           r.nationality)  # fmt: skip
    if roll < 0.3:  # an Arabic name in common English spelling
        a = arabic.new_person(rng, gender=gender)
        fam = a.family or a.grandfather
        surname = (
            arabic.article_word(fam, "english", rng, False)
            if a.article
            else arabic.romanise_name(fam, "english", rng)
        )
        return LatinPerson(arabic.romanise_name(a.given, "english", rng), surname, gender,
                           a.birth, a.nationality)  # fmt: skip
    pl = pools()
    c = pl.country.draw(rng)
    given = (pl.male if gender == "male" else pl.female)[c].draw(rng)
    surname = pl.surnames[c].draw(rng)
    middle = ""
    if c in ("us", "gb") and rng.random() < 0.2:
        middle = (pl.male if gender == "male" else pl.female)[c].draw_other(rng, given)
    return LatinPerson(given, surname, gender, random_birth_date(rng), c, middle)


def layout(p: LatinPerson, rng: random.Random) -> str:
    if rng.random() < 0.2:
        return f"{p.surname.upper()}, {p.given}" + (f" {p.middle}" if p.middle else "")
    return p.full


def noisy(p: LatinPerson, rng: random.Random) -> tuple[str, str]:
    kind = rng.choices([k for k, _ in TYPO_KINDS], [w for _, w in TYPO_KINDS])[0]
    name = typo(layout(p, rng), kind, rng)
    if rng.random() < 0.2:  # a second error
        name = typo(name, rng.choice(["adjacent_key", "dropped_letter", "transposition"]), rng)
    return name, kind


NEGATIVE_KINDS = [("namesake_different_dob", 4.0), ("near_surname", 2.0),
                  ("same_surname_different_given", 1.5), ("father_son", 1.0)]  # fmt: skip


def positive(rng: random.Random, group: str) -> Pair:
    p = new_person(rng)
    name, kind = noisy(p, rng)
    if name == p.full:
        name, kind = typo(p.full, "dropped_letter", rng), "dropped_letter"
    left = Side(layout(p, rng), p.birth, p.nationality, p.gender)
    right = Side(name, p.birth, p.nationality, p.gender)
    return person_pair(rng, group, kind, 1, left, right, (p.canonical,))


def negative(rng: random.Random, group: str) -> Pair:
    kind = rng.choices([k for k, _ in NEGATIVE_KINDS], [w for _, w in NEGATIVE_KINDS])[0]
    p = new_person(rng)
    keep = False
    if kind == "namesake_different_dob":
        gap = rng.choice([rng.randint(3, 9), rng.randint(10, 25), rng.randint(20, 45)])
        q = replace(p, birth=shift_years(p.birth, gap * rng.choice([-1, 1]), rng))
        keep = True
    elif kind == "near_surname":
        a, b = rng.choice(pools().near)
        p = replace(p, surname=a, middle="")
        q = replace(p, surname=b, birth=random_birth_date(rng))
        keep = True
    elif kind == "same_surname_different_given":
        pl = pools()
        country = p.nationality if p.nationality in pl.male else pl.country.draw(rng)
        other_given = (pl.male if p.gender == "male" else pl.female)[country].draw(rng)
        if other_given == p.given:
            return negative(rng, group)
        other = replace(p, given=other_given)
        q = replace(p, given=other.given, middle="", birth=random_birth_date(rng))
    else:
        p = new_person(rng, "male")
        q = replace(p, birth=shift_years(p.birth, rng.randint(20, 35), rng))
        keep = True
    right_name, _ = noisy(q, rng) if rng.random() < 0.7 else (layout(q, rng), "")
    left = Side(layout(p, rng), p.birth, p.nationality, p.gender)
    right = Side(right_name, q.birth, q.nationality, q.gender)
    if kind == "father_son" and rng.random() < 0.6:
        right.name += rng.choice([" Jr.", " Jr", " II"])
    return person_pair(rng, group, kind, 0, left, right, (p.canonical, q.canonical),
                       keep_dates=keep)  # fmt: skip


def make_pair(rng: random.Random, group: str, label: int) -> Pair:
    return positive(rng, group) if label else negative(rng, group)
