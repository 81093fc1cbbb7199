"""Malaysian, Singaporean, Bruneian and Indonesian names.

Conventions written here from Malaysian National Registration (MyKad) and passport practice and
from the Indonesian spelling reforms:
- Muslim Malay: given name(s) + bin (son of) / binti (daughter of) + father's given name(s);
  bin/binti written "bin", "b.", "Bin", "binti", "bt.", "bt", "bte", "binte" or omitted;
  Muhammad as Mohd / Muhd / Md / Mohamad / Mohammad / Muhamad; Nor / Noor / Nur; Abdul / Abd /
  A.; hereditary titles (Wan, Nik, Syed / Sharifah, Tengku, Raja, Megat / Puteri, Che) kept or
  dropped; spelling doublets (Yusof/Yusoff/Yusuf, Hussin/Husin/Hussain, Aishah/Aisyah, Shafiq/
  Syafiq, Zulkifli/Zulkifly, Rosli/Roslee).
- Malaysian Indian: given + a/l (anak lelaki, son of) / a/p (anak perempuan) + father's name,
  also written s/o, d/o or omitted.
- Malaysian Chinese: surname + two-syllable given name (Hokkien/Cantonese romanisation, e.g.
  Tan Wei Ming), written surname first or last, syllables spaced, hyphenated or joined, with or
  without an English given name (Jason Tan Wei Ming / Tan Wei Ming, Jason).
- Indonesian: one or more names without a family name; pre-1972 (Soewandi 1947) versus current
  (EYD 1972) spelling: oe/u, dj/j, tj/c, j/y, ch/kh, sj/sy (Soekarno/Sukarno style).
Frequencies: names-dataset 3.3.1 ranks for Malaysia and Indonesia, with tables written here.
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

# canonical Malay given-name elements -> spelling variants (the first is canonical)
VARIANTS: dict[str, list[str]] = {
    "Muhammad": ["Muhammad", "Mohd", "Muhd", "Mohamad", "Mohammad", "Muhamad", "Md", "Mohd."],
    "Nur": ["Nur", "Nor", "Noor", "Nurul"], "Abdul": ["Abdul", "Abd", "Abd.", "A."],
    "Yusof": ["Yusof", "Yusoff", "Yusuf"], "Hussin": ["Hussin", "Husin", "Hussain", "Husain"],
    "Aishah": ["Aishah", "Aisyah", "Aisha"], "Syafiq": ["Syafiq", "Shafiq", "Shafik"],
    "Zulkifli": ["Zulkifli", "Zulkifly"], "Rosli": ["Rosli", "Roslee"],
    "Shahrul": ["Shahrul", "Syahrul"], "Syamsul": ["Syamsul", "Shamsul"],
    "Fadzil": ["Fadzil", "Fadzli", "Fadhil"], "Ridzuan": ["Ridzuan", "Redzuan", "Ridhwan"],
    "Hafiz": ["Hafiz", "Hafeez"], "Faizal": ["Faizal", "Faisal"], "Azizah": ["Azizah", "Aziza"],
    "Fatimah": ["Fatimah", "Fatima"], "Zainab": ["Zainab", "Zaynab"],
    "Othman": ["Othman", "Osman", "Uthman"], "Ismail": ["Ismail", "Ismael"],
    "Mustafa": ["Mustafa", "Mustapha"], "Ibrahim": ["Ibrahim", "Ebrahim"],
    "Salleh": ["Salleh", "Saleh"], "Hamzah": ["Hamzah", "Hamza"], "Ramli": ["Ramli", "Ramlee"],
}  # fmt: skip
MALE_ELEMENTS = [
    "Muhammad", "Ahmad", "Abdul", "Khairul", "Amirul", "Hafiz", "Faizal", "Azman", "Zulkifli",
    "Rosli", "Shahrul", "Syafiq", "Aiman", "Firdaus", "Ismail", "Hakim", "Haziq", "Irfan",
    "Danial", "Rizal", "Azlan", "Nizam", "Suhaimi", "Zainal", "Roslan", "Anuar", "Fadzil",
    "Ridzuan", "Syamsul", "Akmal", "Arif", "Amin", "Kamal", "Hamzah", "Othman", "Yusof",
    "Hussin", "Ibrahim", "Mustafa", "Salleh", "Ramli", "Hassan", "Razak", "Rahman", "Aziz",
    "Hashim", "Idris", "Daud", "Jaafar", "Harun", "Ishak", "Rashid", "Halim", "Nordin",
    "Kamarul", "Hisham", "Faris", "Adam", "Ariff", "Luqman",
]  # fmt: skip
FEMALE_ELEMENTS = [
    "Nur", "Siti", "Nurul", "Farah", "Fatin", "Aisyah", "Intan", "Fatimah", "Noraini",
    "Azizah", "Faridah", "Rohani", "Aishah", "Rohana", "Nadia", "Norhayati", "Fauziah",
    "Hamidah", "Zarina", "Jamilah", "Salmah", "Zainab", "Hidayah", "Aina", "Syafiqah", "Amirah",
    "Izzati", "Najwa", "Sofea", "Balqis", "Hanis", "Athirah", "Aqilah", "Syahirah", "Zulaikha",
]  # fmt: skip
# name elements that cannot stand alone as a whole given name
PREFIX_ONLY = {"Muhammad", "Abdul", "Nur", "Nurul", "Siti"}
TITLES_MALE = ["Wan", "Nik", "Syed", "Tengku", "Raja", "Megat", "Che"]
TITLES_FEMALE = ["Wan", "Nik", "Sharifah", "Tengku", "Raja", "Puteri", "Che"]
GENDER_COUNTERPART = {"Aziz": "Azizah", "Hamid": "Hamidah", "Jamil": "Jamilah",
                      "Amir": "Amirah", "Syafiq": "Syafiqah", "Faridz": "Faridah"}  # fmt: skip
NEAR_MALAY = [("Azman", "Azmi"), ("Rosli", "Roslan"), ("Ramli", "Ramlan"), ("Hisham", "Hashim"),
              ("Razak", "Razali"), ("Kamal", "Kamil"), ("Halim", "Hakim"), ("Rahman", "Rahim"),
              ("Amin", "Amir"), ("Nizam", "Hisham"), ("Faris", "Fariz")]  # fmt: skip
CHINESE_SURNAMES = [
    "Tan",
    "Lee",
    "Lim",
    "Wong",
    "Ng",
    "Chong",
    "Chan",
    "Ong",
    "Yap",
    "Goh",
    "Low",
    "Leong",
    "Liew",
    "Lai",
    "Chin",
    "Teh",
    "Ooi",
    "Khoo",
    "Cheah",
    "Koh",
    "Teo",
    "Foo",
    "Loh",
    "Chua",
    "Yeoh",
    "Lau",
    "Tay",
    "Heng",
    "Sim",
    "Kong",
]
CHINESE_SYLLABLES = [
    "Wei",
    "Ming",
    "Boon",
    "Keng",
    "Ah",
    "Kow",
    "Chee",
    "Seng",
    "Hock",
    "Kim",
    "Mei",
    "Ling",
    "Siew",
    "Hui",
    "Yee",
    "Kok",
    "Leong",
    "Choon",
    "Swee",
    "Beng",
    "Eng",
    "Soon",
    "Kah",
    "Yong",
    "Li",
    "Xin",
    "Jun",
    "Hao",
    "Chin",
    "Fatt",
    "Lian",
    "Poh",
    "Guan",
    "Huat",
    "Tian",
    "Yan",
    "Jia",
    "Zhi",
    "Kuan",
    "Ting",
]
ENGLISH_NAMES = {
    "male": [
        "Jason",
        "Kelvin",
        "Steven",
        "James",
        "Vincent",
        "Eric",
        "Alan",
        "Kenny",
        "Jimmy",
        "William",
        "Daniel",
        "Andy",
        "Alvin",
    ],
    "female": [
        "Jenny",
        "Alice",
        "Amy",
        "Linda",
        "Irene",
        "Grace",
        "Wendy",
        "Winnie",
        "Ivy",
        "Sharon",
        "Cindy",
        "Vivian",
        "Joanne",
    ],
}
INDIAN_MALE = [
    "Suresh",
    "Ramesh",
    "Ganesh",
    "Kumar",
    "Rajan",
    "Mahendran",
    "Selvam",
    "Murugan",
    "Subramaniam",
    "Krishnan",
    "Ravi",
    "Arumugam",
    "Muthu",
    "Sivakumar",
    "Thevan",
]
INDIAN_FEMALE = ["Kavitha", "Devi", "Lakshmi", "Meena", "Priya", "Shanthi", "Vani", "Malar",
                 "Saraswathy", "Thilaga"]  # fmt: skip


def old_indonesian(name: str) -> str:
    """Current (EYD 1972) spelling -> pre-1972 (Soewandi) spelling: u>oe, j>dj, y>j, c>tj,
    kh>ch, sy>sj."""
    table = {"sy": "sj", "kh": "ch", "j": "dj", "y": "j", "c": "tj", "u": "oe"}

    def swap(m: re.Match[str]) -> str:
        old = table[m.group(0).lower()]
        if not m.group(0)[0].isupper():
            return old
        return old.upper() if name.isupper() else old.capitalize()

    return re.sub("sy|kh|j|y|c|u", swap, name, flags=re.IGNORECASE)


@dataclass(frozen=True)
class MyPerson:
    style: str  # malay, indonesian, chinese, indian
    given: tuple[str, ...]
    father: tuple[str, ...]
    surname: str
    title: str
    english: str
    gender: str
    birth: date
    nationality: str

    @property
    def canonical(self) -> str:
        return identity_key(self.title, *self.given, self.surname, "/", *self.father)


class Pools:
    def __init__(self) -> None:
        f = frequencies()
        my_m = [n for n in f["my"]["male"] if n in MALE_ELEMENTS]
        my_f = [n for n in f["my"]["female"] if n in FEMALE_ELEMENTS]
        self.male = Weighted(list(dict.fromkeys([*my_m, *MALE_ELEMENTS])), s=0.8)
        self.female = Weighted(list(dict.fromkeys([*my_f, *FEMALE_ELEMENTS])), s=0.8)
        self.id_male = Weighted([n for n in f["id"]["male"] if " " not in n][:150], s=0.8)
        self.id_female = Weighted([n for n in f["id"]["female"] if " " not in n][:150], s=0.8)
        self.id_surnames = Weighted(f["id"]["surnames"][:300], s=0.8)
        self.chinese = Weighted(CHINESE_SURNAMES, s=0.9)


@cache
def pools() -> Pools:
    return Pools()


ABDUL_SECOND = ["Rahman", "Aziz", "Hamid", "Halim", "Rahim", "Razak", "Karim", "Wahab", "Majid",
                "Latif", "Hakim", "Rashid", "Jalil", "Ghani", "Malik"]  # fmt: skip


def _malay_given(rng: random.Random, gender: str) -> tuple[str, ...]:
    pool = pools().male if gender == "male" else pools().female
    first = pool.draw(rng)
    if first == "Abdul":  # Abdul is followed by one of the divine names
        return (first, rng.choice(ABDUL_SECOND))
    if first in PREFIX_ONLY or rng.random() < 0.45:
        second = pool.draw_other(rng, first)
        while second in PREFIX_ONLY:
            second = pool.draw_other(rng, first)
        return (first, second)
    return (first,)


def new_person(rng: random.Random, style: str | None = None, gender: str | None = None) -> MyPerson:
    style = style or rng.choices(["malay", "indonesian", "chinese", "indian"], [6, 3, 2.5, 1])[0]
    gender = gender or rng.choice(["male", "female"])
    birth = random_birth_date(rng)
    pl = pools()
    if style == "malay":
        title = ""
        if rng.random() < 0.12:
            title = rng.choice(TITLES_MALE if gender == "male" else TITLES_FEMALE)
        nat = rng.choices(["my", "sg", "bn"], [8, 1, 1])[0]
        return MyPerson(style, _malay_given(rng, gender), _malay_given(rng, "male"), "", title,
                        "", gender, birth, nat)  # fmt: skip
    if style == "indonesian":
        first = (pl.id_male if gender == "male" else pl.id_female).draw(rng)
        surname = pl.id_surnames.draw(rng) if rng.random() < 0.7 else ""
        return MyPerson(style, (first,), (), surname, "", "", gender, birth, "id")
    if style == "chinese":
        a, b = rng.sample(CHINESE_SYLLABLES, 2)
        english = rng.choice(ENGLISH_NAMES[gender]) if rng.random() < 0.4 else ""
        nat = rng.choices(["my", "sg"], [4, 1])[0]
        return MyPerson(style, (a, b), (), pl.chinese.draw(rng), "", english, gender, birth, nat)
    given = rng.choice(INDIAN_MALE if gender == "male" else INDIAN_FEMALE)
    father = rng.choice([n for n in INDIAN_MALE if n != given])
    return MyPerson(style, (given,), (father,), "", "", "", gender, birth, "my")


def _spell(element: str, rng: random.Random, p_variant: float = 0.5) -> str:
    if element in VARIANTS and rng.random() < p_variant:
        return rng.choice(VARIANTS[element])
    return element


def render(rng: random.Random, p: MyPerson, *, variant: float = 0.5) -> Side:
    if p.style == "malay":
        given = [_spell(g, rng, variant) for g in p.given]
        if len(given) == 2 and given[0] in ("Abdul", "Abd") and rng.random() < 0.3:
            given = [given[0] + given[1].lower()]  # Abdulrahman
        father = [_spell(g, rng, variant) for g in p.father]
        link = rng.choices(
            ["bin", "Bin", "b.", "BIN", ""] if p.gender == "male"
            else ["binti", "Binti", "bt.", "bt", "bte", "binte", "BINTI", ""],
            weights=[5, 2, 1, 1, 2] if p.gender == "male" else [5, 2, 1.5, 1, 1, 0.5, 1, 2],
        )[0]  # fmt: skip
        title = p.title if p.title and rng.random() < 0.75 else ""
        name = " ".join(x for x in [title, *given, link, *father] if x)
    elif p.style == "indonesian":
        first, surname = p.given[0], p.surname
        if rng.random() < variant * 0.5:
            first, surname = old_indonesian(first), old_indonesian(surname)
        name = " ".join(x for x in [first, surname] if x)
    elif p.style == "chinese":
        a, b = p.given
        syllables = rng.choice([f"{a} {b}", f"{a} {b}", f"{a}-{b}", f"{a}{b.lower()}"])
        english = p.english if p.english and rng.random() < 0.6 else ""
        form = rng.random()
        if form < 0.5:
            name = " ".join(x for x in [english, p.surname, syllables] if x)
        elif form < 0.75:
            name = f"{p.surname} {syllables}" + (f", {english}" if english else "")
        else:
            name = " ".join(x for x in [english, syllables, p.surname] if x)
    else:
        link = rng.choice(
            ["a/l", "A/L", "s/o", ""] if p.gender == "male" else ["a/p", "A/P", "d/o", ""]
        )
        name = " ".join(x for x in [p.given[0], link, p.father[0]] if x)
    if rng.random() < 0.3:
        name = name.upper()
    return Side(name, p.birth, p.nationality, p.gender)


NEGATIVE_KINDS = [
    ("namesake_different_dob", 5.0),
    ("father_son", 1.5),
    ("siblings", 1.5),
    ("same_given_different_father", 1.5),
    ("near_name", 1.0),
    ("gender_counterpart", 0.5),
    ("same_surname_same_dob", 0.8),
]


def positive(rng: random.Random, group: str) -> Pair:
    p = new_person(rng)
    left = render(rng, p, variant=0.3)
    right = render(rng, p, variant=0.8)
    kind = f"{p.style}_spelling"
    if p.style == "malay" and p.title and rng.random() < 0.5:
        right = render(rng, replace(p, title=""), variant=0.8)
        kind = "malay_title_dropped"
    elif p.style == "indonesian":
        right.name = old_indonesian(right.name) if rng.random() < 0.5 else right.name
        kind = "indonesian_old_spelling" if right.name != left.name else kind
    return person_pair(rng, group, kind, 1, left, right, (p.canonical,))


def _gap(rng: random.Random) -> int:
    gap = rng.choice([rng.randint(3, 9), rng.randint(10, 25), rng.randint(20, 45)])
    return gap if rng.random() < 0.5 else -gap


def negative(rng: random.Random, group: str) -> Pair:
    kind = rng.choices([k for k, _ in NEGATIVE_KINDS], [w for _, w in NEGATIVE_KINDS])[0]
    style = rng.choices(["malay", "indonesian", "chinese", "indian"], [6, 2, 2, 1])[0]
    if kind in ("father_son", "same_given_different_father", "gender_counterpart", "near_name"):
        style = "malay"
    if kind in ("siblings", "same_surname_same_dob") and style == "indonesian":
        style = "chinese"  # Indonesian names often lack a shared family name
    p = new_person(rng, style)
    keep = False
    if kind == "namesake_different_dob":
        q = replace(p, birth=shift_years(p.birth, _gap(rng), rng))
        keep = True
    elif kind == "father_son":
        # the son's patronym is the father's given name: "Ahmad bin Ismail" / "Ismail bin Hassan"
        p = replace(p, gender="male", given=_malay_given(rng, "male"))
        son = replace(p, given=_malay_given(rng, "male"), father=p.given,
                      birth=shift_years(p.birth, rng.randint(20, 35), rng))  # fmt: skip
        q, keep = son, True
    elif kind == "siblings":
        if style == "malay":
            q = replace(p, given=_malay_given(rng, p.gender))
        elif style == "chinese":
            q = replace(p, given=(p.given[0], rng.choice(CHINESE_SYLLABLES)), english="")
        elif style == "indian":
            q = replace(
                p, given=(rng.choice(INDIAN_MALE if p.gender == "male" else INDIAN_FEMALE),)
            )
        else:
            q = replace(p, given=((pools().id_male if p.gender == "male" else pools().id_female)
                                  .draw_other(rng, p.given[0]),))  # fmt: skip
        if q.given == p.given:
            return negative(rng, group)
        q = replace(q, birth=shift_years(p.birth, rng.choice([-1, 1]) * rng.randint(1, 12), rng))
    elif kind == "same_given_different_father":
        q = replace(p, father=_malay_given(rng, "male"), birth=shift_years(p.birth, _gap(rng), rng))
        if q.father == p.father:
            return negative(rng, group)
    elif kind == "near_name":
        a, b = rng.choice(NEAR_MALAY)
        p = replace(p, gender="male", given=(p.given[0], a) if len(p.given) == 2 and p.given[0]
                    in PREFIX_ONLY else (a,))  # fmt: skip
        q = replace(
            p, given=tuple(b if g == a else g for g in p.given), birth=random_birth_date(rng)
        )
    elif kind == "gender_counterpart":
        masc = rng.choice(sorted(GENDER_COUNTERPART))
        p = replace(p, gender="male", given=(masc,), title="")
        q = replace(
            p,
            gender="female",
            given=(GENDER_COUNTERPART[masc],),
            birth=shift_years(p.birth, rng.choice([-1, 1]) * rng.randint(1, 10), rng),
        )
    else:  # same family/father, same birth date, different given name
        other = new_person(rng, style, p.gender)
        q = replace(p, given=other.given, english=other.english)
        if q.given == p.given:
            return negative(rng, group)
    left, right = render(rng, p), render(rng, q)
    return person_pair(rng, group, kind, 0, left, right, (p.canonical, q.canonical),
                       keep_dates=keep)  # fmt: skip


def make_pair(rng: random.Random, group: str, label: int) -> Pair:
    return positive(rng, group) if label else negative(rng, group)
