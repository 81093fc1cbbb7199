"""Property-based: nothing leaks beyond policy, and markings never loosen.

``oracle`` below is an independent reading of the rules in ``decide``'s
docstring: one small predicate per rule, written from the rules and the
brief, not from ``decide``'s helpers (it asks FollowTheMoney for schema
inheritance and does its own month arithmetic). The main property checks
``decide`` against it on random agreements between five real node keys,
random records, recipients, uses, purposes and consents:

- no leak: whenever a predicate denies, ``decide`` denies; whenever ``decide``
  allows, no predicate denies (and, more strictly, both agree on the outcome);
- every denial gives a denying reason, and an allowed decision gives none.

Then a record travels along a chain of nodes, each deciding with its own
agreement index, each receiver possibly tightening the markings: it reaches
only nodes the oracle lets it reach, and its markings never loosen. Last,
``tightest`` is a join: commutative, idempotent, associative, covering its inputs.

Agreements are built with ``parse_document`` between real parties but are not
signed here: the index reads only their state, signing 10,000 examples would
dominate the run, and signatures have their own tests in test_agreements.py.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
from dataclasses import dataclass, replace
from typing import Any

from followthemoney import model
from hypothesis import event, given, settings
from hypothesis import strategies as st

from liaison.model.grading import Evaluation, Scheme
from liaison.model.markings import PAP, TLP, Classification, HandlingCode, Markings, tightest
from liaison.model.roles import Role
from liaison.model.vocab import CrimeArea, Purpose, SubjectCategory
from liaison.policy.agreements import (
    Agreement,
    AgreementDocument,
    AgreementState,
    OnwardRule,
    parse_document,
)
from liaison.policy.decide import (
    AgreementIndex,
    Decision,
    LocalUser,
    Neutrality,
    Outcome,
    Partner,
    PolicyContext,
    Recipient,
    RecordFacts,
    Rule,
    Use,
    decide,
    schemata_of,
)
from liaison.policy.permissions import ROLE_PERMISSIONS, Permission
from tests.policy.conftest import NODES, TODAY, party

FULL, HIT_ONLY, DENY = Outcome.FULL, Outcome.HIT_ONLY, Outcome.DENY
RELEASED = Neutrality.RELEASED
H0, H1, H2, H3 = HandlingCode
NODE_IDS = [k.node_id for k in NODES]
SCHEMATA = ["Person", "Company", "Organization", "Passport", "Vessel"]
AREAS = [CrimeArea.TERRORISM, CrimeArea.DRUG_TRAFFICKING, CrimeArea.PIRACY]
RECORD_IDS = ["rec-a", "rec-b"]
TOPICS = ["role.spy", "crime.traffick", "sanction"]
EXCLUSIONS = [
    "record:rec-a",
    "schema:Person",
    "schema:Organization",
    "crime_area:piracy",
    "category:informant",
    "category:other",
    "topic:role.spy",
]
HIT_ONLY_POOL = ["informant", "victim", "other", "Passport", "Organization"]
H3_TEXTS = ["not for use in court before 2027", "no contact with the press", "destroy after trial"]
USERS = ["analyst", "officer"]
DAY = dt.timedelta(days=1)


# --- strategies ---------------------------------------------------------------
# Strategies are built once, and most choices are one draw (a set of values is
# one number, a date is one number): drawing is nearly all the cost of an
# example, and 10,000 examples must stay quick.


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (the month's last day if it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def days(low: int, high: int) -> st.SearchStrategy[dt.date]:
    return st.integers(low, high).map(lambda n: TODAY + n * DAY)


def one_of_these(*options: object) -> st.SearchStrategy[Any]:
    return st.sampled_from(options)


def subsets(values: list[Any], most: int) -> list[frozenset[Any]]:
    return [frozenset(c) for n in range(most + 1) for c in itertools.combinations(values, n)]


#: the sets an agreement lists, and how many values each may pick from
LISTS = {
    "schemata": SCHEMATA,
    "crime_areas": [a.value for a in AREAS],
    "subject_categories": [c.value for c in SubjectCategory],
    "purposes": [p.value for p in Purpose],
    "tlp": [t.value for t in TLP],
    "handling": [h.value for h in HandlingCode],
}
LIST_SIZE = sum(len(v) for v in LISTS.values())


def mostly(number: int) -> dict[str, list[str]]:
    """Most values of every list: one decimal digit each, and 9 drops the value.

    Small numbers keep everything, which is where hypothesis starts and shrinks to.
    """
    chosen: dict[str, list[str]] = {}
    for name, values in LISTS.items():
        chosen[name] = []
        for value in values:
            number, digit = divmod(number, 10)
            if digit != 9:
                chosen[name].append(value)
        if not chosen[name] and name != "handling":  # every other list must name one value
            chosen[name] = values[:1]
    return chosen


PARTIES = st.sampled_from([g for n in (2, 3, 4) for g in itertools.combinations(NODES, n)])
LISTED = st.integers(0, 10**LIST_SIZE - 1).map(mostly)
CEILING = one_of_these(
    "TOP_SECRET", "SECRET", "SECRET", "CONFIDENTIAL", "RESTRICTED", "UNCLASSIFIED"
)
ONWARD = one_of_these(*(o.value for o in OnwardRule))
RETENTIONS = one_of_these(
    {"default": "10y"},
    {"default": "10y", "nominal": "5y"},
    {"nominal": "3y"},
    {"default": "20y", "victim": "2y", "witness": "1y"},
    {"nominal": "5y", "informant": "18m", "other": "2y"},
    {"suspect": "8y", "contact": "1y"},
    {"default": "4y", "convicted": "12y"},
)
HIT_ONLY_LISTS = one_of_these(*[[]] * 5, *([v] for v in HIT_ONLY_POOL))  # usually none
EXCLUSION_LISTS = one_of_these(*[[]] * 7, *([v] for v in EXCLUSIONS))
STARTS = days(-60, 3)
UNTILS = st.integers(-3, 90).map(lambda n: None if n > 60 else TODAY + n * DAY)
STATES = one_of_these(*[AgreementState.ACTIVE] * 16, *AgreementState)


@st.composite
def agreements(draw: st.DrawFn, index: int) -> Agreement:
    listed = draw(LISTED)
    start, until = draw(STARTS), draw(UNTILS)
    data = {
        "agreement_id": f"agr-{index}",
        "title": f"Fictitious agreement {index}",
        "parties": [party(k) for k in draw(PARTIES)],
        "scope": {k: listed.pop(k) for k in ("schemata", "crime_areas", "subject_categories")},
        **listed,
        "max_classification": draw(CEILING),
        "onward": draw(ONWARD),
        "retention": draw(RETENTIONS),
        "hit_only": draw(HIT_ONLY_LISTS),
        "exclusions": draw(EXCLUSION_LISTS),
        "effective_from": start.isoformat(),
        "effective_until": None if until is None else max(start, until).isoformat(),
    }
    return Agreement(parse_document(data), draw(STATES))


AGREEMENTS = [st.tuples(*(agreements(i) for i in range(n))).map(list) for n in range(7)]


def agreement_lists(min_size: int, max_size: int) -> st.SearchStrategy[list[Agreement]]:
    return st.integers(min_size, max_size).flatmap(lambda n: AGREEMENTS[n])


EVALUATIONS = one_of_these(
    None,
    None,
    *(Evaluation(Scheme.ADMIRALTY, s, i) for s in "ABCDEF" for i in "123456"),
    *(Evaluation(Scheme.EUROPOL, s, i) for s in "ABCX" for i in "1234"),
)
EDGE_OR_LATER = one_of_these(  # mostly unset or far, sometimes on the edge
    *[None] * 9, *(TODAY + n * DAY for n in (-2, -1, 0, 1, 2, 30, 400, 400, 2000, 2000))
)
SCHEMA = one_of_these(*SCHEMATA)
AREA = one_of_these(*AREAS, *AREAS, None)
CATEGORY = one_of_these(*SubjectCategory, None)
CLASSIFICATION = one_of_these(*Classification)
MARKED = one_of_these(
    *[Classification.UNCLASSIFIED] * 3, *[Classification.RESTRICTED] * 2, *Classification
)
TLPS = one_of_these(*TLP)
HANDLING = one_of_these(*subsets(list(HandlingCode), 2))
H3_TEXT = one_of_these(*H3_TEXTS)
CREATED = st.one_of(  # some on the very day a retention limit runs out, or the day before
    one_of_these(*(TODAY - n * DAY for n in (0, 30, 100, 200, 300, 500, 800, 1500, 3000))),
    one_of_these(
        *(months_before(TODAY, m) - n * DAY for m in (12, 18, 24, 36, 60) for n in (0, 1))
    ),
)
USER = one_of_these(*USERS)
NEUTRALITY = one_of_these(*[Neutrality.NOT_FLAGGED] * 7, *Neutrality)
RECORD_TOPICS = one_of_these(*subsets(TOPICS, 2))


@st.composite
def record_facts(
    draw: st.DrawFn, originator: str, received_under: str | None, record_id: str
) -> RecordFacts:
    schema = draw(SCHEMA)
    handling = draw(HANDLING)
    return RecordFacts(
        record_id=record_id,
        schema=schema,
        schemata=schemata_of(schema),
        originator=originator,
        crime_area=draw(AREA),
        category=draw(CATEGORY) if schema == "Person" else None,
        classification=draw(MARKED),
        tlp=draw(TLPS),
        handling=handling,
        h3_text=draw(H3_TEXT) if H3 in handling else None,
        evaluation=draw(EVALUATIONS),
        created=draw(CREATED),
        review_due=draw(EDGE_OR_LATER),
        expires=draw(EDGE_OR_LATER),
        created_by=draw(USER),
        neutrality=draw(NEUTRALITY),
        topics=draw(RECORD_TOPICS),
        received_under=received_under,
    )


@dataclass(frozen=True)
class Case:
    facts: RecordFacts
    to: Recipient
    use: Use
    purpose: Purpose
    holder: str
    agreements: tuple[Agreement, ...]
    consents: frozenset[tuple[str, str, Use]]
    today: dt.date = TODAY

    def decide(self) -> Decision:
        index = AgreementIndex.build(self.agreements, self.holder, self.today)
        return decide(
            self.facts, self.to, self.use, self.purpose, PolicyContext(index, self.consents)
        )


USES = one_of_these(*Use)
PURPOSES = one_of_these(*Purpose)
ROLES = one_of_these(*Role)


PICK = st.integers(0, 2**16)


def pick(draw: st.DrawFn, options: list[Any]) -> Any:
    """One of ``options`` (earlier ones when shrinking), in one cheap draw."""
    return options[draw(PICK) % len(options)]


def consents(
    draw: st.DrawFn, facts: RecordFacts, to: Recipient, use: Use, holder: str
) -> frozenset[tuple[str, str, Use]]:
    """A few consents, mostly about this record, recipient and use, so that they matter."""
    record_id = facts.record_id
    records = [record_id, record_id, "rec-other"]
    keys = [to.key, to.key, to.key, holder, *NODE_IDS]
    uses = [Use.ONWARD_SHARE, use, Use.ONWARD_SHARE, use, *Use]
    count = draw(st.integers(0, 4))
    found = {(pick(draw, records), pick(draw, keys), pick(draw, uses)) for _ in range(count)}
    if draw(st.booleans()):  # the originator agreed to this very request
        own = facts.originator == holder
        found.add(
            (record_id, to.key, use if own or isinstance(to, LocalUser) else Use.ONWARD_SHARE)
        )
    return frozenset(found)


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """Holder and recipient are usually parties to the first agreement, so that it matters."""
    found = draw(agreement_lists(1, 4))
    first = sorted(found[0].document.party_ids)
    holder = pick(draw, first * 8 + NODE_IDS)
    partners = [n for n in first if n != holder] * 8 + [n for n in NODE_IDS if n != holder]
    if draw(st.booleans()):
        originator, under = holder, None
    else:
        originator = pick(draw, partners)
        ids = [a.document.agreement_id for a in found]
        under = pick(draw, [ids[0]] * 6 + [*ids, None, "agr-gone"])
    record_id = pick(draw, RECORD_IDS)
    facts = draw(record_facts(originator, under, record_id))
    to: Recipient
    if draw(st.integers(0, 3)) == 0:
        to = LocalUser(draw(USER), draw(ROLES), draw(CLASSIFICATION))
    else:
        to = Partner(pick(draw, partners))
    use, purpose = draw(USES), draw(PURPOSES)
    agreed = consents(draw, facts, to, use, holder)
    return Case(facts, to, use, purpose, holder, tuple(found), agreed)


# --- the oracle: one predicate per rule, from the rules --------------------------

LOCAL_NEEDS = {  # what a local user's role must grant for each use a local user can make
    Use.VIEW: Permission.RECORD_READ,
    Use.COURT_USE: Permission.RECORD_READ,
    Use.EXPORT: Permission.RECORD_EXPORT,
    Use.COERCIVE_ALERT: Permission.RECORD_WRITE,
}
WEAK = {Scheme.ADMIRALTY: ("EF", "56"), Scheme.EUROPOL: ("X", "4")}
REFERENCE_USES = {Use.VIEW, Use.PUSH, Use.ONWARD_SHARE}  # can make do with a hit/no-hit reference


def is_a(f: RecordFacts, schema: str) -> bool:
    return bool(model.get(f.schema).is_a(schema))


def person(f: RecordFacts) -> bool:
    return is_a(f, "Person")


def category(f: RecordFacts) -> str | None:
    """The subject category rules read: a person without one is ``other``."""
    if not person(f):
        return None
    return (f.category or SubjectCategory.OTHER).value


def in_force(a: Agreement, today: dt.date, *nodes: str) -> bool:
    d = a.document
    return (
        a.state is AgreementState.ACTIVE
        and d.effective_from <= today
        and (d.effective_until is None or today <= d.effective_until)
        and all(n in d.party_ids for n in nodes)
    )


def everywhere(c: Case) -> set[Rule]:
    """Rules that hold for any recipient: retention, neutrality gate, grading."""
    f, out = c.facts, set[Rule]()
    acts = not (isinstance(c.to, LocalUser) and c.use is Use.VIEW)  # a local view only reads
    if acts and f.expires is not None and c.today >= f.expires:
        out.add(Rule.RETENTION)
    if acts and f.review_due is not None and c.today > f.review_due:
        out.add(Rule.RETENTION)
    if acts and f.neutrality is Neutrality.HELD:
        out.add(Rule.NEUTRALITY)
    if c.use is Use.COERCIVE_ALERT:
        e = f.evaluation
        if e is None or e.source in WEAK[e.scheme][0] or e.information in WEAK[e.scheme][1]:
            out.add(Rule.GRADING)
    return out


def local_rules(c: Case, user: LocalUser) -> set[Rule]:
    f, out = c.facts, set[Rule]()
    needs = LOCAL_NEEDS.get(c.use)
    if needs is None or needs not in ROLE_PERMISSIONS[user.role]:
        out.add(Rule.ROLE)
    if user.clearance < f.classification:
        out.add(Rule.CLEARANCE)
    # the author is a user of the node that made the record: elsewhere, a user with
    # the same name is someone else
    author = user.username == f.created_by and f.originator == c.holder
    named = author or (f.record_id, user.key, c.use) in c.consents
    if f.tlp is TLP.RED and not named:
        out.add(Rule.TLP)
    if f.originator != c.holder:  # the provider's conditions bind the receiving node
        provider_says = (f.record_id, c.holder, c.use) in c.consents
        if c.use is Use.COURT_USE and H1 in f.handling and not provider_says:
            out.add(Rule.HANDLING)
        if c.use is Use.EXPORT:  # a file leaving the node: onward sharing to nobody named
            out |= onward_rules(c, None, provider_says)
    return out


def excluded(d: AgreementDocument, f: RecordFacts) -> bool:
    for item in d.exclusions:
        kind, _, value = item.partition(":")
        if (
            (kind == "record" and value == f.record_id)
            or (kind == "schema" and is_a(f, value))
            or (kind == "crime_area" and f.crime_area is not None and value == f.crime_area.value)
            or (kind == "category" and value == category(f))
            or (kind == "topic" and value in f.topics)
        ):
            return True
    return False


def too_old(d: AgreementDocument, f: RecordFacts, today: dt.date) -> bool:
    keys = ["default", *(("nominal", category(f)) if person(f) else ())]
    limits = [d.retention_months[k] for k in keys if k in d.retention_months]
    return bool(limits) and f.created < months_before(today, min(limits))


def terms_rules(d: AgreementDocument, c: Case) -> set[Rule]:
    """What one agreement, by its own terms, refuses for this record and purpose."""
    f, out = c.facts, set[Rule]()
    if not any(is_a(f, s) for s in d.schemata):
        out.add(Rule.SCOPE)
    if f.crime_area is None or f.crime_area not in d.crime_areas:
        out.add(Rule.SCOPE)
    if person(f) and category(f) not in {s.value for s in d.subject_categories}:
        out.add(Rule.SCOPE)
    if c.purpose not in d.purposes:
        out.add(Rule.PURPOSE)
    if f.classification > d.max_classification:
        out.add(Rule.CLASSIFICATION)
    if f.tlp not in d.tlp:
        out.add(Rule.TLP)
    if not f.handling <= d.handling:
        out.add(Rule.HANDLING)
    if excluded(d, f):
        out.add(Rule.EXCLUSION)
    if too_old(d, f, c.today):
        out.add(Rule.RETENTION)
    return out


def grant(d: AgreementDocument, c: Case, to: str) -> Outcome:
    """What one agreement that covers the request gives."""
    if c.use is Use.HIT_ONLY:
        return HIT_ONLY
    f = c.facts
    schemata = [s for s in d.hit_only if s[0].isupper()]  # FtM schema names; categories are lower
    listed = any(is_a(f, s) for s in schemata) or category(f) in d.hit_only
    if not listed:
        return FULL
    first_hop = f.originator == c.holder and c.use in (Use.PUSH, Use.ONWARD_SHARE)
    if first_hop and (f.record_id, to, Use.PUSH) in c.consents:
        return FULL  # the originator released it to that partner (Rule.RELEASE)
    return HIT_ONLY if c.use in REFERENCE_USES else DENY


def onward_rules(c: Case, to: str | None, consent: bool | None = None) -> set[Rule]:
    """A received record travels again: the agreement it came under decides.
    ``to`` is None for an export (nobody named), whose consent the caller gives."""
    f = c.facts
    source = next(
        (
            a.document
            for a in c.agreements
            if a.document.agreement_id == f.received_under and in_force(a, c.today, c.holder)
        ),
        None,
    )
    if source is None:
        return {Rule.ONWARD}
    out = set[Rule]()
    if consent is None:
        consent = (f.record_id, to, Use.ONWARD_SHARE) in c.consents
    if source.onward is OnwardRule.FORBIDDEN:
        out.add(Rule.ONWARD)
    if source.onward is OnwardRule.WITHIN_PARTIES and (
        (to is None and not consent) or (to is not None and to not in source.party_ids)
    ):
        out.add(Rule.ONWARD)
    if source.onward is OnwardRule.WITH_CONSENT and not consent:
        out.add(Rule.ONWARD)
    if H2 in f.handling and not consent:
        out.add(Rule.HANDLING)
    if not consent and f.tlp in (TLP.RED, TLP.AMBER_STRICT, TLP.AMBER):
        out.add(Rule.TLP)
    if not consent and f.tlp is TLP.GREEN and to not in source.party_ids:
        out.add(Rule.TLP)
    return out


def partner_rules(c: Case, to: str) -> tuple[Outcome, set[Rule]]:
    f = c.facts
    outside = {Rule.ROLE} if c.use is Use.EXPORT else set[Rule]()  # export is for local users
    covering = [a.document for a in c.agreements if in_force(a, c.today, c.holder, to)]
    if not covering:
        return DENY, outside | {Rule.AGREEMENT}
    travel = set[Rule]()  # rules about the record travelling, whatever agreement carries it
    court_consent = (f.record_id, to, Use.COURT_USE) in c.consents
    if c.use is Use.COURT_USE and H1 in f.handling and to != f.originator and not court_consent:
        travel.add(Rule.HANDLING)
    if f.originator == c.holder:
        asked = Use.PUSH if c.use is Use.ONWARD_SHARE else c.use  # the originator's first hop
        if f.tlp is TLP.RED and (f.record_id, to, asked) not in c.consents:
            travel.add(Rule.TLP)
    else:
        travel |= onward_rules(c, to)
    refused = [terms_rules(d, c) for d in covering]
    grants = [grant(d, c, to) for d, no in zip(covering, refused, strict=True) if not no]
    best = max(grants, default=DENY)
    if travel or best is DENY:  # no agreement carries it: each says why
        hit_only = {Rule.HIT_ONLY} if grants and not travel else set[Rule]()
        return DENY, outside | travel | hit_only | set().union(*refused)
    return best, outside


def oracle(c: Case) -> tuple[Outcome, set[Rule]]:
    """The expected outcome, and the rules that must be among the denying reasons."""
    out = everywhere(c)
    if isinstance(c.to, LocalUser):
        out |= local_rules(c, c.to)
        return (DENY if out else FULL), out
    best, found = partner_rules(c, c.to.node_id)
    out |= found
    return (DENY if out else best), out


def explain(c: Case, decision: Decision) -> str:
    lines = [f"use={c.use.value} purpose={c.purpose.value} to={c.to} holder={c.holder}"]
    lines += [
        f"  {r.rule.value} {'DENY' if r.denies else 'ok'}: {r.text}" for r in decision.reasons
    ]
    return "\n".join(lines)


# --- the properties -----------------------------------------------------------------


@settings(max_examples=10_000, deadline=None)
@given(cases())
def test_no_leak_beyond_policy(c: Case) -> None:
    decision = c.decide()
    expected, denying = oracle(c)
    if denying:  # (a) a rule denies: so does decide
        assert decision.outcome is DENY, explain(c, decision) + f"\noracle: {denying}"
    if decision.allowed:
        assert not denying, explain(c, decision)
    assert decision.outcome is expected, explain(c, decision) + f"\noracle: {expected} {denying}"
    assert denying <= {r.rule for r in decision.denials}, explain(c, decision) + f"\n{denying}"
    if decision.outcome is DENY:  # (b) every denial says why; an allowed decision denies nothing
        assert any(r.denies for r in decision.reasons)
    else:
        assert not any(r.denies for r in decision.reasons)
    assert all(r.text for r in decision.reasons)


MARKINGS = st.builds(
    lambda c, t, p, h, text: Markings(c, t, p, h, text if H3 in h else None),
    st.one_of(st.none(), st.sampled_from(list(Classification))),
    st.one_of(st.none(), st.sampled_from(list(TLP))),
    st.one_of(st.none(), st.sampled_from(list(PAP))),
    st.frozensets(st.sampled_from(list(HandlingCode)), max_size=3),
    st.sampled_from(H3_TEXTS),
)


HOP_CONSENTS = one_of_these((), (), (Use.ONWARD_SHARE,), (Use.PUSH,), (Use.ONWARD_SHARE, Use.PUSH))


def used_agreement(decision: Decision) -> str:
    """The agreement a partner's copy is received under: the one that covered the request."""
    (covering,) = [r for r in decision.reasons if r.rule is Rule.AGREEMENT and not r.denies]
    label = str(covering.args[0])  # "agreement <id> v<version>"
    return label.split()[1]


