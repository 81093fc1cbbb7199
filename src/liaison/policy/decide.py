"""The one function that decides what may happen to a record, and why.

``decide(record, recipient, use, purpose, context)`` returns a
:class:`Decision`: allow full, allow hit-only, or deny, with every reason that
applied. It is pure: the caller loads the record's facts, the agreements and
the consents, and passes the date. Rules (each has a :class:`Rule` code):

- no active agreement covering recipient, schema, crime area, subject
  category and purpose → deny; exclusions → deny;
- classification above the agreement's ceiling or the user's clearance → deny;
- TLP 2.0: RED only to named recipients (the originator's recorded consent, or
  the record's author); AMBER+STRICT and AMBER stay with the recipient
  organisation; GREEN within the agreement's community; CLEAR unlimited;
  TLP levels and handling codes the agreement does not list do not flow;
- H1: no use in court without the provider's consent; H2: no further
  dissemination without it; H3: the text travels as a condition;
- a received record shared again is onward sharing: the agreement it came
  under must allow it (forbidden / with consent / within its parties);
- an export is a file leaving the node for no named recipient: a local user
  may export the node's own records (role, clearance, TLP:RED, retention and
  neutrality as for any use), and a received copy only as far as the same
  onward rules allow with no recipient named (in effect: with the
  originator's consent for ``export``, never under ``forbidden``);
- expired records and records past review are not shared;
- records held by the neutrality gate are not shared until released;
- weakly graded information cannot trigger a coercive alert;
- categories an agreement lists as hit/no-hit only are never given in full,
  unless the originator released the record to that partner (an approved
  follow-up request, or a consent for ``push``).

Unmarked records count as TLP:AMBER+STRICT with H2 (``Markings.effective``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import NamedTuple, TypedDict, TypeVar

from followthemoney import model

from liaison.model.dates import add_months
from liaison.model.grading import Evaluation, Scheme
from liaison.model.markings import TLP, Classification, HandlingCode, Markings
from liaison.model.records import Record
from liaison.model.roles import Role
from liaison.model.vocab import CrimeArea, Purpose, SubjectCategory
from liaison.policy.agreements import Agreement, AgreementDocument, AgreementState, OnwardRule
from liaison.policy.permissions import ROLE_PERMISSIONS, Permission


class Use(StrEnum):
    """What the recipient would do with the record."""

    VIEW = "view"
    PUSH = "push"
    HIT_ONLY = "hit_only"
    EXPORT = "export"
    ONWARD_SHARE = "onward_share"
    COURT_USE = "court_use"
    COERCIVE_ALERT = "coercive_alert"


class Outcome(IntEnum):
    """Ordered: a higher outcome allows more."""

    DENY = 0
    HIT_ONLY = 1
    FULL = 2

    @property
    def label(self) -> str:
        return {0: "deny", 1: "allow hit-only", 2: "allow full"}[self.value]


class Rule(StrEnum):
    AGREEMENT = "agreement"
    SCOPE = "scope"
    PURPOSE = "purpose"
    EXCLUSION = "exclusion"
    CLASSIFICATION = "classification"
    CLEARANCE = "clearance"
    ROLE = "role"
    TLP = "tlp"
    HANDLING = "handling"
    ONWARD = "onward"
    RETENTION = "retention"
    NEUTRALITY = "neutrality"
    GRADING = "grading"
    HIT_ONLY = "hit_only"
    RELEASE = "release"


class Reason(NamedTuple):
    """One rule that applied. The text is formatted only when read: a decision
    is cheap to make, and the explanation is built when someone asks for it."""

    rule: Rule
    denies: bool
    template: str
    args: tuple[object, ...] = ()

    @property
    def text(self) -> str:
        return self.template.format(*(_shown(a) for a in self.args))


def _shown(value: object) -> object:
    if isinstance(value, IntEnum):
        return value.name
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


_H1, _H2 = HandlingCode.H1, HandlingCode.H2
_H1_TEXT = "H1: no use in court without the consent of {}"
_H2_TEXT = "H2: no further dissemination without the consent of {}"
_H3_TEXT = "H3 condition travels: {}"


class Neutrality(StrEnum):
    """Where a record stands at the neutrality gate."""

    NOT_FLAGGED = "not_flagged"
    HELD = "held"
    RELEASED = "released"


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    reasons: tuple[Reason, ...]
    basis: str | None = None  # the agreement that allows a flow to a partner

    @property
    def allowed(self) -> bool:
        return self.outcome is not Outcome.DENY

    @property
    def denials(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.denies)

    def to_dict(self) -> dict[str, object]:
        return {
            "outcome": self.outcome.label,
            "allowed": self.allowed,
            "basis": self.basis,
            "reasons": [
                {"rule": r.rule.value, "effect": "deny" if r.denies else "allow", "text": r.text}
                for r in self.reasons
            ],
        }


@dataclass(frozen=True, slots=True)
class Partner:
    node_id: str

    @property
    def key(self) -> str:
        return self.node_id


@dataclass(frozen=True, slots=True)
class LocalUser:
    username: str
    role: Role
    clearance: Classification

    @property
    def key(self) -> str:
        return f"user:{self.username}"


Recipient = Partner | LocalUser


@dataclass(frozen=True, slots=True)
class RecordFacts:
    """What the policy needs to know about one record version."""

    record_id: str
    schema: str
    schemata: frozenset[str]  # the schema and all it extends
    originator: str
    crime_area: CrimeArea | None
    category: SubjectCategory | None
    classification: Classification
    tlp: TLP
    handling: frozenset[HandlingCode]
    h3_text: str | None
    evaluation: Evaluation | None
    created: dt.date
    review_due: dt.date | None
    expires: dt.date | None
    created_by: str
    neutrality: Neutrality = Neutrality.NOT_FLAGGED
    topics: frozenset[str] = frozenset()
    received_under: str | None = None
    is_person: bool = field(init=False)
    #: how this record fits each agreement (see ``_fit``); filled as decisions run
    fits: dict[Terms, tuple[tuple[Reason, ...], bool]] = field(
        init=False, compare=False, hash=False, repr=False
    )
    #: the category that agreement scopes read: a person without one counts as "other"
    scope_category: SubjectCategory | None = field(init=False)
    #: the retention and neutrality denials of any use that lets the record act
    #: or travel, by day (see ``_gate``); filled as decisions run
    gates: dict[dt.date, tuple[Reason, ...]] = field(
        init=False, compare=False, hash=False, repr=False
    )
    #: the reasons its handling codes give, made once: H1 (court use needs the
    #: originator's consent), H2 (so does further dissemination), H3 (the condition)
    court_denial: Reason | None = field(init=False, compare=False, repr=False)
    spread_denial: Reason | None = field(init=False, compare=False, repr=False)
    condition: Reason | None = field(init=False, compare=False, repr=False)
    #: what agreement exclusions name it by (see ``_exclusion_keys``); made when first read
    exclusion_keys: frozenset[str] | None = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        person = "Person" in self.schemata
        object.__setattr__(self, "is_person", person)
        scope = (self.category or SubjectCategory.OTHER) if person else None
        object.__setattr__(self, "scope_category", scope)
        object.__setattr__(self, "fits", {})
        object.__setattr__(self, "gates", {})
        by = (self.originator,)
        court = Reason(Rule.HANDLING, True, _H1_TEXT, by) if _H1 in self.handling else None
        object.__setattr__(self, "court_denial", court)
        spread = Reason(Rule.HANDLING, True, _H2_TEXT, by) if _H2 in self.handling else None
        object.__setattr__(self, "spread_denial", spread)
        text = self.h3_text
        condition = Reason(Rule.HANDLING, False, _H3_TEXT, (text,)) if text else None
        object.__setattr__(self, "condition", condition)
        object.__setattr__(self, "exclusion_keys", None)

    @classmethod
    def of(
        cls,
        record: Record,
        neutrality: Neutrality = Neutrality.NOT_FLAGGED,
        received_under: str | None = None,
    ) -> RecordFacts:
        env = record.envelope
        marks = env.markings.effective()
        return cls(
            record_id=record.record_id,
            schema=record.schema,
            schemata=schemata_of(record.schema),
            originator=env.originator,
            crime_area=env.crime_area,
            category=env.subject_category,
            classification=marks.classification or Classification.UNCLASSIFIED,
            tlp=marks.tlp or TLP.AMBER_STRICT,
            handling=marks.handling,
            h3_text=marks.h3_text,
            evaluation=env.evaluation,
            created=record.created.date(),
            review_due=env.review_due,
            expires=env.expires,
            created_by=record.created_by.partition(":")[2] or record.created_by,
            neutrality=neutrality,
            topics=frozenset(record.properties.get("topics", ())),
            received_under=received_under,
        )

    def markings(self) -> Markings:
        return Markings(self.classification, self.tlp, None, self.handling, self.h3_text)


_SCHEMATA: dict[str, frozenset[str]] = {}


def schemata_of(schema: str) -> frozenset[str]:
    """The schema and every schema it extends (Company → Organization, LegalEntity...)."""
    found = _SCHEMATA.get(schema)
    if found is None:
        found = frozenset(s.name for s in model.get(schema).schemata)  # type: ignore[union-attr]
        _SCHEMATA[schema] = found
    return found


# --- agreements compiled for fast decisions ---------------------------------


class _Made(NamedTuple):
    """The denials an agreement has made so far, by the record's value."""

    schema: dict[str, Reason]
    area: dict[CrimeArea, Reason]
    category: dict[SubjectCategory, Reason]
    ceiling: dict[Classification, Reason]
    tlp: dict[TLP, Reason]
    handling: dict[frozenset[HandlingCode], Reason]


