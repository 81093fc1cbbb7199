"""`make demo`: a real three-node federation on loopback.

Three nodes (``manila``, ``moscow``, ``kuala-lumpur``), each its own process
(``liaison serve`` over HTTPS with its own certificate) with its own SQLite
database, key and users, all in ``demo-data/`` (recreated on every run). The
nodes pin each other's keys and certificates; a bilateral agreement is signed
before they start, a multilateral one is co-signed over the network. Each
node loads generated, obviously fictitious records; records flow to exactly
the partners the agreements allow; one record is corrected and one revoked
(deleted), and both changes reach every partner that holds a copy. Moscow
then asks manila hit/no-hit about a phone without disclosing it, files a
follow-up request on the hit, and manila's liaison officer approves three
fields, which arrive with manila's markings. Manila issues an arrest request
for a fugitive (refused first by the compliance review for its political
charge), moscow is alerted and answers located, a stolen passport is checked
at kuala-lumpur's border, and the request is cancelled everywhere
(``liaison.demo.notices``). The three nodes then cosign each
other's audit checkpoints as witnesses, and each log is checked against what
its witnesses hold. The demo
prints where each node's API is and waits for Ctrl-C, then stops the nodes.

Run ``python -m liaison.demo --help``.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import signal
import threading
import time
from pathlib import Path
from typing import Any

import orjson
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table

from liaison.demo.agreement import BILATERAL, MULTILATERAL, bilateral, multilateral
from liaison.demo.cluster import USERS, NodeProcess, actor, agree, mesh, parties
from liaison.demo.notices import notices_end_to_end
from liaison.demo.witnessing import witness_all
from liaison.federation.tls import fingerprint
from liaison.node import Node, Why
from liaison.node.courier import hit_query_now, send_agreement_now
from liaison.node.sources import jsonl_lines
from liaison.storage import federation as fed_store

console = Console(emoji=False)  # a fingerprint's ":CD:" is not an emoji (cli/common.py)
NAMES = ("manila", "moscow", "kuala-lumpur")
SETTLE_SECONDS = 180.0
FAST = {"federation_poll_seconds": 0.2, "federation_pull_seconds": 10.0}


def nodes_in(base: Path, port: int) -> list[NodeProcess]:
    return [NodeProcess(name, base / name, port + i, dict(FAST)) for i, name in enumerate(NAMES)]


def prepare(base: Path, port: int) -> list[NodeProcess]:
    """Create the three nodes, pin them to each other, sign the bilateral agreement."""
    if base.exists():
        shutil.rmtree(base)
    nodes = nodes_in(base, port)
    for n in nodes:
        n.create()
    mesh(nodes)
    manila, moscow, _ = nodes
    agree([manila, moscow], bilateral(parties([manila, moscow])))
    console.print(f"agreement [bold]{BILATERAL}[/]: signed by manila and moscow, active")
    return nodes


def cosign_over_network(nodes: list[NodeProcess]) -> None:
    """The multilateral agreement: proposed at manila, signed there, sent over
    HTTPS to the others, signed by each and sent back, activated everywhere."""
    doc = multilateral(parties(nodes))
    with nodes[0].open() as node:
        node.agreements.propose(actor(node, "officer"), doc)
        node.agreements.sign(actor(node, "supervisor"), MULTILATERAL, 1)
        _send(node, None)
    for n in nodes[1:]:
        with n.open() as node:
            node.agreements.sign(actor(node, "supervisor"), MULTILATERAL, 1)
            _send(node, None)
    with nodes[0].open() as node:  # manila now holds every signature: it sends them all
        _send(node, None)
    for n in nodes:
        with n.open() as node:
            node.agreements.move(actor(node, "officer"), MULTILATERAL, "activate")
    console.print(
        f"agreement [bold]{MULTILATERAL}[/]: co-signed over the network by all three, active"
    )


def _send(node: Node, to: str | None) -> list[dict[str, Any]]:
    return asyncio.run(
        send_agreement_now(node.federation, actor(node, "officer"), MULTILATERAL, to)
    )


def load(n: NodeProcess, count: int, seed: int) -> int:
    from liaison.demo.generate import Generator

    generator = Generator(seed)
    lines = [
        orjson.dumps({**e, "envelope": generator.envelope()}) for e in generator.entities(count)
    ]
    with n.open() as node, Progress(console=console, transient=True) as bar:
        task = bar.add_task(f"{n.name}: importing fictitious records", total=len(lines))
        report = node.transfer.import_items(
            actor(node, "analyst"),
            lambda: jsonl_lines(lines),
            progress=lambda k: bar.advance(task, k),
            source="demo",
            why=Why("operational_analysis", "demo data load"),
        )
    return report.created


def settled(nodes: list[NodeProcess]) -> bool:
    """Every node's queue is empty and every disclosure acknowledged."""
    for n in nodes:
        with n.open() as node:
            peers = node.federation.peers(actor(node, "officer"))
            if any(p["queue"] for p in peers):
                return False
            register = node.federation.disclosures(actor(node, "officer"), limit=10_000)
            if not all(r["acknowledged"] for r in register):
                return False
    return True


