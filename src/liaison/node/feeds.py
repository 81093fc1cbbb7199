"""Feeds: TAXII 2.1 collections this node subscribes to (a partner's, or a
community's MISP or OpenCTI feed), ingested as local records.

An administrator adds a feed (its API root, collection, how to sign in, and
the markings and evaluation to give objects that carry none), lists,
removes and pulls it. A pull reads the objects added after the feed's cursor,
a page at a time (``liaison.node.feed_reader``), and hands each page to the
node's STIX import as one bundle (``Ingest``): that import writes the page's
records in one transaction, with the feed as their provenance, and is
idempotent (an object it has already taken in is unchanged). Only once a page
is committed does the cursor move to that page's ``X-TAXII-Date-Added-Last``,
so a pull that fails or stops half-way resumes where its last committed page
ended: nothing is lost, and what is read twice changes nothing (the cursor is
then marked partial, and the next pull starts a microsecond earlier, see
``resume_after``). A pull stops after ``LIAISON_FEED_PULL_MAX_SECONDS`` and
goes on at the next one.

Everything is audited: ``feed.add``, ``feed.remove``, ``feed.list`` and one
``feed.pull`` per pull (who, which feed, the cursor before and after, the
counts, the error if any); the records themselves are written by the feed
(``feed_actor``: ``feed:<name>``, never by the administrator who pulls, who
reads none of them), with the import's own entries.

The secret a feed signs in with is never stored: the feed names the
environment variable that holds it, and only variables named
``LIAISON_FEED_SECRET_...`` may be used, so that no feed can send another of
the node's secrets to a server of its choosing.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from liaison.audit.chain import Action, Result
from liaison.errors import Conflict, InvalidInput, LiaisonError, NotFound
from liaison.model.grading import Evaluation
from liaison.model.markings import Classification, Markings
from liaison.model.roles import Actor, Role
from liaison.node.context import NO_REASON, NodeContext, Why
from liaison.node.feed_reader import Page, pages, resume_after
from liaison.node.periodic import Periodic
from liaison.node.setup import SYSTEM
from liaison.node.stix import StixService
from liaison.policy.permissions import Permission
from liaison.storage import feeds as store
from liaison.storage.feeds import Auth, Counts, Feed, NewFeed

log = logging.getLogger(__name__)
NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")
SECRET_ENV = re.compile(r"^LIAISON_FEED_SECRET_[A-Z0-9_]{1,80}$")
COLLECTION = re.compile(r"^[A-Za-z0-9._~-]{1,200}$")


@dataclass(frozen=True)
class Source:
    """What a feed's records carry: where they came from, and the markings and
    evaluation the administrator gave the feed for objects that carry none."""

    provenance: str
    markings: Markings
    evaluation: Evaluation | None


class Ingest(Protocol):
    """The node's STIX import of one page (a bundle), in one transaction, idempotent."""

    def __call__(
        self, actor: Actor, bundle: dict[str, Any], source: Source, why: Why
    ) -> Counts: ...


@dataclass(frozen=True)
class PullReport:
    """What one pull did: pages committed, their counts, the cursor before and after,
    and whether it reached the end of the collection (or stopped at its time bound)."""

    feed: str
    pages: int
    counts: Counts
    cursor_before: str | None
    cursor_after: str | None
    complete: bool


Reader = Callable[[Feed, str | None, int, float], Iterator[Page]]
OnPage = Callable[[int, Counts], None]  # after each committed page: pages so far, counts


