"""The node's Prometheus metrics (``GET /metrics``), in a registry of the app's own.

Each app has its own ``CollectorRegistry`` (never the library's global one), so
that ``create_app`` stays free of side effects and a test can run three nodes
in one process. Two kinds of figures:

- **requests**, counted by the request middleware (``liaison.api.observe``):
  ``liaison_http_requests_total`` and ``liaison_http_request_duration_seconds``
  by method, route template and status. A label is a route's template
  (``/api/v1/records/{record_id}``), never a concrete URL: no record id, name
  or query ever becomes a label value, and the number of series stays bounded.
  A request that matched no route is counted as ``unmatched``.
- **the node's state**, read from the database at each scrape
  (``liaison.storage.gauges``): audit appends, outbox and notices waiting per
  peer, the match queue, records held for neutrality review, open alerts; and
  ``liaison_database_up``, 0 when they could not be read.

Who may read them: with ``LIAISON_METRICS_TOKEN`` set, whoever sends it as a
bearer token; unset, only clients on the loopback interface (``allowed``).
The figures are counts and route templates, nothing about any record, but
traffic and queue sizes still say something about a node's work.
"""

from __future__ import annotations

import datetime as dt
import hmac
import ipaddress
import logging
from collections.abc import Callable, Iterator

from fastapi import FastAPI
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from liaison.api.deps import get_node_of
from liaison.errors import AuthenticationFailed, Forbidden
from liaison.settings import Settings
from liaison.storage import gauges
from liaison.storage.gauges import Gauges

log = logging.getLogger(__name__)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
UNMATCHED = "unmatched"


class NodeCollector(Collector):
    """The node's state, read at each scrape by ``read`` (in the scraping thread)."""

    def __init__(self, read: Callable[[], Gauges]) -> None:
        self._read = read

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "liaison_database_up", "1 if the node's state could be read from its database"
        )
        try:
            gauges = self._read()
        except Exception:
            log.warning("metrics: the node's state could not be read", exc_info=True)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from _families(gauges)


def _families(gauges: Gauges) -> Iterator[Metric]:
    yield CounterMetricFamily(
        "liaison_audit_appends",
        "Entries appended to the audit chain (its head's sequence number; every process)",
        value=gauges.audit_entries,
    )
    yield GaugeMetricFamily(
        "liaison_match_queue", "Records waiting to be cross-matched", value=gauges.match_queue
    )
    yield GaugeMetricFamily(
        "liaison_held_for_review",
        "Records the neutrality gate holds back from partners until reviewed",
        value=gauges.held_for_review,
    )
    yield GaugeMetricFamily(
        "liaison_alerts_open", "Cross-match alerts not yet decided", value=gauges.alerts_open
    )
    outbox = GaugeMetricFamily(
        "liaison_outbox_pending",
        "Changes in the outbox the peer has not acknowledged",
        labels=["peer"],
    )
    for peer, count in sorted(gauges.outbox.items()):
        outbox.add_metric([peer], count)
    yield outbox
    notices = GaugeMetricFamily(
        "liaison_notices_pending",
        "Notices (hits, follow-ups) waiting to be delivered to the peer",
        labels=["peer"],
    )
    for peer, count in sorted(gauges.notices.items()):
        notices.add_metric([peer], count)
    yield notices
    lag = GaugeMetricFamily(
        "liaison_courier_lag_seconds",
        "Age of the oldest change the peer has not acknowledged (0 when none waits)",
        labels=["peer"],
    )
    now = dt.datetime.now(dt.UTC)
    for peer, oldest in sorted(gauges.oldest_pending.items()):
        lag.add_metric([peer], 0.0 if oldest is None else (now - oldest).total_seconds())
    yield lag
    unwitnessed = GaugeMetricFamily(
        "liaison_audit_unwitnessed_entries",
        "Audit entries after the latest checkpoint the peer cosigned as a witness",
        labels=["peer"],
    )
    for peer, size in sorted(gauges.witnessed.items()):
        unwitnessed.add_metric([peer], max(0, gauges.audit_entries - size))
    yield unwitnessed


class Metrics:
    """One app's registry: the request instruments and the node's state."""

    def __init__(self, read: Callable[[], Gauges]) -> None:
        self.registry = CollectorRegistry()
        labels = ("method", "route", "status")
        self.requests = Counter(
            "liaison_http_requests",
            "HTTP requests answered, by method, route template and status",
            labels,
            registry=self.registry,
        )
        self.duration = Histogram(
            "liaison_http_request_duration_seconds",
            "Time from a request's arrival to the end of its answer",
            labels,
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.registry.register(NodeCollector(read))

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        shown = method if method in METHODS else "other"
        self.requests.labels(shown, route, str(status)).inc()
        self.duration.labels(shown, route, str(status)).observe(seconds)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def allowed(settings: Settings, client_host: str | None, authorization: str | None) -> None:
    """Raise unless this client may read the metrics (see the module)."""
    token = settings.metrics_token
    if token is not None:
        sent = authorization[7:].strip() if authorization else ""
        if not (authorization or "").lower().startswith("bearer ") or not hmac.compare_digest(
            sent.encode(), token.get_secret_value().encode()
        ):
            raise AuthenticationFailed("send `Authorization: Bearer <LIAISON_METRICS_TOKEN>`")
        return
    if not _loopback(client_host):
        raise Forbidden(
            "metrics are served to loopback clients only; set LIAISON_METRICS_TOKEN "
            "to let a scraper elsewhere read them with that bearer token"
        )


def _loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def node_gauges(app: FastAPI) -> Callable[[], Gauges]:
    """Read the gauges of the app's node (opened on first use) in a read transaction."""

    def read() -> Gauges:
        node = get_node_of(app)
        with node.ctx.engine.connect() as conn, conn.execution_options(liaison_read=True).begin():
            return gauges.read(conn)

    return read
