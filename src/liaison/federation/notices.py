"""Notices: node-to-node events that are not record changes. Pure.

A notice is ``{"id", "kind", ...}``; a batch travels in one signed
``notices`` message and is acknowledged by the ids taken in. Ids are the
sender's, increasing per sender; the receiver keeps them, so a notice resent
after a lost answer takes effect once.

Kinds:

``hit``
    "A partner has a record that matches your record ``record``." The
    partner's cross-matching found one of its own records close to a copy
    the receiver sent it, and its policy allows telling the receiver (the
    partner's own record may at least be offered as hit/no-hit to it). The
    notice names only the receiver's record: no data, name, score or id of
    the partner's record travels; a follow-up request is how details move.

``request``
    A follow-up request (``liaison.policy.followups``): after a hit, the
    sender asks for what the receiver holds under the hit's opaque
    ``reference`` (the agreement and key period it was found under), with
    purpose, justification, the requesting officer and the deadline.

``decision``
    The originator's decision on a request: ``state`` approved, partly
    (chosen ``fields``), denied or more (a question, with a new deadline for
    the reply); approved data follows through the changes channel, and
    ``records`` names the records that will arrive.

``reply``
    The requester's answer to "ask for more", with the originator's new
    deadline.

``diffusion``, ``response``, ``challenge``, ``challenge_decision``
    Notices and diffusions (``liaison.diffusion``): the current version of a
    notice as a partner holds it (sent at issue and at every change), a
    response in a notice's thread, a person's challenge routed to the
    originator and its decision. Each carries an object under ``body``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from liaison.errors import MessageRefused
from liaison.model.vocab import Purpose

MAX_NOTICES = 200  # per message
MAX_TEXT = 4000
MAX_RECORDS = 100


class NoticeKind(StrEnum):
    HIT = "hit"
    REQUEST = "request"
    DECISION = "decision"
    REPLY = "reply"
    DIFFUSION = "diffusion"  # a notice of ours, as a partner holds it (liaison.diffusion)
    RESPONSE = "response"  # a receiver's response, or the originator's confirmation
    CHALLENGE = "challenge"  # a person's request, routed to the originator of the records
    CHALLENGE_DECISION = "challenge_decision"  # the originator's decision, back to the origin


#: The kinds that carry notices and diffusions (``liaison.node.diffusion``): a
#: checked object under ``body``, read field by field by the node.
DIFFUSION_KINDS = frozenset(
    {NoticeKind.DIFFUSION, NoticeKind.RESPONSE, NoticeKind.CHALLENGE, NoticeKind.CHALLENGE_DECISION}
)


@dataclass(frozen=True, slots=True)
class Notice:
    """One checked notice from a peer; ``body`` holds the checked fields of its kind."""

    id: int
    kind: NoticeKind
    record_id: str | None = None
    body: Mapping[str, Any] = field(default_factory=dict)


def hit(notice_id: int, record_id: str) -> dict[str, Any]:
    return {"id": notice_id, "kind": NoticeKind.HIT.value, "record": record_id}


def check_notices(body: dict[str, Any]) -> list[Notice]:
    """The notices of a message body, checked; refuse the message if any is malformed."""
    raw = body.get("notices")
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_NOTICES:
        raise MessageRefused("notices", type(raw).__name__, f"must be a list of 1-{MAX_NOTICES}")
    return [_notice(i, data) for i, data in enumerate(raw)]


def _notice(index: int, data: Any) -> Notice:
    if not isinstance(data, dict):
        raise MessageRefused(f"notices.{index}", data, "must be an object")
    notice_id, kind = data.get("id"), data.get("kind")
    if type(notice_id) is not int or not 0 < notice_id < 2**63:
        raise MessageRefused(f"notices.{index}.id", notice_id, "must be a positive integer")
    if kind not in {k.value for k in NoticeKind}:
        raise MessageRefused(f"notices.{index}.kind", kind, "not a notice this node knows")
    chosen = NoticeKind(kind)
    if chosen is NoticeKind.HIT:
        record = data.get("record")
        if not isinstance(record, str) or not 1 <= len(record) <= 64:
            raise MessageRefused(f"notices.{index}.record", record, "must be a record id")
        return Notice(notice_id, chosen, record)
    where = f"notices.{index}"
    return Notice(
        notice_id, chosen, None, {k: c(where, k, data.get(k)) for k, c in _FIELDS[chosen]}
    )


# --- field checks --------------------------------------------------------------------


def _text(most: int, least: int = 1, optional: bool = False) -> Callable[[str, str, Any], Any]:
    def check(where: str, name: str, value: Any) -> Any:
        if value is None and optional:
            return None
        if not isinstance(value, str) or not least <= len(value) <= most:
            raise MessageRefused(f"{where}.{name}", value, f"must be text of {least}-{most}")
        return value

    return check


def _time(optional: bool = False) -> Callable[[str, str, Any], Any]:
    def check(where: str, name: str, value: Any) -> Any:
        if value is None and optional:
            return None
        try:
            found = dt.datetime.fromisoformat(str(value))
        except ValueError:
            found = None
        if found is None or found.tzinfo is None:
            raise MessageRefused(f"{where}.{name}", value, "must be a time with its zone")
        return found

    return check


def _names(most: int, optional: bool = False) -> Callable[[str, str, Any], Any]:
    def check(where: str, name: str, value: Any) -> Any:
        if value is None and optional:
            return None
        if (
            not isinstance(value, list)
            or len(value) > most
            or not all(isinstance(v, str) and 1 <= len(v) <= 64 for v in value)
        ):
            raise MessageRefused(f"{where}.{name}", value, f"must be a list of up to {most} names")
        return tuple(value)

    return check


def _one_of(*values: str) -> Callable[[str, str, Any], Any]:
    def check(where: str, name: str, value: Any) -> Any:
        if value not in values:
            raise MessageRefused(f"{where}.{name}", value, f"one of {', '.join(values)}")
        return value

    return check


def _object(most: int) -> Callable[[str, str, Any], Any]:
    def check(where: str, name: str, value: Any) -> Any:
        if not isinstance(value, dict) or not 1 <= len(value) <= most:
            raise MessageRefused(f"{where}.{name}", value, f"must be an object of 1-{most} keys")
        return value

    return check


_REQUEST_ID = _text(64, 8)
_FIELDS: dict[NoticeKind, tuple[tuple[str, Callable[[str, str, Any], Any]], ...]] = {
    NoticeKind.REQUEST: (
        ("request", _REQUEST_ID),
        ("reference", _text(32, 8)),
        ("also", _names(32, optional=True)),  # a person's other keys that hit
        ("agreement", _text(80)),
        ("period", _text(80)),  # a key period, or hub:<project>
        ("purpose", _one_of(*(p.value for p in Purpose))),
        ("justification", _text(MAX_TEXT)),
        ("asked_by", _text(255)),
        ("due", _time()),
    ),
    NoticeKind.DECISION: (
        ("request", _REQUEST_ID),
        ("state", _one_of("approved", "partly", "denied", "more")),
        ("fields", _names(200, optional=True)),
        ("reason", _text(MAX_TEXT, 0)),
        ("records", _names(MAX_RECORDS)),
        ("decided_by", _text(255)),
        ("due", _time(optional=True)),
    ),
    NoticeKind.REPLY: (
        ("request", _REQUEST_ID),
        ("text", _text(MAX_TEXT)),
        ("by", _text(255)),
        ("due", _time()),
    ),
    **{kind: (("body", _object(40)),) for kind in DIFFUSION_KINDS},
}
