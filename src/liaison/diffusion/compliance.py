"""The compliance review of a notice before it leaves the node. Pure.

``review(draft, subjects, node_id=..., today=...)`` returns a :class:`Review`:
*passed*, or *refused* with every reason that applied (reasons that allow
are kept too, so that the reviewer reads the whole explanation). The rules:

- **fields** and **references**: every required field and legal reference
  of the kind is present; dates of events are not after the review day, and
  a threat's end is not before it;
- **subjects**: every record the draft names is given to the review, is not a
  tombstone, is of a schema the kind may concern, and at least one is of the
  kind's primary schemata (an arrest request names a person);
- **identifying**: each subject carries the minimum identifying data of its
  schema for this kind (``data/requests.yaml``);
- **retention**: no subject is expired or past its review date;
- **originator**: a subject received from another node is onward sharing:
  its originator's consent for this notice is needed;
- **neutrality** (INTERPOL Constitution, Article 3): the neutrality gate's
  signals (``policy/neutrality.py``) in the notice's screened fields and in
  the subjects' data refuse the request as possibly predominantly political,
  military, religious or racial, citing each signal;
- **held**: a subject held at the neutrality gate refuses it until the
  auditor releases the record (the reviewer cannot override the auditor);
- **grading**: a coercive request needs a source evaluation, and none of it
  weak: Admiralty source E or F or information 5 or 6, Europol source X or
  information 4 (the same line as ``policy.decide`` draws for coercive
  alerts), in the draft or in any subject;
- **markings**: the notice travels with the tightest markings of the draft and
  its subjects. TLP:RED is never published to all, and never put on an
  identifier list (border posts must see it); a coercive request under
  PAP:AMBER or PAP:RED is refused (those allow no detectable action);
- **handling**: H2 (no dissemination without the provider's permission) on
  the draft or on this node's own subjects needs the originator's explicit
  release for this notice (``releases: ["H2"]``); H1 (no judicial use) the
  same for an arrest request, whose purpose is extradition proceedings; an H3
  condition travels with the notice.

An unmarked draft or record counts as TLP:AMBER+STRICT with H2
(``Markings.effective``), so it needs the H2 release to go anywhere.

Only neutrality refusals can be overridden, because the predominance test
is a human judgement that the signals only prompt: :func:`override` takes the
reviewer's written justification, and the override is part of the result,
to be audited by the caller. Every other refusal is fixed in the draft.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from liaison.diffusion.drafts import Mode, NoticeDraft, missing
from liaison.diffusion.kinds import RequestKind, RequestType, field_spec
from liaison.errors import Conflict, InvalidInput
from liaison.model.grading import Evaluation, Scheme
from liaison.model.markings import PAP, TLP, HandlingCode, Markings, tightest
from liaison.model.records import Record
from liaison.policy.neutrality import Character, Screen, Signal, default_screen
from liaison.policy.retention import status

MIN_JUSTIFICATION = 40
MAX_JUSTIFICATION = 4000
WEAK_SOURCES = {Scheme.ADMIRALTY: frozenset("EF"), Scheme.EUROPOL: frozenset("X")}
WEAK_INFORMATION = {Scheme.ADMIRALTY: frozenset("56"), Scheme.EUROPOL: frozenset("4")}
#: Kinds whose purpose is judicial proceedings (extradition): H1 needs a release.
JUDICIAL = frozenset({RequestKind.ARREST})
#: Dates that say when something happened: never after the review day.
PAST_DATES = ("warrant_date", "disappearance_date", "discovery_date", "loss_date")
_ACTIVE_PAP = frozenset({None, PAP.CLEAR, PAP.GREEN})


class Rule(StrEnum):
    FIELDS = "fields"
    REFERENCES = "references"
    SUBJECTS = "subjects"
    IDENTIFYING = "identifying"
    RETENTION = "retention"
    ORIGINATOR = "originator"
    NEUTRALITY = "neutrality"
    HELD = "held"  # a subject held at the neutrality gate: the auditor's call, not the reviewer's
    GRADING = "grading"
    MARKINGS = "markings"
    HANDLING = "handling"


#: The rules whose refusal a reviewer may override with a written justification.
OVERRIDABLE = frozenset({Rule.NEUTRALITY})


class Outcome(StrEnum):
    PASSED = "passed"
    REFUSED = "refused"
    OVERRIDDEN = "overridden"  # refused, and a reviewer overrode it with a justification


@dataclass(frozen=True)
class Reason:
    rule: Rule
    denies: bool
    text: str
    evidence: tuple[str, ...] = ()

    @property
    def overridable(self) -> bool:
        return self.denies and self.rule in OVERRIDABLE

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule.value,
            "effect": "deny" if self.denies else "allow",
            "text": self.text,
            "evidence": list(self.evidence),
            "overridable": self.overridable,
        }


@dataclass(frozen=True)
class Override:
    by: str
    justification: str
    on: dt.date


@dataclass(frozen=True)
class Review:
    outcome: Outcome
    reasons: tuple[Reason, ...]
    draft_digest: str  # the draft reviewed, exactly
    reviewed_on: dt.date
    markings: Markings  # what the notice travels with: the tightest of draft and subjects
    override: Override | None = None

    @property
    def passed(self) -> bool:
        """Whether the notice may go on to approval: passed, or overridden with reasons."""
        return self.outcome is not Outcome.REFUSED

    @property
    def denials(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.denies)

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome.value,
            "passed": self.passed,
            "draft_digest": self.draft_digest,
            "reviewed_on": self.reviewed_on.isoformat(),
            "markings": self.markings.to_dict(),
            "reasons": [r.to_dict() for r in self.reasons],
            "override": None
            if self.override is None
            else {
                "by": self.override.by,
                "justification": self.override.justification,
                "on": self.override.on.isoformat(),
            },
        }


def review(
    draft: NoticeDraft,
    subjects: Sequence[Record],
    *,
    node_id: str,
    today: dt.date,
    consents: Iterable[str] = (),
    held: Iterable[str] = (),
    screen: Screen | None = None,
) -> Review:
    """Every rule applied to a draft and the records it names.

    ``node_id`` is this node (the notice's originator); ``consents`` the subject
    records received from other nodes whose originator consented to this notice;
    ``held`` the subject records held at the neutrality gate.
    """
    rt = draft.type
    named = _named(draft, subjects)
    live = [s for s in named if not s.deleted and rt.covers(s.schema)]
    reasons = [
        *_fields(draft, today),
        *_subjects(draft, rt, subjects, named),
        *_identifying(rt, live),
        *_retention(live, today),
        *_originators(live, node_id, frozenset(consents)),
        *_neutrality(draft, live, frozenset(held), screen or default_screen()),
        *_grading(draft, rt, live),
    ]
    markings = tightest(draft.markings, *(s.envelope.markings for s in live))
    reasons += _markings(draft, rt, markings)
    reasons += _handling(draft, rt, live, node_id)
    refused = any(r.denies for r in reasons)
    return Review(
        outcome=Outcome.REFUSED if refused else Outcome.PASSED,
        reasons=tuple(reasons),
        draft_digest=draft.digest,
        reviewed_on=today,
        markings=markings,
    )


def override(result: Review, *, by: str, justification: str, on: dt.date) -> Review:
    """A reviewer's override of a refused review, with a written justification.

    Only refusals of the overridable rules (the neutrality gate's predominance
    test) can be overridden; any other refusal stands until the draft is fixed.
    """
    if result.outcome is not Outcome.REFUSED:
        raise Conflict(f"the review {result.outcome.value}; only a refused review is overridden")
    fixed = sorted({r.rule.value for r in result.denials if not r.overridable})
    if fixed:
        raise Conflict(
            "these refusals cannot be overridden, the draft must be fixed: " + ", ".join(fixed)
        )
    if not by.strip():
        raise InvalidInput("by", by, "the reviewer who overrides is named")
    text = justification.strip() if isinstance(justification, str) else ""
    if not MIN_JUSTIFICATION <= len(text) <= MAX_JUSTIFICATION:
        raise InvalidInput(
            "justification",
            justification,
            f"an override is justified in writing, {MIN_JUSTIFICATION}-{MAX_JUSTIFICATION} "
            "characters: why the case is not predominantly of that character",
        )
    if on < result.reviewed_on:
        raise InvalidInput("on", on.isoformat(), "an override is not dated before the review")
    return replace(result, outcome=Outcome.OVERRIDDEN, override=Override(by.strip(), text, on))


def weakness(evaluation: Evaluation | None) -> str | None:
    """Why an evaluation cannot ground a coercive request, or None when it can."""
    if evaluation is None:
        return "no source evaluation"
    if evaluation.source in WEAK_SOURCES[evaluation.scheme]:
        return f"{evaluation.scheme.value} source {evaluation.source}"
    if evaluation.information in WEAK_INFORMATION[evaluation.scheme]:
        return f"{evaluation.scheme.value} information {evaluation.information}"
    return None


# --- the rules ----------------------------------------------------------------


def _named(draft: NoticeDraft, subjects: Sequence[Record]) -> list[Record]:
    by_id = {s.record_id: s for s in subjects}
    return [by_id[i] for i in draft.subject_ids if i in by_id]


def _fields(draft: NoticeDraft, today: dt.date) -> list[Reason]:
    out = []
    for problem in missing(draft):
        name = problem.field.removeprefix("fields.")
        rule = Rule.REFERENCES if name in draft.type.references else Rule.FIELDS
        if problem.field == "subjects":
            rule = Rule.SUBJECTS
        out.append(Reason(rule, True, f"{problem.field}: {problem.reason}"))
    for name in PAST_DATES:
        value = draft.value(name)
        if isinstance(value, dt.date) and value > today:
            rule = Rule.REFERENCES if name in draft.type.references else Rule.FIELDS
            text = f"fields.{name}: {value.isoformat()} is after the review day"
            out.append(Reason(rule, True, text))
    until = draft.value("threat_until")
    if isinstance(until, dt.date) and until < today:
        out.append(Reason(Rule.FIELDS, True, f"fields.threat_until: the threat passed on {until}"))
    if not out:
        refs = ", ".join(draft.type.references) or "none for this kind"
        out.append(
            Reason(Rule.REFERENCES, False, f"every required field is present; references: {refs}")
        )
    return out


def _subjects(
    draft: NoticeDraft, rt: RequestType, given: Sequence[Record], named: list[Record]
) -> list[Reason]:
    out = []
    given_ids = {s.record_id for s in given}
    for record_id in draft.subject_ids:
        if record_id not in given_ids:
            out.append(Reason(Rule.SUBJECTS, True, f"{record_id}: the record was not found"))
    for record in named:
        if record.deleted:
            out.append(Reason(Rule.SUBJECTS, True, f"{record.record_id}: the record was deleted"))
        elif not rt.covers(record.schema):
            allowed = ", ".join(rt.schemata)
            text = f"{record.record_id}: {rt.kind.value} requests concern {allowed}"
            text += f", not {record.schema}"
            out.append(Reason(Rule.SUBJECTS, True, text))
    live = [r for r in named if not r.deleted]
    if rt.primary and named and not any(rt.is_primary(r.schema) for r in live):
        wanted = " or ".join(rt.primary)
        out.append(Reason(Rule.SUBJECTS, True, f"{rt.kind.value} requests name a {wanted}"))
    return out


def _identifying(rt: RequestType, subjects: list[Record]) -> list[Reason]:
    out = []
    for record in subjects:
        rule = rt.identifying_rule(record.schema)
        if rule is None:  # pragma: no cover - the catalogue guarantees a rule per schema
            continue
        lacking = rule.missing(record.properties)
        if lacking:
            text = (
                f"{record.record_id} ({record.schema}) lacks identifying data: "
                f"{'; '.join(lacking)} (needs {rule.text})"
            )
            out.append(Reason(Rule.IDENTIFYING, True, text))
    return out


def _retention(subjects: list[Record], today: dt.date) -> list[Reason]:
    out = []
    for record in subjects:
        standing = status(record.envelope.review_due, record.envelope.expires, today)
        if standing.purge:
            out.append(Reason(Rule.RETENTION, True, f"{record.record_id}: {standing.text}"))
    return out


def _originators(subjects: list[Record], node_id: str, consents: frozenset[str]) -> list[Reason]:
    out = []
    for record in subjects:
        origin = record.envelope.originator
        if origin == node_id:
            continue
        if record.record_id in consents:
            text = f"{record.record_id}: received from {origin}, who consented to this notice"
            out.append(Reason(Rule.ORIGINATOR, False, text))
        else:
            text = (
                f"{record.record_id}: received from {origin}; a notice about it is onward "
                "sharing and needs that originator's consent"
            )
            out.append(Reason(Rule.ORIGINATOR, True, text))
    return out


def _neutrality(
    draft: NoticeDraft, subjects: list[Record], held: frozenset[str], screen: Screen
) -> list[Reason]:
    out = [
        Reason(
            Rule.HELD,
            True,
            f"{r.record_id} is held at the neutrality gate until the auditor releases it",
        )
        for r in subjects
        if r.record_id in held
    ]
    found: dict[Character, list[str]] = {}
    for where, signal in _signals(draft, subjects, screen):
        found.setdefault(signal.character, []).append(f"{where}: {signal.evidence}")
    for character in Character:
        evidence = found.get(character)
        if evidence:
            text = (
                f"the request may be predominantly {character.value} in character "
                "(INTERPOL Constitution, Article 3); a reviewer applies the predominance "
                "test and may override only with a written justification"
            )
            out.append(Reason(Rule.NEUTRALITY, True, text, tuple(evidence)))
    if not found:
        out.append(
            Reason(Rule.NEUTRALITY, False, "no neutrality signal in the request or its subjects")
        )
    return out


def _signals(
    draft: NoticeDraft, subjects: list[Record], screen: Screen
) -> Iterable[tuple[str, Signal]]:
    for name, value in sorted(draft.fields.items()):
        if not field_spec(name).screen:
            continue
        texts = list(value) if isinstance(value, tuple) else [str(value)]
        for signal in screen({"summary": texts}):
            evidence = signal.evidence.removeprefix("summary ")
            yield f"fields.{name}", Signal(signal.character, evidence)
    for record in subjects:
        for signal in screen(record.properties):
            yield record.record_id, signal


def _grading(draft: NoticeDraft, rt: RequestType, subjects: list[Record]) -> list[Reason]:
    if not rt.coercive:
        return [Reason(Rule.GRADING, False, f"{rt.kind.value} is not coercive")]
    out = []
    weak = weakness(draft.evaluation)
    if weak:
        text = f"a coercive request ({rt.coercion}) cannot rest on {weak}"
        out.append(Reason(Rule.GRADING, True, text))
    for record in subjects:
        evaluation = record.envelope.evaluation
        weak = weakness(evaluation) if evaluation is not None else None
        if weak:
            text = f"{record.record_id} is graded {weak}: too weak for a coercive request"
            out.append(Reason(Rule.GRADING, True, text))
    if not out:
        code = draft.evaluation.code if draft.evaluation else "?"
        out.append(
            Reason(Rule.GRADING, False, f"graded {code}: strong enough for a coercive request")
        )
    return out


def _markings(draft: NoticeDraft, rt: RequestType, markings: Markings) -> list[Reason]:
    tlp = markings.tlp or TLP.AMBER_STRICT
    out = [Reason(Rule.MARKINGS, False, f"the notice travels as TLP:{tlp.value}" + _pap(markings))]
    if tlp is TLP.RED and draft.distribution.mode is Mode.PUBLICATION:
        text = "TLP:RED is for named recipients only: it cannot be published to every partner"
        out.append(Reason(Rule.MARKINGS, True, text))
    elif tlp is TLP.RED and rt.is_identifier_list:
        text = "TLP:RED cannot go on an identifier list: every border post must be able to check it"
        out.append(Reason(Rule.MARKINGS, True, text))
    elif tlp is TLP.RED:
        text = "TLP:RED: for the named recipients only; they may not pass it on"
        out.append(Reason(Rule.MARKINGS, False, text))
    if rt.coercive and markings.pap not in _ACTIVE_PAP:
        text = (
            f"PAP:{markings.pap.value if markings.pap else ''} allows no detectable action, "
            f"and {rt.kind.value} requests ask for one ({rt.coercion})"
        )
        out.append(Reason(Rule.MARKINGS, True, text))
    if not draft.markings.covers(markings):
        out.append(Reason(Rule.MARKINGS, False, "tightened to the subjects' markings"))
    return out


def _pap(markings: Markings) -> str:
    return f", PAP:{markings.pap.value}" if markings.pap else ""


def _handling(
    draft: NoticeDraft, rt: RequestType, subjects: list[Record], node_id: str
) -> list[Reason]:
    own = [draft.markings.effective(), *(_own(s, node_id) for s in subjects)]
    codes = frozenset().union(*(m.handling for m in own if m is not None))
    out = []
    h2_text = (
        "H2: not to be disseminated without the provider's permission; this node is the "
        "provider and has not released it for this notice (releases: H2)"
    )
    h1_text = (
        "H1: not for judicial proceedings without the provider's permission, and an arrest "
        "request serves extradition proceedings; this node has not released it (releases: H1)"
    )
    if HandlingCode.H2 in codes:
        released = HandlingCode.H2 in draft.releases
        out.append(Reason(Rule.HANDLING, not released, _released("H2") if released else h2_text))
    if HandlingCode.H1 in codes and rt.kind in JUDICIAL:
        released = HandlingCode.H1 in draft.releases
        out.append(Reason(Rule.HANDLING, not released, _released("H1") if released else h1_text))
    conditions = tightest(*(s.envelope.markings for s in subjects), draft.markings).h3_text
    if conditions:
        out.append(Reason(Rule.HANDLING, False, f"H3 condition travels: {conditions}"))
    return out


def _own(record: Record, node_id: str) -> Markings | None:
    return record.envelope.markings.effective() if record.envelope.originator == node_id else None


def _released(code: str) -> str:
    return f"{code}: released by this node, the provider, for this notice"
