"""Record forms, without I/O: a FollowTheMoney schema as form fields, and a
posted form back into the entity and envelope that ``node.records`` takes.

Form field names are the paths the services name in their errors
(``properties.birthDate``, ``markings.tlp``, ``evaluation.source``,
``purposes``...), so an ``InvalidInput`` lands next to the field it names.
Posted values arrive as ``{name: [values]}``; empty values are dropped, and
every value of a non-free-text property is split into one value per line.
Validation is the services' job: these functions only reshape.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from followthemoney import model, registry
from followthemoney.property import Property
from followthemoney.schema import Schema

from liaison.model.grading import INFORMATION, SOURCES, Scheme
from liaison.model.markings import PAP, TLP, Classification, HandlingCode
from liaison.model.vocab import Assertion, CrimeArea, OnExpiry, Purpose, SubjectCategory
from liaison.web.labels import LABELS

Values = Mapping[str, Sequence[str]]

#: The schemata an analyst records by hand, in the order the chooser offers them.
OFFERED = (
    "Person",
    "Organization",
    "Company",
    "Passport",
    "Identification",
    "Vehicle",
    "Vessel",
    "Airplane",
    "BankAccount",
    "Address",
    "UserAccount",
    "CryptoWallet",
    "Event",
    "Associate",
    "Family",
    "Membership",
    "Ownership",
    "Directorship",
    "Employment",
    "UnknownLink",
)

_LINK = ("relationship", "role", "startDate", "endDate", "summary")
_ORG = ("name", "alias", "country", "jurisdiction", "registrationNumber", "idNumber", "taxNumber")
_ORG_MORE = ("incorporationDate", "legalForm", "status", "sector", "email", "phone", "website")
_DOCUMENT = ("holder", "number", "type", "country", "authority", "startDate", "endDate")
_CRAFT = ("name", "registrationNumber", "type", "model", "country", "operator", "buildDate")

#: Properties worth a field by hand, after the schema's required and featured
#: ones; the FtM model holds a hundred more (registry codes, provenance URLs).
SHOWN: dict[str, tuple[str, ...]] = {
    "Person": (
        "name",
        "firstName",
        "middleName",
        "lastName",
        "fatherName",
        "motherName",
        "alias",
        "birthDate",
        "birthPlace",
        "birthCountry",
        "nationality",
        "citizenship",
        "gender",
        "idNumber",
        "passportNumber",
        "phone",
        "email",
        "position",
        "address",
        "notes",
    ),
    "Organization": (*_ORG, *_ORG_MORE, "address", "notes"),
    "Company": (*_ORG, *_ORG_MORE, "address", "notes"),
    "Passport": (*_DOCUMENT, "birthDate", "birthPlace", "gender", "personalNumber", "summary"),
    "Identification": (*_DOCUMENT, "summary"),
    "Vehicle": (*_CRAFT, "registrationDate", "notes"),
    "Vessel": (*_CRAFT, "imoNumber", "mmsi", "callSign", "flag", "pastFlags", "registrationPort"),
    "Airplane": (*_CRAFT, "serialNumber", "icaoCode", "manufacturer", "notes"),
    "BankAccount": ("accountNumber", "iban", "bic", "bankName", "bank", "country", "accountType"),
    "Address": ("full", "street", "city", "postalCode", "region", "country", "remarks"),
    "UserAccount": ("username", "service", "owner", "email", "phone", "ipAddress", "notes"),
    "CryptoWallet": ("publicKey", "cryptoAddress", "holder", "currencySymbol", "blockchain"),
    "Event": ("name", "date", "startDate", "endDate", "location", "country", "involved"),
    "Associate": ("person", "associate", *_LINK),
    "Family": ("person", "relative", *_LINK),
    "Membership": ("member", "organization", *_LINK),
    "Ownership": ("owner", "asset", "percentage", *_LINK),
    "Directorship": ("director", "organization", *_LINK),
    "Employment": ("employer", "employee", *_LINK),
    "UnknownLink": ("subject", "object", *_LINK),
}
_TRAILER = ("notes", "summary", "description")  # for schemata not in SHOWN

#: Properties that usually hold several values: one value per line.
MULTI = frozenset(
    {
        "alias",
        "previousName",
        "weakAlias",
        "phone",
        "email",
        "nationality",
        "citizenship",
        "address",
        "idNumber",
        "passportNumber",
        "pastFlags",
        "involved",
        "website",
    }
)
_SKIPPED_TYPES = frozenset({"html", "json", "mimetype", "checksum", "topic"})


class Widget(StrEnum):
    TEXT = "text"  # one line
    LINES = "lines"  # a textarea, one value per line
    LONGTEXT = "longtext"  # free text, kept whole
    DATE = "date"  # text as YYYY-MM-DD, YYYY-MM or YYYY (FtM dates may be partial)
    SELECT = "select"  # from the FtM type's own list (countries, genders, languages)
    ENTITY = "entity"  # the id of another record or entity


@dataclass(frozen=True)
class Field:
    key: str  # the form name, "properties.<name>"
    name: str
    label: str  # FtM's English label
    widget: Widget
    multiple: bool
    required: bool
    options: tuple[tuple[str, str], ...] = ()
    range: str | None = None  # for entity references, the schema they point to
    input_type: str = "text"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str  # English; the template translates it


def offered_schemata() -> list[Schema]:
    """The offered schemata that the installed FtM model has."""
    found = (model.get(name) for name in OFFERED)
    return [schema for schema in found if schema is not None and not schema.abstract]


def fields_for(schema: Schema, values: Values | None = None) -> list[Field]:
    """Form fields for a schema: required and featured properties first, then
    the useful ones, then any property the record already holds (an edit must
    never drop a value just because its property has no field by default)."""
    held = properties_of(values or {})
    names = _ordered(schema, held)
    return [_field(schema.properties[name], len(held.get(name, ()))) for name in names]


def _ordered(schema: Schema, held: Mapping[str, Sequence[str]]) -> list[str]:
    wanted = [*schema.required, *schema.featured, *SHOWN.get(schema.name, _TRAILER)]
    shown = [name for name in wanted if _fits(schema.get(name))]
    extra = [name for name in held if _holdable(schema.get(name))]
    return list(dict.fromkeys([*shown, *extra]))


def _holdable(prop: Property | None) -> bool:
    return prop is not None and not prop.stub


def _fits(prop: Property | None) -> bool:
    if prop is None or prop.hidden or prop.stub or prop.deprecated:
        return False
    return prop.type.name not in _SKIPPED_TYPES


def _field(prop: Property, held: int) -> Field:
    widget = _widget(prop)
    multiple = prop.name in MULTI or held > 1
    if multiple and widget in (Widget.TEXT, Widget.DATE, Widget.ENTITY):
        widget = Widget.LINES
    return Field(
        key=f"properties.{prop.name}",
        name=prop.name,
        label=str(prop.label),
        widget=widget,
        multiple=multiple,
        required=prop.name in prop.schema.required,
        options=_options(prop),
        range=prop.range.name if prop.range is not None else None,
        input_type={"email": "email", "phone": "tel", "url": "url"}.get(prop.type.name, "text"),
    )


def _widget(prop: Property) -> Widget:
    kind = prop.type.name
    if kind == "text":
        return Widget.LONGTEXT
    if kind == "date":
        return Widget.DATE
    if kind == "entity":
        return Widget.ENTITY
    if kind in ("country", "gender", "language"):
        return Widget.SELECT
    return Widget.TEXT


def _options(prop: Property) -> tuple[tuple[str, str], ...]:
    names: Mapping[str, str] = getattr(prop.type, "names", {})
    return tuple(sorted(((code, str(label)) for code, label in names.items()), key=_by_label))


def _by_label(option: tuple[str, str]) -> str:
    return option[1].casefold()


# --- posted form → entity and envelope --------------------------------------------------


def properties_of(posted: Values) -> dict[str, list[str]]:
    """``properties.*`` values: trimmed, split into lines (except free text),
    empty ones dropped, duplicates dropped, in the order given."""
    out: dict[str, list[str]] = {}
    for key, raw in posted.items():
        if not key.startswith("properties."):
            continue
        name = key.removeprefix("properties.")
        values = _split(raw, keep_lines=_is_text(name))
        if values:
            out[name] = values
    return out


def _is_text(name: str) -> bool:
    return name in _TEXT_PROPERTIES


#: Free-text properties (notes, summary...): their line breaks are part of the value.
_TEXT_PROPERTIES = frozenset(
    name
    for schema in model.schemata.values()
    for name, prop in schema.properties.items()
    if prop.type == registry.text
)


def _split(raw: Iterable[str], keep_lines: bool) -> list[str]:
    found: list[str] = []
    for value in raw:
        parts = [value] if keep_lines else value.splitlines()
        found.extend(part.strip() for part in parts if part.strip())
    return list(dict.fromkeys(found))


def entity_from_form(schema: str, posted: Values) -> dict[str, Any]:
    """The entity ``node.records`` takes, from the posted ``properties.*`` fields."""
    return {"schema": schema, "properties": properties_of(posted)}


def envelope_from_form(posted: Values) -> dict[str, Any]:
    """The whole envelope from the posted fields: every field is sent, empty
    ones as None, so that clearing a field on an edit clears it."""
    return {
        "legal_basis": _one(posted, "legal_basis"),
        "purposes": _many(posted, "purposes"),
        "crime_area": _one(posted, "crime_area"),
        "markings": {
            "classification": _one(posted, "markings.classification"),
            "tlp": _one(posted, "markings.tlp"),
            "pap": _one(posted, "markings.pap"),
            "handling": _many(posted, "markings.handling"),
            "h3_text": _one(posted, "markings.h3_text"),
        },
        "evaluation": _evaluation(posted),
        "subject_category": _one(posted, "subject_category"),
        "assertion": _one(posted, "assertion"),
        "review_due": _one(posted, "review_due"),
        "expires": _one(posted, "expires"),
        "on_expiry": _one(posted, "on_expiry"),
    }


def _evaluation(posted: Values) -> dict[str, str] | None:
    parts = {
        part: _one(posted, f"evaluation.{part}") for part in ("scheme", "source", "information")
    }
    if not any(parts.values()):
        return None
    return {part: value or "" for part, value in parts.items()}


def _one(posted: Values, key: str) -> str | None:
    values = _split(posted.get(key, ()), keep_lines=True)
    return values[0] if values else None


def _many(posted: Values, key: str) -> list[str]:
    return _split(posted.get(key, ()), keep_lines=False)


# --- a record → the form's values ---------------------------------------------------------


def form_values(properties: Mapping[str, Sequence[str]], envelope: Mapping[str, Any]) -> Values:
    """A stored record's entity properties and envelope as form values (for an edit)."""
    out: dict[str, list[str]] = {f"properties.{k}": list(v) for k, v in properties.items()}
    markings = envelope.get("markings") or {}
    evaluation = envelope.get("evaluation") or {}
    for key in ("legal_basis", "crime_area", "subject_category", "assertion", "on_expiry"):
        out[key] = _listed(envelope.get(key))
    for key in ("review_due", "expires"):
        out[key] = _listed(envelope.get(key))
    out["purposes"] = list(envelope.get("purposes") or [])
    for key in ("classification", "tlp", "pap", "h3_text"):
        out[f"markings.{key}"] = _listed(markings.get(key))
    out["markings.handling"] = list(markings.get("handling") or [])
    for key in ("scheme", "source", "information"):
        out[f"evaluation.{key}"] = _listed(evaluation.get(key))
    return out


