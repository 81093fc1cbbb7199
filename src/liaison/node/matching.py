"""Screening, cross-match alerts and watchlists.

``match`` answers a batch of queries (the shape of yente's ``/match``) with
scored candidates the user may see. ``process`` takes the records waiting
in the match queue (every local write and every received copy lands
there in its own transaction) and raises an alert for each record or
watchlist entry that matches above the threshold, or above
``alert_conflict_threshold`` when the evidence contradicts itself (both
birth dates known and different: namesakes, the commonest false alert; or
no name in common: strangers born on the same day); a pair that an analyst
rejected is not raised again. Alerts are read grouped by the record of this
node they are about, best first, filtered by state, partner and watchlist
(``liaison.storage.alerts``), and are confirmed, rejected or escalated one by
one or several at once (each decision audited on its own).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import ColumnElement, Connection

from liaison.audit.chain import Action
from liaison.errors import Conflict, InvalidInput, LiaisonError, NotFound
from liaison.matching.profile import Profile, build, keys, loads
from liaison.matching.score import Score, default_model, raises_alert, score
from liaison.model.entities import parse_entity
from liaison.model.roles import Actor
from liaison.node.context import NO_REASON, NodeContext, Why, load_names
from liaison.node.diffusion import NoticeTarget, alerting
from liaison.node.notices import NewAlert, tell_hits
from liaison.node.setup import SYSTEM
from liaison.policy.permissions import Permission
from liaison.storage import alerts as alert_store
from liaison.storage import diffusion as diffusion_store
from liaison.storage import federation as federation_store
from liaison.storage import matching as store
from liaison.storage import records as record_store
from liaison.storage.alerts import AlertFilter

P = Permission
logger = logging.getLogger(__name__)
MAX_QUERIES = 100
MAX_LIMIT = 50
CANDIDATES = 100  # scored per query at most
STOP_KEY = 2000  # a key shared by more subjects than this selects nothing
DEFAULT_CUTOFF = 0.5  # yente's: results scoring under it are not returned
DECISIONS = {"confirm": "confirmed", "reject": "rejected", "escalate": "escalated"}
STATUSES = ("open", *DECISIONS.values())
MAX_GROUPS = 100  # records per page of grouped alerts
MAX_IN_GROUP = 50  # alerts shown under one record (the count says how many there are)
MAX_BULK = 500  # alerts decided at once


@dataclass(frozen=True, slots=True)
class Hit:
    """A scored candidate: a record or a watchlist entry."""

    subject: str
    score: Score

    @property
    def kind(self) -> str:
        if self.subject.startswith(store.WATCH):
            return "watchlist"
        return "notice" if self.subject.startswith(diffusion_store.NOTICE) else "record"


@dataclass(frozen=True, slots=True)
class Alert:
    """A cross-match alert: a record against another record, a watchlist entry,
    a partner or a partner's notice (``target_kind`` record, watchlist, partner or
    notice: its ``notice`` names the action requested). Every field is
    always there, ``None`` where it does not apply: the web pages, the CLI and
    the API read the same object. Times are ISO 8601 text, as the API sends them."""

    id: int
    record_id: str
    version: int
    target: str  # a record id, a watchlist entry id, or partner:<node id>
    target_kind: str
    score: float
    explanation: dict[str, Any]  # the score and each feature's evidence (see ``explain``)
    status: str  # open, confirmed, rejected or escalated
    created: str
    decided: str | None
    decided_by: str | None
    note: str | None
    originator_told: str | None  # the partner told of the hit, if any
    watchlist: str | None  # the watchlist of the entry matched
    target_caption: str | None  # the other record's or the entry's caption, or the partner's name
    record_caption: str | None = None
    record_schema: str | None = None
    record_originator: str | None = None  # a node id: this node's or a partner's
    target_schema: str | None = None  # the other record's or the entry's schema
    target_originator: str | None = None  # the other record's originator
    notice: dict[str, str] | None = None  # a partner's notice: id, kind, action, originator

    @property
    def decidable(self) -> bool:
        """Open or escalated: it may still be confirmed, rejected or escalated."""
        return self.status not in ("confirmed", "rejected")

    @property
    def features(self) -> dict[str, dict[str, Any]]:
        """Each feature's evidence (none for a partner's hit: its score stays there)."""
        found: dict[str, dict[str, Any]] = self.explanation.get("features", {})
        return found


@dataclass(frozen=True, slots=True)
class AlertGroup:
    """One record and its candidate matches, best first: at most ``MAX_IN_GROUP``
    of its ``count`` alerts under the filter."""

    record_id: str
    caption: str | None
    schema: str | None
    originator: str | None
    best: float
    count: int
    alerts: tuple[Alert, ...]


@dataclass(frozen=True, slots=True)
class AlertPage:
    """A page of grouped alerts, best group first; ``total`` groups match the filter.
    ``partners`` (node id to name) and ``watchlists`` are what the filter can choose."""

    groups: tuple[AlertGroup, ...]
    total: int
    offset: int
    limit: int
    partners: dict[str, str]
    watchlists: tuple[str, ...]


WARM_NAMES = ("Juan dela Cruz", "Иван Петров", "محمد عبد الله", "Ivan Petrov")


def warm() -> float:
    """Load now what a process's first screening call would otherwise load: the
    name analyser (rigour's name tagger, several seconds of CPU and a few hundred
    MiB), the vocabularies and the scoring model. ``liaison serve`` calls it before
    it says it is serving; returns the seconds it took."""
    started = time.perf_counter()
    load_names()
    made = [build("Person", {"name": [n], "birthDate": ["1980-01-02"]}) for n in WARM_NAMES]
    model = default_model()
    for other in made[1:]:
        score(made[0], other, model)
    return time.perf_counter() - started


def query_profile(name: str, query: Any) -> Profile:
    """Validate one query (schema + properties) and build its profile."""
    if not isinstance(query, Mapping):
        raise InvalidInput(f"queries.{name}", query, "must be an object with schema and properties")
    try:
        proxy = parse_entity(
            {"schema": query.get("schema"), "properties": query.get("properties")}, "query"
        )
    except InvalidInput as exc:
        raise InvalidInput(f"queries.{name}.{exc.field}", exc.value, exc.reason) from exc
    profile = build(proxy.schema.name, proxy.properties)
    if not profile.names and not profile.identifiers:
        raise InvalidInput(
            f"queries.{name}.properties", query.get("properties"), "needs a name or an identifier"
        )
    return profile


class MatchService:
    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        self.model = default_model()

    def warm(self) -> float:
        """:func:`warm`, then the candidate statements once on the node's database (a
        read: no user, nothing leaves, nothing to audit), so that the first screening
        call finds a pooled connection, compiled statements and the index's upper
        pages in memory; returns the seconds it took."""
        started = time.perf_counter()
        warm()
        wanted = {n: keys(build("Person", {"name": [n]})) for n in WARM_NAMES}
        with self.ctx.engine.connect().execution_options(liaison_read=True) as conn:
            store.candidates(conn, wanted, CANDIDATES, STOP_KEY)
            conn.rollback()
        return time.perf_counter() - started

    # --- screening ---------------------------------------------------------------------

    def match(
        self,
        actor: Actor,
        queries: Mapping[str, Any],
        threshold: float | None = None,
        limit: int = 5,
        why: Why = NO_REASON,
        cutoff: float | None = None,
    ) -> dict[str, list[dict[str, Any]]]:
        """Score each query against the records the user may see and the watchlists;
        each result has the shape of a yente match result. As in yente, ``threshold``
        says which results are matches and results scoring under ``cutoff`` (default
        0.5, never above the threshold) are not returned at all."""
        with self.ctx.guard(actor, why):
            self.ctx.permit(actor, P.MATCH, Action.MATCH, "match")
            cut = self.threshold(threshold)
            floor = min(cut, self.cutoff(cutoff))
            profiles = self._queries(queries, limit)
            with self.ctx.read() as conn:
                found = {
                    name: [h for h in hits if h.score.score >= floor]
                    for name, hits in self._hits(conn, actor, profiles, limit).items()
                }
                described = self.describe(conn, [h for hits in found.values() for h in hits])
                self.ctx.record(
                    conn,
                    actor,
                    Action.MATCH,
                    "match",
                    why,
                    queries=len(profiles),
                    threshold=cut,
                    cutoff=floor,
                    results={n: [h.subject for h in hits] for n, hits in found.items()},
                )
        return {
            name: [result_view(h, described.get(h.subject, {}), cut) for h in hits]
            for name, hits in found.items()
        }

    @staticmethod
    def cutoff(given: float | None) -> float:
        if given is None:
            return DEFAULT_CUTOFF
        if not 0 <= given <= 1:
            raise InvalidInput("cutoff", given, "must be between 0 and 1")
        return given

    def threshold(self, given: float | None) -> float:
        if given is None:
            configured = self.ctx.settings.match_threshold
            return self.model.threshold if configured is None else configured
        if not 0 <= given <= 1:
            raise InvalidInput("threshold", given, "must be between 0 and 1")
        return given

    def _queries(self, queries: Mapping[str, Any], limit: int) -> dict[str, Profile]:
        if not isinstance(queries, Mapping) or not queries:
            raise InvalidInput("queries", queries, "must be a non-empty object of named queries")
        if len(queries) > MAX_QUERIES:
            raise InvalidInput("queries", len(queries), f"at most {MAX_QUERIES} per request")
        if not 1 <= limit <= MAX_LIMIT:
            raise InvalidInput("limit", limit, f"must be between 1 and {MAX_LIMIT}")
        return {str(name): query_profile(str(name), q) for name, q in queries.items()}

    def _hits(
        self,
        conn: Connection,
        actor: Actor | None,
        profiles: Mapping[str, Profile],
        limit: int,
        exclude: Mapping[str, str] | None = None,
        candidates: int = CANDIDATES,
    ) -> dict[str, list[Hit]]:
        """The best ``limit`` hits of each query among the ``candidates`` the actor may
        see (``None``: the node itself, which sees every record and received copy); a
        query's ``exclude`` subject (the record being cross-matched) is left out."""
        visible = None
        if actor is not None:
            visible = record_store.visible_to(actor.clearance, actor.username, self.ctx.node_id)
        wanted = {name: keys(profile) for name, profile in profiles.items()}
        found = store.candidates(conn, wanted, candidates, STOP_KEY, visible)
        skip = exclude or {}
        return {
            name: self._scored(
                profiles[name], [c for c in found[name] if c.subject != skip.get(name)], limit
            )
            for name in profiles
        }

    def ranked(
        self, conn: Connection, actor: Actor, profiles: Mapping[str, Profile], candidates: int
    ) -> dict[str, list[Hit]]:
        """Every candidate of each query that the actor may see (at most ``candidates``),
        scored, best first: a protocol that counts matches or scopes results reads them
        all before it keeps its ``limit``."""
        return self._hits(conn, actor, profiles, candidates, candidates=candidates)

    def _scored(self, profile: Profile, found: Sequence[store.Candidate], limit: int) -> list[Hit]:
        hits = [Hit(c.subject, score(profile, loads(c.profile), self.model)) for c in found]
        hits.sort(key=lambda hit: (-hit.score.log_odds, hit.subject))
        return hits[:limit]

    # --- cross-match alerts -----------------------------------------------------------------

    def process(self, batch: int = 50) -> int:
        """Cross-match queued records; return how many were processed. Small
        batches: the transaction holds SQLite's write lock while it scores."""
        threshold = self.threshold(None)
        with self.ctx.tx() as conn:
            rows = store.queued(conn, batch)
            ids = [row.record_id for row in rows]
            heads = record_store.heads_for(conn, ids)
            stored = store.profiles(conn, ids)  # local records and received copies alike
            current = [
                row
                for row in rows
                if (head := heads.get(row.record_id)) is not None
                and head.version == row.version
                and row.record_id in stored
            ]  # not gone, deleted, or queued again at a later version
            profiles = {row.record_id: loads(stored[row.record_id]) for row in current}
            found = self._hits(conn, None, profiles, MAX_LIMIT, {r: r for r in profiles})
            # a partner's notice raises alerts while it is issued and not expired, and
            # never on the copy of its own subject
            named = {h.subject for hits in found.values() for h in hits if h.kind == "notice"}
            notices = alerting(conn, sorted(named), self.ctx.now().date())
            raised: list[NewAlert] = []
            for row in current:
                hits = [
                    h
                    for h in found[row.record_id]
                    if h.kind != "notice"
                    or (h.subject in notices and notices[h.subject].record_id != row.record_id)
                ]
                raised += self._raise(conn, row.record_id, row.version, hits, threshold, notices)
            store.dequeue(conn, [row.id for row in rows])
            if rows:
                self.ctx.record(
                    conn,
                    SYSTEM,
                    Action.ALERT_RAISE,
                    "match-queue",
                    records=len(rows),
                    alerts=len(raised),
                )
            tell_hits(self.ctx, conn, [a for a in raised if a.kind == "record"])
        return len(rows)

    def process_all(self, batch: int = 50) -> int:
        total = 0
        while done := self.process(batch):
            total += done
        return total

    def _raise(
        self,
        conn: Connection,
        record_id: str,
        version: int,
        hits: Sequence[Hit],
        threshold: float,
        notices: Mapping[str, NoticeTarget] | None = None,
    ) -> list[NewAlert]:
        known = store.known_pairs(conn, record_id)
        contradicted = self.ctx.settings.alert_conflict_threshold
        raised = []
        for hit in hits:
            if not raises_alert(hit.score, threshold, contradicted):
                continue
            explanation = explain(hit.score)
            if notices and hit.subject in notices:  # it names the action requested
                explanation["notice"] = notices[hit.subject].to_dict()
            previous = known.get(hit.subject)
            if previous is None:
                alert_id = store.add_alert(
                    conn,
                    record_id=record_id,
                    version=version,
                    target=hit.subject,
                    target_kind=hit.kind,
                    score=hit.score.score,
                    explanation=orjson.dumps(explanation).decode(),
                    status="open",
                    created=self.ctx.now(),
                )
                raised.append(NewAlert(alert_id, record_id, hit.subject, hit.kind))
            elif previous.status == "open":
                store.refresh_alert(
                    conn,
                    previous.id,
                    version=version,
                    score=hit.score.score,
                    explanation=orjson.dumps(explanation).decode(),
                )
        return raised

    def alerts(
        self,
        actor: Actor,
        status: str | None = None,
        after: int = 0,
        limit: int = 50,
        partner: str | None = None,
        watchlist: str | None = None,
    ) -> list[Alert]:
        """Alerts on records the user may see (both sides), oldest first, after the
        ``after`` id; narrowed to a state, a partner (node id or name) or a watchlist."""
        with self.ctx.guard(actor):
            self.ctx.permit(actor, P.ALERT_READ, Action.ALERT_LIST, "alerts")
            with self.ctx.read() as conn:
                flt = self._filter(conn, status, partner, watchlist)
                visible = self._visible(actor)
                rows = alert_store.listed(
                    conn, flt, visible, self.ctx.node_id, after, min(max(limit, 1), 500)
                )
                shown = [view_of(row) for row in rows]
                self.ctx.record(
                    conn, actor, Action.ALERT_LIST, "alerts", count=len(shown), filters=_said(flt)
                )
        return shown

    def alert_groups(
        self,
        actor: Actor,
        status: str | None = None,
        partner: str | None = None,
        watchlist: str | None = None,
        offset: int = 0,
        limit: int = 10,
    ) -> AlertPage:
        """Alerts grouped by the record of this node they are about, the group with
        the best score first and, in a group, the best match first; a page of
        ``limit`` groups from ``offset``. Audited as one list with the alerts shown."""
        if not 1 <= limit <= MAX_GROUPS or offset < 0:
            raise InvalidInput("limit", limit, f"1-{MAX_GROUPS} records a page, offset >= 0")
        with self.ctx.guard(actor):
            self.ctx.permit(actor, P.ALERT_READ, Action.ALERT_LIST, "alerts")
            with self.ctx.read() as conn:
                flt = self._filter(conn, status, partner, watchlist)
                visible = self._visible(actor)
                found, total = alert_store.groups(
                    conn, flt, visible, self.ctx.node_id, limit, offset
                )
                rows = alert_store.in_groups(
                    conn, flt, visible, self.ctx.node_id, [g.record_id for g in found]
                )
                page = AlertPage(
                    groups=_grouped(found, rows),
                    total=total,
                    offset=offset,
                    limit=limit,
                    partners=federation_store.peer_names(conn),
                    watchlists=tuple(r.name for r in store.all_watchlists(conn)),
                )
                shown = [a.id for g in page.groups for a in g.alerts]
                self.ctx.record(
                    conn, actor, Action.ALERT_LIST, "alerts", alerts=shown, filters=_said(flt)
                )
        return page

    def _visible(self, actor: Actor) -> ColumnElement[bool]:
        """The records the user may see (the rule of ``storage.records.visible_to``)."""
        return record_store.visible_to(actor.clearance, actor.username, self.ctx.node_id)

    def _filter(
        self,
        conn: Connection,
        status: str | None,
        partner: str | None,
        watchlist: str | None,
    ) -> AlertFilter:
        """Checked filters; a partner is named by its node id or its name."""
        if status and status not in STATUSES:
            raise InvalidInput("status", status, "open, confirmed, rejected or escalated")
        node_id = None
        if partner:
            names = federation_store.peer_names(conn)
            by_name = {name: node for node, name in names.items()}
            node_id = partner if partner in names else by_name.get(partner)
            if node_id is None:
                raise InvalidInput("partner", partner, "not a partner of this node")
        if watchlist and store.watchlist_named(conn, watchlist) is None:
            raise InvalidInput("watchlist", watchlist, "no watchlist of that name")
        return AlertFilter(status or None, node_id, watchlist or None)

    def decide(
        self, actor: Actor, alert_id: int, decision: str, note: str = "", why: Why = NO_REASON
    ) -> Alert:
        """Confirm, reject (not raised again for this pair) or escalate an alert."""
        with self.ctx.guard(actor, why):
            self.ctx.permit(actor, P.ALERT_DECIDE, Action.ALERT_DECIDE, f"alert:{alert_id}")
            if decision not in DECISIONS:
                raise InvalidInput("decision", decision, "confirm, reject or escalate")
            with self.ctx.tx() as conn:
                row = store.alert(conn, alert_id, lock=True)
                visible = self._visible(actor)
                if (
                    row is None
                    or alert_store.one(conn, alert_id, visible, self.ctx.node_id) is None
                ):
                    raise NotFound("alert", str(alert_id))
                if row.status in ("confirmed", "rejected"):
                    raise Conflict(f"alert {alert_id} is already {row.status}")
                status = DECISIONS[decision]
                store.refresh_alert(
                    conn,
                    alert_id,
                    status=status,
                    decided=self.ctx.now(),
                    decided_by=actor.label,
                    note=note[:2000],
                )
                self.ctx.record(
                    conn,
                    actor,
                    Action.ALERT_DECIDE,
                    f"alert:{alert_id}",
                    why,
                    decision=status,
                    note=note[:200],
                )
                updated = alert_store.one(conn, alert_id, visible, self.ctx.node_id)
                assert updated is not None
                return view_of(updated)

    def decide_all(
        self,
        actor: Actor,
        alert_ids: Sequence[int],
        decision: str,
        note: str = "",
        why: Why = NO_REASON,
    ) -> list[tuple[int, Alert | LiaisonError]]:
        """The same decision on each of several alerts, each in its own transaction
        and audited as a single decision is: one that fails (already decided by a
        colleague, no longer visible) is reported and does not stop the others."""
        if decision not in DECISIONS:
            raise InvalidInput("decision", decision, "confirm, reject or escalate")
        chosen = list(dict.fromkeys(alert_ids))
        if not chosen:
            raise InvalidInput("alerts", [], "choose at least one alert")
        if len(chosen) > MAX_BULK:
            raise InvalidInput("alerts", len(chosen), f"at most {MAX_BULK} at once")
        out: list[tuple[int, Alert | LiaisonError]] = []
        for alert_id in chosen:
            try:
                out.append((alert_id, self.decide(actor, alert_id, decision, note, why)))
            except (Conflict, NotFound) as exc:
                out.append((alert_id, exc))
        return out

    # --- watchlists -----------------------------------------------------------------------

    def add_watchlist(self, actor: Actor, name: str, description: str = "") -> dict[str, Any]:
        with self.ctx.guard(actor):
            self.ctx.permit(actor, P.WATCHLIST_MANAGE, Action.WATCHLIST_CREATE, f"watchlist:{name}")
            if not name or len(name) > 100 or not name.replace("-", "").replace("_", "").isalnum():
                raise InvalidInput("name", name, "1-100 letters, digits, - or _")
            with self.ctx.tx() as conn:
                if store.watchlist_named(conn, name) is not None:
                    raise Conflict(f"watchlist {name} exists")
                store.add_watchlist(
                    conn,
                    name=name,
                    description=description[:2000],
                    created=self.ctx.now(),
                    created_by=actor.label,
                )
                self.ctx.record(conn, actor, Action.WATCHLIST_CREATE, f"watchlist:{name}")
        return {"name": name, "description": description, "entries": 0}

    def add_entries(self, actor: Actor, name: str, entities: Sequence[Any]) -> int:
        """Add FollowTheMoney entities (``{"id", "schema", "properties"}``) to a watchlist."""
        with self.ctx.guard(actor):
            self.ctx.permit(actor, P.WATCHLIST_MANAGE, Action.WATCHLIST_ADD, f"watchlist:{name}")
            proxies = [_entity(i, e) for i, e in enumerate(entities)]
            with self.ctx.tx() as conn:
                found = store.watchlist_named(conn, name)
                if found is None:
                    raise NotFound("watchlist", name)
                rows = [_entry_row(found.id, name, proxy, self.ctx.now()) for proxy in proxies]
                store.put_entries(conn, rows)
                profiles = [build(proxy.schema.name, proxy.properties) for proxy in proxies]
                store.index(
                    conn, [(row["entry_id"], p) for row, p in zip(rows, profiles, strict=True)]
                )
                self.ctx.record(
                    conn, actor, Action.WATCHLIST_ADD, f"watchlist:{name}", entries=len(rows)
                )
        return len(rows)

    def watchlists(self, actor: Actor) -> list[dict[str, Any]]:
        with self.ctx.guard(actor):
            self.ctx.permit(actor, P.WATCHLIST_READ, Action.WATCHLIST_LIST, "watchlists")
            with self.ctx.tx() as conn:
                rows = store.all_watchlists(conn)
                self.ctx.record(conn, actor, Action.WATCHLIST_LIST, "watchlists", count=len(rows))
        return [
            {
                "name": r.name,
                "description": r.description,
                "entries": int(r.entries),
                "created": r.created.isoformat(),
            }
            for r in rows
        ]

    def describe(self, conn: Connection, hits: Sequence[Hit]) -> dict[str, dict[str, Any]]:
        """Caption, schema and properties of each hit (records and watchlist entries)."""
        records = record_store.current_with_copies(
            conn, [h.subject for h in hits if h.kind == "record"]
        )
        out = {
            r.record_id: {"caption": r.caption, "schema": r.schema, "properties": r.properties}
            for r in records
        }
        for entry_id, row in store.entries(
            conn, [h.subject for h in hits if h.kind == "watchlist"]
        ).items():
            entity = orjson.loads(row.entity)
            out[entry_id] = {
                "caption": row.caption,
                "schema": row.schema,
                "properties": entity["properties"],
                "watchlist": row.watchlist,
            }
        notices = [h.subject for h in hits if h.kind == "notice"]
        for subject, row in diffusion_store.subjects(conn, notices).items():
            out[subject] = {
                "caption": row.caption,
                "schema": row.schema,
                "properties": orjson.loads(row.entity)["properties"],
                "notice": row.notice_id,
            }
        return out