_V = TypeVar("_V")


@dataclass(frozen=True, slots=True, eq=False)  # compared and hashed by identity
class Terms:
    """One active agreement version, pre-digested for one holder on one day."""

    agreement_id: str
    label: str
    parties: frozenset[str]
    schemata: frozenset[str]
    crime_areas: frozenset[CrimeArea]
    categories: frozenset[SubjectCategory]
    purposes: frozenset[Purpose]
    max_classification: Classification
    tlp: frozenset[TLP]
    handling: frozenset[HandlingCode]
    onward: OnwardRule
    hit_only: frozenset[str]
    exclusions: frozenset[str]
    #: the oldest creation date still within retention: for persons by subject
    #: category (None = uncategorised), and for everything else
    kept_since_person: Mapping[SubjectCategory | None, dt.date | None]
    kept_since_other: dt.date | None
    covers: Reason
    #: the reasons a decision gives under this agreement that name only the
    #: agreement and a closed value, made once when the index is built: the
    #: purpose denials (an allowed purpose has none) and the onward denials
    purpose_denials: Mapping[Purpose, Reason]
    granted: tuple[Reason, ...]  # (covers,)
    forbids_onward: Reason
    only_parties: Reason
    only_parties_export: Reason
    green_community: Reason
    #: the denials of records that do not fit (see ``_fit``), made the first
    #: time a record needs one: by schema, crime area, subject category,
    #: classification, TLP and handling codes
    made: _Made

    @classmethod
    def of(cls, doc: AgreementDocument, today: dt.date) -> Terms:
        label = f"agreement {doc.agreement_id} v{doc.version}"
        since = {k: add_months(today, -m) for k, m in doc.retention_months.items()}

        def latest(*keys: str) -> dt.date | None:
            dates = [since[k] for k in keys if k in since]
            return max(dates) if dates else None

        covers = Reason(Rule.AGREEMENT, False, "{} is active and covers the request", (label,))
        person: dict[SubjectCategory | None, dt.date | None] = {
            c: latest("default", "nominal", c.value) for c in SubjectCategory
        }
        return cls(
            agreement_id=doc.agreement_id,
            label=label,
            parties=doc.party_ids,
            schemata=doc.schemata,
            crime_areas=doc.crime_areas,
            categories=doc.subject_categories,
            purposes=doc.purposes,
            max_classification=doc.max_classification,
            tlp=doc.tlp,
            handling=doc.handling,
            onward=doc.onward,
            hit_only=doc.hit_only,
            exclusions=doc.exclusions,
            kept_since_person={None: person[SubjectCategory.OTHER], **person},
            kept_since_other=latest("default"),
            covers=covers,
            granted=(covers,),
            made=_Made({}, {}, {}, {}, {}, {}),
            **_denials(doc, label),
        )


