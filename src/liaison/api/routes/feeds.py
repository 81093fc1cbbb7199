"""TAXII 2.1 feeds this node subscribes to (administrators): add, list, show,
pull now, remove (see docs/interop.md)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from liaison.api.deps import ActorDep, NodeDep, WhyDep
from liaison.node.feeds import PullReport, describe, report_of
from liaison.storage.feeds import Feed

router = APIRouter(tags=["feeds"])
FeedName = Annotated[str, Path(max_length=63)]


class FeedIn(BaseModel):
    name: str = Field(max_length=63, description="what this node calls the feed")
    api_root: str = Field(max_length=500, description="the TAXII 2.1 API root's URL")
    collection: str = Field(max_length=200, description="the collection's id")
    auth: Literal["none", "basic", "token"] = "none"
    username: str | None = Field(default=None, max_length=255, description="basic: user name")
    secret_env: str | None = Field(
        default=None,
        max_length=100,
        description="the environment variable (LIAISON_FEED_SECRET_...) with the password or token",
    )
    markings: dict[str, Any] | None = Field(
        default=None, description="for objects that carry none, e.g. {'tlp': 'AMBER'}"
    )
    evaluation: dict[str, Any] | None = Field(
        default=None, description="the feed's evaluation: {'scheme', 'source', 'information'}"
    )


class MarkingsOut(BaseModel):
    classification: str | None
    tlp: str | None
    pap: str | None
    handling: list[str]
    h3_text: str | None


class EvaluationOut(BaseModel):
    scheme: str
    source: str
    information: str


class CountsOut(BaseModel):
    """Objects received; records written (created or changed); objects that changed
    nothing; objects the import skipped or refused."""

    objects: int
    written: int
    unchanged: int
    skipped: int


class FeedOut(BaseModel):
    """A feed: where, how it signs in (never the secret), what it gives objects that
    carry no markings or evaluation, its cursor and its last pull."""

    name: str
    api_root: str
    collection: str
    auth: str
    username: str | None
    secret_env: str | None
    markings: MarkingsOut
    evaluation: EvaluationOut | None
    provenance: str
    added: str
    added_by: str
    cursor: str | None
    cursor_partial: bool
    last_pull: str | None
    last_success: str | None
    last_counts: CountsOut
    last_error: str | None

    @classmethod
    def of(cls, feed: Feed) -> FeedOut:
        return cls.model_validate(describe(feed))


class PullOut(BaseModel):
    """What a pull did; ``complete`` is false when it stopped at its time bound."""

    feed: str
    pages: int
    counts: CountsOut
    cursor_before: str | None
    cursor_after: str | None
    complete: bool

    @classmethod
    def of(cls, report: PullReport) -> PullOut:
        return cls.model_validate(report_of(report))


@router.post("/feeds", status_code=201)
def add_feed(body: FeedIn, node: NodeDep, actor: ActorDep, why: WhyDep) -> FeedOut:
    """Subscribe to a TAXII 2.1 collection."""
    feed = node.feeds.add(
        actor,
        body.name,
        body.api_root,
        body.collection,
        body.auth,
        body.username,
        body.secret_env,
        body.markings,
        body.evaluation,
        why,
    )
    return FeedOut.of(feed)


@router.get("/feeds")
def list_feeds(node: NodeDep, actor: ActorDep) -> list[FeedOut]:
    """Every feed with its cursor, last pull, counts and last error."""
    return [FeedOut.of(f) for f in node.feeds.feeds(actor)]


@router.get("/feeds/{name}")
def show_feed(name: FeedName, node: NodeDep, actor: ActorDep) -> FeedOut:
    """One feed."""
    return FeedOut.of(node.feeds.feed(actor, name))


@router.post("/feeds/{name}/pull")
def pull_feed(name: FeedName, node: NodeDep, actor: ActorDep, why: WhyDep) -> PullOut:
    """Pull now what the feed added since its cursor."""
    return PullOut.of(node.feeds.pull(actor, name, why))


@router.delete("/feeds/{name}", status_code=204)
def remove_feed(name: FeedName, node: NodeDep, actor: ActorDep, why: WhyDep) -> None:
    """Unsubscribe; the records it brought stay, with their provenance."""
    node.feeds.remove(actor, name, why)
