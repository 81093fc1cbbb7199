"""Federation benchmark: two real nodes on loopback, HTTPS with pinned
certificates, signed messages, audit on both sides.

    python bench/federation.py [--count 100000] [--stream 10000] [--after-kill 5000] [--batch 500]

1. Backlog: ``--count`` record changes are imported at the sender (manila)
   while the receiver (moscow) is down; then moscow starts, and the figure is
   records per second from moscow answering to the last record applied
   (delivered, verified, applied, acknowledged).
2. Stream: ``--stream`` more changes are imported while both run; end-to-end
   lag per record is the time from the version's creation at the sender to
   its copy being applied at the receiver (p50, p99).
3. Crash: moscow is killed with SIGKILL, ``--after-kill`` changes are made,
   moscow is restarted; the figure is seconds from the restart to moscow's
   copies equalling manila's view.

Prints each figure next to the target of issue #4 and the ratio. The data is
generated and fictitious; everything runs in ``bench-data/federation``.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench-data" / "federation"
THROUGHPUT_TARGET = 5_000
CONVERGENCE_TARGET_S = 10.0
SETTINGS = {
    "federation_poll_seconds": 0.1,
    "federation_pull_seconds": 5.0,
    "federation_backoff_max_seconds": 1.0,
    "federation_batch_size": 500,
    "import_workers": 1,
}
ENVELOPE = {
    "crime_area": "human_trafficking",
    "subject_category": "suspect",
    "markings": {"tlp": "AMBER", "handling": ["H0"]},
    "purposes": ["cross_check"],
}


def entities(count: int, seed: int) -> list[bytes]:
    from liaison.demo.generate import Generator

    generator = Generator(seed=seed)
    out = []
    for entity in generator.entities(count * 2):
        if entity["schema"] in ("Person", "Passport", "Company"):
            schema = "LegalEntity" if entity["schema"] == "Company" else entity["schema"]
            envelope = dict(ENVELOPE)
            if schema != "Person":
                envelope.pop("subject_category")
            out.append(orjson.dumps({**entity, "schema": schema, "envelope": envelope}))
            if len(out) == count:
                break
    return out


def load(node_process: Any, lines: list[bytes]) -> float:
    """Import at the sender through the library; return the seconds it took."""
    from liaison.demo.cluster import actor
    from liaison.node import Why
    from liaison.node.sources import jsonl_items

    started = time.perf_counter()
    with node_process.open() as node:
        report = node.transfer.import_items(
            actor(node, "analyst"),
            lambda: jsonl_items(lines),
            source="bench",
            why=Why("cross_check", "federation benchmark"),
        )
    assert not report.rejected, report.rejected[:3]
    return time.perf_counter() - started


class Watch:
    """Cheap reads of both databases while the nodes run (engines kept open);
    read-only transactions, so the watch never takes a node's write lock."""

    def __init__(self, manila: Any, moscow: Any) -> None:
        from liaison.storage.db import make_engine

        self.sender = make_engine(manila.settings().resolved_database_url())
        self.receiver = make_engine(moscow.settings().resolved_database_url())
        with manila.open() as node:
            self.me = node.ctx.node_id

    @staticmethod
    def read(engine: Any) -> Any:
        return engine.connect().execution_options(liaison_read=True)

    def views(self) -> tuple[dict[str, int], dict[str, int]]:
        from liaison.storage.tables import copies, records

        query = select(records.c.record_id, records.c.version)
        with self.read(self.sender) as conn:
            sent = dict(conn.execute(query.where(records.c.originator == self.me)).all())
        with self.read(self.receiver) as conn:
            got = dict(conn.execute(select(copies.c.record_id, copies.c.version)).all())
        return sent, got

    def same(self) -> bool:
        sent, got = self.views()
        return sent == got

    def applied(self) -> int:
        from liaison.storage.tables import copies

        with self.read(self.receiver) as conn:
            return int(conn.execute(select(func.count()).select_from(copies)).scalar_one())

    def lags(self, record_ids: set[str]) -> list[float]:
        from liaison.storage.tables import copies

        with self.read(self.receiver) as conn:
            rows = conn.execute(select(copies.c.record_id, copies.c.at, copies.c.received))
            return [(r.received - r.at).total_seconds() for r in rows if r.record_id in record_ids]


