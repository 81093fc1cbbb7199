"""Persons with Arabic names: Arabic script and Latin romanisations derived by rule.

Every Latin spelling is derived from the phonemic form in arabic_tables.py, per system:
- ala_lc: ALA-LC Romanization Tables, Arabic (Library of Congress, 2012): ʻ for ʿayn, ʼ for
  hamza, ḥ ṣ ḍ ṭ ẓ, th kh dh sh gh, ā ī ū, alif maqṣūrah á, tāʼ marbūṭah "ah" (pausal), article
  "al-" never assimilated (ʻAbd al-Raḥmān, al-Rashīd), "ibn"/"bint".
- ala_lc_ascii: the same with the diacritics and ʻ ʼ dropped (library and press ASCII practice).
- din31635: DIN 31635:2011 (German standard): ṯ ǧ ḥ ḫ ḏ š ṣ ḍ ṭ ẓ ʿ ġ, ʾ, ā ī ū, tāʾ marbūṭa
  "a", the article assimilated to sun letters (ʿAbd ar-Raḥmān, ar-Rašīd).
- english: common English (Gulf, Levant, Iraq, passports of those states): Mohammed, Hussein,
  Abdul Rahman, Al-Rashid; vowels and doubled letters vary.
- french: common French (Maghreb, Lebanon): ch for ش, dj for ج, ou for u/ū/w, e for a in a
  final syllable (Djamel, Rachid, Abdelkader, Noureddine, El-, Ben).
- egyptian: common Egyptian: g for ج (Gamal, Ragab), o for u (Mohamed, Mostafa), ei (Hussein,
  Zeinab), El-/Abdel.
- malay: Malaysian/Indonesian spelling of Arabic names: sy for ش, dh for ض, tāʾ marbūṭa "ah",
  Mohd/Muhd, Abdul, bin/binti.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache

from bench.names_eval.arabic_tables import (
    FAMILY,
    FEMALE,
    GENDER_COUNTERPART,
    MALE,
    NEAR_FAMILY,
    NEAR_GIVEN,
    POPULAR,
)
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

CONSONANTS = set("'bθjħxdðrzsʃSDTZʕɣfqklmnhwyt")
SUN = set("tθdðrzsʃSDTZln")
VOWELS = set("aiuāīūA@")

ALA = {
    "'": "ʼ", "θ": "th", "j": "j", "ħ": "ḥ", "x": "kh", "ð": "dh", "ʃ": "sh", "S": "ṣ",
    "D": "ḍ", "T": "ṭ", "Z": "ẓ", "ʕ": "ʻ", "ɣ": "gh", "A": "á", "@": "ah",
}  # fmt: skip
DIN = {
    "'": "ʾ", "θ": "ṯ", "j": "ǧ", "ħ": "ḥ", "x": "ḫ", "ð": "ḏ", "ʃ": "š", "S": "ṣ", "D": "ḍ",
    "T": "ṭ", "Z": "ẓ", "ʕ": "ʿ", "ɣ": "ġ", "A": "ā", "@": "a",
}  # fmt: skip
# popular styles: unit -> [(spelling, weight)]
Choice = list[tuple[str, float]]
POP_BASE: dict[str, Choice] = {
    "'": [("", 1)], "θ": [("th", 1)], "j": [("j", 1)], "ħ": [("h", 1)], "x": [("kh", 1)],
    "ð": [("dh", 1), ("z", 0.5)], "ʃ": [("sh", 1)], "S": [("s", 1)], "D": [("d", 1), ("dh", 0.3)],
    "T": [("t", 1)], "Z": [("z", 1), ("dh", 0.3)], "ʕ": [("", 1), ("'", 0.08)],
    "ɣ": [("gh", 1)], "q": [("q", 1), ("k", 0.25)], "a": [("a", 1)], "i": [("i", 1), ("e", 0.3)],
    "u": [("u", 1), ("o", 0.5)], "ā": [("a", 1), ("aa", 0.1)], "ī": [("i", 1), ("ee", 0.35)],
    "ū": [("u", 1), ("oo", 0.3), ("ou", 0.3)], "A": [("a", 1)], "@": [("a", 1), ("ah", 0.5)],
    "ay": [("ai", 1), ("ay", 0.8), ("ei", 0.6)], "aw": [("aw", 1), ("ou", 0.3), ("ow", 0.3)],
}  # fmt: skip
POP_STYLE: dict[str, dict[str, Choice]] = {
    "english": {},
    "french": {
        "ʃ": [("ch", 1)], "j": [("dj", 1), ("j", 0.3)], "θ": [("th", 1), ("t", 0.5)],
        "ð": [("dh", 1), ("d", 0.6)], "q": [("k", 1), ("q", 0.5)], "u": [("ou", 1), ("o", 0.4)],
        "ū": [("ou", 1)], "ī": [("i", 1)], "ay": [("ai", 1), ("ei", 0.5)],
        "aw": [("aou", 0.5), ("ao", 0.3), ("aw", 0.3)], "w": [("ou", 0.6), ("w", 1)],
        "@": [("a", 1)], "ʕ": [("", 1)], "ā": [("a", 1)],
    },
    "egyptian": {
        "j": [("g", 1)], "θ": [("s", 1), ("th", 0.5)], "ð": [("z", 1), ("d", 0.3)],
        "q": [("k", 0.5), ("q", 1)], "u": [("o", 1), ("u", 0.4)], "i": [("i", 1), ("e", 0.5)],
        "ū": [("ou", 1), ("o", 0.4), ("u", 0.4)], "ay": [("ei", 1), ("ai", 0.5), ("ay", 0.3)],
        "aw": [("aw", 1), ("ow", 0.6)], "@": [("a", 1)], "ī": [("i", 1), ("ee", 0.3)],
        "ā": [("a", 1)],
    },
    "malay": {
        "ʃ": [("sy", 1), ("sh", 0.5)], "θ": [("s", 1), ("th", 0.4)], "ð": [("z", 1), ("dh", 0.4)],
        "D": [("d", 1), ("dh", 0.6)], "u": [("u", 1), ("o", 0.3)], "ū": [("u", 1)],
        "ī": [("i", 1)], "ay": [("ai", 1)], "aw": [("au", 1)], "@": [("ah", 1)],
        "ā": [("a", 1)],
    },
}  # fmt: skip
GEMINATE_KEEP = {"english": 0.7, "french": 0.6, "egyptian": 0.6, "malay": 0.5}
LATIN_SYSTEMS = ["ala_lc", "ala_lc_ascii", "din31635", "english", "french", "egyptian", "malay"]


def units(word: str) -> list[tuple[str, bool]]:
    """Phonemic word -> [(unit, doubled)]: consonants, vowels, diphthongs ay/aw."""
    out: list[tuple[str, bool]] = []
    word = word.replace("a@", "@")  # the table writes the vowel before tāʾ marbūṭa
    i = 0
    while i < len(word):
        c = word[i]
        nxt = word[i + 1] if i + 1 < len(word) else ""
        after = word[i + 2] if i + 2 < len(word) else ""
        if c == "a" and nxt in ("y", "w") and after not in VOWELS and after != nxt:
            out.append(("a" + nxt, False))
            i += 2
            continue
        if c in CONSONANTS and nxt == c:
            out.append((c, True))
            i += 2
            continue
        out.append((c, False))
        i += 1
    return out


def _pick(rng: random.Random, choices: Choice) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices], k=1)[0]


def romanise_word(word: str, system: str, rng: random.Random) -> str:
    us = units(word)
    out: list[str] = []
    if system in ("ala_lc", "ala_lc_ascii", "din31635"):
        table = DIN if system == "din31635" else ALA
        for i, (u, doubled) in enumerate(us):
            if u == "'" and i == 0:
                continue
            s = table.get(u, u)
            out.append(s * 2 if doubled else s)
        text = "".join(out)
        if system == "ala_lc_ascii":
            text = strip_accents(text)
            text = text.replace("ʻ", "'" if rng.random() < 0.15 else "").replace("ʼ", "")
        return text
    pop_table = {**POP_BASE, **POP_STYLE[system]}
    keep = GEMINATE_KEEP[system]
    for i, (u, doubled) in enumerate(us):
        s = _pick(rng, pop_table[u]) if u in pop_table else u
        if system == "french" and u == "a" and _final_closed(us, i) and rng.random() < 0.45:
            s = "e"  # Djamel, Kamel, Rachid's neighbours: a > e in a final closed syllable
        if system == "egyptian" and u == "a" and _final_closed(us, i) and rng.random() < 0.35:
            s = "e"  # Ahmed, Sayed
        between_vowels = 0 < i < len(us) - 1 and us[i - 1][0] in VOWELS and us[i + 1][0] in VOWELS
        if system == "french" and u == "s" and not doubled and between_vowels:
            s = "ss"
        if doubled and len(s) == 1 and rng.random() < keep:
            s = s * 2
        elif doubled and len(s) > 1 and rng.random() < keep / 3:
            s = s * 2  # Bashshar (rare) beside Bashar
        out.append(s)
    text = "".join(out)
    if system == "french" and word[-2:] in ("ān", "īn") and rng.random() < 0.6:
        text += "e"  # Othmane, Slimane, Eddine
    if system == "french" and text.endswith("ii"):
        text = text[:-1]
    return text


def _final_closed(us: list[tuple[str, bool]], i: int) -> bool:
    """Unit i is the vowel of a final closed syllable (a then one consonant at the end)."""
    return i == len(us) - 2 and us[-1][0] in CONSONANTS and not us[-1][1]


def cap(text: str) -> str:
    """Capitalise the first letter (after a leading ʻ ʿ ')."""
    for i, c in enumerate(text):
        if c.isalpha() and c not in "ʻʿʼʾ":
            return text[:i] + c.upper() + text[i + 1 :]
    return text


# --- names ----------------------------------------------------------------------------------


def _assimilated_article(tail: str, system: str) -> str:
    first = tail[0] if tail else ""
    if first in SUN:
        s = DIN.get(first, first) if system == "din31635" else strip_accents(ALA.get(first, first))
        return "a" + (s if system == "din31635" else s.lower())
    return "al"


def article_word(tail: str, system: str, rng: random.Random, initial: bool) -> str:
    """The family name with the article: al-Rashīd, ar-Rašīd, Al-Rashid, El Rachid, Rashid."""
    body = cap(romanise_word(tail, system, rng))
    if system in ("ala_lc", "ala_lc_ascii"):
        return ("Al-" if initial and rng.random() < 0.3 else "al-") + body
    if system == "din31635":
        art = _assimilated_article(tail, system)
        return (cap(art) if initial else art) + "-" + body
    first = tail[0]
    sun = first in SUN
    assimilated = ("A" if rng.random() < 0.7 else "a") + _pop_sun(first, system, rng) + "-"
    forms: dict[str, Choice] = {
        "english": [("Al-", 4), ("Al ", 3), ("Al", 1.5), ("al-", 2), ("El-", 0.5), ("", 2),
                    (assimilated, 0.8 if sun else 0)],
        "french": [("El ", 3), ("El-", 2), ("", 2), ("Al ", 1), ("Al-", 1)],
        "egyptian": [("El-", 3), ("El ", 3), ("El", 1), ("Al-", 1), ("", 1.5)],
        "malay": [("Al-", 2), ("", 3), ("Al ", 1)],
    }  # fmt: skip
    prefix = _pick(rng, forms[system])
    if prefix in ("Al", "El"):
        return prefix + body.lower()
    return prefix + body


def _pop_sun(first: str, system: str, rng: random.Random) -> str:
    return romanise_word(first, system, rng) or "l"


def compound(word: str, system: str, rng: random.Random) -> str:
    """A given name of two words joined by the article: ʕabd al-raħmān, nūr al-dīn."""
    head, tail = word.split(" al-")
    h = cap(romanise_word(head, system, rng))
    t = romanise_word(tail, system, rng)
    if system in ("ala_lc", "ala_lc_ascii"):
        return f"{h} al-{cap(t)}"
    if system == "din31635":
        return f"{h} {_assimilated_article(tail, system)}-{cap(t)}"
    if head == "ʕabd":
        h = "Abd"
    sun = tail[0] in SUN
    s = _pop_sun(tail[0], system, rng) if sun else "l"
    if head == "ʕabd":
        templates: dict[str, Choice] = {
            "english": [("{h} al-{T}", 2), ("{h}ul {T}", 3), ("{h}ul{t}", 2), ("{h}ul-{T}", 1),
                        ("{h}u{s}{t}", 1.5 if sun else 0), ("{h}-al-{T}", 0.5),
                        ("{h} Al {T}", 0.7), ("{h}el {T}", 0.5), ("{h}al{t}", 0.5)],
            "french": [("{h}el{t}", 3), ("{h}el {T}", 1.5), ("{h} El {T}", 1.5),
                       ("{h}e{s}{t}", 2.5 if sun else 0), ("{h} el-{T}", 0.5)],
            "egyptian": [("{h}el {T}", 3), ("{h} El {T}", 2.5), ("{h}el{t}", 2),
                         ("{h} El-{T}", 1), ("{h} al-{T}", 0.5)],
            "malay": [("{h}ul {T}", 3), ("{h}ul{t}", 1.5), ("{h} {T}", 1),
                      ("{h}u{s}{t}", 1.5 if sun else 0)],
        }  # fmt: skip
    else:  # nūr al-dīn, ṣalāḥ al-dīn ...
        templates = {
            "english": [("{h} al-{T}", 2), ("{h} el-{T}", 1), ("{h} Al {T}", 1),
                        ("{h}u{s}{t}", 2 if sun else 0), ("{h} a{s}-{T}", 0.5 if sun else 0)],
            "french": [("{h}e{s}{t}", 3 if sun else 0), ("{h} E{s}{t}", 1.5 if sun else 0),
                       ("{h} El {T}", 1)],
            "egyptian": [("{h} El {T}", 2.5), ("{h} El-{T}", 1), ("{h} El{t}", 1.5),
                         ("{h}el{t}", 1)],
            "malay": [("{h}u{s}{t}", 3 if sun else 0), ("{h} {T}", 0.5), ("{h}ul {T}", 0.5)],
        }  # fmt: skip
    template = _pick(rng, templates[system])
    if template.count("{s}") and not t.lower().startswith(s.lower()):
        template = "{h}ul {T}"
    return template.format(h=h, T=cap(t), t=t.lower(), s=s)


def romanise_name(word: str, system: str, rng: random.Random) -> str:
    """One given name (simple or compound) in a system."""
    styles = POPULAR.get(word, {})
    if system in styles and rng.random() < 0.8:
        return rng.choice(styles[system])
    if system == "malay" and word == "muħammad" and rng.random() < 0.5:
        return "Mohd"
    if word == "ʕabd allāh":
        if system == "ala_lc":
            return "ʻAbd Allāh"
        if system == "ala_lc_ascii":
            return "Abd Allah"
        if system == "din31635":
            return "ʿAbdallāh"
        return _pick(rng, [("Abdullah", 3), ("Abdallah", 2), ("Abdulla", 1)])
    if " al-" in word:
        return compound(word, system, rng)
    return cap(romanise_word(word, system, rng))


# --- Arabic script ---------------------------------------------------------------------------


def arabic_variant(text: str, rng: random.Random) -> str:
    """Everyday variants of Arabic writing: bare alif for hamzated alif, ه for final ة,
    ي for final ى, the compound written joined."""
    if rng.random() < 0.45:
        text = re.sub("[أإآ]", "ا", text)
    if rng.random() < 0.2:
        text = re.sub("ة(?=\\s|$)", "ه", text)
    if rng.random() < 0.2:
        text = re.sub("ى(?=\\s|$)", "ي", text)
    if rng.random() < 0.5:
        text = re.sub("عبد ال", "عبدال", text)
        text = re.sub(" الدين", "الدين", text) if rng.random() < 0.5 else text
    return text


def _norm_arabic(text: str) -> str:
    text = re.sub("[أإآ]", "ا", text.replace(" ", ""))
    return text.replace("ة", "ه").replace("ى", "ي")


# --- persons --------------------------------------------------------------------------------

ARAB_NATIONALITIES = [
    ("eg", 14), ("sa", 10), ("iq", 10), ("sy", 9), ("jo", 6), ("ae", 4), ("kw", 3), ("lb", 4),
    ("ly", 4), ("dz", 6), ("ma", 6), ("tn", 4), ("ye", 6), ("sd", 4), ("ps", 4), ("qa", 2),
]  # fmt: skip
MAGHREB = {"dz", "ma", "tn", "lb"}


@dataclass(frozen=True)
class ArPerson:
    given: str  # phonemic
    father: str
    grandfather: str
    family: str  # phonemic, "" when none
    article: bool
    gender: str
    birth: date
    nationality: str
    kunya: str = ""

    @property
    def canonical(self) -> str:
        fam = ("al-" if self.article else "") + self.family
        return identity_key(self.given, self.father, self.grandfather, fam)


class Pools:
    def __init__(self) -> None:
        f = frequencies()
        ranks: dict[str, int] = {}
        for key in ("arabic_first", "arabic_last"):
            for name, rank in f[key].items():
                norm = _norm_arabic(name)
                ranks[norm] = min(ranks.get(norm, 10**6), rank)

        def order(entries: list[tuple[str, str]]) -> list[tuple[str, str]]:
            return sorted(entries, key=lambda e: ranks.get(_norm_arabic(e[0]), 3000))

        self.script = {ph: ar for ar, ph in MALE + FEMALE}
        self.family_script = {(ph, art): ar for ar, ph, art in FAMILY}
        self.male = Weighted([ph for _, ph in order(MALE)], s=0.9, offset=1.5)
        self.female = Weighted([ph for _, ph in order(FEMALE)], s=0.8)
        fam = sorted(FAMILY, key=lambda e: ranks.get(_norm_arabic(e[0]), 3000))
        self.family = Weighted([(ph, art) for _, ph, art in fam], s=0.6)


@cache
def pools() -> Pools:
    return Pools()


def new_person(rng: random.Random, gender: str | None = None) -> ArPerson:
    p = pools()
    gender = gender or rng.choice(["male", "male", "male", "female"])
    nat = rng.choices([n for n, _ in ARAB_NATIONALITIES], [w for _, w in ARAB_NATIONALITIES])[0]
    given = (p.male if gender == "male" else p.female).draw(rng)
    father = p.male.draw_other(rng, given)
    grandfather = p.male.draw(rng)
    family, article = p.family.draw(rng) if rng.random() < 0.85 else ("", False)
    return ArPerson(given, father, grandfather, family, article, gender, random_birth_date(rng),
                    nat)  # fmt: skip


@dataclass
class ArStyle:
    system: str  # "arabic" or a Latin system
    layout: str  # full, no_grandfather, given_family, lineage, family_first
    upper: bool = False
    kunya: bool = False
    parts: bool = False
    extra: dict[str, str] = field(default_factory=dict)


LAYOUTS = [("full", 2.5), ("no_grandfather", 3), ("given_family", 2), ("lineage", 1.5),
           ("family_first", 1)]  # fmt: skip


def latin_system(rng: random.Random, nat: str, exclude: str | None = None) -> str:
    weights = {"ala_lc": 1.2, "ala_lc_ascii": 2.0, "din31635": 0.8, "english": 4.0,
               "french": 3.5 if nat in MAGHREB else 1.0, "egyptian": 4.0 if nat == "eg" else 0.6,
               "malay": 0.4}  # fmt: skip
    names = [s for s in LATIN_SYSTEMS if s != exclude]
    return rng.choices(names, [weights[s] for s in names])[0]


def render(rng: random.Random, p: ArPerson, style: ArStyle) -> Side:
    layout = style.layout
    if not p.family and layout in ("given_family", "family_first"):
        layout = "full"
    sysname = style.system
    female = p.gender == "female"
    if sysname == "arabic":
        sc = pools().script
        given, father, grand = sc[p.given], sc[p.father], sc[p.grandfather]
        fam = pools().family_script.get((p.family, p.article), "") if p.family else ""
        link = "بنت" if female else "بن"
        lineage_link = "بن"
    else:
        given = romanise_name(p.given, sysname, rng)
        father = romanise_name(p.father, sysname, rng)
        grand = romanise_name(p.grandfather, sysname, rng)
        if p.family:
            fam = (
                article_word(p.family, sysname, rng, layout == "family_first")
                if p.article
                else romanise_name(p.family, sysname, rng)
            )
        else:
            fam = ""
        link, lineage_link = _links(sysname, female, rng)
    if layout == "full":
        words = [given, father, grand, fam]
    elif layout == "no_grandfather":
        words = [given, father, fam]
    elif layout == "given_family":
        words = [given, fam]
    elif layout == "lineage":
        words = [given, link, father, lineage_link, grand, fam]
    else:
        words = [fam + ",", given, father]
    name = " ".join(w for w in words if w)
    if sysname == "arabic":
        name = arabic_variant(name, rng)
    elif style.upper:
        name = name.upper()
    if style.kunya and p.kunya:
        kunya = (
            ("أبو " + pools().script[p.kunya])
            if sysname == "arabic"
            else (_abu(sysname) + " " + romanise_name(p.kunya, sysname, rng))
        )
        name = f"{kunya} {name}" if rng.random() < 0.5 else name
        side = Side(name, p.birth, p.nationality, p.gender)
        side.parts = {}
        return _with_alias(side, f"{kunya} {fam}".strip() if fam else kunya)
    side = Side(name, p.birth, p.nationality, p.gender)
    if style.parts:
        side.parts = {"firstName": given, "fatherName": father}
        if fam:
            side.parts["lastName"] = fam
    return side


def _with_alias(side: Side, alias: str) -> Side:
    side.parts = {"alias": alias}
    return side


def _abu(system: str) -> str:
    return {"ala_lc": "Abū", "din31635": "Abū", "french": "Abou"}.get(system, "Abu")


def _links(system: str, female: bool, rng: random.Random) -> tuple[str, str]:
    if system in ("ala_lc", "ala_lc_ascii", "din31635"):
        return ("bint" if female else "ibn"), "ibn"
    if system == "french":
        return ("bent" if female else "ben"), "ben"
    if system == "malay":
        return ("binti" if female else "bin"), "bin"
    return ("bint" if female else rng.choice(["bin", "bin", "ibn"])), "bin"


# --- pairs ----------------------------------------------------------------------------------

NEGATIVE_KINDS = [
    ("namesake_different_dob", 5.0),
    ("father_son", 1.2),
    ("grandson_named_after_grandfather", 0.8),
    ("siblings", 1.5),
    ("different_father", 1.5),
    ("near_given_name", 1.2),
    ("near_family_name", 0.8),
    ("gender_counterpart", 0.6),
    ("same_family_same_dob", 0.8),
]


def _style(rng: random.Random, system: str) -> ArStyle:
    layout = rng.choices([x for x, _ in LAYOUTS], [w for _, w in LAYOUTS])[0]
    if system == "arabic" and layout == "family_first":
        layout = "full"
    upper = system not in ("arabic", "ala_lc", "din31635") and rng.random() < 0.25
    return ArStyle(system, layout, upper=upper, parts=rng.random() < 0.1)


def _systems(rng: random.Random, nat: str) -> tuple[str, str]:
    if rng.random() < 0.4:
        return "arabic", latin_system(rng, nat)
    a = latin_system(rng, nat)
    b = latin_system(rng, nat, exclude=a) if rng.random() < 0.8 else a
    return a, b


def _pair_kind(sa: str, sb: str) -> str:
    return f"{sa}_vs_{sb}"


def positive(rng: random.Random, group: str) -> Pair:
    p = new_person(rng)
    sa, sb = _systems(rng, p.nationality)
    a, b = _style(rng, sa), _style(rng, sb)
    kind = _pair_kind(sa, sb)
    roll = rng.random()
    if roll < 0.25:
        # lineage names dropped on one side: full chain vs given + family
        a.layout, b.layout = "full", "given_family" if p.family else "no_grandfather"
        kind = "lineage_dropped"
    elif roll < 0.32 and p.gender == "male":
        p = replace(p, kunya=pools().male.draw(rng))
        a.kunya = True
        kind = "kunya_alias"
    left, right = render(rng, p, a), render(rng, p, b)
    return person_pair(rng, group, kind, 1, left, right, (p.canonical,))


def _gap(rng: random.Random) -> int:
    gap = rng.choice([rng.randint(3, 9), rng.randint(10, 25), rng.randint(20, 45)])
    return gap if rng.random() < 0.5 else -gap


def negative(rng: random.Random, group: str) -> Pair:
    kind = rng.choices([k for k, _ in NEGATIVE_KINDS], [w for _, w in NEGATIVE_KINDS])[0]
    pl = pools()
    p = new_person(rng)
    keep_dates = False
    if kind == "namesake_different_dob":
        q = replace(p, birth=shift_years(p.birth, _gap(rng), rng))
        keep_dates = True
    elif kind == "father_son":
        p = replace(p, gender="male", given=pl.male.draw(rng))
        son = replace(
            p,
            given=pl.male.draw_other(rng, p.given),
            father=p.given,
            grandfather=p.father,
            birth=shift_years(p.birth, rng.randint(20, 35), rng),
        )
        q, keep_dates = son, True  # fmt: skip
    elif kind == "grandson_named_after_grandfather":
        p = replace(p, gender="male", given=pl.male.draw(rng))
        q = replace(p, given=p.father, father=p.given, grandfather=p.father,
                    birth=shift_years(p.birth, rng.randint(20, 35), rng))  # fmt: skip
        if q.given == p.given:
            return negative(rng, group)
        keep_dates = True
    elif kind == "siblings":
        gender = rng.choice(["male", "female"])
        other = (pl.male if gender == "male" else pl.female).draw_other(rng, p.given)
        q = replace(
            p,
            given=other,
            gender=gender,
            birth=shift_years(p.birth, rng.choice([-1, 1]) * rng.randint(1, 12), rng),
        )
    elif kind == "different_father":
        q = replace(p, father=pl.male.draw_other(rng, p.father), grandfather=pl.male.draw(rng),
                    birth=shift_years(p.birth, _gap(rng), rng))  # fmt: skip
    elif kind == "near_given_name":
        a, b = rng.choice(NEAR_GIVEN)
        gender = "female" if a in pl.female.items else "male"
        p = replace(p, given=a, gender=gender)
        q = replace(p, given=b, father=pl.male.draw(rng), birth=random_birth_date(rng))
    elif kind == "near_family_name":
        a, b = rng.choice(NEAR_FAMILY)
        art = rng.random() < 0.6
        if (a, art) not in pl.family_script or (b, art) not in pl.family_script:
            art = not art
        if (a, art) not in pl.family_script or (b, art) not in pl.family_script:
            return negative(rng, group)
        p = replace(p, family=a, article=art)
        q = replace(p, family=b, birth=random_birth_date(rng))
    elif kind == "gender_counterpart":
        masc = rng.choice(sorted(GENDER_COUNTERPART))
        p = replace(p, given=masc, gender="male")
        q = replace(
            p,
            given=GENDER_COUNTERPART[masc],
            gender="female",
            birth=shift_years(p.birth, rng.choice([-1, 1]) * rng.randint(1, 10), rng),
        )
    else:  # same_family_same_dob
        pool = pl.male if p.gender == "male" else pl.female
        q = replace(p, given=pool.draw_other(rng, p.given),
                    father=pl.male.draw(rng))  # fmt: skip
    sa, sb = _systems(rng, p.nationality)
    style_a, style_b = _style(rng, sa), _style(rng, sb)
    if kind in ("different_father", "siblings", "grandson_named_after_grandfather", "father_son"):
        # the differing lineage must be visible on both sides
        for style in (style_a, style_b):
            if style.layout == "given_family":
                style.layout = "no_grandfather"
    if kind == "namesake_different_dob" and rng.random() < 0.5:
        style_a.layout = style_b.layout  # same rendering shape: a namesake looks identical
    left, right = render(rng, p, style_a), render(rng, q, style_b)
    return person_pair(rng, group, kind, 0, left, right, (p.canonical, q.canonical),
                       keep_dates=keep_dates)  # fmt: skip


def make_pair(rng: random.Random, group: str, label: int) -> Pair:
    return positive(rng, group) if label else negative(rng, group)


def demo() -> None:  # pragma: no cover - manual inspection
    rng = random.Random(1)
    for word in ["muħammad", "ʕabd al-raħmān", "nūr al-dīn", "ħusayn", "jamāl", "raʃīd",
                 "ʕabd al-qādir", "baʃʃār", "fāTima@", "muSTafA"]:  # fmt: skip
        print(word, [romanise_name(word, s, rng) for s in LATIN_SYSTEMS])
    for fam in ["raʃīd", "tamīmī", "ħarbī"]:
        print(fam, [article_word(fam, s, rng, False) for s in LATIN_SYSTEMS])
    print(unicodedata.name("ʻ"))