class _Denials(TypedDict):
    purpose_denials: Mapping[Purpose, Reason]
    forbids_onward: Reason
    only_parties: Reason
    only_parties_export: Reason
    green_community: Reason


def _denials(doc: AgreementDocument, label: str) -> _Denials:
    """The reasons of ``Terms`` made when the index is built."""
    within = "{} allows onward sharing only among its parties"
    return {
        "purpose_denials": {
            p: Reason(Rule.PURPOSE, True, "{} does not allow purpose {}", (label, p))
            for p in Purpose
            if p not in doc.purposes
        },
        "forbids_onward": Reason(Rule.ONWARD, True, "{} forbids onward sharing", (label,)),
        "only_parties": Reason(Rule.ONWARD, True, within, (label,)),
        "only_parties_export": Reason(
            Rule.ONWARD, True, within + ", and an export names no recipient", (label,)
        ),
        "green_community": Reason(
            Rule.TLP, True, "TLP:GREEN stays within the community of {}", (label,)
        ),
    }


@dataclass(frozen=True)
class AgreementIndex:
    """The agreements in force for one holder on one day, by partner and by id."""

    holder: str
    today: dt.date
    by_partner: Mapping[str, tuple[Terms, ...]]
    by_id: Mapping[str, Terms]

    @classmethod
    def build(cls, agreements: Iterable[Agreement], holder: str, today: dt.date) -> AgreementIndex:
        by_partner: dict[str, list[Terms]] = {}
        by_id: dict[str, Terms] = {}
        for agreement in agreements:
            doc = agreement.document
            if agreement.state is not AgreementState.ACTIVE or not doc.in_effect(today):
                continue
            if holder not in doc.party_ids:
                continue
            terms = Terms.of(doc, today)
            by_id[doc.agreement_id] = terms
            for party in doc.party_ids - {holder}:
                by_partner.setdefault(party, []).append(terms)
        return cls(holder, today, {k: tuple(v) for k, v in by_partner.items()}, by_id)