class MatchWorker:
    """Cross-matches the queue in a thread next to the API server. Between two
    batches it lets go of the database for ``PAUSE_SECONDS``: a batch holds
    SQLite's write lock, and a worker that began the next one at once would
    keep every other writer (users, the courier, a receiver) waiting until the
    queue is empty."""

    PAUSE_SECONDS = 0.02

    def __init__(self, service: MatchService, poll_seconds: float) -> None:
        self.service, self.poll = service, poll_seconds
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._main, name="liaison-matcher", daemon=True)

    def _main(self) -> None:
        while not self.stop.is_set():
            try:
                done = self.service.process()
            except Exception:
                logger.exception("cross-matching failed; retrying")
                done = 0
            self.stop.wait(self.PAUSE_SECONDS if done else self.poll)

    def start(self) -> None:
        self.thread.start()

    def close(self, timeout: float = 10.0) -> None:
        self.stop.set()
        self.thread.join(timeout)


def explain(found: Score) -> dict[str, Any]:
    """An alert's stored explanation: the score and each feature's evidence."""
    return {
        "score": found.score,
        "log_odds": found.log_odds,
        "features": {
            name: {"level": e.level, "weight": e.weight, "detail": e.detail}
            for name, e in found.features.items()
        },
    }


def result_view(hit: Hit, described: dict[str, Any], threshold: float) -> dict[str, Any]:
    """A yente-shaped match result: entity, score, match flag, explanations."""
    source = described.get("watchlist")
    return {
        "id": hit.subject,
        "caption": described.get("caption", ""),
        "schema": described.get("schema", ""),
        "properties": described.get("properties", {}),
        "datasets": [f"watchlist:{source}" if source else "records"],
        "referents": [],
        "target": hit.kind == "watchlist",
        "score": hit.score.score,
        "match": hit.score.is_match(threshold),
        "log_odds": hit.score.log_odds,
        "features": {name: e.weight for name, e in hit.score.features.items()},
        "explanations": explain(hit.score)["features"],
    }


