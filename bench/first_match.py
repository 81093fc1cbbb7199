"""First `/match` after a restart: a real `liaison serve` process on loopback.

    python bench/first_match.py [--data-dir DIR] [--database-url URL] [--records 1000]
                                [--restarts 3] [--port 8479]

1. A node: ``--data-dir`` of a node kept by ``bench/matching_speed.py --keep``
   (same ``--database-url``), or a fresh one in ``bench-data/`` with ``--records``
   fictitious persons imported the real way. An analyst and an API token are made.
2. ``--restarts`` times: ``liaison serve`` starts (``LIAISON_TLS=false``, loopback;
   the match worker and the courier off unless ``--workers``: a node just loaded
   by the bench has every record in its match queue, and a worker draining it
   holds SQLite's write lock that ``/match`` waits for); the bench waits for it to
   say it is serving and for the port to accept, then times the first
   ``POST /api/v1/match`` over HTTP (one stored person, changed, as query), then
   20 more calls with 20 other persons (median: what a query never seen before
   costs once the process is warm), and reads the serving process's memory (VmRSS, and
   VmHWM, its peak) from ``/proc``. The process is stopped by its pid.
3. Anchor: the same first call in a fresh process that opens the node and calls
   ``MatchService.match`` without warming anything (what the first `/match`
   cost before ``serve`` loaded the name analyser at start).

Target (issue 18): the first `/match` after a restart ≤ 200 ms, and a serving
node's memory stated. Ratio > 1: better than the target / than the anchor.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2 as httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from matching_speed import (  # the sibling bench: node set-up and workload
    DATA,
    Bench,
    load,
    open_bench,
    perturb,
    plan,
    record_count,
)

TARGET_MS = 200.0
LATER_CALLS = 20
READY_TIMEOUT_S = 180.0
QUERY_NAME = "q"


@dataclass(frozen=True)
class Restart:
    ready_s: float  # spawn to "serving on" (the name analyser loads before it)
    first_ms: float
    later_ms: float  # median of the calls after the first (each a query not seen before)
    rss_mib: float
    peak_mib: float
    found: bool  # the changed person was found by the first call


def node_env(bench: Bench, data_dir: Path, port: int, workers: bool) -> dict[str, str]:
    url = str(bench.node.ctx.engine.url.render_as_string(hide_password=False))
    env = {
        **os.environ,
        "LIAISON_DATA_DIR": str(data_dir),
        "LIAISON_TLS": "false",
        "LIAISON_HOST": "127.0.0.1",
        "LIAISON_PORT": str(port),
        "LIAISON_MATCH_WORKER": str(workers).lower(),
        "LIAISON_FEDERATION_WORKER": str(workers).lower(),
    }
    if not url.startswith("sqlite"):
        env["LIAISON_DATABASE_URL"] = url
    return env


def prepare(
    args: argparse.Namespace, data_dir: Path
) -> tuple[dict[str, str], str, list[Any], Bench]:
    """Open (or make and load) the node; return the serve environment, an API token,
    query bodies (stored persons, changed) and the (closed) bench for its clean-up."""
    bench = open_bench(data_dir, args.database_url)
    try:
        wanted, _, _ = plan(max(args.records, 1), 1 + LATER_CALLS, 0)
        _, sampled = load(bench, args.records, 20_000, wanted)
        print(f"node: {bench.backend}, {record_count(bench):,} indexed records")
        rng = random.Random(7)
        queries = [perturb(entity, rng) for entity in sampled]
        token = bench.node.accounts.create_token(bench.analyst, "first-match", 1).token
        return node_env(bench, data_dir, args.port, args.workers), token, queries, bench
    finally:
        bench.node.close()


def wait_ready(proc: subprocess.Popen[str], port: int) -> None:
    assert proc.stdout is not None
    deadline = time.monotonic() + READY_TIMEOUT_S
    for line in proc.stdout:
        print(f"  serve: {line.rstrip()}")
        if "serving on" in line:
            break
        if time.monotonic() > deadline:
            raise RuntimeError("liaison serve did not say it is serving")
    else:
        raise RuntimeError(f"liaison serve ended (exit {proc.wait()})")
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.005)
    raise RuntimeError("the port never accepted")


def memory(pid: int) -> tuple[float, float]:
    """VmRSS and VmHWM of a process, in MiB."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return tuple(int(fields[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM"))  # type: ignore[return-value]


