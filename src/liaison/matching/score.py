"""A calibrated match score with an explanation per feature.

Each feature of a pair (name, birth date, generation suffix, country, gender,
identifiers, address; for organisations, companies and vessels their own
features) gives a discrete level, and each level carries a weight: its
contribution to the log-odds that the two records describe the same person or
thing. The score is

    P(match) = sigmoid(intercept + Σ weight(level))

a logistic regression over the levels, fitted by ``bench/calibrate.py`` on the
**training** split of labelled pairs (never the test split it is reported on),
with the weights of ordered levels kept in order (a worse agreement never weighs
more than a better one). The pairs it is fitted on are the kind a query scores:
candidates that share a name code or a date. So the score means what yente's
means: **0.7 and above, likely the same**; it is the default threshold, and
results under the cut-off are not returned at all. Persons and other entities
have models of their own; a person is never compared with a company or a vessel
with a person. Where strong candidates all round to 1.0, their log-odds (kept
with the score) still order them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from liaison.matching.features import (
    DATE_LEVELS,
    MISSING,
    NAME_LEVELS,
    Level,
    compare,
)
from liaison.matching.organisations import ORG_LEVELS
from liaison.matching.profile import Profile, compatible

DEFAULT_THRESHOLD = 0.7
PERSON, ENTITY = "person", "entity"
AGREE = ("same", "differ")
ADDRESS = ("same", "close", "partial", "area", "differ")

#: Every level of every feature, from the strongest agreement to the weakest: the model
#: file must weigh exactly these, a worse level never more than a better one.
LEVELS: dict[str, dict[str, tuple[str, ...]]] = {
    PERSON: {
        "name": NAME_LEVELS,
        "birth_date": DATE_LEVELS,
        "generation": ("same", "conflict"),
        "country": AGREE,
        "gender": AGREE,
        "identifier": AGREE,
        "address": ADDRESS,
        "residence": ("overrides_date",),
    },
    ENTITY: {
        "name": ORG_LEVELS,
        "identifier": AGREE,
        "country": AGREE,
        "date": DATE_LEVELS,
        "address": ADDRESS,
    },
}


@dataclass(frozen=True, slots=True)
class KindModel:
    """The intercept and per-level weights for one kind of entity."""

    intercept: float
    weights: dict[str, dict[str, float]]  # feature -> level -> log-odds


@dataclass(frozen=True, slots=True)
class Model:
    """The fitted models for persons and for other entities, and the threshold."""

    kinds: dict[str, KindModel]
    threshold: float

    @property
    def weights(self) -> dict[str, dict[str, float]]:
        """The person model's weights (the common case; kept for explanations)."""
        return self.kinds[PERSON].weights


@dataclass(frozen=True, slots=True)
class Evidence:
    """One feature's part in a score."""

    level: str
    weight: float  # log-odds; > 0 speaks for a match
    detail: str


@dataclass(frozen=True, slots=True)
class Score:
    """A pair's score in [0, 1] and the evidence behind it."""

    score: float
    features: dict[str, Evidence]
    log_odds: float  # intercept + the weights; orders candidates the score rounds to 1

    def is_match(self, threshold: float) -> bool:
        return self.score >= threshold


def parse_model(raw: Any) -> Model:
    """Validate a model document; raise ``ValueError`` naming the bad key."""
    if not isinstance(raw, dict) or not isinstance(raw.get("models"), dict):
        raise ValueError("model.yaml: expected 'threshold' and 'models'")
    threshold = _weight(raw.get("threshold"), "threshold", "value")
    if not 0 < threshold < 1:
        raise ValueError(f"model.yaml: threshold must be in (0, 1), got {threshold}")
    kinds = {kind: _kind(raw["models"].get(kind), kind) for kind in LEVELS}
    return Model(kinds=kinds, threshold=threshold)


def _kind(raw: Any, kind: str) -> KindModel:
    if not isinstance(raw, dict) or not isinstance(raw.get("features"), dict):
        raise ValueError(f"model.yaml: models.{kind} needs 'intercept' and 'features'")
    weights: dict[str, dict[str, float]] = {}
    for feature in LEVELS[kind]:
        levels = raw["features"].get(feature)
        if not isinstance(levels, dict):
            raise ValueError(f"model.yaml: models.{kind}.{feature} has no levels")
        if set(map(str, levels)) != set(LEVELS[kind][feature]):
            raise ValueError(
                f"model.yaml: models.{kind}.{feature} must weigh the levels "
                f"{', '.join(LEVELS[kind][feature])}, got {', '.join(map(str, levels))}"
            )
        weights[feature] = {str(level): _weight(w, kind, feature) for level, w in levels.items()}
    return KindModel(intercept=_weight(raw.get("intercept"), kind, "intercept"), weights=weights)


