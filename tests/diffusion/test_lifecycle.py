"""The notice life cycle: every move from every state, four-eyes, expiry and alerts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liaison.diffusion import lifecycle as lc
from liaison.diffusion.compliance import Review, override, review
from liaison.diffusion.drafts import DraftRejected, Mode
from liaison.diffusion.kinds import RequestKind
from liaison.diffusion.lifecycle import MOVES, Move, Notice, State
from liaison.errors import Conflict, InvalidInput
from liaison.model.dates import add_months
from tests.diffusion.conftest import (
    FIELDS,
    MANILA,
    MOSCOW,
    TODAY,
    make_draft,
    passed_review,
    person,
)

ANA, BEN, ROSA = "analyst-ana", "supervisor-ben", "reviewer-rosa"
DAY = dt.timedelta(days=1)
REASON = "the person was arrested in another country"
EXPIRES = add_months(TODAY, 60)
JUSTIFICATION = (
    "An ordinary-law murder: the subject's former party office is incidental to the facts."
)


def started() -> Notice:
    return lc.start("ntc-1", make_draft(), ANA, TODAY)


def in_review() -> Notice:
    return lc.submit(started(), ANA, TODAY)


def reviewed() -> Notice:
    notice = in_review()
    return lc.record_review(notice, passed_review(notice.draft), ROSA, TODAY)


def approved() -> Notice:
    return lc.approve(reviewed(), BEN, TODAY)


def issued() -> Notice:
    return lc.issue(approved(), BEN, TODAY)


def suspended() -> Notice:
    return lc.suspend(issued(), BEN, TODAY, REASON)


def cancelled() -> Notice:
    return lc.cancel(issued(), BEN, TODAY, REASON)


def expired() -> Notice:
    return lc.expire(issued(), "system", EXPIRES)


IN_STATE: dict[State, Callable[[], Notice]] = {
    State.DRAFT: started,
    State.IN_REVIEW: reviewed,
    State.APPROVED: approved,
    State.ISSUED: issued,
    State.SUSPENDED: suspended,
    State.CANCELLED: cancelled,
    State.EXPIRED: expired,
}


def attempt(notice: Notice, move: Move) -> Notice:
    """Each move with arguments that would be valid if the state allowed it."""
    late = max(EXPIRES, notice.last_day)  # renewal and expiry need the end of validity
    near = add_months(EXPIRES, -3) if notice.expires_on else notice.last_day
    new = make_draft(fields={**FIELDS[RequestKind.ARREST], "penalty": "Life imprisonment"})
    if move is Move.EDIT:
        return lc.edit(notice, new, ANA, notice.last_day)
    if move is Move.SUBMIT:
        return lc.submit(notice, ANA, notice.last_day)
    if move is Move.REVIEW:
        return lc.record_review(notice, passed_review(notice.draft), ROSA, notice.last_day)
    if move is Move.SEND_BACK:
        return lc.send_back(notice, BEN, notice.last_day, REASON)
    if move is Move.APPROVE:
        return lc.approve(notice, BEN, notice.last_day)
    if move is Move.ISSUE:
        return lc.issue(notice, BEN, notice.last_day)
    if move is Move.AMEND:
        result = passed_review(new)
        return lc.amend(notice, new, result, by=ANA, approved_by=BEN, on=near, reason=REASON)
    if move is Move.SUSPEND:
        return lc.suspend(notice, BEN, notice.last_day, REASON)
    if move is Move.RESUME:
        return lc.resume(notice, BEN, notice.last_day, REASON)
    if move is Move.RENEW:
        return lc.renew(notice, BEN, near, REASON)
    if move is Move.CANCEL:
        return lc.cancel(notice, BEN, notice.last_day, REASON)
    if move is Move.EXPIRE:
        return lc.expire(notice, "system", late)
    raise AssertionError(move)  # Move.DRAFT starts a notice: it is no move from a state


@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("move", [m for m in Move if m is not Move.DRAFT])
def test_every_move_from_every_state(state: State, move: Move) -> None:
    notice = IN_STATE[state]()
    assert notice.state is state
    if move in MOVES[state]:
        after = attempt(notice, move)
        assert after.history[-1].move is move
        assert len(after.history) == len(notice.history) + 1
    else:
        with pytest.raises(Conflict, match=f"is {state.value}: it cannot {move.value}"):
            attempt(notice, move)


def test_the_table_of_moves() -> None:
    assert MOVES[State.CANCELLED] == MOVES[State.EXPIRED] == frozenset()
    for state in State:
        assert (Move.CANCEL in MOVES[state]) is not state.final
    assert lc.allowed_moves(issued()) == MOVES[State.ISSUED]


def test_the_path_to_issue() -> None:
    notice = issued()
    assert [e.move for e in notice.history] == [
        Move.DRAFT,
        Move.SUBMIT,
        Move.REVIEW,
        Move.APPROVE,
        Move.ISSUE,
    ]
    assert notice.approved_by == BEN and notice.drafters == {ANA}
    assert notice.issued_on == TODAY and notice.expires_on == dt.date(2031, 12, 7)
    assert notice.mode is Mode.PUBLICATION
    assert notice.history[-1].reason == "publication"
    assert notice.history[2].reason == "passed"


def test_a_refused_message_names_what_is_allowed() -> None:
    with pytest.raises(Conflict, match=r"\(allowed: cancel, edit, submit\)"):
        lc.approve(started(), BEN, TODAY)
    with pytest.raises(Conflict, match="nothing: it is final"):
        lc.resume(cancelled(), BEN, TODAY, REASON)


# --- drafting and review ----------------------------------------------------------------


def test_an_incomplete_draft_is_not_submitted() -> None:
    notice = lc.start("ntc-2", make_draft(fields={"charge": "Murder"}), ANA, TODAY)
    with pytest.raises(DraftRejected) as caught:
        lc.submit(notice, ANA, TODAY)
    assert len(caught.value.problems) == 7
    assert notice.state is State.DRAFT


def test_whoever_edits_becomes_a_drafter_and_cannot_approve() -> None:
    notice = lc.edit(started(), make_draft(), BEN, TODAY)
    notice = lc.submit(notice, ANA, TODAY)
    notice = lc.record_review(notice, passed_review(notice.draft), ROSA, TODAY)
    with pytest.raises(Conflict, match="four-eyes: supervisor-ben drafted this notice"):
        lc.approve(notice, BEN, TODAY)
    assert lc.approve(notice, ROSA, TODAY).approved_by == ROSA


def test_an_edit_keeps_the_kind() -> None:
    with pytest.raises(InvalidInput, match="another kind is another notice"):
        lc.edit(started(), make_draft(RequestKind.INFORMATION), ANA, TODAY)


def test_a_refused_review_sends_the_draft_back_with_its_reasons() -> None:
    notice = in_review()
    refused = review(notice.draft, [], node_id=MANILA, today=TODAY)
    back = lc.record_review(notice, refused, ROSA, TODAY)
    assert back.state is State.DRAFT and back.review is refused
    assert back.history[-1].reason == "refused"


def test_a_review_of_another_draft_is_refused() -> None:
    other = make_draft(fields={**FIELDS[RequestKind.ARREST], "penalty": "Life imprisonment"})
    with pytest.raises(Conflict, match="review of notice ntc-1 is of another draft"):
        lc.record_review(in_review(), passed_review(other), ROSA, TODAY)


def test_approval_needs_a_review() -> None:
    with pytest.raises(Conflict, match="has no compliance review yet"):
        lc.approve(in_review(), BEN, TODAY)


def test_the_drafter_cannot_approve_their_own_notice() -> None:
    with pytest.raises(Conflict, match="four-eyes: analyst-ana drafted this notice"):
        lc.approve(reviewed(), ANA, TODAY)


def _overridden(by: str) -> tuple[Notice, Review]:
    subject = person(properties={"topics": ["role.pol"]})
    draft = make_draft(subjects=[subject.record_id])
    notice = lc.submit(lc.start("ntc-3", draft, ANA, TODAY), ANA, TODAY)
    refused = review(draft, [subject], node_id=MANILA, today=TODAY)
    return notice, override(refused, by=by, justification=JUSTIFICATION, on=TODAY)


def test_an_overridden_review_goes_on_to_approval_by_a_third_person() -> None:
    notice, result = _overridden(ROSA)
    notice = lc.record_review(notice, result, ROSA, TODAY)
    assert notice.state is State.IN_REVIEW and notice.history[-1].reason == "overridden"
    with pytest.raises(Conflict, match="four-eyes: reviewer-rosa overrode the review"):
        lc.approve(notice, ROSA, TODAY)
    assert lc.approve(notice, BEN, TODAY).state is State.APPROVED


def test_a_drafter_cannot_override_their_own_notice() -> None:
    notice, result = _overridden(ANA)
    with pytest.raises(Conflict, match="a drafter cannot override"):
        lc.record_review(notice, result, ANA, TODAY)


def test_sending_back_clears_review_and_approval() -> None:
    back = lc.send_back(approved(), BEN, TODAY, REASON)
    assert back.state is State.DRAFT and back.review is None and back.approved_by is None
    with pytest.raises(InvalidInput, match="give the reason"):
        lc.send_back(approved(), BEN, TODAY, "no")


def test_moves_name_their_actor_and_are_not_backdated() -> None:
    with pytest.raises(InvalidInput, match="every move names who makes it"):
        lc.submit(started(), "  ", TODAY)
    with pytest.raises(InvalidInput, match="before the notice's last change"):
        lc.submit(started(), ANA, TODAY - DAY)
    with pytest.raises(InvalidInput, match="before the draft's own date"):
        lc.start("ntc-4", make_draft(), ANA, TODAY - DAY)
    with pytest.raises(InvalidInput, match="a notice has an id"):
        lc.start(" ", make_draft(), ANA, TODAY)


# --- issued notices -----------------------------------------------------------------------


def test_a_diffusion_is_issued_as_one() -> None:
    draft = make_draft(distribution={"mode": "diffusion", "recipients": [MOSCOW]})
    notice = lc.submit(lc.start("ntc-5", draft, ANA, TODAY), ANA, TODAY)
    notice = lc.record_review(notice, passed_review(draft), ROSA, TODAY)
    notice = lc.issue(lc.approve(notice, BEN, TODAY), BEN, TODAY)
    assert notice.mode is Mode.DIFFUSION and notice.history[-1].reason == "diffusion"


def test_amendment_is_a_reviewed_and_approved_new_version() -> None:
    notice = issued()
    new = make_draft(fields={**FIELDS[RequestKind.ARREST], "penalty": "Life imprisonment"})
    result = passed_review(new)
    amended = lc.amend(notice, new, result, by=ANA, approved_by=BEN, on=TODAY, reason=REASON)
    assert amended.version == 2 and amended.state is State.ISSUED and amended.draft == new
    assert amended.history[-1].version == 2 and amended.expires_on == notice.expires_on
    with pytest.raises(Conflict, match="four-eyes"):
        lc.amend(notice, new, result, by=ANA, approved_by=ANA, on=TODAY, reason=REASON)
    with pytest.raises(Conflict, match="of another draft"):
        lc.amend(notice, new, notice.review, by=ANA, approved_by=BEN, on=TODAY, reason=REASON)  # type: ignore[arg-type]
    refused = review(new, [], node_id=MANILA, today=TODAY)
    with pytest.raises(Conflict, match="the compliance review refused notice ntc-1"):
        lc.amend(notice, new, refused, by=ANA, approved_by=BEN, on=TODAY, reason=REASON)
    with pytest.raises(DraftRejected):
        incomplete = make_draft(fields={"charge": "Murder"})
        lc.amend(notice, incomplete, result, by=ANA, approved_by=BEN, on=TODAY, reason=REASON)
    with pytest.raises(InvalidInput, match="give the reason"):
        lc.amend(notice, new, result, by=ANA, approved_by=BEN, on=TODAY, reason="")


def test_suspend_and_resume() -> None:
    notice = suspended()
    assert notice.state is State.SUSPENDED and notice.history[-1].reason == REASON
    assert lc.resume(notice, BEN, TODAY, REASON).state is State.ISSUED
    with pytest.raises(Conflict, match="expired on 2031-12-07: it cannot resume"):
        lc.resume(notice, BEN, EXPIRES, REASON)


def test_renewal_from_the_reminder_on_adds_five_years() -> None:
    notice = issued()
    assert lc.reminder_date(notice) == dt.date(2031, 6, 7)
    with pytest.raises(Conflict, match="can be renewed from 2031-06-07, 6 months before"):
        lc.renew(notice, BEN, dt.date(2031, 6, 6), REASON)
    renewed = lc.renew(notice, BEN, dt.date(2031, 6, 7), REASON)
    assert renewed.expires_on == dt.date(2036, 12, 7)
    assert renewed.history[-1].reason == REASON
    with pytest.raises(InvalidInput, match="give the reason"):
        lc.renew(notice, BEN, dt.date(2031, 6, 7), "because")
    with pytest.raises(Conflict, match="it cannot renew"):
        lc.renew(notice, BEN, EXPIRES, REASON)


def test_expiry_on_its_day_not_before() -> None:
    with pytest.raises(Conflict, match="expires on 2031-12-07, not before"):
        lc.expire(issued(), "system", EXPIRES - DAY)
    assert lc.expire(issued(), "system", EXPIRES).state is State.EXPIRED
    assert lc.expire(suspended(), "system", EXPIRES).state is State.EXPIRED


def test_cancel_needs_a_reason() -> None:
    with pytest.raises(InvalidInput, match="give the reason"):
        lc.cancel(issued(), BEN, TODAY, "x")
    for state in (State.DRAFT, State.IN_REVIEW, State.APPROVED, State.ISSUED, State.SUSPENDED):
        assert lc.cancel(IN_STATE[state](), BEN, TODAY, REASON).state is State.CANCELLED


# --- predicates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "alerts"),
    [
        (State.DRAFT, False),
        (State.IN_REVIEW, False),
        (State.APPROVED, False),
        (State.ISSUED, True),
        (State.SUSPENDED, False),
        (State.CANCELLED, False),
        (State.EXPIRED, False),
    ],
)
def test_only_an_issued_notice_raises_alerts(state: State, alerts: bool) -> None:
    assert lc.raises_alerts(IN_STATE[state](), TODAY) is alerts


def test_an_issued_notice_past_its_expiry_raises_no_alerts_even_before_it_is_moved() -> None:
    notice = issued()
    assert lc.raises_alerts(notice, EXPIRES - DAY)
    assert not lc.raises_alerts(notice, EXPIRES)
    assert lc.expiry_due(notice, EXPIRES) and not lc.expiry_due(notice, EXPIRES - DAY)
    assert not lc.expiry_due(expired(), EXPIRES)


def test_reminder_due_six_months_before_expiry() -> None:
    notice = issued()
    assert not lc.reminder_due(notice, dt.date(2031, 6, 6))
    assert lc.reminder_due(notice, dt.date(2031, 6, 7))
    assert lc.reminder_due(notice, EXPIRES - DAY)
    assert not lc.reminder_due(notice, EXPIRES)
    assert lc.reminder_due(suspended(), dt.date(2031, 7, 1))
    assert not lc.reminder_due(cancelled(), dt.date(2031, 7, 1))
    assert lc.reminder_date(started()) is None


def test_the_moves_offered_are_those_a_person_can_make_today() -> None:
    M = Move  # noqa: N806 - short in a table
    assert lc.moves_now(issued(), TODAY) == {M.AMEND, M.SUSPEND, M.CANCEL}
    assert lc.moves_now(issued(), dt.date(2031, 6, 7)) == {M.AMEND, M.SUSPEND, M.CANCEL, M.RENEW}
    assert lc.moves_now(suspended(), TODAY) == {M.AMEND, M.RESUME, M.CANCEL}
    assert lc.moves_now(suspended(), EXPIRES) == {M.CANCEL}  # the sweeper expires it
    assert lc.moves_now(started(), TODAY) == {M.EDIT, M.SUBMIT, M.CANCEL}
    assert lc.moves_now(cancelled(), TODAY) == frozenset()
    for state_of in (started, issued, suspended):  # what is offered is allowed
        assert lc.moves_now(state_of(), TODAY) <= lc.allowed_moves(state_of())


@given(
    today=st.dates(dt.date(2020, 1, 1), dt.date(2040, 12, 31)),
    expires=st.dates(dt.date(2020, 1, 1), dt.date(2041, 12, 31)),
    months=st.integers(1, 24),
)
def test_reminded_by_is_the_reminder_rule_read_backwards(
    today: dt.date, expires: dt.date, months: int
) -> None:
    """The list of notices due for renewal (a bound on expires_on, for SQL) holds
    exactly the notices whose reminder day has come."""
    assert (add_months(expires, -months) <= today) == (expires <= lc.reminded_by(today, months))
