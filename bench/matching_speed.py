"""Screening-speed benchmark: one node, many fictitious persons, the real `/match` path.

    python bench/matching_speed.py [--records 1000000] [--queries 1000] [--screen 10000]
                                   [--pairs 3000] [--database-url URL] [--data-dir DIR] [--keep]

1. Load: ``--records`` fictitious Person records from the demo generator (names
   in Cyrillic, Arabic and Latin script, ``--name-pool`` names per script) are
   imported with ``node.transfer.import_items``, the code path of
   ``liaison import``, so the candidate index is built the real way.
2. Latency: ``--queries`` calls of ``MatchService.match``, the library call
   behind ``POST /api/v1/match``, with one query each. Each call covers candidate
   retrieval, the visibility filter, scoring, the result description and the
   audit entry. The figures are p50/p95/p99 in ms. Most queries are stored
   persons, changed in one or two ways: another transliteration, name parts
   reordered, day and month of birth swapped, or a typo. One in ten is a
   person who is not in the data.
3. Breakdown: the same calls again with the steps of ``_hits`` timed. This
   gives the candidates scored per query and shows where the time goes.
   Candidate retrieval is one step: the keys' counts, then one statement that
   ranks subjects, joins visibility and fetches their profiles.
4. Scoring: ``score`` alone, on the candidate pairs of step 3 (profiles
   already ``loads``-ed), in ms per pair. The anchor is nomenklatura's
   ``logic-v2`` on the same pairs (entities already built). Both run warm:
   a first pass primes string-level caches, then the median of three timed
   passes counts. Every logic-v2 pass builds its entities with fresh ids, so
   its per-entity caches cannot hit across passes.
5. Retrieval anchor: candidate retrieval alone on ``--retrieval`` of those
   queries, the path before issue 18 (one SELECT per key, ``rank`` in Python,
   the visibility filter, the profile fetch) alternating with
   ``store.candidates`` (one query per call, then 100 per call): ms per query,
   and how many queries got the same candidates from both.
6. Screening: ``--screen`` names in calls of 100 queries (the API's limit),
   total seconds.

Targets (the issue): p99 ≤ 50 ms per query, ≤ 0.1 ms per candidate scored,
10,000 names screened in ≤ 60 s. A ratio > 1 means better than the target or
faster than the anchor. All data is generated and fictitious. A fresh node
goes in ``bench-data/``. PostgreSQL: ``--database-url`` (a fresh schema in it).
``--data-dir`` with ``--keep`` keeps a loaded node; run again with the same
``--data-dir`` (and URL) to skip the load.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import shutil
import statistics
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench-data"
SEED = 2026
LATENCY_TARGET_MS = 50.0
PER_CANDIDATE_TARGET_MS = 0.1
SCREEN_TARGET_S = 60.0
SCREEN_TARGET_NAMES = 10_000
ABSENT_SHARE = 0.1
YENTE_THRESHOLD = 0.7  # yente's default match threshold, for logic-v2
LIMIT = 5
REPEATS = 3  # timed passes over the scoring pairs, after a warm-up pass; the median counts

# Two romanisations of Russian that differ from rigour's: ICAO 9303 and German.
_CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
_ICAO_LATIN = (
    "a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p",
    "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "ie", "y", "-", "e", "iu", "ia",
)  # fmt: skip
_ICAO = dict(zip(_CYRILLIC, _ICAO_LATIN, strict=True))
_GERMAN = {
    **_ICAO,
    "в": "w",
    "ж": "sch",
    "з": "s",
    "й": "j",
    "х": "ch",
    "ц": "z",
    "ч": "tsch",
    "ш": "sch",
    "щ": "schtsch",
    "ы": "y",
    "ю": "ju",
    "я": "ja",
}
# Arabic letters with the choices Latin spellings make; vowels are guessed.
_ARABIC = {
    "ا": ("a",), "أ": ("a",), "إ": ("i",), "آ": ("a",), "ب": ("b",), "ت": ("t",),
    "ث": ("th", "s"), "ج": ("j", "dj", "g"), "ح": ("h",), "خ": ("kh",), "د": ("d",),
    "ذ": ("dh", "z"), "ر": ("r",), "ز": ("z",), "س": ("s",), "ش": ("sh",), "ص": ("s",),
    "ض": ("d",), "ط": ("t",), "ظ": ("z",), "ع": ("a", "'"), "غ": ("gh",), "ف": ("f",),
    "ق": ("q", "k"), "ك": ("k",), "ل": ("l",), "م": ("m",), "ن": ("n",), "ه": ("h",),
    "و": ("w", "ou", "u"), "ي": ("y", "i", "ee"), "ى": ("a",), "ة": ("a", "ah"), "ء": ("",),
    "ئ": ("",), "ؤ": ("",),
}  # fmt: skip
_KEYBOARD = dict(zip("aeiounrstlmkdgbvpc", "sworimtdyknjlsfhnoxv", strict=False))


# --- data and queries --------------------------------------------------------------------


def persons(count: int, pool: int) -> Iterator[dict[str, Any]]:
    """Fictitious Person entities with envelopes, the same for the same arguments."""
    from liaison.demo.generate import Generator, make_pools

    generator = Generator(seed=SEED, pools=make_pools(SEED, pool))
    for _ in range(count):
        yield {**generator.person(), "envelope": generator.envelope()}


def absent_persons(count: int, pool: int) -> list[dict[str, Any]]:
    """People drawn with another seed: as a rule not in the data."""
    from liaison.demo.generate import Generator, make_pools

    generator = Generator(seed=SEED + 1, pools=make_pools(SEED + 1, pool))
    return [generator.person() for _ in range(count)]


def romanise(name: str, rng: random.Random) -> str:
    """A Latin spelling of a Cyrillic or Arabic name; a Latin name is returned as is."""
    if any("\u0400" <= ch <= "\u04ff" for ch in name):
        table = rng.choice((_ICAO, _GERMAN))
        words = ["".join(table.get(ch, ch) for ch in word.lower()) for word in name.split()]
        return " ".join(w.replace("-", "").capitalize() for w in words)
    if any("\u0600" <= ch <= "\u06ff" for ch in name):
        return " ".join(_arabic_word(word, rng) for word in name.split())
    return name


def _arabic_word(word: str, rng: random.Random) -> str:
    prefix = ""
    if word.startswith("ال") and len(word) > 3:
        prefix, word = rng.choice(("al-", "el-", "Al ", "")), word[2:]
    out = []
    for i, ch in enumerate(word):
        out.append(rng.choice(_ARABIC.get(ch, ("",))))
        following = word[i + 1] if i + 1 < len(word) else ""
        if ch not in "اويى" and following and following not in "اوي" and rng.random() < 0.6:
            out.append(rng.choice("aaaeiu"))  # an unwritten short vowel
    return prefix + "".join(out).capitalize()


def reorder(name: str, rng: random.Random) -> str:
    parts = name.split()
    if len(parts) < 2:
        return name
    last, rest = parts[-1], " ".join(parts[:-1])
    return f"{last}, {rest}" if rng.random() < 0.5 else f"{last} {rest}"


def typo(name: str, rng: random.Random) -> str:
    """One character dropped, doubled, swapped or replaced by a neighbouring key."""
    parts = name.split()
    long = [i for i, p in enumerate(parts) if len(p) > 3]
    if not long:
        return name
    i = rng.choice(long)
    word, at = parts[i], rng.randrange(1, len(parts[i]) - 1)
    edit = rng.choice(("drop", "double", "swap", "key"))
    if edit == "drop":
        word = word[:at] + word[at + 1 :]
    elif edit == "double":
        word = word[:at] + word[at] + word[at:]
    elif edit == "swap":
        word = word[: at - 1] + word[at] + word[at - 1] + word[at + 1 :]
    else:
        word = word[:at] + _KEYBOARD.get(word[at].lower(), "e") + word[at + 1 :]
    parts[i] = word
    return " ".join(parts)


def swap_date(date: str) -> str:
    year, month, day = date.split("-")
    return f"{year}-{day}-{month}" if int(day) <= 12 and day != month else date


def perturb(entity: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """A query describing a stored person the way another agency might write it."""
    props = entity["properties"]
    name, date = props["name"][0], props["birthDate"][0]
    changes = rng.sample(("translit", "reorder", "date", "typo"), rng.choice((1, 2)))
    if "translit" in changes or rng.random() < 0.5:
        name = romanise(name, rng)
    if "reorder" in changes:
        name = reorder(name, rng)
    if "typo" in changes:
        name = typo(name, rng)
    if "date" in changes:
        date = swap_date(date)
    return query_of(name, date, props["nationality"][0], rng)


def query_of(name: str, date: str, country: str, rng: random.Random) -> dict[str, Any]:
    properties: dict[str, list[str]] = {"name": [name]}
    if rng.random() < 0.9:
        properties["birthDate"] = [date]
    if rng.random() < 0.5:
        properties["nationality"] = [country]
    return {"schema": "Person", "properties": properties}


@dataclass
class Query:
    body: dict[str, Any]
    source: str | None  # entity id of the stored person it was made from


@dataclass
class Workload:
    latency: list[Query]
    screen: list[Query]


def plan(records: int, queries: int, screen: int) -> tuple[dict[int, int], int, int]:
    """Which stored persons (by position) become queries, and how many absent ones."""
    rng = random.Random(SEED)
    present = [round(n * (1 - ABSENT_SHARE)) for n in (queries, screen)]
    chosen = rng.sample(range(records), min(records, sum(present)))
    return {pos: i for i, pos in enumerate(chosen)}, queries - present[0], screen - present[1]


def workload(
    sources: list[dict[str, Any]], absent: list[dict[str, Any]], queries: int, screen: int
) -> Workload:
    rng = random.Random(SEED + 2)
    made = [Query(perturb(e, rng), e["id"]) for e in sources]
    missing = [
        Query(
            query_of(
                e["properties"]["name"][0],
                e["properties"]["birthDate"][0],
                e["properties"]["nationality"][0],
                rng,
            ),
            None,
        )
        for e in absent
    ]
    present_latency = round(queries * (1 - ABSENT_SHARE))
    latency = made[:present_latency] + missing[: queries - present_latency]
    rest = made[present_latency:] + missing[queries - present_latency :]
    rng.shuffle(latency)
    rng.shuffle(rest)
    return Workload(latency, rest[:screen])


# --- the node ----------------------------------------------------------------------------


@dataclass
class Bench:
    node: Any
    analyst: Any
    backend: str
    loaded: bool = False
    cleanup: list[Callable[[], None]] = field(default_factory=list)


def open_bench(data_dir: Path, url: str | None) -> Bench:
    """Open the node in ``data_dir``, making it (with an analyst) if it is new."""
    from liaison.node import SYSTEM, Node, init_node
    from liaison.node.accounts import actor_of
    from liaison.settings import Settings

    existing = (data_dir / "node.key").exists()
    cleanup: list[Callable[[], None]] = []
    if url and url.startswith("postgresql") and not existing:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
        data_dir.mkdir(parents=True, exist_ok=True)
        (data_dir / "schema").write_text(schema)
    if url and (data_dir / "schema").exists():
        schema = (data_dir / "schema").read_text()
        admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        cleanup.append(lambda: _drop_schema(admin, schema))
        url = f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    settings = Settings(data_dir=data_dir, database_url=url)
    if not existing:
        init_node(settings)
    node = Node.open(settings)
    if not existing:
        node.accounts.bootstrap_admin(SYSTEM, "admin", "bench-password-1")
        with node.ctx.engine.connect() as conn:
            admin_actor = actor_of(_user(conn, "admin"))
        node.accounts.create_user(admin_actor, "analyst", "bench-password-1", "analyst", "SECRET")
    with node.ctx.engine.connect() as conn:
        analyst = actor_of(_user(conn, "analyst"))
    backend = node.ctx.engine.dialect.name
    return Bench(node, analyst, backend, loaded=existing, cleanup=cleanup)


def _user(conn: sa.Connection, name: str) -> sa.Row[Any]:
    from liaison.storage import users as user_store

    found = user_store.by_name(conn, name)
    assert found is not None, name
    return found


def _drop_schema(admin: sa.Engine, schema: str) -> None:
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))


def analyse_tables(bench: Bench) -> None:
    """PostgreSQL: table statistics now, as autovacuum would do some time after a bulk
    load. Without them the planner guesses, and the candidates statement (keys IN
    (...)) can be planned as a sequential scan of match_keys."""
    if bench.backend == "postgresql":
        with bench.node.ctx.engine.begin() as conn:
            for table in ("match_keys", "match_key_counts", "match_profiles", "records"):
                conn.exec_driver_sql(f"ANALYZE {table}")


def record_count(bench: Bench) -> int:
    from liaison.storage.tables import match_profiles

    with bench.node.ctx.engine.connect() as conn:
        query = sa.select(sa.func.count()).select_from(match_profiles)
        return int(conn.execute(query).scalar_one())


def load(
    bench: Bench, records: int, pool: int, wanted: dict[int, int]
) -> tuple[float, list[dict[str, Any]]]:
    """Import the persons (unless the node has them); return seconds and the sampled ones."""
    from liaison.node import Why

    sampled: list[dict[str, Any]] = [{}] * len(wanted)
    started = time.perf_counter()

    def items() -> Iterator[tuple[int, dict[str, Any]]]:
        for position, entity in enumerate(persons(records, pool)):
            if position in wanted:
                sampled[wanted[position]] = {**entity, "properties": dict(entity["properties"])}
            if position and position % 100_000 == 0:
                took = time.perf_counter() - started
                print(f"  ... {position:,} generated in {took:.0f} s", file=sys.stderr, flush=True)
            yield position + 1, entity

    if bench.loaded:
        for _ in items():
            pass
        return 0.0, sampled
    report = bench.node.transfer.import_items(
        bench.analyst, items, source="bench", why=Why("cross_check", "matching benchmark")
    )
    assert not report.rejected, report.rejected[:3]
    return time.perf_counter() - started, sampled


# --- measuring ---------------------------------------------------------------------------


def match_one(bench: Bench, query: Query) -> list[dict[str, Any]]:
    from liaison.node import Why

    found = bench.node.matching.match(
        bench.analyst, {"q": query.body}, limit=LIMIT, why=Why("cross_check", "benchmark")
    )
    results: list[dict[str, Any]] = found["q"]
    return results


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def latencies(bench: Bench, queries: list[Query]) -> tuple[list[float], float, float]:
    """Milliseconds per single-query call; share of present people found in the top
    results, and share found above the threshold."""
    from liaison.model.ids import record_id_for

    node_id = bench.node.ctx.node_id
    out, found, matched, present = [], 0, 0, 0
    for query in queries:
        started = time.perf_counter()
        results = match_one(bench, query)
        out.append((time.perf_counter() - started) * 1000)
        if query.source is not None:
            present += 1
            wanted = record_id_for(node_id, query.source)
            hit = [r for r in results if r["id"] == wanted]
            found += bool(hit)
            matched += bool(hit and hit[0]["match"])
    return out, found / max(present, 1), matched / max(present, 1)


@dataclass
class Breakdown:
    seconds: dict[str, float]
    calls: int
    total: float
    candidates: list[int]
    times: list[float]  # ms per call, instrumented
    pairs: list[tuple[int, Any, str, str]]  # (query index, query profile, subject, profile)


@contextmanager
def timed_steps(seconds: dict[str, float], captured: list[dict[str, Any]]) -> Iterator[None]:
    """Time the steps of ``MatchService._hits`` by wrapping what it calls."""
    import liaison.node.matching as service
    from liaison.storage import matching as store
    from liaison.storage import records as record_store

    def wrap(name: str, fn: Callable[..., Any], keep: bool = False) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            result = fn(*args, **kwargs)
            seconds[name] += time.perf_counter() - started
            if keep:
                captured.append(result)
            return result

        return timed

    targets = [
        (store, "candidates", "candidates (keys, visibility, profiles)", True),
        (record_store, "visible_to", "visibility condition (records)", False),
        (service, "loads", "profile decoding (loads)", False),
        (service, "score", "scoring (score)", False),
        (service.MatchService, "describe", "result description (records)", False),
    ]
    saved = [(obj, attr, getattr(obj, attr)) for obj, attr, _, _ in targets]
    for obj, attr, label, keep in targets:
        setattr(obj, attr, wrap(label, getattr(obj, attr), keep))
    try:
        yield
    finally:
        for obj, attr, original in saved:
            setattr(obj, attr, original)


def breakdown(bench: Bench, queries: list[Query]) -> Breakdown:
    from liaison.node.matching import query_profile

    seconds: dict[str, float] = defaultdict(float)
    captured: list[dict[str, Any]] = []
    candidates: list[int] = []
    times: list[float] = []
    pairs: list[tuple[int, Any, str, str]] = []
    with timed_steps(seconds, captured):
        for index, query in enumerate(queries):
            captured.clear()
            started = time.perf_counter()
            match_one(bench, query)
            times.append((time.perf_counter() - started) * 1000)
            found = captured[0]["q"] if captured else []
            stored = {candidate.subject: candidate.profile for candidate in found}
            candidates.append(len(stored))
            profile = query_profile("q", query.body)
            pairs.extend((index, profile, subject, text) for subject, text in stored.items())
    total = sum(times) / 1000
    return Breakdown(dict(seconds), len(queries), total, candidates, times, pairs)


def ms_per_item(run: Callable[[], object], items: int) -> float:
    """Median over ``REPEATS`` runs of ``run``, in ms per item."""
    took = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        run()
        took.append(time.perf_counter() - started)
    return statistics.median(took) * 1000 / max(items, 1)


def liaison_scoring(
    pairs: list[tuple[int, Any, str, str]], threshold: float
) -> tuple[float, float, int]:
    """Ms per pair, warm: ``score`` on loaded profiles, ``loads`` + ``score``; matches."""
    from liaison.matching.profile import loads
    from liaison.matching.score import default_model, score

    model = default_model()
    loaded = [(q, loads(text)) for _, q, _, text in pairs]
    results = [score(q, c, model) for q, c in loaded]  # the warm-up pass
    score_only = ms_per_item(lambda: [score(q, c, model) for q, c in loaded], len(pairs))
    with_loads = ms_per_item(
        lambda: [score(q, loads(text), model) for _, q, _, text in pairs], len(pairs)
    )
    return score_only, with_loads, sum(r.is_match(threshold) for r in results)


def anchor_pairs(bench: Bench, pairs: list[tuple[int, Any, str, str]], queries: list[Query]) -> Any:
    """The same pairs as (query properties, candidate properties) for FtM entities."""
    from liaison.storage import records as record_store

    with bench.node.ctx.engine.connect() as conn:
        rows = record_store.current_for(conn, sorted({subject for _, _, subject, _ in pairs}))
    props = {r.record_id: r.properties for r in rows}
    return [
        (index, queries[index].body["properties"], props[subject]) for index, _, subject, _ in pairs
    ]


def logic_v2(anchor: list[tuple[int, dict[str, Any], dict[str, Any]]]) -> tuple[float, int]:
    """Ms per pair of nomenklatura's logic-v2, warm, fresh entity ids; and matches."""
    from followthemoney import model
    from nomenklatura.matching import ScoringConfig, get_algorithm

    algorithm = get_algorithm("logic-v2")
    assert algorithm is not None, "nomenklatura has no logic-v2"
    config = ScoringConfig.defaults()

    def entities(tag: str) -> list[tuple[Any, Any]]:
        queries: dict[int, Any] = {}
        out = []
        for n, (index, query, candidate) in enumerate(anchor):
            if index not in queries:
                queries[index] = model.get_proxy(
                    {"id": f"{tag}-q{index}", "schema": "Person", "properties": query}
                )
            other = {"id": f"{tag}-c{n}", "schema": "Person", "properties": candidate}
            out.append((queries[index], model.get_proxy(other)))
        return out

    warm = [algorithm.compare(q, c, config) for q, c in entities("warm")]
    took = []
    for run in range(REPEATS):  # new ids each run: no entity-level cache hits
        built = entities(f"run{run}")
        started = time.perf_counter()
        for query, candidate in built:
            algorithm.compare(query, candidate, config)
        took.append(time.perf_counter() - started)
    per_pair = statistics.median(took) * 1000 / max(len(anchor), 1)
    return per_pair, sum(r.score >= YENTE_THRESHOLD for r in warm)