def wait_settled(nodes: list[NodeProcess]) -> float:
    started = time.monotonic()
    while time.monotonic() - started < SETTLE_SECONDS:
        if settled(nodes):
            return time.monotonic() - started
        time.sleep(0.5)
    raise TimeoutError(f"the federation did not settle within {SETTLE_SECONDS:.0f} s")


def holdings(nodes: list[NodeProcess]) -> dict[str, dict[tuple[str, str], int]]:
    """What each node holds from each originator, by level."""
    names = {}
    for n in nodes:
        with n.open() as node:
            names[node.ctx.node_id] = n.name
    out = {}
    for n in nodes:
        with n.open() as node, node.ctx.engine.connect() as conn:
            counts = fed_store.received_counts(conn)
        out[n.name] = {(names.get(o, o), level): k for (o, level), k in counts.items()}
    return out


def show_holdings(nodes: list[NodeProcess]) -> None:
    table = Table("node", "received from", "full copies", "references", "withdrawn/deleted")
    for name, counts in holdings(nodes).items():
        for origin in sorted({o for o, _ in counts}):
            gone = counts.get((origin, "withdrawn"), 0) + counts.get((origin, "deleted"), 0)
            table.add_row(
                name,
                origin,
                str(counts.get((origin, "full"), 0)),
                str(counts.get((origin, "reference"), 0)),
                str(gone),
            )
    console.print(table)


def revoke(nodes: list[NodeProcess]) -> tuple[str, list[str]]:
    """Delete at manila a record that both partners hold in full; return it and who held it."""
    manila = nodes[0]
    with manila.open() as node:
        register = node.federation.disclosures(actor(node, "officer"), limit=10_000)
        holders: dict[str, list[str]] = {}
        for row in register:
            if row["level"] == "full":
                holders.setdefault(row["record_id"], []).append(row["peer"])
        record_id = max(holders, key=lambda r: (len(holders[r]), r))
        node.records.delete(
            actor(node, "analyst"),
            record_id,
            "demo: revoked at source",
            why=Why("investigation", "the source withdrew the information"),
        )
    return record_id, holders[record_id]


def correct(nodes: list[NodeProcess]) -> tuple[str, int]:
    """Correct at manila a record moscow holds in full: add a spelling of the name."""
    with nodes[0].open() as node:
        register = node.federation.disclosures(actor(node, "officer"), "moscow", limit=10_000)
        analyst = actor(node, "analyst")
        for row in register:
            if row["level"] != "full":
                continue
            record = node.records.get(analyst, row["record_id"])
            names = record.properties.get("name")
            if record.schema != "Person" or not names:
                continue
            entity = {**record.entity, "properties": {**record.properties}}
            entity["properties"]["name"] = [*names, names[0].upper()]
            why = Why("investigation", "demo: a second spelling of the name")
            new = node.records.update(
                analyst, record.record_id, entity, record.envelope.to_dict(), record.version, why
            )
            return record.record_id, new.version
    raise RuntimeError("no person record was shared with moscow")


