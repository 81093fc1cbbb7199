"""Names as comparable parts, and how similar two names are.

A raw name becomes a :class:`NameForm`: honorifics and connectors
dropped, particles joined to the surname they belong to (``dela Cruz`` =
``De La Cruz`` → ``delacruz``), abbreviations expanded (``Ma.`` →
``maria``), each part in Latin letters with its consonant skeleton and
the name symbols rigour knows for it (cross-language forms of one given
name, nicknames), plus Liaison's own nickname table. Part order is free:
two names are compared by the best one-to-one alignment of their parts.

Work is capped per entity (:data:`MAX_NAMES` names, :data:`MAX_PARTS`
parts, :data:`MAX_NAME_CHARS` characters) so that a hostile entity with
10,000 aliases costs what 20 do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from rigour.names import NameTypeTag, analyze_names
from rigour.text.distance import jaro_winkler

from liaison.matching.text import fold, is_arabic, latin, letter_classes, skeleton
from liaison.matching.vocab import vocabulary

MAX_NAMES = 20
MAX_PARTS = 8
MAX_NAME_CHARS = 200
_SPLIT = re.compile(r"[\s,;/()\"“”«»]+")
_SYMBOLS = ("NAME", "NICK")
_VOWELS = frozenset("aeiouy")


@dataclass(frozen=True, slots=True)
class Part:
    """One comparable part of a name."""

    text: str  # lower-case Latin letters
    skeleton: str  # consonant skeleton (phonetic key)
    symbols: frozenset[str]  # name clusters and nicknames the part belongs to
    abjad: bool  # written in a script without short vowels (Arabic)
    folded: str = ""  # romanisation choices folded (text.fold)
    classes: str = ""  # consonant classes (text.letter_classes)
    bare: str = ""  # without a glued Arabic article (Alrashid → rashid), else ""

    @property
    def initial(self) -> bool:
        return len(self.text) == 1


@dataclass(frozen=True, slots=True)
class NameForm:
    """A name ready to compare: its parts, its generation suffix (``jr``, ``sr``,
    ``iii``...) if it had one, and the text it came from."""

    original: str
    parts: tuple[Part, ...]
    generation: str = ""


@dataclass(frozen=True, slots=True)
class NameMatch:
    """How two names compare: a similarity in [0, 1] and the aligned parts."""

    similarity: float
    aligned: tuple[tuple[str, str, float], ...]
    query_parts: int
    candidate_parts: int
    joined: bool = False  # two neighbouring parts of one side were read as one

    @property
    def covered(self) -> bool:
        """Every part of the shorter name has a partner (only extra parts are left)."""
        return len(self.aligned) == min(self.query_parts, self.candidate_parts) > 0

    @property
    def mean(self) -> float:
        """Mean similarity of the aligned parts."""
        return sum(s for _, _, s in self.aligned) / len(self.aligned) if self.aligned else 0.0

    def describe(self) -> str:
        pairs = ", ".join(f"{q}~{c}" if q != c else q for q, c, _ in self.aligned)
        return f"{pairs} ({len(self.aligned)} of {self.query_parts}/{self.candidate_parts} parts)"


NO_MATCH = NameMatch(0.0, (), 0, 0)


def _raw_tokens(name: str) -> list[str]:
    """Split a raw name, keeping a trailing full stop as an abbreviation mark."""
    return [t for t in _SPLIT.split(name[:MAX_NAME_CHARS].strip()) if t.strip(".-'")]


def _clean_token(token: str) -> tuple[str, bool, bool]:
    """The token without punctuation, and whether it was abbreviated / hyphen-attached."""
    abbreviated = token.endswith(".")
    attached = token.endswith("-")
    return token.strip(".-'’`").lower(), abbreviated, attached


def _split_hyphens(tokens: list[str]) -> list[str]:
    out: list[str] = []
    for token in tokens:
        pieces = token.split("-")
        out.extend(f"{p}-" for p in pieces[:-1] if p)
        if pieces[-1]:
            out.append(pieces[-1])
    return out


def _words(name: str, person: bool = True) -> tuple[list[tuple[str, bool]], str]:
    """Normalised Latin words, each with whether it was written in Arabic script,
    and the generation suffix (``jr``, ``sr``, ``iii``) of a person's name.

    Abbreviations are expanded; honorifics, connectors and articles dropped.
    """
    vocab = vocabulary()
    tokens = _split_hyphens(_raw_tokens(name))
    words: list[tuple[str, bool]] = []
    generation = ""
    for index, token in enumerate(tokens):
        word, abbreviated, attached = _clean_token(token)
        abjad = is_arabic(word)
        word = latin(word)
        last = index == len(tokens) - 1
        if person and index and word in vocab.generations:
            generation = vocab.generations[word]
            continue
        if not word or (person and word in vocab.honorifics):
            continue
        if word in vocab.expansions:
            word = vocab.expansions[word]
        elif abbreviated and word in vocab.abbreviations:
            word = vocab.abbreviations[word]
        elif not last and _dropped(word, first=not words, attached=attached, short=abbreviated):
            continue
        words.append((word, abjad))
    return _join_particles(words), generation


def _dropped(word: str, *, first: bool, attached: bool, short: bool) -> bool:
    """Connectors (bin, ibn; b., bt. when abbreviated) after the first part and
    articles (al-, el-) go."""
    vocab = vocabulary()
    if not first and (word in vocab.connectors or (short and word in vocab.short_connectors)):
        return True
    return word in vocab.articles or (attached and word in vocab.attached_articles)


def _join_particles(words: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Join particles (de la, delos, abu) and ``abd`` to the part they introduce."""
    vocab = vocabulary()
    out: list[tuple[str, bool]] = []
    pending = ""
    for index, (word, abjad) in enumerate(words):
        last = index == len(words) - 1
        first = index == 0 and word in vocab.leading_surnames
        if not last and len(words) > 1 and word in vocab.particles and not first:
            pending += word
            continue
        if word in vocab.abd_forms and not last:
            pending += "abd"
            continue
        for form in sorted(vocab.abd_forms, key=len, reverse=True):
            if word.startswith(form) and len(word) > len(form) + 2:
                word = "abd" + word[len(form) :]
                break
        out.append((pending + word, abjad))
        pending = ""
    return out[:MAX_PARTS]


