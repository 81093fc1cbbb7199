"""`make demo`: a node with fictitious data, a partner node and a signed
agreement between them, then the first node's API on loopback.

Run ``python -m liaison.demo --help``. The demo's data directory is
``demo-data/`` (recreated on every run); passwords are generated and printed.
"""

from __future__ import annotations

import argparse
import secrets
import shutil
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from liaison.demo.agreement import AGREEMENT_ID, demo_actor, partner_and_agreement
from liaison.model.roles import Actor
from liaison.node import SYSTEM, Node, Why, init_node
from liaison.node.sources import jsonl_items
from liaison.settings import Settings

console = Console()
USERS = {
    "analyst": ("analyst", "SECRET"),
    "officer": ("liaison_officer", "CONFIDENTIAL"),
    "supervisor": ("supervisor", "SECRET"),
    "auditor": ("auditor", "TOP_SECRET"),
}


def setup(data_dir: Path, entities: int, seed: int = 7) -> tuple[Settings, dict[str, str]]:
    """Create the node, its users and its fictitious records; return the passwords."""
    import orjson

    from liaison.demo.generate import Generator

    partner_dir = data_dir.parent / "moscow"
    for old in (data_dir, partner_dir):
        if old.exists():
            shutil.rmtree(old)
    settings = Settings(data_dir=data_dir, node_name="manila")
    info = init_node(settings)
    node = Node.open(settings)
    passwords = {name: secrets.token_urlsafe(12) for name in ["admin", *USERS]}
    node.accounts.bootstrap_admin(SYSTEM, "admin", passwords["admin"])
    admin = demo_actor(node, "admin")
    for name, (role, clearance) in USERS.items():
        node.accounts.create_user(admin, name, passwords[name], role, clearance)
    analyst = demo_actor(node, "analyst")
    generator = Generator(seed)
    lines = [
        orjson.dumps({**e, "envelope": generator.envelope()}) for e in generator.entities(entities)
    ]
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("importing fictitious records", total=len(lines))
        report = node.transfer.import_items(
            analyst,
            lambda: jsonl_items(lines),
            progress=lambda n: bar.advance(task, n),
            source="demo",
            why=Why("operational_analysis", "demo data load"),
        )
    example = _show_versions(node, analyst)
    partner_id = partner_and_agreement(node, partner_dir)
    _show_policy(node, example, partner_id)
    verdict = node.audit.verify(demo_actor(node, "auditor"))
    console.print(f"node [bold]{info.name}[/] ({info.node_id}) in {data_dir}")
    console.print(
        f"imported {report.created} fictitious records in {report.batches} batches; "
        f"audit chain {'intact' if verdict.ok else 'BROKEN'} ({verdict.entries} entries)"
    )
    node.close()
    return settings, passwords


def _show_versions(node: Node, analyst: Actor) -> str:
    """One record corrected and one deleted, so that versions and tombstones show."""
    why = Why("operational_analysis", "demo: correcting a record")
    first = node.records.create(
        analyst,
        {
            "schema": "Person",
            "properties": {
                "name": ["Maria Cristina dela Cruz"],
                "birthDate": ["1988-07-14"],
                "nationality": ["ph"],
                "notes": ["FICTITIOUS: demo person"],
            },
        },
        {
            "crime_area": "human_trafficking",
            "subject_category": "victim",
            "markings": {"tlp": "AMBER", "handling": ["H0", "H1"]},
        },
        why,
    )
    node.records.update(
        analyst,
        first.record_id,
        {
            "schema": "Person",
            "properties": {
                "name": ["Maria Cristina dela Cruz", "Ma. Cristina De La Cruz"],
                "birthDate": ["1988-07-14"],
                "nationality": ["ph"],
                "notes": ["FICTITIOUS: demo person"],
            },
        },
        first.envelope.to_dict(),
        1,
        why,
    )
    gone = node.records.create(
        analyst,
        {"schema": "Person", "properties": {"name": ["Duplicate Entry Fictitious"]}},
        {},
        why,
    )
    node.records.delete(analyst, gone.record_id, "entered twice", 1, why)
    console.print(f"record with two versions: {first.record_id}; tombstone: {gone.record_id}")
    return first.record_id


def _show_policy(node: Node, record_id: str, partner_id: str) -> None:
    """What the agreement lets flow: decisions explained, and the neutrality queue."""
    officer = demo_actor(node, "officer")
    agreement = node.agreements.get(officer, AGREEMENT_ID)
    console.print(f"agreement {AGREEMENT_ID}: {agreement.state.value}, signed by both nodes")
    for use in ("push", "hit_only"):
        found = node.policy.explain(officer, record_id, partner_id, use, "investigation")
        reasons = "; ".join(r.text for r in found.decision.reasons)
        console.print(
            f"  {use} of {record_id} to moscow: {found.decision.outcome.label} ({reasons})"
        )
    flagged = node.records.create(
        demo_actor(node, "analyst"),
        {
            "schema": "Person",
            "properties": {
                "name": ["Fictitious Demo Activist"],
                "notes": ["FICTITIOUS: organised an opposition protest; financing suspected"],
            },
        },
        {"crime_area": "terrorism", "subject_category": "suspect"},
        Why("investigation", "demo: a record the neutrality gate holds"),
    )
    found = node.policy.explain(officer, flagged.record_id, partner_id, "push", "investigation")
    reasons = "; ".join(r.text for r in found.decision.denials)
    console.print(
        f"  push of {flagged.record_id} to moscow: {found.decision.outcome.label} ({reasons})"
    )
    held = node.policy.queue(demo_actor(node, "auditor"))
    console.print(f"records held at the neutrality gate for the auditor: {len(held)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=Path("demo-data/manila"))
    parser.add_argument("--entities", type=int, default=2000)
    parser.add_argument("--port", type=int, default=8470)
    parser.add_argument("--no-serve", action="store_true", help="set up, print, and stop")
    args = parser.parse_args()
    settings, passwords = setup(args.data_dir, args.entities)
    base = f"http://127.0.0.1:{args.port}"
    console.print("\n[bold]users[/] (fictitious, passwords generated for this run):")
    for name, password in passwords.items():
        console.print(f"  {name:<11} {password}")
    print(f"\nAPI:  {base}/api/v1/   (OpenAPI document: {base}/api/v1/openapi.json)")
    print(  # plain print: commands to copy must not be wrapped
        f"try:  TOKEN=$(curl -s -X POST {base}/api/v1/auth/login"
        " -H 'Content-Type: application/json'"
        f' -d \'{{"username": "analyst", "password": "{passwords["analyst"]}"}}\''
        " | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"token\"])')\n"
        f"      curl -s -H \"Authorization: Bearer $TOKEN\" '{base}/api/v1/records?q=cruz'\n"
        f"CLI:  LIAISON_DATA_DIR={settings.data_dir} LIAISON_USER=auditor"
        " .venv/bin/liaison audit verify\n"
        f"      LIAISON_DATA_DIR={settings.data_dir} LIAISON_USER=officer"
        f" .venv/bin/liaison agreement show {AGREEMENT_ID}\n"
        f"      LIAISON_DATA_DIR={settings.data_dir} LIAISON_USER=auditor"
        " .venv/bin/liaison neutrality queue"
    )
    if args.no_serve:
        return
    import uvicorn

    from liaison.api.app import create_app

    console.print("\nserving on loopback; stop with Ctrl-C")
    uvicorn.run(create_app(settings), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
