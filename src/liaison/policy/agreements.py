"""Sharing agreements: the signed document, its life cycle, summary and diff.

An agreement is a versioned document that every party signs with its node key
(Ed25519 over the canonical JSON of the document, with a domain prefix). Each
amendment names the hash of the version it replaces, so an old version cannot
be replayed as a new one. Nothing here touches the database or the clock.

::

    draft ──sign by every party──▶ (signed draft) ──activate──▶ active
    active ──suspend──▶ suspended ──resume──▶ active
    active | suspended ──terminate──▶ terminated        (final)
    active | suspended ──a newer version is activated──▶ superseded (final)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

from liaison.errors import Conflict, InvalidInput, InvalidSignature
from liaison.model.entities import get_schema
from liaison.model.identity import node_id_for, unb64, verify_signature
from liaison.model.ids import canonical_json, content_hash
from liaison.model.markings import TLP, Classification, HandlingCode
from liaison.model.vocab import CrimeArea, Purpose, SubjectCategory, parse_enum

SIGNING_DOMAIN = b"liaison-agreement-v1\n"
_AGREEMENT_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{2,79}$")
_SIGNATURE = re.compile(r"[A-Za-z0-9_-]{85}[AQgw]")
MAX_VERSION = 2**31 - 1
_DURATION = re.compile(r"^\s*(\d{1,3})\s*([ym])\s*$", re.IGNORECASE)


class AgreementState(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"
    SUPERSEDED = "superseded"  # an amendment of it was activated


class OnwardRule(StrEnum):
    """May a party pass a record it received on to someone else?"""

    FORBIDDEN = "forbidden"
    WITH_CONSENT = "with_consent"
    WITHIN_PARTIES = "within_parties"


class OnEnd(StrEnum):
    """What happens to records already shared when the agreement is suspended or ends."""

    KEEP = "keep"
    RECALL = "recall"


#: Retention keys besides the subject categories: ``nominal`` is any person.
RETENTION_KEYS = frozenset({"default", "nominal"} | {c.value for c in SubjectCategory})
#: Exclusion kinds: ``record:<id>``, ``schema:<name>``, ``crime_area:<area>``,
#: ``category:<subject category>``, ``topic:<FtM topic>``.
EXCLUSION_KINDS = ("record", "schema", "crime_area", "category", "topic")


@dataclass(frozen=True)
class Party:
    node_id: str
    name: str
    public_key: str

    def to_dict(self) -> dict[str, str]:
        return {"node_id": self.node_id, "name": self.name, "public_key": self.public_key}


@dataclass(frozen=True)
class AgreementDocument:
    """What the parties sign. Every field is part of the signed canonical form."""

    agreement_id: str
    version: int
    title: str
    parties: tuple[Party, ...]
    schemata: frozenset[str]
    crime_areas: frozenset[CrimeArea]
    subject_categories: frozenset[SubjectCategory]
    purposes: frozenset[Purpose]
    max_classification: Classification
    tlp: frozenset[TLP]
    handling: frozenset[HandlingCode]
    onward: OnwardRule
    retention_months: Mapping[str, int]
    hit_only: frozenset[str]
    exclusions: frozenset[str]
    effective_from: dt.date
    effective_until: dt.date | None = None
    on_end: OnEnd = OnEnd.KEEP
    previous_hash: str | None = None

    @property
    def party_ids(self) -> frozenset[str]:
        return frozenset(p.node_id for p in self.parties)

    def party(self, node_id: str) -> Party:
        for party in self.parties:
            if party.node_id == node_id:
                return party
        raise InvalidInput("node_id", node_id, f"not a party to agreement {self.agreement_id}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "agreement_id": self.agreement_id,
            "version": self.version,
            "title": self.title,
            "parties": [p.to_dict() for p in self.parties],
            "scope": {
                "schemata": sorted(self.schemata),
                "crime_areas": sorted(a.value for a in self.crime_areas),
                "subject_categories": sorted(c.value for c in self.subject_categories),
            },
            "purposes": sorted(p.value for p in self.purposes),
            "max_classification": self.max_classification.name,
            "tlp": [t.value for t in sorted(self.tlp, key=_tlp_rank)],
            "handling": sorted(h.value for h in self.handling),
            "onward": self.onward.value,
            "retention": {k: _months_text(v) for k, v in sorted(self.retention_months.items())},
            "hit_only": sorted(self.hit_only),
            "exclusions": sorted(self.exclusions),
            "effective_from": self.effective_from.isoformat(),
            "effective_until": self.effective_until.isoformat() if self.effective_until else None,
            "on_end": self.on_end.value,
            "previous_hash": self.previous_hash,
        }

    @cached_property
    def canonical(self) -> bytes:
        return canonical_json(self.to_dict())

    @cached_property
    def hash(self) -> str:
        return content_hash(self.to_dict())

    def signing_payload(self) -> bytes:
        return SIGNING_DOMAIN + self.canonical

    def in_effect(self, today: dt.date) -> bool:
        if today < self.effective_from:
            return False
        return self.effective_until is None or today <= self.effective_until


@dataclass(frozen=True)
class Agreement:
    """One version of an agreement with its signatures and state."""

    document: AgreementDocument
    state: AgreementState = AgreementState.DRAFT
    signatures: Mapping[str, str] = field(default_factory=dict)

    @property
    def unsigned(self) -> list[Party]:
        return [p for p in self.document.parties if p.node_id not in self.signatures]

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": self.document.to_dict(),
            "hash": self.document.hash,
            "state": self.state.value,
            "signatures": dict(sorted(self.signatures.items())),
            "unsigned": [p.node_id for p in self.unsigned],
        }


# --- signatures -------------------------------------------------------------


def check_signature(doc: AgreementDocument, node_id: str, signature: str) -> None:
    """A party's signature over the document, checked against its pinned key.
    Only the exact unpadded URL-safe base64 of 64 bytes is accepted."""
    party = doc.party(node_id)
    if not _SIGNATURE.fullmatch(str(signature)) or not verify_signature(
        party.public_key, doc.signing_payload(), signature
    ):
        raise InvalidSignature(
            "signature",
            signature,
            f"not a valid signature of {node_id} over {doc.agreement_id} "
            f"version {doc.version} (hash {doc.hash[:16]}…)",
        )


def add_signature(agreement: Agreement, node_id: str, signature: str) -> Agreement:
    if agreement.state is not AgreementState.DRAFT:
        raise Conflict(
            f"agreement {agreement.document.agreement_id} version "
            f"{agreement.document.version} is {agreement.state.value}; only drafts are signed"
        )
    if node_id in agreement.signatures:
        raise Conflict(
            f"{node_id} has already signed {agreement.document.agreement_id} "
            f"version {agreement.document.version}"
        )
    check_signature(agreement.document, node_id, signature)
    return Agreement(
        agreement.document, agreement.state, {**agreement.signatures, node_id: signature}
    )


# --- life cycle -------------------------------------------------------------

_MOVES: dict[tuple[AgreementState, AgreementState], str] = {
    (AgreementState.DRAFT, AgreementState.ACTIVE): "activate",
    (AgreementState.ACTIVE, AgreementState.SUSPENDED): "suspend",
    (AgreementState.SUSPENDED, AgreementState.ACTIVE): "resume",
    (AgreementState.ACTIVE, AgreementState.TERMINATED): "terminate",
    (AgreementState.SUSPENDED, AgreementState.TERMINATED): "terminate",
}


def transition(agreement: Agreement, target: AgreementState) -> Agreement:
    """The agreement in its new state, or Conflict naming what stands in the way."""
    doc = agreement.document
    name = f"agreement {doc.agreement_id} version {doc.version}"
    if (agreement.state, target) not in _MOVES:
        raise Conflict(f"{name} is {agreement.state.value}; it cannot become {target.value}")
    if target is AgreementState.ACTIVE and agreement.unsigned:
        missing = ", ".join(f"{p.name} ({p.node_id})" for p in agreement.unsigned)
        raise Conflict(f"{name} is not signed by every party; missing: {missing}")
    for node_id, signature in agreement.signatures.items():  # re-check before it takes effect
        check_signature(doc, node_id, signature)
    return Agreement(doc, target, agreement.signatures)


def supersede(agreement: Agreement) -> Agreement:
    """The older version once an amendment of it has been activated."""
    return Agreement(agreement.document, AgreementState.SUPERSEDED, agreement.signatures)


def check_amendment(
    previous: AgreementDocument, new: AgreementDocument, state: AgreementState
) -> None:
    """An amendment is the next version, chained to the one it replaces;
    a terminated agreement stays terminated (a new one needs a new id)."""
    if state is AgreementState.TERMINATED:
        raise Conflict(f"agreement {previous.agreement_id} was terminated; it cannot be amended")
    if new.agreement_id != previous.agreement_id:
        raise InvalidInput("agreement_id", new.agreement_id, "differs from the amended agreement")
    if new.version != previous.version + 1:
        raise Conflict(
            f"agreement {new.agreement_id} is at version {previous.version}; "
            f"an amendment must be version {previous.version + 1}, not {new.version}"
        )
    if new.previous_hash != previous.hash:
        raise InvalidInput(
            "previous_hash",
            new.previous_hash,
            f"must be the hash of version {previous.version}: {previous.hash}",
        )


# --- parsing ----------------------------------------------------------------

_FIELDS = {
    "agreement_id",
    "version",
    "title",
    "parties",
    "scope",
    "purposes",
    "max_classification",
    "tlp",
    "handling",
    "onward",
    "retention",
    "hit_only",
    "exclusions",
    "effective_from",
    "effective_until",
    "on_end",
    "previous_hash",
}


def parse_document(data: Any) -> AgreementDocument:
    """Parse a proposed agreement; every error names the field and the value."""
    if not isinstance(data, dict):
        raise InvalidInput("agreement", data, "must be a JSON object")
    for key in data:
        if key not in _FIELDS:
            raise InvalidInput(key, key, f"unknown field; known: {', '.join(sorted(_FIELDS))}")
    scope = data.get("scope") or {}
    if not isinstance(scope, dict):
        raise InvalidInput("scope", scope, "must be an object")
    for key in scope:
        if key not in {"schemata", "crime_areas", "subject_categories"}:
            raise InvalidInput(f"scope.{key}", key, "unknown field")
    agreement_id = str(_required(data, "agreement_id")).strip()
    if not _AGREEMENT_ID.match(agreement_id):
        raise InvalidInput(
            "agreement_id", agreement_id, "3-80 lower-case letters, digits, '.', '_' or '-'"
        )
    effective_from = _date("effective_from", _required(data, "effective_from"))
    assert effective_from is not None  # _required refused an empty value
    until = _date("effective_until", data.get("effective_until"))
    if until is not None and until < effective_from:
        raise InvalidInput("effective_until", until.isoformat(), "is before effective_from")
    return AgreementDocument(
        agreement_id=agreement_id,
        version=_version(data.get("version", 1)),
        title=_title(_required(data, "title")),
        parties=_parties(_required(data, "parties")),
        schemata=frozenset(_schema(v) for v in _list(scope, "schemata", "scope.schemata")),
        crime_areas=_enums(CrimeArea, scope, "crime_areas", "scope.crime_areas"),
        subject_categories=_enums(
            SubjectCategory, scope, "subject_categories", "scope.subject_categories"
        ),
        purposes=_enums(Purpose, data, "purposes", "purposes"),
        max_classification=Classification.parse(
            _required(data, "max_classification"), "max_classification"
        ),
        tlp=frozenset(_tlp(v) for v in _list(data, "tlp", "tlp")),
        handling=frozenset(_handling(v) for v in _list(data, "handling", "handling", empty=True)),
        onward=parse_enum(OnwardRule, "onward", data.get("onward", OnwardRule.FORBIDDEN)),
        retention_months=_retention(data.get("retention")),
        hit_only=frozenset(_hit_only(v) for v in _list(data, "hit_only", "hit_only", empty=True)),
        exclusions=frozenset(
            _exclusion(v) for v in _list(data, "exclusions", "exclusions", empty=True)
        ),
        effective_from=effective_from,
        effective_until=until,
        on_end=parse_enum(OnEnd, "on_end", data.get("on_end", OnEnd.KEEP)),
        previous_hash=_previous_hash(data.get("previous_hash")),
    )


def _required(data: dict[str, Any], key: str) -> Any:
    value = data.get(key)
    if value is None or value == "" or value == []:
        raise InvalidInput(key, value, "is required")
    return value


def _version(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_VERSION:
        raise InvalidInput("version", value, f"must be a whole number from 1 to {MAX_VERSION}")
    return value


def _title(value: Any) -> str:
    text = str(value).strip()
    if not 3 <= len(text) <= 200:
        raise InvalidInput("title", value, "must be 3 to 200 characters")
    return text


def _date(name: str, value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidInput(name, value, "must be a date as YYYY-MM-DD") from None


def _list(data: dict[str, Any], key: str, name: str, empty: bool = False) -> list[Any]:
    value = data.get(key)
    if value is None:
        value = []
    if not isinstance(value, list):
        raise InvalidInput(name, value, "must be a list")
    if not value and not empty:
        raise InvalidInput(name, value, "must name at least one value")
    return value


def _enums(kind: Any, data: dict[str, Any], key: str, name: str) -> frozenset[Any]:
    return frozenset(parse_enum(kind, name, v) for v in _list(data, key, name))


def _parties(value: Any) -> tuple[Party, ...]:
    if not isinstance(value, list) or len(value) < 2:
        raise InvalidInput("parties", value, "an agreement needs at least two parties")
    parties: list[Party] = []
    for i, item in enumerate(value):
        name = f"parties[{i}]"
        if not isinstance(item, dict) or set(item) - {"node_id", "name", "public_key"}:
            raise InvalidInput(name, item, "must be an object with node_id, name, public_key")
        public_key = str(item.get("public_key") or "").strip()
        try:
            raw = unb64(public_key)
        except ValueError:
            raw = b""
        if len(raw) != 32:
            raise InvalidInput(f"{name}.public_key", public_key, "not an Ed25519 public key")
        node_id = str(item.get("node_id") or "").strip()
        if node_id != node_id_for(raw):
            raise InvalidInput(
                f"{name}.node_id", node_id, f"does not match the public key ({node_id_for(raw)})"
            )
        parties.append(Party(node_id, _title(item.get("name") or node_id), public_key))
    ids = [p.node_id for p in parties]
    if len(set(ids)) != len(ids):
        raise InvalidInput("parties", ids, "a node is listed twice")
    return tuple(sorted(parties, key=lambda p: p.node_id))


def _schema(value: Any) -> str:
    return get_schema(str(value), "scope.schemata").name


def _tlp(value: Any) -> TLP:
    text = str(value).strip().upper().removeprefix("TLP:")
    try:
        return TLP(text)
    except ValueError:
        raise InvalidInput("tlp", value, f"must be one of {', '.join(TLP)}") from None


def _handling(value: Any) -> HandlingCode:
    try:
        return HandlingCode(str(value).strip().upper())
    except ValueError:
        raise InvalidInput("handling", value, "must be one of H0, H1, H2, H3") from None


def _retention(value: Any) -> dict[str, int]:
    if value is None:
        raise InvalidInput("retention", value, 'is required, for example {"nominal": "5y"}')
    if not isinstance(value, dict) or not value:
        raise InvalidInput("retention", value, 'must be an object such as {"nominal": "5y"}')
    months: dict[str, int] = {}
    for key, text in value.items():
        if key not in RETENTION_KEYS:
            allowed = ", ".join(sorted(RETENTION_KEYS))
            raise InvalidInput(f"retention.{key}", key, f"unknown category; known: {allowed}")
        match = _DURATION.match(str(text))
        if not match:
            raise InvalidInput(f"retention.{key}", text, "must be a duration such as 5y or 18m")
        count = int(match.group(1)) * (12 if match.group(2).lower() == "y" else 1)
        if count < 1:
            raise InvalidInput(f"retention.{key}", text, "must be at least one month")
        months[key] = count
    return months


def _hit_only(value: Any) -> str:
    text = str(value).strip()
    if text in {c.value for c in SubjectCategory}:
        return text
    return get_schema(text, "hit_only").name


def _exclusion(value: Any) -> str:
    text = str(value).strip()
    kind, _, rest = text.partition(":")
    if kind not in EXCLUSION_KINDS or not rest:
        raise InvalidInput(
            "exclusions", value, f"must be KIND:VALUE with KIND one of {', '.join(EXCLUSION_KINDS)}"
        )
    if kind == "schema":
        rest = get_schema(rest, "exclusions").name
    elif kind == "crime_area":
        rest = parse_enum(CrimeArea, "exclusions", rest).value
    elif kind == "category":
        rest = parse_enum(SubjectCategory, "exclusions", rest).value
    return f"{kind}:{rest}"


def _previous_hash(value: Any) -> str | None:
    if value is None or value == "":
        return None
    text = str(value).strip().lower()
    if not re.fullmatch(r"[0-9a-f]{64}", text):
        raise InvalidInput("previous_hash", value, "must be a SHA-256 hex digest")
    return text


def _tlp_rank(tlp: TLP) -> int:
    return tlp.rank


def _months_text(months: int) -> str:
    return f"{months // 12}y" if months % 12 == 0 else f"{months}m"


# --- human-readable views ---------------------------------------------------


def summary(agreement: Agreement) -> list[str]:
    """The agreement in plain lines, for the CLI and the web."""
    doc = agreement.document
    parties = "; ".join(f"{p.name} ({p.node_id})" for p in doc.parties)
    signed = ", ".join(sorted(agreement.signatures)) or "nobody yet"
    until = doc.effective_until.isoformat() if doc.effective_until else "open-ended"
    retention = ", ".join(f"{k} {_months_text(v)}" for k, v in sorted(doc.retention_months.items()))
    lines = [
        f"{doc.title} — {doc.agreement_id} version {doc.version} ({agreement.state.value})",
        f"parties: {parties}",
        f"signed by: {signed}",
        f"in effect: {doc.effective_from.isoformat()} to {until}",
        f"records: {', '.join(sorted(doc.schemata))}",
        f"crime areas: {_join(doc.crime_areas)}",
        f"subject categories: {_join(doc.subject_categories)}",
        f"purposes: {_join(doc.purposes)}",
        f"highest classification: {doc.max_classification.name}",
        f"TLP that may flow: {', '.join(t.value for t in sorted(doc.tlp, key=_tlp_rank))}",
        f"handling codes that may flow: {_join(doc.handling) or 'none'}",
        f"onward sharing: {doc.onward.value.replace('_', ' ')}",
        f"retention: {retention}",
        f"hit/no-hit only: {', '.join(sorted(doc.hit_only)) or 'nothing'}",
        f"exclusions: {', '.join(sorted(doc.exclusions)) or 'none'}",
        f"when suspended or terminated: {doc.on_end.value} what was shared",
        f"document hash: {doc.hash}",
    ]
    return lines


def diff(old: AgreementDocument, new: AgreementDocument) -> list[str]:
    """What changed between two versions, one line per changed field."""
    before, after = _flat(old.to_dict()), _flat(new.to_dict())
    lines = []
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            lines.append(f"{key}: {_show(before.get(key))} → {_show(after.get(key))}")
    return lines


def _flat(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _show(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {v}" for k, v in value.items()) + "}"
    return str(value)


def _join(values: Iterable[StrEnum]) -> str:
    return ", ".join(sorted(v.value for v in values))
