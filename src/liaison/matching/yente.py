"""yente's semantics, pure: how a query example is read, what an entity and a
scored result look like, how adjacent records are nested, which results a
dataset scope and yente's filters keep.

A screening client built for OpenSanctions' yente sends each query as an entity
example (``{"schema", "properties"}``) and expects yente's leniency: a property
the schema does not have is skipped, a value FollowTheMoney cannot clean (a
date that is no date) is dropped, a single string counts as a list of one.
Only an unknown or abstract schema refuses the query. This is the opposite of
how a record is read (``liaison.model.entities`` refuses whatever it would
lose): a query stores nothing, so what it cannot read only narrows it, and the
example as read is echoed back so that the client sees what was used.

yente explains a score by feature results whose ``score`` lies in [0, 1]. The
node's features are levels on an ordered scale (``liaison.matching.score``):
:func:`level_value` places a level on that scale, 1.0 for the strongest
agreement down to 0.0 for the strongest disagreement; the level's weight in
log-odds stays in the detail. The service that reads the database is
``liaison.node.yente``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import orjson
from followthemoney import model, registry

from liaison.errors import BadRequest
from liaison.matching.features import MISSING
from liaison.matching.score import LEVELS, Score, feature_names
from liaison.model.records import Record

ALGORITHM = "liaison-logistic"
ALIASES = {"best": ALGORITHM}  # yente's alias for the recommended algorithm
DEFAULT, RECORDS, WATCHLIST = "default", "records", "watchlist:"
MAX_LIMIT = 500  # yente's MAX_MATCHES and MAX_PAGE
MAX_OFFSET = 9_499  # yente's MAX_RESULTS - MAX_PAGE
MIN_CANDIDATES = 20  # yente scores at least 20 candidates, even for limit 1
CANDIDATES_PER_RESULT = 10  # yente's MATCH_CANDIDATES
MAX_CANDIDATES = 500  # yente's MAX_MATCH_CANDIDATES

MAX_VALUES = 50  # values read per property of a query
MAX_VALUE_LENGTH = 2_000


@dataclass(frozen=True, slots=True)
class Example:
    """One query as read: the client's id if it gave one, the schema, the
    properties kept (cleaned by FollowTheMoney) and the names of those skipped."""

    id: str | None
    schema: str
    properties: dict[str, list[str]]
    skipped: tuple[str, ...] = ()


def read_example(name: str, data: Any) -> Example:
    """Read a yente query example; only an unknown schema or a body that is not an
    example is an error (``queries.<name>...``)."""
    if not isinstance(data, Mapping):
        raise BadRequest(f"queries.{name}", data, "must be an object with schema and properties")
    given = data.get("schema")
    schema = model.get(given) if isinstance(given, str) else None
    if schema is None or schema.abstract:
        raise BadRequest(
            f"queries.{name}.schema", data.get("schema"), "not a concrete FollowTheMoney schema"
        )
    raw = data.get("properties") or {}
    if not isinstance(raw, Mapping):
        raise BadRequest(
            f"queries.{name}.properties", raw, "must be an object of property name to values"
        )
    example_id = data.get("id")
    kept: dict[str, list[str]] = {}
    skipped: list[str] = []
    for prop_name, values in raw.items():
        prop = schema.get(prop_name) if isinstance(prop_name, str) else None
        if prop is None or prop.stub or prop.type == registry.entity:
            skipped.append(str(prop_name))
            continue
        cleaned = _clean(prop.type, values)
        if cleaned:
            kept[prop.name] = cleaned
        else:
            skipped.append(prop.name)
    return Example(
        id=str(example_id) if isinstance(example_id, str | int) else None,
        schema=schema.name,
        properties=kept,
        skipped=tuple(skipped),
    )


def _clean(kind: Any, values: Any) -> list[str]:
    """The values FollowTheMoney can clean, each once, in the order given."""
    if isinstance(values, str | int | float):
        values = [values]
    if not isinstance(values, list | tuple):
        return []
    out: list[str] = []
    for value in values[:MAX_VALUES]:
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            continue
        text = str(value)[:MAX_VALUE_LENGTH]
        clean = kind.clean(text)
        if clean is not None and clean not in out:
            out.append(clean)
    return out


def level_value(kind: str, feature: str, level: str) -> float:
    """A feature level's place on its scale: 1.0 for the strongest agreement, 0.0 for
    the strongest disagreement, 0.0 when one side has no value (``missing``)."""
    scale = LEVELS.get(kind, {}).get(feature, ())
    if level == MISSING or level not in scale:
        return 0.0
    if len(scale) == 1:
        return 1.0
    return round(1.0 - scale.index(level) / (len(scale) - 1), 4)


@dataclass(frozen=True, slots=True)
class MatchOptions:
    """A ``/match`` call's parameters, yente's names and defaults (``threshold``
    ``None``: the node's configured threshold)."""

    dataset: str = DEFAULT
    limit: int = 5
    threshold: float | None = None
    cutoff: float | None = None
    algorithm: str = "best"
    weights: Mapping[str, float] = field(default_factory=dict)
    config: Mapping[str, Any] = field(default_factory=dict)
    include_dataset: Sequence[str] = ()
    exclude_dataset: Sequence[str] = ()
    exclude_schema: Sequence[str] = ()
    exclude_entity_ids: Sequence[str] = ()
    topics: Sequence[str] = ()
    changed_since: str | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """An entity as yente returns it. A property's values are strings, or adjacent
    entries where the entity is returned with what is next to it."""

    id: str
    caption: str
    schema: str
    properties: dict[str, list[str | Entry]]
    datasets: list[str]
    referents: list[str]
    target: bool
    first_seen: str | None
    last_seen: str | None
    last_change: str | None


@dataclass(frozen=True, slots=True)
class Explained:
    """One feature's result as nomenklatura reports it: a value in [0, 1] and why."""

    score: float
    detail: str | None
    query: str | None = None
    candidate: str | None = None


@dataclass(frozen=True, slots=True)
class Scored:
    entry: Entry
    score: float
    match: bool
    log_odds: float
    explanations: dict[str, Explained]


@dataclass(frozen=True, slots=True)
class Matches:
    """One query's answer: the example as read, the results kept, and ``total``:
    how many of all the candidates scored are matches."""

    query: Example
    results: list[Scored]
    total: int


def algorithm_named(name: str) -> str:
    """The algorithm a yente client asks for by name (``best`` included); any other
    name is refused with 400, as yente refuses it."""
    clean = name.strip().lower()
    found = ALIASES.get(clean, clean)
    if found != ALGORITHM:
        raise BadRequest(
            "algorithm", name, f"Invalid algorithm: {name} (this node offers {ALGORITHM})"
        )
    return found


def check_weights(weights: Mapping[str, Any], config: Mapping[str, Any]) -> dict[str, float]:
    """``weights`` may scale the algorithm's features (a number ≥ 0 each); it takes no
    configuration parameter (yente refuses one the algorithm does not have)."""
    for key in config:
        raise BadRequest(
            f"config.{key}",
            config[key],
            f"Invalid configuration parameter: {key} for algorithm {ALGORITHM}",
        )
    known = feature_names()
    out: dict[str, float] = {}
    for key, value in weights.items():
        if key not in known:
            raise BadRequest(
                f"weights.{key}", value, f"no such feature of {ALGORITHM}: {', '.join(known)}"
            )
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise BadRequest(f"weights.{key}", value, "must be a number of 0 or more")
        out[key] = float(value)
    return out


def seen(moment: dt.datetime | None) -> str | None:
    """yente's time format: ISO 8601 to the second, UTC, without a zone."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0).isoformat()


def record_entry(record: Record) -> Entry:
    return Entry(
        id=record.record_id,
        caption=record.caption,
        schema=record.schema,
        properties={k: list(v) for k, v in record.properties.items()},
        datasets=[RECORDS],
        referents=[record.entity_id],
        target=False,
        first_seen=seen(record.created),
        last_seen=seen(record.modified),
        last_change=seen(record.modified),
    )


def watch_entry(row: Any) -> Entry:
    entity = orjson.loads(row.entity)
    added = seen(row.added)
    return Entry(
        id=row.entry_id,
        caption=row.caption,
        schema=row.schema,
        properties={k: list(v) for k, v in entity["properties"].items()},
        datasets=[f"{WATCHLIST}{row.watchlist}"],
        referents=[entity["id"]] if entity.get("id") else [],
        target=True,
        first_seen=added,
        last_seen=added,
        last_change=added,
    )


def explained(kind: str, found: Score) -> dict[str, Explained]:
    return {
        name: Explained(
            score=level_value(kind, name, e.level),
            detail=f"{e.level}: {e.detail} ({e.weight:+.2f} log-odds)",
        )
        for name, e in found.features.items()
    }


def nest(centre: Record, neighbours: Sequence[Record]) -> Entry:
    """The centre's entry with each neighbour in place: where the centre names the
    neighbour's entity (a forward property), the id becomes the neighbour's entry;
    where the neighbour names the centre (a property with a reverse), the neighbour
    is listed under the reverse property of the centre's schema."""
    top = record_entry(centre)
    by_entity = {n.entity_id: n for n in neighbours}
    props: dict[str, list[str | Entry]] = {}
    schema = model.get(centre.schema)
    for name, values in top.properties.items():
        prop = schema.get(name) if schema else None
        linked = prop is not None and prop.type == registry.entity
        props[name] = [
            record_entry(by_entity[v]) if linked and isinstance(v, str) and v in by_entity else v
            for v in values
        ]
    for other in neighbours:
        other_schema = model.get(other.schema)
        if other_schema is None:
            continue
        for name, named in other.properties.items():
            prop = other_schema.get(name)
            if prop is None or prop.type != registry.entity or centre.entity_id not in named:
                continue
            reverse = prop.reverse
            if reverse is None or schema is None or schema.get(reverse.name) is None:
                continue
            listed: list[str | Entry] = props.setdefault(reverse.name, [])
            if not any(isinstance(v, Entry) and v.id == other.record_id for v in listed):
                listed.append(record_entry(other))
    return replace(top, properties=props)


def kept(entry: Entry, scope: str, options: MatchOptions) -> bool:
    """Whether a result stays under the dataset scope and yente's filters."""
    datasets = set(entry.datasets)
    if scope != DEFAULT and scope not in datasets:
        return False
    if options.include_dataset and not datasets & set(options.include_dataset):
        return False
    if datasets & set(options.exclude_dataset):
        return False
    if entry.schema in options.exclude_schema:
        return False
    if {entry.id, *entry.referents} & set(options.exclude_entity_ids):
        return False
    if options.topics:
        topics = {v for v in entry.properties.get("topics", []) if isinstance(v, str)}
        if not topics & set(options.topics):
            return False
    return not (
        options.changed_since
        and entry.last_change is not None
        and entry.last_change < options.changed_since
    )
