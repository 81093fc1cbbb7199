"""The demo's witnessing: each node offers its signed audit checkpoint to the
other two now (the witness thread of ``liaison serve`` would within
``LIAISON_WITNESS_SECONDS``), then each log is checked against what its
witnesses hold, asked over HTTPS; the demo prints the witnessed state."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from liaison.demo.cluster import NodeProcess, actor
from liaison.node.witness import send_now


def witness_all(nodes: list[NodeProcess], console: Console) -> dict[str, dict[str, str]]:
    """Cosign every node's checkpoint at every partner; per log, per witness, the
    check's status (``ok`` when the log extends what the witness cosigned)."""
    for n in nodes:
        with n.open() as node:
            send_now(node.witness, None, actor(node, "auditor"))
    table = Table("log", "witness", "cosigned size", "not yet witnessed", "check", "source")
    found: dict[str, dict[str, str]] = {}
    for n in nodes:
        with n.open() as node:
            states = {s.witness: s for s in node.witness.status(actor(node, "auditor"))}
            for finding in node.witness.check():
                state = states[finding.witness]
                found.setdefault(n.name, {})[finding.witness] = finding.status.value
                table.add_row(
                    n.name,
                    finding.witness,
                    str(finding.size if finding.size is not None else "-"),
                    str(state.unwitnessed),
                    finding.status.value,
                    finding.source,
                )
    console.print("\npartners cosigned each other's audit checkpoints (docs/audit.md):")
    console.print(table)
    return found
