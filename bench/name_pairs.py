"""Labelled multi-script person-name pairs for measuring a name matcher.

    python bench/name_pairs.py --seed 1 --count 3000 --out tests/data/matching/name_pairs.csv

Writes a CSV of pairs of person records (name, birth date, nationality, gender),
each labelled ``match`` = 1 when both sides describe the same person and 0 when
they describe two different people. About 60% of the pairs are matches, spread
evenly over seven categories; 40% are hard negatives.

``cyrillic_latin`` (match)
    A Russian name (first, patronymic and last, or first and last) in Cyrillic
    on one side and in Latin on the other, romanised with one of seven systems
    tabled below: ICAO 9303 (Iuliia, Shch, Zh, Kh), BGN/PCGN (Yuliya, ë, '),
    the 1997 Russian passport system, English press usage (Dmitry, Alexei),
    German (Julija, Ch, Sch, W) and French (Ioulia, J, Ou, Tch) styles and the
    scholarly one (č, š, ž). Order, case and the patronymic vary.
``arabic_latin`` (match)
    Given name, father's name (optionally after bin/ibn/bint) and family name
    from curated tables, in Arabic script or one Latin spelling on one side and
    another Latin spelling on the other; the article (al-, Al , el-, ar-) varies
    or drops, and the father's name is sometimes left out on one side.
``filipino`` (match)
    Filipino names with the middle name (the mother's maiden surname) in full,
    as an initial or dropped; Ma. for Maria; particle surnames (dela Cruz,
    De La Cruz, Delacruz); Jr./Sr./III; honorifics (Dr., Atty., Engr.);
    "REYES, Juan Santos".
``reordered`` (match)
    One spelling on both sides (any script above, or English), surname first
    on one side, with or without a comma.
``nickname`` (match)
    A formal given name against a well-known diminutive: English (Robert/Bob),
    Russian in Latin or Cyrillic (Aleksandr/Sasha), Spanish/Filipino (José/Pepe).
``swapped_date`` (match)
    The same person, name identical or lightly varied, with the day and month
    of the birth date swapped on one side (day <= 12 and day != month).
``typo`` (match)
    One or two character edits (dropped, doubled or swapped letter, or a
    neighbouring key) inside one name part.
``hard_negative`` (no match)
    Two different people who share at least one name part: same surname with
    another given name; same given name and surname with another middle name
    or patronymic and a birth date years apart; Arabic father and son (the
    son's father's name is the father's given name) or brothers; siblings;
    gendered names one letter apart (Aleksandr/Aleksandra, Mario/Maria, twins
    included); same given name with another surname; Filipino father and
    "Jr." son 25+ years apart; Russian father and son.

Dates are ISO ``YYYY-MM-DD``. About one pair in ten, match or not, leaves one
side's date empty (never in ``swapped_date``, nor in a negative that only the
dates tell apart); nationality (ISO 3166-1 alpha-2, lower case) or gender may
be empty.

Every person is fictitious: names come from Faker or are random combinations of
common given and family names from the tables below, with random birth dates
between 1950 and 2005; any likeness to a real person is coincidence. The output
is deterministic for a given seed and Faker version (Faker's name lists change
between releases).
"""

from __future__ import annotations

import argparse
import csv
import random
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from faker import Faker

COLUMNS = (
    "pair_id",
    "category",
    "match",
    "left_name",
    "left_birth_date",
    "left_nationality",
    "left_gender",
    "right_name",
    "right_birth_date",
    "right_nationality",
    "right_gender",
)
MATCH_CATEGORIES = (
    "cyrillic_latin",
    "arabic_latin",
    "filipino",
    "reordered",
    "nickname",
    "swapped_date",
    "typo",
)
NEGATIVE = "hard_negative"
NEGATIVE_SHARE = 0.4
CULTURES = ("ru", "ar", "ph", "en")
FIRST_DAY = date(1950, 1, 1)
LAST_DAY = date(2005, 12, 31)
GENDERS = ("male", "female")
BLANK_DATE = 0.11  # share of match pairs with one side's date left empty
# Negatives may blank a date only where the names alone tell the people apart
# (4 of 9 subtypes); those blank more often, so blanks do not give the label away.
BLANK_DATE_NEGATIVE = 0.22
BLANK_NATIONALITY = 0.07
BLANK_GENDER = 0.08


# --- Russian: transliteration systems ---------------------------------------

CYR_VOWELS = "аеёиоуыэюя"
ICAO_TABLE = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "ie",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "iu",
    "я": "ia",
}


@dataclass(frozen=True)
class Translit:
    """One romanisation of Russian: a letter table and the context rules it uses.

    ``table`` maps lower-case letters (and digraphs such as кс) to Latin;
    ``iotated`` spells е/ё at the start of a word or after a vowel, ъ, ь or й;
    ``endings`` spells word endings (-ий, -ей) as a unit.
    """

    name: str
    table: dict[str, str]
    iotated: dict[str, str]
    endings: dict[str, str]
    ss_between_vowels: bool = False
    gu_before_front: bool = False


RU_SYSTEMS = (
    Translit("icao_9303", ICAO_TABLE, {}, {}),
    Translit(
        "bgn_pcgn",
        {**ICAO_TABLE, "ё": "ë", "й": "y", "ъ": '"', "ь": "'", "ю": "yu", "я": "ya"},
        {"е": "ye", "ё": "yë"},
        {},
    ),
    Translit(
        "passport_1997",
        {**ICAO_TABLE, "й": "y", "ъ": "", "ю": "yu", "я": "ya"},
        {},
        {},
    ),
    Translit(
        "english_press",
        {**ICAO_TABLE, "ё": "yo", "й": "y", "ъ": "", "ю": "yu", "я": "ya", "кс": "x"},
        {"е": "ye", "ё": "yo"},
        {"ий": "y", "ый": "y", "ей": "ei", "ай": "ai"},
    ),
    Translit(
        "german",
        {
            **ICAO_TABLE,
            "в": "w",
            "ё": "jo",
            "ж": "sch",
            "з": "s",
            "х": "ch",
            "ц": "z",
            "ч": "tsch",
            "ш": "sch",
            "щ": "schtsch",
            "ъ": "",
            "ю": "ju",
            "я": "ja",
            "кс": "x",
        },
        {"е": "je", "ё": "jo"},
        {"ий": "i", "ый": "y"},
        ss_between_vowels=True,
    ),
    Translit(
        "french",
        {
            **ICAO_TABLE,
            "ё": "io",
            "ж": "j",
            "й": "ï",
            "у": "ou",
            "ч": "tch",
            "ш": "ch",
            "щ": "chtch",
            "ъ": "",
            "ю": "iou",
            "я": "ia",
            "кс": "x",
        },
        {},
        {"ий": "i", "ый": "y"},
        ss_between_vowels=True,
        gu_before_front=True,
    ),
    Translit(
        "scholarly",
        {
            **ICAO_TABLE,
            "ё": "ë",
            "ж": "ž",
            "й": "j",
            "х": "ch",
            "ц": "c",
            "ч": "č",
            "ш": "š",
            "щ": "šč",
            "ъ": "ʺ",
            "ь": "ʹ",
            "э": "è",
            "ю": "ju",
            "я": "ja",
        },
        {},
        {},
    ),
)


def _latin_letter(word: str, index: int, system: Translit) -> str:
    """The Latin for the letter at ``index``, with the system's context rules."""
    char = word[index]
    prev = word[index - 1] if index else ""
    nxt = word[index + 1] if index + 1 < len(word) else ""
    if char in system.iotated and (not prev or prev in CYR_VOWELS + "ъьй"):
        return system.iotated[char]
    between_vowels = bool(prev and nxt) and prev in CYR_VOWELS and nxt in CYR_VOWELS
    if system.ss_between_vowels and char == "с" and between_vowels:
        return "ss"
    if system.gu_before_front and char == "г" and nxt and nxt in "еиыэ":
        return "gu"
    return system.table.get(char, char)


def _transliterate_word(word: str, system: Translit) -> str:
    lower = word.lower()
    stem_end, tail = len(lower), ""
    for ending, latin in system.endings.items():
        if lower.endswith(ending) and len(lower) > len(ending) + 1:
            stem_end, tail = len(lower) - len(ending), latin
            break
    out: list[str] = []
    index = 0
    while index < stem_end:
        digraph = lower[index : index + 2]
        if len(digraph) == 2 and index + 2 <= stem_end and digraph in system.table:
            out.append(system.table[digraph])
            index += 2
            continue
        out.append(_latin_letter(lower, index, system))
        index += 1
    latin = "".join(out) + tail
    return latin[:1].upper() + latin[1:]


def transliterate(text: str, system: Translit) -> str:
    """Romanise Cyrillic ``text`` word by word (hyphenated parts too)."""
    words = [
        "-".join(_transliterate_word(part, system) for part in word.split("-"))
        for word in text.split(" ")
    ]
    return " ".join(words)


def feminine_surname(male: str) -> str:
    """The female form of a Russian surname (Петров → Петрова, Лесной → Лесная)."""
    for ending, female in (("ский", "ская"), ("цкий", "цкая"), ("ой", "ая"), ("ый", "ая")):
        if male.endswith(ending):
            return male[: -len(ending)] + female
    if male.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return male + "а"
    return male


