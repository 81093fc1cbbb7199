"""Russian (and Ukrainian, Belarusian, Kazakh) persons: Cyrillic names and their romanisations.

Standards used:
- iuliia 0.13 schemas (each a JSON table of a published standard): ICAO Doc 9303 (2013, Russian
  passports since 2013), GOST R 52535.1-2006 (passports 2010-2013), BGN/PCGN 1947, GOST 7.79-2000
  system B (= ISO 9:1995 with ASCII digraphs), GOST 7.79-2000 system A (= ISO 9:1995), ISO/R 9
  1954 and 1968, scholarly (scientific) transliteration, ALA-LC (and its ASCII variant), MVD 310
  (1997) and MVD 782 (2000) passport rules, UNGEGN 1987, BS 2979, Wikipedia (English) style.
- german_popular: the German press transcription of Russian (Duden, "Transkription russischer
  Namen"; e.g. Schukow, Tschernow, Chruschtschow, -witsch, Jelena, Juri), written here.
- french_popular: the French press transcription (e.g. Joukov, Tchernov, Khrouchtchev,
  -ovitch, Iouri, Evgueni, Poutine), written here.
- ukrainian_kmu2010: Ukraine's national romanisation (Cabinet of Ministers resolution no. 55 of
  27 January 2010), used for the Ukrainian form of a Ukrainian's given name (Oleksandr).
Frequencies: names-dataset 3.3.1 rank lists for Russia and Kazakhstan (data/frequencies.json).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from typing import Any

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

VOWELS = set("аеёиоуыэюяАЕЁИОУЫЭЮЯ")

# --- diminutives (hypocoristics) in everyday use; the full name is the passport name ---------
DIMINUTIVES: dict[str, list[str]] = {
    "Александр": ["Саша", "Шура"],
    "Алексей": ["Алёша", "Лёша"],
    "Анатолий": ["Толя"],
    "Андрей": ["Андрюша"],
    "Борис": ["Боря"],
    "Вадим": ["Вадик"],
    "Валентин": ["Валя"],
    "Валерий": ["Валера"],
    "Василий": ["Вася"],
    "Виктор": ["Витя"],
    "Виталий": ["Виталик"],
    "Владимир": ["Володя", "Вова"],
    "Владислав": ["Влад"],
    "Вячеслав": ["Слава"],
    "Геннадий": ["Гена"],
    "Георгий": ["Жора"],
    "Григорий": ["Гриша"],
    "Дмитрий": ["Дима", "Митя"],
    "Евгений": ["Женя"],
    "Иван": ["Ваня"],
    "Игорь": ["Игорёк"],
    "Илья": ["Илюша"],
    "Константин": ["Костя"],
    "Максим": ["Макс"],
    "Михаил": ["Миша"],
    "Николай": ["Коля"],
    "Павел": ["Паша"],
    "Пётр": ["Петя"],
    "Роман": ["Рома"],
    "Сергей": ["Серёжа"],
    "Станислав": ["Стас"],
    "Юрий": ["Юра"],
    "Анастасия": ["Настя"],
    "Анна": ["Аня"],
    "Валентина": ["Валя"],
    "Галина": ["Галя"],
    "Дарья": ["Даша"],
    "Евгения": ["Женя"],
    "Екатерина": ["Катя"],
    "Елена": ["Лена"],
    "Ирина": ["Ира"],
    "Ксения": ["Ксюша"],
    "Любовь": ["Люба"],
    "Людмила": ["Люда"],
    "Мария": ["Маша"],
    "Надежда": ["Надя"],
    "Наталья": ["Наташа"],
    "Ольга": ["Оля"],
    "Светлана": ["Света"],
    "Татьяна": ["Таня"],
    "Юлия": ["Юля"],
    "Александра": ["Саша"],
    "Виктория": ["Вика"],
    "Елизавета": ["Лиза"],
    "Софья": ["Соня"],
}
DIMINUTIVE_FORMS = {d for ds in DIMINUTIVES.values() for d in ds} | {
    "Саня", "Серега", "Серёга", "Леха", "Лёха", "Жека", "Даня", "Витя", "Мага", "Алекс",
    "Виталя", "Эдик", "Алик", "Ден", "Федя", "Радик", "Настя", "Катя", "Лена", "Юля", "Таня",
    "Наташа", "Даша", "Вика", "Света", "Маша", "Ксюша", "Лера", "Натали", "Соня", "Ира",
    "Надя", "Анюта", "Ася", "Гуля", "Рита", "Люба", "Эля", "Валя", "Люда", "Галя", "Аля",
    "Катюша", "Иришка", "Ната", "Мила", "Лиза", "Аня", "Оля", "Женя", "Кира", "Ника",
    "Серж", "Леша", "Санек", "Ник", "Гоша", "Тима", "Димон", "Толик", "Бек", "Нурик", "Гарик",
    "Сережа", "Баха", "Танюшка", "Анютка", "Танюша", "Маруся", "Оленька", "Светик", "Патя",
    "Тома", "Диля", "Лида", "Варя", "Лика", "Мари", "Вован", "Славик",
}  # fmt: skip
# spelling doublets of one name (the second is as valid as the first)
DOUBLETS = {
    "Наталья": "Наталия", "Дарья": "Дария", "Софья": "София", "Артём": "Артем",
    "Пётр": "Петр", "Фёдор": "Федор", "Семён": "Семен", "Алёна": "Алена",
}  # fmt: skip
# masculine/feminine name pairs (a brother and a sister, or a gender-confusion negative)
GENDER_COUNTERPARTS = {
    "Евгений": "Евгения", "Александр": "Александра", "Валентин": "Валентина",
    "Валерий": "Валерия", "Ян": "Яна", "Станислав": "Станислава", "Владислав": "Владислава",
    "Ярослав": "Ярослава", "Виктор": "Виктория", "Василий": "Василиса", "Даниил": "Даниэла",
    "Кирилл": "Кира", "Антон": "Антонина", "Олег": "Ольга", "Юлий": "Юлия",
}  # fmt: skip
# patronymics that the regular rule gets wrong
PATRONYMIC_EXCEPTIONS = {
    "Илья": ("Ильич", "Ильинична"),
    "Никита": ("Никитич", "Никитична"),
    "Лука": ("Лукич", "Лукинична"),
    "Кузьма": ("Кузьмич", "Кузьминична"),
    "Фома": ("Фомич", "Фоминична"),
    "Павел": ("Павлович", "Павловна"),
    "Пётр": ("Петрович", "Петровна"),
    "Петр": ("Петрович", "Петровна"),
    "Лев": ("Львович", "Львовна"),
    "Михаил": ("Михайлович", "Михайловна"),
    "Яков": ("Яковлевич", "Яковлевна"),
    "Дмитрий": ("Дмитриевич", "Дмитриевна"),
    "Данила": ("Данилович", "Даниловна"),
    "Муса": ("Мусаевич", "Мусаевна"),
    "Иса": ("Исаевич", "Исаевна"),
}
# Russian given name -> its Ukrainian form (Ukrainian Cyrillic), for Ukrainian nationals
UKRAINIAN_GIVEN = {
    "Александр": "Олександр", "Алексей": "Олексій", "Андрей": "Андрій", "Сергей": "Сергій",
    "Дмитрий": "Дмитро", "Евгений": "Євген", "Владимир": "Володимир", "Иван": "Іван",
    "Игорь": "Ігор", "Николай": "Микола", "Михаил": "Михайло", "Юрий": "Юрій",
    "Виктор": "Віктор", "Павел": "Павло", "Пётр": "Петро", "Василий": "Василь",
    "Виталий": "Віталій", "Анатолий": "Анатолій", "Григорий": "Григорій", "Олег": "Олег",
    "Роман": "Роман", "Максим": "Максим", "Денис": "Денис", "Елена": "Олена",
    "Татьяна": "Тетяна", "Наталья": "Наталія", "Ирина": "Ірина", "Светлана": "Світлана",
    "Ольга": "Ольга", "Екатерина": "Катерина", "Юлия": "Юлія", "Мария": "Марія",
    "Анна": "Ганна", "Людмила": "Людмила", "Надежда": "Надія", "Галина": "Галина",
    "Оксана": "Оксана", "Валентина": "Валентина", "Анастасия": "Анастасія",
}  # fmt: skip


def patronymic(father: str, gender: str) -> str:
    if father in PATRONYMIC_EXCEPTIONS:
        m, f = PATRONYMIC_EXCEPTIONS[father]
        return m if gender == "male" else f
    if father.endswith("ий"):
        stem, m, f = father[:-2], "ьевич", "ьевна"
    elif father.endswith(("ей", "ай", "уй")) or father.endswith("ь"):
        stem, m, f = father[:-1], "евич", "евна"
    elif father.endswith(("а", "я")):
        stem, m, f = father[:-1], "ич", "ична"
    elif father[-1] in "жшчщц":
        stem, m, f = father, "евич", "евна"
    else:
        stem, m, f = father, "ович", "овна"
    return stem + (m if gender == "male" else f)


def feminine_surname(surname: str) -> str:
    for masc, fem in [
        ("ский", "ская"), ("цкий", "цкая"), ("ской", "ская"), ("ый", "ая"), ("ой", "ая"),
        ("ов", "ова"), ("ев", "ева"), ("ёв", "ёва"), ("ин", "ина"), ("ын", "ына"),
    ]:  # fmt: skip
        if surname.endswith(masc):
            return surname[: -len(masc)] + fem
    return surname  # -енко, -ук, -ич, -их, Ким ... do not inflect


def surname_for(surname: str, gender: str) -> str:
    return feminine_surname(surname) if gender == "female" else surname


# --- romanisation ---------------------------------------------------------------------------


@cache
def _iuliia_schema(name: str) -> Any:
    import iuliia  # the evalgen extra

    return iuliia.schemas.get(name)


# schemas that pass ё through untranslated: the standard's own letter for it
_YO = {
    "bgn_pcgn": ("ë", "yë"), "bgn_pcgn_alt": ("ë", "yë"), "gost_779": ("ë", "ë"),
    "scientific": ("ë", "ë"), "ungegn_1987": ("ë", "ë"), "ala_lc": ("ë", "ë"),
    "bs_2979": ("ë", "ë"), "bs_2979_alt": ("ë", "ë"),
}  # fmt: skip


def iuliia_word(word: str, schema: str) -> str:
    out: str = _iuliia_schema(schema).translate(word)
    if "ё" in out or "Ё" in out:
        plain, after_vowel = _YO.get(schema, ("e", "e"))
        chars = []
        for i, c in enumerate(out):
            if c in "ёЁ":
                prev = out[i - 1] if i else ""
                r = after_vowel if (not prev or prev.lower() in "aeiouyë'’ʹ") else plain
                chars.append(r.capitalize() if c == "Ё" else r)
            else:
                chars.append(c)
        out = "".join(chars)
    return out


GERMAN = {
    "а": "a", "б": "b", "в": "w", "г": "g", "д": "d", "ж": "sch", "з": "s", "и": "i", "к": "k",
    "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "ch", "ц": "z", "ч": "tsch", "ш": "sch", "щ": "schtsch", "ъ": "", "ы": "y",
    "э": "e", "ю": "ju", "я": "ja",
}  # fmt: skip
FRENCH = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ж": "j", "з": "z", "и": "i", "к": "k",
    "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "ou",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "tch", "ш": "ch", "щ": "chtch", "ъ": "", "ы": "y",
    "э": "e", "ю": "iou", "я": "ia",
}  # fmt: skip


def _in(c: str, letters: str) -> bool:
    """c (one letter, or "" at a word's edge) is one of letters."""
    return bool(c) and c in letters


def german_popular(word: str) -> str:
    """Duden-style German transcription of one Cyrillic word."""
    w = word.lower()
    out: list[str] = []
    for i, c in enumerate(w):
        prev = w[i - 1] if i else ""
        nxt = w[i + 1] if i + 1 < len(w) else ""
        soft_or_start = not prev or prev in VOWELS or _in(prev, "ьъ")
        if c == "е":
            out.append("je" if soft_or_start else "e")
        elif c == "ё":
            out.append("o" if _in(prev, "жчшщ") else "jo")
        elif c == "й":
            out.append("" if _in(prev, "иы") else "i")
        elif c == "ь":
            out.append("j" if _in(nxt, "ио") else "")
        elif c == "с" and prev in VOWELS and nxt in VOWELS:
            out.append("ss")
        elif c == "к" and nxt == "с":
            out.append("x")
        elif c == "с" and prev == "к":
            out.append("")
        else:
            out.append(GERMAN.get(c, c))
    return "".join(out).capitalize()


def french_popular(word: str) -> str:
    """French press transcription of one Cyrillic word."""
    w = word.lower()
    out: list[str] = []
    for i, c in enumerate(w):
        prev = w[i - 1] if i else ""
        nxt = w[i + 1] if i + 1 < len(w) else ""
        after_vowel = bool(prev) and prev in VOWELS
        if c == "е":
            out.append("ie" if _in(prev, "ьъ") or (after_vowel and prev != "и") else "e")
        elif c == "ё":
            if _in(prev, "жчшщ") or w[i:] in ("ёв", "ёва"):
                out.append("e")
            else:
                out.append("io")
        elif c == "г" and _in(nxt, "еиыэёюя"):
            out.append("gu")
        elif c == "й":
            out.append("" if _in(prev, "иы") else "ï")
        elif c == "и" and after_vowel and not _in(prev, "ий"):
            out.append("ï")
        elif c == "ь":
            out.append("")
        elif c == "я" and _in(prev, "ьи"):
            out.append("a" if prev == "и" else "ia")
        elif c == "с" and after_vowel and nxt and nxt in VOWELS:
            out.append("ss")
        elif c == "к" and nxt == "с":
            out.append("x")
        elif c == "с" and prev == "к":
            out.append("")
        else:
            out.append(FRENCH.get(c, c))
    s = "".join(out)
    s = re.sub(r"ii$", "i", s)
    s = re.sub(r"([^aeiouy])(in|yn)$", lambda m: m.group(1) + m.group(2) + "e", s)  # Poutine
    s = s.replace("iï", "i")
    return s.capitalize()


UKR = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "ж": "zh", "з": "z",
    "и": "y", "і": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ь": "", "'": "", "ʼ": "", "ё": "e", "ы": "y", "э": "e", "ъ": "",
}  # fmt: skip
UKR_INITIAL = {"є": ("ye", "ie"), "ї": ("yi", "i"), "й": ("y", "i"), "ю": ("yu", "iu"),
               "я": ("ya", "ia")}  # fmt: skip