class PolicyContext:
    """Everything besides the record and the recipient that a decision reads:
    the agreements in force, the consents not withdrawn, the holder, the day."""

    __slots__ = ("agreements", "by_id", "by_partner", "consents", "holder", "not_named", "today")

    def __init__(
        self, agreements: AgreementIndex, consents: frozenset[tuple[str, str, Use]] = frozenset()
    ) -> None:
        self.agreements = agreements
        self.consents = consents
        self.holder = agreements.holder
        self.today = agreements.today
        self.by_partner = agreements.by_partner
        self.by_id = agreements.by_id
        #: the TLP:RED denial for each partner, made once
        self.not_named = {p: _not_named(p) for p in agreements.by_partner}


# --- the decision -----------------------------------------------------------

VIEW, PUSH, HIT, EXPORT, ONWARD, COURT, COERCIVE = Use
_LOCAL_PERMISSION = {
    VIEW: Permission.RECORD_READ,
    EXPORT: Permission.RECORD_EXPORT,
    COURT: Permission.RECORD_READ,
    COERCIVE: Permission.RECORD_WRITE,
}
_WEAK_SOURCES = {Scheme.ADMIRALTY: frozenset("EF"), Scheme.EUROPOL: frozenset("X")}
_WEAK_INFORMATION = {Scheme.ADMIRALTY: frozenset("56"), Scheme.EUROPOL: frozenset("4")}
_RED, _GREEN = TLP.RED, TLP.GREEN
_HELD_STATE = Neutrality.HELD
_HELD = Reason(Rule.NEUTRALITY, True, "held at the neutrality gate until the auditor releases it")
_NO_AREA = Reason(Rule.SCOPE, True, "the record has no crime area")
_PARTNER_EXPORT = Reason(Rule.ROLE, True, "export is a decision about local users")
_UNGRADED = Reason(Rule.GRADING, True, "ungraded information cannot trigger a coercive alert")
_RED_EXPORT = Reason(Rule.TLP, True, "TLP:RED: an export names nobody")
_STAYS_INSIDE = {  # a received AMBER record travels no further
    t: Reason(Rule.TLP, True, "TLP:{} stays within the organisation that received it", (t,))
    for t in (TLP.AMBER, TLP.AMBER_STRICT)
}
_FULL, _HIT_ONLY, _DENY = Outcome.FULL, Outcome.HIT_ONLY, Outcome.DENY
_PERSON_ONLY_USES = frozenset({PUSH, VIEW, ONWARD})
_NO_REASONS: tuple[Reason, ...] = ()


