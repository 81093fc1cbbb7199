"""Record data bound to the audit log, the triggers, and a forged append: found by
verification, named, and checked before anything is written (issue 21's cases that
need no witness; rollback and fork are the witnesses' to catch)."""

from __future__ import annotations

from types import SimpleNamespace

import orjson
import pytest
import sqlalchemy as sa

from liaison.audit.chain import Action, Result
from liaison.audit.log import Event, seal
from liaison.node import Node
from liaison.node.sources import jsonl_items
from liaison.storage.integrity import expected_triggers
from liaison.storage.records import to_record
from liaison.storage.tables import APPEND_ONLY, audit_head, audit_log, record_versions
from tests.conftest import Team, person


def drop_triggers(conn: sa.Connection) -> None:
    """What an attacker with the database does first."""
    for table in APPEND_ONLY:
        for verb in ("update", "delete", "truncate"):
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text(f"DROP TRIGGER IF EXISTS {table}_no_{verb} ON {table}"))
            elif verb != "truncate":
                conn.execute(sa.text(f"DROP TRIGGER IF EXISTS {table}_no_{verb}"))


def rewrite(node: Node, record_id: str, version: int, name: str, rehash: bool) -> None:
    """Change a stored version's name; with ``rehash``, its hash column too."""
    with node.ctx.engine.begin() as conn:
        drop_triggers(conn)
        row = conn.execute(
            sa.select(record_versions).where(
                record_versions.c.record_id == record_id, record_versions.c.version == version
            )
        ).one()
        entity = orjson.loads(row.entity)
        entity["properties"]["name"] = [name]
        values: dict[str, object] = {"entity": orjson.dumps(entity).decode()}
        if rehash:
            stored = SimpleNamespace(
                **{**row._mapping, "entity": values["entity"], "created": row.at, "created_by": ""}
            )
            edited = to_record(stored, stored)  # type: ignore[arg-type]  # a row's fields
            values["content_hash"] = edited.content_hash
        conn.execute(
            sa.update(record_versions).where(record_versions.c.id == row.id).values(**values)
        )


def log_size(node: Node) -> int:
    with node.ctx.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(audit_log)).scalar_one())


def test_an_intact_node_checks(node: Node, team: Team) -> None:
    record = node.records.create(team.analyst, person("Lorna Bautista"), {})
    node.records.update(team.analyst, record.record_id, person("Lorna B. Bautista"), {}, 1)
    node.records.delete(team.analyst, record.record_id, "entered twice")
    result = node.audit.verify(team.auditor)
    assert result.ok, (result.reason, result.findings)
    assert result.versions == 3 and result.findings == []


@pytest.mark.parametrize("rehash", [False, True], ids=["data", "data-and-hash"])
def test_edited_record_data_is_named(node: Node, team: Team, rehash: bool) -> None:
    record = node.records.create(team.analyst, person("Rosa Mendoza"), {})
    rewrite(node, record.record_id, 1, "Someone Else", rehash)
    result = node.audit.check()
    assert not result.ok and result.first_broken is None  # the chain itself is intact
    named = [f for f in result.findings if f.kind == "record_version"]
    assert [f.object for f in named] == [f"{record.record_id}@1"]
    assert ("audit entry" in named[0].reason) is rehash


def test_edited_imported_record_names_the_batch(node: Node, team: Team) -> None:
    lines = [orjson.dumps(person(f"Andres Santos {i}")) for i in range(5)]
    node.transfer.import_items(team.analyst, lambda: jsonl_items(lines))
    batch = node.audit.entries(team.auditor, limit=500, action="record.import")[-1]
    key = batch.detail["written"][2]
    record_id, version = key.split("@")
    rewrite(node, record_id, int(version), "Not Andres", rehash=True)
    (finding,) = [f for f in node.audit.check().findings if f.kind == "record_version"]
    assert finding.object == key and f"audit entry {batch.seq}" in finding.reason


def test_a_version_no_change_wrote_is_named(node: Node, team: Team) -> None:
    record = node.records.create(team.analyst, person("Aurora Santos"), {})
    with node.ctx.engine.begin() as conn:
        row = conn.execute(
            sa.select(record_versions).where(record_versions.c.record_id == record.record_id)
        ).one()
        data = {k: v for k, v in row._mapping.items() if k != "id"}
        conn.execute(sa.insert(record_versions).values(**{**data, "version": 2}))
    findings = node.audit.check().findings
    assert [(f.kind, f.object) for f in findings] == [("unlogged_version", f"{record.record_id}@2")]


def test_dropped_triggers_are_named(node: Node, team: Team) -> None:
    node.records.create(team.analyst, person("Ivan Petrov"), {})
    with node.ctx.engine.begin() as conn:
        drop_triggers(conn)
        dialect = conn.dialect.name
    result = node.audit.check()
    assert not result.ok and result.first_broken is None
    assert {f.object for f in result.findings if f.kind == "trigger"} == expected_triggers(dialect)


def test_a_forged_append_is_named_and_nothing_is_written_first(node: Node, team: Team) -> None:
    node.records.create(team.analyst, person("Juan dela Cruz"), {})
    with node.ctx.engine.begin() as conn:
        head = conn.execute(sa.select(audit_head)).one()
        forged = seal(
            [Event("api:mallory", Action.RECORD_READ, "rec-forged", Result.OK)],
            head.seq,
            head.hash,
            "2026-12-07T03:30:00+00:00",
        )[0]
        row = {**forged.body(), "hash": forged.hash, "detail": "{}"}
        conn.execute(sa.insert(audit_log).values(**row))
    size = log_size(node)
    checked = node.audit.check()
    assert log_size(node) == size  # the check wrote nothing
    assert checked.first_broken == forged.seq
    assert "forged" in (checked.reason or "")
    logged = node.audit.record(team.auditor, checked)  # its entry cannot follow a forged one
    assert not logged.ok and any("tampering" in n for n in logged.notes)
