"""A notice's life cycle as a pure state machine.

::

    draft ──submit──▶ in_review ──approve (four-eyes)──▶ approved ──issue──▶ issued
      ▲                 │  ▲                               │                  │ ▲
      └──review refused─┘  └─ review passed or overridden  │        suspend ─┘ └─ resume
      └──────────────── send back ◀────────────────────────┘                  suspended
    issued | suspended ──amend (a reviewed, approved new version)──▶ the same state
    issued | suspended ──renew (with reasons, from the reminder on)──▶ five more years
    issued | suspended ──expire (on or after the expiry day)──▶ expired      (final)
    any state but a final one ──cancel (with reason)──▶ cancelled            (final)

Issuing is a *publication* or a *diffusion*, as the draft's distribution says.
Every move takes the actor and the day (never the clock), refuses with the
reason when it is not allowed (:class:`~liaison.errors.Conflict` for the
state, :class:`~liaison.errors.InvalidInput` for what was given), and
appends an :class:`Event` to the history. Invariants (tested with hypothesis):
no notice is issued, and no version amended, without a review of exactly that
draft that passed or was overridden with a written justification, and an
approval by someone who neither drafted it nor overrode its review; a
cancelled or expired notice raises no alerts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum

from liaison.diffusion.compliance import Review
from liaison.diffusion.drafts import Mode, NoticeDraft, require_complete
from liaison.errors import Conflict, InvalidInput
from liaison.model.dates import add_months

MIN_REASON = 10
MAX_REASON = 4000


class State(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    ISSUED = "issued"  # published or diffused
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"
    EXPIRED = "expired"

    @property
    def final(self) -> bool:
        return self in (State.CANCELLED, State.EXPIRED)

    @property
    def issued(self) -> bool:
        """Issued and not ended: partners hold it (active or suspended)."""
        return self in (State.ISSUED, State.SUSPENDED)


class Move(StrEnum):
    DRAFT = "draft"  # the notice is started
    EDIT = "edit"
    SUBMIT = "submit"
    REVIEW = "review"
    SEND_BACK = "send_back"
    APPROVE = "approve"
    ISSUE = "issue"
    AMEND = "amend"
    SUSPEND = "suspend"
    RESUME = "resume"
    RENEW = "renew"
    CANCEL = "cancel"
    EXPIRE = "expire"


_ENDS = frozenset({Move.CANCEL})
_LIVE = frozenset({Move.AMEND, Move.RENEW, Move.CANCEL, Move.EXPIRE})
#: The moves allowed from each state.
MOVES: dict[State, frozenset[Move]] = {
    State.DRAFT: frozenset({Move.EDIT, Move.SUBMIT}) | _ENDS,
    State.IN_REVIEW: frozenset({Move.REVIEW, Move.SEND_BACK, Move.APPROVE}) | _ENDS,
    State.APPROVED: frozenset({Move.ISSUE, Move.SEND_BACK}) | _ENDS,
    State.ISSUED: frozenset({Move.SUSPEND}) | _LIVE,
    State.SUSPENDED: frozenset({Move.RESUME}) | _LIVE,
    State.CANCELLED: frozenset(),
    State.EXPIRED: frozenset(),
}


@dataclass(frozen=True)
class Event:
    move: Move
    by: str
    on: dt.date
    version: int
    reason: str | None = None
    approved_by: str | None = None  # an amendment: who approved it (not its author)


@dataclass(frozen=True)
class Notice:
    notice_id: str
    draft: NoticeDraft
    state: State
    drafters: frozenset[str]  # who drafted or edited the current version
    version: int = 1
    review: Review | None = None
    approved_by: str | None = None
    issued_on: dt.date | None = None
    expires_on: dt.date | None = None
    history: tuple[Event, ...] = ()

    @property
    def mode(self) -> Mode:
        """Publication to every covered partner, or diffusion to those chosen."""
        return self.draft.distribution.mode

    @property
    def last_day(self) -> dt.date:
        return self.history[-1].on if self.history else self.draft.drafted_on


# --- predicates the caller uses ------------------------------------------------


def raises_alerts(notice: Notice, today: dt.date) -> bool:
    """Whether a local record matching the notice raises an alert today: only an
    issued notice, before its expiry day. Suspended, cancelled, expired: never."""
    return (
        notice.state is State.ISSUED and notice.expires_on is not None and today < notice.expires_on
    )


def reminder_date(notice: Notice) -> dt.date | None:
    """The day the originator is reminded that the notice will expire."""
    if notice.expires_on is None:
        return None
    return add_months(notice.expires_on, -notice.draft.type.reminder_months)


def reminder_due(notice: Notice, today: dt.date) -> bool:
    remind = reminder_date(notice)
    return (
        notice.state.issued
        and remind is not None
        and notice.expires_on is not None
        and remind <= today < notice.expires_on
    )


def reminded_by(today: dt.date, months: int) -> dt.date:
    """The last expiry day whose reminder (``months`` before it) has come by ``today``:
    a notice is due for renewal when ``today < expires_on <= reminded_by(today, m)``,
    the same days as ``reminder_due`` (the 31st's reminder falls on a shorter
    month's last day, so on such a day every expiry to the month's end is due)."""
    end = add_months(today, months)
    if (today + dt.timedelta(days=1)).month != today.month:  # the month's last day
        end = add_months(end.replace(day=1), 1) - dt.timedelta(days=1)
    return end


def expiry_due(notice: Notice, today: dt.date) -> bool:
    """Issued or suspended, and on or past its expiry day: the caller expires it."""
    return notice.state.issued and notice.expires_on is not None and today >= notice.expires_on


def allowed_moves(notice: Notice) -> frozenset[Move]:
    return MOVES[notice.state]


#: Moves nobody makes by hand: the review runs on submit, expiry on its day.
_AUTOMATIC = frozenset({Move.REVIEW, Move.EXPIRE})


def moves_now(notice: Notice, today: dt.date) -> frozenset[Move]:
    """The moves a person may make on the notice today: its state's, without the
    automatic ones, renewal only from the reminder on, resumption only before expiry."""
    moves = allowed_moves(notice) - _AUTOMATIC
    if not reminder_due(notice, today):
        moves -= {Move.RENEW}
    if notice.expires_on is not None and today >= notice.expires_on:
        moves -= {Move.RESUME, Move.AMEND}
    return moves


# --- moves ----------------------------------------------------------------------


def start(notice_id: str, draft: NoticeDraft, by: str, on: dt.date) -> Notice:
    """A new notice in draft; its drafter is ``by``."""
    actor = _actor(by)
    if not notice_id.strip():
        raise InvalidInput("notice_id", notice_id, "a notice has an id")
    if on < draft.drafted_on:
        raise InvalidInput("on", on.isoformat(), "before the draft's own date")
    event = Event(Move.DRAFT, actor, on, 1)
    return Notice(notice_id, draft, State.DRAFT, frozenset({actor}), history=(event,))


def edit(notice: Notice, draft: NoticeDraft, by: str, on: dt.date) -> Notice:
    """A changed draft; whoever edits becomes one of its drafters."""
    _allowed(notice, Move.EDIT, on)
    _same_kind(notice, draft)
    actor = _actor(by)
    return _next(
        notice,
        Move.EDIT,
        actor,
        on,
        draft=draft,
        drafters=notice.drafters | {actor},
        review=None,
    )


def submit(notice: Notice, by: str, on: dt.date) -> Notice:
    """Send a complete draft to review (an incomplete one is refused, every gap named)."""
    _allowed(notice, Move.SUBMIT, on)
    require_complete(notice.draft)
    return _next(notice, Move.SUBMIT, _actor(by), on, state=State.IN_REVIEW)


def record_review(notice: Notice, result: Review, by: str, on: dt.date) -> Notice:
    """Attach the compliance review: refused sends the draft back with its reasons;
    passed or overridden lets it wait for approval."""
    _allowed(notice, Move.REVIEW, on)
    _reviewed(notice, notice.draft, result, notice.drafters, must_pass=False)
    state = State.IN_REVIEW if result.passed else State.DRAFT
    return _next(
        notice, Move.REVIEW, _actor(by), on, state=state, review=result, reason=result.outcome.value
    )


def send_back(notice: Notice, by: str, on: dt.date, reason: str) -> Notice:
    """Back to draft from review or approval: the review and approval are cleared."""
    _allowed(notice, Move.SEND_BACK, on)
    text = _reason(reason)
    return _next(
        notice,
        Move.SEND_BACK,
        _actor(by),
        on,
        state=State.DRAFT,
        review=None,
        approved_by=None,
        reason=text,
    )


def approve(notice: Notice, by: str, on: dt.date) -> Notice:
    """A supervisor's approval (four-eyes): not a drafter, not the overriding reviewer."""
    _allowed(notice, Move.APPROVE, on)
    if notice.review is None:
        raise Conflict(f"notice {notice.notice_id} has no compliance review yet")
    _reviewed(notice, notice.draft, notice.review, notice.drafters)
    actor = _actor(by)
    _four_eyes(actor, notice.drafters, notice.review)
    return _next(notice, Move.APPROVE, actor, on, state=State.APPROVED, approved_by=actor)