# Common male names with the patronymics they give a son and a daughter.
RU_PATRONYMICS = {
    "Александр": ("Александрович", "Александровна"),
    "Алексей": ("Алексеевич", "Алексеевна"),
    "Андрей": ("Андреевич", "Андреевна"),
    "Дмитрий": ("Дмитриевич", "Дмитриевна"),
    "Иван": ("Иванович", "Ивановна"),
    "Михаил": ("Михайлович", "Михайловна"),
    "Николай": ("Николаевич", "Николаевна"),
    "Сергей": ("Сергеевич", "Сергеевна"),
    "Владимир": ("Владимирович", "Владимировна"),
    "Павел": ("Павлович", "Павловна"),
    "Евгений": ("Евгеньевич", "Евгеньевна"),
    "Юрий": ("Юрьевич", "Юрьевна"),
    "Виктор": ("Викторович", "Викторовна"),
    "Константин": ("Константинович", "Константиновна"),
    "Григорий": ("Григорьевич", "Григорьевна"),
    "Борис": ("Борисович", "Борисовна"),
    "Пётр": ("Петрович", "Петровна"),
    "Олег": ("Олегович", "Олеговна"),
    "Игорь": ("Игоревич", "Игоревна"),
    "Анатолий": ("Анатольевич", "Анатольевна"),
    "Фёдор": ("Фёдорович", "Фёдоровна"),
    "Илья": ("Ильич", "Ильинична"),
    "Вадим": ("Вадимович", "Вадимовна"),
    "Валентин": ("Валентинович", "Валентиновна"),
}

RU_DIMINUTIVES: dict[str, tuple[str, tuple[str, ...]]] = {
    "Александр": ("male", ("Саша", "Шура")),
    "Александра": ("female", ("Саша", "Шура")),
    "Владимир": ("male", ("Володя", "Вова")),
    "Дмитрий": ("male", ("Дима", "Митя")),
    "Николай": ("male", ("Коля",)),
    "Михаил": ("male", ("Миша",)),
    "Иван": ("male", ("Ваня",)),
    "Сергей": ("male", ("Серёжа",)),
    "Алексей": ("male", ("Алёша", "Лёша")),
    "Павел": ("male", ("Паша",)),
    "Евгений": ("male", ("Женя",)),
    "Константин": ("male", ("Костя",)),
    "Виктор": ("male", ("Витя",)),
    "Григорий": ("male", ("Гриша",)),
    "Борис": ("male", ("Боря",)),
    "Юрий": ("male", ("Юра",)),
    "Андрей": ("male", ("Андрюша",)),
    "Пётр": ("male", ("Петя",)),
    "Екатерина": ("female", ("Катя",)),
    "Анастасия": ("female", ("Настя",)),
    "Евгения": ("female", ("Женя",)),
    "Елена": ("female", ("Лена",)),
    "Татьяна": ("female", ("Таня",)),
    "Наталья": ("female", ("Наташа",)),
    "Ольга": ("female", ("Оля",)),
    "Мария": ("female", ("Маша",)),
    "Анна": ("female", ("Аня",)),
    "Юлия": ("female", ("Юля",)),
    "Светлана": ("female", ("Света",)),
    "Людмила": ("female", ("Люда", "Мила")),
    "Ирина": ("female", ("Ира",)),
    "Валентина": ("female", ("Валя",)),
    "Галина": ("female", ("Галя",)),
}

RU_NATIONALITIES = (("ru", 85), ("by", 5), ("kz", 5), ("ua", 5))


# --- Arabic: names with their Arabic spelling and common Latin spellings -----


@dataclass(frozen=True)
class ArabicName:
    arabic: str
    gender: str
    latin: tuple[str, ...]


_M, _F = "male", "female"
AR_GIVEN = {
    entry.arabic: entry
    for entry in (
        ArabicName("محمد", _M, ("Mohammed", "Muhammad", "Mohamed", "Mohamad", "Muhammed")),
        ArabicName("أحمد", _M, ("Ahmed", "Ahmad")),
        ArabicName("عبد الله", _M, ("Abdullah", "Abdallah", "Abd Allah", "Abdulla")),
        ArabicName(
            "عبد الرحمن",
            _M,
            ("Abdulrahman", "Abdul Rahman", "Abdelrahman", "Abd al-Rahman", "Abdurrahman"),
        ),
        ArabicName("عبد العزيز", _M, ("Abdulaziz", "Abdul Aziz", "Abdelaziz", "Abd al-Aziz")),
        ArabicName("عبد الكريم", _M, ("Abdulkarim", "Abdul Karim", "Abdelkarim", "Abd al-Karim")),
        ArabicName("علي", _M, ("Ali", "Aly")),
        ArabicName("عمر", _M, ("Omar", "Umar", "Omer")),
        ArabicName("عثمان", _M, ("Othman", "Osman", "Uthman", "Usman")),
        ArabicName("خالد", _M, ("Khaled", "Khalid")),
        ArabicName("حسن", _M, ("Hassan", "Hasan", "Hassen")),
        ArabicName("حسين", _M, ("Hussein", "Hussain", "Husayn", "Hossein")),
        ArabicName("يوسف", _M, ("Youssef", "Yousef", "Yusuf", "Yousif", "Youcef")),
        ArabicName("إبراهيم", _M, ("Ibrahim", "Ebrahim", "Ibraheem", "Brahim")),
        ArabicName("إسماعيل", _M, ("Ismail", "Ismael", "Esmail", "Ismaeel")),
        ArabicName("مصطفى", _M, ("Mustafa", "Mostafa", "Moustafa", "Mustapha")),
        ArabicName("محمود", _M, ("Mahmoud", "Mahmud", "Mahmood")),
        ArabicName("سعيد", _M, ("Said", "Saeed", "Saied")),
        ArabicName("سعد", _M, ("Saad", "Sa'ad")),
        ArabicName("فيصل", _M, ("Faisal", "Faysal", "Feisal")),
        ArabicName("فهد", _M, ("Fahd", "Fahad")),
        ArabicName("ناصر", _M, ("Nasser", "Naser", "Nasir")),
        ArabicName("طارق", _M, ("Tariq", "Tarek", "Tarik", "Tareq")),
        ArabicName("زياد", _M, ("Ziad", "Ziyad", "Zyad")),
        ArabicName("سامي", _M, ("Sami", "Samy")),
        ArabicName("كريم", _M, ("Karim", "Kareem", "Kerim")),
        ArabicName("جمال", _M, ("Jamal", "Gamal", "Jamaal")),
        ArabicName("ماجد", _M, ("Majed", "Majid", "Maged")),
        ArabicName("وليد", _M, ("Walid", "Waleed", "Oualid")),
        ArabicName("هشام", _M, ("Hisham", "Hesham", "Hicham")),
        ArabicName("عادل", _M, ("Adel", "Adil")),
        ArabicName("ياسر", _M, ("Yasser", "Yasir", "Yaser")),
        ArabicName("بلال", _M, ("Bilal", "Belal")),
        ArabicName("حمزة", _M, ("Hamza", "Hamzah", "Hamzeh")),
        ArabicName("سلمان", _M, ("Salman", "Selman")),
        ArabicName("سليمان", _M, ("Suleiman", "Sulaiman", "Soliman", "Sleiman")),
        ArabicName("منصور", _M, ("Mansour", "Mansur", "Mansoor")),
        ArabicName("رشيد", _M, ("Rashid", "Rasheed", "Rachid")),
        ArabicName("نبيل", _M, ("Nabil", "Nabeel")),
        ArabicName("أنس", _M, ("Anas", "Anass")),
        ArabicName("عماد", _M, ("Imad", "Emad")),
        ArabicName("مراد", _M, ("Murad", "Mourad", "Morad")),
        ArabicName("صالح", _M, ("Saleh", "Salih")),
        ArabicName("صلاح", _M, ("Salah", "Salaah")),
        ArabicName("فارس", _M, ("Fares", "Faris")),
        ArabicName("جعفر", _M, ("Jafar", "Jaafar", "Ja'far")),
        ArabicName("قاسم", _M, ("Qasim", "Kassem", "Qassem", "Kasim")),
        ArabicName("مهدي", _M, ("Mahdi", "Mehdi")),
        ArabicName("حامد", _M, ("Hamed", "Hamid")),
        ArabicName("عيسى", _M, ("Issa", "Eisa", "Isa")),
        ArabicName("موسى", _M, ("Musa", "Moussa", "Mousa")),
        ArabicName("يحيى", _M, ("Yahya", "Yehia", "Yahia")),
        ArabicName("زكريا", _M, ("Zakaria", "Zakariya", "Zakariyya")),
        ArabicName("نور الدين", _M, ("Nour El Din", "Nureddin", "Noureddine", "Nur al-Din")),
        ArabicName("بدر", _M, ("Badr", "Bader")),
        ArabicName("سلطان", _M, ("Sultan", "Soltan")),
        ArabicName("تركي", _M, ("Turki", "Torki")),
        ArabicName("نايف", _M, ("Nayef", "Naif", "Nayif")),
        ArabicName("بندر", _M, ("Bandar", "Bander")),
        ArabicName("عمار", _M, ("Ammar", "Amar")),
        ArabicName("أيمن", _M, ("Ayman", "Aiman")),
        ArabicName("أسامة", _M, ("Osama", "Usama", "Ousama")),
        ArabicName("ماهر", _M, ("Maher", "Mahir")),
        ArabicName("هاني", _M, ("Hani", "Hany")),
        ArabicName("رامي", _M, ("Rami", "Ramy")),
        ArabicName("سمير", _M, ("Samir", "Sameer")),
        ArabicName("شريف", _M, ("Sherif", "Sharif", "Cherif")),
        ArabicName("وائل", _M, ("Wael", "Wa'il", "Wail")),
        ArabicName("عمرو", _M, ("Amr", "Amro")),
        ArabicName("طه", _M, ("Taha", "Taaha")),
        ArabicName("معاذ", _M, ("Muath", "Moaz", "Muadh", "Mouad")),
        ArabicName("أمين", _M, ("Amin", "Ameen", "Amine")),
        ArabicName("جميل", _M, ("Jamil", "Jameel")),
        ArabicName("عزيز", _M, ("Aziz", "Azeez")),
        ArabicName("فاطمة", _F, ("Fatima", "Fatma", "Fatimah", "Fatemah")),
        ArabicName("عائشة", _F, ("Aisha", "Aicha", "Ayesha", "Aysha")),
        ArabicName("مريم", _F, ("Maryam", "Mariam", "Meriem", "Miriam")),
        ArabicName("زينب", _F, ("Zainab", "Zaynab", "Zeinab")),
        ArabicName("خديجة", _F, ("Khadija", "Khadijah", "Khadidja", "Khadeeja")),
        ArabicName("نور", _F, ("Nour", "Noor", "Nur")),
        ArabicName("ليلى", _F, ("Layla", "Leila", "Laila", "Leyla")),
        ArabicName("سارة", _F, ("Sara", "Sarah")),
        ArabicName("هدى", _F, ("Huda", "Hoda", "Houda")),
        ArabicName("سلمى", _F, ("Salma", "Selma")),
        ArabicName("أمينة", _F, ("Amina", "Aminah", "Ameena")),
        ArabicName("ياسمين", _F, ("Yasmin", "Yasmine", "Yasmeen")),
        ArabicName("رانيا", _F, ("Rania", "Ranya")),
        ArabicName("دينا", _F, ("Dina", "Deena")),
        ArabicName("رنا", _F, ("Rana", "Ranah")),
        ArabicName("هند", _F, ("Hind", "Hend")),
        ArabicName("سعاد", _F, ("Suad", "Souad", "Soad")),
        ArabicName("نادية", _F, ("Nadia", "Nadiya", "Nadya")),
        ArabicName("سميرة", _F, ("Samira", "Sameera")),
        ArabicName("جميلة", _F, ("Jamila", "Jameela", "Djamila")),
        ArabicName("حليمة", _F, ("Halima", "Haleema", "Halimah")),
        ArabicName("آمنة", _F, ("Amna", "Aamna", "Amnah")),
        ArabicName("رقية", _F, ("Ruqayya", "Roqaya", "Rokia", "Ruqaiya")),
        ArabicName("أسماء", _F, ("Asma", "Asmaa", "Esma")),
        ArabicName("منى", _F, ("Mona", "Muna")),
        ArabicName("لينا", _F, ("Lina", "Leena")),
        ArabicName("هالة", _F, ("Hala", "Halah")),
        ArabicName("غادة", _F, ("Ghada", "Ghadah")),
        ArabicName("شيماء", _F, ("Shaimaa", "Shaima", "Chaimae")),
        ArabicName("إيمان", _F, ("Iman", "Eman", "Imane")),
        ArabicName("حنان", _F, ("Hanan", "Hanane")),
        ArabicName("وفاء", _F, ("Wafaa", "Wafa")),
        ArabicName("سناء", _F, ("Sanaa", "Sana")),
        ArabicName("كريمة", _F, ("Karima", "Kareema")),
        ArabicName("نبيلة", _F, ("Nabila", "Nabeela")),
        ArabicName("سعيدة", _F, ("Saida", "Saeeda")),
        ArabicName("رشيدة", _F, ("Rashida", "Rasheeda", "Rachida")),
        ArabicName("عزيزة", _F, ("Aziza", "Azeeza")),
    )
}
AR_MALE = tuple(key for key, entry in AR_GIVEN.items() if entry.gender == _M)
AR_FEMALE = tuple(key for key, entry in AR_GIVEN.items() if entry.gender == _F)