def ukrainian_kmu2010(word: str) -> str:
    w = word.lower()
    out: list[str] = []
    for i, c in enumerate(w):
        if c in UKR_INITIAL:
            out.append(UKR_INITIAL[c][0 if i == 0 else 1])
        elif c == "г" and i and w[i - 1] == "з":
            out.append("gh")
        else:
            out.append(UKR.get(c, c))
    return "".join(out).capitalize()


# the systems a Latin side is written in; weights: how often each meets a screener
SYSTEMS: list[tuple[str, float]] = [
    ("icao_doc_9303", 6.0),  # Russian passports since 2013
    ("gost_52535", 1.5),  # Russian passports 2010-2013
    ("mvd_310", 2.0),  # Russian passports 1997-2010 (ya, yu, kh)
    ("mvd_782", 1.0),
    ("bgn_pcgn", 3.0),  # US/UK governments, many sanctions lists
    ("wikipedia", 3.0),  # English press style (Yury, Yevgeny, -yevich)
    ("ala_lc_alt", 1.0),
    ("ala_lc", 0.5),
    ("gost_779_alt", 1.0),  # GOST 7.79 B
    ("gost_779", 0.7),  # ISO 9:1995 / GOST 7.79 A, diacritics
    ("iso_9_1968", 0.4),
    ("scientific", 0.5),
    ("ungegn_1987", 0.3),
    ("bs_2979", 0.3),
    ("telegram", 0.5),  # informal typing
    ("german_popular", 2.0),
    ("french_popular", 2.0),
]