def wait_until(check: Any, timeout: float, step: float = 0.05) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if check():
            return time.perf_counter() - started
        time.sleep(step)
    raise TimeoutError(f"not reached within {timeout} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--stream", type=int, default=10_000)
    parser.add_argument("--after-kill", type=int, default=5_000)
    parser.add_argument("--batch", type=int, default=500, help="changes per signed message")
    args = parser.parse_args()
    SETTINGS["federation_batch_size"] = args.batch
    sys.path.insert(0, str(ROOT))
    from tests.federation.conftest import agreement_doc_for

    from liaison.demo.cluster import NodeProcess, agree, mesh, parties

    if DATA.exists():
        shutil.rmtree(DATA)
    DATA.mkdir(parents=True)
    manila = NodeProcess("manila", DATA / "manila", 18570, dict(SETTINGS))
    moscow = NodeProcess("moscow", DATA / "moscow", 18571, dict(SETTINGS))
    nodes = [manila, moscow]
    for n in nodes:
        n.create()
    mesh(nodes)
    agree(nodes, agreement_doc_for("bench", parties(nodes)))
    lines = entities(args.count + args.stream + args.after_kill, seed=2026)
    backlog, stream, after_kill = (
        lines[: args.count],
        lines[args.count : args.count + args.stream],
        lines[args.count + args.stream :],
    )
    try:
        manila.start()
        manila.wait_ready()
        took = load(manila, backlog)
        print(f"loaded {len(backlog):,} changes at the sender in {took:.1f} s (moscow down)")
        watch = Watch(manila, moscow)
        moscow.start()
        moscow.wait_ready()
        drain = wait_until(lambda: watch.applied() >= len(backlog), 3600, 0.25)
        rate = len(backlog) / drain
        before = set(watch.views()[1])
        took = load(manila, stream)
        wait_until(lambda: watch.applied() >= len(backlog) + len(stream), 600, 0.25)
        sent, got = watch.views()
        lag = sorted(watch.lags(set(got) - before))
        print(f"streamed {len(stream):,} changes in {took:.1f} s while both ran")
        moscow.kill()
        load(manila, after_kill)
        restarted = time.perf_counter()
        moscow.start()
        moscow.wait_ready()
        wait_until(watch.same, 600, 0.25)
        converge = time.perf_counter() - restarted
        sent, got = watch.views()
        assert sent == got, "the receiver's copies differ from the sender's records"
    finally:
        for n in nodes:
            n.stop()
    p50 = statistics.median(lag)
    p99 = lag[int(len(lag) * 0.99) - 1]
    print(
        f"\nmachine: {platform.machine()}, {platform.system()}, Python {platform.python_version()}"
    )
    print(f"{'figure':<48}{'measured':>12}{'target':>10}{'ratio':>8}")
    print(
        f"{'records/s delivered and applied (backlog)':<48}{rate:>12,.0f}"
        f"{THROUGHPUT_TARGET:>10,}{rate / THROUGHPUT_TARGET:>8.2f}"
    )
    print(f"{'end-to-end lag p50 while streaming (s)':<48}{p50:>12.2f}{'':>10}{'':>8}")
    print(f"{'end-to-end lag p99 while streaming (s)':<48}{p99:>12.2f}{'':>10}{'':>8}")
    print(
        f"{'convergence after a killed receiver restarts (s)':<48}{converge:>12.1f}"
        f"{CONVERGENCE_TARGET_S:>10.0f}{CONVERGENCE_TARGET_S / converge:>8.2f}"
    )
    print(f"final state identical: {len(sent):,} records at both nodes")


if __name__ == "__main__":
    main()
