"""Request types: what a notice or diffusion asks a partner to do. Pure.

Each kind of request is data (``data/requests.yaml``), validated when first
loaded: the action it asks for in words, its INTERPOL colour (identifier
lists — stolen or lost travel documents, vehicles, vessels — are not colour
notices but databases checked at borders by hit/no-hit), the fields it
requires and allows, whether it is coercive, which FtM schemata its subjects
may be, the minimum data that identifies each subject, the responses a
receiver may give with their deadlines, and how long it stays valid.

Kinds are named by what they ask, never by colour::

    arrest            red             information      blue
    warning           green           missing_person   yellow
    unidentified      black           imminent_threat  orange
    modus_operandi    purple          asset_tracing    silver (pilot since 2025)
    un_sanctions      INTERPOL-UNSC special notice
    travel_document, stolen_vehicle, stolen_vessel     identifier lists (no colour)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any, TypeVar

import yaml
from followthemoney import model


class RequestKind(StrEnum):
    ARREST = "arrest"
    INFORMATION = "information"
    WARNING = "warning"
    MISSING_PERSON = "missing_person"
    UNIDENTIFIED = "unidentified"
    IMMINENT_THREAT = "imminent_threat"
    MODUS_OPERANDI = "modus_operandi"
    TRAVEL_DOCUMENT = "travel_document"
    STOLEN_VEHICLE = "stolen_vehicle"
    STOLEN_VESSEL = "stolen_vessel"
    ASSET_TRACING = "asset_tracing"
    UN_SANCTIONS = "un_sanctions"


class Colour(StrEnum):
    """INTERPOL's colour-coded notices, and ``none`` for identifier lists."""

    RED = "red"
    BLUE = "blue"
    GREEN = "green"
    YELLOW = "yellow"
    BLACK = "black"
    ORANGE = "orange"
    PURPLE = "purple"
    SILVER = "silver"  # asset tracing: INTERPOL's pilot since January 2025
    INTERPOL_UNSC = "interpol_unsc"  # the INTERPOL-UN Security Council special notice
    NONE = "none"  # an identifier list (stolen documents, vehicles, vessels)


class FieldType(StrEnum):
    TEXT = "text"  # one line
    NARRATIVE = "narrative"  # free text
    LIST = "list"  # texts
    DATE = "date"
    CONFIRM = "confirm"  # an undertaking: given when true
    CHOICES = "choices"  # values from a closed list


class ResponseKind(StrEnum):
    """What a receiver answers in the notice's thread."""

    ACKNOWLEDGED = "acknowledged"
    LOCATED = "located"  # for identifier lists: a hit at a border post
    DETAINED = "detained"
    SEIZED = "seized"
    NOT_FOUND = "not_found"
    WILL_NOT_ACT = "will_not_act"


class Party(StrEnum):
    """Which side must take a step before a deadline."""

    RECEIVER = "receiver"
    ORIGINATOR = "originator"


class Step(StrEnum):
    ACKNOWLEDGE = "acknowledge"  # the receiver says it has the request and will act
    CONFIRM = "confirm"  # the originator confirms the request stands and what follows


E = TypeVar("E", bound=StrEnum)

#: A deadline's trigger: the notice received, or a response given.
RECEIVED = "received"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: FieldType
    screen: bool
    doc: str
    values: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Identifying:
    """The minimum data of a subject: every ``all`` property, and one of ``any``."""

    schema: str
    all: tuple[str, ...]
    any: tuple[str, ...]

    def missing(self, properties: Mapping[str, Any]) -> tuple[str, ...]:
        """What is missing, in words; empty when the subject is identified."""
        out = [f"{p}" for p in self.all if not _present(properties.get(p))]
        if self.any and not any(_present(properties.get(p)) for p in self.any):
            out.append("one of " + ", ".join(self.any))
        return tuple(out)

    @property
    def text(self) -> str:
        parts = list(self.all)
        if self.any:
            parts.append("one of " + ", ".join(self.any))
        return " and ".join(parts) or "nothing"


@dataclass(frozen=True)
class DeadlineRule:
    after: str  # RECEIVED or a ResponseKind value
    who: Party
    step: Step
    hours: int


