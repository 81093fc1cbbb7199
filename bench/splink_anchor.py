"""Splink baseline ("anchor") for the labelled name pairs of bench/data/names_eval.

    .venv/bin/python bench/splink_anchor.py

A classic Fellegi-Sunter model built with Splink 5 (DuckDB backend), trained on the
train pairs only and applied to the test pairs:

* each pair's two records become a "left" and a "right" table (link_only), with a
  normalised name (ASCII via rigour, lower case, punctuation dropped, tokens sorted),
  its first and last token, full birth/incorporation/build date, year, country,
  gender, identifier (IMO or registration number) and schema;
* u probabilities from random sampling of left x right train records (seeded);
* m probabilities from the positive train pairs (``estimate_m_from_pairwise_labels``);
* the prior ``probability_two_random_records_match`` is the share of labelled matches
  among all left x right train record pairs (matches / (n_left * n_right)), which is
  what Splink's deterministic-rule estimate targets; 0.5 would be the prior of the
  *blocked* pairs, not of random records;
* term-frequency adjustments on the exact name and last-token levels (the reason this
  anchor exists: a common name agreeing is weaker evidence than a rare one); the
  frequencies come from the records being linked, as in any Splink run.

The trained model (settings dict) is loaded into a fresh linker over the test records,
whose only blocking rule is ``pair_id``, so exactly the labelled pairs are scored.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
import splink.comparison_library as cl
from rigour.text.translit import ascii_text
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

DATA = Path(__file__).resolve().parent / "data" / "names_eval"
SEED = 42
U_MAX_PAIRS = 2e6
# floor for an m or u probability that the training data never observed (or put at 0):
# a level unseen among 3,700 positives should weigh strongly against, not infinitely
MIN_PROBABILITY = 1e-4

_APOSTROPHES = re.compile(r"['’`ʼ‘]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_PROPS = ("birthDate", "incorporationDate", "buildDate")
_COUNTRY_PROPS = ("nationality", "jurisdiction", "flag", "country")
_IDENT_PROPS = ("imoNumber", "registrationNumber")


def _first(props: dict[str, list[str]], *names: str) -> str | None:
    for name in names:
        for value in props.get(name) or ():
            if value and value.strip():
                return value.strip()
    return None


def _tokens(name: str | None) -> list[str]:
    if not name:
        return []
    text = ascii_text(name).lower()
    text = _APOSTROPHES.sub("", text)
    return _NON_ALNUM.sub(" ", text).split()


def _record(unique_id: str, pair_id: str, entity: dict[str, Any]) -> dict[str, str | None]:
    props: dict[str, list[str]] = entity.get("properties") or {}
    tokens = _tokens(_first(props, "name"))
    date = _first(props, *_DATE_PROPS)
    country = _first(props, *_COUNTRY_PROPS)
    gender = _first(props, "gender")
    ident_raw = _first(props, *_IDENT_PROPS)
    ident = re.sub(r"[^A-Z0-9]", "", ident_raw.upper()) if ident_raw else ""
    return {
        "unique_id": unique_id,
        "pair_id": pair_id,
        "name": " ".join(sorted(tokens)) or None,
        "first_token": tokens[0] if tokens else None,
        "last_token": tokens[-1] if tokens else None,
        "dob": date if date and _FULL_DATE.match(date) else None,
        "year": date[:4] if date and len(date) >= 4 else None,
        "country": country.lower() if country else None,
        "gender": gender.lower() if gender else None,
        "ident": ident or None,
        "schema": entity.get("schema") or None,
    }


def _tables(pairs: list[dict[str, Any]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    left = [_record(f"{p['pair_id']}-l", p["pair_id"], p["left"]) for p in pairs]
    right = [_record(f"{p['pair_id']}-r", p["pair_id"], p["right"]) for p in pairs]
    return pd.DataFrame(left, dtype=object), pd.DataFrame(right, dtype=object)


def _settings(prior: float) -> SettingsCreator:
    return SettingsCreator(
        link_type="link_only",
        probability_two_random_records_match=prior,
        unique_id_column_name="unique_id",
        comparisons=[
            cl.JaroWinklerAtThresholds("name", [0.92, 0.85, 0.7]).configure(
                term_frequency_adjustments=True
            ),
            cl.JaroWinklerAtThresholds("first_token", [0.9, 0.7]),
            cl.JaroWinklerAtThresholds("last_token", [0.9, 0.7]).configure(
                term_frequency_adjustments=True
            ),
            cl.DateOfBirthComparison("dob", input_is_string=True, datetime_format="%Y-%m-%d"),
            cl.ExactMatch("year"),
            cl.ExactMatch("country"),
            cl.ExactMatch("gender"),
            cl.ExactMatch("ident"),
            cl.ExactMatch("schema"),
        ],
        blocking_rules_to_generate_predictions=[block_on("pair_id")],
        additional_columns_to_retain=["pair_id"],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def _linker(left: pd.DataFrame, right: pd.DataFrame, settings: Any) -> Linker:
    db_api = DuckDBAPI()
    sdf_left = db_api.register(left, dataset_display_name="left", table_name="records_l")
    sdf_right = db_api.register(right, dataset_display_name="right", table_name="records_r")
    return Linker([sdf_left, sdf_right], settings, log_level=logging.WARNING)


def _floor_unobserved(model: dict[str, Any]) -> dict[str, Any]:
    """Give levels never seen in training a small probability instead of none or 0."""
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            for key in ("m_probability", "u_probability"):
                value = level.get(key)
                if not isinstance(value, (int, float)) or value < MIN_PROBABILITY:
                    level[key] = MIN_PROBABILITY
    return model


def train_model(train: list[dict[str, Any]]) -> dict[str, Any]:
    """Train the Splink model on the train pairs; returns the settings dict."""
    left, right = _tables(train)
    positives = [p for p in train if p["label"] == 1]
    prior = len(positives) / (len(left) * len(right))
    linker = _linker(left, right, _settings(prior))
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=SEED)
    labels = pd.DataFrame(
        {
            "source_dataset_l": ["left"] * len(positives),
            "unique_id_l": [f"{p['pair_id']}-l" for p in positives],
            "source_dataset_r": ["right"] * len(positives),
            "unique_id_r": [f"{p['pair_id']}-r" for p in positives],
        }
    )
    labels_sdf = linker.table_management.register_table(labels, "train_labels", overwrite=True)
    linker.training.estimate_m_from_pairwise_labels(labels_sdf)
    return _floor_unobserved(linker.misc.save_model_to_json())


def predict_with_model(model: dict[str, Any], test: list[dict[str, Any]]) -> list[float]:
    """Score each test pair with a trained model (0.0 for a pair Splink did not return)."""
    left, right = _tables(test)
    linker = _linker(left, right, json.loads(json.dumps(model)))
    predictions = linker.inference.predict(warning_mode="never").as_pandas_dataframe()
    scores: dict[str, float] = {}
    for uid_l, uid_r, probability in zip(
        predictions["unique_id_l"],
        predictions["unique_id_r"],
        predictions["match_probability"],
        strict=True,
    ):
        # link_only puts the "left" dataset on the left; guard the order anyway
        pair_l, pair_r = str(uid_l)[:-2], str(uid_r)[:-2]
        if pair_l == pair_r:
            scores[pair_l] = float(probability)
    return [scores.get(p["pair_id"], 0.0) for p in test]


def splink_scores(train: list[dict[str, Any]], test: list[dict[str, Any]]) -> list[float]:
    """Splink's match_probability for each test pair, the model trained on ``train``."""
    return predict_with_model(train_model(train), test)


