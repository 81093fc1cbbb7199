from __future__ import annotations

import io
import uuid
from collections.abc import Iterable

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liaison.errors import Forbidden, ImportRejected, InvalidInput
from liaison.node import Node
from liaison.node.sources import CsvMapping, Item, csv_items, jsonl_items
from liaison.storage.records import RecordFilter
from tests.conftest import Team


def lines(*entities: object) -> list[bytes]:
    return [e if isinstance(e, bytes) else orjson.dumps(e) for e in entities]


def people(n: int, start: int = 0) -> list[bytes]:
    return lines(
        *(
            {"id": f"p{i}", "schema": "Person", "properties": {"name": [f"Fictitious Person {i}"]}}
            for i in range(start, start + n)
        )
    )


def run(
    node: Node,
    team: Team,
    data: list[bytes],
    strict: bool = False,
    defaults: dict[str, object] | None = None,
):  # type: ignore[no-untyped-def]
    def items() -> Iterable[Item]:
        return jsonl_items(data)

    return node.transfer.import_items(team.analyst, items, defaults, strict)


def all_captions(node: Node, team: Team) -> list[str]:
    return [
        i["caption"] for i in node.records.search(team.analyst, RecordFilter(), None, 500).items
    ]


def test_import_in_batches_then_reimport_is_idempotent(node: Node, team: Team) -> None:
    data = people(120)  # batch size is 50 in tests
    report = run(node, team, data, defaults={"crime_area": "fraud", "review_due": "2029-01-01"})
    assert (report.created, report.batches, report.rejected) == (120, 3, [])
    again = run(node, team, data, defaults={"crime_area": "fraud", "review_due": "2029-01-01"})
    assert (again.created, again.updated, again.unchanged) == (0, 0, 120)
    changed = run(node, team, people(1), defaults={"crime_area": "cybercrime"})
    assert changed.updated == 1
    imports = node.audit.entries(team.auditor, limit=500, action="record.import")
    assert len(imports) == 3 + 3 + 1


def test_broken_lines_are_reported_by_number_and_others_stored(node: Node, team: Team) -> None:
    data = [
        *people(3),
        b'{"id": "t1", "schema": "Person", "properties": {"name": ["Trunc',
        orjson.dumps(
            {
                "id": "b1",
                "schema": "Person",
                "properties": {"name": ["A"], "birthDate": ["1990-13-45"]},
            }
        ),
        orjson.dumps({"id": "b2", "schema": "Persn", "properties": {}}),
        orjson.dumps(
            {
                "id": "b3",
                "schema": "Person",
                "properties": {"name": ["B"]},
                "envelope": {"markings": {"tlp": "BLUE"}},
            }
        ),
        b"[1, 2]",
        *people(1, start=10),
    ]
    report = run(node, team, data)
    assert report.created == 4
    got = {(e.line, e.field) for e in report.rejected}
    assert got == {
        (4, "line"),
        (5, "properties.birthDate"),
        (6, "schema"),
        (7, "markings.tlp"),
        (8, "line"),
    }
    assert "1990-13-45" in {e.value for e in report.rejected}


def test_strict_import_writes_nothing_when_a_line_is_bad(node: Node, team: Team) -> None:
    data = people(60) + lines(
        {"schema": "Person", "properties": {"name": ["X"], "birthDate": ["soon"]}}
    )
    with pytest.raises(ImportRejected) as caught:
        run(node, team, data, strict=True)
    assert [(e.line, e.field) for e in caught.value.errors] == [(61, "properties.birthDate")]
    assert all_captions(node, team) == []


def test_a_dry_run_finds_what_the_import_would_reject_and_writes_nothing(
    node: Node, team: Team
) -> None:
    data = people(12) + lines(
        {"schema": "Person", "properties": {"name": ["X"], "birthDate": ["soon"]}},
        b"not json",
        {
            "schema": "Person",
            "properties": {"name": ["Too Secret"]},
            "envelope": {"markings": {"classification": "TOP_SECRET"}},
        },
    )
    defaults: dict[str, object] = {"markings": {"tlp": "GREEN"}, "crime_area": "fraud"}
    ticks: list[int] = []
    check = node.transfer.check_items(
        team.analyst, lambda: jsonl_items(data), defaults, ticks.append, shown=10
    )
    assert (check.lines, check.valid, sum(ticks)) == (15, 12, 15)
    assert [line for line, _ in check.sample] == list(range(1, 11))
    first = check.sample[0][1]
    assert first.entity_id == "p0" and first.envelope.markings.to_dict()["tlp"] == "GREEN"
    assert [(e.line, e.field) for e in check.rejected] == [
        (13, "properties.birthDate"),
        (14, "line"),
        (15, "envelope.markings.classification"),  # above the analyst's clearance
    ]
    assert all_captions(node, team) == []
    assert node.audit.entries(team.auditor, action="record.import") == []
    report = run(node, team, data, defaults=defaults)  # the import rejects the same lines
    assert sorted(report.rejected, key=lambda e: e.line) == check.rejected
    with pytest.raises(Forbidden):
        node.transfer.check_items(team.officer, lambda: jsonl_items(data))
    denied = node.audit.entries(team.auditor, action="record.import", result="denied")
    assert [e.object for e in denied] == ["dry run"]


