"""The node as a yente server: screening, search, entities, datasets, algorithms.

Agencies run screening clients built for OpenSanctions' yente (nomenklatura's
``YenteEnricher`` among them). This service answers what such a client asks, with
yente's semantics, over what the user may see of this node:

- **datasets**: ``default`` (everything below), ``records`` (own records and
  received copies) and one ``watchlist:<name>`` per watchlist;
- **match**: each query example read as yente reads it (``liaison.matching.yente``),
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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from followthemoney import model
from sqlalchemy import Connection, select

from liaison.audit.chain import Action
from liaison.errors import BadRequest, InvalidInput, NotFound
from liaison.matching.profile import build
from liaison.matching.score import ENTITY, PERSON, Score, reweigh
from liaison.matching.yente import (
    ALGORITHM,
    CANDIDATES_PER_RESULT,
    DEFAULT,
    MAX_CANDIDATES,
    MAX_LIMIT,
    MAX_OFFSET,
    MIN_CANDIDATES,
    RECORDS,
    WATCHLIST,
    Entry,
    Example,
    Matches,
    MatchOptions,
    Scored,
    algorithm_named,
    check_weights,
    explained,
    kept,
    nest,
    read_example,
    record_entry,
    seen,
    watch_entry,
)
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
NESTED_MAX = 200  # adjacent records nested in one entity


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
            if entry is None or not kept(entry, scope, options):
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
                kinds = None
                if schema:  # the schema and every schema that is one (yente's ``schema``)
                    kinds = frozenset(s.name for s in model.schemata.values() if s.is_a(schema))
                flt = RecordFilter(text=text.strip() or None, schemata=kinds)
                rows = record_store.search(
                    conn,
                    flt,
                    actor.clearance,
                    0,
                    offset + limit + 1,
                    actor.username,
                    self.ctx.node_id,
                )
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
