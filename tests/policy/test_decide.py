"""``decide``: one table per rule of the module docstring.

Every row names the outcome and the rule it is about. A denying row must have
that rule among the denying reasons; an allowing row must have no denying
reason at all. Manila holds the records; Moscow, Kuala Lumpur and Jakarta are
partners. Records are Manila's own unless the row says they were received.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from liaison.model.dates import add_months
from liaison.model.envelope import Envelope
from liaison.model.grading import Evaluation, Scheme
from liaison.model.markings import TLP, Classification, HandlingCode, Markings
from liaison.model.records import Record
from liaison.model.roles import Role
from liaison.model.vocab import CrimeArea, Purpose, SubjectCategory
from liaison.policy.agreements import Agreement, AgreementState
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
)
from tests.policy.conftest import (
    BASE_FACTS,
    JAKARTA,
    KUALA_LUMPUR,
    MANILA,
    MOSCOW,
    TODAY,
    agreement,
    facts,
)

FULL, HIT_ONLY, DENY = Outcome.FULL, Outcome.HIT_ONLY, Outcome.DENY
H0, H1, H2, H3 = HandlingCode
DAY = dt.timedelta(days=1)
RID = BASE_FACTS.record_id

TO_MOSCOW = Partner(MOSCOW.node_id)
TO_KL = Partner(KUALA_LUMPUR.node_id)
TO_JAKARTA = Partner(JAKARTA.node_id)
ANALYST = LocalUser("analyst", Role.ANALYST, Classification.SECRET)
OFFICER = LocalUser("officer", Role.LIAISON_OFFICER, Classification.SECRET)
AUDITOR = LocalUser("auditor", Role.AUDITOR, Classification.TOP_SECRET)
SUPERVISOR = LocalUser("supervisor", Role.SUPERVISOR, Classification.SECRET)
ADMIN = LocalUser("admin", Role.ADMINISTRATOR, Classification.TOP_SECRET)

PH_RU = agreement()
PH_MY = agreement(
    MANILA, KUALA_LUMPUR, agreement_id="ph-my-2026", title="Manila–Kuala Lumpur exchange"
)
PH_ID = agreement(MANILA, JAKARTA, agreement_id="ph-id-2026", title="Manila–Jakarta exchange")


def region(**overrides: object) -> Agreement:
    """A regional agreement among Manila, Moscow and Kuala Lumpur (onward within parties)."""
    return agreement(
        MANILA,
        MOSCOW,
        KUALA_LUMPUR,
        agreement_id="region-2026",
        title="Regional exchange",
        **overrides,
    )


def received(under: str = "ph-ru-2026", **overrides: object) -> RecordFacts:
    """A record Moscow created and Manila received under ``under``."""
    values: dict[str, object] = {"tlp": TLP.CLEAR, "handling": frozenset({H0})}
    values.update(overrides)
    return facts(originator=MOSCOW.node_id, received_under=under, **values)


@dataclass(frozen=True)
class Row:
    outcome: Outcome
    rule: Rule | None = None
    facts: RecordFacts = BASE_FACTS
    to: Recipient = TO_MOSCOW
    use: Use = Use.PUSH
    purpose: Purpose = Purpose.CROSS_CHECK
    agreements: tuple[Agreement, ...] = (PH_RU,)
    consents: frozenset[tuple[str, str, Use]] = field(default_factory=frozenset)


def row(name: str, outcome: Outcome, rule: Rule | None = None, **kw: object) -> object:
    if "consents" in kw:
        kw["consents"] = frozenset(kw["consents"])  # type: ignore[arg-type]
    return pytest.param(Row(outcome, rule, **kw), id=name)  # type: ignore[arg-type]


def run(r: Row, holder: str = MANILA.node_id) -> Decision:
    index = AgreementIndex.build(r.agreements, holder, TODAY)
    return decide(r.facts, r.to, r.use, r.purpose, PolicyContext(index, r.consents))


def check(r: Row) -> Decision:
    decision = run(r)
    shown = [(x.rule.value, x.denies, x.text) for x in decision.reasons]
    assert decision.outcome is r.outcome, shown
    denying = {x.rule for x in decision.denials}
    if r.outcome is DENY:
        assert decision.denials, "a denial must say why"
        assert r.rule in denying, shown
        assert not decision.allowed
    else:
        assert not decision.denials, shown
        assert decision.allowed
        if r.rule is not None:
            assert r.rule in {x.rule for x in decision.reasons}, shown
    return decision


def test_baseline_allows_full_and_says_which_agreement() -> None:
    decision = check(Row(FULL, Rule.AGREEMENT))
    assert [x.text for x in decision.reasons] == [
        "agreement ph-ru-2026 v1 is active and covers the request"
    ]
    assert decision.basis == "ph-ru-2026"
    assert decision.to_dict() == {
        "outcome": "allow full",
        "allowed": True,
        "basis": "ph-ru-2026",
        "reasons": [
            {
                "rule": "agreement",
                "effect": "allow",
                "text": "agreement ph-ru-2026 v1 is active and covers the request",
            }
        ],
    }


# --- agreement in force -----------------------------------------------------


@pytest.mark.parametrize(
    "r",
    [
        row("none", DENY, Rule.AGREEMENT, agreements=()),
        row("only-with-another-partner", DENY, Rule.AGREEMENT, agreements=(PH_MY,)),
        row("holder-not-a-party", DENY, Rule.AGREEMENT, agreements=(agreement(MOSCOW, JAKARTA),)),
        row("draft", DENY, Rule.AGREEMENT, agreements=(agreement(state=AgreementState.DRAFT),)),
        row(
            "suspended",
            DENY,
            Rule.AGREEMENT,
            agreements=(agreement(state=AgreementState.SUSPENDED),),
        ),
        row(
            "superseded",
            DENY,
            Rule.AGREEMENT,
            agreements=(agreement(state=AgreementState.SUPERSEDED),),
        ),
        row(
            "terminated",
            DENY,
            Rule.AGREEMENT,
            agreements=(agreement(state=AgreementState.TERMINATED),),
        ),
        row(
            "not-yet-in-effect",
            DENY,
            Rule.AGREEMENT,
            agreements=(agreement(effective_from=(TODAY + DAY).isoformat()),),
        ),
        row(
            "past-effective-until",
            DENY,
            Rule.AGREEMENT,
            agreements=(
                agreement(effective_from="2025-01-01", effective_until=(TODAY - DAY).isoformat()),
            ),
        ),
        row("starts-today", FULL, agreements=(agreement(effective_from=TODAY.isoformat()),)),
        row(
            "ends-today",
            FULL,
            agreements=(agreement(effective_from="2025-01-01", effective_until=TODAY.isoformat()),),
        ),
    ],
)
def test_agreement(r: Row) -> None:
    check(r)


def test_index_drops_what_is_not_in_force() -> None:
    kept = [PH_RU, PH_MY]
    dropped = [
        agreement(MANILA, JAKARTA, agreement_id="a-draft", state=AgreementState.DRAFT),
        agreement(MANILA, JAKARTA, agreement_id="a-suspended", state=AgreementState.SUSPENDED),
        agreement(MANILA, JAKARTA, agreement_id="a-terminated", state=AgreementState.TERMINATED),
        agreement(MANILA, JAKARTA, agreement_id="a-superseded", state=AgreementState.SUPERSEDED),
        agreement(MANILA, JAKARTA, agreement_id="a-future", effective_from="2026-03-16"),
        agreement(
            MANILA,
            JAKARTA,
            agreement_id="a-past",
            effective_from="2025-01-01",
            effective_until="2026-03-14",
        ),
        agreement(MOSCOW, JAKARTA, agreement_id="a-not-mine"),
    ]
    index = AgreementIndex.build([*kept, *dropped], MANILA.node_id, TODAY)
    assert set(index.by_id) == {"ph-ru-2026", "ph-my-2026"}
    assert set(index.by_partner) == {MOSCOW.node_id, KUALA_LUMPUR.node_id}
    assert (index.holder, index.today) == (MANILA.node_id, TODAY)


# --- scope, purpose, exclusions -------------------------------------------------


@pytest.mark.parametrize(
    "r",
    [
        row("schema", DENY, Rule.SCOPE, agreements=(agreement(scope={"schemata": ["Vessel"]}),)),
        row(
            "schema-by-ancestor",
            FULL,
            facts=facts(schema="Company", category=None),
            agreements=(agreement(scope={"schemata": ["Organization"]}),),
        ),
        row(
            "ancestor-is-not-descendant",
            DENY,
            Rule.SCOPE,
            facts=facts(schema="Organization", category=None),
            agreements=(agreement(scope={"schemata": ["Company"]}),),
        ),
        row("crime-area", DENY, Rule.SCOPE, facts=facts(crime_area=CrimeArea.FRAUD)),
        row("no-crime-area", DENY, Rule.SCOPE, facts=facts(crime_area=None)),
        row(
            "subject-category",
            DENY,
            Rule.SCOPE,
            facts=facts(category=SubjectCategory.WITNESS),
            agreements=(agreement(scope={"subject_categories": ["suspect", "convicted"]}),),
        ),
        row(
            "uncategorised-person-is-other",
            DENY,
            Rule.SCOPE,
            facts=facts(category=None),
            agreements=(agreement(scope={"subject_categories": ["suspect"]}),),
        ),
        row(
            "uncategorised-person-under-other",
            FULL,
            facts=facts(category=None),
            agreements=(agreement(scope={"subject_categories": ["other"]}),),
        ),
        row(
            "categories-are-for-persons",
            FULL,
            facts=facts(schema="Vessel", category=None),
            agreements=(agreement(scope={"subject_categories": ["suspect"]}),),
        ),
        row("purpose", DENY, Rule.PURPOSE, purpose=Purpose.STRATEGIC_ANALYSIS),
        row(
            "purpose-listed",
            FULL,
            purpose=Purpose.STRATEGIC_ANALYSIS,
            agreements=(agreement(purposes=["strategic_analysis"]),),
        ),
    ],
)
def test_scope_and_purpose(r: Row) -> None:
    check(r)


def excluding(*exclusions: str) -> tuple[Agreement, ...]:
    return (agreement(exclusions=list(exclusions)),)


@pytest.mark.parametrize(
    "r",
    [
        row("record", DENY, Rule.EXCLUSION, agreements=excluding(f"record:{RID}")),
        row("other-record", FULL, agreements=excluding("record:rec-9999")),
        row("schema", DENY, Rule.EXCLUSION, agreements=excluding("schema:Person")),
        row("schema-ancestor", DENY, Rule.EXCLUSION, agreements=excluding("schema:LegalEntity")),
        row("crime-area", DENY, Rule.EXCLUSION, agreements=excluding("crime_area:terrorism")),
        row("category", DENY, Rule.EXCLUSION, agreements=excluding("category:suspect")),
        row(
            "uncategorised-person-is-other",
            DENY,
            Rule.EXCLUSION,
            facts=facts(category=None),
            agreements=excluding("category:other"),
        ),
        row(
            "topic",
            DENY,
            Rule.EXCLUSION,
            facts=facts(topics=frozenset({"role.spy", "crime"})),
            agreements=excluding("topic:role.spy"),
        ),
        row("topic-absent", FULL, agreements=excluding("topic:role.spy", "category:victim")),
    ],
)
def test_exclusions(r: Row) -> None:
    check(r)


# --- classification and clearance ------------------------------------------------


@pytest.mark.parametrize(
    "r",
    [
        row(
            "above-ceiling",
            DENY,
            Rule.CLASSIFICATION,
            facts=facts(classification=Classification.SECRET),
            agreements=(agreement(max_classification="CONFIDENTIAL"),),
        ),
        row("at-ceiling", FULL, facts=facts(classification=Classification.SECRET)),
        row(
            "top-secret-above-secret",
            DENY,
            Rule.CLASSIFICATION,
            facts=facts(classification=Classification.TOP_SECRET),
        ),
        row(
            "above-clearance",
            DENY,
            Rule.CLEARANCE,
            facts=facts(classification=Classification.SECRET),
            to=LocalUser("junior", Role.ANALYST, Classification.CONFIDENTIAL),
            use=Use.VIEW,
        ),
        row(
            "at-clearance",
            FULL,
            facts=facts(classification=Classification.SECRET),
            to=LocalUser("junior", Role.ANALYST, Classification.SECRET),
            use=Use.VIEW,
        ),
    ],
)
def test_classification(r: Row) -> None:
    check(r)


# --- TLP 2.0 ------------------------------------------------------------------------

RED = facts(tlp=TLP.RED)
REGION = region()


@pytest.mark.parametrize(
    "r",
    [
        row(
            "not-listed",
            DENY,
            Rule.TLP,
            facts=facts(tlp=TLP.AMBER),
            agreements=(agreement(tlp=["CLEAR", "GREEN"]),),
        ),
        row("amber-first-hop", FULL, facts=facts(tlp=TLP.AMBER)),
        row("amber-strict-first-hop", FULL, facts=facts(tlp=TLP.AMBER_STRICT)),
        row("red-unnamed", DENY, Rule.TLP, facts=RED),
        row("red-named", FULL, facts=RED, consents={(RID, MOSCOW.node_id, Use.PUSH)}),
        row(
            "red-named-for-another-partner",
            DENY,
            Rule.TLP,
            facts=RED,
            consents={(RID, KUALA_LUMPUR.node_id, Use.PUSH)},
        ),
        row(
            "red-named-for-another-use",
            DENY,
            Rule.TLP,
            facts=RED,
            consents={(RID, MOSCOW.node_id, Use.COURT_USE)},
        ),
        row(
            "red-named-for-another-record",
            DENY,
            Rule.TLP,
            facts=RED,
            consents={("rec-0002", MOSCOW.node_id, Use.PUSH)},
        ),
        row("red-local-unnamed", DENY, Rule.TLP, facts=RED, to=OFFICER, use=Use.VIEW),
        row("red-local-author", FULL, facts=RED, to=ANALYST, use=Use.VIEW),
        row(
            "red-local-named",
            FULL,
            facts=RED,
            to=OFFICER,
            use=Use.VIEW,
            consents={(RID, "user:officer", Use.VIEW)},
        ),
        row(
            "onward-amber-strict",
            DENY,
            Rule.TLP,
            facts=received("region-2026", tlp=TLP.AMBER_STRICT),
            to=TO_KL,
            agreements=(REGION,),
        ),
        row(
            "onward-amber",
            DENY,
            Rule.TLP,
            facts=received("region-2026", tlp=TLP.AMBER),
            to=TO_KL,
            agreements=(REGION,),
        ),
        row(
            "onward-amber-with-consent",
            FULL,
            facts=received("region-2026", tlp=TLP.AMBER),
            to=TO_KL,
            agreements=(REGION,),
            consents={(RID, KUALA_LUMPUR.node_id, Use.ONWARD_SHARE)},
        ),
        row(
            "onward-red",
            DENY,
            Rule.TLP,
            facts=received("region-2026", tlp=TLP.RED),
            to=TO_KL,
            agreements=(REGION,),
        ),
        row(
            "onward-green-in-community",
            FULL,
            facts=received("region-2026", tlp=TLP.GREEN),
            to=TO_KL,
            agreements=(REGION,),
        ),
        row(
            "onward-green-outside-community",
            DENY,
            Rule.TLP,
            facts=received("region-2026", tlp=TLP.GREEN),
            to=TO_JAKARTA,
            agreements=(REGION, PH_ID),
        ),
        row(
            "onward-clear",
            FULL,
            facts=received("region-2026", tlp=TLP.CLEAR),
            to=TO_KL,
            agreements=(REGION,),
        ),
    ],
)
def test_tlp(r: Row) -> None:
    check(r)


# --- handling codes -------------------------------------------------------------------

H1_OWN = facts(handling=frozenset({H1}))
H1_RECEIVED = received(handling=frozenset({H1}))
H2_RECEIVED = received(handling=frozenset({H2}))
H3_TEXT = "not to be shown to the suspect's employer"


@pytest.mark.parametrize(
    "r",
    [
        row(
            "code-not-listed",
            DENY,
            Rule.HANDLING,
            facts=H1_OWN,
            agreements=(agreement(handling=["H0", "H2"]),),
        ),
        row(
            "no-code-no-list",
            FULL,
            facts=facts(handling=frozenset()),
            agreements=(agreement(handling=[]),),
        ),
        row("h1-court-partner", DENY, Rule.HANDLING, facts=H1_OWN, use=Use.COURT_USE),
        row(
            "h1-court-partner-consent",
            FULL,
            facts=H1_OWN,
            use=Use.COURT_USE,
            consents={(RID, MOSCOW.node_id, Use.COURT_USE)},
        ),
        row("h1-push-is-no-court-use", FULL, facts=H1_OWN),
        row(
            "h1-court-local", DENY, Rule.HANDLING, facts=H1_RECEIVED, to=ANALYST, use=Use.COURT_USE
        ),
        row(
            "h1-court-local-consent",
            FULL,
            facts=H1_RECEIVED,
            to=ANALYST,
            use=Use.COURT_USE,
            consents={(RID, MANILA.node_id, Use.COURT_USE)},
        ),
        row("h1-court-local-own-record", FULL, facts=H1_OWN, to=ANALYST, use=Use.COURT_USE),
        row(
            "h2-onward",
            DENY,
            Rule.HANDLING,
            facts=received("region-2026", handling=frozenset({H2})),
            to=TO_KL,
            agreements=(REGION,),
        ),
        row(
            "h2-onward-consent",
            FULL,
            facts=received("region-2026", handling=frozenset({H2})),
            to=TO_KL,
            agreements=(REGION,),
            consents={(RID, KUALA_LUMPUR.node_id, Use.ONWARD_SHARE)},
        ),
        row("h2-first-hop", FULL, facts=facts(handling=frozenset({H2}))),
        row("h2-export", DENY, Rule.HANDLING, facts=H2_RECEIVED, to=OFFICER, use=Use.EXPORT),
        row(
            "h2-export-consent",
            FULL,
            facts=H2_RECEIVED,
            to=OFFICER,
            use=Use.EXPORT,
            consents={(RID, MANILA.node_id, Use.EXPORT)},
        ),
        row(
            "h2-export-own-record",
            FULL,
            facts=facts(handling=frozenset({H2})),
            to=OFFICER,
            use=Use.EXPORT,
        ),
        row(
            "h3-travels",
            FULL,
            Rule.HANDLING,
            facts=facts(handling=frozenset({H0, H3}), h3_text=H3_TEXT),
        ),
        row(
            "h3-travels-locally",
            FULL,
            Rule.HANDLING,
            facts=facts(handling=frozenset({H3}), h3_text=H3_TEXT),
            to=ANALYST,
            use=Use.VIEW,
        ),
    ],
)
def test_handling(r: Row) -> None:
    check(r)


def test_h3_text_is_a_reason_that_does_not_deny() -> None:
    decision = check(Row(FULL, facts=facts(handling=frozenset({H3}), h3_text=H3_TEXT)))
    h3 = [x for x in decision.reasons if x.rule is Rule.HANDLING]
    assert [(x.denies, x.text) for x in h3] == [(False, f"H3 condition travels: {H3_TEXT}")]


def unmarked_record(originator: str = MANILA.node_id) -> Record:
    created = dt.datetime(2025, 6, 1, 9, 30, tzinfo=dt.UTC)
    envelope = Envelope(
        originator=originator,
        legal_basis="ph-ru-2026",
        purposes=(Purpose.CROSS_CHECK,),
        crime_area=CrimeArea.PIRACY,
        subject_category=SubjectCategory.SUSPECT,
        review_due=dt.date(2028, 6, 1),
    )
    return Record(
        "rec-unmarked",
        1,
        "Person",
        "p-1",
        {"name": ["Juan dela Cruz"], "topics": ["crime.traffick"]},
        envelope,
        "Juan dela Cruz",
        created,
        created,
        "api:analyst",
        "api:analyst",
    )


def test_unmarked_record_counts_as_amber_strict_and_h2() -> None:
    effective = Markings().effective()
    assert (effective.tlp, effective.handling, effective.classification) == (
        TLP.AMBER_STRICT,
        frozenset({H2}),
        Classification.UNCLASSIFIED,
    )
    own = RecordFacts.of(unmarked_record())
    assert (own.tlp, own.handling, own.classification) == (
        TLP.AMBER_STRICT,
        frozenset({H2}),
        Classification.UNCLASSIFIED,
    )
    assert own.markings().covers(Markings())
    assert (own.created, own.created_by, own.topics) == (
        dt.date(2025, 6, 1),
        "analyst",
        frozenset({"crime.traffick"}),
    )
    narrow = (agreement(tlp=["CLEAR", "GREEN"], handling=["H0"]),)
    denied = run(Row(DENY, facts=own, agreements=narrow))
    assert {Rule.TLP, Rule.HANDLING} <= {x.rule for x in denied.denials}
    check(Row(FULL, facts=own))  # first hop, to a partner whose agreement lists AMBER+STRICT and H2
    foreign = RecordFacts.of(unmarked_record(MOSCOW.node_id), received_under="region-2026")
    onward = run(Row(DENY, facts=foreign, to=TO_KL, agreements=(REGION,)))
    assert onward.outcome is DENY
    assert {Rule.TLP, Rule.HANDLING} <= {x.rule for x in onward.denials}


# --- onward sharing ---------------------------------------------------------------------


FORBIDDEN = agreement(onward="forbidden")
WITH_CONSENT = agreement(onward="with_consent")
KL_CONSENT = {(RID, KUALA_LUMPUR.node_id, Use.ONWARD_SHARE)}


@pytest.mark.parametrize(
    "r",
    [
        row(
            "forbidden",
            DENY,
            Rule.ONWARD,
            facts=received(),
            to=TO_KL,
            agreements=(FORBIDDEN, PH_MY),
        ),
        row(
            "forbidden-even-with-consent",
            DENY,
            Rule.ONWARD,
            facts=received(),
            to=TO_KL,
            agreements=(FORBIDDEN, PH_MY),
            consents=KL_CONSENT,
        ),
        row(
            "with-consent-missing",
            DENY,
            Rule.ONWARD,
            facts=received(),
            to=TO_KL,
            agreements=(WITH_CONSENT, PH_MY),
        ),
        row(
            "with-consent-given",
            FULL,
            facts=received(),
            to=TO_KL,
            agreements=(WITH_CONSENT, PH_MY),
            consents=KL_CONSENT,
        ),
        row(
            "consent-withdrawn",  # only a consent for another record and another partner is left
            DENY,
            Rule.ONWARD,
            facts=received(),
            to=TO_KL,
            agreements=(WITH_CONSENT, PH_MY),
            consents={
                ("rec-0002", KUALA_LUMPUR.node_id, Use.ONWARD_SHARE),
                (RID, JAKARTA.node_id, Use.ONWARD_SHARE),
            },
        ),
        row(
            "consent-covers-tlp-and-h2",
            FULL,
            facts=received(tlp=TLP.AMBER_STRICT, handling=frozenset({H2})),
            to=TO_KL,
            agreements=(WITH_CONSENT, PH_MY),
            consents=KL_CONSENT,
        ),
        row(
            "within-parties-to-a-party",
            FULL,
            facts=received("region-2026"),
            to=TO_KL,
            agreements=(REGION,),
        ),
        row(
            "within-parties-to-an-outsider",
            DENY,
            Rule.ONWARD,
            facts=received("region-2026"),
            to=TO_JAKARTA,
            agreements=(REGION, PH_ID),
        ),
        row(
            "within-parties-to-an-outsider-under-another-agreement",
            DENY,
            Rule.ONWARD,
            facts=received(),
            to=TO_KL,
            agreements=(PH_RU, PH_MY),
        ),
        row(
            "back-to-the-originator",
            FULL,
            facts=received(),
            to=TO_MOSCOW,
            agreements=(PH_RU,),
        ),
        row(
            "source-not-in-force",
            DENY,
            Rule.ONWARD,
            facts=received(),
            to=TO_KL,
            agreements=(agreement(state=AgreementState.SUSPENDED), PH_MY),
        ),
        row(
            "source-unknown",
            DENY,
            Rule.ONWARD,
            facts=received(None),
            to=TO_KL,
            agreements=(PH_RU, PH_MY),
        ),
        row(
            "push-of-received-is-onward",
            DENY,
            Rule.ONWARD,
            facts=received(),
            to=TO_KL,
            use=Use.PUSH,
            agreements=(FORBIDDEN, PH_MY),
        ),
        row(
            "view-of-received-is-onward",
            DENY,
            Rule.ONWARD,
            facts=received(),
            to=TO_KL,
            use=Use.VIEW,
            agreements=(FORBIDDEN, PH_MY),
        ),
        row(
            "court-use-of-received-is-onward",
            DENY,
            Rule.ONWARD,
            facts=received(),
            to=TO_KL,
            use=Use.COURT_USE,
            agreements=(FORBIDDEN, PH_MY),
        ),
        row(
            "alert-from-received-is-onward",
            DENY,
            Rule.ONWARD,
            facts=received(),
            to=TO_KL,
            use=Use.COERCIVE_ALERT,
            purpose=Purpose.ALERT,
            agreements=(FORBIDDEN, PH_MY),
        ),
        row(
            "own-record-onward-is-a-first-hop",
            FULL,
            use=Use.ONWARD_SHARE,
            agreements=(FORBIDDEN,),
        ),
    ],
)
def test_onward(r: Row) -> None:
    check(r)


# --- export: a file leaving the node, to nobody named -------------------------------

EXPORTED_BY_MANILA = {(RID, MANILA.node_id, Use.EXPORT)}


def exported(name: str, outcome: Outcome, rule: Rule | None = None, **kw: object) -> object:
    return row(name, outcome, rule, to=ANALYST, use=Use.EXPORT, **kw)


@pytest.mark.parametrize(
    "r",
    [
        exported("own-amber", FULL, facts=facts(tlp=TLP.AMBER)),
        exported("own-h2", FULL, facts=facts(handling=frozenset({H2}))),
        exported("own-red-by-its-author", FULL, facts=RED),
        exported(
            "received-forbidden", DENY, Rule.ONWARD, facts=received(), agreements=(FORBIDDEN,)
        ),
        exported(
            "received-forbidden-even-with-consent",
            DENY,
            Rule.ONWARD,
            facts=received(),
            agreements=(FORBIDDEN,),
            consents=EXPORTED_BY_MANILA,
        ),
        exported(
            "received-with-consent-missing",
            DENY,
            Rule.ONWARD,
            facts=received(),
            agreements=(WITH_CONSENT,),
        ),
        exported(
            "received-with-consent-given",
            FULL,
            facts=received(tlp=TLP.AMBER, handling=frozenset({H2})),
            agreements=(WITH_CONSENT,),
            consents=EXPORTED_BY_MANILA,
        ),
        exported(
            "received-consent-to-share-onward-is-no-consent-to-export",
            DENY,
            Rule.ONWARD,
            facts=received(),
            agreements=(WITH_CONSENT,),
            consents={(RID, MANILA.node_id, Use.ONWARD_SHARE)},
        ),
        exported(
            "received-within-parties-an-export-names-nobody",
            DENY,
            Rule.ONWARD,
            facts=received("region-2026"),
            agreements=(REGION,),
        ),
        exported(
            "received-within-parties-with-consent",
            FULL,
            facts=received("region-2026"),
            agreements=(REGION,),
            consents=EXPORTED_BY_MANILA,
        ),
        exported(
            "received-amber",
            DENY,
            Rule.TLP,
            facts=received("region-2026", tlp=TLP.AMBER),
            agreements=(REGION,),
        ),
        exported(
            "received-green-leaves-its-community",
            DENY,
            Rule.TLP,
            facts=received("region-2026", tlp=TLP.GREEN),
            agreements=(REGION,),
        ),
        exported(
            "received-red",
            DENY,
            Rule.TLP,
            facts=received("region-2026", tlp=TLP.RED),
            agreements=(REGION,),
        ),
        exported(
            "received-h2",
            DENY,
            Rule.HANDLING,
            facts=received("region-2026", handling=frozenset({H2})),
            agreements=(REGION,),
        ),
        exported(
            "received-source-not-in-force",
            DENY,
            Rule.ONWARD,
            facts=received(),
            agreements=(agreement(state=AgreementState.SUSPENDED),),
        ),
        exported("received-source-unknown", DENY, Rule.ONWARD, facts=received(None)),
    ],
)
def test_export(r: Row) -> None:
    check(r)


def test_a_received_amber_copy_under_forbidden_onward_may_not_be_exported() -> None:
    """Issue 16: the exact case. Every reason is given, as ``explain`` shows them."""
    copy = received(tlp=TLP.AMBER)
    decision = check(Row(DENY, Rule.ONWARD, copy, ANALYST, Use.EXPORT, agreements=(FORBIDDEN,)))
    assert [x.text for x in decision.denials] == [
        "agreement ph-ru-2026 v1 forbids onward sharing",
        "TLP:AMBER stays within the organisation that received it",
    ]


def test_withdrawing_consent_stops_the_flow() -> None:
    """Consents are read from the context: one withdrawn is simply no longer there."""
    amber = received("region-2026", tlp=TLP.AMBER, handling=frozenset({H2}))
    given = Row(FULL, facts=amber, to=TO_KL, agreements=(REGION,), consents=frozenset(KL_CONSENT))
    check(given)
    withdrawn = check(Row(DENY, Rule.TLP, facts=amber, to=TO_KL, agreements=(REGION,)))
    assert {Rule.TLP, Rule.HANDLING} <= {x.rule for x in withdrawn.denials}


# --- retention ----------------------------------------------------------------------------

RETAIN_VICTIMS = (agreement(retention={"default": "10y", "nominal": "5y", "victim": "1y"}),)


@pytest.mark.parametrize(
    "r",
    [
        row("expires-today", DENY, Rule.RETENTION, facts=facts(expires=TODAY, review_due=None)),
        row("expires-tomorrow", FULL, facts=facts(expires=TODAY + DAY, review_due=None)),
        row("expired-long-ago", DENY, Rule.RETENTION, facts=facts(expires=TODAY - 400 * DAY)),
        row("review-due-yesterday", DENY, Rule.RETENTION, facts=facts(review_due=TODAY - DAY)),
        row("review-due-today", FULL, facts=facts(review_due=TODAY)),
        row("expired-local-view", FULL, facts=facts(expires=TODAY), to=ANALYST, use=Use.VIEW),
        row(
            "expired-local-export",
            DENY,
            Rule.RETENTION,
            facts=facts(expires=TODAY),
            to=ANALYST,
            use=Use.EXPORT,
        ),
        row("expired-hit-only", DENY, Rule.RETENTION, facts=facts(expires=TODAY), use=Use.HIT_ONLY),
        row("nominal-5y-exactly", FULL, facts=facts(created=dt.date(2021, 3, 15))),
        row(
            "nominal-5y-and-a-day",
            DENY,
            Rule.RETENTION,
            facts=facts(created=dt.date(2021, 3, 14)),
        ),
        row(
            "victim-1y",
            DENY,
            Rule.RETENTION,
            facts=facts(category=SubjectCategory.VICTIM, created=dt.date(2025, 3, 14)),
            agreements=RETAIN_VICTIMS,
        ),
        row(
            "suspect-not-under-victim-limit",
            FULL,
            facts=facts(created=dt.date(2025, 3, 14)),
            agreements=RETAIN_VICTIMS,
        ),
        row(
            "uncategorised-person-is-other",
            DENY,
            Rule.RETENTION,
            facts=facts(category=None, created=dt.date(2024, 3, 1)),
            agreements=(agreement(retention={"default": "10y", "other": "1y"}),),
        ),
        row(
            "organisation-under-default",
            FULL,
            facts=facts(schema="Organization", category=None, created=dt.date(2019, 1, 1)),
        ),
        row(
            "organisation-past-default",
            DENY,
            Rule.RETENTION,
            facts=facts(schema="Organization", category=None, created=dt.date(2019, 1, 1)),
            agreements=(agreement(retention={"default": "5y", "nominal": "5y"}),),
        ),
        row(
            "nominal-limit-is-for-persons",
            FULL,
            facts=facts(schema="Organization", category=None, created=dt.date(2001, 1, 1)),
            agreements=(agreement(retention={"nominal": "5y"}),),
        ),
    ],
)
def test_retention(r: Row) -> None:
    check(r)


# --- neutrality ---------------------------------------------------------------------------

HELD = facts(neutrality=Neutrality.HELD)


@pytest.mark.parametrize(
    "r",
    [
        row("held-push", DENY, Rule.NEUTRALITY, facts=HELD),
        row("held-hit-only", DENY, Rule.NEUTRALITY, facts=HELD, use=Use.HIT_ONLY),
        row("held-local-view", FULL, facts=HELD, to=AUDITOR, use=Use.VIEW),
        row("held-local-export", DENY, Rule.NEUTRALITY, facts=HELD, to=ANALYST, use=Use.EXPORT),
        row("released", FULL, facts=facts(neutrality=Neutrality.RELEASED)),
    ],
)
def test_neutrality(r: Row) -> None:
    check(r)


# --- grading and coercive alerts --------------------------------------------------------------


def graded(scheme: Scheme, code: str | None) -> RecordFacts:
    evaluation = None if code is None else Evaluation(scheme, code[0], code[1])
    return facts(evaluation=evaluation)


ADM, EUR = Scheme.ADMIRALTY, Scheme.EUROPOL


@pytest.mark.parametrize(
    ("scheme", "code", "outcome"),
    [
        (ADM, "E1", DENY),
        (ADM, "F2", DENY),
        (ADM, "A5", DENY),
        (ADM, "B6", DENY),
        (ADM, "F6", DENY),
        (ADM, "A1", FULL),
        (ADM, "D4", FULL),
        (EUR, "X1", DENY),
        (EUR, "A4", DENY),
        (EUR, "A1", FULL),
        (EUR, "C3", FULL),
        (ADM, None, DENY),
    ],
    ids=lambda v: v if isinstance(v, str) else getattr(v, "value", "ungraded"),
)
def test_grading(scheme: Scheme, code: str | None, outcome: Outcome) -> None:
    rule = Rule.GRADING if outcome is DENY else None
    alert = {"use": Use.COERCIVE_ALERT, "purpose": Purpose.ALERT}
    check(Row(outcome, rule, graded(scheme, code), to=ANALYST, **alert))  # type: ignore[arg-type]
    check(Row(outcome, rule, graded(scheme, code), **alert))  # type: ignore[arg-type]
    check(Row(FULL, None, graded(scheme, code)))  # grading does not stop a push


# --- hit/no-hit ----------------------------------------------------------------------------------

HIT_INFORMANTS = (agreement(hit_only=["informant"]),)
INFORMANT = facts(category=SubjectCategory.INFORMANT)


@pytest.mark.parametrize(
    "r",
    [
        row("category-push", HIT_ONLY, Rule.HIT_ONLY, facts=INFORMANT, agreements=HIT_INFORMANTS),
        row("other-category", FULL, agreements=HIT_INFORMANTS),
        row(
            "category-court-use",
            DENY,
            Rule.HIT_ONLY,
            facts=INFORMANT,
            use=Use.COURT_USE,
            agreements=HIT_INFORMANTS,
        ),
        row(
            "schema",
            HIT_ONLY,
            Rule.HIT_ONLY,
            facts=facts(schema="Passport", category=None),
            agreements=(agreement(hit_only=["Passport"]),),
        ),
        row(
            "schema-ancestor",
            HIT_ONLY,
            Rule.HIT_ONLY,
            facts=facts(schema="Company", category=None),
            agreements=(
                agreement(scope={"schemata": ["Organization"]}, hit_only=["Organization"]),
            ),
        ),
        row(
            "uncategorised-person-is-other",
            HIT_ONLY,
            Rule.HIT_ONLY,
            facts=facts(category=None),
            agreements=(agreement(hit_only=["other"]),),
        ),
        row(
            "received-category",
            HIT_ONLY,
            Rule.HIT_ONLY,
            facts=received("region-2026", category=SubjectCategory.INFORMANT),
            to=TO_KL,
            agreements=(region(hit_only=["informant"]),),
        ),
        row("use-hit-only", HIT_ONLY, Rule.AGREEMENT, use=Use.HIT_ONLY),
        row(
            "use-hit-only-received",
            HIT_ONLY,
            Rule.AGREEMENT,
            facts=received("region-2026"),
            to=TO_KL,
            use=Use.HIT_ONLY,
            agreements=(REGION,),
        ),
        row(
            "use-hit-only-still-needs-the-agreement",
            DENY,
            Rule.SCOPE,
            use=Use.HIT_ONLY,
            agreements=(agreement(scope={"schemata": ["Vessel"]}),),
        ),
        row(
            "use-hit-only-red-named-for-push-only",
            DENY,
            Rule.TLP,
            facts=RED,
            use=Use.HIT_ONLY,
            consents={(RID, MOSCOW.node_id, Use.PUSH)},
        ),
    ],
)
def test_hit_only(r: Row) -> None:
    check(r)


# --- local roles ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "r",
    [
        row("admin-view", DENY, Rule.ROLE, to=ADMIN, use=Use.VIEW),
        row("auditor-export", DENY, Rule.ROLE, to=AUDITOR, use=Use.EXPORT),
        row("supervisor-export", DENY, Rule.ROLE, to=SUPERVISOR, use=Use.EXPORT),
        row(
            "officer-alert",
            DENY,
            Rule.ROLE,
            to=OFFICER,
            use=Use.COERCIVE_ALERT,
            purpose=Purpose.ALERT,
        ),
        row("analyst-push-is-not-local", DENY, Rule.ROLE, to=ANALYST, use=Use.PUSH),
        row("analyst-onward-is-not-local", DENY, Rule.ROLE, to=ANALYST, use=Use.ONWARD_SHARE),
        row("analyst-hit-only-is-not-local", DENY, Rule.ROLE, to=ANALYST, use=Use.HIT_ONLY),
        row("partner-export", DENY, Rule.ROLE, use=Use.EXPORT),
        row("analyst-view", FULL, to=ANALYST, use=Use.VIEW),
        row("auditor-view", FULL, to=AUDITOR, use=Use.VIEW),
        row("officer-export", FULL, to=OFFICER, use=Use.EXPORT),
        row("supervisor-court-use", FULL, to=SUPERVISOR, use=Use.COURT_USE),
        row("analyst-alert", FULL, to=ANALYST, use=Use.COERCIVE_ALERT, purpose=Purpose.ALERT),
    ],
)
def test_local_role(r: Row) -> None:
    check(r)


def test_local_decisions_need_no_agreement() -> None:
    check(Row(FULL, to=ANALYST, use=Use.VIEW, agreements=()))


# --- several agreements with one partner ---------------------------------------------------------


def test_best_agreement_wins() -> None:
    narrow = agreement(agreement_id="ph-ru-narrow", scope={"crime_areas": ["piracy"]})
    broad = agreement(agreement_id="ph-ru-broad")
    decision = check(Row(FULL, Rule.AGREEMENT, agreements=(narrow, broad)))
    assert "ph-ru-broad" in decision.reasons[-1].text
    hit = agreement(agreement_id="ph-ru-hit", hit_only=["suspect"])
    check(Row(FULL, agreements=(hit, broad)))
    check(Row(HIT_ONLY, Rule.HIT_ONLY, agreements=(narrow, hit)))


def test_every_agreement_says_why_it_denies() -> None:
    narrow = agreement(agreement_id="ph-ru-narrow", scope={"crime_areas": ["piracy"]})
    low = agreement(agreement_id="ph-ru-low", max_classification="UNCLASSIFIED")
    decision = check(Row(DENY, Rule.SCOPE, agreements=(narrow, low)))
    assert {Rule.SCOPE, Rule.CLASSIFICATION} <= {x.rule for x in decision.denials}
    texts = " ".join(x.text for x in decision.denials)
    assert "ph-ru-narrow" in texts and "ph-ru-low" in texts


def test_several_denials_are_all_reported() -> None:
    r = Row(
        DENY,
        Rule.RETENTION,
        facts=facts(
            expires=TODAY,
            neutrality=Neutrality.HELD,
            tlp=TLP.RED,
            classification=Classification.TOP_SECRET,
            evaluation=None,
        ),
        use=Use.COERCIVE_ALERT,
        purpose=Purpose.STRATEGIC_ANALYSIS,
    )
    rules = {x.rule for x in check(r).denials}
    expected = {
        Rule.RETENTION,
        Rule.NEUTRALITY,
        Rule.TLP,
        Rule.CLASSIFICATION,
        Rule.PURPOSE,
        Rule.GRADING,
    }
    assert expected <= rules


# --- add_months ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        ("2025-01-31", 1, "2025-02-28"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2024-02-29", -12, "2023-02-28"),
        ("2024-02-29", 12, "2025-02-28"),
        ("2024-02-29", 48, "2028-02-29"),
        ("2026-03-31", -1, "2026-02-28"),
        ("2026-05-31", -1, "2026-04-30"),
        ("2026-12-15", 1, "2027-01-15"),
        ("2026-01-15", -1, "2025-12-15"),
        ("2026-03-15", -60, "2021-03-15"),
        ("2026-03-15", 0, "2026-03-15"),
        ("2026-08-31", 18, "2028-02-29"),
    ],
)
def test_add_months(day: str, months: int, expected: str) -> None:
    assert add_months(dt.date.fromisoformat(day), months) == dt.date.fromisoformat(expected)
