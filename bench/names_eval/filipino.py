"""Filipino persons: given name(s) + middle name (the mother's maiden surname) + surname.

Conventions written here from the Philippine civil-registry and passport practice (PSA birth
certificates, DFA passports: "SURNAME, GIVEN NAME(S) MIDDLE NAME"), and everyday usage:
middle name in full, as an initial ("Juan P. dela Cruz") or dropped; "Ma." for Maria; the
particles dela / de la / De La / Dela / delos / de los / del written spaced, joined or
hyphenated; "Sta."/"Sto." for Santa/Santo; suffixes Jr./Sr./II/III; nicknames ("doorbell"
reduplications such as Bongbong, Jun-Jun, and hypocoristics such as Bobby for Roberto) used
instead of, or quoted inside, the formal name.
Frequencies: names-dataset 3.3.1 Philippine rank lists, with a table of formal given names and
Spanish-derived surnames written here.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace
from datetime import date
from functools import cache

from bench.names_eval.common import (
    Pair,
    Side,
    Weighted,
    frequencies,
    identity_key,
    person_pair,
    random_birth_date,
    shift_years,
)
from bench.names_eval.extract_frequencies import near_pairs

# formal given name -> genuine Filipino nicknames (hypocoristics and "doorbell" names)
NICKNAMES: dict[str, list[str]] = {
    "Jose": ["Pepe", "Joey", "Pepito"], "Francisco": ["Kiko", "Paco", "Frank"],
    "Roberto": ["Bobby", "Obet", "Bert"], "Antonio": ["Tony", "Anton", "Tonyo"],
    "Eduardo": ["Eddie", "Edong", "Ed"], "Jesus": ["Jessie", "Jess", "Jesse"],
    "Ramon": ["Mon", "Monching"], "Rosario": ["Charo", "Rose"], "Ricardo": ["Ricky", "Carding"],
    "Rodrigo": ["Digong", "Rudy"], "Fernando": ["Ferdie", "Nando"],
    "Alfredo": ["Fred", "Freddie"], "Reynaldo": ["Rey", "Naldo", "Jun"],
    "Rolando": ["Roly", "Lando"], "Ernesto": ["Erning", "Ernie"],
    "Manuel": ["Manny", "Maning"], "Enrique": ["Ricky", "Enrico"], "Gregorio": ["Greg", "Goyo"],
    "Joselito": ["Lito", "Jojo"], "Rogelio": ["Roger", "Oyo"], "Danilo": ["Danny", "Dan"],
    "Edgardo": ["Edgar", "Egay"], "Romeo": ["Romy", "Omeng"], "Armando": ["Mandy", "Mando"],
    "Benjamin": ["Benjie", "Jamin"], "Vicente": ["Enteng", "Vic"], "Alberto": ["Albert", "Bert"],
    "Leonardo": ["Leo", "Nardo"], "Emmanuel": ["Emman", "Manny"], "Rodolfo": ["Rudy", "Dolfo"],
    "Maria": ["Marie", "Maya"], "Teresita": ["Tess", "Tessie"], "Rosalinda": ["Linda", "Rosa"],
    "Corazon": ["Cory", "Cora"], "Remedios": ["Remy", "Medy"], "Erlinda": ["Linda", "Erly"],
    "Lourdes": ["Lulu", "Des"], "Consuelo": ["Connie", "Suelo"], "Josefina": ["Jo", "Pining"],
    "Elizabeth": ["Beth", "Liza", "Betty"], "Margarita": ["Marga", "Margie"],
    "Cristina": ["Tina", "Cris"], "Victoria": ["Vicky", "Toria"], "Angelica": ["Angel", "Gelai"],
    "Catherine": ["Cathy", "Kat"], "Patricia": ["Pat", "Trisha"],
    "Ferdinand": ["Bongbong", "Ferdie"],
    "Gerardo": ["Gerry", "Dodong"], "Carlos": ["Caloy", "Carl"], "Mario": ["Mayong"],
}  # fmt: skip
MALE_FORMAL = [
    "Jose", "Juan", "Antonio", "Roberto", "Eduardo", "Ricardo", "Reynaldo", "Rolando", "Ramon",
    "Francisco", "Manuel", "Danilo", "Ernesto", "Fernando", "Rogelio", "Edgardo", "Alfredo",
    "Romeo", "Rodrigo", "Jesus", "Joselito", "Gregorio", "Enrique", "Armando", "Benjamin",
    "Vicente", "Alberto", "Leonardo", "Emmanuel", "Rodolfo", "Ferdinand", "Gerardo", "Carlos",
    "Mario", "Pedro", "Miguel", "Rafael", "Gabriel", "Andres", "Cesar", "Nestor", "Noel",
    "Arnel", "Rommel", "Jayson", "Mark Anthony", "John Paul", "Michael", "Christopher",
    "Angelo", "Carlo", "Paulo", "Daniel", "Marcelo", "Cristino", "Julio",
]  # fmt: skip
FEMALE_FORMAL = [
    "Maria", "Ma. Cristina", "Ma. Teresa", "Ma. Luisa", "Ma. Elena", "Teresita", "Rosario",
    "Rosalinda", "Corazon", "Remedios", "Erlinda", "Lourdes", "Consuelo", "Josefina",
    "Elizabeth", "Margarita", "Cristina", "Victoria", "Angelica", "Catherine", "Patricia",
    "Maricel", "Marites", "Jocelyn", "Rowena", "Mary Ann", "Mary Grace", "Rosemarie", "Angela",
    "Carla", "Francisca", "Antonia", "Marcela", "Roberta", "Gabriela", "Daniela", "Julia",
    "Paula", "Ramona",
]  # fmt: skip
GENDER_COUNTERPART = {
    "Angelo": "Angela", "Carlo": "Carla", "Mario": "Maria", "Francisco": "Francisca",
    "Antonio": "Antonia", "Cristino": "Cristina", "Marcelo": "Marcela", "Roberto": "Roberta",
    "Gabriel": "Gabriela", "Daniel": "Daniela", "Julio": "Julia", "Paulo": "Paula",
    "Ramon": "Ramona",
}  # fmt: skip
# surnames common in the Philippines (Spanish-derived, from the 1849 Catálogo alfabético de
# apellidos, and native Tagalog ones), supplementing the dataset's ranks
SUPPLEMENT_SURNAMES = [
    "dela Cruz", "Santos", "Reyes", "Bautista", "Mendoza", "Villanueva", "Garcia", "Ramos",
    "Aquino", "Castillo", "Gonzales", "Navarro", "Manalo", "Macapagal", "Dimaculangan",
    "de Guzman", "delos Santos", "del Rosario", "de Leon", "delos Reyes", "dela Rosa",
    "Santa Maria", "Santo Tomas", "Santa Ana", "Santo Domingo", "dela Torre", "dela Peña",
    "Dimalanta", "Dimagiba", "Macaraeg", "Magsaysay", "Panganiban", "Lacsamana", "Mangubat",
]  # fmt: skip
PARTICLE = re.compile(r"^(de la|dela|de los|delos|del|de|san|santa|santo|sta\.|sto\.)\s+", re.I)


def particle_variant(surname: str, rng: random.Random) -> str:
    """dela Cruz / Dela Cruz / De La Cruz / de la Cruz / Delacruz / Dela-Cruz; Sta. Maria."""
    m = PARTICLE.match(surname)
    if not m:
        return surname
    part, rest = m.group(1).lower(), surname[m.end() :]
    if part in ("santa", "santo") and rng.random() < 0.5:
        return ("Sta. " if part == "santa" else "Sto. ") + rest
    if part in ("sta.", "sto."):
        return surname
    if part in ("dela", "de la"):
        forms = ["dela ", "Dela ", "De La ", "de la ", "Dela", "Dela-", "DELA "]
    elif part in ("delos", "de los"):
        forms = ["delos ", "Delos ", "De Los ", "de los ", "Delos", "Delos-"]
    elif part == "del":
        forms = ["del ", "Del ", "Del"]
    elif part == "de":
        forms = ["de ", "De ", "De", "De-"]
    else:
        forms = [part.capitalize() + " "]
    form = rng.choices(forms, weights=[4, 4, 2, 1, 1.5, 0.5, 0.5][: len(forms)])[0]
    return form + (rest.lower() if form[-1].isalpha() else rest)  # Delacruz, Dela Cruz


@dataclass(frozen=True)
class PhPerson:
    given: str
    middle: str
    surname: str
    suffix: str
    gender: str
    birth: date
    nationality: str = "ph"

    @property
    def canonical(self) -> str:
        return identity_key(self.given, self.middle, self.surname, self.suffix)


class Pools:
    def __init__(self) -> None:
        f = frequencies()["ph"]
        nick_forms = {n for ns in NICKNAMES.values() for n in ns}

        def given(formal: list[str], dataset: list[str]) -> list[str]:
            extra = [n for n in dataset if len(n) > 3 and n not in nick_forms][:120]
            return list(dict.fromkeys([*formal[:30], *extra[:40], *formal[30:], *extra[40:]]))

        self.male = Weighted(given(MALE_FORMAL, f["male"]), s=0.8)
        self.female = Weighted(given(FEMALE_FORMAL, f["female"]), s=0.8)
        surnames = [s for s in f["surnames"] if s not in ("Ann", "Lyn", "Manila", "Angelo")]
        merged = list(dict.fromkeys([*SUPPLEMENT_SURNAMES[:15], *surnames, *SUPPLEMENT_SURNAMES]))
        canon = []
        seen: set[str] = set()
        for s in merged:
            key = s.lower().replace(" ", "")
            if key not in seen:
                seen.add(key)
                canon.append(_canon_particle(s))
        self.surnames = Weighted(canon, s=0.8)
        plain = [s for s in canon if " " not in s]
        self.near = [
            (a, b)
            for a, b in near_pairs(plain[:500], 400)
            if min(len(a), len(b)) >= 5 and _sound(a) != _sound(b)
        ]


def _sound(name: str) -> str:
    """Chinese-Filipino and Spanish spelling doublets (Cuizon/Quizon, Co/Ko) are one name."""
    key = name.lower().replace("qu", "k").replace("c", "k").replace("ñ", "n")
    return key.replace("kui", "ki").replace("y", "i").replace("z", "s")


def _canon_particle(s: str) -> str:
    m = PARTICLE.match(s)
    if m:
        part = m.group(1).lower().replace("de la", "dela").replace("de los", "delos")
        part = {"sta.": "Santa", "sto.": "Santo", "san": "San", "santa": "Santa"}.get(part, part)
        return f"{part} {s[m.end() :]}"
    if s.lower().startswith(("dela", "delos")) and " " not in s and len(s) > 6:
        k = 5 if s.lower().startswith("delos") else 4
        return f"{s[:k].lower()} {s[k:].capitalize()}"
    return s


@cache
def pools() -> Pools:
    return Pools()


def new_person(rng: random.Random, gender: str | None = None) -> PhPerson:
    p = pools()
    gender = gender or rng.choice(["male", "female"])
    given = (p.male if gender == "male" else p.female).draw(rng)
    if rng.random() < 0.15:  # two given names
        given = f"{given} {(p.male if gender == 'male' else p.female).draw_other(rng, given)}"
    surname = p.surnames.draw(rng)
    middle = p.surnames.draw_other(rng, surname)
    suffix = rng.choice(["Jr.", "III", "II"]) if gender == "male" and rng.random() < 0.06 else ""
    return PhPerson(given, middle, surname, suffix, gender, random_birth_date(rng))


def suffix_variant(suffix: str, rng: random.Random) -> str:
    if suffix == "Jr.":
        return rng.choice(["Jr.", "Jr", "JR.", "Junior", "Jr."])
    if suffix == "Sr.":
        return rng.choice(["Sr.", "Sr", "SR."])
    return suffix


def given_variant(given: str, rng: random.Random) -> str:
    if given.startswith("Ma. ") and rng.random() < 0.5:
        return "Maria " + given[4:]
    if given.startswith("Maria ") and rng.random() < 0.5:
        return "Ma. " + given[6:]
    return given


def render(rng: random.Random, p: PhPerson, middle: str, nickname: str = "") -> Side:
    given = given_variant(p.given, rng)
    if nickname:
        given = nickname if rng.random() < 0.5 else f'{given} "{nickname}"'
    surname = particle_variant(p.surname, rng)
    mid = ""
    if middle == "full":
        mid = particle_variant(p.middle, rng)
    elif middle == "initial":
        m = PARTICLE.sub("", p.middle) if rng.random() < 0.3 else p.middle
        mid = m[0].upper() + "."
    suffix = suffix_variant(p.suffix, rng) if p.suffix and rng.random() < 0.85 else ""
    if rng.random() < 0.35:  # passport / government form: SURNAME, GIVEN MIDDLE
        name = f"{surname}{' ' + suffix if suffix else ''}, {given} {mid}".strip()
        if rng.random() < 0.6:
            name = name.upper()
    else:
        name = " ".join(x for x in [given, mid, surname, suffix] if x)
        if rng.random() < 0.1:
            name = name.upper()
    side = Side(name, p.birth, p.nationality, p.gender)
    if rng.random() < 0.12:
        side.parts = {"firstName": given, "lastName": surname}
        if mid:
            side.parts["middleName"] = mid
    return side


def _middle(rng: random.Random) -> str:
    return rng.choices(["full", "initial", "none"], weights=[4, 3, 3])[0]


NEGATIVE_KINDS = [
    ("namesake_different_dob", 5.0),
    ("father_son_jr_sr", 1.8),
    ("siblings", 1.5),
    ("different_middle_name", 1.5),
    ("near_surname", 1.0),
    ("gender_counterpart", 0.6),
    ("same_surname_same_dob", 0.8),
]


def positive(rng: random.Random, group: str) -> Pair:
    p = new_person(rng)
    ma, mb = _middle(rng), _middle(rng)
    kind = f"middle_{ma}_vs_{mb}"
    nick = ""
    first = p.given.split()[0]
    if first in NICKNAMES and rng.random() < 0.35:
        nick = rng.choice(NICKNAMES[first])
        kind = "nickname"
    elif re.match(PARTICLE, p.surname) and rng.random() < 0.5:
        kind = "surname_particle"
    elif p.suffix:
        kind = "suffix"
    left = render(rng, p, ma)
    right = render(rng, p, mb, nick)
    return person_pair(rng, group, kind, 1, left, right, (p.canonical,))


def _gap(rng: random.Random) -> int:
    gap = rng.choice([rng.randint(3, 9), rng.randint(10, 25), rng.randint(20, 45)])
    return gap if rng.random() < 0.5 else -gap


def negative(rng: random.Random, group: str) -> Pair:
    kind = rng.choices([k for k, _ in NEGATIVE_KINDS], [w for _, w in NEGATIVE_KINDS])[0]
    pl = pools()
    p = new_person(rng)
    keep = False
    ma, mb = _middle(rng), _middle(rng)
    if kind == "namesake_different_dob":
        q = replace(p, birth=shift_years(p.birth, _gap(rng), rng), middle=pl.surnames.draw(rng))
        keep = True
    elif kind == "father_son_jr_sr":
        p = replace(p, gender="male", given=pl.male.draw(rng), suffix="Sr.")
        q = replace(p, suffix="Jr.", middle=pl.surnames.draw_other(rng, p.middle),
                    birth=shift_years(p.birth, rng.randint(20, 35), rng))  # fmt: skip
        if rng.random() < 0.4:
            p = replace(p, suffix="")  # the father is rarely written "Sr."
        keep = True
    elif kind == "siblings":
        gender = rng.choice(["male", "female"])
        other = (pl.male if gender == "male" else pl.female).draw_other(rng, p.given)
        q = replace(
            p,
            given=other,
            gender=gender,
            suffix="",
            birth=shift_years(p.birth, rng.choice([-1, 1]) * rng.randint(1, 12), rng),
        )
        ma = mb = "full"
    elif kind == "different_middle_name":
        q = replace(p, middle=pl.surnames.draw_other(rng, p.middle), birth=random_birth_date(rng))
        ma = mb = "full"
    elif kind == "near_surname":
        a, b = rng.choice(pl.near)
        p = replace(p, surname=a)
        q = replace(p, surname=b, birth=random_birth_date(rng))
    elif kind == "gender_counterpart":
        masc = rng.choice(sorted(GENDER_COUNTERPART))
        p = replace(p, given=masc, gender="male", suffix="")
        q = replace(
            p,
            given=GENDER_COUNTERPART[masc],
            gender="female",
            birth=shift_years(p.birth, rng.choice([-1, 1]) * rng.randint(1, 10), rng),
        )
    else:
        gender = p.gender
        other = (pl.male if gender == "male" else pl.female).draw_other(rng, p.given)
        q = replace(p, given=other, middle=pl.surnames.draw(rng))
    left, right = render(rng, p, ma), render(rng, q, mb)
    return person_pair(rng, group, kind, 0, left, right, (p.canonical, q.canonical),
                       keep_dates=keep)  # fmt: skip


def make_pair(rng: random.Random, group: str, label: int) -> Pair:
    return positive(rng, group) if label else negative(rng, group)
