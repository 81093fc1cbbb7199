"""The stored form of the diffusion objects: plain JSON-safe dicts and back. Pure.

The node keeps notices (with their draft, compliance review and history),
receivers' responses, and challenges with their decisions in its database as
JSON text. Each ``*_to_dict`` gives only ``str``, ``int``, ``bool``, ``None``,
lists and dicts (dates as ``YYYY-MM-DD``, times as ISO 8601 with their UTC
offset, sets as sorted lists, enums by value), and each ``*_from_dict`` reads
that form back to an equal object: ``notice_from_dict(notice_to_dict(n)) == n``.

The draft is stored as :meth:`NoticeDraft.to_dict` gives it (the form its
digest is taken of, so a review's ``draft_digest`` still names it) and read
back with :func:`parse_draft`; the markings and the source evaluation go
through their own ``to_dict``/``from_dict``. ``parse_draft`` normalises what
it reads (text stripped, choices sorted, empty values dropped), which every
draft it built already is; a draft built by hand that would read back
otherwise is refused when written (:class:`InvalidInput` on ``draft``),
never stored to come back changed.

Reading malformed data raises :class:`InvalidInput` naming the field by its
path (``history[2].on``, ``review.reasons[0].rule``); keys that are derived
(``passed``, ``overridable``) are written for readers of the stored JSON and
ignored when read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from enum import StrEnum
from typing import Any, TypeVar

from liaison.diffusion.challenges import (
    Challenge,
    ChallengeKind,
    Decision,
    Restriction,
    Verdict,
)
from liaison.diffusion.compliance import Outcome, Override, Reason, Review, Rule
from liaison.diffusion.drafts import NoticeDraft, parse_draft
from liaison.diffusion.kinds import ResponseKind
from liaison.diffusion.lifecycle import Event, Move, Notice, State
from liaison.diffusion.responses import Ground, Response
from liaison.errors import InvalidInput
from liaison.model.markings import Markings

E = TypeVar("E", bound=StrEnum)


# --- notices ----------------------------------------------------------------------


def notice_to_dict(notice: Notice) -> dict[str, Any]:
    """A notice as stored: its draft, review, approval, validity and whole history."""
    return {
        "notice_id": notice.notice_id,
        "state": notice.state.value,
        "version": notice.version,
        "drafters": sorted(notice.drafters),
        "draft": draft_to_dict(notice.draft),
        "review": None if notice.review is None else review_to_dict(notice.review),
        "approved_by": notice.approved_by,
        "issued_on": _day(notice.issued_on),
        "expires_on": _day(notice.expires_on),
        "history": [_event_to_dict(e) for e in notice.history],
    }


def notice_from_dict(data: Mapping[str, Any]) -> Notice:
    """A notice from its stored form; a malformed one raises InvalidInput naming the field."""
    data = _mapping(data, "notice")
    raw_review = _key(data, "review", "notice")
    history = _list(_key(data, "history", "notice"), "history")
    return Notice(
        notice_id=_text(_key(data, "notice_id", "notice"), "notice_id"),
        draft=draft_from_dict(_mapping(_key(data, "draft", "notice"), "draft")),
        state=one_of(State, _key(data, "state", "notice"), "state"),
        drafters=frozenset(_texts(_key(data, "drafters", "notice"), "drafters")),
        version=_version(_key(data, "version", "notice"), "version"),
        review=None if raw_review is None else _review(raw_review, "review"),
        approved_by=_optional_text(_key(data, "approved_by", "notice"), "approved_by"),
        issued_on=_optional_day(_key(data, "issued_on", "notice"), "issued_on"),
        expires_on=_optional_day(_key(data, "expires_on", "notice"), "expires_on"),
        history=tuple(_event(item, f"history[{i}]") for i, item in enumerate(history)),
    )


def draft_to_dict(draft: NoticeDraft) -> dict[str, Any]:
    """The draft as :meth:`NoticeDraft.to_dict` gives it, checked to read back equal."""
    stored = draft.to_dict()
    if draft_from_dict(stored) != draft:
        raise InvalidInput(
            "draft",
            draft.to_dict(),
            "would not read back as it is (parse_draft normalises it): build drafts "
            "with parse_draft",
        )
    return stored


def draft_from_dict(data: Mapping[str, Any]) -> NoticeDraft:
    """A stored draft, read with :func:`parse_draft` (its own date is stored beside it)."""
    data = _mapping(data, "draft")
    drafted_on = _day_value(_key(data, "drafted_on", "draft"), "draft.drafted_on")
    body = {k: v for k, v in data.items() if k != "drafted_on"}
    with _within("draft"):
        return parse_draft(body, drafted_on)


def _event_to_dict(event: Event) -> dict[str, Any]:
    return {
        "move": event.move.value,
        "by": event.by,
        "on": event.on.isoformat(),
        "version": event.version,
        "reason": event.reason,
        **({"approved_by": event.approved_by} if event.approved_by else {}),
    }


def _event(value: Any, where: str) -> Event:
    data = _mapping(value, where)
    return Event(
        move=one_of(Move, _key(data, "move", where), f"{where}.move"),
        by=_text(_key(data, "by", where), f"{where}.by"),
        on=_day_value(_key(data, "on", where), f"{where}.on"),
        version=_version(_key(data, "version", where), f"{where}.version"),
        reason=_optional_text(_key(data, "reason", where), f"{where}.reason"),
        approved_by=_optional_text(data.get("approved_by"), f"{where}.approved_by"),
    )


# --- compliance reviews -----------------------------------------------------------


def review_to_dict(result: Review) -> dict[str, Any]:
    """The review as :meth:`Review.to_dict` gives it (``passed`` and each reason's
    ``overridable`` are derived: written, ignored when read)."""
    return result.to_dict()


def review_from_dict(data: Mapping[str, Any]) -> Review:
    return _review(data, "review")


def _review(value: Any, where: str) -> Review:
    data = _mapping(value, where)
    reasons = _list(_key(data, "reasons", where), f"{where}.reasons")
    raw_override = _key(data, "override", where)
    return Review(
        outcome=one_of(Outcome, _key(data, "outcome", where), f"{where}.outcome"),
        reasons=tuple(_reason(r, f"{where}.reasons[{i}]") for i, r in enumerate(reasons)),
        draft_digest=_text(_key(data, "draft_digest", where), f"{where}.draft_digest"),
        reviewed_on=_day_value(_key(data, "reviewed_on", where), f"{where}.reviewed_on"),
        markings=_markings(_key(data, "markings", where), f"{where}.markings"),
        override=None if raw_override is None else _override(raw_override, f"{where}.override"),
    )


def _reason(value: Any, where: str) -> Reason:
    data = _mapping(value, where)
    effect = _key(data, "effect", where)
    if effect not in ("deny", "allow"):
        raise InvalidInput(f"{where}.effect", effect, "must be deny or allow")
    return Reason(
        rule=one_of(Rule, _key(data, "rule", where), f"{where}.rule"),
        denies=effect == "deny",
        text=_text(_key(data, "text", where), f"{where}.text"),
        evidence=tuple(_texts(_key(data, "evidence", where), f"{where}.evidence")),
    )


def _override(value: Any, where: str) -> Override:
    data = _mapping(value, where)
    return Override(
        by=_text(_key(data, "by", where), f"{where}.by"),
        justification=_text(_key(data, "justification", where), f"{where}.justification"),
        on=_day_value(_key(data, "on", where), f"{where}.on"),
    )


def _markings(value: Any, where: str) -> Markings:
    data = _mapping(value, where)
    with _within(where.removesuffix(".markings")):  # its errors say "markings.tlp" already
        return Markings.from_dict(dict(data))


# --- responses --------------------------------------------------------------------


def response_to_dict(response: Response) -> dict[str, Any]:
    """A receiver's response; its time in ISO 8601 with the UTC offset."""
    return {
        "kind": response.kind.value,
        "by_node": response.by_node,
        "at": _time(response.at),
        "ground": None if response.ground is None else response.ground.value,
        "text": response.text,
    }


