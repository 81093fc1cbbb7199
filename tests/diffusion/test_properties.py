"""Invariants of the life cycle over any sequence of moves (hypothesis).

A run is a random sequence of moves by random people on random later days,
with drafts that are lawful, incomplete or political, and reviews that are
honest, overridden by someone, or of another draft. Moves that the rules
refuse are skipped (they change nothing: the functions are pure). After every
accepted move:

- a notice that is approved, issued or suspended carries a review of exactly
  its current draft that passed or was overridden in writing, and an approval
  by someone who neither drafted that version nor overrode its review;
- a cancelled or expired notice raises no alerts on any day, and accepts no
  further move;
- the history only grows, one event per accepted move, never back in time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hypothesis import event, given, settings
from hypothesis import strategies as st

from liaison.diffusion import lifecycle as lc
from liaison.diffusion.compliance import Review, override, review
from liaison.diffusion.drafts import NoticeDraft
from liaison.diffusion.kinds import RequestKind
from liaison.diffusion.lifecycle import Move, Notice, State
from liaison.errors import LiaisonError
from tests.diffusion.conftest import FIELDS, MANILA, TODAY, make_draft, person

PEOPLE = ("ana", "ben", "rosa", "dina", "ivan")
LAWFUL, POLITICAL = person("p-lawful"), person("p-pol", properties={"topics": ["role.pol"]})
DRAFTS: tuple[NoticeDraft, ...] = (
    make_draft(subjects=[LAWFUL.record_id]),
    make_draft(subjects=[POLITICAL.record_id]),
    make_draft(subjects=[LAWFUL.record_id], fields={"charge": "Murder"}),  # incomplete
    make_draft(
        subjects=[LAWFUL.record_id],
        fields={**FIELDS[RequestKind.ARREST], "penalty": "Life imprisonment"},
    ),
)
JUSTIFICATION = "Ordinary-law murder; the subject's political office is incidental to it."
REASON = "a reason given in enough words"


@dataclass(frozen=True)
class Step:
    move: Move
    actor: str
    other: str  # the approver of an amendment, or the reviewer who overrides
    draft: int
    review: str  # honest | override | stale
    days: int


STEPS = st.builds(
    Step,
    move=st.sampled_from([m for m in Move if m is not Move.DRAFT]),
    actor=st.sampled_from(PEOPLE),
    other=st.sampled_from(PEOPLE),
    draft=st.integers(0, len(DRAFTS) - 1),
    review=st.sampled_from(["honest", "honest", "override", "override", "stale"]),
    days=st.sampled_from([0, 0, 1, 30, 400, 1700, 2000]),
)


def make_review(draft: NoticeDraft, step: Step, on: dt.date) -> Review:
    target = DRAFTS[(step.draft + 1) % len(DRAFTS)] if step.review == "stale" else draft
    result = review(target, [LAWFUL, POLITICAL], node_id=MANILA, today=on)
    if step.review == "override" and not result.passed:
        return override(result, by=step.other, justification=JUSTIFICATION, on=on)
    return result


def apply(notice: Notice, step: Step) -> Notice:
    on = notice.last_day + dt.timedelta(days=step.days)
    by, move = step.actor, step.move
    if move is Move.EDIT:
        return lc.edit(notice, DRAFTS[step.draft], by, on)
    if move is Move.SUBMIT:
        return lc.submit(notice, by, on)
    if move is Move.REVIEW:
        return lc.record_review(notice, make_review(notice.draft, step, on), by, on)
    if move is Move.SEND_BACK:
        return lc.send_back(notice, by, on, REASON)
    if move is Move.APPROVE:
        return lc.approve(notice, by, on)
    if move is Move.ISSUE:
        return lc.issue(notice, by, on)
    if move is Move.AMEND:
        draft = DRAFTS[step.draft]
        result = make_review(draft, step, on)
        return lc.amend(notice, draft, result, by=by, approved_by=step.other, on=on, reason=REASON)
    if move is Move.SUSPEND:
        return lc.suspend(notice, by, on, REASON)
    if move is Move.RESUME:
        return lc.resume(notice, by, on, REASON)
    if move is Move.RENEW:
        return lc.renew(notice, by, on, REASON)
    if move is Move.CANCEL:
        return lc.cancel(notice, by, on, REASON)
    return lc.expire(notice, by, on)


def check(before: Notice, after: Notice) -> None:
    assert len(after.history) == len(before.history) + 1
    assert after.history[-1].on >= before.last_day
    if after.state in (State.APPROVED, State.ISSUED, State.SUSPENDED):
        result = after.review
        assert result is not None and result.passed
        assert result.draft_digest == after.draft.digest
        assert after.approved_by is not None and after.approved_by not in after.drafters
        if result.override is not None:
            assert result.override.justification.strip()
            assert result.override.by not in after.drafters
            assert result.override.by != after.approved_by
    if after.state.issued:
        assert after.issued_on is not None and after.expires_on is not None
    if after.state.final:
        for offset in (0, 1, 365, 5000):
            assert not lc.raises_alerts(after, after.last_day + dt.timedelta(days=offset))
        assert lc.allowed_moves(after) == frozenset()


def draw_step(data: st.DataObject, notice: Notice) -> Step:
    """A step, nine times in ten a move the state allows other than cancelling
    (so that runs get far: issued, amended, renewed), otherwise any move at all."""
    allowed = sorted(lc.allowed_moves(notice) - {Move.CANCEL}) or [Move.EDIT]
    anything = [m for m in Move if m is not Move.DRAFT]
    moves = data.draw(st.sampled_from([allowed] * 9 + [anything]))
    step: Step = data.draw(STEPS)
    return Step(
        data.draw(st.sampled_from(moves)),
        step.actor,
        step.other,
        step.draft,
        step.review,
        step.days,
    )


@settings(max_examples=300, deadline=None)
@given(first=st.integers(0, len(DRAFTS) - 1), count=st.integers(5, 60), data=st.data())
def test_no_sequence_of_moves_breaks_the_rules(first: int, count: int, data: st.DataObject) -> None:
    notice = lc.start("ntc-p", DRAFTS[first], "ana", TODAY)
    for _ in range(count):
        try:
            after = apply(notice, draw_step(data, notice))
        except LiaisonError:
            continue  # refused: nothing changed
        check(notice, after)
        notice = after
    event(f"ended {notice.state.value}")
    event(f"reached version {notice.version}")
    event(f"issued: {any(e.move is Move.ISSUE for e in notice.history)}")


@settings(max_examples=200, deadline=None)
@given(steps=st.lists(STEPS, max_size=20), days=st.integers(0, 5000))
def test_a_cancelled_notice_never_raises_alerts(steps: list[Step], days: int) -> None:
    notice = lc.start("ntc-c", DRAFTS[0], "ana", TODAY)
    for step in steps:
        try:
            notice = apply(notice, step)
        except LiaisonError:
            continue
    if not notice.state.final:
        notice = lc.cancel(notice, "ben", notice.last_day, REASON)
    assert not lc.raises_alerts(notice, notice.last_day + dt.timedelta(days=days))