def _role_denials() -> dict[Role, dict[Use, Reason]]:
    """What a local user's role denies for each use, made once."""
    out: dict[Role, dict[Use, Reason]] = {}
    for role in Role:
        out[role] = {}
        for use in Use:
            permission = _LOCAL_PERMISSION.get(use)
            if permission is None:
                text = "{} is a decision about a partner node, not a local user"
                out[role][use] = Reason(Rule.ROLE, True, text, (use,))
            elif permission not in ROLE_PERMISSIONS[role]:
                text = "role {} does not grant {}"
                out[role][use] = Reason(Rule.ROLE, True, text, (role, permission))
    return out


_ROLE_DENIALS = _role_denials()
_CLEARANCE_DENIALS = {  # by clearance, then by the classification above it
    c: {
        above: Reason(Rule.CLEARANCE, True, "clearance {} is below classification {}", (c, above))
        for above in Classification
        if above > c
    }
    for c in Classification
}


def _not_named(recipient: str) -> Reason:
    return Reason(Rule.TLP, True, "TLP:RED: {} is not a named recipient", (recipient,))


# A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``;
# a decision is made once per request, so it is built by setting its slots directly
# (the slot descriptors, which ``object.__setattr__`` would reach anyway).
_new_decision = object.__new__
_set_outcome = vars(Decision)["outcome"].__set__
_set_reasons = vars(Decision)["reasons"].__set__
_set_basis = vars(Decision)["basis"].__set__


def _decision(outcome: Outcome, reasons: tuple[Reason, ...], basis: str | None = None) -> Decision:
    made: Decision = _new_decision(Decision)
    _set_outcome(made, outcome)
    _set_reasons(made, reasons)
    _set_basis(made, basis)
    return made


def decide(
    facts: RecordFacts, recipient: Recipient, use: Use, purpose: Purpose, ctx: PolicyContext
) -> Decision:
    """Allow full, allow hit-only or deny, with every reason that applied."""
    local = type(recipient) is LocalUser
    if local and use is VIEW:
        reasons: list[Reason] = []
    else:  # anything that lets the record act or travel
        gate = facts.gates.get(ctx.today)
        reasons = list(_gate(facts, ctx.today) if gate is None else gate)
    if use is COERCIVE:
        _grading(facts.evaluation, reasons)
    blocked = bool(reasons)  # every reason so far is a denial
    if facts.condition is not None:
        reasons.append(facts.condition)
    if local:
        before = len(reasons)
        _local(facts, recipient, use, ctx, reasons)  # type: ignore[arg-type]
        denied = blocked or len(reasons) > before  # _local appends only denials
        return _decision(_DENY if denied else _FULL, tuple(reasons))
    return _partner(facts, recipient, use, purpose, ctx, reasons, blocked)  # type: ignore[arg-type]


