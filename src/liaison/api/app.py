"""The node's HTTP API. ``create_app(settings)`` is cheap and has no side effects."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from liaison import __version__
from liaison.api import problems
from liaison.api.deps import get_node_of
from liaison.api.limits import BodySizeLimit
from liaison.api.metrics import Metrics, node_gauges
from liaison.api.observe import Observe
from liaison.api.routes import (
    agreements,
    audit,
    auth,
    federation,
    feeds,
    followups,
    health,
    hits,
    hub,
    matching,
    metrics,
    node,
    notices,
    policy,
    records,
    transfer,
    users,
    witness,
    yente,
)
from liaison.api.routes.taxii import router as taxii_router
from liaison.node import Node
from liaison.node.courier import CourierThread
from liaison.node.feeds import FeedWorker
from liaison.node.matching import MatchWorker
from liaison.node.sweeping import NoticeSweeper
from liaison.node.witness import WitnessThread
from liaison.settings import Settings
from liaison.web import install as install_web

Worker = CourierThread | MatchWorker | FeedWorker | WitnessThread | NoticeSweeper


def background_workers(settings: Settings, node_: Node) -> list[Worker]:
    """The threads that run beside the API, each under its own switch: the
    courier (``federation_worker``), the match worker (``match_worker``) and
    the feeds' puller (``feed_worker``, off unless set), the witnessing of
    the audit log by the peers (``witness_worker``) and the expiry of notices
    whose day has come (``notice_sweep_worker``)."""
    workers: list[Worker] = []
    if settings.federation_worker:
        workers.append(CourierThread(node_.federation, settings))
    if settings.match_worker:
        workers.append(MatchWorker(node_.matching, settings.match_poll_seconds))
    if settings.feed_worker:
        workers.append(FeedWorker(node_.feeds, settings.feed_interval_seconds))
    if settings.witness_worker:
        workers.append(WitnessThread(node_.witness, settings.witness_seconds))
    if settings.notice_sweep_worker:
        workers.append(NoticeSweeper(node_.notices, settings.notice_sweep_seconds))
    return workers


def create_app(settings: Settings, node_: Node | None = None, workers: bool = False) -> FastAPI:
    """The app; with ``workers``, the background threads the settings switch on
    (delivering the outbox and pulling from peers, cross-matching new records)
    run while the app runs (``liaison serve`` asks for them)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        running = background_workers(settings, get_node_of(app)) if workers else []
        for worker in running:
            worker.start()
        yield
        for worker in running:
            worker.close()
        if app.state.node is not None:  # entries of requests still answering commit first
            app.state.node.ctx.audit_writer.drain()

    app = FastAPI(
        lifespan=lifespan,
        title="Liaison node API",
        version=__version__,
        description=(
            "One agency's Liaison node: records, users, import/export, audit, "
            "sharing agreements and policy decisions."
        ),
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # Swagger UI loads scripts from a CDN: no page may reach the internet
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.node = node_
    app.state.metrics = Metrics(node_gauges(app))
    problems.install(app)
    routers = (
        node,
        auth,
        users,
        records,
        transfer,
        audit,
        agreements,
        policy,
        federation,
        matching,
        hits,
        followups,
        notices,
        hub,
        feeds,
        witness,
    )
    for module in routers:
        app.include_router(module.router, prefix="/api/v1")
    # at the root: where supervisors and scrapers look, and where yente's clients do
    for module in (health, metrics, yente):
        app.include_router(module.router)
    app.include_router(taxii_router)  # TAXII 2.1 at /taxii2/, where TAXII clients look
    install_web(app)
    app.add_middleware(BodySizeLimit, limit=settings.max_body_bytes)
    app.add_middleware(Observe, metrics=app.state.metrics)  # outermost: sees every answer
    return app
