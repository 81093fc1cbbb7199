"""A notice draft: the request, the records it concerns, and where it goes. Pure.

A draft names its kind, its subject records (the person, their documents,
vehicles...), the request's fields (charge, warrant reference, summary of
facts...), its markings and handling codes as records have them, the source
evaluation, and the intended diffusion: a *publication* to every partner
whose agreement covers it, or a *diffusion* to chosen partners.

:func:`parse_draft` refuses what is malformed — unknown top-level keys,
fields the kind does not carry, values of the wrong type — naming every
problem at once (:class:`DraftRejected`). A draft may be saved incomplete;
:func:`missing` names each required field or legal reference still absent,
and :func:`require_complete` refuses an incomplete draft (a draft is
complete before it goes to review).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from liaison.diffusion.kinds import (
    FieldSpec,
    FieldType,
    RequestKind,
    RequestType,
    field_spec,
    request_type,
)
from liaison.errors import InvalidEnvelope, InvalidInput
from liaison.model.grading import Evaluation
from liaison.model.ids import content_hash
from liaison.model.markings import HandlingCode, Markings

MAX_TEXT = 500
MAX_NARRATIVE = 8000
MAX_ITEMS = 50
MAX_SUBJECTS = 50
_RECORD_ID = re.compile(r"^rec-[0-9a-f]{32}$")
_NODE_ID = re.compile(r"^[A-Za-z0-9._:-]{3,100}$")
#: The handling codes an originator may lift for its own notice (H0 is a purpose,
#: H3 a condition that travels: neither is lifted).
RELEASABLE = frozenset({HandlingCode.H1, HandlingCode.H2})

Value = str | tuple[str, ...] | dt.date | bool


class Mode(StrEnum):
    PUBLICATION = "publication"  # every partner whose agreement covers it
    DIFFUSION = "diffusion"  # the partners chosen


@dataclass(frozen=True)
class Distribution:
    """Where the notice is meant to go: to all covered partners, or to those named."""

    mode: Mode
    recipients: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.mode is Mode.PUBLICATION and self.recipients:
            raise InvalidInput(
                "distribution.recipients",
                sorted(self.recipients),
                "a publication goes to every partner whose agreement covers it; name none",
            )
        if self.mode is Mode.DIFFUSION and not self.recipients:
            raise InvalidInput(
                "distribution.recipients", [], "a diffusion names at least one partner"
            )

    def to_dict(self) -> dict[str, Any]:
        return {"mode": self.mode.value, "recipients": sorted(self.recipients)}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a draft: the field, the value, the reason."""

    field: str
    value: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "value": self.value, "reason": self.reason}


class DraftRejected(InvalidInput):
    """A draft was refused; every problem is named, nothing is kept."""

    title = "Draft rejected"

    def __init__(self, problems: Iterable[Problem]) -> None:
        found = tuple(problems)
        first = found[0]
        super().__init__(first.field, first.value, first.reason)
        self.message = f"{len(found)} problem(s); first: {first.field}: {first.reason}"
        self.args = (self.message,)
        self.problems = found

    def details(self) -> dict[str, Any]:
        return {"errors": [p.as_dict() for p in self.problems]}


@dataclass(frozen=True)
class NoticeDraft:
    kind: RequestKind
    subject_ids: tuple[str, ...]
    fields: Mapping[str, Value]
    markings: Markings
    evaluation: Evaluation | None
    distribution: Distribution
    drafted_on: dt.date
    releases: frozenset[HandlingCode] = frozenset()
    language: str = "en"

    def __post_init__(self) -> None:
        object.__setattr__(self, "fields", MappingProxyType(dict(self.fields)))

    @property
    def type(self) -> RequestType:
        return request_type(self.kind)

    def value(self, name: str) -> Value | None:
        return self.fields.get(name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "subjects": list(self.subject_ids),
            "fields": {k: _shown(v) for k, v in sorted(self.fields.items())},
            "markings": self.markings.to_dict(),
            "evaluation": self.evaluation.to_dict() if self.evaluation else None,
            "distribution": self.distribution.to_dict(),
            "releases": sorted(r.value for r in self.releases),
            "language": self.language,
            "drafted_on": self.drafted_on.isoformat(),
        }

    @property
    def digest(self) -> str:
        """SHA-256 of the canonical draft: a review and an approval name what they saw."""
        return content_hash(self.to_dict())