def response_from_dict(data: Mapping[str, Any]) -> Response:
    data = _mapping(data, "response")
    ground = _key(data, "ground", "response")
    return Response(
        kind=one_of(ResponseKind, _key(data, "kind", "response"), "kind"),
        by_node=_text(_key(data, "by_node", "response"), "by_node"),
        at=_time_value(_key(data, "at", "response"), "at"),
        ground=None if ground is None else one_of(Ground, ground, "ground"),
        text=_optional_text(_key(data, "text", "response"), "text"),
    )


# --- challenges -------------------------------------------------------------------


def challenge_to_dict(challenge: Challenge) -> dict[str, Any]:
    return {
        "challenge_id": challenge.challenge_id,
        "kind": challenge.kind.value,
        "received_on": challenge.received_on.isoformat(),
        "originator": challenge.originator,
        "records": list(challenge.records),
        "correction": challenge.correction,
        "due_on": _day(challenge.due_on),
        "extended": challenge.extended,
    }


def challenge_from_dict(data: Mapping[str, Any]) -> Challenge:
    data = _mapping(data, "challenge")
    return Challenge(
        challenge_id=_text(_key(data, "challenge_id", "challenge"), "challenge_id"),
        kind=one_of(ChallengeKind, _key(data, "kind", "challenge"), "kind"),
        received_on=_day_value(_key(data, "received_on", "challenge"), "received_on"),
        originator=_text(_key(data, "originator", "challenge"), "originator"),
        records=tuple(_texts(_key(data, "records", "challenge"), "records")),
        correction=_optional_text(_key(data, "correction", "challenge"), "correction"),
        due_on=_optional_day(_key(data, "due_on", "challenge"), "due_on"),
        extended=_flag(_key(data, "extended", "challenge"), "extended"),
    )


