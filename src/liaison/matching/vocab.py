"""The name vocabulary (``data/names.yaml``), validated when first loaded.

Honorifics, connectors, articles, particles, abbreviations and nicknames
are data, not code: an agency can read what is dropped or joined, and a
test checks the file's shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

_LISTS = (
    "honorifics",
    "connectors",
    "short_connectors",
    "articles",
    "attached_articles",
    "particles",
    "abd_forms",
    "org_generic",
    "org_stopwords",
    "leading_surnames",
)


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Closed word lists used by name normalisation."""

    honorifics: frozenset[str]
    connectors: frozenset[str]
    articles: frozenset[str]
    attached_articles: frozenset[str]
    particles: frozenset[str]
    abd_forms: frozenset[str]
    org_generic: frozenset[str]  # words many organisations share (trading, group, the)
    org_stopwords: frozenset[str]  # generic words that say nothing of the business
    leading_surnames: frozenset[str]  # particles that, first in a name, are a surname (Le, Lo)
    short_connectors: frozenset[str]  # bin/binti abbreviated (b., bt.): dropped with the stop
    abbreviations: dict[str, str]  # expanded when written with a full stop (Ma. → maria)
    expansions: dict[str, str]  # expanded always (Mohd → muhammad)
    generations: dict[str, str]  # generation suffixes (Jr., Sr., III) → canonical form
    nicknames: dict[str, tuple[str, ...]]  # diminutive -> full names it stands for


def _words(raw: Any, key: str) -> frozenset[str]:
    if not isinstance(raw, list) or not all(isinstance(w, str) and w for w in raw):
        raise ValueError(f"names.yaml: {key} must be a list of words")
    return frozenset(w.lower() for w in raw)


def _nicknames(raw: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict):
        raise ValueError("names.yaml: nicknames must map a full name to its diminutives")
    out: dict[str, list[str]] = {}
    for full, small in raw.items():
        for word in _words(small, f"nicknames.{full}"):
            out.setdefault(word, []).append(str(full).lower())
    return {word: tuple(sorted(fulls)) for word, fulls in out.items()}


def parse(raw: Any) -> Vocabulary:
    """Validate the YAML document; raise ``ValueError`` naming the bad key."""
    if not isinstance(raw, dict):
        raise ValueError("names.yaml: expected a mapping")
    lists = {key: _words(raw.get(key), key) for key in _LISTS}
    return Vocabulary(
        **lists,
        abbreviations=_mapping(raw, "abbreviations"),
        expansions=_mapping(raw, "expansions"),
        generations=_mapping(raw, "generations"),
        nicknames=_nicknames(raw.get("nicknames")),
    )


def _mapping(raw: dict[str, Any], key: str) -> dict[str, str]:
    found = raw.get(key)
    if not isinstance(found, dict) or not all(k and v for k, v in found.items()):
        raise ValueError(f"names.yaml: {key} must map words to words")
    return {str(k).lower(): str(v).lower() for k, v in found.items()}


@cache
def vocabulary() -> Vocabulary:
    """The packaged vocabulary, loaded once."""
    text = resources.files("liaison.matching").joinpath("data/names.yaml").read_text("utf-8")
    return parse(yaml.safe_load(text))
