"""The stored form of notices, reviews, responses and challenges: exact round trips
through JSON, and malformed stored data refused with the field named."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.diffusion import lifecycle as lc
from liaison.diffusion.challenges import (
    ChallengeKind,
    Restriction,
    Verdict,
    decide,
    extend,
    open_challenge,
)
from liaison.diffusion.codec import (
    challenge_from_dict,
    challenge_to_dict,
    decision_from_dict,
    decision_to_dict,
    draft_to_dict,
    notice_from_dict,
    notice_to_dict,
    response_from_dict,
    response_to_dict,
    review_from_dict,
    review_to_dict,
)
from liaison.diffusion.compliance import Outcome, Review, Rule, override, review
from liaison.diffusion.drafts import Mode, NoticeDraft
from liaison.diffusion.kinds import RequestKind, ResponseKind
from liaison.diffusion.lifecycle import Move, Notice, State
from liaison.diffusion.responses import Ground, Response
from liaison.errors import InvalidInput, LiaisonError
from liaison.model.markings import Classification, HandlingCode
from tests.diffusion.conftest import (
    FIELDS,
    GREEN_H0,
    KL,
    MANILA,
    MOSCOW,
    NOON,
    STRONG,
    TODAY,
    make_draft,
    passed_review,
    person,
)
from tests.diffusion.test_properties import DRAFTS, apply, draw_step

ANA, BEN, ROSA = "analyst-ana", "supervisor-ben", "reviewer-rosa"
REASON = "the person was arrested in another country"
JUSTIFICATION = (
    "An ordinary-law murder: the subject's former party office is incidental to the facts."
)
LATER = TODAY + dt.timedelta(days=3)
POLITICAL = person("p-pol", properties={"topics": ["role.pol"]})


def rich_draft(**changes: Any) -> NoticeDraft:
    """A diffusion to two partners, with an H3 condition, a release and another language."""
    values: dict[str, Any] = {
        "markings": {
            **GREEN_H0.to_dict(),
            "classification": "RESTRICTED",
            "handling": ["H0", "H3"],
            "h3_text": "Not to be shown to the subject's family.",
        },
        "distribution": {"mode": "diffusion", "recipients": [MOSCOW, KL]},
        "releases": ["H2"],
        "language": "fil",
    }
    values.update(changes)
    return make_draft(**values)


def drafted() -> Notice:
    return lc.start("ntc-1", rich_draft(), ANA, TODAY)


def submitted() -> Notice:
    return lc.submit(drafted(), ANA, TODAY)


def refused() -> Notice:
    """Reviewed and refused (neutrality signals, with evidence): back in draft, the
    refused review kept with its reasons."""
    draft = rich_draft(subjects=[POLITICAL.record_id])
    notice = lc.submit(lc.start("ntc-2", draft, ANA, TODAY), ANA, TODAY)
    result = review(draft, [POLITICAL], node_id=MANILA, today=TODAY)
    return lc.record_review(notice, result, ROSA, TODAY)


def overridden() -> Notice:
    draft = rich_draft(subjects=[POLITICAL.record_id])
    notice = lc.submit(lc.start("ntc-3", draft, ANA, TODAY), ANA, TODAY)
    result = review(draft, [POLITICAL], node_id=MANILA, today=TODAY)
    result = override(result, by=ROSA, justification=JUSTIFICATION, on=LATER)
    return lc.record_review(notice, result, ROSA, LATER)


def reviewed() -> Notice:
    notice = submitted()
    return lc.record_review(notice, passed_review(notice.draft), ROSA, TODAY)


def approved() -> Notice:
    return lc.approve(reviewed(), BEN, TODAY)


def issued() -> Notice:
    return lc.issue(approved(), BEN, LATER)


def amended() -> Notice:
    new = rich_draft(fields={**FIELDS[RequestKind.ARREST], "penalty": "Life imprisonment"})
    return lc.amend(
        issued(), new, passed_review(new), by=ROSA, approved_by=BEN, on=LATER, reason=REASON
    )


def suspended() -> Notice:
    return lc.suspend(amended(), BEN, LATER, REASON)


def cancelled() -> Notice:
    return lc.cancel(suspended(), BEN, LATER, REASON)


def approved_after_override() -> Notice:
    return lc.approve(overridden(), BEN, LATER)


NOTICES: dict[str, Callable[[], Notice]] = {
    "draft": drafted,
    "in_review": submitted,
    "refused": refused,
    "overridden": overridden,
    "reviewed": reviewed,
    "approved": approved,
    "approved_after_override": approved_after_override,
    "issued": issued,
    "amended": amended,
    "suspended": suspended,
    "cancelled": cancelled,
}


def through_json(data: dict[str, Any]) -> Any:
    return orjson.loads(orjson.dumps(data))


def json_safe(value: Any) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and json_safe(v) for k, v in value.items())
    if isinstance(value, list):
        return all(json_safe(v) for v in value)
    return value is None or type(value) in (str, int, float, bool)


# --- notices ------------------------------------------------------------------------


def test_the_realistic_notices_are_in_the_states_they_claim() -> None:
    states = {name: build().state for name, build in NOTICES.items()}
    assert states == {
        "draft": State.DRAFT,
        "in_review": State.IN_REVIEW,
        "refused": State.DRAFT,
        "overridden": State.IN_REVIEW,
        "reviewed": State.IN_REVIEW,
        "approved": State.APPROVED,
        "approved_after_override": State.APPROVED,
        "issued": State.ISSUED,
        "amended": State.ISSUED,
        "suspended": State.SUSPENDED,
        "cancelled": State.CANCELLED,
    }


@pytest.mark.parametrize("name", list(NOTICES))
def test_a_notice_reads_back_equal_through_json(name: str) -> None:
    notice = NOTICES[name]()
    stored = notice_to_dict(notice)
    assert json_safe(stored)
    restored = notice_from_dict(through_json(stored))
    assert restored == notice
    assert restored.draft.digest == notice.draft.digest
    assert notice_to_dict(restored) == stored


def test_a_refused_review_keeps_every_reason_and_its_evidence() -> None:
    notice = refused()
    restored = notice_from_dict(through_json(notice_to_dict(notice)))
    assert restored.review is not None and restored.review.outcome is Outcome.REFUSED
    denials = restored.review.denials
    assert [r.rule for r in denials] == [Rule.NEUTRALITY]
    assert denials[0].evidence and denials[0].evidence == notice.review.denials[0].evidence  # type: ignore[union-attr]
    assert any(not r.denies for r in restored.review.reasons)  # allowing reasons are kept too
    assert restored.history[-1].reason == "refused"


def test_an_overridden_review_keeps_its_override() -> None:
    notice = approved_after_override()
    restored = notice_from_dict(through_json(notice_to_dict(notice)))
    assert restored.review is not None and restored.review.override is not None
    assert restored.review.outcome is Outcome.OVERRIDDEN
    assert restored.review.override.by == ROSA
    assert restored.review.override.justification == JUSTIFICATION
    assert restored.review.override.on == LATER
    assert restored.approved_by == BEN


def test_an_amended_cancelled_notice_keeps_versions_dates_and_reasons() -> None:
    notice = cancelled()
    restored = notice_from_dict(through_json(notice_to_dict(notice)))
    assert restored.version == 2 and restored.drafters == frozenset({ROSA})
    assert restored.issued_on == LATER and restored.expires_on == notice.expires_on
    assert [e.move for e in restored.history] == [
        Move.DRAFT,
        Move.SUBMIT,
        Move.REVIEW,
        Move.APPROVE,
        Move.ISSUE,
        Move.AMEND,
        Move.SUSPEND,
        Move.CANCEL,
    ]
    assert [e.version for e in restored.history][-3:] == [2, 2, 2]
    assert restored.history[-1].reason == REASON
    assert restored.history[4].reason == Mode.DIFFUSION.value


def test_the_draft_keeps_what_parse_draft_reads() -> None:
    draft = amended().draft
    restored = notice_from_dict(through_json(notice_to_dict(amended()))).draft
    assert restored.drafted_on == draft.drafted_on == TODAY
    assert restored.releases == frozenset({HandlingCode.H2})
    assert restored.language == "fil"
    assert restored.distribution.mode is Mode.DIFFUSION
    assert restored.distribution.recipients == frozenset({MOSCOW, KL})
    assert restored.evaluation == STRONG
    assert restored.markings.classification is Classification.RESTRICTED
    assert restored.markings.h3_text == "Not to be shown to the subject's family."
    assert restored.value("warrant_date") == dt.date(2026, 3, 2)
    assert restored.value("extradition_intent") is True
    assert restored.value("penalty") == "Life imprisonment"
    assert restored == draft


def test_a_draft_without_evaluation_and_published_reads_back() -> None:
    draft = make_draft(RequestKind.MISSING_PERSON, evaluation=None, markings={})
    notice = lc.start("ntc-9", draft, ANA, TODAY)
    restored = notice_from_dict(through_json(notice_to_dict(notice)))
    assert (
        restored.draft.evaluation is None and restored.draft.distribution.mode is Mode.PUBLICATION
    )
    assert restored == notice


def test_a_hand_built_draft_that_would_come_back_changed_is_refused_when_written() -> None:
    sloppy = dataclasses.replace(make_draft(), fields={**make_draft().fields, "charge": " Murder "})
    with pytest.raises(InvalidInput) as caught:
        draft_to_dict(sloppy)
    assert caught.value.field == "draft"
    with pytest.raises(InvalidInput):
        notice_to_dict(lc.start("ntc-s", sloppy, ANA, TODAY))


@settings(max_examples=60, deadline=None)
@given(first=st.integers(0, len(DRAFTS) - 1), count=st.integers(1, 40), data=st.data())
def test_any_notice_the_moves_reach_reads_back_equal(
    first: int, count: int, data: st.DataObject
) -> None:
    notice = lc.start("ntc-h", DRAFTS[first], "ana", TODAY)
    for _ in range(count):
        try:
            notice = apply(notice, draw_step(data, notice))
        except LiaisonError:
            continue
        stored = notice_to_dict(notice)
        assert notice_from_dict(through_json(stored)) == notice


# --- reviews ------------------------------------------------------------------------


def test_a_review_reads_back_equal_through_json() -> None:
    result = overridden().review
    assert isinstance(result, Review)
    stored = review_to_dict(result)
    assert json_safe(stored) and stored["passed"] is True
    assert review_from_dict(through_json(stored)) == result


# --- responses ----------------------------------------------------------------------


MOSCOW_TIME = dt.timezone(dt.timedelta(hours=3))


@pytest.mark.parametrize(
    "response",
    [
        Response(ResponseKind.ACKNOWLEDGED, MOSCOW, NOON),
        Response(ResponseKind.DETAINED, KL, NOON.astimezone(dt.timezone(dt.timedelta(hours=8)))),
        Response(
            ResponseKind.WILL_NOT_ACT,
            MOSCOW,
            NOON.astimezone(MOSCOW_TIME) + dt.timedelta(microseconds=250),
            Ground.OTHER,
            "The statute of the receiving country does not cover the offence.",
        ),
    ],
)
def test_a_response_reads_back_equal_with_its_offset(response: Response) -> None:
    stored = response_to_dict(response)
    assert json_safe(stored)
    assert stored["at"].endswith(("+00:00", "+03:00", "+08:00"))
    restored = response_from_dict(through_json(stored))
    assert restored == response
    assert restored.at.utcoffset() == response.at.utcoffset()


def test_a_response_without_a_zone_is_refused() -> None:
    stored = response_to_dict(Response(ResponseKind.ACKNOWLEDGED, MOSCOW, NOON))
    stored["at"] = "2026-12-07T12:00:00"
    with pytest.raises(InvalidInput) as caught:
        response_from_dict(stored)
    assert caught.value.field == "at"
    with pytest.raises(InvalidInput, match="time zone"):
        response_to_dict(Response(ResponseKind.ACKNOWLEDGED, MOSCOW, NOON.replace(tzinfo=None)))


# --- challenges ---------------------------------------------------------------------

REC_A, REC_B = ("rec-" + c * 32 for c in "ab")
REASONS = "The data is accurate and still needed for the investigation."


def test_a_challenge_reads_back_equal_opened_and_extended() -> None:
    opened = open_challenge(
        "chl-1",
        ChallengeKind.CORRECTION,
        received_on=TODAY,
        originator=MANILA,
        records=[REC_B, REC_A],
        correction="My date of birth is 1981-03-01, not 1980-02-29.",
    )
    longer = extend(opened, 20, "The originator's archive must be consulted first.")
    for challenge in (opened, longer):
        stored = challenge_to_dict(challenge)
        assert json_safe(stored)
        assert challenge_from_dict(through_json(stored)) == challenge
    assert challenge_from_dict(challenge_to_dict(longer)).extended is True
    assert challenge_from_dict(challenge_to_dict(opened)).records == (REC_B, REC_A)


def test_a_decision_reads_back_equal() -> None:
    challenge = open_challenge(
        "chl-2", ChallengeKind.ACCESS, received_on=TODAY, originator=MANILA, records=[REC_A, REC_B]
    )
    decision = decide(
        challenge,
        Verdict.PARTLY,
        node_id=MANILA,
        by="dpo-dina",
        on=TODAY + dt.timedelta(days=40),
        reasons=REASONS,
        records=[REC_A],
        restrictions=[Restriction.RIGHTS_OF_OTHERS, Restriction.OBSTRUCT_INQUIRY],
    )
    stored = decision_to_dict(decision)
    assert json_safe(stored)
    assert stored["restrictions"] == ["obstruct_inquiry", "rights_of_others"]
    restored = decision_from_dict(through_json(stored))
    assert restored == decision and restored.late is True


# --- malformed stored data ----------------------------------------------------------


def _broken(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    stored = copy.deepcopy(notice_to_dict(approved_after_override()))
    change(stored)
    return stored


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.pop("state"), "state"),
        (lambda d: d.update(state="published"), "state"),
        (lambda d: d.update(version="1"), "version"),
        (lambda d: d.update(version=True), "version"),
        (lambda d: d.update(drafters="analyst-ana"), "drafters"),
        (lambda d: d.update(drafters=["ana", 7]), "drafters[1]"),
        (lambda d: d.update(issued_on="7 Dec 2026"), "issued_on"),
        (lambda d: d.update(approved_by=["ben"]), "approved_by"),
        (lambda d: d.update(history={}), "history"),
        (lambda d: d["history"][2].pop("on"), "history[2].on"),
        (lambda d: d["history"][1].update(move="jump"), "history[1].move"),
        (lambda d: d["history"][0].update(version=0), "history[0].version"),
        (lambda d: d.update(review="passed"), "review"),
        (lambda d: d["review"].pop("draft_digest"), "review.draft_digest"),
        (lambda d: d["review"]["reasons"][0].update(rule="politics"), "review.reasons[0].rule"),
        (lambda d: d["review"]["reasons"][0].update(effect=True), "review.reasons[0].effect"),
        (lambda d: d["review"]["reasons"][0].update(evidence="x"), "review.reasons[0].evidence"),
        (lambda d: d["review"]["override"].pop("justification"), "review.override.justification"),
        (lambda d: d["review"]["markings"].update(tlp="PINK"), "review.markings.tlp"),
        (lambda d: d["review"].update(markings=None), "review.markings"),
        (lambda d: d.pop("draft"), "draft"),
        (lambda d: d["draft"].pop("drafted_on"), "draft.drafted_on"),
        (lambda d: d["draft"].update(kind="gossip"), "draft.kind"),
        (lambda d: d["draft"]["markings"].update(tlp="PINK"), "draft.markings.tlp"),
        (lambda d: d["draft"]["distribution"].update(mode="rumour"), "draft.distribution.mode"),
    ],
)
def test_a_malformed_notice_names_the_field(
    change: Callable[[dict[str, Any]], None], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        notice_from_dict(_broken(change))
    assert caught.value.field == field


def test_what_is_not_an_object_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        notice_from_dict([])  # type: ignore[arg-type]
    assert caught.value.field == "notice"
    with pytest.raises(InvalidInput) as caught:
        challenge_from_dict("chl-1")  # type: ignore[arg-type]
    assert caught.value.field == "challenge"


@pytest.mark.parametrize(
    ("key", "value"),
    [("kind", "appeal"), ("received_on", None), ("records", "rec-1"), ("extended", "yes")],
)
def test_a_malformed_challenge_names_the_field(key: str, value: Any) -> None:
    stored = challenge_to_dict(
        open_challenge(
            "chl-3", ChallengeKind.DELETION, received_on=TODAY, originator=MANILA, records=[REC_A]
        )
    )
    stored[key] = value
    with pytest.raises(InvalidInput) as caught:
        challenge_from_dict(stored)
    assert caught.value.field == key
    del stored[key]
    with pytest.raises(InvalidInput, match="missing") as caught:
        challenge_from_dict(stored)
    assert caught.value.field == key


@pytest.mark.parametrize(
    ("key", "value"), [("kind", "ignored"), ("ground", "boredom"), ("by_node", None), ("at", 5)]
)
def test_a_malformed_response_names_the_field(key: str, value: Any) -> None:
    stored = response_to_dict(Response(ResponseKind.ACKNOWLEDGED, MOSCOW, NOON))
    stored[key] = value
    with pytest.raises(InvalidInput) as caught:
        response_from_dict(stored)
    assert caught.value.field == key


def test_a_malformed_decision_names_the_field() -> None:
    challenge = open_challenge(
        "chl-4", ChallengeKind.ACCESS, received_on=TODAY, originator=MANILA, records=[REC_A]
    )
    decision = decide(
        challenge,
        Verdict.GRANT,
        node_id=MANILA,
        by="dpo-dina",
        on=TODAY,
        reasons=REASONS,
        records=[REC_A],
    )
    stored = decision_to_dict(decision)
    stored["restrictions"] = ["whim"]
    with pytest.raises(InvalidInput) as caught:
        decision_from_dict(stored)
    assert caught.value.field == "restrictions[0]"
