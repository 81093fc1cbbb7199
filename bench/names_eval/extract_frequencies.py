"""Extract name-frequency ranks from names-dataset 3.3.1 into data/frequencies.json.

Run once (needs the ``evalgen`` extra, ~25 s and ~3 GB of memory to load the dataset):

    python -m bench.names_eval.extract_frequencies

names-dataset ranks names by how many accounts of a country used them; it holds no records of
people, only per-country rank lists. We keep the top of those lists (the generator turns a rank
into a Zipf-like weight) so generating the evaluation set needs neither the 55 MB dataset nor its
memory. The script does not decide anything about matching: it filters scripts, merges Russian
feminine surname forms into the masculine lemma, and lists surname pairs one edit apart.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "data" / "frequencies.json"

CYRILLIC = re.compile(r"^[А-ЯЁ][а-яё]{2,}(-[А-ЯЁ][а-яё]+)?$")
PATRONYMIC = re.compile(r"(вич|вна|ична|ьич)$")
SURNAME_SHAPE = re.compile(r"(ов|ова|ев|ева|ёв|ёва|ский|ская|енко|ук|юк)$")
NOT_SURNAMES = {"Неважно", "Пупкин", "Пупкина", "Котик", "Зайка", "Солнышко"}
ARABIC = re.compile(r"^[\u0621-\u064A]{2,}$")
LATIN = re.compile(r"^[A-Z][a-zà-ÿ']{2,}( [A-Z][a-zà-ÿ']+)?$")

# Russian surname lemmatisation: feminine form -> masculine form (the generator re-inflects)
FEM_TO_MASC = [
    ("ская", "ский"),
    ("цкая", "цкий"),
    ("ова", "ов"),
    ("ева", "ев"),
    ("ёва", "ёв"),
    ("ина", "ин"),
    ("ына", "ын"),
]

LATIN_COUNTRIES = ["US", "GB", "DE", "FR", "ES", "IT", "NL", "PL", "BR", "NG", "IN", "TR", "PT"]
ARABIC_COUNTRIES = ["EG", "SA", "IQ", "SY", "JO", "AE", "KW", "LB", "MA", "DZ", "TN", "LY"]


def ru_lemma(name: str) -> str:
    for fem, masc in FEM_TO_MASC:
        if name.endswith(fem) and len(name) > len(fem) + 1:
            return name[: -len(fem)] + masc
    return name


def spelling_key(name: str) -> str:
    """A crude key under which two spellings of ONE name coincide (accents, s/z, doubled letters,
    Г/Х for h, ё/е): near pairs equal under it are variants of a name, not different names."""
    key = unicodedata.normalize("NFKD", name.lower())
    key = "".join(c for c in key if not unicodedata.combining(c))
    pairs = [("й", "и"), ("г", "х"), ("д", "т"), ("z", "s"), ("ph", "f"), ("ck", "k")]
    for a, b in pairs:
        key = key.replace(a, b)
    key = re.sub(r"[aeiouyаеёиоуыэюя]+", "a", key)  # vowels: Каримов/Керимов, Allan/Allen
    return re.sub(r"(.)\1+", r"\1", key).removesuffix("a")


def near_pairs(names: Iterable[str], limit: int = 3000) -> list[list[str]]:
    """Pairs of distinct names one substitution, insertion or deletion apart, that are not mere
    spelling variants of one name (see spelling_key)."""
    index: dict[str, set[str]] = {}
    names = list(dict.fromkeys(names))
    for name in names:
        key = name.lower().replace("ё", "е")
        for i in range(len(key)):
            index.setdefault(key[:i] + "*" + key[i + 1 :], set()).add(name)  # substitution
            index.setdefault(key[:i] + key[i + 1 :], set()).add(name)  # deletion
        index.setdefault(key, set()).add(name)
    pairs: set[tuple[str, str]] = set()
    for bucket in index.values():
        if 1 < len(bucket) < 8:
            members = sorted(bucket)
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    if spelling_key(a) != spelling_key(b):
                        pairs.add((a, b))
    rank = {n: i for i, n in enumerate(names)}
    ordered = sorted(pairs, key=lambda p: (rank[p[0]] + rank[p[1]], p))  # no hash-order ties
    return [list(p) for p in ordered[:limit]]


def ranked(values: dict[str, int], pattern: re.Pattern[str], n: int) -> list[str]:
    return [k for k, _ in sorted(values.items(), key=lambda kv: kv[1]) if pattern.match(k)][:n]


def main() -> None:
    from names_dataset import NameDataset  # the evalgen extra; imported here only

    nd = NameDataset()
    # one pass per list over the whole dataset (each call scans every name)
    tops = {g: nd.get_top_names(n=3000, gender=g) for g in ("M", "F")}
    top_last = nd.get_top_names(n=10000, use_first_names=False)

    def first(country: str, gender: str, pattern: re.Pattern[str], n: int) -> list[str]:
        return [x for x in tops[gender].get(country, {}).get(gender, []) if pattern.match(x)][:n]

    def last(country: str, pattern: re.Pattern[str], n: int) -> list[str]:
        return [x for x in top_last.get(country, []) if pattern.match(x)][:n]

    out: dict[str, Any] = {
        "source": "names-dataset 3.3.1 (philipperemy/name-dataset): per-country rank lists",
    }
    for cc in ["RU", "KZ"]:
        surnames: list[str] = []
        given = set(first(cc, "M", CYRILLIC, 600)) | set(first(cc, "F", CYRILLIC, 600))
        for s in last(cc, CYRILLIC, 3000):
            lemma = ru_lemma(s)
            # the lists hold given names and patronymics typed into the surname field: drop them
            if s in NOT_SURNAMES or PATRONYMIC.search(s):
                continue
            if s in given and not SURNAME_SHAPE.search(s):
                continue
            if lemma not in surnames:
                surnames.append(lemma)
        out[cc.lower()] = {
            "male": first(cc, "M", CYRILLIC, 250),
            "female": first(cc, "F", CYRILLIC, 250),
            "surnames": surnames[:1500],
        }
    out["ru_surname_near_pairs"] = near_pairs(out["ru"]["surnames"][:1200], 1500)
    for cc in ["PH", "MY", "ID", *LATIN_COUNTRIES]:
        out[cc.lower()] = {
            "male": first(cc, "M", LATIN, 300),
            "female": first(cc, "F", LATIN, 300),
            "surnames": last(cc, LATIN, 800),
        }
    latin_surnames = [s for cc in LATIN_COUNTRIES for s in out[cc.lower()]["surnames"][:300]]
    out["latin_surname_near_pairs"] = near_pairs(latin_surnames, 1500)
    # Arabic script: best rank over the Arab countries, as first name and as last name
    for key, use_first in [("arabic_first", True), ("arabic_last", False)]:
        best: dict[str, int] = {}
        for cc in ARABIC_COUNTRIES:
            if use_first:
                lists = [tops[g].get(cc, {}).get(g, []) for g in ("M", "F")]
            else:
                lists = [top_last.get(cc, [])]
            for names in lists:
                for r, name in enumerate(names):
                    if ARABIC.match(name):
                        best[name] = min(best.get(name, 10**9), r + 1)
        out[key] = dict(sorted(best.items(), key=lambda kv: kv[1])[:6000])
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(out, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
