"""Name text across scripts: tokens, Latin forms and consonant skeletons.

rigour transliterates Cyrillic, Greek, Armenian, Georgian and Hangul
(``maybe_ascii``) and falls back to ICU for other scripts; it deliberately
does not transliterate Arabic in a way that meets Latin spellings, and
neither does ICU's scholarly ``Arabic-Latin`` (``mḥmd``). Arabic script
is written without short vowels, so no transliteration can restore
"Mohammed" from محمد. What both sides share is the **consonant
skeleton**: ``محمد`` → ``mhmd``; ``Mohammed``, ``Muhammad``, ``Mohamad``
→ ``mhmd``. The skeleton also folds the usual transliteration choices of
Cyrillic (Yuliya / Iuliia, Aleksandr / Alexander, Khalid / Halid).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rigour.text.translit import ascii_text

# Arabic letters as consonants; long vowels (alif, waw, ya) become vowels
# that the skeleton drops after the first letter.
_ARABIC = {
    "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ٱ": "a", "ب": "b", "ت": "t", "ث": "th",
    "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh", "ر": "r", "ز": "z", "س": "s",
    "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "a", "غ": "gh", "ف": "f",
    "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "و": "u", "ي": "i",
    "ى": "a", "ة": "a", "ء": "", "ئ": "", "ؤ": "", "پ": "p", "چ": "ch", "ژ": "zh",
    "گ": "g", "ک": "k", "ی": "i", "ڤ": "v",
}  # fmt: skip
_ARABIC_ARTICLE = "ال"
_ARABIC_RANGE = re.compile(r"[\u0600-\u06ff\u0750-\u077f]")
_DIACRITICS = re.compile(r"[\u064b-\u065f\u0670\u0640]")  # harakat, dagger alif, tatweel

# Spellings that romanisation systems choose differently for one sound, rewritten to
# one form, in order (longest first). Russian: ICAO 9303, BGN/PCGN, GOST 7.79, ISO 9 and
# the German (sch, tsch, schtsch, w) and French (ch, tch, j, ou) popular forms; Arabic:
# English, French (dj, ou), ALA-LC and DIN 31635 without diacritics.
_FOLDS = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"schtsch|shtch|chtch|shch|sch|ch(?=tch)", "sh"),
        (r"tsch|tch|tsh|cz", "ch"),
        (r"dzh|dsch|dj", "j"),
        (r"zh", "j"),
        (r"kh", "h"),
        (r"ph", "f"),
        (r"ck|q", "k"),
        (r"x", "ks"),
        (r"w", "v"),
        (r"ff$", "v"),  # Romanoff, Smirnoff
        (r"oo|ou", "u"),
        (r"ee", "i"),
        (r"(?:iy|ij|ii|yi|yj|yy|iyy)$", "i"),  # -ий: -iy, -ii, -ij, -yi, -y
        (r"(?<=[aeiou])(?:y|i)(?=[aeiou])", "j"),  # the glide й/ي is j: Maya, Maja, Maia
        (r"^(?:ye|ie|je)", "e"),  # Е: Yevgeniy, Evgenii, Ievguenii, Jewgeni
        (r"^(?:ya|ia)", "ja"),
        (r"^(?:yu|iu)", "ju"),
        (r"^yo", "jo"),
        (r"(?<=[bcdfghklmnprstvz])(?:ia|ya)", "ja"),  # Anastasiia, Anastasija, Anastasiya
        (r"(?<=[bcdfghklmnprstvz])(?:iu|yu)", "ju"),
        (r"ai|ay|ei|ey", "ay"),  # Hussain, Hussein, Husayn
        (r"gu(?=[ei])", "g"),  # Guennadi
        (r"(.)\1+", r"\1"),
    )
)

# Transliteration choices folded by the skeleton, longest first.
_DIGRAPHS = (
    ("shch", "s"), ("sh", "s"), ("ts", "s"), ("tz", "s"), ("ch", "k"), ("th", "t"),
    ("dh", "d"), ("gh", "g"), ("z", "s"), ("c", "k"),
)  # fmt: skip
_VOWELS = frozenset("aeiouy")
_NOT_LETTER = re.compile(r"[^a-z]")
# Coarse letter classes: sounds that one system writes with a letter another uses for
# a neighbouring sound (German s/z/sch for з/ц/ж, Egyptian g for j, k/q/g, d/t, b/p).
_CLASS_DIGRAPHS = (("sh", "s"), ("ch", "s"), ("ts", "s"), ("th", "t"), ("dh", "d"), ("gh", "g"))
_CLASSES = str.maketrans("szcjgqkdtbpvf", "SSSSKKKDDBBVV")


def is_arabic(text: str) -> bool:
    """Whether the text contains Arabic-script letters."""
    return _ARABIC_RANGE.search(text) is not None


def arabic_to_latin(word: str, *, drop_article: bool = True) -> str:
    """One Arabic-script word in unvocalised Latin letters (``محمد`` → ``muhmd``).

    The article ``ال`` is dropped from words longer than it, as Latin
    spellings drop or vary it (al-Rashid, el-Rashid, Rashid).
    """
    word = _DIACRITICS.sub("", unicodedata.normalize("NFC", word))
    if drop_article and word.startswith(_ARABIC_ARTICLE) and len(word) > 3:
        word = word[2:]
    out = [_ARABIC.get(ch, "") for ch in word]
    if out and word[0] in "وي":
        out[0] = {"و": "w", "ي": "y"}[word[0]]
    return "".join(out)


@lru_cache(maxsize=65536)
def latin(token: str) -> str:
    """A token as lower-case ASCII letters and digits, whatever its script."""
    if is_arabic(token):
        return arabic_to_latin(token)
    return re.sub(r"[^a-z0-9]", "", ascii_text(token).lower())


@lru_cache(maxsize=65536)
def fold(token: str, doubles: bool = False) -> str:
    """A Latin token with the spellings that romanisation systems choose differently
    for one sound rewritten to one form (``Jakowlew``, ``Iakovlev``, ``Yakovlev`` →
    ``yakovlev``; ``Joukov``, ``Zhukov`` → ``jukov``; ``Hussein``, ``Husain`` →
    ``husayn``), doubled letters single (kept with ``doubles``)."""
    text = _NOT_LETTER.sub("", token)
    for pattern, replacement in _FOLDS if not doubles else _FOLDS[:-1]:
        text = pattern.sub(replacement, text)
    return text


@lru_cache(maxsize=65536)
def skeleton(token: str) -> str:
    """The consonant skeleton of a Latin token: a phonetic key across scripts.

    Built on :func:`fold`: the first letter stays (a vowel becomes ``a``), later
    vowels and ``y`` go, transliteration digraphs fold (``kh``/``h``, ``x``/``ks``,
    ``zh``/``j``...), doubled letters collapse.
    """
    text = fold(token)
    if not text:
        return ""
    for old, new in _DIGRAPHS:
        text = text.replace(old, new)
    return _consonants(text)


def _consonants(text: str) -> str:
    head = "a" if text[0] in _VOWELS else text[0]
    out = [head]
    for ch in text[1:]:
        if ch not in _VOWELS and ch != out[-1]:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=65536)
def letter_classes(token: str) -> str:
    """A coarser key than :func:`skeleton`: consonants by class (sibilants and
    affricates one class with ``j``, ``g``/``k``/``q`` one, ``d``/``t``, ``b``/``p``,
    ``v``/``f``), so that German ``Schukow`` meets ``Zhukov``, French ``Chostakovitch``
    meets ``Shostakovich`` and ``Saizew`` meets ``Zaytsev``. A key, not a similarity."""
    text = fold(token)
    if not text:
        return ""
    for old, new in _CLASS_DIGRAPHS:
        text = text.replace(old, new)
    text = text.translate(_CLASSES).lower()
    return _consonants(text)