@dataclass(frozen=True)
class RequestType:
    kind: RequestKind
    action: str
    colour: Colour
    identifier_list: str | None
    coercive: bool
    coercion: str | None
    schemata: tuple[str, ...]
    primary: tuple[str, ...]
    min_subjects: int
    required: tuple[str, ...]
    allowed: tuple[str, ...]
    references: tuple[str, ...]
    identifying: Mapping[str, Identifying]
    responses: frozenset[ResponseKind]
    deadlines: tuple[DeadlineRule, ...]
    validity_years: int
    renewal_years: int
    reminder_months: int

    @property
    def fields(self) -> frozenset[str]:
        """Every field it may carry."""
        return frozenset(self.required) | frozenset(self.allowed)

    @property
    def is_identifier_list(self) -> bool:
        return self.identifier_list is not None

    def covers(self, schema: str) -> bool:
        """Whether a subject of this schema may be named (a schema covers its extensions)."""
        return _is_a(schema, self.schemata)

    def is_primary(self, schema: str) -> bool:
        return _is_a(schema, self.primary)

    def identifying_rule(self, schema: str) -> Identifying | None:
        """The most specific rule for a schema: its own, else the nearest it extends."""
        found = model.get(schema)
        if found is None:
            return None
        for ancestor in _ancestry(found.name):
            if ancestor in self.identifying:
                return self.identifying[ancestor]
        return None


@dataclass(frozen=True)
class Catalogue:
    fields: Mapping[str, FieldSpec]
    types: Mapping[RequestKind, RequestType]

    def __getitem__(self, kind: RequestKind) -> RequestType:
        return self.types[kind]


# --- loading ----------------------------------------------------------------


def build_catalogue(data: Any) -> Catalogue:
    """Validate the request file; a bad file fails at start-up, naming the entry."""
    _keys(data, {"defaults", "fields", "identifying", "kinds"}, "requests")
    defaults = data["defaults"]
    _keys(defaults, {"validity_years", "renewal_years", "reminder_months"}, "defaults")
    for key, value in defaults.items():
        _positive(value, f"defaults.{key}")
    fields = {name: _field(name, spec) for name, spec in _mapping(data["fields"], "fields").items()}
    identifying = _identifying(data["identifying"], "identifying")
    kinds = _mapping(data["kinds"], "kinds")
    if set(kinds) != {k.value for k in RequestKind}:
        missing = sorted({k.value for k in RequestKind} ^ set(kinds))
        raise ValueError(
            f"requests: kinds must be exactly the RequestKind values; differ: {missing}"
        )
    types = {
        RequestKind(name): _request_type(RequestKind(name), spec, fields, identifying, defaults)
        for name, spec in kinds.items()
    }
    return Catalogue(fields, types)


def _field(name: str, spec: Any) -> FieldSpec:
    where = f"fields.{name}"
    _keys(spec, {"type", "screen", "doc"}, where, optional={"values"})
    kind = _enum(FieldType, spec["type"], where)
    values = frozenset(str(v) for v in spec.get("values") or ())
    if (kind is FieldType.CHOICES) != bool(values):
        raise ValueError(f"requests: {where}: values are given for choices, and only for them")
    if not isinstance(spec["screen"], bool) or not str(spec["doc"]).strip():
        raise ValueError(f"requests: {where}: screen must be true or false, doc must be text")
    return FieldSpec(name, kind, spec["screen"], str(spec["doc"]), values)


def _identifying(data: Any, where: str) -> dict[str, Identifying]:
    out: dict[str, Identifying] = {}
    for schema_name, spec in _mapping(data, where).items():
        schema = model.get(schema_name)
        if schema is None:
            raise ValueError(f"requests: {where}: unknown FtM schema {schema_name}")
        _keys(spec, {"all", "any"}, f"{where}.{schema_name}")
        props = [*spec["all"], *spec["any"]]
        unknown = [p for p in props if p not in schema.properties]
        if unknown or not props:
            raise ValueError(
                f"requests: {where}.{schema_name}: not {schema_name} properties: {unknown}"
            )
        out[schema.name] = Identifying(schema.name, tuple(spec["all"]), tuple(spec["any"]))
    return out


_KIND_KEYS = {
    "action",
    "colour",
    "coercive",
    "schemata",
    "primary",
    "min_subjects",
    "required",
    "allowed",
    "references",
    "responses",
    "deadlines",
}
_KIND_OPTIONAL = {"list", "coercion", "identifying"}


