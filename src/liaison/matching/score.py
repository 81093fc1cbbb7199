"""A calibrated match score with an explanation per feature.

Fellegi–Sunter, as in Splink and the record-linkage literature: each
feature level carries a Bayes factor m/u (how much more often the level
occurs between records of the same person than between different
people), estimated from labelled pairs (``bench/calibrate.py`` writes
``data/model.yaml``). The score is the posterior probability

    P(match) = sigmoid(logit(prior) + Σ log(m/u))

so it is probability-like: a candidate that agrees on name and birth date
but not on nationality scores visibly lower than one that agrees on all
three. Where strong candidates all round to 1.0, their log-odds (kept with
the score) still order them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from liaison.matching.features import FEATURES, MISSING, Level, compare
from liaison.matching.profile import Profile

DEFAULT_THRESHOLD = 0.7


@dataclass(frozen=True, slots=True)
class Model:
    """Prior and per-level log Bayes factors."""

    prior: float
    weights: dict[str, dict[str, float]]  # feature -> level -> log(m/u)
    threshold: float


@dataclass(frozen=True, slots=True)
class Evidence:
    """One feature's part in a score."""

    level: str
    weight: float  # natural log Bayes factor; > 0 speaks for a match
    detail: str


@dataclass(frozen=True, slots=True)
class Score:
    """A pair's score in [0, 1] and the evidence behind it."""

    score: float
    features: dict[str, Evidence]
    log_odds: float  # logit(prior) + the weights; orders candidates the score rounds to 1

    def is_match(self, threshold: float) -> bool:
        return self.score >= threshold


def parse_model(raw: Any) -> Model:
    """Validate a model document; raise ``ValueError`` naming the bad key."""
    if not isinstance(raw, dict) or not isinstance(raw.get("features"), dict):
        raise ValueError("model.yaml: expected 'prior', 'threshold' and 'features'")
    prior = float(raw["prior"])
    if not 0 < prior < 1:
        raise ValueError(f"model.yaml: prior must be in (0, 1), got {prior}")
    weights: dict[str, dict[str, float]] = {}
    for feature in FEATURES:
        levels = raw["features"].get(feature)
        if not isinstance(levels, dict):
            raise ValueError(f"model.yaml: feature {feature!r} has no levels")
        weights[feature] = {str(level): _weight(row) for level, row in levels.items()}
    return Model(prior=prior, weights=weights, threshold=float(raw["threshold"]))


def _weight(row: Any) -> float:
    m, u = float(row["m"]), float(row["u"])
    if not (0 < m <= 1 and 0 < u <= 1):
        raise ValueError(f"model.yaml: m and u must be in (0, 1], got {m}, {u}")
    return math.log(m / u)


@cache
def default_model() -> Model:
    """The packaged model, fitted on labelled training pairs."""
    text = resources.files("liaison.matching").joinpath("data/model.yaml").read_text("utf-8")
    return parse_model(yaml.safe_load(text))


def evidence(model: Model, levels: dict[str, Level]) -> dict[str, Evidence]:
    """Each feature's level with its weight (0 for a level the model does not know)."""
    out = {}
    for name, found in levels.items():
        weight = model.weights[name].get(found.level, 0.0)
        out[name] = Evidence(found.level, round(weight, 4), found.detail)
    return out


def log_odds(model: Model, features: dict[str, Evidence]) -> float:
    """logit(prior) plus the weights of the features present."""
    logit = math.log(model.prior / (1 - model.prior))
    return logit + sum(e.weight for e in features.values() if e.level != MISSING)


def sigmoid(odds: float) -> float:
    return 1 / (1 + math.exp(-max(-50.0, min(50.0, odds))))


def posterior(model: Model, features: dict[str, Evidence]) -> float:
    return sigmoid(log_odds(model, features))


def score(query: Profile, candidate: Profile, model: Model | None = None) -> Score:
    """Score a candidate against a query."""
    model = model or default_model()
    features = evidence(model, compare(query, candidate))
    odds = log_odds(model, features)
    return Score(round(sigmoid(odds), 4), features, round(odds, 4))
