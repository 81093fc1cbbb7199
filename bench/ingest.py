"""Bulk-ingest benchmark: generate fictitious FtM entities, import them, measure.

    python bench/ingest.py [--count 1000000] [--backends sqlite,postgresql]

Generates ``--count`` entities (mixed schemata; names in Latin, Cyrillic and
Arabic scripts) with envelopes into a JSON-lines file, then imports that file
into a fresh node on each backend, each in a child process so that its peak
memory is its own. The import is the real one (`liaison import`'s code path:
parse, validate, version, write, one audit entry per batch). Prints
entities/second and peak memory next to the targets (issues #2 and #18), and
the ratio. The audit chain is verified after each run (not timed).

Memory is the peak, sampled every 0.2 s, of the proportional set size (PSS)
summed over the importing process and every process it started (the import
workers and their fork server): pages the workers share with the fork server
count once, split between them. CPU time is summed over the same processes
(user and system, each process's last sample): CPU µs per entity is the figure
that other load on a shared machine moves least. "writer µs" is the importing
process's own CPU per entity: the part that does not spread over the workers
(parsing, validation and profiles run in them), so the most one node can
import on any number of cores is about 1,000,000 / writer µs entities per second.

The anchor, in the same run: the rows the import wrote (records, versions,
match profiles, match keys, match queue; not the one audit entry per batch)
read back and inserted into a
second fresh node's tables, with the same indexes, by the bare driver —
``sqlite3`` ``executemany`` or psycopg ``COPY`` — in transactions of
``--batch`` entities. It is what writing alone costs; the ratio says how much
the import spends beyond it.
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
import threading
import time
import uuid
from pathlib import Path

import orjson
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench-data"
PG_URL = os.environ.get("LIAISON_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TARGETS = {"sqlite": 10_000, "postgresql": 10_000}  # issue #18; 20,000/s the goal beyond
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


def _pss_kib(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    return sum(int(line.split()[1]) for line in text.splitlines() if line.startswith("Pss:"))


def _tree(root: int) -> list[int]:
    """The pid and every descendant, from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(parents.get(pid, []))
    return found


def _cpu_seconds(pid: int) -> float:
    """User and system CPU of one process so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class PeakMemory:
    """Samples, in a thread, the PSS of this process and its descendants (the peak)
    and their CPU time (each process's last sample, summed: the CPU an import costs,
    which other load on the machine moves much less than its wall time)."""

    def __init__(self, every: float = 0.2) -> None:
        self.peak_kib = 0
        self._cpu: dict[int, float] = {}
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            tree = _tree(os.getpid())
            self.peak_kib = max(self.peak_kib, sum(_pss_kib(pid) for pid in tree))
            for pid in tree:
                self._cpu[pid] = max(self._cpu.get(pid, 0.0), _cpu_seconds(pid))

    @property
    def cpu_seconds(self) -> float:
        """Includes this sampler's own thread (it runs in this process: a few %)."""
        return sum(self._cpu.values())

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


ANCHOR_TABLES = (
    "records",
    "record_versions",
    "match_profiles",
    "match_keys",
    "match_queue",
)