def test_csv_with_mapping() -> None:
    text = (
        "ref,full_name,dob,country\n"
        "1,Мария Иванова,1985-03-02,ru\n"
        '2,"Santos, Jose",1970-01-01,ph\n'
        "3,broken line\n"
        '4,"unterminated,1970-01-01,ph\n'
    )
    mapping = CsvMapping.from_dict(
        {
            "schema": "Person",
            "id_column": "ref",
            "properties": {"name": "full_name", "birthDate": "dob", "nationality": "country"},
        }
    )
    items = list(csv_items(io.StringIO(text, newline=""), mapping))
    assert items[0] == (
        2,
        {
            "id": "1",
            "schema": "Person",
            "properties": {
                "name": ["Мария Иванова"],
                "birthDate": ["1985-03-02"],
                "nationality": ["ru"],
            },
        },
    )
    assert items[1][1]["properties"]["name"] == ["Santos, Jose"]  # type: ignore[index]
    assert items[2][0] == 4 and "expected 4 columns" in items[2][1].reason  # type: ignore[union-attr]
    assert len(items) == 4 and not isinstance(items[3][1], dict)


def test_csv_mapping_errors_are_clear() -> None:
    with pytest.raises(InvalidInput) as caught:
        CsvMapping.from_dict({"schema": "Person", "properties": {"shoe": "col"}})
    assert caught.value.field == "mapping.properties.shoe"
    mapping = CsvMapping.from_dict({"schema": "Person", "properties": {"name": "full_name"}})
    items = list(csv_items(io.StringIO("name,dob\nA,1\n"), mapping))
    assert items[0][1].reason == "missing column(s): full_name"  # type: ignore[union-attr]


def test_export_round_trips_through_import(node: Node, team: Team, tmp_path: object) -> None:
    envelope = {
        "markings": {"tlp": "GREEN", "handling": ["H0"]},
        "crime_area": "piracy",
        "evaluation": {"scheme": "admiralty", "source": "B", "information": "2"},
    }
    run(node, team, people(5), defaults=envelope)
    exported = b"".join(node.transfer.export(team.analyst, RecordFilter()))
    rows = [orjson.loads(line) for line in exported.splitlines()]
    assert len(rows) == 5
    assert rows[0]["envelope"]["markings"]["tlp"] == "GREEN"
    assert rows[0]["liaison"]["originator"] == node.ctx.node_id
    report = run(node, team, exported.splitlines())
    assert (report.unchanged, report.created, report.updated) == (5, 0, 0)
    assert node.audit.entries(team.auditor, action="record.export")


def test_import_respects_roles_and_clearance(node: Node, team: Team) -> None:
    from liaison.errors import Forbidden

    with pytest.raises(Forbidden):
        node.transfer.import_items(team.auditor, lambda: jsonl_items(people(1)))
    report = node.transfer.import_items(
        team.junior, lambda: jsonl_items(people(2)), {"markings": {"classification": "SECRET"}}
    )
    assert report.created == 0
    assert {e.reason for e in report.rejected} == {"above your clearance"}


def test_import_cannot_overwrite_a_record_above_clearance(node: Node, team: Team) -> None:
    secret = {
        "id": "s1",
        "schema": "Person",
        "properties": {"name": ["Секретный Агент"]},
        "envelope": {"markings": {"classification": "SECRET"}},
    }
    assert run(node, team, lines(secret)).created == 1
    overwrite = {"id": "s1", "schema": "Person", "properties": {"name": ["Declassified"]}}
    report = node.transfer.import_items(team.junior, lambda: jsonl_items(lines(overwrite)))
    assert (report.created, report.updated) == (0, 0)
    assert [e.reason for e in report.rejected] == ["not a record you may change"]
    kept = node.records.search(team.analyst, RecordFilter(), None, 10).items
    assert [(i["caption"], i["classification"]) for i in kept] == [("Секретный Агент", "SECRET")]