def _shown(value: Value) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


# --- parsing ----------------------------------------------------------------

_TOP = {
    "kind",
    "subjects",
    "fields",
    "markings",
    "evaluation",
    "distribution",
    "releases",
    "language",
}


def parse_draft(data: Any, drafted_on: dt.date) -> NoticeDraft:
    """A draft from what a client sent; every problem named at once."""
    if not isinstance(data, Mapping):
        raise DraftRejected([Problem("draft", _short(data), "must be an object")])
    problems: list[Problem] = [
        Problem(key, key, f"unknown key; known: {', '.join(sorted(_TOP))}")
        for key in data
        if key not in _TOP
    ]
    kind = _kind(data.get("kind"), problems)
    subjects = _subjects(data.get("subjects"), problems)
    values = _fields(kind, data.get("fields"), problems) if kind else {}
    markings = _envelope_part(lambda: Markings.from_dict(_object(data, "markings")), problems)
    evaluation = _envelope_part(lambda: Evaluation.from_dict(data.get("evaluation")), problems)
    distribution = _distribution(data.get("distribution"), problems)
    releases = _releases(data.get("releases"), problems)
    language = _language(data.get("language", "en"), problems)
    if problems or kind is None or distribution is None:
        raise DraftRejected(problems)
    return NoticeDraft(
        kind=kind,
        subject_ids=subjects,
        fields=values,
        markings=markings or Markings(),
        evaluation=evaluation,
        distribution=distribution,
        drafted_on=drafted_on,
        releases=releases,
        language=language,
    )


def missing(draft: NoticeDraft) -> tuple[Problem, ...]:
    """Each required field and legal reference the draft does not carry yet."""
    rt = draft.type
    out = []
    for name in rt.required:
        spec = field_spec(name)
        value = draft.value(name)
        if _absent(spec, value):
            what = "legal reference" if name in rt.references else "field"
            why = f"a required {what} of {rt.kind.value} requests: {spec.doc}"
            if spec.type is FieldType.CONFIRM:
                why = f"the undertaking must be given (true): {spec.doc}"
            out.append(Problem(f"fields.{name}", _short(value), why))
    if len(draft.subject_ids) < rt.min_subjects:
        out.append(
            Problem(
                "subjects",
                _short(list(draft.subject_ids)),
                f"{rt.kind.value} requests name at least {rt.min_subjects} subject record(s)",
            )
        )
    return tuple(out)


def require_complete(draft: NoticeDraft) -> NoticeDraft:
    problems = missing(draft)
    if problems:
        raise DraftRejected(problems)
    return draft


def _absent(spec: FieldSpec, value: Value | None) -> bool:
    if spec.type is FieldType.CONFIRM:
        return value is not True
    return value is None or value == "" or value == ()


def _kind(value: Any, problems: list[Problem]) -> RequestKind | None:
    try:
        return RequestKind(str(value).strip().lower())
    except ValueError:
        known = ", ".join(k.value for k in RequestKind)
        problems.append(Problem("kind", _short(value), f"must be one of {known}"))
        return None


def _subjects(value: Any, problems: list[Problem]) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) > MAX_SUBJECTS:
        problems.append(
            Problem("subjects", _short(value), f"a list of at most {MAX_SUBJECTS} record ids")
        )
        return ()
    out: list[str] = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not _RECORD_ID.match(item):
            problems.append(Problem(f"subjects[{i}]", _short(item), "not a record id (rec-…)"))
        elif item in out:
            problems.append(Problem(f"subjects[{i}]", item, "named twice"))
        else:
            out.append(item)
    return tuple(out)


def _fields(kind: RequestKind, value: Any, problems: list[Problem]) -> dict[str, Value]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        problems.append(Problem("fields", _short(value), "must be an object"))
        return {}
    rt = request_type(kind)
    out: dict[str, Value] = {}
    for name, raw in value.items():
        where = f"fields.{name}"
        if name not in rt.fields:
            known = ", ".join(sorted(rt.fields))
            problems.append(
                Problem(where, _short(name), f"not a field of {kind.value}; known: {known}")
            )
            continue
        parsed = _value(field_spec(name), raw, where, problems)
        if parsed is not None:
            out[name] = parsed
    return out