def _gate(facts: RecordFacts, today: dt.date) -> tuple[Reason, ...]:
    """The retention and neutrality denials on ``today``; memoised on the facts."""
    found: list[Reason] = []
    if facts.expires is not None and today >= facts.expires:
        found.append(Reason(Rule.RETENTION, True, "expired on {}", (facts.expires,)))
    elif facts.review_due is not None and today > facts.review_due:
        text = "review was due on {} and the record was not renewed"
        found.append(Reason(Rule.RETENTION, True, text, (facts.review_due,)))
    if facts.neutrality is _HELD_STATE:
        found.append(_HELD)
    gate = facts.gates[today] = tuple(found)
    return gate


def _grading(evaluation: Evaluation | None, reasons: list[Reason]) -> None:
    if evaluation is None:
        reasons.append(_UNGRADED)
    elif (
        evaluation.source in _WEAK_SOURCES[evaluation.scheme]
        or evaluation.information in _WEAK_INFORMATION[evaluation.scheme]
    ):
        text = "{} grade {}{} is too weak for a coercive alert"
        args = (evaluation.scheme, evaluation.source, evaluation.information)
        reasons.append(Reason(Rule.GRADING, True, text, args))


def _local(
    facts: RecordFacts, user: LocalUser, use: Use, ctx: PolicyContext, reasons: list[Reason]
) -> None:
    denial = _ROLE_DENIALS[user.role].get(use)
    if denial is not None:
        reasons.append(denial)
    if user.clearance < facts.classification:
        reasons.append(_CLEARANCE_DENIALS[user.clearance][facts.classification])
    consents = ctx.consents
    if (
        facts.tlp is _RED
        and (user.username != facts.created_by or facts.originator != ctx.holder)
        and (facts.record_id, f"user:{user.username}", use) not in consents
    ):
        reasons.append(_not_named(user.username))
    if facts.originator == ctx.holder:
        return
    mine = ctx.holder
    court = facts.court_denial
    if use is COURT and court is not None and (facts.record_id, mine, COURT) not in consents:
        reasons.append(court)
    if use is EXPORT:  # a received copy leaving in a file travels on, to nobody named
        _onward(facts, None, ctx, reasons, (facts.record_id, mine, EXPORT) in consents)


def _partner(
    facts: RecordFacts,
    partner: Partner,
    use: Use,
    purpose: Purpose,
    ctx: PolicyContext,
    reasons: list[Reason],
    blocked: bool,
) -> Decision:
    """The best outcome any agreement with the partner gives: the reasons of the
    first agreement that gives it, or, when all deny, every agreement's denials."""
    if use is EXPORT:
        reasons.append(_PARTNER_EXPORT)
        blocked = True
    own = facts.originator == ctx.holder
    asked = use
    if not own and (use is VIEW or use is PUSH or use is HIT):
        use = ONWARD  # a received record that travels again
    elif own and use is ONWARD:
        use = PUSH  # the originator shares its own record: a first hop
    to = partner.node_id
    candidates = ctx.by_partner.get(to)
    if not candidates:
        text = "no active agreement in effect with {}"
        reasons.append(Reason(Rule.AGREEMENT, True, text, (to,)))
        return _decision(_DENY, tuple(reasons))
    if own and use is not COURT and facts.tlp is not _RED:
        travel: Sequence[Reason] = _NO_REASONS  # the usual first hop: nothing to check
    else:
        travel = _travel(facts, to, use, ctx, own)
    best, chosen = _DENY, candidates[0]
    start = len(reasons)  # the denials of every agreement go here until one allows
    fits = facts.fits
    for terms in candidates:
        fit = fits.get(terms)
        if fit is None:
            fit = fits[terms] = _fit(terms, facts)
        misfit, hit_only_category = fit
        off_purpose = terms.purpose_denials.get(purpose)
        if misfit or off_purpose is not None or travel:
            if best is _DENY:
                reasons += misfit
                if off_purpose is not None:
                    reasons.append(off_purpose)
                reasons += travel
            continue
        outcome, found = _grant(terms, facts, to, use, ctx, own, hit_only_category)
        if outcome > best:  # the reasons of the best agreement so far replace the rest
            del reasons[start:]
            reasons += found
            best, chosen = outcome, terms
            if outcome is _FULL:
                break
        elif best is _DENY:
            reasons += found
    if blocked or best is _DENY:
        return _decision(_DENY, tuple(reasons))
    outcome = _HIT_ONLY if asked is HIT else best  # a hit/no-hit request never yields the record
    return _decision(outcome, tuple(reasons), chosen.agreement_id)