@settings(max_examples=1_500, deadline=None)
@given(st.data())
def test_hop_chain_never_leaks_and_never_loosens(data: st.DataObject) -> None:
    """A record travels A→B→C→...; each holder decides with its own index.

    The next node is usually one the holder has an agreement with, so that
    records do travel; the receiver may tighten the markings, never loosen them.
    """
    found = tuple(data.draw(agreement_lists(2, 6), label="agreements"))
    origin = holder = pick(data.draw, sorted(found[0].document.party_ids) * 4 + NODE_IDS)
    f = data.draw(record_facts(origin, None, "rec-a"), label="record")
    if data.draw(st.integers(0, 3)):  # mostly a record that may travel at all, to see it travel
        area = f.crime_area or AREAS[0]
        f = replace(f, crime_area=area, expires=None, review_due=None, neutrality=RELEASED)
    original = marks = f.markings()
    reached = [origin]
    for _ in range(data.draw(st.integers(1, 4), label="hops")):
        unvisited = [n for n in NODE_IDS if n not in reached]
        linked = [n for n in unvisited if any(in_force(a, TODAY, holder, n) for a in found)]
        to = pick(data.draw, linked * 4 + unvisited)
        use = Use.PUSH if holder == origin else Use.ONWARD_SHARE
        agreed = frozenset(("rec-a", to, u) for u in data.draw(HOP_CONSENTS))
        c = Case(f, Partner(to), use, data.draw(PURPOSES), holder, found, agreed)
        decision = c.decide()
        expected, denying = oracle(c)
        assert decision.outcome is expected, explain(c, decision)
        if decision.outcome is not FULL:  # a hit/no-hit reference is not the record
            break
        assert not denying, explain(c, decision)  # it never reaches a node a rule keeps it from
        under = used_agreement(decision)
        parties = next(a.document.party_ids for a in found if a.document.agreement_id == under)
        assert {holder, to} <= parties
        added = data.draw(st.one_of(st.none(), MARKINGS), label="tightened by receiver")
        received = tightest(marks) if added is None else tightest(marks, added)
        assert received.covers(marks) and received.covers(original)
        f = replace(
            f,
            classification=received.classification,
            tlp=received.tlp,
            handling=received.handling,
            h3_text=received.h3_text,
            received_under=under,
        )
        assert f.markings().covers(marks) and f.markings().covers(original)
        marks, holder = f.markings(), to
        reached.append(to)
    event(f"the record reached {len(reached)} node(s)")