def one_restart(env: dict[str, str], token: str, queries: list[Any], port: int) -> Restart:
    liaison = str(Path(sys.executable).parent / "liaison")
    started = time.perf_counter()
    proc = subprocess.Popen(  # noqa: S603 (our own liaison executable, fixed arguments)
        [liaison, "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    try:
        wait_ready(proc, port)
        ready = time.perf_counter() - started
        headers = {
            "Authorization": f"Bearer {token}",
            "X-Liaison-Purpose": "cross_check",
            "X-Liaison-Justification": "first-match benchmark",
        }
        with httpx.Client(base_url=f"http://127.0.0.1:{port}/api/v1", timeout=120) as client:
            times, found = [], False
            for call, query in enumerate(queries):
                body = {"queries": {QUERY_NAME: query}}
                began = time.perf_counter()
                answer = client.post("/match", json=body, headers=headers)
                times.append((time.perf_counter() - began) * 1000)
                answer.raise_for_status()
                if call == 0:
                    found = bool(answer.json()["responses"][QUERY_NAME]["results"])
        rss, peak = memory(proc.pid)
        return Restart(ready, times[0], statistics.median(times[1:]), rss, peak, found)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


COLD = """
import sys, time
from pathlib import Path
import orjson
sys.path.insert(0, {bench!r})
from matching_speed import open_bench
from liaison.node import Why
bench = open_bench(Path({data_dir!r}), {url!r})
query = orjson.loads({query!r})
began = time.perf_counter()
bench.node.matching.match(bench.analyst, {{"q": query}}, why=Why("cross_check", "cold anchor"))
print((time.perf_counter() - began) * 1000)
bench.node.close()
"""


def cold_first_call(data_dir: Path, url: str | None, query: Any) -> float:
    """The anchor: a fresh process's first ``match`` call, nothing warmed."""
    import orjson

    code = COLD.format(
        bench=str(Path(__file__).resolve().parent),
        data_dir=str(data_dir),
        url=url,
        query=orjson.dumps(query).decode(),
    )
    out = subprocess.run(  # noqa: S603 (this Python, code written here)
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return float(out.strip().splitlines()[-1])


def row(metric: str, value: str, target: str = "", ratio: float | None = None) -> None:
    shown = f"{ratio:.2f}" if ratio is not None else ""
    print(f"{metric:<44} {value:>10} {target:>14} {shown:>7}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", type=Path, help="a node kept by matching_speed.py --keep")
    parser.add_argument("--database-url", help="default: SQLite in the data directory")
    parser.add_argument("--records", type=int, default=1000, help="persons in a fresh node")
    parser.add_argument("--restarts", type=int, default=3)
    parser.add_argument("--port", type=int, default=8479)
    parser.add_argument("--workers", action="store_true", help="match worker and courier on")
    args = parser.parse_args()
    fresh = args.data_dir is None
    data_dir = args.data_dir or DATA / f"first-match-{uuid.uuid4().hex[:6]}"
    print(f"load average at start {os.getloadavg()[0]:.2f}; {os.cpu_count()} cores")
    env, token, queries, bench = prepare(args, data_dir)
    try:
        runs = []
        for number in range(args.restarts):
            runs.append(one_restart(env, token, queries, args.port))
            print(f"restart {number + 1}: {runs[-1]}; load average {os.getloadavg()[0]:.2f}")
        cold_ms = cold_first_call(data_dir, args.database_url, queries[0])
    finally:
        if fresh:
            for step in bench.cleanup:
                step()
            shutil.rmtree(data_dir, ignore_errors=True)
    first = max(r.first_ms for r in runs)
    print(f"\n{args.restarts} restarts; load average at end {os.getloadavg()[0]:.2f}")
    print(f"{'metric':<44} {'Liaison':>10} {'target/anchor':>14} {'ratio':>7}")
    row(
        "first /match after restart, worst (ms)",
        f"{first:.1f}",
        f"≤ {TARGET_MS:.0f}",
        TARGET_MS / first,
    )
    row("first /match vs a cold process (ms)", f"{first:.1f}", f"{cold_ms:.0f}", cold_ms / first)
    row(
        "later /match, new queries, median of medians (ms)",
        f"{statistics.median(r.later_ms for r in runs):.1f}",
    )
    row("start to serving, worst (s)", f"{max(r.ready_s for r in runs):.1f}")
    row("serving process RSS after the calls (MiB)", f"{max(r.rss_mib for r in runs):.0f}")
    row("serving process peak RSS (MiB)", f"{max(r.peak_mib for r in runs):.0f}")
    row("changed person found by the first call", f"{sum(r.found for r in runs)}/{len(runs)}")


if __name__ == "__main__":
    main()
