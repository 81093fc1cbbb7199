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
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from liaison.errors import MessageRefused

MAX_NOTICES = 200  # per message


class NoticeKind(StrEnum):
    HIT = "hit"


@dataclass(frozen=True, slots=True)
class Notice:
    """One checked notice from a peer."""

    id: int
    kind: NoticeKind
    record_id: str


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
    notice_id, kind, record = data.get("id"), data.get("kind"), data.get("record")
    if type(notice_id) is not int or not 0 < notice_id < 2**63:
        raise MessageRefused(f"notices.{index}.id", notice_id, "must be a positive integer")
    if kind not in {k.value for k in NoticeKind}:
        raise MessageRefused(f"notices.{index}.kind", kind, "not a notice this node knows")
    if not isinstance(record, str) or not 1 <= len(record) <= 64:
        raise MessageRefused(f"notices.{index}.record", record, "must be a record id")
    return Notice(notice_id, NoticeKind(kind), record)