# Family names: the Arabic spelling (with the article ال where it has one) and
# Latin spellings of the stem; the article is added, varied or dropped when spelt.
AR_FAMILY: dict[str, tuple[str, ...]] = {
    "الرشيد": ("Rashid", "Rasheed"),
    "الحربي": ("Harbi", "Harby"),
    "الغامدي": ("Ghamdi", "Ghamedi"),
    "القحطاني": ("Qahtani", "Kahtani", "Gahtani"),
    "العتيبي": ("Otaibi", "Otaiby", "Utaybi"),
    "الشمري": ("Shammari", "Shamari", "Shemmari"),
    "الدوسري": ("Dosari", "Dossary", "Dawsari"),
    "الزهراني": ("Zahrani", "Zahrany"),
    "المطيري": ("Mutairi", "Mutairy", "Motairi"),
    "السبيعي": ("Subaie", "Subaiei", "Sebaei"),
    "الشهري": ("Shehri", "Shahri"),
    "العنزي": ("Anazi", "Enezi", "Anezi"),
    "التميمي": ("Tamimi", "Tamimy", "Temimi"),
    "الهاشمي": ("Hashemi", "Hashimi", "Hachemi"),
    "الخطيب": ("Khatib", "Khateeb"),
    "الأنصاري": ("Ansari", "Ansary"),
    "البغدادي": ("Baghdadi", "Bagdadi"),
    "المصري": ("Masri", "Masry", "Misri"),
    "الحلبي": ("Halabi", "Halaby"),
    "الشامي": ("Shami", "Chami"),
    "الكبيسي": ("Kubaisi", "Kubaisy", "Kobeissi"),
    "النعيمي": ("Nuaimi", "Naimi", "Noaimi"),
    "الجبوري": ("Jubouri", "Jabouri", "Juburi"),
    "الدليمي": ("Dulaimi", "Dulaymi", "Dleimi"),
    "العبيدي": ("Obaidi", "Ubaydi", "Obeidi"),
    "السعدي": ("Saadi", "Saedi"),
    "الحسيني": ("Husseini", "Hussaini", "Hosseini"),
    "البكري": ("Bakri", "Bakry"),
    "الزعبي": ("Zoubi", "Zubi", "Zu'bi"),
    "العمري": ("Omari", "Umari", "Omary"),
    "الجابري": ("Jabri", "Jabiri"),
    "الكعبي": ("Kaabi", "Ka'bi"),
    "المنصوري": ("Mansouri", "Mansoori"),
    "العلي": ("Ali", "Aly"),
    "حداد": ("Haddad", "Hadad"),
    "خليل": ("Khalil", "Khaleel"),
    "ناصر": ("Nasser", "Naser", "Nasir"),
    "منصور": ("Mansour", "Mansur", "Mansoor"),
    "عبود": ("Abboud", "Abbud", "Aboud"),
    "يونس": ("Younes", "Yunus", "Younis"),
    "شحادة": ("Shehadeh", "Shahada", "Chehade"),
    "صباغ": ("Sabbagh", "Sabagh"),
    "نجار": ("Najjar", "Najar", "Nagar"),
    "خوري": ("Khoury", "Khouri", "Khury"),
    "عودة": ("Odeh", "Awda", "Audeh"),
    "جابر": ("Jaber", "Jabir", "Gaber"),
    "بركات": ("Barakat", "Barakaat"),
    "حمدان": ("Hamdan", "Hamdane"),
    "درويش": ("Darwish", "Darwich"),
    "سلامة": ("Salameh", "Salama", "Salamah"),
    "قاسم": ("Kassem", "Qasem", "Qassem"),
}
SUN_LETTERS = "تثدذرزسشصضطظلن"
# How the article al- is written in Latin; "Al" glues to a lower-case stem
# (Alrasheed), "" drops it.
ARTICLE_STYLES = (("al-", 30), ("Al-", 20), ("Al ", 15), ("al ", 5), ("el-", 8), ("El-", 4))
ARTICLE_JOINED, ARTICLE_DROPPED, ARTICLE_ASSIMILATED = 6, 12, 8
AR_NATIONALITIES = (
    "sa",
    "eg",
    "jo",
    "iq",
    "sy",
    "lb",
    "ae",
    "kw",
    "qa",
    "ma",
    "dz",
    "tn",
    "ye",
    "om",
    "bh",
    "ly",
    "ps",
    "sd",
)


# --- Filipino: given names, surnames and their written variants --------------