def first_pairs(found: Breakdown, wanted: int) -> list[tuple[int, Any, str, str]]:
    """Whole queries' candidates, in order, until there are ``wanted`` pairs."""
    out: list[tuple[int, Any, str, str]] = []
    for pair in found.pairs:
        if len(out) >= wanted and pair[0] != out[-1][0]:
            break
        out.append(pair)
    return out


@dataclass
class Retrieval:
    queries: int
    identical: int  # queries given the same candidates (with profiles) by both
    old_ms: float  # per query: one SELECT per key, rank in Python, visibility, profiles
    new_ms: float  # per query: one call of store.candidates with one query
    batched_ms: float  # per query: store.candidates with 100 queries per call


def per_key_candidates(conn: sa.Connection, bench: Bench, wanted: set[str]) -> dict[str, str]:
    """The anchor: retrieval as it was before issue 18 (kept here to compare)."""
    from liaison.matching.profile import rank
    from liaison.node.matching import CANDIDATES, STOP_KEY
    from liaison.storage import matching as store
    from liaison.storage import records as record_store
    from liaison.storage.tables import match_keys

    postings = {
        key: list(
            conn.execute(
                sa.select(match_keys.c.subject).where(match_keys.c.key == key).limit(STOP_KEY + 1)
            ).scalars()
        )
        for key in sorted(wanted)
    }
    found = rank(postings, CANDIDATES, STOP_KEY)
    actor = bench.analyst
    records = [s for s in found if not s.startswith(store.WATCH)]
    node_id = bench.node.ctx.node_id
    allowed = record_store.visible_ids(conn, records, actor.clearance, actor.username, node_id)
    shown = [s for s in found if s.startswith(store.WATCH) or s in allowed]
    return store.profiles(conn, shown)