@given(MARKINGS, MARKINGS, MARKINGS)
def test_tightest_is_a_join(a: Markings, b: Markings, c: Markings) -> None:
    ab = tightest(a, b)
    assert ab == tightest(b, a)  # commutative
    assert tightest(a, a) == tightest(a)  # idempotent
    assert tightest(a).covers(a) and a.covers(tightest(a))
    assert tightest(ab, b) == ab  # idempotent: tightening again with an input changes nothing
    assert tightest(ab, c) == tightest(a, tightest(b, c))  # associative
    assert ab.covers(a) and ab.covers(b)  # covers each input
    assert a.covers(a)
    assert a.covers(b) == (tightest(a, b) == tightest(a))  # covers is "already at least as tight"
    assert tightest() == Markings().effective()


def test_tightest_never_loosens_the_defaults() -> None:
    green = Markings(tlp=TLP.GREEN, handling=frozenset({H0}))
    combined = tightest(Markings(), green)
    assert combined.tlp is TLP.AMBER_STRICT
    assert combined.handling == frozenset({H0, H2})
    assert not green.covers(Markings())
    assert Markings().covers(green) is False  # H0 is a restriction the unmarked record lacks


def test_covers_keeps_every_h3_condition() -> None:
    court = Markings(handling=frozenset({H3}), h3_text="not for use in court before 2027")
    press = Markings(handling=frozenset({H3}), h3_text="no contact with the press")
    both = tightest(court, press)
    assert both.h3_text == "no contact with the press / not for use in court before 2027"
    assert both.covers(court) and both.covers(press)
    assert not press.covers(court)  # swapping the condition text is loosening