def _nickname_symbols(text: str) -> frozenset[str]:
    vocab = vocabulary()
    fulls = set(vocab.nicknames.get(text, ()))
    if _is_full_name(text):
        fulls.add(text)
    return frozenset(f"NICK:{skeleton(full)}" for full in fulls)


@lru_cache(maxsize=1)
def _full_names() -> frozenset[str]:
    return frozenset(full for fulls in vocabulary().nicknames.values() for full in fulls)


@lru_cache(maxsize=1)
def _full_skeletons() -> frozenset[str]:
    return frozenset(skeleton(full) for full in _full_names())


def _is_full_name(text: str) -> bool:
    return text in _full_names() or (len(text) > 3 and skeleton(text) in _full_skeletons())


def _rigour_symbols(word: str, tag: NameTypeTag) -> frozenset[str]:
    symbols: set[str] = set()
    for name in analyze_names(tag, [word], phonetics=False, consolidate=False, rewrite=False):
        for span in name.spans:
            category = str(span.symbol.category.value)
            if category in _SYMBOLS:
                symbols.add(f"{category}:{span.symbol.id}")
    return frozenset(symbols)


def _bare(text: str) -> str:
    """The part without an Arabic article written onto it (``alrashid`` → ``rashid``,
    ``elsayed`` → ``sayed``); only when a consonant and three more letters follow."""
    for article in vocabulary().articles:
        rest = text[len(article) :]
        if text.startswith(article) and len(rest) >= 4 and rest[0] not in "aeiouy":
            return rest
    return ""


@lru_cache(maxsize=200_000)
def make_part(text: str, abjad: bool, person: bool) -> Part:
    """A comparable part from one normalised Latin word."""
    tag = NameTypeTag.PER if person else NameTypeTag.ORG
    symbols = _rigour_symbols(text, tag) if len(text) > 1 and not abjad else frozenset()
    if person and not abjad:
        symbols |= _nickname_symbols(text)
    elif person:
        symbols |= frozenset(f"NICK:{s}" for s in {skeleton(text)} & _full_skeletons())
    return Part(
        text=text,
        skeleton=skeleton(text),
        symbols=symbols,
        abjad=abjad,
        folded=fold(text),
        classes=letter_classes(text),
        bare=_bare(text) if person else "",
    )


def analyse(names: Iterable[str], *, person: bool = True) -> tuple[NameForm, ...]:
    """Comparable forms of an entity's names (at most :data:`MAX_NAMES`, no duplicates)."""
    forms: dict[tuple[tuple[Part, ...], str], NameForm] = {}
    for name in names:
        if len(forms) >= MAX_NAMES:
            break
        words, generation = _words(name, person)
        parts = tuple(make_part(word, abjad, person) for word, abjad in words if word)
        if parts and (parts, generation) not in forms:
            forms[(parts, generation)] = NameForm(name[:MAX_NAME_CHARS], parts, generation)
    return tuple(forms.values())


@lru_cache(maxsize=500_000)
def part_similarity(q: Part, c: Part) -> float:
    """How alike two parts are, in [0, 1]."""
    if q.text == c.text:
        return 1.0
    if q.initial or c.initial:
        return 0.9 if q.text[0] == c.text[0] or q.folded[:1] == c.folded[:1] else 0.0
    score = _spelling(q, c)
    if q.bare or c.bare:  # an article written onto one side (Alrashid, Rashid)
        score = max(score, _spelling(_unglued(q), _unglued(c)))
    if q.symbols & c.symbols:
        score = max(score, 0.95)
    return score