PH_GIVEN: dict[str, tuple[str, tuple[str, ...]]] = {
    "Maria": (_F, ("Maria",)),
    "Maria Cristina": (_F, ("Maria Cristina", "Ma. Cristina", "Ma Cristina")),
    "Maria Luisa": (_F, ("Maria Luisa", "Ma. Luisa", "Ma Luisa")),
    "Maria Theresa": (_F, ("Maria Theresa", "Ma. Theresa", "Maria Teresa", "Ma. Teresa")),
    "Maria Fe": (_F, ("Maria Fe", "Ma. Fe")),
    "Maria Elena": (_F, ("Maria Elena", "Ma. Elena")),
    "Maria Victoria": (_F, ("Maria Victoria", "Ma. Victoria")),
    "Ligaya": (_F, ("Ligaya",)),
    "Maricel": (_F, ("Maricel",)),
    "Rosario": (_F, ("Rosario",)),
    "Lourdes": (_F, ("Lourdes",)),
    "Teresita": (_F, ("Teresita",)),
    "Erlinda": (_F, ("Erlinda",)),
    "Luzviminda": (_F, ("Luzviminda",)),
    "Marites": (_F, ("Marites",)),
    "Analyn": (_F, ("Analyn", "Ana Lyn")),
    "Jocelyn": (_F, ("Jocelyn", "Joselyn")),
    "Rowena": (_F, ("Rowena",)),
    "Marilou": (_F, ("Marilou", "Mary Lou")),
    "Angelica": (_F, ("Angelica",)),
    "Rhea": (_F, ("Rhea",)),
    "Divina": (_F, ("Divina",)),
    "Flordeliza": (_F, ("Flordeliza", "Flor de Liza")),
    "Perla": (_F, ("Perla",)),
    "Remedios": (_F, ("Remedios",)),
    "Milagros": (_F, ("Milagros",)),
    "Dolores": (_F, ("Dolores",)),
    "Concepcion": (_F, ("Concepcion", "Concepción")),
    "Josefina": (_F, ("Josefina",)),
    "Antonia": (_F, ("Antonia",)),
    "Roberta": (_F, ("Roberta",)),
    "Francisca": (_F, ("Francisca",)),
    "Daniela": (_F, ("Daniela",)),
    "Gabriela": (_F, ("Gabriela",)),
    "Julia": (_F, ("Julia",)),
    "Paula": (_F, ("Paula",)),
    "Angela": (_F, ("Angela",)),
    "Carla": (_F, ("Carla",)),
    "Marcela": (_F, ("Marcela",)),
    "Jose": (_M, ("Jose", "José")),
    "Juan": (_M, ("Juan",)),
    "Rodrigo": (_M, ("Rodrigo",)),
    "Jun-jun": (_M, ("Jun-jun", "Junjun", "Jun Jun")),
    "Antonio": (_M, ("Antonio",)),
    "Eduardo": (_M, ("Eduardo",)),
    "Ramon": (_M, ("Ramon", "Ramón")),
    "Fernando": (_M, ("Fernando",)),
    "Manuel": (_M, ("Manuel",)),
    "Ricardo": (_M, ("Ricardo",)),
    "Roberto": (_M, ("Roberto",)),
    "Danilo": (_M, ("Danilo",)),
    "Rolando": (_M, ("Rolando",)),
    "Ernesto": (_M, ("Ernesto",)),
    "Romeo": (_M, ("Romeo",)),
    "Renato": (_M, ("Renato",)),
    "Alfredo": (_M, ("Alfredo",)),
    "Rogelio": (_M, ("Rogelio",)),
    "Arnel": (_M, ("Arnel",)),
    "Jomar": (_M, ("Jomar",)),
    "Mark Anthony": (_M, ("Mark Anthony",)),
    "John Paul": (_M, ("John Paul", "John-Paul")),
    "Jerome": (_M, ("Jerome",)),
    "Reynaldo": (_M, ("Reynaldo", "Reinaldo")),
    "Efren": (_M, ("Efren",)),
    "Teodoro": (_M, ("Teodoro",)),
    "Francisco": (_M, ("Francisco",)),
    "Ignacio": (_M, ("Ignacio",)),
    "Jose Maria": (_M, ("Jose Maria", "José María", "Jose Ma.")),
    "Juan Carlos": (_M, ("Juan Carlos",)),
    "Mario": (_M, ("Mario",)),
    "Paulo": (_M, ("Paulo",)),
    "Angelo": (_M, ("Angelo",)),
    "Carlo": (_M, ("Carlo",)),
    "Marcelo": (_M, ("Marcelo",)),
    "Gabriel": (_M, ("Gabriel",)),
    "Daniel": (_M, ("Daniel",)),
    "Julio": (_M, ("Julio",)),
}
PH_MALE = tuple(key for key, (gender, _) in PH_GIVEN.items() if gender == _M)
PH_FEMALE = tuple(key for key, (gender, _) in PH_GIVEN.items() if gender == _F)

PH_SURNAMES: dict[str, tuple[str, ...]] = {
    "dela Cruz": ("dela Cruz", "Dela Cruz", "De La Cruz", "de la Cruz", "Delacruz"),
    "Delos Santos": ("Delos Santos", "delos Santos", "De Los Santos", "de los Santos"),
    "de los Reyes": ("de los Reyes", "De Los Reyes", "Delos Reyes", "delos Reyes"),
    "dela Paz": ("dela Paz", "Dela Paz", "De La Paz", "de la Paz"),
    "de Guzman": ("de Guzman", "De Guzman", "Deguzman"),
    "de Leon": ("de Leon", "De Leon", "De León"),
    "del Rosario": ("del Rosario", "Del Rosario", "Delrosario"),
    "de Castro": ("de Castro", "De Castro"),
    "San Juan": ("San Juan", "Sanjuan"),
    "Garcia": ("Garcia", "García"),
    "Fernandez": ("Fernandez", "Fernández"),
    **{
        name: (name,)
        for name in (
            "Santos",
            "Reyes",
            "Bautista",
            "Mendoza",
            "Villanueva",
            "Aquino",
            "Macaraeg",
            "Dimaculangan",
            "Ramos",
            "Gonzales",
            "Flores",
            "Torres",
            "Castillo",
            "Domingo",
            "Lopez",
            "Navarro",
            "Soriano",
            "Pascual",
            "Salvador",
            "Manalo",
            "Dizon",
            "Tolentino",
            "Panganiban",
            "Magbanua",
            "Dimagiba",
            "Buenaventura",
            "Evangelista",
            "Ocampo",
            "Sarmiento",
            "Valdez",
            "Cruz",
            "Mercado",
            "Aguilar",
            "Rivera",
            "Manalastas",
            "Lacsamana",
            "Dimaano",
            "Mangahas",
            "Catacutan",
            "Tan",
            "Lim",
        )
    },
}
SUFFIX_FORMS = {"Jr.": ("Jr.", "Jr", "JR."), "Sr.": ("Sr.", "Sr"), "III": ("III",)}
HONORIFICS = ("Dr.", "Atty.", "Engr.")


# --- Nicknames and names one letter apart ------------------------------------

EN_NICKNAMES: dict[str, tuple[str, tuple[str, ...]]] = {
    "Robert": (_M, ("Bob", "Rob", "Bobby", "Robbie")),
    "William": (_M, ("Bill", "Will", "Billy")),
    "Richard": (_M, ("Dick", "Rick", "Rich", "Richie")),
    "James": (_M, ("Jim", "Jimmy", "Jamie")),
    "Joseph": (_M, ("Joe", "Joey")),
    "Alexander": (_M, ("Alex", "Sandy")),
    "Thomas": (_M, ("Tom", "Tommy")),
    "Michael": (_M, ("Mike", "Mikey")),
    "Christopher": (_M, ("Chris",)),
    "Anthony": (_M, ("Tony",)),
    "Edward": (_M, ("Ed", "Eddie", "Ted", "Ned")),
    "Charles": (_M, ("Charlie", "Chuck")),
    "Daniel": (_M, ("Dan", "Danny")),
    "Matthew": (_M, ("Matt",)),
    "Nicholas": (_M, ("Nick",)),
    "Benjamin": (_M, ("Ben",)),
    "Jonathan": (_M, ("Jon",)),
    "Andrew": (_M, ("Andy", "Drew")),
    "Theodore": (_M, ("Ted", "Teddy", "Theo")),
    "Elizabeth": (_F, ("Liz", "Beth", "Betty", "Lizzie")),
    "Margaret": (_F, ("Peggy", "Maggie", "Meg")),
    "Katherine": (_F, ("Kate", "Kathy", "Katie")),
    "Jennifer": (_F, ("Jen", "Jenny")),
    "Patricia": (_F, ("Pat", "Patty", "Trish")),
    "Susan": (_F, ("Sue", "Susie")),
    "Deborah": (_F, ("Deb", "Debbie")),
    "Rebecca": (_F, ("Becky",)),
    "Victoria": (_F, ("Vicky", "Tori")),
    "Dorothy": (_F, ("Dot", "Dottie")),
    "Alexandra": (_F, ("Alex", "Lexi")),
}
# Spanish diminutives in use in the Philippines; keys are PH_GIVEN keys.
ES_NICKNAMES: dict[str, tuple[str, ...]] = {
    "Jose": ("Pepe", "Pepito"),
    "Francisco": ("Paco", "Pancho", "Kiko"),
    "Manuel": ("Manny", "Manolo"),
    "Ignacio": ("Nacho",),
    "Antonio": ("Tony",),
    "Eduardo": ("Eddie",),
    "Roberto": ("Berto", "Bert"),
    "Alfredo": ("Fred", "Freddie"),
    "Ramon": ("Mon",),
    "Dolores": ("Lola", "Lolita"),
    "Concepcion": ("Concha", "Conchita"),
    "Rosario": ("Charo",),
    "Josefina": ("Josie", "Pepita"),
}
EN_NATIONALITIES = ("us", "gb", "ca", "au", "ie", "nz")

