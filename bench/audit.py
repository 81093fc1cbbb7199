"""Audit log benchmark: full verification and Merkle proofs over a large log.

    python bench/audit.py [--entries 1000000] [--records 20000] [--db-url URL]

Builds a node (SQLite in a temporary directory unless ``--db-url`` names a
PostgreSQL database) whose audit log holds ``--entries`` entries: ``--records``
records created through the node (each logs its content hash), the rest read
entries appended in batches as the group-commit writer appends them. Then times:

- **full verification** (``AuditService.check``: the hash chain, checkpoints and
  head, every record version against the entry that wrote it, the triggers),
  against issue 21's target (1,000,000 entries in 60 s);
- the **tree**: building it from the log the first time (a process's first proof)
  and catching it up after 1,000 more entries;
- **proofs** once the tree is there: an inclusion proof and a consistency proof
  (mean over 1,000 random ones, with their checks), against the target (10 ms);
- the anchor measured in the same run: SHA-256 over the entries' stored hashes as
  ``hashlib`` does it in a loop (the floor any verification of this log pays).

Prints each figure, the target and the ratio, the machine and the load average.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from liaison.audit.chain import Action
from liaison.audit.log import Event
from liaison.audit.merkle import leaf_hash, verify_consistency, verify_inclusion
from liaison.model.roles import Actor, Role
from liaison.node import SYSTEM, Node, init_node
from liaison.node.accounts import actor_of
from liaison.settings import Settings
from liaison.storage import users as user_store
from liaison.storage.tables import audit_log

VERIFY_TARGET_S = 60.0  # per 1,000,000 entries (issue 21)
PROOF_TARGET_MS = 10.0
BATCH = 2_000


def build(settings: Settings, entries: int, records: int) -> Node:
    init_node(settings)
    node = Node.open(settings)
    node.accounts.bootstrap_admin(SYSTEM, "admin", "bench-password-long")
    admin = actor(node, "admin")
    node.accounts.create_user(admin, "analyst", "bench-password-long", Role.ANALYST, "SECRET")
    analyst = actor(node, "analyst")
    for i in range(records):
        entity = {"schema": "Person", "properties": {"name": [f"Fictitious Person {i}"]}}
        node.records.create(analyst, entity, {})
    with node.ctx.engine.connect() as conn:
        have = conn.execute(sa.select(sa.func.count()).select_from(audit_log)).scalar_one()
    left = max(0, entries - have)
    while left:
        n = min(BATCH, left)
        events = [Event("api:analyst", Action.RECORD_READ, f"rec-{i:032x}") for i in range(n)]
        with node.ctx.tx() as conn:
            node.ctx.audit.append_many(conn, events)
        left -= n
    return node


def actor(node: Node, username: str) -> Actor:
    with node.ctx.engine.connect() as conn:
        row = user_store.by_name(conn, username)
    assert row is not None
    return actor_of(row)


def timed(func: object) -> tuple[float, object]:
    started = time.perf_counter()
    result = func()  # type: ignore[operator]
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--db-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            data_dir=Path(tmp) / "data",
            database_url=args.db_url,
            node_name="bench",
            argon2_time_cost=1,
            argon2_memory_kib=8192,
        )
        load = os.getloadavg()[0]
        built, node = timed(lambda: build(settings, args.entries, args.records))
        print(
            f"log built: {args.entries:,} entries ({args.records:,} record writes) in {built:.0f} s"
        )
        verify_s, result = timed(node.audit.check)
        assert result.ok, (result.reason, result.findings[:3])  # type: ignore[attr-defined]
        per_million = verify_s / args.entries * 1_000_000
        with node.ctx.engine.connect() as conn:
            hashes = [bytes.fromhex(h) for h in conn.execute(sa.select(audit_log.c.hash)).scalars()]
        anchor_s, _ = timed(lambda: [hashlib.sha256(h).digest() for h in hashes])
        tree_s, size = timed(node.transparency.catch_up)
        with node.ctx.tx() as conn:
            events = [Event("api:analyst", Action.RECORD_READ, "rec-more")] * 1000
            node.ctx.audit.append_many(conn, events)
        more_s, grown = timed(node.transparency.catch_up)
        assert isinstance(size, int) and isinstance(grown, int)
        rng = random.Random(21)
        root = node.transparency.root(grown)
        proofs = []
        started = time.perf_counter()
        for _ in range(1000):
            seq = rng.randint(1, grown)
            old = rng.randint(1, grown)
            proofs.append((seq, node.transparency.inclusion(seq, grown)))
            proofs.append((-old, node.transparency.consistency(old, grown)))
        proof_ms = (time.perf_counter() - started) / 2000 * 1000
        started = time.perf_counter()
        for seq, proof in proofs:
            if seq > 0:
                leaf = leaf_hash(hashes[seq - 1] if seq <= len(hashes) else b"")
                assert seq > len(hashes) or verify_inclusion(leaf, seq - 1, grown, proof, root)
            else:
                old_root = node.transparency.root(-seq)
                assert verify_consistency(-seq, grown, old_root, root, proof)
        check_ms = (time.perf_counter() - started) / 2000 * 1000
        node.close()
    backend = "PostgreSQL" if args.db_url else "SQLite"
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"backend: {backend}; load average {load:.1f} before, {os.getloadavg()[0]:.1f} after")
    print()
    print(f"| {'figure':<44} | {'measured':>12} | {'target':>10} | {'ratio':>6} |")
    print(f"|{'-' * 46}|{'-' * 14}|{'-' * 12}|{'-' * 8}|")
    rows = [
        ("full verify, s per 1,000,000 entries", per_million, VERIFY_TARGET_S),
        ("proof (inclusion or consistency), ms", proof_ms, PROOF_TARGET_MS),
    ]
    for label, value, target in rows:
        print(f"| {label:<44} | {value:>12.3f} | {target:>10.1f} | {target / value:>6.1f} |")
    print()
    print(f"full verify of {args.entries:,} entries: {verify_s:.1f} s")
    print(f"anchor: SHA-256 of every entry hash in a loop: {anchor_s:.2f} s")
    print(f"tree built from the log (first proof of a process): {tree_s:.2f} s")
    print(f"tree caught up after 1,000 more entries: {more_s * 1000:.1f} ms")
    print(f"proof check (client side), ms: {check_ms:.3f}")


if __name__ == "__main__":
    main()