def _spelling(q: Part, c: Part) -> float:
    """Similarity of the letters: as written, with romanisation choices folded, by
    consonant skeleton and by consonant classes."""
    if q.folded == c.folded and q.folded:
        return 0.97
    score = max(jaro_winkler(q.text, c.text), jaro_winkler(q.folded, c.folded))
    if _suffix(q.text, c.text) or _suffix(c.text, q.text):
        score = max(score, 0.9)  # a surname with and without its particle (Cruz, dela Cruz)
    onset = q.abjad or c.abjad or (q.text[0] in _VOWELS) == (c.text[0] in _VOWELS)
    same_skeleton = len(q.skeleton) > 1 and q.skeleton == c.skeleton and onset
    if same_skeleton:
        score = max(score, 0.95 if q.abjad or c.abjad else 0.9)
    elif not onset:
        pass  # Jensen / Anson: a consonant against a vowel is another name
    elif len(q.classes) > 2 and q.classes == c.classes:
        score = max(score, 0.85)  # Schukow / Zhukov, Chostakovitch / Shostakovich
    elif len(q.skeleton) > 2 and _egyptian(q.skeleton) == _egyptian(c.skeleton):
        score = max(score, 0.85)  # Egyptian g for j: Gamal / Jamal, Ragab / Rajab
    if q.abjad or c.abjad:
        score = max(score, 0.9 * jaro_winkler(q.skeleton, c.skeleton))
    return score


def _egyptian(skeleton: str) -> str:
    return skeleton.replace("g", "j")


def _unglued(part: Part) -> Part:
    if not part.bare:
        return part
    return Part(
        part.bare, skeleton(part.bare), part.symbols, part.abjad, fold(part.bare),
        letter_classes(part.bare),
    )  # fmt: skip


def _suffix(longer: str, shorter: str) -> bool:
    return len(shorter) > 3 and len(longer) > len(shorter) and longer.endswith(shorter)


def compare(query: NameForm, candidate: NameForm) -> NameMatch:
    """Best one-to-one alignment of the parts of two names.

    The similarity weighs how well the shorter name is covered (85%)
    against how much of the longer one is explained (15%),
    so a missing patronymic or middle name costs little and a single
    shared part of a long name is not a match. Where the alignment leaves
    parts over on both sides, two neighbouring parts written together on
    the other side are tried too (``Juan Carlos`` / ``Juancarlos``).
    """
    best = _align(query.parts, candidate.parts)
    if best.similarity < 0.9 and (len(query.parts) != len(candidate.parts) or not best.covered):
        for joined, parts in _merged(query.parts):
            best = _better(best, _align(parts, candidate.parts), joined, 0)
        for joined, parts in _merged(candidate.parts):
            best = _better(best, _align(query.parts, parts), joined, 1)
    return best


def _better(best: NameMatch, found: NameMatch, joined: str, side: int) -> NameMatch:
    """``found`` if it beats ``best`` with the joined part itself well matched."""
    if found.similarity <= best.similarity:
        return best
    strong = any(
        (q, c)[side] == joined and score >= 0.93 and len((c, q)[side]) >= 0.8 * len(joined)
        for q, c, score in found.aligned
    )
    return replace(found, joined=True) if strong else best


def _merged(parts: tuple[Part, ...]) -> list[tuple[str, tuple[Part, ...]]]:
    """The parts with each pair of neighbours written as one, in either order."""
    out = []
    for i in range(len(parts) - 1):
        left, right = parts[i], parts[i + 1]
        if left.initial or right.initial:
            continue
        for text in (left.text + right.text, right.text + left.text):  # Smeets Petra
            joined = make_part(text, left.abjad, True)
            out.append((joined.text, (*parts[:i], joined, *parts[i + 2 :])))
    return out


def _align(qparts: tuple[Part, ...], cparts: tuple[Part, ...]) -> NameMatch:
    pairs = sorted(
        ((part_similarity(q, c), i, j) for i, q in enumerate(qparts) for j, c in enumerate(cparts)),
        reverse=True,
    )
    used_q: set[int] = set()
    used_c: set[int] = set()
    aligned: list[tuple[str, str, float]] = []
    for score, i, j in pairs:
        if score < 0.75 or i in used_q or j in used_c:
            continue
        used_q.add(i)
        used_c.add(j)
        aligned.append((qparts[i].text, cparts[j].text, score))
    total = sum(score for _, _, score in aligned)
    nq, nc = len(qparts), len(cparts)
    similarity = 0.85 * total / min(nq, nc) + 0.15 * total / max(nq, nc)
    return NameMatch(round(similarity, 4), tuple(aligned), nq, nc)


def best_match(queries: Sequence[NameForm], candidates: Sequence[NameForm]) -> NameMatch:
    """The best-matching pair of names of two entities."""
    best = NO_MATCH
    for query in queries:
        for candidate in candidates:
            match = compare(query, candidate)
            if match.similarity > best.similarity:
                best = match
    return best