def _travel(facts: RecordFacts, to: str, use: Use, ctx: PolicyContext, own: bool) -> list[Reason]:
    """The denials of a flow to the partner ``to`` that no agreement with it lifts:
    H1 court use, TLP:RED to an unnamed partner, the onward rules of a received copy."""
    found: list[Reason] = []
    consents = ctx.consents
    court = facts.court_denial
    if (
        use is COURT
        and court is not None
        and to != facts.originator
        and (facts.record_id, to, COURT) not in consents
    ):
        found.append(court)
    if own:
        if facts.tlp is _RED and (facts.record_id, to, use) not in consents:
            found.append(ctx.not_named[to])
    else:  # a received record going to a partner travels again, whatever the use
        _onward(facts, to, ctx, found, (facts.record_id, to, ONWARD) in consents)
    return found


def _grant(
    terms: Terms,
    facts: RecordFacts,
    to: str,
    use: Use,
    ctx: PolicyContext,
    own: bool,
    hit_only_category: bool,
) -> tuple[Outcome, tuple[Reason, ...]]:
    """What an agreement that covers the request gives, and why."""
    if use is HIT or not hit_only_category:
        return (_HIT_ONLY if use is HIT else _FULL), terms.granted
    if own and use is PUSH and (facts.record_id, to, PUSH) in ctx.consents:
        text = "the originator released it to {} (a follow-up request or a consent)"
        return _FULL, (terms.covers, Reason(Rule.RELEASE, False, text, (to,)))
    text = "{} gives {} records of this category as hit/no-hit only"
    if use in _PERSON_ONLY_USES:
        return _HIT_ONLY, (
            terms.covers,
            Reason(Rule.HIT_ONLY, False, text, (terms.label, facts.schema)),
        )
    return _DENY, (terms.covers, Reason(Rule.HIT_ONLY, True, text, (terms.label, facts.schema)))


def _fit(terms: Terms, facts: RecordFacts) -> tuple[tuple[Reason, ...], bool]:
    """How a record fits an agreement, whoever asks and why: the scope,
    ceiling, TLP, handling, exclusion and retention denials, and whether its
    category is hit/no-hit only. Pure in (terms, facts), so memoised on facts.
    Each denial is made once per agreement and value (``_made``)."""
    found: list[Reason] = []
    label, made = terms.label, terms.made
    schema = facts.schema
    if facts.schemata.isdisjoint(terms.schemata):
        found.append(
            made.schema.get(schema) or _made(made.schema, schema, _NOT_SCHEMA, (label, schema))
        )
    area = facts.crime_area
    if area is None:
        found.append(_NO_AREA)
    elif area not in terms.crime_areas:
        found.append(made.area.get(area) or _made(made.area, area, _NOT_AREA, (label, area)))
    category = facts.scope_category
    if category is not None and category not in terms.categories:
        args = (label, category)
        found.append(
            made.category.get(category) or _made(made.category, category, _NOT_CATEGORY, args)
        )
    marked, ceiling = facts.classification, terms.max_classification
    if marked > ceiling:
        above = (marked, ceiling, label)
        found.append(made.ceiling.get(marked) or _made(made.ceiling, marked, _ABOVE_CEILING, above))
    tlp = facts.tlp
    if tlp not in terms.tlp:
        found.append(made.tlp.get(tlp) or _made(made.tlp, tlp, _NOT_TLP, (tlp, label)))
    handling = facts.handling
    if not handling <= terms.handling:
        found.append(made.handling.get(handling) or _codes_denial(terms, handling))
    if terms.exclusions:
        _exclusions(terms, facts, found)
    oldest = terms.kept_since_person[category] if category else terms.kept_since_other
    if oldest is not None and facts.created < oldest:
        text = "created {}, older than {} lets partners keep it"
        found.append(Reason(Rule.RETENTION, True, text, (facts.created, label)))
    hit_only = bool(terms.hit_only) and (
        not facts.schemata.isdisjoint(terms.hit_only) or category in terms.hit_only
    )
    return tuple(found), hit_only