def test_strict_import_also_refuses_what_only_writing_finds(node: Node, team: Team) -> None:
    data = people(40) + people(1, start=45) + people(1, start=45)  # a duplicate in one batch
    with pytest.raises(ImportRejected) as caught:
        run(node, team, data, strict=True)
    assert [(e.line, e.reason) for e in caught.value.errors] == [
        (42, "the same entity appears twice in one batch")
    ]
    assert all_captions(node, team) == []
    rejected = node.audit.entries(team.auditor, action="record.import", result="rejected")
    assert len(rejected) == 1


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_import_is_idempotent(node: Node, team: Team, data: st.DataObject) -> None:
    """Importing the same lines again changes nothing, whatever the lines are."""
    prefix = uuid.uuid4().hex[:8]
    names = data.draw(
        st.lists(st.text(min_size=1, max_size=30).filter(str.strip), min_size=1, max_size=40)
    )
    entities = [
        {"id": f"{prefix}-{i}", "schema": "Person", "properties": {"name": [name]}}
        for i, name in enumerate(names)
    ]
    envelope = data.draw(
        st.sampled_from(
            [{}, {"markings": {"tlp": "RED"}}, {"crime_area": "fraud", "purposes": ["alert"]}]
        )
    )
    first = run(node, team, lines(*entities), defaults=envelope)
    second = run(node, team, lines(*entities), defaults=envelope)
    assert second.created == second.updated == 0
    assert second.unchanged == first.created
    assert {e.reason for e in second.rejected} == {e.reason for e in first.rejected}


def test_a_worker_that_dies_stops_the_import_with_the_line_it_was_on() -> None:
    """A real pool whose worker exits (as one killed for memory would): the import gets a
    clear error naming the first line of the batch, instead of waiting for ever."""
    import os
    from concurrent.futures import ProcessPoolExecutor

    from liaison.errors import ImportInterrupted
    from liaison.node.transfer import _fork_server, _outcome

    with ProcessPoolExecutor(1, mp_context=_fork_server()) as pool:
        future = pool.submit(os._exit, 9)
        with pytest.raises(ImportInterrupted) as raised:
            _outcome(future, [(4001, {}), (4002, {})])
    assert raised.value.line == 4001
    assert "4001" in str(raised.value)


def test_the_index_built_by_the_workers_is_the_one_a_single_write_makes(
    node: Node, team: Team
) -> None:
    """Profiles, keys and phones prepared in the worker processes (more than one batch)
    are stored exactly as the main process would make them from the stored records."""

    phones = ["+79161234567", "+639171234567", "+14155552671"]

    def data(tag: str) -> list[bytes]:
        return lines(
            *(
                {
                    "id": f"w{i}",
                    "schema": "Person",
                    "properties": {
                        "name": [f"Фиктивный Человек{i}", f"Fictitious Person{tag} {i}"],
                        "birthDate": [f"19{50 + i % 40}-0{1 + i % 9}-1{i % 10}"],
                        "phone": [phones[i % 3]],
                        "nationality": ["ru"],
                    },
                }
                for i in range(120)
            )
        )

    assert run(node, team, data("")).batches == 3  # so the workers built batches
    check_index(node)
    report = run(node, team, data("son"))  # every record updated, again by the workers
    assert (report.batches, report.updated) == (3, 120)
    check_index(node)


def check_index(node: Node) -> None:
    import sqlalchemy as sa

    from liaison.storage import records as record_store
    from liaison.storage.matching import prepared, profile_of
    from liaison.storage.tables import match_keys, match_profiles

    with node.ctx.engine.connect() as conn:
        query = sa.select(match_profiles.c.subject, match_profiles.c.profile)
        stored = {subject: text for subject, text in conn.execute(query)}
        keys: dict[str, list[str]] = {}
        for subject, key in conn.execute(sa.select(match_keys.c.subject, match_keys.c.key)):
            keys.setdefault(subject, []).append(key)
        records = record_store.current_for(conn, list(stored))
    assert len(records) == 120
    for record in records:
        expected = prepared(profile_of(record))
        assert stored[record.record_id] == expected.text
        assert tuple(sorted(keys[record.record_id])) == expected.keys
    assert any(k.startswith("i:phone:") for found in keys.values() for k in found)


def test_lines_parsed_in_the_workers_report_as_lines_parsed_here(node: Node, team: Team) -> None:
    """``jsonl_lines`` leaves each line to the import's workers to parse: broken lines
    are named by number as before, an export's summary line is skipped, and what is
    stored is the same."""
    from liaison.node.sources import jsonl_lines

    data = [
        *people(70),
        b"",
        b'{"id": "t1", "schema": "Person", "properties": {"name": ["Trunc',
        b'{"liaison_export": {"exported": 70, "withheld_count": 0}}',
        b"[1, 2]",
    ]
    report = node.transfer.import_items(team.analyst, lambda: jsonl_lines(data))
    assert report.created == 70 and report.batches == 2  # more than one batch: workers
    assert [(e.line, e.field) for e in report.rejected] == [(72, "line"), (74, "line")]
    assert report.rejected[0].reason.startswith("not valid JSON")
    assert report.lines == 72  # the blank and the summary lines are not lines of data
    again = node.transfer.import_items(team.analyst, lambda: jsonl_lines(people(70)))
    assert (again.created, again.unchanged) == (0, 70)
