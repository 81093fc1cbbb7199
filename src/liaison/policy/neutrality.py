"""The neutrality gate (INTERPOL Constitution, Article 3): screening signals.

:func:`screen` finds signals that a record may be predominantly political,
military, religious or racial in character: FtM topics, special-category
properties (political association, religion, ethnicity) and words in free
text, in English, Russian, Filipino and Arabic. A signal holds the record for
the auditor's case-by-case predominance test; it never decides alone. The
signals are a data file (``data/neutrality.yaml``), validated when loaded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

import yaml


class Character(StrEnum):
    POLITICAL = "political"
    MILITARY = "military"
    RELIGIOUS = "religious"
    RACIAL = "racial"


@dataclass(frozen=True)
class Signal:
    character: Character
    evidence: str

    def to_dict(self) -> dict[str, str]:
        return {"character": self.character.value, "evidence": self.evidence}


@dataclass(frozen=True)
class _Category:
    character: Character
    topics: frozenset[str]
    properties: tuple[str, ...]
    pattern: re.Pattern[str] | None


@dataclass(frozen=True)
class Screen:
    categories: tuple[_Category, ...]
    text_properties: tuple[str, ...]

    def __call__(self, properties: Mapping[str, Sequence[str]]) -> tuple[Signal, ...]:
        found: list[Signal] = []
        topics = set(properties.get("topics", ()))
        texts = [(p, v) for p in self.text_properties for v in properties.get(p, ())]
        for cat in self.categories:
            found += [Signal(cat.character, f"topic {t}") for t in sorted(topics & cat.topics)]
            found += [
                Signal(cat.character, f"property {p}") for p in cat.properties if properties.get(p)
            ]
            if cat.pattern is None:
                continue
            for prop, text in texts:
                match = cat.pattern.search(text)
                if match:
                    found.append(Signal(cat.character, f"{prop} mentions {match.group(0)!r}"))
                    break
        return tuple(found)


#: Arabic joins "the" (ال), and "and/so/with/as/for the" (وال, فال, بال, كال, لل), to
#: the word: "the army" is الجيش, so a term must also match after them.
_ARABIC_ARTICLE = "(?:[وفبكل]?ال|[وف]?لل)?"


def build_screen(data: Any) -> Screen:
    """Validate the signal file; a bad file fails at start-up, naming the entry."""
    if not isinstance(data, dict) or set(data) != {"categories", "text_properties"}:
        raise ValueError("neutrality signals: expected keys categories and text_properties")
    categories = []
    for name, spec in data["categories"].items():
        character = Character(name)
        if not isinstance(spec, dict) or set(spec) != {"topics", "properties", "terms"}:
            raise ValueError(f"neutrality signals: {name} needs topics, properties and terms")
        terms = [_term(str(t).casefold()) for t in spec["terms"]]
        pattern = (
            re.compile(r"\b" + _ARABIC_ARTICLE + r"(?:" + "|".join(terms) + r")", re.IGNORECASE)
            if terms
            else None
        )
        categories.append(
            _Category(character, frozenset(spec["topics"]), tuple(spec["properties"]), pattern)
        )
    return Screen(tuple(categories), tuple(data["text_properties"]))


def _term(term: str) -> str:
    """``stem*`` matches any word that starts with the stem (inflected languages);
    a plain word matches itself and its plural, so "church" misses "Churchill"."""
    if term.endswith("*"):
        return re.escape(term[:-1]) + r"\w*"
    return re.escape(term) + r"(?:s|es)?\b"


@cache
def default_screen() -> Screen:
    text = resources.files("liaison.policy").joinpath("data/neutrality.yaml").read_text("utf-8")
    return build_screen(yaml.safe_load(text))


def screen(properties: Mapping[str, Sequence[str]]) -> tuple[Signal, ...]:
    """Signals that the entity's content may fall under Article 3."""
    return default_screen()(properties)