def romanise_word(word: str, system: str) -> str:
    if system == "german_popular":
        return german_popular(word)
    if system == "french_popular":
        return french_popular(word)
    if system == "ukrainian_kmu2010":
        return ukrainian_kmu2010(word)
    return iuliia_word(word, system)


def romanise(text: str, system: str) -> str:
    return re.sub(r"[А-Яа-яЁёІіЇїЄєҐґ]+", lambda m: _case_like(m.group(0), system), text)


def _case_like(word: str, system: str) -> str:
    roman = romanise_word(word.capitalize(), system)
    return roman.upper() if word.isupper() and len(word) > 1 else roman


def pick_system(rng: random.Random, exclude: str | None = None) -> str:
    names = [s for s, _ in SYSTEMS if s != exclude]
    weights = [w for s, w in SYSTEMS if s != exclude]
    return rng.choices(names, weights=weights, k=1)[0]


# --- persons --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuPerson:
    given: str
    patronymic: str
    surname: str  # already in the person's gender
    gender: str
    birth: date
    nationality: str

    @property
    def canonical(self) -> str:
        return identity_key(self.surname, self.given, self.patronymic)


class Pools:
    def __init__(self) -> None:
        f = frequencies()

        def clean(names: list[str]) -> list[str]:
            return [n for n in names if n not in DIMINUTIVE_FORMS and n not in DOUBLETS.values()]

        self.male = {cc: Weighted(clean(f[cc]["male"])[:120], s=1.1) for cc in ("ru", "kz")}
        self.female = {cc: Weighted(clean(f[cc]["female"])[:120], s=1.1) for cc in ("ru", "kz")}
        self.surnames = {cc: Weighted(f[cc]["surnames"][:1200], s=0.9) for cc in ("ru", "kz")}
        ukr = [s for s in f["ru"]["surnames"] if re.search(r"(енко|ук|юк|чук|ко)$", s)]
        self.surnames["ua"] = Weighted(ukr, s=0.9)
        self.near = [tuple(p) for p in f["ru_surname_near_pairs"]]

    def given(self, rng: random.Random, gender: str, pool: str) -> str:
        return (self.male if gender == "male" else self.female)[pool].draw(rng)


