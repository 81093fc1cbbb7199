"""Challenges by the person concerned: access, correction, deletion. Pure.

Anyone may ask any node for access to the data about them, or for its
correction or deletion. The node that receives the request is often not the
one whose data it is: it routes the request to each originator (indirect
access), and **never confirms that data exists without the originator's
leave**. The originator's officer decides — grant, refuse or partly — with
reasons and before a deadline; refusing access names its restriction ground
(Directive (EU) 2016/680, Article 15: not to obstruct inquiries, not to
prejudice the prevention or prosecution of offences, public or national
security, the rights of others).

What the requester hears (:func:`answer`) depends only on the stage, whether
this node is the originator, the originator's leave and the decision —
never on whether a receiving node holds anything: a node that holds nothing
closes the request with the same words, in the same time, as a node whose
originator refused. An answer that confirms data exists is given only by the
originator, or with its leave, and only when it granted access in whole or
in part. A refusal and "nothing held" read the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from liaison.errors import Conflict, InvalidInput, NotFound

MIN_REASON = 20
MAX_TEXT = 4000
#: Days the originator has to decide, from the day any node received the request.
DECIDE_WITHIN_DAYS = {"access": 30, "correction": 30, "deletion": 30}
#: The most a deadline can be extended, once, with reasons.
MAX_EXTENSION_DAYS = 60


class ChallengeKind(StrEnum):
    ACCESS = "access"
    CORRECTION = "correction"
    DELETION = "deletion"


class Verdict(StrEnum):
    GRANT = "grant"
    REFUSE = "refuse"
    PARTLY = "partly"


class Restriction(StrEnum):
    """Grounds for restricting access (Directive (EU) 2016/680, Article 15(1))."""

    OBSTRUCT_INQUIRY = "obstruct_inquiry"
    PREJUDICE_PREVENTION = "prejudice_prevention"  # prevention, investigation, prosecution
    PUBLIC_SECURITY = "public_security"
    NATIONAL_SECURITY = "national_security"
    RIGHTS_OF_OTHERS = "rights_of_others"


class Stage(StrEnum):
    RECEIVED = "received"  # taken in by a node
    ROUTED = "routed"  # sent on to the originator(s)
    DECIDED = "decided"  # decided by the originator, or closed by a node holding nothing


class AnswerKind(StrEnum):
    RECEIVED = "received"
    VERIFIED = "verified"
    DECISION = "decision"


_RECEIVED_TEXT = (
    "Your request has been received and is being handled. This reply does not confirm "
    "or deny that any data about you is held."
)
_VERIFIED_TEXT = (
    "All necessary verifications have been carried out. This reply does not confirm or "
    "deny that any data about you is held. You may refer the matter to the supervisory "
    "authority."
)
_DECISION_TEXT = {
    (ChallengeKind.ACCESS, Verdict.GRANT): "Access is granted to the data held about you.",
    (ChallengeKind.ACCESS, Verdict.PARTLY): "Access is granted to part of the data held about you.",
    (ChallengeKind.CORRECTION, Verdict.GRANT): "The data about you has been corrected.",
    (ChallengeKind.CORRECTION, Verdict.PARTLY): "Part of the data about you has been corrected.",
    (ChallengeKind.DELETION, Verdict.GRANT): "The data about you has been deleted.",
    (ChallengeKind.DELETION, Verdict.PARTLY): "Part of the data about you has been deleted.",
}


@dataclass(frozen=True)
class Challenge:
    challenge_id: str
    kind: ChallengeKind
    received_on: dt.date  # by whichever node took it in
    originator: str  # the node whose records it concerns, which decides
    records: tuple[str, ...]  # the originator's records concerned (never shown to the requester)
    correction: str | None = None  # for a correction: what the person says is wrong
    due_on: dt.date | None = None  # set by :func:`open_challenge`; moved once by :func:`extend`
    extended: bool = False


@dataclass(frozen=True)
class Routing:
    """Where a challenge goes: records this node decides on, and those it forwards."""

    local: tuple[str, ...]
    forward: Mapping[str, tuple[str, ...]]  # originator node id → its records


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    reasons: str
    by: str
    on: dt.date
    records: tuple[str, ...]  # disclosed, corrected or deleted
    restrictions: frozenset[Restriction]
    late: bool  # decided after the deadline: still a decision


@dataclass(frozen=True)
class Answer:
    kind: AnswerKind
    text: str
    confirms: bool  # whether the answer reveals that data about the person is held
    verdict: Verdict | None = None


def route(records: Sequence[str], holdings: Mapping[str, str], node_id: str) -> Routing:
    """Group the records a challenge concerns by originator. A record this node does
    not hold is an error for the officer (NotFound); the requester still gets the
    neutral answer."""
    local: list[str] = []
    forward: dict[str, list[str]] = {}
    for record_id in dict.fromkeys(records):
        origin = holdings.get(record_id)
        if origin is None:
            raise NotFound("record", record_id)
        if origin == node_id:
            local.append(record_id)
        else:
            forward.setdefault(origin, []).append(record_id)
    return Routing(tuple(local), {k: tuple(v) for k, v in sorted(forward.items())})


def open_challenge(
    challenge_id: str,
    kind: ChallengeKind,
    *,
    received_on: dt.date,
    originator: str,
    records: Iterable[str],
    correction: str | None = None,
) -> Challenge:
    """A checked challenge, with its deadline."""
    found = tuple(dict.fromkeys(records))
    if not challenge_id.strip():
        raise InvalidInput("challenge_id", challenge_id, "a challenge has an id")
    if not found:
        raise InvalidInput("records", [], "a challenge concerns at least one record")
    text = correction.strip() if correction else None
    if kind is ChallengeKind.CORRECTION and not (text and MIN_REASON <= len(text) <= MAX_TEXT):
        raise InvalidInput(
            "correction", correction, f"say what is wrong, in {MIN_REASON}-{MAX_TEXT} characters"
        )
    if kind is not ChallengeKind.CORRECTION and text:
        raise InvalidInput("correction", correction, "only a correction request carries one")
    due = received_on + dt.timedelta(days=DECIDE_WITHIN_DAYS[kind.value])
    return Challenge(challenge_id, kind, received_on, originator, found, text, due)


def extend(challenge: Challenge, days: int, reason: str) -> Challenge:
    """Move the deadline once, by at most MAX_EXTENSION_DAYS, with a reason."""
    if challenge.extended:
        raise Conflict(f"challenge {challenge.challenge_id}: its deadline was extended already")
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise InvalidInput("days", days, f"1 to {MAX_EXTENSION_DAYS} days")
    _reasons(reason, "reason")
    assert challenge.due_on is not None  # open_challenge sets it
    due = challenge.due_on + dt.timedelta(days=days)
    return replace(challenge, due_on=due, extended=True)


def decide(
    challenge: Challenge,
    verdict: Verdict,
    *,
    node_id: str,
    by: str,
    on: dt.date,
    reasons: str,
    records: Iterable[str] = (),
    restrictions: Iterable[Restriction] = (),
) -> Decision:
    """The originator's officer's decision, with reasons."""
    if node_id != challenge.originator:
        raise Conflict(
            f"challenge {challenge.challenge_id} is decided by the originator "
            f"{challenge.originator}, not by {node_id}"
        )
    if not by.strip():
        raise InvalidInput("by", by, "the deciding officer is named")
    if on < challenge.received_on:
        raise InvalidInput("on", on.isoformat(), "before the challenge was received")
    text = _reasons(reasons, "reasons")
    chosen, grounds = tuple(dict.fromkeys(records)), frozenset(restrictions)
    _check_records(challenge, verdict, chosen)
    _check_restrictions(challenge, verdict, grounds)
    late = challenge.due_on is not None and on > challenge.due_on
    return Decision(verdict, text, by.strip(), on, chosen, grounds, late)


def answer(
    stage: Stage,
    *,
    at_originator: bool,
    leave: bool = False,
    decision: Decision | None = None,
    kind: ChallengeKind = ChallengeKind.ACCESS,
) -> Answer:
    """What a node may tell the requester at this stage.

    Before a decision: received, whoever asks. After it: the decision itself only
    when access (or the correction, or the deletion) was granted in whole or in
    part, and only by the originator or with its leave; otherwise — refused,
    nothing held, or no leave — the same neutral "verified" answer.
    """
    if stage is not Stage.DECIDED:
        return Answer(AnswerKind.RECEIVED, _RECEIVED_TEXT, confirms=False)
    may_tell = at_originator or leave
    if decision is None or decision.verdict is Verdict.REFUSE or not may_tell:
        return Answer(AnswerKind.VERIFIED, _VERIFIED_TEXT, confirms=False)
    text = _DECISION_TEXT[(kind, decision.verdict)]
    return Answer(AnswerKind.DECISION, text, confirms=True, verdict=decision.verdict)


def _check_records(challenge: Challenge, verdict: Verdict, chosen: tuple[str, ...]) -> None:
    if verdict is Verdict.REFUSE and chosen:
        raise InvalidInput("records", list(chosen), "a refusal discloses, corrects or deletes none")
    if verdict is not Verdict.REFUSE and not chosen:
        raise InvalidInput("records", [], f"{verdict.value}: name the records it applies to")
    stray = [r for r in chosen if r not in challenge.records]
    if stray:
        raise InvalidInput("records", stray, "not records this challenge concerns")
    if verdict is Verdict.GRANT and set(chosen) != set(challenge.records):
        raise InvalidInput("records", list(chosen), "grant covers every record; use partly")


def _check_restrictions(
    challenge: Challenge, verdict: Verdict, grounds: frozenset[Restriction]
) -> None:
    restricting = verdict is not Verdict.GRANT and challenge.kind is ChallengeKind.ACCESS
    if restricting and not grounds:
        known = ", ".join(r.value for r in Restriction)
        raise InvalidInput(
            "restrictions", [], f"restricting access names its ground(s): one or more of {known}"
        )
    if grounds and not restricting:
        raise InvalidInput(
            "restrictions",
            sorted(g.value for g in grounds),
            "restriction grounds go with refusing access in whole or in part",
        )


def _reasons(text: object, name: str) -> str:
    value = text.strip() if isinstance(text, str) else ""
    if not MIN_REASON <= len(value) <= MAX_TEXT:
        raise InvalidInput(name, text, f"give reasons in {MIN_REASON}-{MAX_TEXT} characters")
    return value