def _load(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _prf(labels: list[int], predicted: list[bool]) -> tuple[float, float, float]:
    tp = sum(1 for y, p in zip(labels, predicted, strict=True) if p and y == 1)
    fp = sum(1 for y, p in zip(labels, predicted, strict=True) if p and y == 0)
    fn = sum(1 for y, p in zip(labels, predicted, strict=True) if not p and y == 1)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def main() -> None:
    train = _load(DATA / "train.jsonl")
    test = _load(DATA / "test.jsonl")
    start = time.perf_counter()
    scores = splink_scores(train, test)
    seconds = time.perf_counter() - start
    groups = ["overall", *sorted({p["group"] for p in test})]
    print(f"Splink {len(train)} train / {len(test)} test pairs, {seconds:.1f} s")
    for threshold in (0.5, 0.7):
        print(f"\nthreshold {threshold}")
        print(f"{'group':<22}{'n':>6}{'P':>8}{'R':>8}{'F1':>8}")
        for group in groups:
            idx = [i for i, p in enumerate(test) if group in ("overall", p["group"])]
            labels = [test[i]["label"] for i in idx]
            predicted = [scores[i] >= threshold for i in idx]
            precision, recall, f1 = _prf(labels, predicted)
            print(f"{group:<22}{len(idx):>6}{precision:>8.3f}{recall:>8.3f}{f1:>8.3f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