# (male, female) given names one letter apart, by culture (keys of that culture's tables).
ONE_LETTER: dict[str, tuple[tuple[str, str], ...]] = {
    "ru": (
        ("Александр", "Александра"),
        ("Валентин", "Валентина"),
        ("Владислав", "Владислава"),
        ("Ярослав", "Ярослава"),
        ("Станислав", "Станислава"),
        ("Иван", "Ивана"),
        ("Руслан", "Руслана"),
        ("Богдан", "Богдана"),
    ),
    "ar": (
        ("أمين", "أمينة"),
        ("كريم", "كريمة"),
        ("جميل", "جميلة"),
        ("سمير", "سميرة"),
        ("نبيل", "نبيلة"),
        ("سعيد", "سعيدة"),
        ("رشيد", "رشيدة"),
        ("عزيز", "عزيزة"),
    ),
    "ph": (
        ("Mario", "Maria"),
        ("Antonio", "Antonia"),
        ("Roberto", "Roberta"),
        ("Francisco", "Francisca"),
        ("Daniel", "Daniela"),
        ("Gabriel", "Gabriela"),
        ("Julio", "Julia"),
        ("Paulo", "Paula"),
        ("Angelo", "Angela"),
        ("Carlo", "Carla"),
        ("Marcelo", "Marcela"),
    ),
    "en": (
        ("Paul", "Paula"),
        ("Louis", "Louise"),
        ("Eric", "Erica"),
        ("Adrian", "Adriana"),
        ("Julian", "Juliana"),
        ("Robert", "Roberta"),
        ("Daniel", "Daniela"),
    ),
}


