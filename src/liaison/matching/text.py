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

# Transliteration choices folded by the skeleton, longest first.
_DIGRAPHS = (
    ("shch", "s"), ("sch", "s"), ("tch", "c"), ("dzh", "j"), ("ch", "c"), ("sh", "s"),
    ("zh", "j"), ("kh", "h"), ("ph", "f"), ("th", "t"), ("dh", "d"), ("gh", "g"),
    ("ts", "c"), ("tz", "c"), ("ck", "k"), ("ou", "u"), ("x", "ks"), ("q", "k"),
    ("w", "v"), ("z", "s"), ("c", "k"),
)  # fmt: skip
_VOWELS = frozenset("aeiouy")
_NOT_LETTER = re.compile(r"[^a-z]")


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
def skeleton(token: str) -> str:
    """The consonant skeleton of a Latin token: a phonetic key across scripts.

    The first letter stays (a vowel becomes ``a``), later vowels and
    ``y`` go, transliteration digraphs fold (``kh``/``h``, ``x``/``ks``,
    ``zh``/``j``...), doubled letters collapse.
    """
    text = _NOT_LETTER.sub("", token)
    if not text:
        return ""
    for old, new in _DIGRAPHS:
        text = text.replace(old, new)
    head = "a" if text[0] in _VOWELS else text[0]
    body = [ch for ch in text[1:] if ch not in _VOWELS]
    out = [head]
    for ch in body:
        if ch != out[-1]:
            out.append(ch)
    return "".join(out)