_POOLS: Pools | None = None


def pools() -> Pools:
    global _POOLS
    if _POOLS is None:
        _POOLS = Pools()
    return _POOLS


def new_person(rng: random.Random, *, gender: str | None = None) -> RuPerson:
    p = pools()
    gender = gender or rng.choice(["male", "male", "female"])
    nat = rng.choices(["ru", "ua", "kz", "by"], weights=[75, 9, 10, 6], k=1)[0]
    pool = "kz" if nat == "kz" else "ru"
    surname_pool = "ua" if nat == "ua" and rng.random() < 0.7 else pool
    father = p.male[pool].draw(rng)
    return RuPerson(
        given=p.given(rng, gender, pool),
        patronymic=patronymic(father, gender),
        surname=surname_for(p.surnames[surname_pool].draw(rng), gender),
        gender=gender,
        birth=random_birth_date(rng),
        nationality=nat,
    )


# --- rendering --------------------------------------------------------------------------------


@dataclass
class Style:
    system: str  # "cyrillic" or a romanisation system
    with_patronymic: bool = True
    given_override: str | None = None  # a diminutive or the Ukrainian form (Cyrillic)
    yo_as_e: bool = False
    split_parts: bool = False


def _layout(rng: random.Random, surname: str, given: str, patr: str, cyrillic: bool) -> str:
    forms = [
        (f"{surname.upper()} {given} {patr}", 4),  # passport/list style
        (f"{surname} {given} {patr}", 4 if cyrillic else 2),  # Russian official order
        (f"{given} {patr} {surname}", 4),
        (f"{surname.upper()}, {given.upper()} {patr.upper()}", 2),
        (f"{surname}, {given} {patr}", 2),
        (f"{surname.upper()} {given.upper()} {patr.upper()}", 1),
    ]
    text = rng.choices([f for f, _ in forms], weights=[w for _, w in forms], k=1)[0]
    return " ".join(text.replace(" ,", ",").split()).strip(", ")