def hit_and_followup(nodes: list[NodeProcess]) -> dict[str, Any]:
    """Moscow asks manila, without disclosing the number, whether it knows the
    phone of a person manila shares with moscow only as a hit/no-hit reference
    (a victim or witness); on the hit, moscow files a follow-up request and
    manila's liaison officer approves name, birth date and nationality only."""
    manila, moscow = nodes[0], nodes[1]
    record_id, phone = _hit_only_phone(manila)
    wait_settled(nodes)
    console.print(f"\nmanila records a victim; moscow holds {copy_level(moscow, record_id)} only")
    with moscow.open() as node:
        analyst = actor(node, "analyst")
        why = Why("cross_check", "demo: a phone found in a seized handset")
        asked = [{"kind": "phone", "value": phone}, {"kind": "phone", "value": "+639170000000"}]
        found = asyncio.run(hit_query_now(node.federation, analyst, "manila", asked, why=why))
        console.print(f"moscow asks manila about two phones (blinded): {_outcomes(found)}")
        text = "Demo: the phone was found in a seized handset in a trafficking case"
        filed = node.followups.file(analyst, "manila", str(found[0]["reference"]), text)
    console.print(f"moscow files follow-up request {filed['request_id']}, due {filed['due']}")
    with manila.open() as node:
        request = _wait_for_request(node, filed["request_id"])
        fields = ["name", "birthDate", "nationality"]
        officer = actor(node, "officer")
        node.followups.decide(officer, request["id"], "approve", "demo: for the case", fields)
    console.print(f"manila's liaison officer approves {', '.join(fields)} only")
    wait_settled(nodes)
    with moscow.open() as node:
        copy = node.records.get(actor(node, "analyst"), record_id)
        state = node.followups.show(actor(node, "analyst"), filed["id"])["state"]
    console.print(f"  moscow now holds {record_id} ({copy_level(moscow, record_id)}, {state}):")
    console.print(f"  {sorted(copy.properties)} with manila's markings", markup=False)
    return {
        "record": record_id,
        "level": copy_level(moscow, record_id),
        "state": state,
        "fields": sorted(copy.properties),
        "hits": [r["hit"] for r in found],
    }


def _hit_only_phone(manila: NodeProcess) -> tuple[str, str]:
    """A fictitious victim at manila: the bilateral agreement gives victims to
    moscow as hit/no-hit references only."""
    from liaison.demo.generate import Generator

    generator = Generator(99)
    entity = {**generator.person(), "id": "demo-victim-followup"}
    envelope = {
        **generator.envelope(),
        "crime_area": "human_trafficking",
        "subject_category": "victim",
        "markings": {"classification": "RESTRICTED", "tlp": "AMBER", "handling": ["H0", "H2"]},
    }
    with manila.open() as node:
        why = Why("investigation", "demo: a victim identified in a raid")
        record = node.records.create(actor(node, "analyst"), entity, envelope, why)
    return record.record_id, entity["properties"]["phone"][0]


def _outcomes(found: list[dict[str, Any]]) -> str:
    return ", ".join("hit" if r["hit"] else "no hit" for r in found)


def _wait_for_request(node: Node, request_id: str) -> dict[str, Any]:
    started = time.monotonic()
    while time.monotonic() - started < SETTLE_SECONDS:
        inbox = node.followups.page(actor(node, "officer"), "in", "open", 200)["items"]
        for item in inbox:
            if item["request_id"] == request_id:
                return dict(item)
        time.sleep(0.3)
    raise TimeoutError(f"follow-up request {request_id} did not reach manila")


def copy_version(n: NodeProcess, record_id: str) -> int | None:
    with n.open() as node, node.ctx.engine.connect() as conn:
        row = fed_store.copy_row(conn, record_id)
    return None if row is None else int(row.version)


def copy_level(n: NodeProcess, record_id: str) -> str | None:
    with n.open() as node, node.ctx.engine.connect() as conn:
        row = fed_store.copy_row(conn, record_id)
    return None if row is None else str(row.level)


def verify_all(nodes: list[NodeProcess]) -> bool:
    intact = True
    for n in nodes:
        with n.open() as node:
            verdict = node.audit.verify(actor(node, "auditor"))
        intact &= verdict.ok
        state = "intact" if verdict.ok else f"BROKEN at {verdict.first_broken}"
        console.print(f"  {n.name}: audit chain {state} ({verdict.entries} entries)")
    return intact


