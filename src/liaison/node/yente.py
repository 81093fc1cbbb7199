"""The node as a yente server: screening, search, entities, datasets, algorithms.

Agencies run screening clients built for OpenSanctions' yente (nomenklatura's
``YenteEnricher`` among them). This service answers what such a client asks, with
yente's semantics, over what the user may see of this node:

- **datasets**: ``default`` (everything below), ``records`` (own records and
  received copies) and one ``watchlist:<name>`` per watchlist;
- **match**: each query example read as yente reads it (``liaison.matching.examples``),
  scored against the candidates of the dataset by the node's one algorithm
  (``liaison-logistic``, also answering to yente's ``best``); ``weights`` scale a
  feature's log-odds; results above ``cutoff`` (never above ``threshold``) are
  returned, best first, ``limit`` of them; ``total`` counts the matches
  (results at or above ``threshold``) among all candidates scored, as yente does;
- **search**: records whose names contain the text, ``offset``/``limit`` pages;
- **entity**: one record (by record id, or by the FollowTheMoney entity id kept as
  its referent) or watchlist entry, with its adjacent records nested the way
  yente nests them, as far as the user may see them.

Every rule still applies: candidates are narrowed in SQL by clearance and
TLP:RED and then by the local policy decision, so nothing shows that the user
could not open; every call is audited (an entity read through the records and
graph services, which audit it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import orjson
from followthemoney import model, registry
from sqlalchemy import Connection, select

from liaison.audit.chain import Action
from liaison.errors import BadRequest, InvalidInput, NotFound
from liaison.matching.examples import Example, level_value, read_example
from liaison.matching.profile import build
from liaison.matching.score import ENTITY, PERSON, Score, feature_names, reweigh
from liaison.model.records import Record
from liaison.model.roles import Actor
from liaison.node.context import NO_REASON, NodeContext, Why
from liaison.node.decisions import local_decisions
from liaison.node.graph import GraphService
from liaison.node.matching import MAX_QUERIES, Hit, MatchService
from liaison.node.records import RecordService
from liaison.policy.decide import Use
from liaison.policy.permissions import Permission
from liaison.storage import matching as match_store
from liaison.storage import records as record_store
from liaison.storage.records import RecordFilter
from liaison.storage.tables import records as records_table
from liaison.storage.tables import watchlists

P = Permission
ALGORITHM = "liaison-logistic"
ALIASES = {"best": ALGORITHM}  # yente's alias for the recommended algorithm
DEFAULT, RECORDS, WATCHLIST = "default", "records", "watchlist:"
MAX_LIMIT = 500  # yente's MAX_MATCHES and MAX_PAGE
MAX_OFFSET = 9_499  # yente's MAX_RESULTS - MAX_PAGE
MIN_CANDIDATES = 20  # yente scores at least 20 candidates, even for limit 1
CANDIDATES_PER_RESULT = 10  # yente's MATCH_CANDIDATES
MAX_CANDIDATES = 500  # yente's MAX_MATCH_CANDIDATES
NESTED_MAX = 200  # adjacent records nested in one entity


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


@dataclass(frozen=True, slots=True)
class Screening:
    responses: dict[str, Matches]
    threshold: float
    cutoff: float
    limit: int


@dataclass(frozen=True, slots=True)
class SearchPage:
    results: list[Entry]
    total: int
    more: bool  # more results than ``offset + limit``: ``total`` is a lower bound
    limit: int
    offset: int


@dataclass(frozen=True, slots=True)
class DatasetInfo:
    name: str
    title: str
    summary: str
    entity_count: int | None
    children: list[str]
    updated_at: str | None


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


class YenteService:
    def __init__(
        self, ctx: NodeContext, matching: MatchService, records: RecordService, graph: GraphService
    ) -> None:
        self.ctx, self.matching, self.records, self.graph = ctx, matching, records, graph

    # --- datasets ----------------------------------------------------------------------

    def datasets(self, actor: Actor) -> list[DatasetInfo]:
        """The datasets a yente client may name: ``default``, ``records`` and one per
        watchlist (a catalog read: the names of the lists, no entity)."""
        with self.ctx.guard(actor, NO_REASON):
            self.ctx.permit(actor, P.MATCH, Action.MATCH, "catalog")
            with self.ctx.read() as conn:
                query = select(watchlists.c.name, watchlists.c.created).order_by(watchlists.c.name)
                rows = list(conn.execute(query))
        lists = [f"{WATCHLIST}{r.name}" for r in rows]
        return [
            DatasetInfo(
                DEFAULT,
                "Everything this node screens",
                "The node's records, the copies partners shared with it, and its watchlists.",
                None,
                [RECORDS, *lists],
                None,
            ),
            DatasetInfo(
                RECORDS,
                "Records",
                "This agency's records and the copies its partners shared with it.",
                None,
                [],
                None,
            ),
            *(
                DatasetInfo(
                    f"{WATCHLIST}{r.name}", r.name, "A watchlist.", None, [], seen(r.created)
                )
                for r in sorted(rows, key=lambda r: r.name)
            ),
        ]

    def _scope(self, conn: Connection, dataset: str) -> str:
        if dataset in (DEFAULT, RECORDS):
            return dataset
        if dataset.startswith(WATCHLIST):
            name = dataset[len(WATCHLIST) :]
            if conn.execute(select(watchlists.c.id).where(watchlists.c.name == name)).first():
                return dataset
        raise NotFound("dataset", dataset)

    # --- match -------------------------------------------------------------------------

    def match(
        self, actor: Actor, queries: Mapping[str, Any], options: MatchOptions, why: Why = NO_REASON
    ) -> Screening:
        """Screen each example against what the user may see of ``options.dataset``."""
        with self.ctx.guard(actor, why):
            self.ctx.permit(actor, P.MATCH, Action.MATCH, "match")
            algorithm_named(options.algorithm)
            weights = check_weights(options.weights, options.config)
            if not isinstance(queries, Mapping):
                raise BadRequest("queries", queries, "must be an object of named queries")
            if len(queries) > MAX_QUERIES:
                raise BadRequest(
                    "queries", len(queries), f"Too many queries in one batch (limit: {MAX_QUERIES})"
                )
            if not 1 <= options.limit <= MAX_LIMIT:
                raise InvalidInput("limit", options.limit, f"must be between 1 and {MAX_LIMIT}")
            threshold = self.matching.threshold(options.threshold)
            cutoff = min(threshold, threshold if options.cutoff is None else options.cutoff)
            examples = {str(n): read_example(str(n), q) for n, q in queries.items()}
            profiles = {n: build(e.schema, e.properties, cleaned=True) for n, e in examples.items()}
            wanted = {n: p for n, p in profiles.items() if p.names or p.identifiers}
            candidates = max(
                MIN_CANDIDATES, min(MAX_CANDIDATES, options.limit * CANDIDATES_PER_RESULT)
            )
            with self.ctx.read() as conn:
                scope = self._scope(conn, options.dataset)
                ranked = self.matching.ranked(conn, actor, wanted, candidates) if wanted else {}
                entries = self._entries(conn, actor, [h for hs in ranked.values() for h in hs])
                responses = {
                    name: self._matches(
                        example,
                        profiles[name].person,
                        ranked.get(name, []),
                        entries,
                        scope,
                        options,
                        weights,
                        (threshold, cutoff),
                    )
                    for name, example in examples.items()
                }
                self.ctx.record(
                    conn,
                    actor,
                    Action.MATCH,
                    "match",
                    why,
                    protocol="yente",
                    dataset=scope,
                    algorithm=ALGORITHM,
                    queries=len(examples),
                    threshold=threshold,
                    cutoff=cutoff,
                    results={n: [s.entry.id for s in m.results] for n, m in responses.items()},
                )
        return Screening(responses, threshold, cutoff, options.limit)

    def _matches(
        self,
        example: Example,
        person: bool,
        hits: Sequence[Hit],
        entries: Mapping[str, Entry],
        scope: str,
        options: MatchOptions,
        weights: Mapping[str, float],
        bounds: tuple[float, float],
    ) -> Matches:
        threshold, cutoff = bounds
        kind = PERSON if person else ENTITY
        scored: list[tuple[Score, Entry]] = []
        for hit in hits:
            entry = entries.get(hit.subject)
            if entry is None or not _kept(entry, scope, options):
                continue
            scored.append((reweigh(hit.score, weights), entry))
        scored.sort(key=lambda pair: (-pair[0].log_odds, pair[1].id))
        matches = sum(1 for found, _ in scored if found.score >= threshold)
        shown = [
            Scored(
                entry,
                found.score,
                found.score >= threshold,
                found.log_odds,
                explained(kind, found),
            )
            for found, entry in scored
            if found.score > cutoff or found.score >= threshold
        ]
        return Matches(example, shown[: options.limit], matches)

    def _entries(self, conn: Connection, actor: Actor, hits: Sequence[Hit]) -> dict[str, Entry]:
        """The entries of these hits that the user may open: records through the local
        policy decision (hits come narrowed in SQL already), watchlist entries as they are."""
        ids = sorted({h.subject for h in hits if h.kind == "record"})
        loaded = record_store.current_with_copies(conn, ids)
        decisions = local_decisions(self.ctx, conn, actor, loaded, Use.VIEW)
        out = {
            r.record_id: record_entry(r)
            for r, d in zip(loaded, decisions, strict=True)
            if d.allowed and not r.deleted
        }
        listed = [h.subject for h in hits if h.kind == "watchlist"]
        for entry_id, row in match_store.entries(conn, listed).items():
            out[entry_id] = watch_entry(row)
        return out

    # --- search ------------------------------------------------------------------------

    def search(
        self,
        actor: Actor,
        dataset: str,
        text: str,
        schema: str | None,
        limit: int,
        offset: int,
        why: Why = NO_REASON,
    ) -> SearchPage:
        """Records the user may open whose names contain ``text`` (all of them for an
        empty text), oldest first, ``limit`` from ``offset``. Watchlist entries are
        screened by ``match``, not searched."""
        if not 1 <= limit <= MAX_LIMIT:
            raise InvalidInput("limit", limit, f"must be between 1 and {MAX_LIMIT}")
        if not 0 <= offset <= MAX_OFFSET:
            raise InvalidInput("offset", offset, f"must be between 0 and {MAX_OFFSET}")
        if schema and (model.get(schema) is None):
            raise BadRequest("schema", schema, "Invalid schema")
        with self.ctx.guard(actor, why):
            self.ctx.permit(actor, P.RECORD_READ, Action.RECORD_SEARCH, "records")
            with self.ctx.read() as conn:
                scope = self._scope(conn, dataset)
                if scope.startswith(WATCHLIST):
                    raise BadRequest(
                        "dataset", dataset, "search covers records; screen watchlists with /match"
                    )
                flt = RecordFilter(text=text.strip() or None)
                rows = record_store.search(
                    conn,
                    flt,
                    actor.clearance,
                    0,
                    offset + limit + 1,
                    actor.username,
                    self.ctx.node_id,
                )
                if schema:
                    wanted = {s.name for s in model.schemata.values() if s.is_a(schema)}
                    rows = [r for r in rows if r.schema in wanted]
                page = [r.record_id for r in rows[offset : offset + limit]]
                loaded = {r.record_id: r for r in record_store.current_with_copies(conn, page)}
                ordered = [loaded[i] for i in page if i in loaded]
                decisions = local_decisions(self.ctx, conn, actor, ordered, Use.VIEW)
                shown = [
                    record_entry(r) for r, d in zip(ordered, decisions, strict=True) if d.allowed
                ]
                self.ctx.record(
                    conn,
                    actor,
                    Action.RECORD_SEARCH,
                    "records",
                    why,
                    protocol="yente",
                    filter={"text": text, **({"schema": schema} if schema else {})},
                    returned=len(shown),
                    results=[e.id for e in shown],
                )
        more = len(rows) > offset + limit
        return SearchPage(shown, min(len(rows), offset + limit), more, limit, offset)

    # --- entities ----------------------------------------------------------------------

    def entity(self, actor: Actor, entity_id: str, nested: bool, why: Why = NO_REASON) -> Entry:
        """A record (by its id, or the FollowTheMoney entity id it holds) or a watchlist
        entry; with ``nested``, the records next to it that the user may open, under
        the property that links them (forward: ``holder`` of a passport; reverse: a
        person's ``identification``), as yente nests adjacent entities."""
        if entity_id.startswith(match_store.WATCH):
            return self._watch_entry(actor, entity_id, why)
        record_id = self._record_id(actor, entity_id)
        if not nested:
            record = self.records.get(actor, record_id, why=why)
            if record.deleted:
                raise NotFound("entity", entity_id)
            return record_entry(record)
        around = self.graph.neighbourhood(actor, record_id, NESTED_MAX, why)
        if around.centre.deleted:
            raise NotFound("entity", entity_id)
        return nest(around.centre, around.neighbours)

    def _record_id(self, actor: Actor, entity_id: str) -> str:
        if entity_id.startswith("rec-"):
            return entity_id
        with self.ctx.read() as conn:
            found = list(
                conn.execute(
                    select(records_table.c.record_id, records_table.c.originator)
                    .where(records_table.c.entity_id == entity_id)
                    .order_by(records_table.c.id)
                )
            )
        if not found:
            raise NotFound("entity", entity_id)
        own = [str(r.record_id) for r in found if r.originator == self.ctx.node_id]
        return (own or [str(found[0].record_id)])[0]

    def _watch_entry(self, actor: Actor, entry_id: str, why: Why) -> Entry:
        with self.ctx.guard(actor, why):
            self.ctx.permit(actor, P.MATCH, Action.MATCH, entry_id)
            with self.ctx.read() as conn:
                row = match_store.entries(conn, [entry_id]).get(entry_id)
                if row is None:
                    raise NotFound("entity", entry_id)
                self.ctx.record(conn, actor, Action.MATCH, entry_id, why, protocol="yente")
        return watch_entry(row)


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


def _kept(entry: Entry, scope: str, options: MatchOptions) -> bool:
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