def render(rng: random.Random, p: RuPerson, style: Style) -> Side:
    given = style.given_override or p.given
    patr = p.patronymic if style.with_patronymic else ""
    surname = p.surname
    if style.yo_as_e:
        given, patr, surname = (x.replace("ё", "е") for x in (given, patr, surname))
    if style.system == "cyrillic":
        g, pt, sn = given, patr, surname
    else:
        system = style.system
        if style.given_override and style.given_override == UKRAINIAN_GIVEN.get(p.given):
            g = romanise_word(given, "ukrainian_kmu2010")
        else:
            g = romanise_word(given, system)
        pt = romanise_word(patr, system) if patr else ""
        sn = romanise_word(surname, system)
    name = _layout(rng, sn, g, pt, style.system == "cyrillic")
    parts: dict[str, str] = {}
    if style.split_parts:
        parts = {"firstName": g, "lastName": sn}
        if pt:
            parts["fatherName"] = pt
    return Side(name, p.birth, p.nationality, p.gender, parts)


def random_style(rng: random.Random, system: str, p: RuPerson) -> Style:
    return Style(
        system=system,
        with_patronymic=rng.random() < 0.6,
        yo_as_e=system == "cyrillic" and rng.random() < 0.6,
        split_parts=rng.random() < 0.12,
    )