def issue(notice: Notice, by: str, on: dt.date) -> Notice:
    """Publish or diffuse the approved notice; valid for the kind's years from today."""
    _allowed(notice, Move.ISSUE, on)
    years = notice.draft.type.validity_years
    return _next(
        notice,
        Move.ISSUE,
        _actor(by),
        on,
        state=State.ISSUED,
        issued_on=on,
        expires_on=add_months(on, 12 * years),
        reason=notice.mode.value,
    )


def amend(
    notice: Notice,
    draft: NoticeDraft,
    result: Review,
    *,
    by: str,
    approved_by: str,
    on: dt.date,
    reason: str,
) -> Notice:
    """A new version of an issued notice: complete, reviewed, approved by another."""
    _allowed(notice, Move.AMEND, on)
    _before_expiry(notice, on, Move.AMEND)
    _same_kind(notice, draft)
    require_complete(draft)
    actor, approver = _actor(by), _actor(approved_by)
    _reviewed(notice, draft, result, frozenset({actor}))
    _four_eyes(approver, frozenset({actor}), result)
    return _next(
        notice,
        Move.AMEND,
        actor,
        on,
        draft=draft,
        drafters=frozenset({actor}),
        version=notice.version + 1,
        review=result,
        approved_by=approver,
        reason=_reason(reason),
    )


