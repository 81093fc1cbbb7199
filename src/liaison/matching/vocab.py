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

_LISTS = ("honorifics", "connectors", "articles", "attached_articles", "particles", "abd_forms")


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Closed word lists used by name normalisation."""

    honorifics: frozenset[str]
    connectors: frozenset[str]
    articles: frozenset[str]
    attached_articles: frozenset[str]
    particles: frozenset[str]
    abd_forms: frozenset[str]
    abbreviations: dict[str, str]
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
    abbreviations = raw.get("abbreviations")
    if not isinstance(abbreviations, dict):
        raise ValueError("names.yaml: abbreviations must be a mapping")
    return Vocabulary(
        **lists,
        abbreviations={str(k).lower(): str(v).lower() for k, v in abbreviations.items()},
        nicknames=_nicknames(raw.get("nicknames")),
    )


@cache
def vocabulary() -> Vocabulary:
    """The packaged vocabulary, loaded once."""
    text = resources.files("liaison.matching").joinpath("data/names.yaml").read_text("utf-8")
    return parse(yaml.safe_load(text))
