"""Names of organisations, companies and vessels, compared as what they are (pure).

A company's name is not a person's: its legal form (``LLC``, ``ООО``, ``Sdn Bhd``,
``Limited Liability Company``) is written in many ways or left out, its generic
words (*Trading*, *General*, *Shipping*) are shared by thousands of unrelated
companies, and a number (``Ocean Star 2``) tells sister ships apart. So a name is
read as:

- its words in Latin letters (any script, as for persons), with ``&`` = ``and``,
  roman numerals as digits and vessel prefixes (``M/V``, ``MT``) dropped;
- its **legal form**, normalised with rigour's table of organisation types and kept
  apart (a form on one side only is no evidence either way);
- its **distinctive** words (not generic, not a legal form) and its numbers.

Two names are compared word by word (best one-to-one alignment, typos and
transliteration tolerated through :func:`liaison.matching.names.part_similarity`);
the level says whether the distinctive words agree, not only how many words do.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rigour.names import extract_org_types, remove_org_types
from rigour.text.distance import jaro_winkler

from liaison.matching.names import NameForm
from liaison.matching.text import fold, latin, skeleton
from liaison.matching.vocab import vocabulary

#: Name levels for organisations, from the strongest agreement to the weakest.
ORG_LEVELS = ("exact", "strong", "close", "partial", "generic", "conflict", "none")

_SPLIT = re.compile(r"[\s,;/()\"“”«».\-_'’:]+")
_ROMAN = {"ii": "2", "iii": "3", "iv": "4", "vi": "6", "vii": "7", "viii": "8", "ix": "9"}
_VESSEL_PREFIXES = frozenset({"mv", "mt", "ms", "mf", "my", "ss", "fv", "rv", "lng", "lpg"})


@dataclass(frozen=True, slots=True)
class OrgName:
    """An organisation's name read for comparison."""

    words: tuple[str, ...]  # every word but the legal form, in Latin letters
    forms: frozenset[str]  # legal forms found (``llc``, ``sdn bhd``...)
    distinctive: tuple[str, ...]  # words that are neither generic nor a legal form
    numbers: frozenset[str]


@dataclass(frozen=True, slots=True)
class OrgMatch:
    level: str
    detail: str


_EXTRA_FORMS = frozenset({"pvt", "tbk", "wll", "pte", "bhd", "sdn", "fzc", "fze", "fzco"})


def _words(text: str) -> list[str]:
    words = [latin(t) for t in _SPLIT.split(text.replace("&", " and ")) if t]
    return [w for w in words if w]


_SLASHED = re.compile(r"\b([a-z])/([a-z])\b")  # M/V, M/T
_DOTTED = re.compile(r"\b((?:[a-z]\.){2,})")  # W.L.L., P.T.


def _lower_latin(text: str) -> str:
    """Lower case, each word in another script written in Latin letters, punctuation
    inside Latin words kept (rigour's legal forms include ``s.a.`` and ``l.l.c.``),
    roman numerals as digits."""
    words = [t.lower() if t.isascii() else latin(t) for t in text.split()]
    return _SLASHED.sub(r"\1\2", " ".join(_ROMAN.get(w, w) for w in words))


@lru_cache(maxsize=100_000)
def read(original: str) -> OrgName:
    """The comparable reading of one organisation name."""
    text = _lower_latin(original)
    forms = {form for _, form in extract_org_types(text)}
    rest = _DOTTED.sub(lambda m: m.group(1).replace(".", "") + " ", remove_org_types(text))
    words = _words(rest)
    forms |= {w for w in words if w in _EXTRA_FORMS}
    words = [w for w in words if w not in _EXTRA_FORMS]
    if len(words) > 1 and words[0] in _VESSEL_PREFIXES:
        words = words[1:]
    generic = vocabulary().org_generic
    return OrgName(
        words=tuple(words),
        forms=frozenset(forms),
        distinctive=tuple(w for w in words if w not in generic and not w.isdigit()),
        numbers=frozenset(w for w in words if w.isdigit()),
    )


@lru_cache(maxsize=200_000)
def _similar(a: str, b: str) -> float:
    """How alike two words of organisation names are. Stricter than for persons: one
    letter apart is usually another word (Reef / Reed, Wave / Wake, Coral / Corral),
    so only romanisation variants, abbreviations and typos in long words agree."""
    if a == b:
        return 1.0
    if a.isdigit() or b.isdigit():
        return 0.0
    if fold(a, doubles=True) == fold(b, doubles=True):
        return 0.97  # Bystryj / Bystryi, Iakor / Yakor, Nour / Noor
    short, long_ = sorted((a, b), key=len)
    if len(short) >= 3 and _abbreviates(short, long_):
        return 0.9  # Mvt. / Movement, Intl / International, Charity / Charitable
    if len(short) >= 5 and skeleton(a) == skeleton(b) and a[0] == b[0]:
        return 0.9  # transliteration choices (Tixij / Tikhiy)
    score = jaro_winkler(a, b)
    return score if len(short) >= 8 and score >= 0.95 else 0.0