_NOT_SCHEMA = (Rule.SCOPE, "{} does not cover {} records")
_NOT_AREA = (Rule.SCOPE, "{} does not cover crime area {}")
_NOT_CATEGORY = (Rule.SCOPE, "{} does not cover subject category {}")
_ABOVE_CEILING = (Rule.CLASSIFICATION, "classification {} is above the ceiling {} of {}")
_NOT_TLP = (Rule.TLP, "TLP:{} may not flow under {}")
_NOT_CODES = (Rule.HANDLING, "{} may not flow under {}")


def _codes_denial(terms: Terms, handling: frozenset[HandlingCode]) -> Reason:
    codes = ", ".join(sorted(handling - terms.handling))
    return _made(terms.made.handling, handling, _NOT_CODES, (codes, terms.label))


def _made(
    made: dict[_V, Reason], value: _V, rule: tuple[Rule, str], args: tuple[object, ...]
) -> Reason:
    """The denial of a record's ``value``, made the first time an agreement needs it."""
    reason = made[value] = Reason(rule[0], True, rule[1], args)
    return reason


def _exclusions(terms: Terms, facts: RecordFacts, found: list[Reason]) -> None:
    keys = facts.exclusion_keys
    if keys is None:
        keys = _exclusion_keys(facts)
        object.__setattr__(facts, "exclusion_keys", keys)  # a memo, as ``fits``
    for key in sorted(terms.exclusions & keys):
        found.append(Reason(Rule.EXCLUSION, True, "{} excludes {}", (terms.label, key)))


def _exclusion_keys(facts: RecordFacts) -> frozenset[str]:
    keys = [f"record:{facts.record_id}", *(f"schema:{s}" for s in facts.schemata)]
    if facts.crime_area is not None:
        keys.append(f"crime_area:{facts.crime_area.value}")
    if facts.scope_category is not None:  # a person without a category counts as "other"
        keys.append(f"category:{facts.scope_category.value}")
    keys += [f"topic:{t}" for t in facts.topics]
    return frozenset(keys)


def _onward(
    facts: RecordFacts, to: str | None, ctx: PolicyContext, found: list[Reason], consent: bool
) -> None:
    """Whether a received record may travel on to ``to``, or, with ``to`` None,
    leave the node in an export file that names no recipient (so every rule
    that needs a named recipient denies it unless the originator consented)."""
    source = ctx.by_id.get(facts.received_under or "")
    if source is None:
        text = "received under {}, which is not in force"
        found.append(Reason(Rule.ONWARD, True, text, (facts.received_under or "no agreement",)))
        return
    rule = source.onward
    if rule is OnwardRule.FORBIDDEN:
        found.append(source.forbids_onward)
    elif rule is OnwardRule.WITHIN_PARTIES and (to not in source.parties if to else not consent):
        found.append(source.only_parties if to else source.only_parties_export)
    elif rule is OnwardRule.WITH_CONSENT and not consent:
        text = "{}: onward sharing needs the consent of {}"
        found.append(Reason(Rule.ONWARD, True, text, (source.label, facts.originator)))
    if consent:
        return
    if facts.spread_denial is not None:
        found.append(facts.spread_denial)
    tlp = facts.tlp
    if tlp is _RED:
        found.append(ctx.not_named[to] if to else _RED_EXPORT)
    elif tlp in _STAYS_INSIDE:
        found.append(_STAYS_INSIDE[tlp])
    elif tlp is _GREEN and to not in source.parties:
        found.append(source.green_community)