def retrieval(bench: Bench, queries: list[Query]) -> Retrieval:
    """Candidate retrieval alone, the anchor and the new path alternating on the same
    queries in the same run (so that the machine's load weighs on both alike)."""
    from liaison.matching.profile import keys
    from liaison.node.matching import CANDIDATES, MAX_QUERIES, STOP_KEY, query_profile
    from liaison.storage import matching as store
    from liaison.storage import records as record_store

    actor, node_id = bench.analyst, bench.node.ctx.node_id
    visible = record_store.visible_to(actor.clearance, actor.username, node_id)
    wanted = [keys(query_profile("q", q.body)) for q in queries]
    old_s = new_s = 0.0
    identical = 0
    with bench.node.ctx.engine.connect() as conn:
        for want in wanted:
            started = time.perf_counter()
            before = per_key_candidates(conn, bench, want)
            middle = time.perf_counter()
            now = store.candidates(conn, {"q": want}, CANDIDATES, STOP_KEY, visible)["q"]
            old_s, new_s = old_s + middle - started, new_s + time.perf_counter() - middle
            identical += set(before) == {c.subject for c in now}
        started = time.perf_counter()
        for first in range(0, len(wanted), MAX_QUERIES):
            batch = {str(i): w for i, w in enumerate(wanted[first : first + MAX_QUERIES])}
            store.candidates(conn, batch, CANDIDATES, STOP_KEY, visible)
        batched_s = time.perf_counter() - started
    count = max(len(wanted), 1)
    return Retrieval(
        len(wanted), identical, 1000 * old_s / count, 1000 * new_s / count, 1000 * batched_s / count
    )


