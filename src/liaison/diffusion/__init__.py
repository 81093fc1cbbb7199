"""Notices and diffusions: asking partners to act on a person or an object. Pure.

The rules only: request types (``kinds``, from ``data/requests.yaml``), the
draft (``drafts``), the compliance review before anything leaves
(``compliance``), the life cycle (``lifecycle``), receivers' responses and
deadlines (``responses``), and challenges by the person concerned
(``challenges``). Storage, federation messages, API, CLI and web pages build
on these (docs/notices.md). Not to be confused with ``federation.notices``,
the node-to-node events about hits and follow-up requests.
"""

from liaison.diffusion.challenges import (
    Answer,
    AnswerKind,
    Challenge,
    ChallengeKind,
    Restriction,
    Stage,
    Verdict,
    answer,
    open_challenge,
    route,
)
from liaison.diffusion.compliance import Outcome, Reason, Review, Rule, override, review, weakness
from liaison.diffusion.drafts import (
    Distribution,
    DraftRejected,
    Mode,
    NoticeDraft,
    Problem,
    missing,
    parse_draft,
    require_complete,
)
from liaison.diffusion.kinds import (
    Colour,
    RequestKind,
    RequestType,
    ResponseKind,
    default_catalogue,
    request_type,
)
from liaison.diffusion.lifecycle import (
    MOVES,
    Event,
    Move,
    Notice,
    State,
    allowed_moves,
    expiry_due,
    raises_alerts,
    reminded_by,
    reminder_date,
    reminder_due,
)
from liaison.diffusion.responses import Deadline, Ground, Response, check_response, deadlines

__all__ = [
    "MOVES",
    "Answer",
    "AnswerKind",
    "Challenge",
    "ChallengeKind",
    "Colour",
    "Deadline",
    "Distribution",
    "DraftRejected",
    "Event",
    "Ground",
    "Mode",
    "Move",
    "Notice",
    "NoticeDraft",
    "Outcome",
    "Problem",
    "Reason",
    "RequestKind",
    "RequestType",
    "Response",
    "ResponseKind",
    "Restriction",
    "Review",
    "Rule",
    "Stage",
    "State",
    "Verdict",
    "allowed_moves",
    "answer",
    "check_response",
    "deadlines",
    "default_catalogue",
    "expiry_due",
    "missing",
    "open_challenge",
    "override",
    "parse_draft",
    "raises_alerts",
    "reminded_by",
    "reminder_date",
    "reminder_due",
    "request_type",
    "require_complete",
    "review",
    "route",
    "weakness",
]