def _request_type(
    kind: RequestKind,
    spec: Any,
    fields: Mapping[str, FieldSpec],
    identifying: Mapping[str, Identifying],
    defaults: Mapping[str, int],
) -> RequestType:
    where = f"kinds.{kind.value}"
    _keys(spec, _KIND_KEYS, where, optional=_KIND_OPTIONAL)
    colour = _enum(Colour, spec["colour"], where)
    listed = spec.get("list")
    if (colour is Colour.NONE) != bool(listed):
        raise ValueError(f"requests: {where}: an identifier list has colour none, and only it")
    coercive = spec["coercive"]
    if not isinstance(coercive, bool) or coercive != bool(spec.get("coercion")):
        raise ValueError(f"requests: {where}: a coercive kind says why (coercion), only it")
    required, allowed = tuple(spec["required"]), tuple(spec["allowed"])
    for name in (*required, *allowed):
        if name not in fields:
            raise ValueError(f"requests: {where}: unknown field {name}")
    if set(required) & set(allowed) or not set(spec["references"]) <= set(required):
        raise ValueError(f"requests: {where}: fields overlap, or a reference is not required")
    schemata = tuple(_schema_name(s, where) for s in spec["schemata"])
    primary = tuple(_schema_name(s, where) for s in spec["primary"])
    if not set(primary) <= set(schemata):
        raise ValueError(f"requests: {where}: primary schemata must be among its schemata")
    own = spec.get("identifying")
    rules = {**identifying, **(_identifying(own, f"{where}.identifying") if own else {})}
    rt = RequestType(
        kind=kind,
        action=str(spec["action"]),
        colour=colour,
        identifier_list=str(listed) if listed else None,
        coercive=coercive,
        coercion=str(spec["coercion"]) if coercive else None,
        schemata=schemata,
        primary=primary,
        min_subjects=_count(spec["min_subjects"], f"{where}.min_subjects"),
        required=required,
        allowed=allowed,
        references=tuple(spec["references"]),
        identifying=rules,
        responses=frozenset(_enum(ResponseKind, r, where) for r in spec["responses"]),
        deadlines=tuple(_deadline(d, where) for d in spec["deadlines"]),
        validity_years=defaults["validity_years"],
        renewal_years=defaults["renewal_years"],
        reminder_months=defaults["reminder_months"],
    )
    for schema in schemata:
        if rt.identifying_rule(schema) is None:
            raise ValueError(f"requests: {where}: no identifying rule for {schema}")
    for rule in rt.deadlines:
        if rule.after != RECEIVED and rule.after not in rt.responses:
            raise ValueError(f"requests: {where}: deadline after {rule.after}, not a response")
    if ResponseKind.WILL_NOT_ACT not in rt.responses:
        raise ValueError(f"requests: {where}: a receiver may always refuse to act")
    return rt


def _deadline(spec: Any, where: str) -> DeadlineRule:
    _keys(spec, {"after", "who", "step", "hours"}, f"{where}.deadlines")
    after = str(spec["after"])
    if after != RECEIVED:
        _enum(ResponseKind, after, f"{where}.deadlines")
    return DeadlineRule(
        after,
        _enum(Party, spec["who"], f"{where}.deadlines"),
        _enum(Step, spec["step"], f"{where}.deadlines"),
        _positive(spec["hours"], f"{where}.deadlines"),
    )


def _enum(kind: type[E], value: Any, where: str) -> E:
    try:
        return kind(str(value))
    except ValueError:
        known = ", ".join(v.value for v in kind)
        raise ValueError(f"requests: {where}: {value!r} is not one of {known}") from None


def _schema_name(name: Any, where: str) -> str:
    schema = model.get(str(name))
    if schema is None:
        raise ValueError(f"requests: {where}: unknown FtM schema {name}")
    return schema.name


def _keys(data: Any, required: set[str], where: str, optional: set[str] | None = None) -> None:
    if not isinstance(data, dict):
        raise ValueError(f"requests: {where}: expected a mapping")
    keys = set(data)
    if not required <= keys or keys - required - (optional or set()):
        raise ValueError(f"requests: {where}: expected keys {sorted(required)}, got {sorted(keys)}")


def _mapping(data: Any, where: str) -> dict[str, Any]:
    if not isinstance(data, dict) or not data:
        raise ValueError(f"requests: {where}: expected a non-empty mapping")
    return data


def _positive(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"requests: {where}: expected a positive whole number, got {value!r}")
    return value


def _count(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"requests: {where}: expected a whole number, got {value!r}")
    return value


@cache
def _ancestry(schema: str) -> tuple[str, ...]:
    """The schema, then those it extends, nearest first (breadth-first)."""
    found = model.get(schema)
    if found is None:
        return ()
    order: list[str] = []
    queue = [found]
    while queue:
        current = queue.pop(0)
        if current.name not in order:
            order.append(current.name)
            queue.extend(sorted(current.extends, key=lambda s: s.name))
    return tuple(order)


def _is_a(schema: str, names: tuple[str, ...]) -> bool:
    return bool(set(_ancestry(schema)) & set(names))


def _present(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    return any(_present(v) for v in value) if isinstance(value, list | tuple) else True


@cache
def default_catalogue() -> Catalogue:
    text = resources.files("liaison.diffusion").joinpath("data/requests.yaml").read_text("utf-8")
    return build_catalogue(yaml.safe_load(text))


def request_type(kind: RequestKind) -> RequestType:
    """The request type of a kind, from the data file."""
    return default_catalogue()[kind]


def field_spec(name: str) -> FieldSpec:
    return default_catalogue().fields[name]
