"""Challenges by the person concerned: routing, decisions, deadlines, and what is said."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liaison.diffusion.challenges import (
    MAX_EXTENSION_DAYS,
    AnswerKind,
    Challenge,
    ChallengeKind,
    Decision,
    Restriction,
    Stage,
    Verdict,
    answer,
    decide,
    extend,
    open_challenge,
    route,
)
from liaison.errors import Conflict, InvalidInput, NotFound
from tests.diffusion.conftest import MANILA, MOSCOW, TODAY

REC_A, REC_B, REC_C = ("rec-" + c * 32 for c in "abc")
REASONS = "The data is accurate and still needed for the investigation."
OFFICER = "dpo-dina"


def challenge(kind: ChallengeKind = ChallengeKind.ACCESS, **changes: object) -> Challenge:
    values: dict[str, object] = {
        "received_on": TODAY,
        "originator": MANILA,
        "records": [REC_A, REC_B],
    }
    if kind is ChallengeKind.CORRECTION:
        values["correction"] = "My date of birth is 1981-03-01, not 1980-02-29."
    values.update(changes)
    return open_challenge("chl-1", kind, **values)  # type: ignore[arg-type]


def test_routing_groups_records_by_originator() -> None:
    holdings = {REC_A: MANILA, REC_B: MOSCOW, REC_C: MOSCOW}
    routing = route([REC_B, REC_A, REC_C, REC_B], holdings, MANILA)
    assert routing.local == (REC_A,)
    assert routing.forward == {MOSCOW: (REC_B, REC_C)}


def test_a_challenge_for_a_record_the_node_does_not_hold_is_an_error_for_the_officer() -> None:
    with pytest.raises(NotFound, match=REC_C):
        route([REC_C], {REC_A: MANILA}, MANILA)


@pytest.mark.parametrize("kind", list(ChallengeKind))
def test_a_challenge_has_a_deadline(kind: ChallengeKind) -> None:
    opened = challenge(kind)
    assert opened.due_on == TODAY + dt.timedelta(days=30)
    assert opened.records == (REC_A, REC_B) and not opened.extended


def test_a_deadline_is_extended_once_with_reasons() -> None:
    later = extend(challenge(), 60, REASONS)
    assert later.due_on == TODAY + dt.timedelta(days=90) and later.extended
    with pytest.raises(Conflict, match="extended already"):
        extend(later, 1, REASONS)
    with pytest.raises(InvalidInput, match=f"1 to {MAX_EXTENSION_DAYS} days"):
        extend(challenge(), MAX_EXTENSION_DAYS + 1, REASONS)
    with pytest.raises(InvalidInput, match="give reasons"):
        extend(challenge(), 10, "busy")


@pytest.mark.parametrize(
    ("kind", "changes", "field"),
    [
        (ChallengeKind.ACCESS, {"records": []}, "records"),
        (ChallengeKind.CORRECTION, {"correction": "wrong"}, "correction"),
        (ChallengeKind.CORRECTION, {"correction": None}, "correction"),
        (ChallengeKind.DELETION, {"correction": "Please fix my date of birth now."}, "correction"),
    ],
)
def test_a_malformed_challenge(kind: ChallengeKind, changes: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        challenge(kind, **changes)
    assert caught.value.field == field
    with pytest.raises(InvalidInput, match="a challenge has an id"):
        open_challenge(" ", kind, received_on=TODAY, originator=MANILA, records=[REC_A])


def test_grant_partly_refuse() -> None:
    c = challenge()
    granted = decide(
        c,
        Verdict.GRANT,
        node_id=MANILA,
        by=OFFICER,
        on=TODAY,
        reasons=REASONS,
        records=[REC_A, REC_B],
    )
    assert granted.verdict is Verdict.GRANT and granted.records == (REC_A, REC_B)
    assert not granted.late
    partly = decide(
        c,
        Verdict.PARTLY,
        node_id=MANILA,
        by=OFFICER,
        on=TODAY,
        reasons=REASONS,
        records=[REC_A],
        restrictions=[Restriction.OBSTRUCT_INQUIRY],
    )
    assert partly.restrictions == {Restriction.OBSTRUCT_INQUIRY}
    refused = decide(
        c,
        Verdict.REFUSE,
        node_id=MANILA,
        by=OFFICER,
        on=TODAY,
        reasons=REASONS,
        restrictions=[Restriction.NATIONAL_SECURITY],
    )
    assert refused.records == ()


def test_a_late_decision_is_still_a_decision() -> None:
    late = decide(
        challenge(),
        Verdict.GRANT,
        node_id=MANILA,
        by=OFFICER,
        reasons=REASONS,
        on=TODAY + dt.timedelta(days=31),
        records=[REC_A, REC_B],
    )
    assert late.late


@pytest.mark.parametrize(
    ("verdict", "kwargs", "message"),
    [
        (Verdict.GRANT, {"node_id": MOSCOW}, "decided by the originator"),
        (Verdict.GRANT, {"by": " "}, "the deciding officer is named"),
        (Verdict.GRANT, {"on": TODAY - dt.timedelta(days=1)}, "before the challenge was received"),
        (Verdict.GRANT, {"reasons": "ok"}, "give reasons"),
        (Verdict.GRANT, {"records": [REC_A]}, "grant covers every record; use partly"),
        (Verdict.GRANT, {"records": []}, "grant: name the records"),
        (
            Verdict.PARTLY,
            {"records": [REC_C], "restrictions": [Restriction.PUBLIC_SECURITY]},
            "not records this challenge concerns",
        ),
        (Verdict.REFUSE, {"records": [REC_A]}, "a refusal discloses"),
        (Verdict.REFUSE, {"records": []}, "restricting access names its ground"),
        (Verdict.PARTLY, {"records": [REC_A]}, "restricting access names its ground"),
        (
            Verdict.GRANT,
            {"restrictions": [Restriction.RIGHTS_OF_OTHERS]},
            "restriction grounds go with refusing access",
        ),
    ],
)
def test_each_bad_decision_is_refused(
    verdict: Verdict, kwargs: dict[str, object], message: str
) -> None:
    values: dict[str, object] = {
        "node_id": MANILA,
        "by": OFFICER,
        "on": TODAY,
        "reasons": REASONS,
        "records": [REC_A, REC_B],
    }
    values.update(kwargs)
    with pytest.raises((Conflict, InvalidInput), match=message):
        decide(challenge(), verdict, **values)  # type: ignore[arg-type]


def test_refusing_a_deletion_needs_reasons_not_restriction_grounds() -> None:
    c = challenge(ChallengeKind.DELETION)
    refused = decide(c, Verdict.REFUSE, node_id=MANILA, by=OFFICER, on=TODAY, reasons=REASONS)
    assert refused.restrictions == frozenset()
    with pytest.raises(InvalidInput, match="restriction grounds go with refusing access"):
        decide(
            c,
            Verdict.REFUSE,
            node_id=MANILA,
            by=OFFICER,
            on=TODAY,
            reasons=REASONS,
            restrictions=[Restriction.PUBLIC_SECURITY],
        )


# --- what the requester hears -------------------------------------------------------------


def _decision(verdict: Verdict) -> Decision:
    c = challenge()
    records = {Verdict.GRANT: [REC_A, REC_B], Verdict.PARTLY: [REC_A], Verdict.REFUSE: []}
    grounds = [] if verdict is Verdict.GRANT else [Restriction.PREJUDICE_PREVENTION]
    return decide(
        c,
        verdict,
        node_id=MANILA,
        by=OFFICER,
        on=TODAY,
        reasons=REASONS,
        records=records[verdict],
        restrictions=grounds,
    )


def test_before_a_decision_every_node_says_only_received() -> None:
    for stage in (Stage.RECEIVED, Stage.ROUTED):
        for at_originator in (True, False):
            said = answer(stage, at_originator=at_originator, leave=True)
            assert said.kind is AnswerKind.RECEIVED and not said.confirms
            assert "does not confirm or deny" in said.text


def test_the_originator_tells_a_grant() -> None:
    said = answer(Stage.DECIDED, at_originator=True, decision=_decision(Verdict.GRANT))
    assert said.kind is AnswerKind.DECISION and said.confirms and said.verdict is Verdict.GRANT
    assert said.text == "Access is granted to the data held about you."
    deleted = answer(
        Stage.DECIDED,
        at_originator=True,
        decision=_decision(Verdict.PARTLY),
        kind=ChallengeKind.DELETION,
    )
    assert deleted.text == "Part of the data about you has been deleted."


def test_a_receiving_node_tells_a_grant_only_with_leave() -> None:
    granted = _decision(Verdict.GRANT)
    without = answer(Stage.DECIDED, at_originator=False, decision=granted)
    assert without.kind is AnswerKind.VERIFIED and not without.confirms
    with_leave = answer(Stage.DECIDED, at_originator=False, leave=True, decision=granted)
    assert with_leave.kind is AnswerKind.DECISION


def test_a_refusal_and_nothing_held_read_the_same() -> None:
    refused = answer(Stage.DECIDED, at_originator=True, decision=_decision(Verdict.REFUSE))
    nothing = answer(Stage.DECIDED, at_originator=False)
    assert refused == nothing and refused.kind is AnswerKind.VERIFIED
    assert "All necessary verifications have been carried out." in refused.text


_DECISIONS = st.sampled_from([None, Verdict.GRANT, Verdict.PARTLY, Verdict.REFUSE])


@given(
    stage=st.sampled_from(list(Stage)),
    kind=st.sampled_from(list(ChallengeKind)),
    first=_DECISIONS,
    second=_DECISIONS,
)
def test_without_leave_a_receiving_node_says_the_same_whatever_it_holds_or_was_decided(
    stage: Stage, kind: ChallengeKind, first: Verdict | None, second: Verdict | None
) -> None:
    """No oracle: a receiving node without the originator's leave gives one answer at each
    stage, whatever the originator decided, and whether or not anything is held."""
    a = answer(stage, at_originator=False, decision=_decision(first) if first else None, kind=kind)
    b = answer(
        stage, at_originator=False, decision=_decision(second) if second else None, kind=kind
    )
    assert a == b and not a.confirms


@given(
    stage=st.sampled_from(list(Stage)),
    at_originator=st.booleans(),
    leave=st.booleans(),
    verdict=_DECISIONS,
    kind=st.sampled_from(list(ChallengeKind)),
)
def test_an_answer_confirms_only_a_grant_told_by_the_originator_or_with_its_leave(
    stage: Stage, at_originator: bool, leave: bool, verdict: Verdict | None, kind: ChallengeKind
) -> None:
    decision = _decision(verdict) if verdict else None
    said = answer(stage, at_originator=at_originator, leave=leave, decision=decision, kind=kind)
    if said.confirms:
        assert stage is Stage.DECIDED and (at_originator or leave)
        assert verdict in (Verdict.GRANT, Verdict.PARTLY)
