"""Bulk-ingest benchmark: generate fictitious FtM entities, import them, measure.

    python bench/ingest.py [--count 1000000] [--backends sqlite,postgresql]

Generates ``--count`` entities (mixed schemata; names in Latin, Cyrillic and
Arabic scripts) with envelopes into a JSON-lines file, then imports that file
into a fresh node on each backend, each in a child process so that its peak
memory is its own. The import is the real one (`liaison import`'s code path:
parse, validate, version, write, one audit entry per batch). Prints
entities/second and peak memory next to the targets of issue #2, and the
ratio. The audit chain is verified after each run (not timed).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import orjson
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench-data"
PG_URL = os.environ.get("LIAISON_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TARGETS = {"sqlite": 20_000, "postgresql": 10_000}
MEMORY_TARGET_MIB = 1024


def generate(path: Path, count: int) -> bool:
    """Write the entities unless an earlier run left the same file; say which."""
    from liaison.demo.generate import Generator

    if path.exists() and sum(1 for _ in path.open("rb")) == count:
        return False
    generator = Generator(seed=2026)
    with path.open("wb") as out:
        for entity in generator.entities(count):
            out.write(orjson.dumps({**entity, "envelope": generator.envelope()}) + b"\n")
    return True


def run_one(backend: str, path: Path, batch: int) -> dict[str, object]:
    """In the child: a fresh node, one analyst, the import, then verify."""
    from liaison.node import SYSTEM, Node, init_node
    from liaison.node.accounts import actor_of
    from liaison.node.sources import jsonl_items
    from liaison.settings import Settings
    from liaison.storage import users as user_store

    data_dir = DATA / f"node-{backend}-{uuid.uuid4().hex[:6]}"
    url, schema = None, None
    if backend == "postgresql":
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
        url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    settings = Settings(data_dir=data_dir, database_url=url, import_batch_size=batch)
    init_node(settings)
    node = Node.open(settings)
    node.accounts.bootstrap_admin(SYSTEM, "admin", "bench-password-1")
    with node.ctx.engine.connect() as conn:
        admin_actor = actor_of(user_store.by_name(conn, "admin"))
    node.accounts.create_user(admin_actor, "analyst", "bench-password-1", "analyst", "SECRET")
    node.accounts.create_user(admin_actor, "auditor", "bench-password-1", "auditor", "SECRET")
    with node.ctx.engine.connect() as conn:
        analyst = actor_of(user_store.by_name(conn, "analyst"))
        auditor = actor_of(user_store.by_name(conn, "auditor"))

    def items():  # type: ignore[no-untyped-def]
        with path.open("rb") as handle:
            yield from jsonl_items(handle)

    started = time.perf_counter()
    report = node.transfer.import_items(analyst, items, source="bench")
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    verdict = node.audit.verify(auditor)
    node.close()
    shutil.rmtree(data_dir)
    if schema:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    return {
        "backend": backend,
        "entities": report.created,
        "rejected": len(report.rejected),
        "seconds": elapsed,
        "per_second": report.created / elapsed,
        "peak_mib": peak,
        "audit_ok": verdict.ok,
        "audit_entries": verdict.entries,
        "batches": report.batches,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--batch", type=int, default=2000)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    DATA.mkdir(exist_ok=True)
    path = DATA / f"entities-{args.count}.jsonl"
    if args.child:
        print(json.dumps(run_one(args.child, path, args.batch)))
        return
    started = time.perf_counter()
    made = "generated" if generate(path, args.count) else "reused"
    print(
        f"{made} {args.count:,} fictitious entities in {time.perf_counter() - started:.1f} s "
        f"({path.stat().st_size / 2**20:.0f} MiB)"
    )
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(
        f"{'backend':<11} {'entities':>10} {'seconds':>8} {'entities/s':>11} {'target':>8} "
        f"{'ratio':>6} {'peak MiB':>9} {'≤ MiB':>6} {'audit':>7}"
    )
    for backend in args.backends.split(","):
        out = subprocess.run(  # noqa: S603 - our own interpreter and script
            [
                sys.executable,
                __file__,
                "--count",
                str(args.count),
                "--batch",
                str(args.batch),
                "--child",
                backend,
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        r = json.loads(out.strip().splitlines()[-1])
        target = TARGETS[backend]
        print(
            f"{backend:<11} {r['entities']:>10,} {r['seconds']:>8.1f} {r['per_second']:>11,.0f} "
            f"{target:>8,} {r['per_second'] / target:>6.2f} {r['peak_mib']:>9.0f} "
            f"{MEMORY_TARGET_MIB:>6} {'ok' if r['audit_ok'] else 'BROKEN':>7}"
        )


if __name__ == "__main__":
    main()