# --- People -------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """One fictitious person. Name fields hold table keys of the person's culture.

    ``middle`` is the patronymic (ru, in Cyrillic), the father's given name
    (ar, a key of AR_GIVEN), the mother's maiden surname (ph, a key of
    PH_SURNAMES) or a middle name (en, possibly empty). A Russian ``family``
    is the male form; it is spelt female for a woman.
    """

    culture: str
    gender: str
    given: str
    middle: str
    family: str
    birth: date
    nationality: str
    suffix: str = ""
    honorific: str = ""


def random_date(rng: random.Random, start: date = FIRST_DAY, end: date = LAST_DAY) -> date:
    return start + timedelta(days=rng.randint(0, (end - start).days))


def date_in_year(rng: random.Random, year: int) -> date:
    year = min(max(year, FIRST_DAY.year), LAST_DAY.year)
    return random_date(rng, date(year, 1, 1), date(year, 12, 31))


def swappable_date(rng: random.Random) -> date:
    """A date whose day and month can be swapped into another valid date."""
    month = rng.randint(1, 12)
    day = rng.choice([d for d in range(1, 13) if d != month])
    return date(rng.randint(FIRST_DAY.year, LAST_DAY.year), month, day)


def swap_day_month(day: date) -> date:
    return date(day.year, day.day, day.month)


def distant_date(rng: random.Random, birth: date, min_days: int = 366) -> date:
    """Another random birth date at least ``min_days`` away from ``birth``."""
    while True:
        other = random_date(rng)
        if abs((other - birth).days) >= min_days:
            return other


def years_apart(rng: random.Random, birth: date, low: int, high: int) -> date:
    """A date ``low``..``high`` years after ``birth``, or before it where after does not fit."""
    gap = rng.randint(low, high)
    if birth.year + gap <= LAST_DAY.year:
        year = birth.year + gap
    elif birth.year - gap >= FIRST_DAY.year:
        year = birth.year - gap
    else:
        raise Retry
    other = date_in_year(rng, year)
    return other if other != birth else other + timedelta(days=1)


def later_by(rng: random.Random, birth: date, low: int, high: int) -> date:
    """A date ``low``..``high`` years after ``birth`` (a child's), within the range."""
    if birth.year + low > LAST_DAY.year:
        raise Retry
    year = birth.year + rng.randint(low, min(high, LAST_DAY.year - birth.year))
    return date_in_year(rng, year)


class People:
    """Makes fictitious people of each culture; ``None`` arguments are drawn at random."""

    def __init__(self, rng: random.Random, seed: int) -> None:
        self.rng = rng
        self.ru_faker = Faker("ru_RU")
        self.en_faker = Faker("en_US")
        self.ph_faker = Faker("en_PH")
        for faker in (self.ru_faker, self.en_faker, self.ph_faker):
            faker.seed_instance(seed)

    def make(
        self,
        culture: str,
        *,
        gender: str | None = None,
        given: str | None = None,
        middle: str | None = None,
        family: str | None = None,
        birth: date | None = None,
        nationality: str | None = None,
    ) -> Person:
        gender = gender or self.rng.choice(GENDERS)
        birth = birth or random_date(self.rng)
        maker = {"ru": self._ru, "ar": self._ar, "ph": self._ph, "en": self._en}[culture]
        person = maker(gender, given, middle, family, birth)
        return replace(person, nationality=nationality) if nationality is not None else person

    def _ru(
        self, gender: str, given: str | None, middle: str | None, family: str | None, birth: date
    ) -> Person:
        fake, male = self.ru_faker, gender == _M
        given = given or (fake.first_name_male() if male else fake.first_name_female())
        middle = middle or (fake.middle_name_male() if male else fake.middle_name_female())
        family = family or fake.last_name_male()
        (nationality,) = self.rng.choices(*zip(*RU_NATIONALITIES, strict=True))
        return Person("ru", gender, given, middle, family, birth, nationality)

    def _ar(
        self, gender: str, given: str | None, middle: str | None, family: str | None, birth: date
    ) -> Person:
        given = given or self.rng.choice(AR_MALE if gender == _M else AR_FEMALE)
        middle = middle or self.rng.choice([name for name in AR_MALE if name != given])
        family = family or self.rng.choice(list(AR_FAMILY))
        nationality = self.rng.choice(AR_NATIONALITIES)
        return Person("ar", gender, given, middle, family, birth, nationality)

    def _ph(
        self, gender: str, given: str | None, middle: str | None, family: str | None, birth: date
    ) -> Person:
        rng = self.rng
        given = given or rng.choice(PH_MALE if gender == _M else PH_FEMALE)
        family = family or rng.choice([name for name in PH_SURNAMES if name != middle])
        middle = middle or rng.choice([name for name in PH_SURNAMES if name != family])
        suffix = rng.choice(list(SUFFIX_FORMS)) if gender == _M and rng.random() < 0.12 else ""
        titled = birth.year <= 1990 and rng.random() < 0.1
        honorific = rng.choice(HONORIFICS) if titled else ""
        return Person("ph", gender, given, middle, family, birth, "ph", suffix, honorific)

    def _en(
        self, gender: str, given: str | None, middle: str | None, family: str | None, birth: date
    ) -> Person:
        fake, male = self.en_faker, gender == _M
        given = given or (fake.first_name_male() if male else fake.first_name_female())
        if middle is None:
            with_middle = self.rng.random() < 0.6
            middle = self.en_first_name(gender) if with_middle else ""
        family = family or fake.last_name()
        nationality = self.rng.choice(EN_NATIONALITIES)
        return Person("en", gender, given, middle, family, birth, nationality)

    def en_first_name(self, gender: str) -> str:
        fake = self.en_faker
        return str(fake.first_name_male() if gender == _M else fake.first_name_female())

    def ph_style_surname(self) -> str:
        """A surname from Faker's en_PH locale (its lists are largely English)."""
        return str(self.ph_faker.last_name())


# --- Spelling and arranging names -------------------------------------------


@dataclass(frozen=True)
class SpellOpts:
    """What to spell: ``native`` = Cyrillic/Arabic script; ``given`` overrides the given name."""

    native: bool = False
    keep_middle: bool = True
    keep_suffix: bool = True
    given: str | None = None


@dataclass(frozen=True)
class Tokens:
    """A name spelt out, ready to be arranged; ``middle`` may be empty."""

    given: str
    middle: str
    family: str
    prefix: str = ""
    suffix: str = ""
    arabic: bool = False


@dataclass(frozen=True)
class Layout:
    order: str = "natural"  # natural | surname_first | comma
    case: str = "as_is"  # as_is | upper_family | upper


def _join(words: Iterable[str]) -> str:
    return " ".join(word for word in words if word)


def arrange(tokens: Tokens, layout: Layout) -> str:
    """Put spelt tokens in order and case; honorifics only lead the natural order."""
    family = tokens.family.upper() if layout.case == "upper_family" else tokens.family
    if layout.order == "natural":
        text = _join((tokens.prefix, tokens.given, tokens.middle, family, tokens.suffix))
    elif layout.order == "surname_first":
        text = _join((family, tokens.given, tokens.middle, tokens.suffix))
    else:
        text = f"{family}, " + _join((tokens.given, tokens.middle, tokens.suffix))
    return text.upper() if layout.case == "upper" else text


ORDER_WEIGHTS = {"natural": 60, "comma": 25, "surname_first": 15}
CYRILLIC_ORDER_WEIGHTS = {"natural": 45, "surname_first": 45, "comma": 10}
CASE_WEIGHTS = {"as_is": 70, "upper_family": 15, "upper": 15}


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def pick_layout(rng: random.Random, tokens: Tokens, orders: dict[str, int] | None = None) -> Layout:
    if tokens.arabic:
        return Layout(_weighted(rng, {"natural": 85, "surname_first": 15}))
    return Layout(_weighted(rng, orders or ORDER_WEIGHTS), _weighted(rng, CASE_WEIGHTS))


def initial(name: str) -> str:
    """The middle initial of a name: ``dela Cruz`` → ``D.``."""
    return next(char for char in name if char.isalpha()).upper() + "."


def spell_ru(rng: random.Random, person: Person, opts: SpellOpts) -> Tokens:
    given = opts.given or person.given
    family = feminine_surname(person.family) if person.gender == _F else person.family
    middle = person.middle if opts.keep_middle else ""
    if not opts.native:
        system = rng.choice(RU_SYSTEMS)
        given, middle, family = (transliterate(part, system) for part in (given, middle, family))
    return Tokens(given, middle, family)


def _latin_family(rng: random.Random, family: str) -> str:
    stems = AR_FAMILY[family]
    stem = rng.choice(stems)
    if not family.startswith("ال"):
        return stem
    styles = dict(ARTICLE_STYLES)
    styles |= {"joined": ARTICLE_JOINED, "dropped": ARTICLE_DROPPED}
    if family[2] in SUN_LETTERS:
        styles["assimilated"] = ARTICLE_ASSIMILATED
    style = _weighted(rng, styles)
    if style == "joined":
        return "Al" + stem.lower()
    if style == "dropped":
        return stem
    if style == "assimilated":
        canonical = stems[0]
        lead = canonical[:2] if canonical[:2] in ("Sh", "Th", "Dh") else canonical[0]
        return f"a{lead.lower()}-{canonical}"
    return style + stem


def _arabic_given(rng: random.Random, name: str) -> str:
    """The Arabic spelling; compounds with عبد are written joined or spaced."""
    if name.startswith("عبد ") and rng.random() < 0.4:
        return name.replace(" ", "")
    return name


def spell_ar(rng: random.Random, person: Person, opts: SpellOpts) -> Tokens:
    connected = rng.random() < 0.35
    if opts.native:
        father = _arabic_given(rng, person.middle) if opts.keep_middle else ""
        if father and connected:
            father = ("بنت " if person.gender == _F else "بن ") + father
        return Tokens(_arabic_given(rng, person.given), father, person.family, arabic=True)
    given = rng.choice(AR_GIVEN[person.given].latin)
    father = rng.choice(AR_GIVEN[person.middle].latin) if opts.keep_middle else ""
    if father and connected:
        links = ("bint", "bent") if person.gender == _F else ("bin", "ibn", "ben")
        father = f"{rng.choice(links)} {father}"
    return Tokens(given, father, _latin_family(rng, person.family))


def spell_ph(rng: random.Random, person: Person, opts: SpellOpts) -> Tokens:
    given = opts.given or rng.choice(PH_GIVEN[person.given][1])
    family = rng.choice(PH_SURNAMES[person.family])
    middle = ""
    if opts.keep_middle:
        middle = rng.choice(PH_SURNAMES[person.middle])
        middle = middle if rng.random() < 0.55 else initial(middle)
    suffix = ""
    if person.suffix and opts.keep_suffix:
        suffix = rng.choice(SUFFIX_FORMS[person.suffix])
    prefix = person.honorific if person.honorific and rng.random() < 0.5 else ""
    return Tokens(given, middle, family, prefix, suffix)


def spell_en(rng: random.Random, person: Person, opts: SpellOpts) -> Tokens:
    middle = ""
    if opts.keep_middle and person.middle:
        middle = person.middle if rng.random() < 0.5 else initial(person.middle)
    return Tokens(opts.given or person.given, middle, person.family)


SPELLERS: dict[str, Callable[[random.Random, Person, SpellOpts], Tokens]] = {
    "ru": spell_ru,
    "ar": spell_ar,
    "ph": spell_ph,
    "en": spell_en,
}


def spell(rng: random.Random, person: Person, opts: SpellOpts) -> Tokens:
    return SPELLERS[person.culture](rng, person, opts)


def render(rng: random.Random, person: Person, opts: SpellOpts) -> str:
    """Spell and arrange a name with a random layout fit for its script."""
    tokens = spell(rng, person, opts)
    cyrillic = person.culture == "ru" and opts.native
    return arrange(tokens, pick_layout(rng, tokens, CYRILLIC_ORDER_WEIGHTS if cyrillic else None))


class Retry(Exception):
    """A pair came out unusable (identical sides, duplicate); draw it again."""


def differing(make: Callable[[], str], first: str, attempts: int = 30) -> str:
    """Call ``make`` until it gives a name other than ``first`` (more than in case)."""
    for _ in range(attempts):
        name = make()
        if name.casefold() != first.casefold():
            return name
    raise Retry


# --- Typos --------------------------------------------------------------------

KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю")


def _neighbours(char: str) -> str:
    lower = char.lower()
    for row in KEYBOARD_ROWS:
        at = row.find(lower)
        if at >= 0:
            near = row[max(at - 1, 0) : at] + row[at + 1 : at + 2]
            return near.upper() if char.isupper() else near
    return ""


def _inner_positions(word: str) -> list[int]:
    """Letters that are neither the first nor the last of their word."""
    return [
        index
        for index in range(1, len(word) - 1)
        if word[index].isalpha() and word[index - 1].isalpha() and word[index + 1].isalpha()
    ]


def one_typo(rng: random.Random, word: str) -> str:
    """One edit inside ``word``: drop, double, swap with the next letter, or a neighbouring key."""
    positions = _inner_positions(word)
    if not positions:
        raise Retry
    index = rng.choice(positions)
    edit = rng.choice(("drop", "double", "swap", "key"))
    if edit == "drop":
        return word[:index] + word[index + 1 :]
    if edit == "double":
        return word[:index] + word[index] + word[index:]
    if edit == "swap" and index + 1 in positions:
        return word[:index] + word[index + 1] + word[index] + word[index + 2 :]
    near = _neighbours(word[index])
    if not near:
        return word[:index] + word[index + 1 :]
    return word[:index] + rng.choice(near) + word[index + 1 :]


def _known_names() -> frozenset[str]:
    """Given names from the tables, in every spelling, that a typo must not produce."""
    names: set[str] = set()
    for entry in AR_GIVEN.values():
        names.update(entry.latin)
    for _, variants in PH_GIVEN.values():
        names.update(variants)
    for formal, (_, nicks) in EN_NICKNAMES.items():
        names.update((formal, *nicks))
    for pairs in ONE_LETTER.values():
        for pair in pairs:
            names.update(pair)
    cyrillic = {*RU_PATRONYMICS, *RU_DIMINUTIVES, *(n for pair in ONE_LETTER["ru"] for n in pair)}
    names |= cyrillic
    names.update(transliterate(name, system) for system in RU_SYSTEMS for name in cyrillic)
    return frozenset(name.lower() for name in names)


KNOWN_NAMES = _known_names()


def typo(rng: random.Random, word: str) -> str:
    """One or two edits that leave a different string which is not another known name."""
    for _ in range(20):
        edited = one_typo(rng, word)
        if rng.random() < 0.3:
            edited = one_typo(rng, edited)
        if edited.lower() != word.lower() and edited.lower() not in KNOWN_NAMES:
            return edited
    raise Retry


# --- Pairs --------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    name: str
    birth: date | None
    nationality: str
    gender: str


@dataclass(frozen=True)
class Pair:
    category: str
    match: bool
    left: Side
    right: Side


@dataclass
class Kit:
    rng: random.Random
    people: People


def side(
    rng: random.Random, person: Person, name: str, birth: date | None, *, strict: bool
) -> Side:
    """A record of ``person``; nationality and gender are sometimes left empty."""
    nationality = "" if rng.random() < BLANK_NATIONALITY else person.nationality
    gender = "" if not strict and rng.random() < BLANK_GENDER else person.gender
    return Side(name, birth, nationality, gender)


def make_pair(
    kit: Kit,
    category: str,
    match: bool,
    first: tuple[Person, str, date | None],
    second: tuple[Person, str, date | None],
    *,
    blank_date: bool,
    strict_gender: bool = False,
) -> Pair:
    """A labelled pair, one date possibly blanked, sides in random order."""
    rng = kit.rng
    (person_a, name_a, birth_a), (person_b, name_b, birth_b) = first, second
    if blank_date and rng.random() < (BLANK_DATE if match else BLANK_DATE_NEGATIVE):
        if rng.random() < 0.5:
            birth_a = None
        else:
            birth_b = None
    a = side(rng, person_a, name_a, birth_a, strict=strict_gender)
    b = side(rng, person_b, name_b, birth_b, strict=strict_gender)
    left, right = (a, b) if rng.random() < 0.5 else (b, a)
    return Pair(category, match, left, right)


def same_person(
    kit: Kit, category: str, person: Person, name_a: str, name_b: str, birth_b: date | None = None
) -> Pair:
    """A match: both sides are ``person``; ``birth_b`` overrides the second side's date."""
    swapped = birth_b is not None
    return make_pair(
        kit,
        category,
        True,
        (person, name_a, person.birth),
        (person, name_b, birth_b or person.birth),
        blank_date=not swapped,
    )


def pair_cyrillic_latin(kit: Kit, index: int) -> Pair:
    rng = kit.rng
    person = kit.people.make("ru")
    dropped = _weighted(rng, {"none": 55, "cyrillic": 15, "latin": 25, "both": 5})
    cyrillic = render(rng, person, SpellOpts(native=True, keep_middle=dropped in ("none", "latin")))
    latin = render(rng, person, SpellOpts(keep_middle=dropped in ("none", "cyrillic")))
    return same_person(kit, "cyrillic_latin", person, cyrillic, latin)


def pair_arabic_latin(kit: Kit, index: int) -> Pair:
    rng = kit.rng
    person = kit.people.make("ar")
    drop_a, drop_b = rng.choice(((False, False),) * 8 + ((True, False), (False, True)))
    first = render(rng, person, SpellOpts(native=rng.random() < 0.45, keep_middle=not drop_a))
    second = differing(lambda: render(rng, person, SpellOpts(keep_middle=not drop_b)), first)
    return same_person(kit, "arabic_latin", person, first, second)


def pair_filipino(kit: Kit, index: int) -> Pair:
    rng = kit.rng
    person = kit.people.make("ph")

    def one() -> str:
        opts = SpellOpts(keep_middle=rng.random() < 0.75, keep_suffix=rng.random() < 0.85)
        return render(rng, person, opts)

    first = one()
    return same_person(kit, "filipino", person, first, differing(one, first))


def _native_share(culture: str) -> float:
    return {"ru": 0.4, "ar": 0.2}.get(culture, 0.0)


def pair_reordered(kit: Kit, index: int) -> Pair:
    rng = kit.rng
    person = kit.people.make(CULTURES[index % len(CULTURES)])
    native = rng.random() < _native_share(person.culture)
    tokens = spell(rng, person, SpellOpts(native=native, keep_middle=rng.random() < 0.7))
    case = "as_is" if tokens.arabic else _weighted(rng, CASE_WEIGHTS)
    natural = arrange(tokens, Layout("natural", case))
    order = "surname_first" if tokens.arabic else rng.choice(("surname_first", "comma"))
    if not tokens.arabic and rng.random() < 0.3:
        case = _weighted(rng, CASE_WEIGHTS)
    reordered = arrange(tokens, Layout(order, case))
    if reordered == natural:
        raise Retry
    return same_person(kit, "reordered", person, natural, reordered)


def _nickname_en(kit: Kit) -> tuple[Person, str, str]:
    rng = kit.rng
    formal = rng.choice(list(EN_NICKNAMES))
    gender, nicks = EN_NICKNAMES[formal]
    person = kit.people.make("en", gender=gender, given=formal)
    if rng.random() < 0.25:
        person = replace(person, family=kit.people.ph_style_surname(), nationality="ph")
    full = render(rng, person, SpellOpts(keep_middle=rng.random() < 0.5))
    short = render(rng, person, SpellOpts(keep_middle=False, given=rng.choice(nicks)))
    return person, full, short


def _nickname_ru(kit: Kit) -> tuple[Person, str, str]:
    rng = kit.rng
    formal = rng.choice(list(RU_DIMINUTIVES))
    gender, nicks = RU_DIMINUTIVES[formal]
    person = kit.people.make("ru", gender=gender, given=formal)
    native_full, native_short = rng.choice(
        ((True, True),) * 3 + ((False, False),) * 4 + ((True, False), (False, True)) * 2
    )
    full = render(rng, person, SpellOpts(native=native_full, keep_middle=rng.random() < 0.5))
    nick = rng.choice(nicks)
    short = render(rng, person, SpellOpts(native=native_short, keep_middle=False, given=nick))
    return person, full, short


def _nickname_es(kit: Kit) -> tuple[Person, str, str]:
    rng = kit.rng
    formal = rng.choice(list(ES_NICKNAMES))
    person = kit.people.make("ph", gender=PH_GIVEN[formal][0], given=formal)
    if rng.random() < 0.2:
        person = replace(person, nationality=rng.choice(("es", "mx")))
    full = render(rng, person, SpellOpts(keep_middle=rng.random() < 0.6))
    nick = rng.choice(ES_NICKNAMES[formal])
    short = render(rng, person, SpellOpts(keep_middle=False, given=nick))
    return person, full, short


def pair_nickname(kit: Kit, index: int) -> Pair:
    kind = _weighted(kit.rng, {"en": 45, "ru": 35, "es": 20})
    maker = {"en": _nickname_en, "ru": _nickname_ru, "es": _nickname_es}[kind]
    person, full, short = maker(kit)
    return same_person(kit, "nickname", person, full, short)


def pair_swapped_date(kit: Kit, index: int) -> Pair:
    rng = kit.rng
    culture = CULTURES[index % len(CULTURES)]
    person = kit.people.make(culture, birth=swappable_date(rng))
    native = rng.random() < _native_share(culture) / 2
    tokens = spell(rng, person, SpellOpts(native=native, keep_middle=rng.random() < 0.7))
    layout = pick_layout(rng, tokens)
    other_tokens, other_layout = tokens, layout
    variation = _weighted(rng, {"none": 50, "case": 25, "middle": 25})
    if variation == "case" and not tokens.arabic:
        other_layout = replace(layout, case=_weighted(rng, CASE_WEIGHTS))
    elif variation == "middle":
        other_tokens = replace(tokens, middle="")
    first, second = arrange(tokens, layout), arrange(other_tokens, other_layout)
    return same_person(kit, "swapped_date", person, first, second, swap_day_month(person.birth))


def pair_typo(kit: Kit, index: int) -> Pair:
    rng = kit.rng
    culture = CULTURES[index % len(CULTURES)]
    person = kit.people.make(culture)
    native = culture == "ru" and rng.random() < 0.25
    tokens = spell(rng, person, SpellOpts(native=native, keep_middle=rng.random() < 0.6))
    fields = [field for field in ("given", "family") if len(getattr(tokens, field)) >= 4]
    if not fields:
        raise Retry
    field = rng.choice(fields)
    edited = replace(tokens, **{field: typo(rng, getattr(tokens, field))})
    layout = pick_layout(rng, tokens)
    other_layout = layout
    if rng.random() < 0.2:
        other_layout = replace(layout, case=_weighted(rng, CASE_WEIGHTS))
    return same_person(kit, "typo", person, arrange(tokens, layout), arrange(edited, other_layout))


# --- Hard negatives -------------------------------------------------------------


def _scripts(rng: random.Random, culture: str) -> tuple[bool, bool]:
    """Which side of a negative pair is in native script (Cyrillic/Arabic)."""
    if culture == "ru":
        weights = {"both": 25, "first": 20, "second": 20, "neither": 35}
    elif culture == "ar":
        weights = {"both": 5, "first": 20, "second": 20, "neither": 55}
    else:
        return False, False
    choice = _weighted(rng, weights)
    return choice in ("both", "first"), choice in ("both", "second")


def different_people(
    kit: Kit,
    a: Person,
    b: Person,
    *,
    keep_middle: bool | None = None,
    blank_date: bool = False,
    strict_gender: bool = False,
) -> Pair:
    """A non-match of ``a`` and ``b`` rendered with the variation a match would have."""
    rng = kit.rng
    native_a, native_b = _scripts(rng, a.culture)
    keep_a = rng.random() < 0.75 if keep_middle is None else keep_middle
    keep_b = rng.random() < 0.75 if keep_middle is None else keep_middle
    name_a = render(rng, a, SpellOpts(native=native_a, keep_middle=keep_a))
    name_b = render(rng, b, SpellOpts(native=native_b, keep_middle=keep_b))
    return make_pair(
        kit,
        NEGATIVE,
        False,
        (a, name_a, a.birth),
        (b, name_b, b.birth),
        blank_date=blank_date,
        strict_gender=strict_gender,
    )


def _until(make: Callable[[], Person], ok: Callable[[Person], bool]) -> Person:
    for _ in range(50):
        person = make()
        if ok(person):
            return person
    raise Retry


def neg_same_surname(kit: Kit, culture: str) -> Pair:
    """Same family name, another given name, another birth date."""
    people, rng = kit.people, kit.rng
    a = people.make(culture)
    b = _until(
        lambda: people.make(
            culture,
            family=a.family,
            birth=distant_date(rng, a.birth),
            nationality=a.nationality,
        ),
        lambda p: p.given != a.given,
    )
    return different_people(kit, a, b, blank_date=True)


def _middles_differ(a: Person, b: Person) -> bool:
    """Different middle names that stay different when written as initials."""
    if a.culture in ("ph", "en"):
        return bool(a.middle and b.middle) and initial(a.middle) != initial(b.middle)
    return a.middle != b.middle


def neg_same_name_other_middle(kit: Kit, culture: str) -> Pair:
    """Same given name and surname, another middle name or patronymic, 3-25 years apart."""
    people, rng = kit.people, kit.rng
    gender = rng.choice(GENDERS)
    middle = people.en_first_name(gender) if culture == "en" else None
    a = people.make(culture, gender=gender, middle=middle)

    def other() -> Person:
        extra = people.en_first_name(a.gender) if culture == "en" else None
        return people.make(
            culture,
            gender=a.gender,
            given=a.given,
            middle=extra,
            family=a.family,
            birth=years_apart(rng, a.birth, 3, 25),
            nationality=a.nationality,
        )

    b = _until(other, lambda p: _middles_differ(a, p))
    b = replace(b, suffix="", honorific="")
    a = replace(a, suffix="", honorific="")
    return different_people(kit, a, b, keep_middle=True)


def neg_same_given(kit: Kit, culture: str) -> Pair:
    """Same given name (sometimes the same middle name too), another surname."""
    people, rng = kit.people, kit.rng
    a = people.make(culture)
    share_middle = culture in ("ru", "ar") and rng.random() < 0.5
    b = _until(
        lambda: people.make(
            culture,
            gender=a.gender,
            given=a.given,
            middle=a.middle if share_middle else None,
            birth=distant_date(rng, a.birth),
        ),
        lambda p: p.family != a.family,
    )
    return different_people(kit, a, b, blank_date=True)


def _sibling_middles(kit: Kit, culture: str, genders: tuple[str, str]) -> tuple[str, str] | None:
    """Middle names siblings share: the father's patronymic (ru) or the mother's surname (ph)."""
    rng = kit.rng
    if culture == "ru":
        son, daughter = RU_PATRONYMICS[rng.choice(list(RU_PATRONYMICS))]
        first, second = (son if gender == _M else daughter for gender in genders)
        return first, second
    if culture == "ph":
        maiden = rng.choice(list(PH_SURNAMES))
        return maiden, maiden
    if culture == "ar":
        father = rng.choice(AR_MALE)
        return father, father
    return None


def neg_siblings(kit: Kit, culture: str) -> Pair:
    """Siblings: same surname (and father or mother), birth dates 1-3 years apart."""
    people, rng = kit.people, kit.rng
    genders = (rng.choice(GENDERS), rng.choice(GENDERS))
    middles = _sibling_middles(kit, culture, genders) or (None, None)
    a = people.make(culture, gender=genders[0], middle=middles[0])
    if a.middle == a.given:
        raise Retry
    b = _until(
        lambda: people.make(
            culture,
            gender=genders[1],
            middle=middles[1],
            family=a.family,
            birth=years_apart(rng, a.birth, 1, 3),
            nationality=a.nationality,
        ),
        lambda p: p.given not in (a.given, p.middle),
    )
    return different_people(kit, a, b, blank_date=True)


def neg_one_letter(kit: Kit, culture: str) -> Pair:
    """Gendered names one letter apart in one family (Aleksandr/Aleksandra); twins sometimes."""
    people, rng = kit.people, kit.rng
    male, female = rng.choice(ONE_LETTER[culture])
    middles = _sibling_middles(kit, culture, (_M, _F)) or (None, None)
    a = people.make(culture, gender=_M, given=male, middle=middles[0])
    if a.middle == a.given:
        raise Retry
    twins = rng.random() < 0.25
    birth = a.birth if twins else years_apart(rng, a.birth, 1, 6)
    b = people.make(
        culture,
        gender=_F,
        given=female,
        middle=middles[1],
        family=a.family,
        birth=birth,
        nationality=a.nationality,
    )
    if a.family in (a.middle, b.middle):
        raise Retry
    return different_people(kit, a, b, strict_gender=True, blank_date=False)


def neg_arabic_father_son(kit: Kit, culture: str) -> Pair:
    """Father and son: the son's father's name is the father's given name."""
    people, rng = kit.people, kit.rng
    father = people.make("ar", gender=_M, birth=random_date(rng, FIRST_DAY, date(1975, 12, 31)))
    named_for_grandfather = rng.random() < 0.15
    son = _until(
        lambda: people.make(
            "ar",
            gender=_M,
            given=father.middle if named_for_grandfather else None,
            middle=father.given,
            family=father.family,
            birth=later_by(rng, father.birth, 20, 30),
            nationality=father.nationality,
        ),
        lambda p: p.given != father.given,
    )
    return different_people(kit, father, son, keep_middle=True)


def neg_arabic_brothers(kit: Kit, culture: str) -> Pair:
    """Brothers (or brother and sister): same father's name and family name."""
    people, rng = kit.people, kit.rng
    a = people.make("ar")
    b = _until(
        lambda: people.make(
            "ar",
            middle=a.middle,
            family=a.family,
            birth=years_apart(rng, a.birth, 1, 8),
            nationality=a.nationality,
        ),
        lambda p: p.given not in (a.given, a.middle),
    )
    return different_people(kit, a, b, keep_middle=True, blank_date=True)


def neg_filipino_junior(kit: Kit, culture: str) -> Pair:
    """Juan dela Cruz and his son Juan dela Cruz Jr., 25-30 years apart."""
    people, rng = kit.people, kit.rng
    father = people.make("ph", gender=_M, birth=random_date(rng, FIRST_DAY, date(1975, 12, 31)))
    father = replace(father, suffix="Sr." if rng.random() < 0.3 else "", honorific="")
    son = _until(
        lambda: people.make(
            "ph",
            gender=_M,
            given=father.given,
            family=father.family,
            birth=later_by(rng, father.birth, 25, 30),
        ),
        lambda p: p.middle != father.middle,
    )
    son = replace(son, suffix="Jr.", honorific="")
    keep = rng.random() < 0.5
    name_father = render(rng, father, SpellOpts(keep_middle=keep, keep_suffix=rng.random() < 0.5))
    name_son = render(rng, son, SpellOpts(keep_middle=keep))
    return make_pair(
        kit,
        NEGATIVE,
        False,
        (father, name_father, father.birth),
        (son, name_son, son.birth),
        blank_date=False,
    )


def neg_russian_father_son(kit: Kit, culture: str) -> Pair:
    """Father and son: the son's patronymic comes from the father's given name."""
    people, rng = kit.people, kit.rng
    father = people.make(
        "ru",
        gender=_M,
        given=rng.choice(list(RU_PATRONYMICS)),
        birth=random_date(rng, FIRST_DAY, date(1975, 12, 31)),
    )
    son_given = father.given if rng.random() < 0.15 else rng.choice(list(RU_PATRONYMICS))
    son = people.make(
        "ru",
        gender=_M,
        given=son_given,
        middle=RU_PATRONYMICS[father.given][0],
        family=father.family,
        birth=later_by(rng, father.birth, 20, 35),
        nationality=father.nationality,
    )
    if son.middle == father.middle:
        raise Retry
    return different_people(kit, father, son, keep_middle=True)


# Each subtype with the cultures it draws from.
NEGATIVE_SUBTYPES: tuple[tuple[Callable[[Kit, str], Pair], tuple[str, ...]], ...] = (
    (neg_same_surname, CULTURES),
    (neg_same_name_other_middle, CULTURES),
    (neg_same_given, CULTURES),
    (neg_siblings, ("ru", "ph", "en")),
    (neg_one_letter, CULTURES),
    (neg_arabic_father_son, ("ar",)),
    (neg_arabic_brothers, ("ar",)),
    (neg_filipino_junior, ("ph",)),
    (neg_russian_father_son, ("ru",)),
)


def pair_hard_negative(kit: Kit, index: int) -> Pair:
    maker, cultures = NEGATIVE_SUBTYPES[index % len(NEGATIVE_SUBTYPES)]
    culture = cultures[(index // len(NEGATIVE_SUBTYPES)) % len(cultures)]
    return maker(kit, culture)


PAIR_MAKERS: dict[str, Callable[[Kit, int], Pair]] = {
    "cyrillic_latin": pair_cyrillic_latin,
    "arabic_latin": pair_arabic_latin,
    "filipino": pair_filipino,
    "reordered": pair_reordered,
    "nickname": pair_nickname,
    "swapped_date": pair_swapped_date,
    "typo": pair_typo,
    NEGATIVE: pair_hard_negative,
}


# --- Generation and output ------------------------------------------------------


def plan(count: int) -> list[tuple[str, int]]:
    """Category of each pair with its index in that category: 40% negatives, the rest even."""
    negatives = round(count * NEGATIVE_SHARE)
    per_match, extra = divmod(count - negatives, len(MATCH_CATEGORIES))
    sizes = {name: per_match + (i < extra) for i, name in enumerate(MATCH_CATEGORIES)}
    sizes[NEGATIVE] = negatives
    return [(name, index) for name, size in sizes.items() for index in range(size)]


def _key(pair: Pair) -> frozenset[tuple[str, str]]:
    return frozenset(
        (s.name, s.birth.isoformat() if s.birth else "") for s in (pair.left, pair.right)
    )


def _usable(pair: Pair) -> bool:
    left, right = pair.left, pair.right
    return bool(left.name and right.name) and (left.name, left.birth) != (right.name, right.birth)


def generate(seed: int, count: int) -> list[Pair]:
    """``count`` distinct labelled pairs in a shuffled, seed-determined order."""
    rng = random.Random(seed)
    kit = Kit(rng, People(rng, seed))
    pairs: list[Pair] = []
    seen: set[frozenset[tuple[str, str]]] = set()
    for category, index in plan(count):
        for _ in range(100):
            try:
                pair = PAIR_MAKERS[category](kit, index)
            except Retry:
                continue
            if _usable(pair) and _key(pair) not in seen:
                seen.add(_key(pair))
                pairs.append(pair)
                break
        else:
            raise RuntimeError(f"could not make a {category} pair")
    rng.shuffle(pairs)
    return pairs


def _row(pair_id: int, pair: Pair) -> list[str]:
    row = [str(pair_id), pair.category, "1" if pair.match else "0"]
    for record in (pair.left, pair.right):
        birth = record.birth.isoformat() if record.birth else ""
        row += [record.name, birth, record.nationality, record.gender]
    return row


def write(pairs: list[Pair], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(_row(pair_id, pair) for pair_id, pair in enumerate(pairs, start=1))


def summary(pairs: list[Pair]) -> str:
    per_category = Counter(pair.category for pair in pairs)
    lines = [f"{name:16} {per_category[name]:6}" for name in (*MATCH_CATEGORIES, NEGATIVE)]
    matches = sum(pair.match for pair in pairs)
    blank = sum(1 for p in pairs if p.left.birth is None or p.right.birth is None)
    lines += [
        f"{'matches':16} {matches:6}",
        f"{'non-matches':16} {len(pairs) - matches:6}",
        f"{'total':16} {len(pairs):6}",
        f"{'one date empty':16} {blank:6}",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--out", type=Path, default=Path("tests/data/matching/name_pairs.csv"))
    args = parser.parse_args()
    pairs = generate(args.seed, args.count)
    write(pairs, args.out)
    print(f"wrote {len(pairs)} pairs to {args.out}")
    print(summary(pairs))


if __name__ == "__main__":
    main()
