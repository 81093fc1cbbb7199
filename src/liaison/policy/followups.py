"""Follow-up requests after a hit: the workflow's rules. Pure.

After a hit/no-hit query finds that a partner holds something, the requester
files a follow-up request for it, stating purpose and justification. The
originator's liaison officer then decides: approve (the whole record, or
chosen fields of it), deny with a reason, or ask for more; after "ask for
more" the requester replies and the request waits for a decision again.
Every step has a deadline, set by the side that takes the step for the
side that must act next (48 hours by default, as in Prüm II) and shown to
both sides; a request past its deadline is *overdue*, not closed: a late
answer is still an answer.

States::

    pending ──approve──▶ approved   (whole record)
       │    ──approve──▶ partly     (chosen fields)
       │    ──deny─────▶ denied
       └────more──────▶ more ──reply──▶ pending

``approved``, ``partly`` and ``denied`` are final. What an approval lets
through is the originator's *release* of the record to the requester: the
policy treats it like a consent for that partner (``Rule.RELEASE``), the
record travels through the federation with its markings, and withdrawing the
release withdraws the copy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from followthemoney import model

from liaison.errors import Conflict, InvalidInput

DEFAULT_HOURS = 48
MIN_JUSTIFICATION = 20
MAX_TEXT = 4000
MIN_REASON = 5


class State(StrEnum):
    PENDING = "pending"  # the originator decides
    MORE = "more"  # the requester replies
    APPROVED = "approved"
    PARTLY = "partly"
    DENIED = "denied"

    @property
    def final(self) -> bool:
        return self in _FINAL


_FINAL = frozenset({State.APPROVED, State.PARTLY, State.DENIED})


class Outcome(StrEnum):
    """What the originator's liaison officer decides."""

    APPROVE = "approve"
    DENY = "deny"
    MORE = "more"


class Step(StrEnum):
    """One entry of a request's history, kept on both sides."""

    REQUEST = "request"
    APPROVE = "approve"
    DENY = "deny"
    MORE = "more"
    REPLY = "reply"


@dataclass(frozen=True, slots=True)
class Decision:
    """A checked decision: the state it leads to, the fields released (None:
    the whole record), the reason given."""

    state: State
    fields: tuple[str, ...] | None
    reason: str


def deadline(now: dt.datetime, hours: int = DEFAULT_HOURS) -> dt.datetime:
    return now + dt.timedelta(hours=hours)


def overdue(state: State, due: dt.datetime | None, now: dt.datetime) -> bool:
    """A request still waiting for someone past its deadline."""
    return not state.final and due is not None and now > due


def check_justification(text: object) -> str:
    """The requester's justification: says why, in enough words to be reviewed."""
    if not isinstance(text, str) or not MIN_JUSTIFICATION <= len(text.strip()) <= MAX_TEXT:
        raise InvalidInput(
            "justification", text, f"state why, in {MIN_JUSTIFICATION}-{MAX_TEXT} characters"
        )
    return text.strip()


def check_reply(text: object) -> str:
    if not isinstance(text, str) or not MIN_REASON <= len(text.strip()) <= MAX_TEXT:
        raise InvalidInput("text", text, f"a reply of {MIN_REASON}-{MAX_TEXT} characters")
    return text.strip()


def decide(
    state: State,
    outcome: str,
    reason: object,
    fields: Sequence[str] | None,
    schemata: Sequence[str],
) -> Decision:
    """Check a liaison officer's decision on a pending request for records of
    these schemata; chosen fields must be properties they have."""
    if state is not State.PENDING:
        raise Conflict(f"the request is {state.value}: only a pending request can be decided")
    try:
        chosen = Outcome(outcome)
    except ValueError:
        known = ", ".join(o.value for o in Outcome)
        raise InvalidInput("decision", outcome, f"one of {known}") from None
    text = reason.strip() if isinstance(reason, str) else ""
    if len(text) > MAX_TEXT:
        raise InvalidInput("reason", reason, f"at most {MAX_TEXT} characters")
    if chosen is not Outcome.APPROVE:
        if len(text) < MIN_REASON:
            what = "a denial" if chosen is Outcome.DENY else "asking for more"
            raise InvalidInput("reason", reason, f"{what} needs a reason the requester can read")
        if fields:
            raise InvalidInput("fields", list(fields), "fields are chosen only when approving")
        return Decision(State.DENIED if chosen is Outcome.DENY else State.MORE, None, text)
    if fields is None:
        return Decision(State.APPROVED, None, text)
    return Decision(State.PARTLY, check_fields(fields, schemata), text)


def check_fields(fields: Sequence[str], schemata: Sequence[str]) -> tuple[str, ...]:
    """Chosen fields: at least one, each a property of every record's schema."""
    if isinstance(fields, str) or not fields:
        raise InvalidInput("fields", fields, "choose at least one field, or approve the whole")
    for name in fields:
        for schema_name in schemata:
            schema = model.get(schema_name)
            if schema is None or name not in schema.properties:
                raise InvalidInput("fields", name, f"not a property of {schema_name}")
    return tuple(sorted(set(fields)))


def check_records(chosen: Sequence[str] | None, concerned: Sequence[str]) -> frozenset[str]:
    """The records an approval releases: all those concerned, or the ones the
    officer chose among them (a name shared by several people)."""
    if chosen is None:
        return frozenset(concerned)
    if isinstance(chosen, str) or not chosen:
        raise InvalidInput("records", chosen, "choose at least one record, or omit to release all")
    for record_id in chosen:
        if record_id not in concerned:
            raise InvalidInput("records", record_id, "not one of the records this request concerns")
    return frozenset(chosen)


def after_reply(state: State) -> State:
    if state is not State.MORE:
        raise Conflict(f"the request is {state.value}: only a request asked for more is answered")
    return State.PENDING


def released(
    properties: Mapping[str, Sequence[str]], fields: Sequence[str] | None
) -> dict[str, list[str]]:
    """The properties a release lets through: all, or only the chosen fields."""
    if fields is None:
        return {k: list(v) for k, v in properties.items()}
    return {k: list(v) for k, v in properties.items() if k in fields}


__all__ = [
    "DEFAULT_HOURS",
    "Decision",
    "Outcome",
    "State",
    "Step",
    "after_reply",
    "check_fields",
    "check_justification",
    "check_records",
    "check_reply",
    "deadline",
    "decide",
    "overdue",
    "released",
]
