"""Generate the independent labelled name-matching evaluation set (bench/data/names_eval/).

    python -m bench.names_eval.generate              # train (seed 1) and test (seed 2) + checks
    python bench/names_eval/generate.py --seed 7 --out /tmp/x.jsonl   # one split

Every person, organisation and vessel is fictitious: name parts are drawn with realistic
frequencies and combined at random. This generator was written without reading Liaison's
matcher, its tests or its data (see README.md).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench.names_eval` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.names_eval import (
    arabic,
    birth_dates,
    filipino,
    malay,
    organization,
    russian,
    typing_noise,
    vessel,
)
from bench.names_eval.common import Pair

ROOT = Path(__file__).resolve().parents[2]
OUT_DIR = ROOT / "bench" / "data" / "names_eval"
SPLITS = {"train": 1, "test": 2}

Maker = Callable[[random.Random, str, int], Pair]

# group -> (pairs per split, share of positives, maker)
GROUPS: dict[str, tuple[int, float, Maker]] = {
    "cyrillic_latin": (1100, 0.52, russian.make_pair),
    "russian_latin_latin": (800, 0.52, russian.make_pair),
    "arabic": (1300, 0.52, arabic.make_pair),
    "filipino": (800, 0.52, filipino.make_pair),
    "malay": (700, 0.52, malay.make_pair),
    "typing_noise": (700, 0.55, typing_noise.make_pair),
    "birth_dates": (600, 0.55, birth_dates.make_pair),
    "organization": (700, 0.5, organization.make_pair),
    "vessel": (500, 0.5, vessel.make_pair),
}


def pair_signature(pair: Pair) -> str:
    left = json.dumps(pair.left.to_json(), sort_keys=True, ensure_ascii=False)
    right = json.dumps(pair.right.to_json(), sort_keys=True, ensure_ascii=False)
    return "\x00".join(sorted([left, right]))


def generate(seed: int, exclude: set[str] | None = None) -> list[Pair]:
    """All pairs of one split. `exclude`: identity keys of another split, never reused here."""
    rng = random.Random(seed)
    exclude = exclude or set()
    pairs: list[Pair] = []
    seen: set[str] = set()
    for group, (count, share, maker) in GROUPS.items():
        n_pos = round(count * share)
        labels = [1] * n_pos + [0] * (count - n_pos)
        rng.shuffle(labels)
        for label in labels:
            for _attempt in range(200):
                pair = maker(rng, group, label)
                assert pair.label == label and pair.group == group
                if any(key in exclude for key in pair.identities):
                    continue
                sig = pair_signature(pair)
                if sig in seen:
                    continue
                seen.add(sig)
                pairs.append(pair)
                break
            else:
                raise RuntimeError(f"{group}: could not draw a fresh pair")
    order = list(range(len(pairs)))
    rng.shuffle(order)
    return [pairs[i] for i in order]


def identities(pairs: list[Pair]) -> set[str]:
    return {key for pair in pairs for key in pair.identities}


def write(pairs: list[Pair], split: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for i, pair in enumerate(pairs):
            row = {
                "pair_id": f"{split}-{i:06d}",
                "group": pair.group,
                "kind": pair.kind,
                "label": pair.label,
                "left": pair.left.to_json(),
                "right": pair.right.to_json(),
            }
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def imo_valid(imo: str) -> bool:
    if not (imo.startswith("IMO") and len(imo) == 10 and imo[3:].isdigit()):
        return False
    digits = [int(c) for c in imo[3:]]
    return sum(d * (7 - i) for i, d in enumerate(digits[:6])) % 10 == digits[6]


def check_file(path: Path) -> Counter[tuple[str, int]]:
    """Self-check of one written split; returns the counts per (group, label)."""
    counts: Counter[tuple[str, int]] = Counter()
    ids: set[str] = set()
    with path.open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            assert row["pair_id"] not in ids, f"duplicate pair_id {row['pair_id']}"
            ids.add(row["pair_id"])
            assert row["label"] in (0, 1)
            counts[(row["group"], row["label"])] += 1
            for side in ("left", "right"):
                props = row[side]["properties"]
                assert props.get("name"), f"{row['pair_id']}: no name"
                for imo in props.get("imoNumber", []):
                    assert imo_valid(imo), f"{row['pair_id']}: bad IMO {imo}"
                for value in props.get("birthDate", []):
                    assert len(value) in (4, 7, 10), f"{row['pair_id']}: birthDate {value}"
    for group in GROUPS:
        pos, neg = counts[(group, 1)], counts[(group, 0)]
        assert pos and neg, f"{group}: needs both labels"
        assert neg / (pos + neg) >= 0.35, f"{group}: too few negatives"
        assert pos + neg >= 500, f"{group}: fewer than 500 pairs"
    total = sum(counts.values())
    share = sum(v for (_, label), v in counts.items() if label) / total
    assert total >= 6000 and 0.45 <= share <= 0.55, (total, share)
    return counts


def self_check(out_dir: Path = OUT_DIR) -> dict[str, Counter[tuple[str, int]]]:
    """The committed splits are what this generator writes, every group has both labels, pair
    ids are unique, IMO check digits are valid and train and test share no identity."""
    train = generate(SPLITS["train"])
    test = generate(SPLITS["test"], exclude=identities(train))
    assert not identities(train) & identities(test), "train/test identity overlap"
    counts = {}
    with tempfile.TemporaryDirectory() as tmp:
        for split, pairs in (("train", train), ("test", test)):
            fresh = Path(tmp) / f"{split}.jsonl"
            write(pairs, split, fresh)
            committed = out_dir / f"{split}.jsonl"
            assert fresh.read_bytes() == committed.read_bytes(), f"{committed} is stale"
            counts[split] = check_file(committed)
    ids = [json.loads(line)["pair_id"] for s in SPLITS for line in (out_dir / f"{s}.jsonl").open()]
    assert len(ids) == len(set(ids)), "duplicate pair_id across splits"
    return counts


def counts_table(all_counts: dict[str, Counter[tuple[str, int]]]) -> str:
    splits = list(all_counts)
    head = "| group | " + " | ".join(f"{s} pos | {s} neg" for s in splits) + " |"
    rule = "| --- |" + " ---: | ---: |" * len(splits)
    lines = [head, rule]
    for group in [*GROUPS, "total"]:
        cells = []
        for s in splits:
            c = all_counts[s]
            if group == "total":
                pos = sum(v for (_, lab), v in c.items() if lab)
                neg = sum(v for (_, lab), v in c.items() if not lab)
            else:
                pos, neg = c[(group, 1)], c[(group, 0)]
            cells.append(f"{pos} | {neg}")
        lines.append(f"| {group} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, help="generate one split with this seed")
    parser.add_argument("--out", type=Path, help="output file (with --seed)")
    parser.add_argument(
        "--exclude-seed",
        type=int,
        action="append",
        help="keep this split disjoint from the split of that seed (default with --seed: "
        "seed 1, the train split, unless --seed is 1)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="verify the committed files: regenerate both splits in memory, compare byte for "
        "byte, re-run the self-checks",
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    if args.check:
        self_check()
        print(f"self-check passed in {time.monotonic() - started:.1f}s")
        return
    if args.seed is not None:
        out = args.out or OUT_DIR / f"seed{args.seed}.jsonl"
        exclude_seeds = args.exclude_seed
        if exclude_seeds is None:
            exclude_seeds = [] if args.seed == SPLITS["train"] else [SPLITS["train"]]
        exclude: set[str] = set()
        for s in exclude_seeds:
            exclude |= identities(generate(s))
        pairs = generate(args.seed, exclude)
        assert not identities(pairs) & exclude
        prefix = {v: k for k, v in SPLITS.items()}.get(args.seed, f"seed{args.seed}")
        write(pairs, prefix, out)
        print(counts_table({prefix: check_file(out)}))
        print(f"wrote {len(pairs)} pairs to {out} in {time.monotonic() - started:.1f}s")
        return
    train = generate(SPLITS["train"])
    train_ids = identities(train)
    test = generate(SPLITS["test"], exclude=train_ids)
    overlap = train_ids & identities(test)
    assert not overlap, f"train/test identity overlap: {sorted(overlap)[:5]}"
    counts = {}
    for split, pairs in (("train", train), ("test", test)):
        path = OUT_DIR / f"{split}.jsonl"
        write(pairs, split, path)
        counts[split] = check_file(path)
    print(counts_table(counts))
    print(
        f"train {len(train)} pairs, test {len(test)} pairs, identity overlap 0; "
        f"{time.monotonic() - started:.1f}s"
    )


if __name__ == "__main__":
    main()