def suspend(notice: Notice, by: str, on: dt.date, reason: str) -> Notice:
    _allowed(notice, Move.SUSPEND, on)
    return _next(
        notice, Move.SUSPEND, _actor(by), on, state=State.SUSPENDED, reason=_reason(reason)
    )


def resume(notice: Notice, by: str, on: dt.date, reason: str) -> Notice:
    _allowed(notice, Move.RESUME, on)
    _before_expiry(notice, on, Move.RESUME)
    return _next(notice, Move.RESUME, _actor(by), on, state=State.ISSUED, reason=_reason(reason))


def renew(notice: Notice, by: str, on: dt.date, reason: str) -> Notice:
    """Extend validity by the kind's renewal years, with reasons, from the reminder on."""
    _allowed(notice, Move.RENEW, on)
    _before_expiry(notice, on, Move.RENEW)
    remind = reminder_date(notice)
    assert remind is not None and notice.expires_on is not None  # issued notices have both
    if on < remind:
        raise Conflict(
            f"notice {notice.notice_id} can be renewed from {remind.isoformat()}, "
            f"{notice.draft.type.reminder_months} months before it expires"
        )
    years = notice.draft.type.renewal_years
    return _next(
        notice,
        Move.RENEW,
        _actor(by),
        on,
        expires_on=add_months(notice.expires_on, 12 * years),
        reason=_reason(reason),
    )