def view_of(row: Any) -> Alert:
    """An alert read with its sides (``liaison.storage.alerts``) as the service hands
    it out."""
    explanation = orjson.loads(row.explanation)
    if row.target_kind == "record":
        caption = row.other_caption
    elif row.target_kind == "watchlist":
        caption = row.entry_caption
    elif row.target_kind == "notice":
        caption = explanation.get("notice", {}).get("caption")
    else:
        caption = explanation.get("partner")
    return Alert(
        id=row.id,
        record_id=row.record_id,
        version=row.version,
        target=row.target,
        target_kind=row.target_kind,
        score=row.score,
        explanation=explanation,
        status=row.status,
        created=row.created.isoformat(),
        decided=row.decided.isoformat() if row.decided else None,
        decided_by=row.decided_by,
        note=row.note,
        originator_told=row.originator_told,
        watchlist=row.watchlist,
        target_caption=caption,
        record_caption=row.record_caption,
        record_schema=row.record_schema,
        record_originator=row.record_originator,
        target_schema=row.other_schema if row.target_kind == "record" else None,
        target_originator=row.other_originator,
        notice=explanation.get("notice") if row.target_kind == "notice" else None,
    )


def _grouped(groups: Sequence[alert_store.Group], rows: Sequence[Any]) -> tuple[AlertGroup, ...]:
    """Each group with its alerts (at most ``MAX_IN_GROUP``), told from the rows
    which side is the group's record."""
    by_group: dict[str, list[Any]] = {}
    for row in rows:
        by_group.setdefault(row.grp, []).append(row)
    out = []
    for group in groups:
        found = by_group.get(group.record_id, [])
        first = found[0] if found else None
        mine = first is not None and first.record_id == group.record_id
        out.append(
            AlertGroup(
                record_id=group.record_id,
                caption=(first.record_caption if mine else first.other_caption) if first else None,
                schema=(first.record_schema if mine else first.other_schema) if first else None,
                originator=(
                    (first.record_originator if mine else first.other_originator) if first else None
                ),
                best=group.best,
                count=group.count,
                alerts=tuple(view_of(row) for row in found[:MAX_IN_GROUP]),
            )
        )
    return tuple(out)


def _said(flt: AlertFilter) -> dict[str, str]:
    """The filters an audit entry names (those given)."""
    given = {"status": flt.status, "partner": flt.partner, "watchlist": flt.watchlist}
    return {k: v for k, v in given.items() if v}


def _entity(index: int, data: Any) -> Any:
    if not isinstance(data, Mapping):
        raise InvalidInput(
            f"entities.{index}", data, "must be an object with id, schema and properties"
        )
    try:
        return parse_entity(data, str(data.get("id") or ""))
    except InvalidInput as exc:
        raise InvalidInput(f"entities.{index}.{exc.field}", exc.value, exc.reason) from exc


def _entry_row(watchlist_id: int, name: str, proxy: Any, now: Any) -> dict[str, Any]:
    digest = hashlib.sha256(f"{name}\x00{proxy.id}".encode()).hexdigest()[:40]
    return {
        "entry_id": f"{store.WATCH}{digest}",
        "watchlist_id": watchlist_id,
        "schema": proxy.schema.name,
        "caption": proxy.caption,
        "entity": orjson.dumps({"id": proxy.id, "properties": proxy.properties}).decode(),
        "added": now,
    }
