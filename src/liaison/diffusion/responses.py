"""Receivers' responses to a notice, and the deadlines both sides see. Pure.

A receiver answers in the notice's thread: acknowledged, located (for an
identifier list: a hit at a border post), detained, seized, not found, or
will not act in this country — with its ground (refugee status, the
request's political character, no legal basis, the statute of limitations,
...). Which responses a kind takes, and the deadlines that follow an event,
are data (``data/requests.yaml``): an arrest request is acknowledged within
48 hours of receipt, and a detention is confirmed by the originator within
24 hours. A deadline past due is *overdue*, not closed: a late answer is
still an answer. A response to a notice that is cancelled, expired (or past
its expiry day), or not issued is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from liaison.diffusion.kinds import RECEIVED, Party, RequestKind, ResponseKind, Step, request_type
from liaison.diffusion.lifecycle import Notice, State
from liaison.errors import Conflict, InvalidInput

MIN_TEXT = 10
MAX_TEXT = 4000


class Ground(StrEnum):
    """Why a receiver will not act on the request in its country."""

    REFUGEE_STATUS = "refugee_status"
    POLITICAL_CHARACTER = "political_character"
    MILITARY_CHARACTER = "military_character"
    RELIGIOUS_CHARACTER = "religious_character"
    RACIAL_CHARACTER = "racial_character"
    NO_LEGAL_BASIS = "no_legal_basis"
    STATUTE_OF_LIMITATIONS = "statute_of_limitations"
    OWN_NATIONAL = "own_national"  # the receiving country does not extradite its nationals
    NE_BIS_IN_IDEM = "ne_bis_in_idem"  # already tried for the same acts
    DEATH_PENALTY = "death_penalty"  # no assurance that it will not be imposed
    HUMAN_RIGHTS = "human_rights"
    OTHER = "other"  # stated in the text


@dataclass(frozen=True)
class Response:
    kind: ResponseKind
    by_node: str
    at: dt.datetime
    ground: Ground | None = None
    text: str | None = None


@dataclass(frozen=True)
class Deadline:
    after: str  # "received" or the response that triggered it
    who: Party
    step: Step
    due: dt.datetime
    met: bool

    def overdue(self, now: dt.datetime) -> bool:
        return not self.met and now > self.due


def check_response(notice: Notice, response: Response, *, originator: str) -> Response:
    """A receiver's response, checked against the notice as the receiver holds it."""
    return check_held(
        notice.notice_id,
        notice.draft.kind,
        notice.state,
        notice.expires_on,
        response,
        originator=originator,
    )


def check_held(
    notice_id: str,
    kind: RequestKind,
    state: State,
    expires_on: dt.date | None,
    response: Response,
    *,
    originator: str,
) -> Response:
    """:func:`check_response` on what a receiver holds of a notice: its id, kind,
    state and expiry day (a receiver never holds the originator's draft history)."""
    _aware(response.at, "at")
    if state.final:
        raise Conflict(f"notice {notice_id} is {state.value}: it takes no responses")
    if not state.issued:
        raise Conflict(f"notice {notice_id} is {state.value}: it was never issued")
    if expires_on is not None and response.at.date() >= expires_on:
        raise Conflict(
            f"notice {notice_id} expired on {expires_on.isoformat()}: it takes no responses"
        )
    if response.by_node == originator:
        raise InvalidInput("by_node", response.by_node, "the originator does not respond to itself")
    rt = request_type(kind)
    if response.kind not in rt.responses:
        known = ", ".join(sorted(r.value for r in rt.responses))
        raise InvalidInput("kind", response.kind.value, f"{rt.kind.value} requests take: {known}")
    return _checked_ground(response)


def _checked_ground(response: Response) -> Response:
    text = response.text.strip() if response.text else None
    if text is not None and len(text) > MAX_TEXT:
        raise InvalidInput("text", text, f"at most {MAX_TEXT} characters")
    refusing = response.kind is ResponseKind.WILL_NOT_ACT
    if refusing and response.ground is None:
        known = ", ".join(g.value for g in Ground)
        raise InvalidInput("ground", None, f"will not act needs its ground: one of {known}")
    if not refusing and response.ground is not None:
        raise InvalidInput("ground", response.ground.value, "a ground goes with will_not_act only")
    if response.ground is Ground.OTHER and (text is None or len(text) < MIN_TEXT):
        raise InvalidInput("text", text, f"ground other is explained in {MIN_TEXT}+ characters")
    return Response(response.kind, response.by_node, response.at, response.ground, text or None)


def deadlines(
    kind: RequestKind,
    received_at: dt.datetime,
    responses: Sequence[Response] = (),
    confirmations: Sequence[dt.datetime] = (),
) -> tuple[Deadline, ...]:
    """Every deadline of one receiver's thread: after receipt, and after each response.

    The receiver's acknowledgement is met by any response it gives; the
    originator's confirmation by a confirmation it sent after the response.
    """
    _aware(received_at, "received_at")
    rt = request_type(kind)
    events: list[tuple[str, dt.datetime]] = [(RECEIVED, received_at)]
    events += [(r.kind.value, r.at) for r in sorted(responses, key=lambda r: r.at)]
    out = []
    for after, at in events:
        for rule in rt.deadlines:
            if rule.after != after:
                continue
            if rule.step is Step.ACKNOWLEDGE:
                met = any(r.at >= at for r in responses)
            else:
                met = any(c >= at for c in confirmations)
            due = at + dt.timedelta(hours=rule.hours)
            out.append(Deadline(after, rule.who, rule.step, due, met))
    return tuple(out)


def _aware(value: dt.datetime, name: str) -> None:
    if value.tzinfo is None:
        raise InvalidInput(name, value.isoformat(), "a time with its time zone")