def _listed(value: Any) -> list[str]:
    return [] if value is None or value == "" else [str(value)]


def posted_values(items: Iterable[tuple[str, Any]]) -> dict[str, list[str]]:
    """A multi-dict's items (``FormData.multi_items()``) as ``{name: [values]}``;
    uploads and other non-text parts are ignored."""
    out: dict[str, list[str]] = {}
    for key, value in items:
        if isinstance(value, str):
            out.setdefault(key, []).append(value)
    return out


# --- the envelope's choices, from the enums ------------------------------------------------


def humanise(value: str) -> str:
    """``operational_analysis`` → ``Operational analysis`` (an English message id)."""
    return value.replace("_", " ").capitalize()


def _choices(values: Iterable[str], labels: bool = True) -> list[Choice]:
    return [Choice(v, LABELS.get(v, humanise(v)) if labels else v) for v in values]


#: What each handling code means (Europol SIENA), for labels and the banner's titles.
HANDLING_TEXT = {
    HandlingCode.H0.value: "Law-enforcement purposes only",
    HandlingCode.H1.value: "Not for judicial proceedings without the provider's permission",
    HandlingCode.H2.value: "Not to be disseminated without the provider's permission",
    HandlingCode.H3.value: "Other restrictions, stated in text",
}


def envelope_choices() -> dict[str, list[Choice]]:
    """Every closed list of the envelope form, built from the model's enums."""
    sources = sorted(set("".join(SOURCES.values())))
    information = sorted(set("".join(INFORMATION.values())))
    return {
        "classification": [Choice(c.name, c.name.replace("_", " ")) for c in Classification],
        "tlp": _choices((t.value for t in TLP), labels=False),
        "pap": _choices((p.value for p in PAP), labels=False),
        "handling": [Choice(h.value, HANDLING_TEXT[h.value]) for h in HandlingCode],
        "scheme": _choices(s.value for s in Scheme),
        "source": _choices(sources, labels=False),
        "information": _choices(information, labels=False),
        "purposes": _choices(p.value for p in Purpose),
        "crime_area": _choices(c.value for c in CrimeArea),
        "subject_category": _choices(s.value for s in SubjectCategory),
        "assertion": _choices(a.value for a in Assertion),
        "on_expiry": _choices(o.value for o in OnExpiry),
    }


# --- a record's properties, for reading -------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    name: str
    label: str
    kind: str  # the FtM type name: "entity" values are references to other records
    values: tuple[str, ...]


def shown_properties(schema: Schema, properties: Mapping[str, Sequence[str]]) -> list[Shown]:
    """A record's properties with their FtM labels, in the form's order."""
    order = _ordered(schema, properties)
    rows = []
    for name in order:
        prop = schema.get(name)
        values = tuple(properties.get(name, ()))
        if prop is not None and values:
            rows.append(Shown(name, str(prop.label), prop.type.name, values))
    return rows


def display_value(kind: str, value: str) -> str:
    """A country or gender code as FtM names it; other values as they are."""
    names: Mapping[str, str] = getattr(registry.get(kind), "names", {}) if kind else {}
    return str(names.get(value, value))


def schema_label(name: str) -> str:
    """A schema's FtM label (``BankAccount`` → ``Bank account``)."""
    schema = model.get(name)
    return str(schema.label) if schema is not None else name