def check_feed(
    name: str,
    api_root: str,
    collection: str,
    auth: str = Auth.NONE.value,
    username: str | None = None,
    secret_env: str | None = None,
    markings: dict[str, Any] | None = None,
    evaluation: dict[str, Any] | None = None,
    allow_http: bool = False,
) -> NewFeed:
    """A subscription as given, checked field by field (pure)."""
    if not isinstance(name, str) or not NAME.match(name):
        raise InvalidInput(
            "name", name, "lower-case letters, digits, '.', '_' and '-' (63 at most)"
        )
    if not isinstance(collection, str) or not COLLECTION.match(collection):
        raise InvalidInput("collection", collection, "a TAXII collection id (letters, digits, -)")
    try:
        how = Auth(auth)
    except ValueError:
        raise InvalidInput("auth", auth, "none, basic or token") from None
    if how is Auth.NONE and (username or secret_env):
        raise InvalidInput("auth", auth, "a user name or secret needs auth basic or token")
    if how is not Auth.NONE and not (secret_env and SECRET_ENV.match(secret_env)):
        reason = "the name of an environment variable LIAISON_FEED_SECRET_<NAME> (upper case)"
        raise InvalidInput("secret_env", secret_env, reason)
    if how is Auth.BASIC and not username:
        raise InvalidInput("username", username, "basic sign-in needs a user name")
    if how is Auth.TOKEN and username:
        raise InvalidInput("username", username, "a token needs no user name")
    return NewFeed(
        name=name,
        api_root=_api_root(api_root, allow_http),
        collection=collection,
        auth=how,
        username=username or None,
        secret_env=secret_env or None,
        markings=Markings.from_dict(markings),
        evaluation=Evaluation.from_dict(evaluation),
    )


def _api_root(url: str, allow_http: bool) -> str:
    if not isinstance(url, str) or len(url) > 500:
        raise InvalidInput("api_root", url, "the URL of a TAXII 2.1 API root")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port  # a port that is not a number is refused here, not at the pull
    except ValueError:
        raise InvalidInput("api_root", url, "not a URL") from None
    if parts.scheme not in ("https", "http") or not host:
        raise InvalidInput("api_root", url, "an https:// URL of a TAXII 2.1 API root")
    if parts.scheme == "http" and not allow_http:
        raise InvalidInput("api_root", url, "https only (LIAISON_FEED_ALLOW_HTTP allows http)")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise InvalidInput("api_root", url, "no query, fragment or credentials in the URL")
    return url if url.endswith("/") else url + "/"


def source_of(feed: Feed) -> Source:
    return Source(feed.provenance, feed.markings, feed.evaluation)