# --- pairs ----------------------------------------------------------------------------------

POSITIVE_KINDS = [("plain", 6.0), ("patronymic_one_side", 4.0), ("diminutive", 0.8),
                  ("ukrainian_form", 0.6), ("spelling_doublet", 0.6)]  # fmt: skip
NEGATIVE_KINDS = [
    ("namesake_different_dob", 5.0),
    ("father_son", 1.5),
    ("siblings", 1.5),
    ("different_patronymic", 1.5),
    ("gender_counterpart", 1.0),
    ("near_surname", 1.5),
    ("same_surname_same_dob", 1.0),
]


def _systems(rng: random.Random, latin_latin: bool) -> tuple[str, str]:
    if latin_latin:
        a = pick_system(rng)
        b = pick_system(rng, exclude=a) if rng.random() < 0.85 else a
        return a, b
    return "cyrillic", pick_system(rng)


def _system_kind(a: str, b: str) -> str:
    return f"{a}_vs_{b}"


def positive(rng: random.Random, group: str, latin_latin: bool) -> Pair:
    kind = rng.choices([k for k, _ in POSITIVE_KINDS], weights=[w for _, w in POSITIVE_KINDS])[0]
    p = new_person(rng)
    if kind == "diminutive" and p.given not in DIMINUTIVES:
        kind = "plain"
    if kind == "ukrainian_form":
        if p.given not in UKRAINIAN_GIVEN:
            kind = "plain"
        else:
            p = replace(p, nationality="ua")
    if kind == "spelling_doublet" and p.given not in DOUBLETS:
        kind = "plain"
    sa, sb = _systems(rng, latin_latin)
    a = random_style(rng, sa, p)
    b = random_style(rng, sb, p)
    label_kind = _system_kind(sa, sb)
    if kind == "patronymic_one_side":
        flip = rng.random() < 0.5
        a.with_patronymic, b.with_patronymic = flip, not flip
        label_kind = "patronymic_one_side"
    elif kind == "diminutive":
        b.given_override = rng.choice(DIMINUTIVES[p.given])
        b.with_patronymic = False
        label_kind = "diminutive_vs_full"
    elif kind == "ukrainian_form":
        b = Style("ukrainian_kmu2010", with_patronymic=False)
        b.given_override = UKRAINIAN_GIVEN[p.given]
        label_kind = f"{sa}_vs_ukrainian_kmu2010"
    elif kind == "spelling_doublet":
        b.given_override = DOUBLETS[p.given]
        label_kind = "spelling_doublet"
    left, right = render(rng, p, a), render(rng, p, b)
    return person_pair(rng, group, label_kind, 1, left, right, (p.canonical,))


def _namesake_gap(rng: random.Random) -> int:
    gap = rng.choice([rng.randint(3, 9), rng.randint(10, 25), rng.randint(20, 45)])
    return gap if rng.random() < 0.5 else -gap


