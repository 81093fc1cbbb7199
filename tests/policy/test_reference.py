"""Decisions pinned: ``decide`` gives what it gave when the fixture was recorded.

A seeded generator (``random.Random``, no hypothesis: the same cases on every
run and every ``PYTHONHASHSEED``) builds worlds of one to five agreements
between the five fixed-seed nodes of ``conftest``, records held or received
by one of them, and many requests per world (partners and local users, every
use and purpose, consents that matter), deciding them all with one
``PolicyContext`` per world and each record's facts reused across requests,
so the memoised paths run warm as well as cold.

``data/decide_reference.json`` holds what ``decide`` returned before the
policy engine was made faster (issue 18): every decision of the first worlds
in full (outcome, basis, and each reason's rule, effect, template, arguments
and text), and a SHA-256 of every decision of each world. Any change in an
outcome, a basis, a reason, their order or an explanation's wording fails.
Regenerate it only for a deliberate change of the rules:

    .venv/bin/python -m tests.policy.test_reference > tests/policy/data/decide_reference.json
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from pathlib import Path
from typing import Any

from liaison.model.grading import Evaluation, Scheme
from liaison.model.markings import TLP, Classification, HandlingCode
from liaison.model.roles import Role
from liaison.model.vocab import CrimeArea, Purpose, SubjectCategory
from liaison.policy.agreements import Agreement, AgreementState, OnwardRule, parse_document
from liaison.policy.decide import (
    AgreementIndex,
    Decision,
    LocalUser,
    Neutrality,
    Partner,
    PolicyContext,
    Recipient,
    RecordFacts,
    Use,
    decide,
    schemata_of,
)
from tests.policy.conftest import NODES, TODAY, party

FIXTURE = Path(__file__).parent / "data" / "decide_reference.json"
SEED = 18
WORLDS = 300
RECORDS_PER_WORLD = 12
REQUESTS_PER_WORLD = 80
IN_FULL = 1  # worlds whose decisions the fixture keeps in full, to read

NODE_IDS = [k.node_id for k in NODES]
SCHEMATA = ["Person", "Company", "Organization", "Passport", "Vessel", "Vehicle"]
AREAS = [CrimeArea.TERRORISM, CrimeArea.DRUG_TRAFFICKING, CrimeArea.PIRACY, CrimeArea.FRAUD]
TOPICS = ["role.spy", "crime.traffick", "sanction"]
EXCLUSIONS = [
    "record:rec-1",
    "schema:Person",
    "schema:Organization",
    "crime_area:piracy",
    "category:informant",
    "category:other",
    "topic:role.spy",
    "topic:sanction",
]
HIT_ONLY = ["informant", "victim", "other", "Person", "Passport", "Organization", "LegalEntity"]
RETENTIONS: list[dict[str, str]] = [
    {"default": "10y"},
    {"default": "10y", "nominal": "5y"},
    {"nominal": "3y"},
    {"default": "20y", "victim": "2y", "witness": "1y"},
    {"nominal": "5y", "informant": "18m", "other": "2y"},
    {"suspect": "8y", "contact": "1y"},
    {"default": "4y", "convicted": "12y"},
]
H3_TEXTS = ["not for use in court before 2027", "no contact with the press"]
USERS = ["analyst", "officer", "auditor"]
DAY = dt.timedelta(days=1)


def some(rng: random.Random, values: list[Any], keep: float, least: int = 1) -> list[Any]:
    chosen = [v for v in values if rng.random() < keep]
    return chosen if len(chosen) >= least else values[:least]


def agreement(rng: random.Random, index: int, parties: list[str], keep: float) -> Agreement:
    start = TODAY + rng.randint(-400, 3) * DAY
    until = None if rng.random() < 0.8 else max(start, TODAY + rng.randint(-5, 60) * DAY)
    data = {
        "agreement_id": f"agr-{index}",
        "version": rng.choice([1, 1, 2]),
        "title": f"Fictitious agreement {index}",
        "parties": [party(k) for k in NODES if k.node_id in parties],
        "scope": {
            "schemata": some(rng, SCHEMATA, keep),
            "crime_areas": [a.value for a in some(rng, AREAS, keep)],
            "subject_categories": [c.value for c in some(rng, list(SubjectCategory), keep)],
        },
        "purposes": [p.value for p in some(rng, list(Purpose), keep)],
        "max_classification": rng.choice(["TOP_SECRET", "SECRET", "CONFIDENTIAL", "RESTRICTED"]),
        "tlp": [t.value for t in some(rng, list(TLP), keep)],
        "handling": [h.value for h in some(rng, list(HandlingCode), keep, least=0)],
        "onward": rng.choice([o.value for o in OnwardRule]),
        "retention": rng.choice(RETENTIONS),
        "hit_only": rng.sample(HIT_ONLY, rng.choice([0, 0, 1, 1, 2])),
        "exclusions": rng.sample(EXCLUSIONS, rng.choice([0, 0, 0, 0, 1, 2])),
        "effective_from": start.isoformat(),
        "effective_until": None if until is None else until.isoformat(),
    }
    states = [AgreementState.ACTIVE] * 12 + list(AgreementState)
    return Agreement(parse_document(data), rng.choice(states))


def evaluation(rng: random.Random) -> Evaluation | None:
    if rng.random() < 0.15:
        return None
    if rng.random() < 0.5:
        return Evaluation(Scheme.ADMIRALTY, rng.choice("ABCDEF"), rng.choice("123456"))
    return Evaluation(Scheme.EUROPOL, rng.choice("ABCX"), rng.choice("1234"))


def edge_or_later(rng: random.Random) -> dt.date | None:
    if rng.random() < 0.8:
        return None
    return TODAY + rng.choice([-400, -2, -1, 0, 1, 2, 30, 400, 2000]) * DAY


def record(rng: random.Random, n: int, holder: str, partners: list[str], ids: list[str]) -> Any:
    schema = rng.choice(SCHEMATA)
    handling = frozenset(rng.sample(list(HandlingCode), rng.choice([0, 1, 1, 2, 3])))
    own = rng.random() < 0.5
    return RecordFacts(
        record_id=f"rec-{n}",
        schema=schema,
        schemata=schemata_of(schema),
        originator=holder if own else rng.choice(partners),
        crime_area=rng.choice([*AREAS, *AREAS, None]),
        category=rng.choice([*SubjectCategory, None]) if schema == "Person" else None,
        classification=rng.choice(list(Classification)),
        tlp=rng.choice(list(TLP)),
        handling=handling,
        h3_text=rng.choice(H3_TEXTS) if HandlingCode.H3 in handling else None,
        evaluation=evaluation(rng),
        created=TODAY - rng.choice([0, 30, 200, 364, 365, 366, 547, 548, 730, 1500, 3000]) * DAY,
        review_due=edge_or_later(rng),
        expires=edge_or_later(rng),
        created_by=rng.choice(USERS),
        neutrality=rng.choice([Neutrality.NOT_FLAGGED] * 12 + list(Neutrality)),
        topics=frozenset(rng.sample(TOPICS, rng.choice([0, 0, 1, 2]))),
        received_under=None if own else rng.choice([*ids, *ids, None, "agr-gone"]),
    )


def consents(
    rng: random.Random, records: list[RecordFacts], keys: list[str]
) -> frozenset[tuple[str, str, Use]]:
    found = set()
    for facts in records:
        for _ in range(rng.choice([0, 1, 2, 4])):
            use = rng.choice([*Use, Use.PUSH, Use.ONWARD_SHARE, Use.ONWARD_SHARE])
            found.add((facts.record_id, rng.choice(keys), use))
    return frozenset(found)


def world(rng: random.Random) -> list[Decision]:
    """One agreement index and many requests decided under it."""
    count = rng.choice([1, 2, 3, 3, 4, 5])
    groups = [sorted(rng.sample(NODE_IDS, rng.choice([2, 2, 3, 4]))) for _ in range(count)]
    holder = rng.choice(groups[0] * 4 + NODE_IDS)
    keep = rng.choice([0.7, 0.8, 0.9, 0.95])  # how broad the agreements are
    found = [agreement(rng, i, g, keep) for i, g in enumerate(groups)]
    if count > 1 and rng.random() < 0.5:  # two agreements between the same pair
        found.append(agreement(rng, count, groups[0], keep))
    ids = [a.document.agreement_id for a in found]
    partners = [n for n in NODE_IDS if n != holder]
    records = [record(rng, n, holder, partners, ids) for n in range(RECORDS_PER_WORLD)]
    users = [
        LocalUser(rng.choice(USERS), rng.choice(list(Role)), rng.choice(list(Classification)))
        for _ in range(4)
    ]
    index = AgreementIndex.build(found, holder, TODAY)
    linked = sorted(index.by_partner) * 3  # mostly partners an agreement names
    recipients: list[Recipient] = [*(Partner(p) for p in partners + linked), *users]
    keys = [holder, *partners, *linked, *(u.key for u in users)]
    ctx = PolicyContext(index, consents(rng, records, keys))
    out = []
    for _ in range(REQUESTS_PER_WORLD):
        facts, to = rng.choice(records), rng.choice(recipients)
        out.append(decide(facts, to, rng.choice(list(Use)), rng.choice(list(Purpose)), ctx))
    return out


def shown(decision: Decision) -> list[Any]:
    """A decision as plain data: everything a caller can read from it."""
    reasons = [[r.rule.value, r.denies, r.template, repr(r.args), r.text] for r in decision.reasons]
    return [decision.outcome.label, decision.basis, reasons]


def digest(decisions: list[Decision]) -> str:
    text = json.dumps([shown(d) for d in decisions], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def record_all() -> dict[str, Any]:
    rng = random.Random(SEED)
    worlds = [world(rng) for _ in range(WORLDS)]
    return {
        "seed": SEED,
        "worlds": WORLDS,
        "requests_per_world": REQUESTS_PER_WORLD,
        "in_full": [[shown(d) for d in w] for w in worlds[:IN_FULL]],
        "digests": [digest(w) for w in worlds],
    }


def test_decisions_match_the_recorded_reference() -> None:
    expected = json.loads(FIXTURE.read_text())
    assert (expected["seed"], expected["worlds"]) == (SEED, WORLDS)
    assert expected["requests_per_world"] == REQUESTS_PER_WORLD
    rng = random.Random(SEED)
    for n, recorded in enumerate(expected["digests"]):
        decisions = world(rng)
        if n < IN_FULL:
            for i, (old, new) in enumerate(zip(expected["in_full"][n], decisions, strict=True)):
                assert shown(new) == old, f"world {n}, request {i}"
        got = [json.dumps(shown(d), ensure_ascii=False) for d in decisions]
        assert digest(decisions) == recorded, f"world {n} differs; now:\n" + "\n".join(got)


def test_the_reference_reaches_every_outcome_and_rule() -> None:
    """The generated cases are varied enough to pin every rule, effect and outcome."""
    rng = random.Random(SEED)
    seen: set[tuple[str, bool]] = set()
    outcomes: set[str] = set()
    bases = 0
    for _ in range(WORLDS):
        for d in world(rng):
            outcomes.add(d.outcome.label)
            bases += d.basis is not None
            seen.update((r.rule.value, r.denies) for r in d.reasons)
    assert outcomes == {"deny", "allow hit-only", "allow full"}
    assert bases > 500
    allowing = {"agreement", "handling", "hit_only", "release"}
    expected = {(r, True) for r in RULES} | {(r, False) for r in allowing}
    assert expected <= seen, expected - seen


RULES = [
    "agreement",
    "scope",
    "purpose",
    "exclusion",
    "classification",
    "clearance",
    "role",
    "tlp",
    "handling",
    "onward",
    "retention",
    "neutrality",
    "grading",
    "hit_only",
]

if __name__ == "__main__":
    print(json.dumps(record_all(), ensure_ascii=False, indent=0))