class FeedService:
    def __init__(self, ctx: NodeContext, ingest: Ingest, reader: Reader = pages) -> None:
        self.ctx = ctx
        self.ingest = ingest
        self.reader = reader
        self._locks: dict[str, threading.Lock] = {}  # one pull of a feed at a time
        self._locks_lock = threading.Lock()

    def _lock(self, name: str) -> threading.Lock:
        with self._locks_lock:
            return self._locks.setdefault(name, threading.Lock())

    def add(
        self,
        actor: Actor,
        name: str,
        api_root: str,
        collection: str,
        auth: str = Auth.NONE.value,
        username: str | None = None,
        secret_env: str | None = None,
        markings: dict[str, Any] | None = None,
        evaluation: dict[str, Any] | None = None,
        why: Why = NO_REASON,
    ) -> Feed:
        """Subscribe to a collection (administrators); its first pull reads it all.
        ``markings`` and ``evaluation`` go to the objects that carry none."""
        with self.ctx.guard(actor, why):
            self.ctx.permit(actor, Permission.FEED_MANAGE, Action.FEED_ADD, f"feed:{name}")
            new = check_feed(
                name,
                api_root,
                collection,
                auth,
                username,
                secret_env,
                markings,
                evaluation,
                self.ctx.settings.feed_allow_http,
            )
            with self.ctx.tx() as conn:
                if store.by_name(conn, new.name) is not None:
                    raise Conflict(f"a feed named {new.name} exists")
                feed = store.add(conn, new, self.ctx.now(), actor.label)
                self.ctx.record(
                    conn,
                    actor,
                    Action.FEED_ADD,
                    f"feed:{new.name}",
                    why,
                    api_root=new.api_root,
                    collection=new.collection,
                    markings=new.markings.to_dict(),
                    evaluation=new.evaluation.to_dict() if new.evaluation else None,
                )
        return feed

    def feeds(self, actor: Actor) -> list[Feed]:
        """Every feed with its cursor and its last pull (administrators)."""
        with self.ctx.guard(actor):
            self.ctx.permit(actor, Permission.FEED_MANAGE, Action.FEED_LIST, "feeds")
            with self.ctx.read() as conn:
                found = store.all_feeds(conn)
                self.ctx.record(conn, actor, Action.FEED_LIST, "feeds", returned=len(found))
        return found

    def feed(self, actor: Actor, name: str) -> Feed:
        """One feed (administrators)."""
        with self.ctx.guard(actor):
            self.ctx.permit(actor, Permission.FEED_MANAGE, Action.FEED_LIST, f"feed:{name}")
            with self.ctx.read() as conn:
                found = _feed(conn, name)
                self.ctx.record(conn, actor, Action.FEED_LIST, f"feed:{name}", returned=1)
        return found

    def remove(self, actor: Actor, name: str, why: Why = NO_REASON) -> None:
        """Unsubscribe (administrators); the records it brought stay, with their provenance."""
        with self.ctx.guard(actor, why):
            self.ctx.permit(actor, Permission.FEED_MANAGE, Action.FEED_REMOVE, f"feed:{name}")
            with self.ctx.tx() as conn:
                feed = _feed(conn, name)
                store.remove(conn, name)
                self.ctx.record(
                    conn, actor, Action.FEED_REMOVE, f"feed:{name}", why, cursor=feed.cursor
                )

    def pull(
        self,
        actor: Actor,
        name: str,
        why: Why = NO_REASON,
        deadline: float | None = None,
        on_page: OnPage | None = None,
    ) -> PullReport:
        """Read what the feed added after its cursor, page by page, each page committed
        before the cursor moves past it. ``deadline`` (``time.monotonic``) defaults to
        ``LIAISON_FEED_PULL_MAX_SECONDS`` from now; a pull that reaches it stops after
        the page it is on and the next pull goes on from there. Within this process one
        pull of a feed runs at a time; a second waits, then reads from where the first
        left the cursor."""
        if deadline is None:
            deadline = time.monotonic() + self.ctx.settings.feed_pull_max_seconds
        with self.ctx.guard(actor, why):
            self.ctx.permit(actor, Permission.FEED_MANAGE, Action.FEED_PULL, f"feed:{name}")
        with self._lock(name):  # the scheduled pull and "pull now" of one feed take turns
            return self._pull(actor, name, why, deadline, on_page)

    def _pull(
        self, actor: Actor, name: str, why: Why, deadline: float, on_page: OnPage | None
    ) -> PullReport:
        with self.ctx.read() as conn:
            feed = _feed(conn, name)
        run = _Run(feed)
        try:
            self._pages(feed, run, deadline, why, on_page)
        except LiaisonError as exc:
            self._ended(actor, feed, run, why, exc.message)
            raise
        except Exception as exc:  # the import or the client failed unexpectedly: kept, raised
            self._ended(actor, feed, run, why, f"{type(exc).__name__}: {exc}"[:500])
            raise
        return self._ended(actor, feed, run, why, None)

    def _pages(
        self, feed: Feed, run: _Run, deadline: float, why: Why, on_page: OnPage | None
    ) -> None:
        settings = self.ctx.settings
        after = resume_after(feed.cursor, feed.cursor_partial)
        found = self.reader(feed, after, settings.feed_page_size, settings.feed_timeout_seconds)
        for page in found:
            counts = Counts(objects=len(page.objects))
            if page.objects:
                bundle = {
                    "type": "bundle",
                    "id": f"bundle--{uuid.uuid4()}",
                    "objects": page.objects,
                }
                counts = self.ingest(feed_actor(feed), bundle, source_of(feed), why)
            run.cursor = page.date_added_last or run.cursor
            run.partial = page.more
            with self.ctx.tx() as conn:  # after the page's own transaction has committed
                store.advance(conn, feed.id, run.cursor, run.partial)
            run.pages += 1
            run.counts += counts
            if on_page is not None:
                on_page(run.pages, run.counts)
            if page.more and time.monotonic() >= deadline:
                return  # the next pull goes on from this page's cursor
        run.complete = True

    def _ended(
        self, actor: Actor, feed: Feed, run: _Run, why: Why, error: str | None
    ) -> PullReport:
        """Keep the pull's outcome on the feed and in the audit log, in one transaction."""
        with self.ctx.tx() as conn:
            store.ended(conn, feed.id, self.ctx.now(), run.counts, error)
            self.ctx.record(
                conn,
                actor,
                Action.FEED_PULL,
                f"feed:{feed.name}",
                why,
                Result.OK if error is None else Result.FAILED,
                pages=run.pages,
                objects=run.counts.objects,
                written=run.counts.written,
                unchanged=run.counts.unchanged,
                skipped=run.counts.skipped,
                cursor_before=feed.cursor,
                cursor_after=run.cursor,
                complete=run.complete,
                error=error,
            )
        return PullReport(feed.name, run.pages, run.counts, feed.cursor, run.cursor, run.complete)