def decision_to_dict(decision: Decision) -> dict[str, Any]:
    """The originator's decision on a challenge (restriction grounds sorted)."""
    return {
        "verdict": decision.verdict.value,
        "reasons": decision.reasons,
        "by": decision.by,
        "on": decision.on.isoformat(),
        "records": list(decision.records),
        "restrictions": sorted(r.value for r in decision.restrictions),
        "late": decision.late,
    }


def decision_from_dict(data: Mapping[str, Any]) -> Decision:
    data = _mapping(data, "decision")
    restrictions = _list(_key(data, "restrictions", "decision"), "restrictions")
    return Decision(
        verdict=one_of(Verdict, _key(data, "verdict", "decision"), "verdict"),
        reasons=_text(_key(data, "reasons", "decision"), "reasons"),
        by=_text(_key(data, "by", "decision"), "by"),
        on=_day_value(_key(data, "on", "decision"), "on"),
        records=tuple(_texts(_key(data, "records", "decision"), "records")),
        restrictions=frozenset(
            one_of(Restriction, r, f"restrictions[{i}]") for i, r in enumerate(restrictions)
        ),
        late=_flag(_key(data, "late", "decision"), "late"),
    )


# --- reading, each value checked --------------------------------------------------


@contextmanager
def _within(prefix: str) -> Iterator[None]:
    """Name the field of an error raised by a model parser by its path in the stored form."""
    try:
        yield
    except InvalidInput as error:
        field = f"{prefix}.{error.field}" if prefix else error.field
        raise InvalidInput(field, error.value, error.reason) from error


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidInput(where, value, "must be an object")
    return value


def _key(data: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in data:
        field = key if where in _TOP else f"{where}.{key}"
        raise InvalidInput(field, None, "missing from the stored form")
    return data[key]


#: The objects whose own keys are named without a prefix (``state``, not ``notice.state``).
_TOP = frozenset({"notice", "response", "challenge", "decision"})


def _text(value: Any, field: str) -> str:
    if not isinstance(value, str):
        raise InvalidInput(field, value, "must be text")
    return value


def _optional_text(value: Any, field: str) -> str | None:
    return None if value is None else _text(value, field)


def _list(value: Any, field: str) -> list[Any]:
    if not isinstance(value, list):
        raise InvalidInput(field, value, "must be a list")
    return value


def _texts(value: Any, field: str) -> list[str]:
    return [_text(item, f"{field}[{i}]") for i, item in enumerate(_list(value, field))]


def _flag(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(field, value, "must be true or false")
    return value


def _version(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInput(field, value, "must be a version number (1 or more)")
    return value


def one_of(kind: type[E], value: Any, field: str) -> E:
    """The member of a closed vocabulary a value names, or InvalidInput naming the
    field, the value and the members."""
    try:
        return kind(value)
    except (ValueError, TypeError):
        known = ", ".join(k.value for k in kind)
        raise InvalidInput(field, value, f"must be one of {known}") from None


def _day(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _day_value(value: Any, field: str) -> dt.date:
    if not isinstance(value, str):
        raise InvalidInput(field, value, "must be a date as YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(field, value, "must be a date as YYYY-MM-DD") from None


def _optional_day(value: Any, field: str) -> dt.date | None:
    return None if value is None else _day_value(value, field)


def _time(value: dt.datetime) -> str:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput("at", value.isoformat(), "a time with its time zone")
    return value.isoformat()


def _time_value(value: Any, field: str) -> dt.datetime:
    reason = "must be a time in ISO 8601 with its UTC offset"
    if not isinstance(value, str):
        raise InvalidInput(field, value, reason)
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(field, value, reason) from None
    if parsed.tzinfo is None:
        raise InvalidInput(field, value, reason)
    return parsed
