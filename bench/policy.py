"""Policy-engine benchmark: decisions per second on one core.

    python bench/policy.py [--pairs 1000000] [--records 20000] [--agreements 20]

Builds ``--agreements`` signed-and-active agreements between this node and
its partners (random scopes, ceilings, TLP lists, handling codes, onward rules,
retention and hit-only categories), ``--records`` record facts (own and
received, all markings, gradings, retention dates, neutrality holds) and a
list of (record, recipient, use, purpose) requests, partners and local users
mixed. Then times ``policy.decide`` over ``--pairs`` requests in one process
(one core). Prints decisions/s next to the target (issue #3, restated in
issue #18) and the ratio, the same figure over the process's CPU time (what a
shared machine's other load takes from the wall-clock figure), the load
average before and after the timed loop, and the outcome counts (so a run
that denies everything shows as such).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import platform
import random
import sys
import time
from collections import Counter

from liaison.model.grading import Evaluation, Scheme
from liaison.model.identity import NodeKey
from liaison.model.markings import TLP, Classification, HandlingCode
from liaison.model.roles import Role
from liaison.model.vocab import CrimeArea, Purpose, SubjectCategory
from liaison.policy.agreements import (
    Agreement,
    AgreementState,
    add_signature,
    parse_document,
    transition,
)
from liaison.policy.decide import (
    AgreementIndex,
    LocalUser,
    Neutrality,
    Partner,
    PolicyContext,
    RecordFacts,
    Use,
    decide,
    schemata_of,
)

TARGET = 200_000
TODAY = dt.date(2026, 11, 22)
SCHEMATA = ["Person", "Company", "Organization", "Passport", "Vehicle", "Vessel", "BankAccount"]


def agreements(rng: random.Random, holder: NodeKey, partners: list[NodeKey], count: int) -> list:
    out = []
    for i in range(count):
        others = rng.sample(partners, rng.choice([1, 1, 1, 2, 3]))
        doc = parse_document(
            {
                "agreement_id": f"bench-{i:03d}",
                "title": f"Benchmark agreement {i}",
                "parties": [
                    {
                        "node_id": k.node_id,
                        "name": f"Node {k.node_id[-4:]}",
                        "public_key": k.public_key,
                    }
                    for k in [holder, *others]
                ],
                "scope": {
                    "schemata": rng.sample(SCHEMATA, rng.randint(3, len(SCHEMATA))),
                    "crime_areas": [a.value for a in rng.sample(list(CrimeArea), 8)],
                    "subject_categories": [c.value for c in rng.sample(list(SubjectCategory), 4)],
                },
                "purposes": [p.value for p in rng.sample(list(Purpose), 3)],
                "max_classification": rng.choice(["RESTRICTED", "CONFIDENTIAL", "SECRET"]),
                "tlp": [t.value for t in TLP if rng.random() < 0.8] or ["GREEN"],
                "handling": [h.value for h in HandlingCode if rng.random() < 0.8],
                "onward": rng.choice(["forbidden", "with_consent", "within_parties"]),
                "retention": {"default": "10y", "nominal": "5y", "victim": "3y"},
                "hit_only": rng.sample(["informant", "victim", "Passport"], rng.randint(0, 2)),
                "exclusions": ["topic:role.spy"] if rng.random() < 0.3 else [],
                "effective_from": "2025-01-01",
            }
        )
        agreement = Agreement(doc)
        for key in [holder, *others]:  # every party signs; activation verifies them all
            agreement = add_signature(agreement, key.node_id, key.sign(doc.signing_payload()))
        out.append(transition(agreement, AgreementState.ACTIVE))
    return out


def facts(rng: random.Random, holder: str, partners: list[str], ids: list[str]) -> RecordFacts:
    schema = rng.choice(SCHEMATA)
    created = TODAY - dt.timedelta(days=rng.randint(0, 7 * 365))
    scheme = rng.choice(list(Scheme))
    grade = (
        Evaluation(scheme, rng.choice("ABCDEF"), rng.choice("123456"))
        if scheme is Scheme.ADMIRALTY
        else Evaluation(scheme, rng.choice("ABCX"), rng.choice("1234"))
    )
    own = rng.random() < 0.7
    return RecordFacts(
        record_id=f"rec-{rng.getrandbits(64):016x}",
        schema=schema,
        schemata=schemata_of(schema),
        originator=holder if own else rng.choice(partners),
        crime_area=rng.choice([*CrimeArea, None]),
        category=rng.choice(list(SubjectCategory)) if schema == "Person" else None,
        classification=rng.choice(list(Classification)[:4]),
        tlp=rng.choice(list(TLP)),
        handling=frozenset(rng.sample(list(HandlingCode)[:3], rng.randint(1, 2))),
        h3_text=None,
        evaluation=grade if rng.random() < 0.9 else None,
        created=created,
        review_due=created + dt.timedelta(days=rng.randint(300, 5 * 365)),
        expires=None,
        created_by="analyst",
        neutrality=Neutrality.HELD if rng.random() < 0.02 else Neutrality.NOT_FLAGGED,
        received_under=None if own else rng.choice(ids),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1_000_000)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--agreements", type=int, default=20)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    holder = NodeKey.generate()
    partner_keys = [NodeKey.generate() for _ in range(12)]
    loaded = agreements(rng, holder, partner_keys, args.agreements)
    index = AgreementIndex.build(loaded, holder.node_id, TODAY)
    partners = [k.node_id for k in partner_keys]
    ids = [a.document.agreement_id for a in loaded]
    records = [facts(rng, holder.node_id, partners, ids) for _ in range(args.records)]
    consents = frozenset(
        (r.record_id, rng.choice(partners), Use.ONWARD_SHARE) for r in records[::7]
    )
    ctx = PolicyContext(index, consents)
    recipients = [Partner(p) for p in partners] + [
        LocalUser(f"user{i}", rng.choice(list(Role)), rng.choice(list(Classification)))
        for i in range(8)
    ]
    uses, purposes = list(Use), list(Purpose)
    weights = [30, 40, 20, 3, 3, 2, 2]  # views, pushes and hit-only references dominate sync
    requests = [
        (rng.choice(records), rng.choice(recipients), use, rng.choice(purposes))
        for use in rng.choices(uses, weights, k=args.pairs)
    ]
    outcomes: Counter[str] = Counter()
    gc.collect()
    gc.disable()
    load_before = os.getloadavg()
    start, cpu_start = time.perf_counter(), time.process_time()
    for record, recipient, use, purpose in requests:
        decide(record, recipient, use, purpose, ctx)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    load_after = os.getloadavg()
    gc.enable()
    for record, recipient, use, purpose in requests[:100_000]:  # untimed: what came out
        outcomes[decide(record, recipient, use, purpose, ctx).outcome.label] += 1
    rate, cpu_rate = args.pairs / elapsed, args.pairs / cpu
    print(f"machine: {platform.machine()}, Python {sys.version.split()[0]}, one process")
    print(
        f"{args.pairs:,} decisions, {args.records:,} records, {args.agreements} agreements, "
        f"{len(recipients)} recipients"
    )
    print(f"{'figure':<28}{'measured':>14}{'target':>12}{'ratio':>8}")
    print(f"{'decisions per second':<28}{rate:>14,.0f}{TARGET:>12,}{rate / TARGET:>8.2f}")
    print(f"{'  over CPU time':<28}{cpu_rate:>14,.0f}{TARGET:>12,}{cpu_rate / TARGET:>8.2f}")
    print(f"{'microseconds per decision':<28}{1e6 / rate:>14.2f}")
    before, after = (" ".join(f"{v:.2f}" for v in load) for load in (load_before, load_after))
    print(f"load average (1, 5, 15 min): {before} before, {after} after ({os.cpu_count()} CPUs)")
    shares = ", ".join(f"{k} {v / 1000:.1f}%" for k, v in sorted(outcomes.items()))
    print(f"outcomes (first 100,000): {shares}")


if __name__ == "__main__":
    main()