def negative(rng: random.Random, group: str, latin_latin: bool) -> Pair:
    kind = rng.choices([k for k, _ in NEGATIVE_KINDS], weights=[w for _, w in NEGATIVE_KINDS])[0]
    p = new_person(rng)
    keep_dates = False
    if kind == "namesake_different_dob":
        q = replace(p, birth=shift_years(p.birth, _namesake_gap(rng), rng))
        keep_dates = True
    elif kind == "father_son":
        p = replace(p, gender="male", given=pools().given(rng, "male", "ru"))
        p = replace(p, surname=surname_for(_masc(p.surname), "male"))
        father = replace(p, patronymic=patronymic(pools().male["ru"].draw(rng), "male"))
        son = replace(
            p,
            patronymic=patronymic(p.given, "male"),
            birth=shift_years(p.birth, rng.randint(20, 35), rng),
        )
        if son.birth.year > 2007:
            father = replace(father, birth=shift_years(father.birth, -15, rng))
        p, q = father, son
        keep_dates = True
    elif kind == "siblings":
        gender = rng.choice(["male", "female"])
        given = pools().given(rng, gender, "ru")
        q = replace(
            p,
            given=given,
            gender=gender,
            surname=surname_for(_masc(p.surname), gender),
            patronymic=_regender_patronymic(p.patronymic, gender),
            birth=shift_years(p.birth, rng.choice([-1, 1]) * rng.randint(1, 12), rng),
        )
        if q.given == p.given:
            return negative(rng, group, latin_latin)
    elif kind == "different_patronymic":
        other = patronymic(pools().male["ru"].draw(rng), p.gender)
        if other == p.patronymic:
            return negative(rng, group, latin_latin)
        q = replace(p, patronymic=other, birth=random_birth_date(rng))
    elif kind == "gender_counterpart":
        masc = rng.choice(sorted(GENDER_COUNTERPARTS))
        base = _masc(p.surname)
        p = replace(p, given=masc, gender="male", surname=base,
                    patronymic=_regender_patronymic(p.patronymic, "male"))  # fmt: skip
        q = replace(p, given=GENDER_COUNTERPARTS[masc], gender="female",
                    surname=feminine_surname(base),
                    patronymic=_regender_patronymic(p.patronymic, "female"),
                    birth=random_birth_date(rng))  # fmt: skip
    elif kind == "near_surname":
        a, b = rng.choice(pools().near)
        p = replace(p, surname=surname_for(a, p.gender))
        q = replace(p, surname=surname_for(b, p.gender), birth=random_birth_date(rng))
        if rng.random() < 0.5:
            q = replace(q, patronymic=patronymic(pools().male["ru"].draw(rng), p.gender))
    else:  # same_surname_same_dob
        given = pools().given(rng, p.gender, "ru")
        if given == p.given:
            return negative(rng, group, latin_latin)
        q = replace(p, given=given)
    sa, sb = _systems(rng, latin_latin)
    a = random_style(rng, sa, p)
    b = random_style(rng, sb, q)
    if kind in ("different_patronymic", "siblings"):
        a.with_patronymic = b.with_patronymic = True
    if kind == "father_son" and rng.random() < 0.5:
        a.with_patronymic = b.with_patronymic = False
    left, right = render(rng, p, a), render(rng, q, b)
    return person_pair(
        rng, group, kind, 0, left, right, (p.canonical, q.canonical), keep_dates=keep_dates
    )


def _masc(surname: str) -> str:
    for fem, masc in [("ская", "ский"), ("цкая", "цкий"), ("ова", "ов"), ("ева", "ев"),
                      ("ёва", "ёв"), ("ина", "ин"), ("ына", "ын")]:  # fmt: skip
        if surname.endswith(fem):
            return surname[: -len(fem)] + masc
    return surname


def _regender_patronymic(patr: str, gender: str) -> str:
    pairs = [("ович", "овна"), ("евич", "евна"), ("ьич", "ьинична"), ("ич", "ична")]
    for m, f in pairs:
        if gender == "female" and patr.endswith(m):
            return patr[: -len(m)] + f
        if gender == "male" and patr.endswith(f):
            return patr[: -len(f)] + m
    return patr


def make_pair(rng: random.Random, group: str, label: int) -> Pair:
    latin_latin = group == "russian_latin_latin"
    return positive(rng, group, latin_latin) if label else negative(rng, group, latin_latin)