def run(base: Path, entities: int, port: int, serve: bool) -> dict[str, Any]:
    nodes = prepare(base, port)
    stop = threading.Event()
    try:
        for n in nodes:
            n.start()
        for n in nodes:
            n.wait_ready()
        console.print("three nodes serving over HTTPS on loopback, each its own process")
        cosign_over_network(nodes)
        for seed, n in enumerate(nodes, start=7):
            made = load(n, entities if n.name == "manila" else entities // 2, seed)
            console.print(f"{n.name}: {made} fictitious records created")
        took = wait_settled(nodes)
        console.print(f"\nrecords flowed to the partners the agreements allow ({took:.1f} s):")
        show_holdings(nodes)
        corrected, version = correct(nodes)
        console.print(f"\nmanila corrects {corrected} (version {version})")
        wait_settled(nodes)
        at_moscow = copy_version(nodes[1], corrected)
        console.print(f"  moscow now holds version {at_moscow}")
        record_id, held_by = revoke(nodes)
        console.print(f"\nmanila revokes {record_id} (held by {', '.join(held_by)})")
        wait_settled(nodes)
        gone = {n.name: copy_level(n, record_id) for n in nodes[1:] if n.name in held_by}
        for name, level in gone.items():
            console.print(f"  {name}: copy is now {level}")
        followup = hit_and_followup(nodes)
        notices = notices_end_to_end(nodes, console)
        intact = verify_all(nodes)
        witnessed = witness_all(nodes, console)
        _print_where(nodes)
        if serve:
            console.print("\nthe nodes keep running; stop them with Ctrl-C")
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
            try:
                while not stop.wait(1.0):
                    pass
            except KeyboardInterrupt:
                pass
        return {
            "corrected": (version, at_moscow),
            "revoked": record_id,
            "held_by": held_by,
            "after": gone,
            "audit_intact": intact,
            "witnessed": witnessed,
            "followup": followup,
            "notices": notices,
            "holdings": holdings(nodes),
        }
    finally:
        console.print("stopping the nodes…")
        for n in nodes:
            n.stop()


def _print_where(nodes: list[NodeProcess]) -> None:
    console.print(
        "\n[bold]where to look[/] (users and passwords are fictitious, made for this run)"
    )
    for n in nodes:
        cert = n.settings().tls_cert_path
        where = escape(f"web {n.url}/   API {n.url}/api/v1/")
        console.print(f"\n[bold]{escape(n.name)}[/]  {where}")  # markup on: the name in bold
        protocols = f"  yente {n.url}/match/default (ApiKey: an API token)   TAXII {n.url}/taxii2/"
        console.print(protocols, markup=False, soft_wrap=True)
        said = f"  certificate {cert} (self-signed: accept it in the browser)"
        console.print(said, markup=False, soft_wrap=True)  # unwrapped: a path to copy
        console.print(f"  SHA-256 {fingerprint(cert.read_text())}", soft_wrap=True, markup=False)
        for user, (role, _) in USERS.items():
            label = role.replace("_", " ")
            console.print(f"  sign in as {user:<10} {n.passwords[user]:<18} {label}", markup=False)
        admin = f"  sign in as {'admin':<10} {n.passwords['admin']:<18} administrator"
        console.print(admin, markup=False)
    manila = nodes[0]
    cert = manila.settings().tls_cert_path
    env = f"LIAISON_DATA_DIR={manila.data_dir} LIAISON_USER=officer"
    print(  # plain print: commands to copy must not be wrapped
        f"\ntry:  TOKEN=$(curl -s --cacert {cert} -X POST {manila.url}/api/v1/auth/login"
        " -H 'Content-Type: application/json'"
        f' -d \'{{"username": "officer", "password": "{manila.passwords["officer"]}"}}\''
        " | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"token\"])')\n"
        f'      curl -s --cacert {cert} -H "Authorization: Bearer $TOKEN"'
        f" '{manila.url}/api/v1/peers'\n"
        f"CLI:  {env} LIAISON_PASSWORD={manila.passwords['officer']} .venv/bin/liaison peer list\n"
        f"      {env} LIAISON_PASSWORD={manila.passwords['officer']}"
        " .venv/bin/liaison disclosures --peer moscow"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=Path("demo-data"))
    parser.add_argument("--entities", type=int, default=1000, help="records at manila")
    parser.add_argument("--port", type=int, default=8470, help="manila's; the others follow")
    parser.add_argument("--no-serve", action="store_true", help="run the demo, then stop")
    args = parser.parse_args()
    run(args.data_dir, args.entities, args.port, serve=not args.no_serve)


if __name__ == "__main__":
    main()