def bare_insert(
    source: sa.Engine, target: sa.Engine, backend: str, batch: int, count: int
) -> float:
    """Seconds the bare driver takes to insert the rows the import wrote into a fresh node."""
    rows: dict[str, tuple[list[str], list[tuple[object, ...]]]] = {}
    with source.connect() as conn:
        for table in ANCHOR_TABLES:
            result = conn.exec_driver_sql(f"SELECT * FROM {table}")
            names = list(result.keys())
            columns = [c for c in names if c != "id"]  # ids: the target's own
            keep = [i for i, c in enumerate(names) if c in columns]
            rows[table] = (columns, [tuple(r[i] for i in keep) for r in result])
    per_batch = {t: max(1, len(r) * batch // max(count, 1)) for t, (_, r) in rows.items()}
    raw = target.raw_connection()
    started = time.perf_counter()
    try:
        done = False
        offset = dict.fromkeys(rows, 0)
        while not done:
            cursor = raw.cursor()
            if backend == "sqlite":  # the node's engine runs the driver in autocommit mode
                cursor.execute("BEGIN")
            done = True
            for table, (columns, data) in rows.items():
                chunk = data[offset[table] : offset[table] + per_batch[table]]
                offset[table] += len(chunk)
                done = done and offset[table] >= len(data)
                if not chunk:
                    continue
                names = ", ".join(columns)
                if backend == "sqlite":
                    marks = ", ".join("?" for _ in columns)
                    cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", chunk)
                else:
                    with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                        for row in chunk:
                            copy.write_row(row)
            raw.commit()
    finally:
        raw.close()
    return time.perf_counter() - started


def fresh_node(backend: str, batch: int) -> tuple[object, Path, str | None, sa.Engine | None]:
    """A new initialised node (its settings, folder, PostgreSQL schema and admin engine)."""
    from liaison.node import init_node
    from liaison.settings import Settings

    data_dir = DATA / f"node-{backend}-{uuid.uuid4().hex[:6]}"
    url, schema, admin = None, None, None
    if backend == "postgresql":
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
        url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    settings = Settings(data_dir=data_dir, database_url=url, import_batch_size=batch)
    init_node(settings)
    return settings, data_dir, schema, admin


def database_bytes(engine: sa.Engine, backend: str, data_dir: Path, schema: str | None) -> int:
    """The node database's size on disk: SQLite's files, or PostgreSQL's relations
    (tables, indexes, TOAST) in the node's schema."""
    if backend == "sqlite":
        return sum(f.stat().st_size for f in data_dir.rglob("*.db*"))
    query = sa.text(
        "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = :schema AND c.relkind = 'r'"
    )
    with engine.connect() as conn:
        return int(conn.execute(query, {"schema": schema}).scalar_one())


def drop_node(data_dir: Path, schema: str | None, admin: sa.Engine | None) -> None:
    shutil.rmtree(data_dir)
    if schema and admin is not None:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))


def run_one(backend: str, path: Path, batch: int) -> dict[str, object]:
    """In the child: a fresh node, one analyst, the import, then verify and the anchor."""
    from liaison.node import SYSTEM, Node
    from liaison.node.accounts import actor_of
    from liaison.node.sources import jsonl_lines
    from liaison.storage import users as user_store

    settings, data_dir, schema, admin = fresh_node(backend, batch)
    node = Node.open(settings)  # type: ignore[arg-type]
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
            yield from jsonl_lines(handle)

    load = os.getloadavg()[0]
    cpu_before = _cpu_seconds(os.getpid())
    with PeakMemory() as memory:
        started = time.perf_counter()
        report = node.transfer.import_items(analyst, items, source="bench")
        elapsed = time.perf_counter() - started
        writer_cpu = _cpu_seconds(os.getpid()) - cpu_before
    verdict = node.audit.verify(auditor)
    size = database_bytes(node.ctx.engine, backend, data_dir, schema)
    other, other_dir, other_schema, _ = fresh_node(backend, batch)
    target = Node.open(other)  # type: ignore[arg-type]
    bare = bare_insert(node.ctx.engine, target.ctx.engine, backend, batch, report.created)
    target.close()
    node.close()
    drop_node(data_dir, schema, admin)
    drop_node(other_dir, other_schema, admin)
    return {
        "load": load,
        "bare_per_second": report.created / bare,
        "cpu_us_per_entity": (memory.cpu_seconds - cpu_before) * 1e6 / max(report.created, 1),
        "writer_us_per_entity": writer_cpu * 1e6 / max(report.created, 1),
        "bytes_per_entity": size / max(report.created, 1),
        "max_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "backend": backend,
        "entities": report.created,
        "rejected": len(report.rejected),
        "seconds": elapsed,
        "per_second": report.created / elapsed,
        "peak_mib": memory.peak_kib / 1024,
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
        f"{'ratio':>6} {'bare driver/s':>14} {'ratio':>6} {'peak MiB':>9} {'≤ MiB':>6} "
        f"{'audit':>7} {'bytes/entity':>13} {'CPU µs/entity':>14} {'writer µs':>10} {'load':>5}"
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
            f"{target:>8,} {r['per_second'] / target:>6.2f} {r['bare_per_second']:>14,.0f} "
            f"{r['per_second'] / r['bare_per_second']:>6.2f} {r['peak_mib']:>9.0f} "
            f"{MEMORY_TARGET_MIB:>6} {'ok' if r['audit_ok'] else 'BROKEN':>7} "
            f"{r['bytes_per_entity']:>13,.0f} {r['cpu_us_per_entity']:>14,.0f} "
            f"{r['writer_us_per_entity']:>10,.0f} {r['load']:>5.1f}"
        )


if __name__ == "__main__":
    main()