def cancel(notice: Notice, by: str, on: dt.date, reason: str) -> Notice:
    """Cancel with a reason; every holder is told, and it raises no alerts anywhere."""
    _allowed(notice, Move.CANCEL, on)
    return _next(notice, Move.CANCEL, _actor(by), on, state=State.CANCELLED, reason=_reason(reason))


def expire(notice: Notice, by: str, on: dt.date) -> Notice:
    """On or after the expiry day, an issued or suspended notice expires."""
    _allowed(notice, Move.EXPIRE, on)
    assert notice.expires_on is not None  # issued notices have one
    if on < notice.expires_on:
        raise Conflict(
            f"notice {notice.notice_id} expires on {notice.expires_on.isoformat()}, not before"
        )
    return _next(notice, Move.EXPIRE, _actor(by), on, state=State.EXPIRED)


# --- checks ---------------------------------------------------------------------


def _allowed(notice: Notice, move: Move, on: dt.date) -> None:
    allowed = MOVES[notice.state]
    if move not in allowed:
        options = ", ".join(sorted(m.value for m in allowed)) or "nothing: it is final"
        raise Conflict(
            f"notice {notice.notice_id} is {notice.state.value}: it cannot {move.value} "
            f"(allowed: {options})"
        )
    if on < notice.last_day:
        raise InvalidInput(
            "on", on.isoformat(), f"before the notice's last change ({notice.last_day})"
        )


def _same_kind(notice: Notice, draft: NoticeDraft) -> None:
    if draft.kind is not notice.draft.kind:
        raise InvalidInput(
            "kind",
            draft.kind.value,
            f"notice {notice.notice_id} is a {notice.draft.kind.value} request; "
            "another kind is another notice",
        )


def _reviewed(
    notice: Notice,
    draft: NoticeDraft,
    result: Review,
    drafters: frozenset[str],
    *,
    must_pass: bool = True,
) -> None:
    if result.draft_digest != draft.digest:
        raise Conflict(
            f"the review of notice {notice.notice_id} is of another draft; review this one"
        )
    if not result.passed:
        if not must_pass:
            return  # a refusal is recorded: it sends the draft back
        reasons = "; ".join(r.text for r in result.denials)
        raise Conflict(f"the compliance review refused notice {notice.notice_id}: {reasons}")
    if result.override is not None and result.override.by in drafters:
        raise Conflict("a drafter cannot override the review of their own notice")


def _four_eyes(approver: str, drafters: frozenset[str], result: Review) -> None:
    if approver in drafters:
        raise Conflict(f"four-eyes: {approver} drafted this notice and cannot approve it")
    if result.override is not None and result.override.by == approver:
        raise Conflict(f"four-eyes: {approver} overrode the review and cannot also approve it")


def _before_expiry(notice: Notice, on: dt.date, move: Move) -> None:
    if notice.expires_on is not None and on >= notice.expires_on:
        raise Conflict(
            f"notice {notice.notice_id} expired on {notice.expires_on.isoformat()}: "
            f"it cannot {move.value}"
        )


def _actor(by: str) -> str:
    name = by.strip() if isinstance(by, str) else ""
    if not name:
        raise InvalidInput("by", by, "every move names who makes it")
    return name


def _reason(reason: str) -> str:
    text = reason.strip() if isinstance(reason, str) else ""
    if not MIN_REASON <= len(text) <= MAX_REASON:
        raise InvalidInput(
            "reason", reason, f"give the reason in {MIN_REASON}-{MAX_REASON} characters"
        )
    return text


def _next(
    notice: Notice,
    move: Move,
    by: str,
    on: dt.date,
    reason: str | None = None,
    **changes: object,
) -> Notice:
    version = changes.get("version", notice.version)
    assert isinstance(version, int)
    approver = changes.get("approved_by") if move is Move.AMEND else None
    event = Event(move, by, on, version, reason, approver if isinstance(approver, str) else None)
    return replace(notice, history=(*notice.history, event), **changes)  # type: ignore[arg-type]