def _abbreviates(short: str, long_: str) -> bool:
    """``short`` is ``long_``'s beginning, or its letters in order with the first kept."""
    if long_.startswith(short[: max(4, len(short) - 2)]) and len(short) >= 4:
        return True
    if short[0] != long_[0]:
        return False
    rest = iter(long_[1:])
    return all(ch in rest for ch in short[1:]) and len(short) <= len(long_) // 2 + 2


def _acronym(q: OrgName, c: OrgName) -> bool:
    """One name is the other's initials (``DRRS`` = Desert Reef Relief Society)."""
    for short, long_ in ((q, c), (c, q)):
        if len(short.words) != 1 or len(long_.words) < 2:
            continue
        initials = {"".join(w[0] for w in words) for words in (long_.words, long_.distinctive)}
        if short.words[0] in initials:
            return True
    return False


def _aligned(left: Sequence[str], right: Sequence[str]) -> list[float]:
    """Best one-to-one alignment of two word lists (similarities >= 0.8)."""
    pairs = sorted(
        ((_similar(a, b), i, j) for i, a in enumerate(left) for j, b in enumerate(right)),
        reverse=True,
    )
    used_l: set[int] = set()
    used_r: set[int] = set()
    out: list[float] = []
    for score, i, j in pairs:
        if score < 0.8 or i in used_l or j in used_r:
            continue
        used_l.add(i)
        used_r.add(j)
        out.append(score)
    return out


def _activities(name: OrgName) -> set[str]:
    vocab = vocabulary()
    return {w for w in name.words if w in vocab.org_generic and w not in vocab.org_stopwords}


def _other_business(q: OrgName, c: OrgName) -> bool:
    """Both names say what the company does, and no activity is the same (Rapid Reef
    Holdings / Rapid Reef Marine Services: a parent and its subsidiary)."""
    left, right = _activities(q), _activities(c)
    return bool(left and right) and not _aligned(sorted(left), sorted(right))


def compare_org(q: OrgName, c: OrgName) -> OrgMatch:
    """How two organisation names agree."""
    if q.numbers and c.numbers and q.numbers != c.numbers:
        return OrgMatch("conflict", "different numbers")
    if _acronym(q, c):
        return OrgMatch("close", "one name is the other's initials")
    qd, cd = q.distinctive, c.distinctive
    if not qd or not cd:  # only generic words: compare all words
        qd, cd = q.words, c.words
        if not qd or not cd:
            return OrgMatch("none", "no words to compare")
        generic_only = True
    else:
        generic_only = False
    found = _aligned(qd, cd)
    shorter, longer = min(len(qd), len(cd)), max(len(qd), len(cd))
    detail = f"{len(found)} of {len(qd)}/{len(cd)} distinctive words"
    if not found:
        return OrgMatch("none", detail)
    mean = sum(found) / len(found)
    if generic_only:
        return OrgMatch("generic", detail)
    if len(found) < shorter:
        return OrgMatch("partial" if len(found) >= 1 and shorter > 1 else "none", detail)
    if _other_business(q, c):
        return OrgMatch("partial", detail + "; different lines of business")
    complete = len(_aligned(q.words, c.words)) == max(len(q.words), len(c.words))
    if shorter == 1 < longer:
        return OrgMatch("partial", detail + "; one word of a longer name")  # Gazprom / Gazprom Neft
    if mean >= 0.99 and len(found) == longer and complete:
        return OrgMatch("exact", detail)
    if mean >= 0.95 and len(found) == longer:
        return OrgMatch("strong", detail)
    if mean >= 0.88:
        return OrgMatch("close", detail)
    return OrgMatch("partial", detail)


def org_names(queries: Sequence[NameForm], candidates: Sequence[NameForm]) -> OrgMatch:
    """The best agreement between any name of one organisation and any of the other's."""
    best = OrgMatch("none", "no name agrees")
    for query in queries:
        for candidate in candidates:
            found = compare_org(read(query.original), read(candidate.original))
            if ORG_LEVELS.index(found.level) < ORG_LEVELS.index(best.level):
                best = found
    return best
