"""The audit bundle, pure: written, read back, and checked with the keys an
auditor trusts; every kind of tampering named."""

from __future__ import annotations

import dataclasses

import pytest

from liaison.audit.bundle import Bundle, BundleWitness, Header, parse, render, verify_bundle
from liaison.audit.chain import Action, Entry
from liaison.audit.log import Event, seal
from liaison.audit.merkle import Tree, leaf_hash
from liaison.audit.note import Note, TreeHead, cosign, parse_note, sign_note
from liaison.audit.witness import Status, witness_name
from liaison.errors import InvalidInput
from liaison.model.identity import NodeKey, unb64

NODE, MOSCOW, OTHER = NodeKey.generate(), NodeKey.generate(), NodeKey.generate()
ORIGIN = f"liaison.audit/{NODE.node_id}"


def raw(key: NodeKey):  # type: ignore[no-untyped-def]
    return lambda message: unb64(key.sign(message))


def entries(count: int) -> list[Entry]:
    events = [Event("analyst", Action.RECORD_CREATE, f"rec-{i:032x}") for i in range(count)]
    return seal(events, 0, "0" * 64, "2026-12-07T00:00:00+00:00")


def signed(log: list[Entry], size: int) -> str:
    tree = Tree.of([leaf_hash(bytes.fromhex(e.hash)) for e in log])
    text = TreeHead(ORIGIN, size, tree.root(size)).text()
    return Note(text, (sign_note(text, ORIGIN, NODE.public_raw, raw(NODE)),)).render()


def cosigned(log: list[Entry], size: int, by: NodeKey = MOSCOW) -> str:
    note = parse_note(signed(log, size))
    name = witness_name(by.node_id)
    line = cosign(note.text, name, by.public_raw, raw(by), 1_800_000_000)
    return Note(note.text, (*note.signatures, line)).render()


def bundle(log: list[Entry], witnessed: str, shown: list[Entry] | None = None) -> Bundle:
    shown = log if shown is None else shown
    header = Header(
        NODE.node_id,
        "manila",
        NODE.public_key,
        ORIGIN,
        signed(shown, len(shown)),
        len(shown),
        (BundleWitness("moscow", MOSCOW.node_id, MOSCOW.public_key, witnessed),),
    )
    return parse(b"".join(render(header, shown)).splitlines(keepends=True))


TRUSTED = {"moscow": MOSCOW.public_raw}


def test_a_bundle_round_trips_and_verifies() -> None:
    log = entries(30)
    report = verify_bundle(bundle(log, cosigned(log, 20)), TRUSTED, NODE.public_raw)
    assert report.ok, report
    assert report.entries == 30 and report.size == 30
    assert [f.status for f in report.witnesses] == [Status.OK]


def test_a_rolled_back_log_is_named_by_its_witness() -> None:
    log = entries(30)
    report = verify_bundle(bundle(log, cosigned(log, 30), shown=log[:25]), TRUSTED)
    assert not report.ok and not report.problems
    (found,) = report.witnesses
    assert found.status is Status.ROLLBACK and found.size == 30 and "moscow" in found.reason


def test_a_rewritten_log_is_a_fork() -> None:
    log = entries(30)
    events = [Event("analyst", Action.RECORD_DELETE, "rec-x")] * 10
    other = [*log[:20], *seal(events, 20, log[19].hash, "2026-12-07T00:00:01+00:00")]
    report = verify_bundle(bundle(log, cosigned(log, 25), shown=other), TRUSTED)
    assert not report.problems  # a consistent chain, signed by the node
    assert report.witnesses[0].status is Status.FORK


def test_keys_are_the_auditors_not_the_bundles() -> None:
    log = entries(10)
    made = bundle(log, cosigned(log, 10))
    unchecked = verify_bundle(made, {})
    assert unchecked.witnesses[0].status is Status.UNCHECKED and unchecked.ok
    wrong = verify_bundle(made, {"moscow": OTHER.public_raw})
    assert wrong.witnesses[0].status is Status.INVALID and not wrong.ok
    forged = verify_bundle(bundle(log, cosigned(log, 10, by=OTHER)), TRUSTED)
    assert forged.witnesses[0].status is Status.INVALID
    missing = verify_bundle(made, {**TRUSTED, "kuala-lumpur": OTHER.public_raw})
    assert missing.witnesses[-1].status is Status.UNWITNESSED


def test_tampered_entries_and_checkpoints_are_named() -> None:
    log = entries(10)
    changed = [*log[:4], dataclasses.replace(log[4], actor="someone else"), *log[5:]]
    header = bundle(log, cosigned(log, 10)).header
    report = verify_bundle(Bundle(header, tuple(changed)), TRUSTED)
    assert any("entry 5: its content does not match" in p for p in report.problems)
    other_key = dataclasses.replace(header, public_key=OTHER.public_key)
    report = verify_bundle(Bundle(other_key, tuple(log)), TRUSTED)
    assert any("not the key of node" in p for p in report.problems)
    report = verify_bundle(Bundle(header, tuple(log)), TRUSTED, OTHER.public_raw)
    assert any("not the node key given" in p for p in report.problems)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (b"", "bundle"),
        (b"not json\n", "bundle line 1"),
        (b'{"format": "other"}\n', "bundle line 1"),
    ],
)
def test_malformed_bundles_are_named(text: bytes, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse(text.splitlines(keepends=True))
    assert caught.value.field == field


def test_a_missing_entry_line_is_named() -> None:
    log = entries(3)
    lines = b"".join(render(bundle(log, cosigned(log, 3)).header, log)).splitlines(keepends=True)
    with pytest.raises(InvalidInput, match="the header says 3 entries"):
        parse(lines[:-1])
    with pytest.raises(InvalidInput) as caught:
        parse([*lines[:2], b'{"seq": 2}\n'])
    assert caught.value.field == "bundle line 3"