def _weight(value: Any, kind: str, name: str) -> float:
    try:
        weight = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"model.yaml: models.{kind}.{name}: {value!r} is not a number") from None
    if not math.isfinite(weight) or abs(weight) > 50:
        raise ValueError(f"model.yaml: models.{kind}.{name}: weight {value!r} out of range")
    return weight


@cache
def default_model() -> Model:
    """The packaged model, fitted on labelled training pairs."""
    text = resources.files("liaison.matching").joinpath("data/model.yaml").read_text("utf-8")
    return parse_model(yaml.safe_load(text))


def kind_of(query: Profile, candidate: Profile) -> str | None:
    """Which model scores a pair: persons, other entities, or none (a person and a
    company are not the same thing)."""
    if not compatible(query.schema, candidate.schema):
        return None
    return PERSON if query.person and candidate.person else ENTITY


def evidence(kind: KindModel, levels: dict[str, Level]) -> dict[str, Evidence]:
    """Each feature's level with its weight (0 for a level the model does not know)."""
    out = {}
    for name, found in levels.items():
        weight = kind.weights.get(name, {}).get(found.level, 0.0)
        out[name] = Evidence(found.level, round(weight, 4), found.detail)
    return out


def log_odds(kind: KindModel, features: dict[str, Evidence]) -> float:
    """The intercept plus the weights of the features present."""
    return kind.intercept + sum(e.weight for e in features.values() if e.level != MISSING)


def sigmoid(odds: float) -> float:
    return 1 / (1 + math.exp(-max(-50.0, min(50.0, odds))))


#: Date levels that say both dates are known and are not the same date: the same year
#: only, or years apart. A slip of the pen reads ``typo`` or ``swapped``, and a year
#: against a full date that has it ``partial``; neither contradicts.
CONTRADICTING_DATES = frozenset({"year", "near", "differ", "far"})
DATE_FEATURES = ("birth_date", "date")  # persons' birth dates; others' founding or build dates


def dates_contradict(found: Score) -> bool:
    """Both sides have a birth date (or, for other entities, a founding or build date)
    and they differ: the pair is more often two namesakes than one person."""
    return any(
        found.features[name].level in CONTRADICTING_DATES
        for name in DATE_FEATURES
        if name in found.features
    )


def names_differ(found: Score) -> bool:
    """The names have no part in common: only something else (a shared birthday)
    brought the pair together."""
    name = found.features.get("name")
    return name is not None and name.level == "none"


def raises_alert(found: Score, threshold: float, contradicted: float) -> bool:
    """Whether a cross-match is worth an analyst's look: a score at the threshold,
    and at ``contradicted`` (never less than the threshold) when the evidence
    contradicts itself (the dates differ, or the names have nothing in common),
    so that namesakes born on other days and strangers born on the same day stay
    out unless something as strong as a shared identifier speaks for them."""
    conflict = dates_contradict(found) or names_differ(found)
    bar = max(threshold, contradicted) if conflict else threshold
    return found.score >= bar


MISMATCH = Score(0.0, {"schema": Evidence("differ", 0.0, "different kinds of entity")}, -50.0)


def score(query: Profile, candidate: Profile, model: Model | None = None) -> Score:
    """Score a candidate against a query."""
    model = model or default_model()
    kind = kind_of(query, candidate)
    if kind is None:
        return MISMATCH
    fitted = model.kinds[kind]
    features = evidence(fitted, compare(query, candidate))
    odds = log_odds(fitted, features)
    return Score(round(sigmoid(odds), 4), features, round(odds, 4))


def reweigh(found: Score, weights: Mapping[str, float]) -> Score:
    """The score with some features' weights scaled (yente's ``weights``: a feature
    named there counts ``weights[name]`` times its fitted log-odds; 0 ignores it,
    1 changes nothing). Features not named keep their weight."""
    if not weights or found is MISMATCH:
        return found
    features = {
        name: Evidence(e.level, round(e.weight * weights.get(name, 1.0), 4), e.detail)
        for name, e in found.features.items()
    }
    present = [name for name, e in found.features.items() if e.level != MISSING]
    shift = sum(features[name].weight - found.features[name].weight for name in present)
    odds = found.log_odds + shift
    return Score(round(sigmoid(odds), 4), features, round(odds, 4))


def feature_names() -> tuple[str, ...]:
    """Every feature of every kind of entity, each once (what ``weights`` may name)."""
    return tuple(dict.fromkeys(name for kind in LEVELS.values() for name in kind))
