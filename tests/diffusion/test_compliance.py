"""The compliance review: every rule, every refusal with its reason, and overrides."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from liaison.diffusion.compliance import Outcome, Review, Rule, override, review, weakness
from liaison.diffusion.drafts import NoticeDraft
from liaison.diffusion.kinds import RequestKind
from liaison.errors import Conflict, InvalidInput
from liaison.model.grading import INFORMATION, SOURCES, Evaluation, Scheme
from liaison.model.markings import PAP, TLP, HandlingCode, Markings, tightest
from liaison.model.records import Record
from liaison.policy.decide import _grading  # the coercive-alert line this review must match
from tests.diffusion.conftest import (
    FIELDS,
    GREEN_H0,
    MANILA,
    MOSCOW,
    STRONG,
    TODAY,
    make_draft,
    passport,
    person,
    subject_for,
    vehicle,
    vessel,
)

ARREST = RequestKind.ARREST
JUSTIFICATION = (
    "The charge is murder of a shopkeeper in a robbery: an ordinary-law crime; the "
    "victim's party membership is incidental to the facts."
)


def run(draft: NoticeDraft, *subjects: Record, **kwargs: Any) -> Review:
    return review(draft, list(subjects), node_id=MANILA, today=TODAY, **kwargs)


def with_subjects(*subjects: Record, kind: RequestKind = ARREST, **changes: Any) -> NoticeDraft:
    return make_draft(kind, subjects=[s.record_id for s in subjects], **changes)


def denied(result: Review, rule: Rule) -> list[str]:
    return [r.text for r in result.denials if r.rule is rule]


def allowed(result: Review, rule: Rule) -> list[str]:
    return [r.text for r in result.reasons if r.rule is rule and not r.denies]


@pytest.mark.parametrize("kind", list(RequestKind))
def test_a_lawful_request_of_every_kind_passes(kind: RequestKind) -> None:
    subject = subject_for(kind)
    result = run(with_subjects(subject, kind=kind), subject)
    assert result.outcome is Outcome.PASSED and result.passed and result.denials == ()
    assert result.draft_digest == with_subjects(subject, kind=kind).digest
    assert result.reviewed_on == TODAY
    assert result.to_dict()["passed"] is True


# --- fields and references ----------------------------------------------------------


def test_a_missing_legal_reference_is_named_as_such() -> None:
    fields = {k: v for k, v in FIELDS[ARREST].items() if k != "warrant_reference"}
    subject = person()
    result = run(with_subjects(subject, fields=fields), subject)
    assert result.outcome is Outcome.REFUSED
    assert denied(result, Rule.REFERENCES) == [
        "fields.warrant_reference: a required legal reference of arrest requests: "
        "the arrest warrant or court judgment: its reference"
    ]


def test_a_missing_field_is_named() -> None:
    fields = {k: v for k, v in FIELDS[ARREST].items() if k not in ("penalty", "extradition_intent")}
    subject = person()
    result = run(with_subjects(subject, fields=fields), subject)
    texts = denied(result, Rule.FIELDS)
    assert len(texts) == 2
    assert texts[0].startswith("fields.penalty: a required field of arrest")
    assert texts[1].startswith("fields.extradition_intent: the undertaking must be given")


@pytest.mark.parametrize(
    ("kind", "field", "value", "rule"),
    [
        (ARREST, "warrant_date", "2026-12-08", Rule.REFERENCES),
        (RequestKind.TRAVEL_DOCUMENT, "loss_date", "2027-01-01", Rule.FIELDS),
        (RequestKind.MISSING_PERSON, "disappearance_date", "2026-12-31", Rule.FIELDS),
        (RequestKind.UNIDENTIFIED, "discovery_date", "2026-12-08", Rule.FIELDS),
    ],
)
def test_events_are_not_dated_after_the_review(
    kind: RequestKind, field: str, value: str, rule: Rule
) -> None:
    subject = subject_for(kind)
    result = run(with_subjects(subject, kind=kind, fields={**FIELDS[kind], field: value}), subject)
    assert denied(result, rule) == [f"fields.{field}: {value} is after the review day"]


def test_a_threat_that_has_passed() -> None:
    kind = RequestKind.IMMINENT_THREAT
    fields = {**FIELDS[kind], "threat_until": "2026-12-01"}
    result = run(make_draft(kind, subjects=[], fields=fields))
    assert denied(result, Rule.FIELDS) == ["fields.threat_until: the threat passed on 2026-12-01"]
    fields["threat_until"] = TODAY.isoformat()
    assert run(make_draft(kind, subjects=[], fields=fields)).passed


def test_the_review_says_which_references_it_checked() -> None:
    subject = person()
    result = run(with_subjects(subject), subject)
    assert allowed(result, Rule.REFERENCES) == [
        "every required field is present; references: warrant_reference, warrant_date, "
        "legal_references"
    ]


# --- subjects -----------------------------------------------------------------------


def test_a_subject_not_given_to_the_review() -> None:
    subject = person()
    result = run(with_subjects(subject))
    assert denied(result, Rule.SUBJECTS) == [f"{subject.record_id}: the record was not found"]


def test_a_deleted_subject() -> None:
    subject = person(deleted=True)
    result = run(with_subjects(subject), subject)
    assert f"{subject.record_id}: the record was deleted" in denied(result, Rule.SUBJECTS)
    assert "arrest requests name a Person" in denied(result, Rule.SUBJECTS)


def test_a_subject_of_a_schema_the_kind_does_not_concern() -> None:
    company = _company()
    result = run(with_subjects(person(), company), person(), company)
    assert denied(result, Rule.SUBJECTS) == [
        f"{company.record_id}: arrest requests concern Person, Identification, Vehicle, not Company"
    ]


def test_an_arrest_request_names_a_person() -> None:
    doc = passport()
    result = run(with_subjects(doc), doc)
    assert denied(result, Rule.SUBJECTS) == ["arrest requests name a Person"]
    with_person = run(with_subjects(person(), doc), person(), doc)
    assert with_person.passed


def test_un_sanctions_name_a_person_or_an_entity() -> None:
    kind = RequestKind.UN_SANCTIONS
    company = _company()
    assert run(with_subjects(company, kind=kind), company).passed
    doc = passport()
    result = run(with_subjects(doc, kind=kind), doc)
    assert denied(result, Rule.SUBJECTS) == ["un_sanctions requests name a Person or LegalEntity"]


def test_too_few_subjects() -> None:
    result = run(make_draft(subjects=[]))
    assert denied(result, Rule.SUBJECTS) == [
        "subjects: arrest requests name at least 1 subject record(s)"
    ]


def _company() -> Record:
    from tests.diffusion.conftest import record

    return record(
        "Company",
        {"name": ["Fictitious Holdings Ltd"], "registrationNumber": ["CS2026-0001"]},
        entity_id="company-1",
    )


# --- identifying data --------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "kind", "lacking"),
    [
        (person(properties={"birthDate": []}), ARREST, "one of birthDate, passportNumber"),
        (person(properties={"name": []}), ARREST, "name"),
        (passport(properties={"country": []}), RequestKind.TRAVEL_DOCUMENT, "country"),
        (passport(properties={"number": []}), RequestKind.TRAVEL_DOCUMENT, "number"),
        (vehicle(properties={"country": []}), RequestKind.STOLEN_VEHICLE, "country"),
        (vessel(properties={"imoNumber": []}), RequestKind.STOLEN_VESSEL, "one of imoNumber, mmsi"),
        (person(properties={"birthDate": []}), RequestKind.UNIDENTIFIED, "one of images"),
    ],
)
def test_minimum_identifying_data(subject: Record, kind: RequestKind, lacking: str) -> None:
    result = run(with_subjects(subject, kind=kind), subject)
    texts = denied(result, Rule.IDENTIFYING)
    assert len(texts) == 1 and lacking in texts[0] and subject.record_id in texts[0]
    assert "(needs " in texts[0]


@pytest.mark.parametrize(
    ("subject", "kind"),
    [
        (person(properties={"birthDate": [], "passportNumber": ["FX1"]}), ARREST),
        (person(properties={"birthDate": [], "images": ["photo-ref-7"]}), ARREST),
        (vessel(properties={"imoNumber": [], "mmsi": ["366123456"]}), RequestKind.STOLEN_VESSEL),
    ],
)
def test_any_one_identifier_is_enough(subject: Record, kind: RequestKind) -> None:
    assert run(with_subjects(subject, kind=kind), subject).passed


# --- retention and originator ------------------------------------------------------


def test_expired_or_overdue_subjects_cannot_ground_a_notice() -> None:
    gone = person(expires=TODAY)
    overdue = passport(review_due=TODAY - dt.timedelta(days=1))
    result = run(with_subjects(gone, overdue), gone, overdue)
    assert denied(result, Rule.RETENTION) == [
        f"{gone.record_id}: expired on 2026-12-07",
        f"{overdue.record_id}: review was due on 2026-12-06",
    ]
    due_today = person(review_due=TODAY)
    assert run(with_subjects(due_today), due_today).passed


def test_a_received_record_needs_its_originators_consent() -> None:
    theirs = passport(originator=MOSCOW)
    draft = with_subjects(person(), theirs)
    result = run(draft, person(), theirs)
    assert denied(result, Rule.ORIGINATOR) == [
        f"{theirs.record_id}: received from {MOSCOW}; a notice about it is onward sharing "
        "and needs that originator's consent"
    ]
    consented = run(draft, person(), theirs, consents=[theirs.record_id])
    assert consented.passed
    assert allowed(consented, Rule.ORIGINATOR) == [
        f"{theirs.record_id}: received from {MOSCOW}, who consented to this notice"
    ]


# --- neutrality ----------------------------------------------------------------------


def test_a_predominantly_political_case_is_refused_citing_the_signals() -> None:
    fields = {
        **FIELDS[ARREST],
        "charge": "Inciting to sedition",
        "summary_of_facts": "Led a protest of the opposition outside the ministry.",
    }
    subject = person(properties={"topics": ["role.pol"]})
    result = run(with_subjects(subject, fields=fields), subject)
    [reason] = [r for r in result.denials if r.rule is Rule.NEUTRALITY]
    assert "may be predominantly political" in reason.text and "Article 3" in reason.text
    assert reason.evidence == (
        "fields.summary_of_facts: mentions 'protest'",
        f"{subject.record_id}: topic role.pol",
    )
    assert reason.overridable
    assert reason.to_dict()["overridable"] is True


@pytest.mark.parametrize(
    ("field", "text", "character"),
    [
        ("charge", "Desertion", "military"),
        ("summary_of_facts", "Spoke against the church in public.", "religious"),
        ("summary_of_facts", "Targeted for ethnic reasons.", "racial"),
        ("summary_of_facts", "Член оппозиционной партии.", "political"),
        ("notes", "Dating sundalo sa Mindanao.", "military"),
    ],
)
def test_each_character_in_each_screened_field(field: str, text: str, character: str) -> None:
    subject = person()
    result = run(with_subjects(subject, fields={**FIELDS[ARREST], field: text}), subject)
    [reason] = [r for r in result.denials if r.rule is Rule.NEUTRALITY]
    assert f"predominantly {character}" in reason.text
    assert reason.evidence[0].startswith(f"fields.{field}: mentions ")


def test_unscreened_fields_are_not_screened() -> None:
    fields = {**FIELDS[ARREST], "issuing_authority": "Military Court of Fictitious City"}
    subject = person()
    assert run(with_subjects(subject, fields=fields), subject).passed


def test_subjects_special_category_data_is_screened() -> None:
    subject = person(properties={"religion": ["Fictitious"], "notes": ["Served in the army"]})
    result = run(with_subjects(subject), subject)
    evidence = [e for r in result.denials for e in r.evidence]
    assert evidence == [
        f"{subject.record_id}: notes mentions 'army'",
        f"{subject.record_id}: property religion",
    ]


def test_a_subject_held_at_the_gate_refuses_until_released() -> None:
    subject = person()
    result = run(with_subjects(subject), subject, held=[subject.record_id])
    [reason] = result.denials
    assert allowed(result, Rule.NEUTRALITY) == [
        "no neutrality signal in the request or its subjects"
    ]
    assert reason.text == (
        f"{subject.record_id} is held at the neutrality gate until the auditor releases it"
    )
    assert reason.rule is Rule.HELD and not reason.overridable  # the auditor's call
    with pytest.raises(Conflict, match="the draft must be fixed: held"):
        override(result, by="reviewer-rosa", justification=JUSTIFICATION, on=TODAY)


def test_no_signal_is_said() -> None:
    subject = person()
    result = run(with_subjects(subject), subject)
    assert allowed(result, Rule.NEUTRALITY) == [
        "no neutrality signal in the request or its subjects"
    ]


# --- grading ---------------------------------------------------------------------------


def _all_evaluations() -> list[Evaluation]:
    return [
        Evaluation(scheme, source, info)
        for scheme in Scheme
        for source in SOURCES[scheme]
        for info in INFORMATION[scheme]
    ]


@pytest.mark.parametrize("evaluation", _all_evaluations(), ids=lambda e: f"{e.scheme}-{e.code}")
def test_weakness_draws_the_same_line_as_coercive_alerts(evaluation: Evaluation) -> None:
    reasons: list[Any] = []
    _grading(evaluation, reasons)
    assert (weakness(evaluation) is not None) is bool(reasons)


@pytest.mark.parametrize(
    ("evaluation", "why"),
    [
        (None, "no source evaluation"),
        (Evaluation(Scheme.ADMIRALTY, "E", "1"), "admiralty source E"),
        (Evaluation(Scheme.ADMIRALTY, "F", "2"), "admiralty source F"),
        (Evaluation(Scheme.ADMIRALTY, "A", "5"), "admiralty information 5"),
        (Evaluation(Scheme.ADMIRALTY, "B", "6"), "admiralty information 6"),
        (Evaluation(Scheme.EUROPOL, "X", "1"), "europol source X"),
        (Evaluation(Scheme.EUROPOL, "A", "4"), "europol information 4"),
    ],
)
def test_weak_evaluation_blocks_a_coercive_request(evaluation: Evaluation | None, why: str) -> None:
    subject = person()
    data = evaluation.to_dict() if evaluation else None
    result = run(with_subjects(subject, evaluation=data), subject)
    assert denied(result, Rule.GRADING) == [
        f"a coercive request (deprives the person of liberty) cannot rest on {why}"
    ]
    info = RequestKind.INFORMATION
    relaxed = run(with_subjects(subject, kind=info, evaluation=data), subject)
    assert relaxed.passed and allowed(relaxed, Rule.GRADING) == ["information is not coercive"]


def test_a_weakly_graded_subject_blocks_a_coercive_request() -> None:
    weak = passport(evaluation=Evaluation(Scheme.EUROPOL, "X", "2"))
    ungraded = vehicle(evaluation=None)
    result = run(with_subjects(person(), weak, ungraded), person(), weak, ungraded)
    assert denied(result, Rule.GRADING) == [
        f"{weak.record_id} is graded europol source X: too weak for a coercive request"
    ]


def test_identifier_lists_are_coercive_too() -> None:
    doc = passport()
    result = run(with_subjects(doc, kind=RequestKind.TRAVEL_DOCUMENT, evaluation=None), doc)
    assert denied(result, Rule.GRADING) == [
        "a coercive request (the document is seized on a hit) cannot rest on no source evaluation"
    ]


def test_strong_grading_is_said() -> None:
    subject = person()
    result = run(with_subjects(subject), subject)
    assert allowed(result, Rule.GRADING) == ["graded B2: strong enough for a coercive request"]


# --- markings and handling ---------------------------------------------------------------

RED = {"tlp": "RED", "pap": "GREEN", "handling": ["H0"]}
DIFFUSE = {"mode": "diffusion", "recipients": [MOSCOW]}


def test_tlp_red_is_never_published_to_all() -> None:
    subject = person()
    result = run(with_subjects(subject, markings=RED), subject)
    assert denied(result, Rule.MARKINGS) == [
        "TLP:RED is for named recipients only: it cannot be published to every partner"
    ]


def test_tlp_red_may_be_diffused_to_named_partners() -> None:
    subject = person()
    result = run(with_subjects(subject, markings=RED, distribution=DIFFUSE), subject)
    assert result.passed
    assert "TLP:RED: for the named recipients only; they may not pass it on" in allowed(
        result, Rule.MARKINGS
    )


def test_tlp_red_cannot_go_on_an_identifier_list() -> None:
    doc = passport()
    kind = RequestKind.TRAVEL_DOCUMENT
    result = run(with_subjects(doc, kind=kind, markings=RED, distribution=DIFFUSE), doc)
    assert denied(result, Rule.MARKINGS) == [
        "TLP:RED cannot go on an identifier list: every border post must be able to check it"
    ]


def test_a_red_subject_makes_the_notice_red() -> None:
    subject = person(markings=Markings(tlp=TLP.RED, handling=frozenset({HandlingCode.H0})))
    result = run(with_subjects(subject), subject)
    assert result.markings.tlp is TLP.RED
    assert "TLP:RED is for named recipients only" in denied(result, Rule.MARKINGS)[0]
    assert "tightened to the subjects' markings" in allowed(result, Rule.MARKINGS)


@pytest.mark.parametrize("pap", [PAP.AMBER, PAP.RED])
def test_pap_that_allows_no_active_step_blocks_coercion(pap: PAP) -> None:
    subject = person()
    markings = {"tlp": "GREEN", "pap": pap.value, "handling": ["H0"]}
    result = run(with_subjects(subject, markings=markings), subject)
    assert denied(result, Rule.MARKINGS) == [
        f"PAP:{pap.value} allows no detectable action, and arrest requests ask for one "
        "(deprives the person of liberty)"
    ]
    info = run(with_subjects(subject, kind=RequestKind.INFORMATION, markings=markings), subject)
    assert info.passed


def test_the_notice_travels_with_the_tightest_markings() -> None:
    subject = person(markings=Markings(tlp=TLP.AMBER, handling=frozenset({HandlingCode.H0})))
    result = run(with_subjects(subject), subject)
    assert result.markings == tightest(GREEN_H0, subject.envelope.markings)
    assert allowed(result, Rule.MARKINGS)[0] == "the notice travels as TLP:AMBER, PAP:GREEN"


H2_TEXT = (
    "H2: not to be disseminated without the provider's permission; this node is the provider "
    "and has not released it for this notice (releases: H2)"
)


def test_an_unmarked_draft_counts_as_h2_and_needs_a_release() -> None:
    subject = person()
    result = run(with_subjects(subject, markings=None), subject)
    assert denied(result, Rule.HANDLING) == [H2_TEXT]
    assert allowed(result, Rule.MARKINGS)[0] == "the notice travels as TLP:AMBER+STRICT, PAP:GREEN"
    released = run(with_subjects(subject, markings=None, releases=["H2"]), subject)
    assert released.passed
    assert allowed(released, Rule.HANDLING) == [
        "H2: released by this node, the provider, for this notice"
    ]


def test_an_own_h2_subject_needs_the_release() -> None:
    subject = person(markings=Markings(tlp=TLP.GREEN, handling=frozenset({HandlingCode.H2})))
    result = run(with_subjects(subject), subject)
    assert denied(result, Rule.HANDLING) == [H2_TEXT]


def test_a_received_h2_subject_is_the_originators_call() -> None:
    markings = Markings(tlp=TLP.GREEN, handling=frozenset({HandlingCode.H2}))
    theirs = passport(originator=MOSCOW, markings=markings)
    draft = with_subjects(person(), theirs)
    result = run(draft, person(), theirs, consents=[theirs.record_id])
    assert denied(result, Rule.HANDLING) == []  # its originator's consent covers it


def test_h1_blocks_an_arrest_request_unless_released() -> None:
    h1 = {"tlp": "GREEN", "pap": "GREEN", "handling": ["H1"]}
    subject = person()
    result = run(with_subjects(subject, markings=h1), subject)
    assert len(denied(result, Rule.HANDLING)) == 1
    assert denied(result, Rule.HANDLING)[0].startswith("H1: not for judicial proceedings")
    assert run(with_subjects(subject, markings=h1, releases=["H1"]), subject).passed
    info = RequestKind.INFORMATION
    assert run(with_subjects(subject, kind=info, markings=h1), subject).passed


def test_an_h3_condition_travels() -> None:
    subject = person(
        markings=Markings(
            tlp=TLP.GREEN, handling=frozenset({HandlingCode.H3}), h3_text="no contact with media"
        )
    )
    result = run(with_subjects(subject), subject)
    assert result.passed
    assert allowed(result, Rule.HANDLING) == ["H3 condition travels: no contact with media"]


# --- overrides --------------------------------------------------------------------------


def _political() -> tuple[NoticeDraft, Record]:
    subject = person(properties={"topics": ["role.pol"]})
    return with_subjects(subject), subject


def test_a_neutrality_refusal_can_be_overridden_with_a_written_justification() -> None:
    draft, subject = _political()
    refused = run(draft, subject)
    assert refused.outcome is Outcome.REFUSED and not refused.passed
    done = override(refused, by=" reviewer-rosa ", justification=JUSTIFICATION, on=TODAY)
    assert done.outcome is Outcome.OVERRIDDEN and done.passed
    assert done.override is not None and done.override.by == "reviewer-rosa"
    assert done.reasons == refused.reasons  # the refusal stays on the record
    assert done.to_dict()["override"] == {
        "by": "reviewer-rosa",
        "justification": JUSTIFICATION,
        "on": "2026-12-07",
    }


@pytest.mark.parametrize("text", ["", "   ", "not political", "x" * 39, "x" * 4001])
def test_an_override_needs_a_justification(text: str) -> None:
    draft, subject = _political()
    with pytest.raises(InvalidInput, match="justified in writing"):
        override(run(draft, subject), by="reviewer-rosa", justification=text, on=TODAY)


def test_an_override_names_its_reviewer_and_is_not_backdated() -> None:
    draft, subject = _political()
    refused = run(draft, subject)
    with pytest.raises(InvalidInput, match="the reviewer who overrides is named"):
        override(refused, by=" ", justification=JUSTIFICATION, on=TODAY)
    with pytest.raises(InvalidInput, match="not dated before the review"):
        override(refused, by="rosa", justification=JUSTIFICATION, on=TODAY - dt.timedelta(days=1))


def test_other_refusals_cannot_be_overridden() -> None:
    subject = person(properties={"topics": ["role.pol"], "birthDate": []})
    refused = run(with_subjects(subject, evaluation=None), subject)
    with pytest.raises(Conflict, match="cannot be overridden, the draft must be fixed: grading, "):
        override(refused, by="reviewer-rosa", justification=JUSTIFICATION, on=TODAY)


def test_only_a_refused_review_is_overridden() -> None:
    subject = person()
    passed = run(with_subjects(subject), subject)
    with pytest.raises(Conflict, match="the review passed"):
        override(passed, by="reviewer-rosa", justification=JUSTIFICATION, on=TODAY)
    draft, political = _political()
    done = override(run(draft, political), by="rosa", justification=JUSTIFICATION, on=TODAY)
    with pytest.raises(Conflict, match="the review overridden"):
        override(done, by="rosa", justification=JUSTIFICATION, on=TODAY)


def test_review_order_of_reasons_is_stable() -> None:
    subject = person()
    draft = with_subjects(subject)
    assert run(draft, subject) == run(draft, subject)
    assert [r.rule for r in run(draft, subject).reasons] == [
        Rule.REFERENCES,
        Rule.NEUTRALITY,
        Rule.GRADING,
        Rule.MARKINGS,
    ]
    assert STRONG.code == "B2"