def _value(spec: FieldSpec, raw: Any, where: str, problems: list[Problem]) -> Value | None:
    if raw is None or raw == "" or raw == []:
        return None
    kind = spec.type
    if kind in (FieldType.TEXT, FieldType.NARRATIVE):
        limit = MAX_TEXT if kind is FieldType.TEXT else MAX_NARRATIVE
        text = raw.strip() if isinstance(raw, str) else ""
        if not text or len(text) > limit or (kind is FieldType.TEXT and "\n" in text):
            lines = "one line of" if kind is FieldType.TEXT else "text of"
            problems.append(Problem(where, _short(raw), f"must be {lines} 1-{limit} characters"))
            return None
        return text
    if kind is FieldType.DATE:
        return _date(raw, where, problems)
    if kind is FieldType.CONFIRM:
        if not isinstance(raw, bool):
            problems.append(Problem(where, _short(raw), "must be true or false"))
            return None
        return raw
    return _list(spec, raw, where, problems)


def _date(raw: Any, where: str, problems: list[Problem]) -> dt.date | None:
    if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
        return raw
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        problems.append(Problem(where, _short(raw), "must be a date as YYYY-MM-DD"))
        return None


def _list(spec: FieldSpec, raw: Any, where: str, problems: list[Problem]) -> tuple[str, ...] | None:
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_ITEMS:
        problems.append(Problem(where, _short(raw), f"must be a list of 1-{MAX_ITEMS} texts"))
        return None
    out: list[str] = []
    for item in items:
        text = item.strip() if isinstance(item, str) else ""
        if not text or len(text) > MAX_TEXT:
            problems.append(Problem(where, _short(item), f"each item: 1-{MAX_TEXT} characters"))
        elif spec.type is FieldType.CHOICES and text not in spec.values:
            known = ", ".join(sorted(spec.values))
            problems.append(Problem(where, text, f"must be among {known}"))
        elif text not in out:
            out.append(text)
    return tuple(sorted(out) if spec.type is FieldType.CHOICES else out)


def _object(data: Mapping[str, Any], key: str) -> Any:
    value = data.get(key)
    if value is not None and not isinstance(value, dict):
        raise InvalidEnvelope(key, value, "must be an object")
    return value


def _envelope_part(build: Any, problems: list[Problem]) -> Any:
    try:
        return build()
    except InvalidInput as error:
        problems.append(Problem(error.field, error.value, error.reason))
        return None


def _distribution(value: Any, problems: list[Problem]) -> Distribution | None:
    if not isinstance(value, Mapping) or set(value) - {"mode", "recipients"}:
        problems.append(
            Problem(
                "distribution",
                _short(value),
                'an object: {"mode": "publication"} or {"mode": "diffusion", "recipients": [...]}',
            )
        )
        return None
    try:
        mode = Mode(str(value.get("mode")).strip().lower())
    except ValueError:
        problems.append(
            Problem("distribution.mode", _short(value.get("mode")), "publication or diffusion")
        )
        return None
    raw = value.get("recipients") or []
    if not isinstance(raw, list) or not all(isinstance(r, str) and _NODE_ID.match(r) for r in raw):
        problems.append(Problem("distribution.recipients", _short(raw), "a list of node ids"))
        return None
    try:
        return Distribution(mode, frozenset(raw))
    except InvalidInput as error:
        problems.append(Problem(error.field, error.value, error.reason))
        return None


def _releases(value: Any, problems: list[Problem]) -> frozenset[HandlingCode]:
    if value is None:
        return frozenset()
    if not isinstance(value, list):
        problems.append(Problem("releases", _short(value), 'a list such as ["H2"]'))
        return frozenset()
    out: set[HandlingCode] = set()
    for item in value:
        code = str(item).strip().upper()
        if code not in {c.value for c in RELEASABLE}:
            problems.append(
                Problem("releases", _short(item), "only H1 and H2 can be lifted by the originator")
            )
        else:
            out.add(HandlingCode(code))
    return frozenset(out)


def _language(value: Any, problems: list[Problem]) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[a-z]{2,3}", value):
        problems.append(Problem("language", _short(value), "a language code such as en, fil, ru"))
        return "en"
    return value


def _short(value: Any, limit: int = 120) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