class _Run:
    """A pull in progress: what it has committed so far."""

    def __init__(self, feed: Feed) -> None:
        self.cursor, self.partial = feed.cursor, feed.cursor_partial
        self.pages, self.counts, self.complete = 0, Counts(), False


def _feed(conn: Any, name: str) -> Feed:
    found = store.by_name(conn, name)
    if found is None:
        raise NotFound("feed", name)
    return found


class FeedWorker(Periodic):
    """Pulls every feed in turn, every ``LIAISON_FEED_INTERVAL_SECONDS``, in a thread
    next to the API server (``LIAISON_FEED_WORKER``). Each pull is bounded by
    ``LIAISON_FEED_PULL_MAX_SECONDS``; a failed one is kept on its feed (last error)
    and tried again next round."""

    name = "feeds"

    def __init__(self, service: FeedService, interval_seconds: float) -> None:
        super().__init__(interval_seconds)
        self.service = service

    def round(self) -> list[PullReport]:
        """Pull each feed once (as the node itself); errors are kept, not raised."""
        done = []
        for feed in self.service.feeds(SYSTEM):
            if self.stop.is_set():
                break
            try:
                done.append(self.service.pull(SYSTEM, feed.name))
            except Exception:  # kept on the feed and in the audit log by pull()
                log.warning("feed %s: pull failed", feed.name, exc_info=True)
        return done


def describe(feed: Feed) -> dict[str, Any]:
    """A feed as the API and ``liaison feed list --json`` show it (no secret: only
    the name of the variable that holds it)."""
    return {
        "name": feed.name,
        "api_root": feed.api_root,
        "collection": feed.collection,
        "auth": feed.auth.value,
        "username": feed.username,
        "secret_env": feed.secret_env,
        "markings": feed.markings.to_dict(),
        "evaluation": feed.evaluation.to_dict() if feed.evaluation else None,
        "provenance": feed.provenance,
        "added": feed.added.isoformat(),
        "added_by": feed.added_by,
        "cursor": feed.cursor,
        "cursor_partial": feed.cursor_partial,
        "last_pull": feed.last_pull.isoformat() if feed.last_pull else None,
        "last_success": feed.last_success.isoformat() if feed.last_success else None,
        "last_counts": counts_of(feed.last),
        "last_error": feed.last_error,
    }


def counts_of(counts: Counts) -> dict[str, int]:
    return {
        "objects": counts.objects,
        "written": counts.written,
        "unchanged": counts.unchanged,
        "skipped": counts.skipped,
    }


def report_of(report: PullReport) -> dict[str, Any]:
    """A pull's report as the API and ``liaison feed pull --json`` show it."""
    return {
        "feed": report.feed,
        "pages": report.pages,
        "counts": counts_of(report.counts),
        "cursor_before": report.cursor_before,
        "cursor_after": report.cursor_after,
        "complete": report.complete,
    }


def stix_ingest(stix: StixService) -> Ingest:
    """The node's STIX import (``liaison.node.stix``) as a feed's ingest step: one
    page, one transaction, its own audit entries; its report read as counts (an
    object skipped or refused for several reasons counts once)."""

    def ingest(actor: Actor, bundle: dict[str, Any], source: Source, why: Why) -> Counts:
        report = stix.import_bundle(
            actor, bundle, source.provenance, source.markings, source.evaluation, why
        )
        return Counts(
            objects=report.objects,
            written=report.created + report.updated,
            unchanged=report.unchanged,
            skipped=len({p.stix_id for p in (*report.skipped, *report.refused)}),
        )

    return ingest


def feed_actor(feed: Feed) -> Actor:
    """Whom a feed's records are written by: the feed itself (``feed:<name>`` in the
    audit log and as the records' creator), with the right to import and no
    clearance above the classification its administrator gave it, so that a feed
    brings in nothing classified higher than the administrator declared."""
    clearance = feed.markings.classification or Classification.UNCLASSIFIED
    return Actor(None, feed.name, Role.ANALYST, clearance, via="feed")
