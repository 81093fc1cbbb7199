"""No record ever arrives at a node that the policy denies, across real nodes:
random agreement terms and random records (markings, crime areas, subject
categories, schemata), created, corrected and deleted at the originator;
after delivery every partner holds exactly what the policy allows (full copy,
reference, nothing), and never a full copy of a record outside the
agreement's terms (checked directly against the terms, not through the
policy engine)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from liaison.model.markings import Classification
from liaison.node.decisions import facts_for, policy_context
from liaison.node.outbox import best_push
from liaison.policy.decide import Outcome
from liaison.storage import federation as fed_store
from tests.federation.conftest import Federation, agree, member

AREAS = ["human_trafficking", "terrorism", "drug_trafficking", "piracy"]
CATEGORIES = ["suspect", "convicted", "victim", "witness"]
LEVELS = ["UNCLASSIFIED", "RESTRICTED", "CONFIDENTIAL", "SECRET"]
TLPS = ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"]


def some(values: list[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(values), min_size=1, max_size=len(values), unique=True)


terms = st.fixed_dictionaries(
    {
        "crime_areas": some(AREAS),
        "subject_categories": some([*CATEGORIES, "other"]),
        "max_classification": st.sampled_from(LEVELS[1:]),
        "tlp": some(TLPS[:4]),
        "handling": some(["H0", "H1", "H2"]),
        "hit_only": st.lists(st.sampled_from(["victim", "witness", "Passport"]), unique=True),
    }
)
envelopes = st.fixed_dictionaries(
    {
        "crime_area": st.sampled_from(AREAS),
        "category": st.sampled_from(CATEGORIES),
        "classification": st.sampled_from(LEVELS),
        "tlp": st.sampled_from(TLPS[:4]),
        "handling": st.sampled_from(["H0", "H1", "H2"]),
        "schema": st.sampled_from(["Person", "Passport", "Vessel"]),
    }
)
steps = st.lists(
    st.tuples(envelopes, st.sampled_from(["keep", "correct", "delete"])), min_size=1, max_size=6
)


def entity_and_envelope(e: dict[str, Any], n: int) -> tuple[dict[str, Any], dict[str, Any]]:
    props = {
        "Person": {"name": [f"Фиктивный Человек {n}"]},
        "Passport": {"number": [f"P{n:07d}"], "holder": [f"fictitious-holder-{n}"]},
        "Vessel": {"name": [f"FICTITIOUS VESSEL {n}"], "imoNumber": []},
    }[e["schema"]]
    envelope: dict[str, Any] = {
        "crime_area": e["crime_area"],
        "markings": {
            "classification": e["classification"],
            "tlp": e["tlp"],
            "handling": [e["handling"]],
        },
    }
    if e["schema"] == "Person":
        envelope["subject_category"] = e["category"]
    return {"schema": e["schema"], "properties": {k: v for k, v in props.items() if v}}, envelope


def outside_terms(envelope: dict[str, Any], agreed: dict[str, Any]) -> bool:
    marks = envelope["markings"]
    return (
        envelope["crime_area"] not in agreed["crime_areas"]
        or Classification.parse(marks["classification"])
        > Classification.parse(agreed["max_classification"])
        or marks["tlp"] not in agreed["tlp"]
        or marks["tlp"] == "RED"  # no consent is ever given here
        or not set(marks["handling"]) <= set(agreed["handling"])
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(agreed=terms, records=steps)
def test_partners_hold_exactly_what_the_policy_allows(
    agreed: dict[str, Any], records: list[tuple[dict[str, Any], str]]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        names = ("manila", "moscow")
        fed = Federation({n: member(base, n, f"sqlite:///{base / n}.db") for n in names})
        try:
            fed.link(*names)
            manila, moscow = fed["manila"], fed["moscow"]
            doc = {
                **{
                    k: v
                    for k, v in agreed.items()
                    if k not in ("crime_areas", "subject_categories")
                },
                "scope": {
                    "schemata": ["Person", "Passport", "Vessel"],
                    "crime_areas": agreed["crime_areas"],
                    "subject_categories": agreed["subject_categories"],
                },
            }
            agree("prop", [manila, moscow], **doc)
            analyst = manila.team.analyst
            made = []
            for n, (e, step) in enumerate(records):
                entity, envelope = entity_and_envelope(e, n)
                record = manila.node.records.create(analyst, entity, envelope)
                fed.settle()  # delivered first, so that what follows must reach it
                if step == "correct":
                    tighter = {**envelope, "markings": {**envelope["markings"], "tlp": "RED"}}
                    record = manila.node.records.update(
                        analyst, record.record_id, entity, tighter, 1
                    )
                    envelope = tighter
                elif step == "delete":
                    record = manila.node.records.delete(analyst, record.record_id, "property test")
                made.append((record, envelope))
                fed.settle()
            check(manila, moscow, made, doc)
        finally:
            for m in fed.members.values():
                m.node.close()


def check(manila: Any, moscow: Any, made: list[Any], agreed: dict[str, Any]) -> None:
    node = manila.node
    with node.ctx.engine.connect() as conn:
        records = [r for r, _ in made]
        context = policy_context(node.ctx, conn, [r.record_id for r in records])
        facts = facts_for(node.ctx, conn, records)
    with moscow.node.ctx.engine.connect() as conn:
        held = fed_store.copies_for(conn, [r.record_id for r in records])
    for (record, envelope), fact in zip(made, facts, strict=True):
        copy = held.get(record.record_id)
        level = None if copy is None else copy.level
        event(f"level {level}, deleted {record.deleted}")
        if record.deleted:
            assert level in (None, "deleted"), record.record_id
            continue
        outcome = best_push(fact, moscow.node_id, record, context).outcome
        wanted = {Outcome.FULL: "full", Outcome.HIT_ONLY: "reference"}.get(outcome)
        assert level == wanted or (wanted is None and level in (None, "withdrawn"))
        if outside_terms(envelope, {**agreed, "crime_areas": agreed["scope"]["crime_areas"]}):
            assert level != "full", (record.record_id, envelope)
        if level in ("reference", "withdrawn"):
            assert copy.entity is None and copy.envelope is None