def screening(bench: Bench, queries: list[Query]) -> float:
    from liaison.node import Why
    from liaison.node.matching import MAX_QUERIES

    started = time.perf_counter()
    for start in range(0, len(queries), MAX_QUERIES):
        batch = {
            f"q{start + i}": q.body for i, q in enumerate(queries[start : start + MAX_QUERIES])
        }
        bench.node.matching.match(
            bench.analyst, batch, limit=LIMIT, why=Why("cross_check", "benchmark")
        )
    return time.perf_counter() - started


# --- printing ----------------------------------------------------------------------------


def cpu_model() -> str:
    """``platform.processor()`` is empty on Linux: the model from /proc/cpuinfo."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return "?"
    names = [line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")]
    return names[0] if names else "?"


def row(metric: str, value: str, target: str = "", ratio: float | None = None) -> None:
    shown = f"{ratio:.2f}" if ratio is not None else ""
    print(f"{metric:<46} {value:>12} {target:>16} {shown:>7}")


def print_breakdown(found: Breakdown) -> None:
    from liaison.node.matching import CANDIDATES

    print(f"\nwhere a single-query call spends its time ({found.calls} calls, instrumented):")
    per_call = found.total * 1000 / found.calls
    steps = sorted(found.seconds.items(), key=lambda item: -item[1])
    rest = found.total - sum(found.seconds.values())
    for label, secs in [*steps, ("rest (validation, transaction, audit entry)", rest)]:
        ms = secs * 1000 / found.calls
        print(f"  {label:<44} {ms:>8.2f} ms  {100 * ms / per_call:>5.1f} %")
    print(f"  {'total':<44} {per_call:>8.2f} ms")
    for low, high in ((0, 100), (100, 250), (250, CANDIDATES + 1)):
        times = [t for t, n in zip(found.times, found.candidates, strict=True) if low <= n < high]
        if times:
            print(
                f"  calls scoring {low}-{min(high - 1, CANDIDATES)} candidates: "
                f"{100 * len(times) / found.calls:.0f} % of calls, mean "
                f"{statistics.mean(times):.1f} ms, p99 {percentile(times, 0.99):.1f} ms"
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--screen", type=int, default=SCREEN_TARGET_NAMES)
    parser.add_argument("--pairs", type=int, default=3000, help="pairs for the anchor")
    parser.add_argument("--name-pool", type=int, default=20_000, help="names per script")
    parser.add_argument("--database-url", help="default: SQLite in the data directory")
    parser.add_argument("--data-dir", type=Path, help="default: a fresh one in bench-data/")
    parser.add_argument("--keep", action="store_true", help="keep the node for another run")
    parser.add_argument(
        "--retrieval", type=int, default=300, help="queries for the retrieval anchor"
    )
    args = parser.parse_args()
    data_dir = args.data_dir or DATA / f"matching-{args.records}-{uuid.uuid4().hex[:6]}"
    bench = open_bench(data_dir, args.database_url)
    try:
        run(bench, args)
    finally:
        bench.node.close()
        if not args.keep:
            for step in bench.cleanup:
                step()
            shutil.rmtree(data_dir, ignore_errors=True)


def run(bench: Bench, args: argparse.Namespace) -> None:
    wanted, absent_latency, absent_screen = plan(args.records, args.queries, args.screen)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, processor "
        f"{platform.processor() or cpu_model()}, Python {platform.python_version()}, "
        f"load average at start {os.getloadavg()[0]:.2f}"
    )
    print(f"database: {bench.backend}; name pool {args.name_pool:,} per script")
    load_s, sources = load(bench, args.records, args.name_pool, wanted)
    analyse_tables(bench)
    stored = record_count(bench)
    if bench.loaded:
        print(f"reused a node with {stored:,} indexed records (load not timed)")
    else:
        print(
            f"loaded {stored:,} Person records with node.transfer.import_items (the real import:"
            f" records, versions, candidate index, audit) in {load_s:.0f} s "
            f"({stored / load_s:,.0f} records/s)"
        )
    absent = absent_persons(absent_latency + absent_screen, args.name_pool)
    work = workload(sources, absent, args.queries, args.screen)
    for query in work.latency[:20]:  # warm the connection pool and caches
        match_one(bench, query)
    times, found, matched = latencies(bench, work.latency)
    print(
        f"{len(times):,} single-query calls; a perturbed stored person is in the top {LIMIT} "
        f"for {100 * found:.1f} % of them, above the threshold for {100 * matched:.1f} %; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    details = breakdown(bench, work.latency)
    print_breakdown(details)
    pairs = first_pairs(details, args.pairs)
    threshold = bench.node.matching.threshold(None)
    score_ms, loads_score_ms, liaison_matches = liaison_scoring(pairs, threshold)
    v2_ms, v2_matches = logic_v2(anchor_pairs(bench, pairs, work.latency))
    print(
        f"\nanchor: {len(pairs):,} candidate pairs from {pairs[-1][0] + 1 if pairs else 0} "
        f"queries; judged a match: Liaison {liaison_matches} (≥ {threshold}, the node's "
        f"threshold), logic-v2 {v2_matches} (≥ {YENTE_THRESHOLD})"
    )
    found_retrieval = retrieval(bench, work.latency[: args.retrieval])
    print(
        f"\ncandidate retrieval alone, {found_retrieval.queries} queries, the anchor (one "
        f"SELECT per key, rank, visibility, profiles) alternating with store.candidates: "
        f"same candidates for {found_retrieval.identical}; load average {os.getloadavg()[0]:.2f}"
    )
    screen_s = screening(bench, work.screen)
    print(f"screened {len(work.screen):,} names; load average {os.getloadavg()[0]:.2f}")
    print_table(args, times, details, score_ms, loads_score_ms, v2_ms, screen_s, len(work.screen))
    print_retrieval(found_retrieval)


def print_table(
    args: argparse.Namespace,
    times: list[float],
    details: Breakdown,
    score_ms: float,
    loads_score_ms: float,
    v2_ms: float,
    screen_s: float,
    screened: int,
) -> None:
    p50, p95, p99 = (percentile(times, s) for s in (0.5, 0.95, 0.99))
    screen_target = SCREEN_TARGET_S * screened / SCREEN_TARGET_NAMES
    mean_candidates = statistics.mean(details.candidates)
    print(
        f"\n{args.records:,} records; load average now {os.getloadavg()[0]:.2f}; "
        "ratio > 1: better than the target / faster than logic-v2"
    )
    print(f"{'metric':<46} {'Liaison':>12} {'target/anchor':>16} {'ratio':>7}")
    row("/match latency p50 (ms)", f"{p50:.1f}")
    row("/match latency p95 (ms)", f"{p95:.1f}")
    row(
        "/match latency p99 (ms)",
        f"{p99:.1f}",
        f"≤ {LATENCY_TARGET_MS:.0f}",
        LATENCY_TARGET_MS / p99,
    )
    row("candidates scored per query (mean)", f"{mean_candidates:.0f}")
    row("candidates scored per query (max)", f"{max(details.candidates)}")
    row(
        "score() per candidate (ms)",
        f"{score_ms:.4f}",
        f"≤ {PER_CANDIDATE_TARGET_MS}",
        PER_CANDIDATE_TARGET_MS / score_ms,
    )
    row("score() per pair vs logic-v2 (ms)", f"{score_ms:.4f}", f"{v2_ms:.4f}", v2_ms / score_ms)
    row(
        "loads()+score() per pair vs logic-v2 (ms)",
        f"{loads_score_ms:.4f}",
        f"{v2_ms:.4f}",
        v2_ms / loads_score_ms,
    )
    row(
        f"screening {screened:,} names, 100 per call (s)",
        f"{screen_s:.1f}",
        f"≤ {screen_target:.0f}",
        screen_target / screen_s,
    )


def print_retrieval(found: Retrieval) -> None:
    old = f"{found.old_ms:.2f}"
    row(
        "retrieval, one query per call (ms/query)",
        f"{found.new_ms:.2f}",
        old,
        found.old_ms / found.new_ms,
    )
    row(
        "retrieval, 100 queries per call (ms/query)",
        f"{found.batched_ms:.2f}",
        old,
        found.old_ms / found.batched_ms,
    )


if __name__ == "__main__":
    main()
