"""Exact-identifier PSI benchmark: index build, one query, a batch; openmined-psi as anchor.

    python bench/psi.py [--items 1000000] [--batch 10000] [--workers 2] [--queries 200]
                        [--anchor-items N]

1. Index: ``--items`` fictitious identifiers (passport numbers, phone numbers, IBAN-like
   account numbers) through ``psi.build_index`` on ``--workers`` processes (the default
   fork server, its start-up included), then grouped into buckets with ``Index.build`` (a
   node would write rows instead; timed apart).
2. One query, ``--queries`` times, compute only: A blinds one identifier and writes the
   request as JSON; B parses and checks it, evaluates, pads the bucket and writes the
   response; A parses it, unblinds and looks the tag up. Half of the queries hit. Buckets
   at the bits ``BucketPlan.best_bits`` picks (A's default limit, 12, for one identifier).
3. Batch: ``--batch`` identifiers (half of them held by B) in one request, same path, with
   the time of each side (at the bits ``best_bits`` picks for the batch).
4. Anchor: openmined-psi 2.0.6 (ECDH over P-256; B sends A a Golomb-compressed set of all
   its items, false-positive rate 1e-9) on the same strings, one process: server set-up for
   ``--anchor-items`` items (default ``--items``), the batch as one client request, and a
   one-item request against the same set-up.

Targets (issue 6): index of 1,000,000 identifiers in ≤ 30 s on the machine's two cores;
one query ≤ 10 ms of compute plus one round trip; 10,000 against 1,000,000 in ≤ 5 s. The
targets scale linearly with ``--items`` and ``--batch``. Ratio > 1: better than the target
or faster than openmined-psi. All data is generated.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from liaison.matching import psi

INDEX_TARGET_S = 30.0
INDEX_TARGET_ITEMS = 1_000_000
QUERY_TARGET_MS = 10.0
BATCH_TARGET_S = 5.0
BATCH_TARGET_ITEMS = 10_000
DOMAIN = psi.Domain("bench-ph-ru-0001", "2026-11")


def identifier(n: int) -> psi.Item:
    """The n-th fictitious identifier: one kind in three."""
    kind = n % 3
    if kind == 0:
        return ("passport", f"P{n:09d}")
    if kind == 1:
        return ("phone", f"+63{900_000_000 + n:010d}")
    return ("iban", f"PH{n % 97:02d}BANK{n:014d}")


def batch_items(rng: random.Random, items: int, size: int) -> list[psi.Item]:
    """Half held by B (a random sample), half not (numbers past B's range), shuffled."""
    held = [identifier(n) for n in rng.sample(range(items), size // 2)]
    absent = [identifier(items + 1 + n) for n in range(size - len(held))]
    batch = held + absent
    rng.shuffle(batch)
    return batch


@dataclass
class Timed:
    a_blind: float
    b_respond: float
    a_read: float
    hits: int
    request_bytes: int
    response_bytes: int

    @property
    def total(self) -> float:
        return self.a_blind + self.b_respond + self.a_read


def exchange(key: psi.ServerKey, index: psi.Index, items: list[psi.Item]) -> Timed:
    """The whole protocol for ``items`` in one request, each side timed; JSON both ways."""
    start = time.perf_counter()
    queries = psi.blind_many(DOMAIN, items)
    bits = psi.BucketPlan.best_bits(index.size, len(items))
    request_text = json.dumps(psi.make_request(queries, bits).to_json())
    blinded = time.perf_counter()
    request = psi.Request.from_json(json.loads(request_text), max_elements=len(items))
    real = {b: index.real(b, request.bits) for b in request.buckets}
    response = psi.respond(key, DOMAIN, index.size, request, real)
    response_text = json.dumps(response.to_json())
    responded = time.perf_counter()
    parsed = psi.Response.from_json(json.loads(response_text), max_elements=len(items))
    refs = psi.read_response(queries, parsed)
    done = time.perf_counter()
    hits = sum(ref is not None for ref in refs)
    return Timed(
        blinded - start,
        responded - blinded,
        done - responded,
        hits,
        len(request_text),
        len(response_text),
    )


def openmined(
    server_items: list[str], batch: list[str], single: list[list[str]]
) -> dict[str, float]:
    import private_set_intersection.python as om

    server = om.server.CreateWithNewKey(True)
    start = time.perf_counter()
    setup = server.CreateSetupMessage(1e-9, len(batch), server_items, om.DataStructure.GCS)
    setup_s = time.perf_counter() - start

    def query(items: list[str]) -> tuple[float, int]:
        client = om.client.CreateWithNewKey(True)
        begin = time.perf_counter()
        request = client.CreateRequest(items)
        response = server.ProcessRequest(request)
        found = client.GetIntersection(setup, response)
        return time.perf_counter() - begin, len(found)

    batch_s, batch_hits = query(batch)
    single_ms = [1000 * query(items)[0] for items in single]
    return {
        "setup_s": setup_s,
        "setup_bytes": len(setup.SerializeToString()),
        "batch_s": batch_s,
        "batch_hits": batch_hits,
        "single_ms": statistics.median(single_ms),
    }


def cpu_model() -> str:
    """``platform.processor()`` is empty on Linux: the model from /proc/cpuinfo."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return "?"
    names = [line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")]
    return names[0] if names else "?"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def row(figure: str, ours: float, target: float | None, anchor: float | None, digits: int) -> None:
    """One line: lower is better for every figure here, so each ratio is other / ours."""
    cells = [f"{figure:<40}", f"{ours:>10.{digits}f}"]
    cells.append(f"{'≤ ' + format(target, f'.{digits}f'):>10}" if target else f"{'':>10}")
    cells.append(f"{target / ours:>7.2f}" if target else f"{'':>7}")
    cells.append(f"{anchor:>14.{digits}f}" if anchor else f"{'':>14}")
    cells.append(f"{anchor / ours:>7.2f}" if anchor else "")
    print(" ".join(cells).rstrip())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--anchor-items", type=int, help="default: --items")
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, processor {cpu_model()}, "
        f"Python {platform.python_version()}, rbcl {version('rbcl')}, "
        f"openmined-psi {version('openmined-psi')}, "
        f"load average at start {os.getloadavg()[0]:.2f}"
    )

    items = [identifier(n) for n in range(args.items)]
    key = psi.derive_key(os.urandom(32), DOMAIN)
    start = time.perf_counter()
    entries = psi.build_index(key, DOMAIN, items, workers=args.workers)
    index_s = time.perf_counter() - start
    start = time.perf_counter()
    index = psi.Index.build(entries)
    group_s = time.perf_counter() - start
    del entries
    print(
        f"index: {args.items:,} entries on {args.workers} worker(s) in {index_s:.1f} s "
        f"({1e6 * index_s * args.workers / args.items:.0f} us per entry per core), grouped "
        f"in {group_s:.1f} s"
    )
    for count in (1, args.batch):
        plan = psi.BucketPlan.for_size(index.size, psi.BucketPlan.best_bits(index.size, count))
        print(
            f"  {count:,} identifier(s): {plan.bits} bits, {plan.buckets:,} bucket(s) padded "
            f"to {plan.pad:,} tags ({plan.pad * psi.TAG_BYTES:,} bytes each)"
        )

    singles = batch_items(rng, args.items, args.queries)
    exchange(key, index, singles[:5])  # warm-up
    timed = [exchange(key, index, [item]) for item in singles]
    single_ms = [1000 * t.total for t in timed]
    single_hits = sum(t.hits for t in timed)
    a_ms, b_ms, read_ms = (
        statistics.median(1000 * getattr(t, step) for t in timed)
        for step in ("a_blind", "b_respond", "a_read")
    )
    print(
        f"single queries: {len(timed)}, {single_hits} hits; A blinds {a_ms:.2f} ms, B answers "
        f"{b_ms:.2f} ms, A reads {read_ms:.2f} ms (medians); "
        f"request {timed[0].request_bytes:,} bytes, response {timed[0].response_bytes:,} bytes"
    )

    batch = batch_items(rng, args.items, args.batch)
    big = exchange(key, index, batch)
    print(
        f"batch: {args.batch:,} identifiers, {big.hits:,} hits (expected {args.batch // 2:,});"
        f" A blinds {big.a_blind:.2f} s, B answers {big.b_respond:.2f} s, A reads "
        f"{big.a_read:.2f} s; request {big.request_bytes / 1e6:.1f} MB, response "
        f"{big.response_bytes / 1e6:.1f} MB (JSON)"
    )

    anchor_items = args.anchor_items or args.items
    as_text = [f"{kind}\x00{value}" for kind, value in (identifier(n) for n in range(anchor_items))]
    del items
    anchor = openmined(
        as_text,
        [f"{kind}\x00{value}" for kind, value in batch],
        [[f"{kind}\x00{value}"] for kind, value in singles[:20]],
    )
    print(
        f"openmined-psi: set-up for {anchor_items:,} items {anchor['setup_s']:.1f} s "
        f"({anchor['setup_bytes'] / 1e6:.1f} MB, sent to A once per key), batch "
        f"{anchor['batch_s']:.2f} s with {anchor['batch_hits']:,} hits, one item "
        f"{anchor['single_ms']:.1f} ms (median of 20) against that set-up"
    )
    print_table(args, index_s, single_ms, big.total, anchor, anchor_items)


def print_table(
    args: argparse.Namespace,
    index_s: float,
    single_ms: list[float],
    batch_s: float,
    anchor: dict[str, float],
    anchor_items: int,
) -> None:
    index_target = INDEX_TARGET_S * args.items / INDEX_TARGET_ITEMS
    batch_target = BATCH_TARGET_S * args.batch / BATCH_TARGET_ITEMS
    setup_s = anchor["setup_s"] * args.items / anchor_items
    p50, p99 = percentile(single_ms, 0.5), percentile(single_ms, 0.99)
    print(
        f"\n{args.items:,} identifiers; ratio > 1: better than the target / faster than the anchor"
    )
    header = ["figure".ljust(40), "Liaison".rjust(10), "target".rjust(10), "ratio".rjust(7)]
    print(" ".join([*header, "openmined-psi".rjust(14), "ratio".rjust(7)]))
    row(f"index of {args.items:,}, {args.workers} workers (s)", index_s, index_target, setup_s, 1)
    row("one query, compute p50 (ms)", p50, None, anchor["single_ms"], 2)
    row("one query, compute p99 (ms)", p99, QUERY_TARGET_MS, None, 2)
    row(f"batch of {args.batch:,}, both sides (s)", batch_s, batch_target, anchor["batch_s"], 2)
    if anchor_items != args.items:
        print(f"(openmined-psi set-up measured on {anchor_items:,} items, scaled linearly)")


if __name__ == "__main__":
    main()
