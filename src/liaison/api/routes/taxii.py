"""The TAXII 2.1 server, at the root: ``/taxii2/`` (discovery) and one API root,
``/taxii2/liaison/``, whose collections are the partners' (``liaison.node.taxii``).

Every request needs the node's API token, as ``Authorization: Bearer <token>``
or HTTP Basic with the user name and the token as password; every answer is
``application/taxii+json;version=2.1`` (an ``Accept`` it cannot satisfy: 406);
each user's requests are limited to ``LIAISON_TAXII_REQUESTS_PER_MINUTE``.
Errors are TAXII error messages (``liaison.api.problems``). Collections are
read-only: adding or deleting objects is not offered (405).
"""

from __future__ import annotations

import base64
import binascii
import threading
import time
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import JSONResponse

from liaison.api.deps import NodeDep, WhyDep
from liaison.errors import AuthenticationFailed, NotFound
from liaison.model.roles import Actor
from liaison.node.taxii import CollectionInfo, TaxiiService
from liaison.taxii import media
from liaison.taxii.limits import RequestRate
from liaison.taxii.media import NotAcceptable
from liaison.taxii.pages import Entry, Page
from liaison.taxii.query import Filters, parse_query
from liaison.taxii.query import Query as TaxiiQuery
from liaison.taxii.resources import (
    ApiRoot,
    Collection,
    Collections,
    Discovery,
    Envelope,
    Error,
    Manifest,
    Versions,
)
from liaison.taxii.timestamps import format_timestamp

ROOT = "/taxii2/"
API_ROOT = "liaison"


class TaxiiJSON(JSONResponse):
    media_type = media.TAXII


async def acceptable(accept: Annotated[str | None, Header()] = None) -> None:
    if not media.accepts_taxii(accept):
        raise NotAcceptable(accept or "")


ERRORS = {
    status: {"model": Error, "description": text}
    for status, text in (
        (400, "a filter, limit or cursor is not valid"),
        (401, "no credentials, or not valid ones"),
        (403, "the collection exists but this user may not read it"),
        (404, "no such collection (or not one this user may know of), or object"),
        (406, "the Accept header names no TAXII 2.1 media type"),
        (429, "too many requests from this user: see Retry-After"),
    )
}

router = APIRouter(
    prefix="/taxii2",
    tags=["taxii"],
    dependencies=[Depends(acceptable)],
    default_response_class=TaxiiJSON,
    responses=ERRORS,  # type: ignore[arg-type]  # FastAPI's own type is wider than it says
)

_rate_lock = threading.Lock()


def request_rate(request: Request) -> RequestRate:
    """The app's TAXII request rate (made on first use: building the app stays cheap)."""
    state = request.app.state
    with _rate_lock:
        rate: RequestRate | None = getattr(state, "taxii_rate", None)
        if rate is None:
            rate = state.taxii_rate = RequestRate(state.settings.taxii_requests_per_minute)
    return rate


def credentials(authorization: str | None) -> tuple[str, str | None]:
    """The token, and the user name HTTP Basic named with it."""
    scheme, _, value = (authorization or "").strip().partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip(), None
    if scheme.lower() == "basic":
        try:
            user, sep, token = (
                base64.b64decode(value.strip(), validate=True).decode().partition(":")
            )
        except (binascii.Error, UnicodeDecodeError):
            user, sep, token = "", "", ""
        if sep and user and token:
            return token, user
    raise AuthenticationFailed(
        "send `Authorization: Bearer <API token>`, or HTTP Basic with your user name "
        "and an API token as the password"
    )


def taxii_actor(
    request: Request, node: NodeDep, authorization: Annotated[str | None, Header()] = None
) -> Actor:
    token, user = credentials(authorization)
    actor = node.accounts.authenticate(token, via="taxii")
    if user is not None and user != actor.username:
        raise AuthenticationFailed("the token is not this user's")
    request_rate(request).take(actor.username, time.monotonic())
    return actor


ActorDep = Annotated[Actor, Depends(taxii_actor)]


def taxii_query(
    request: Request,
    limit: Annotated[str | None, Query(description="objects a page at most")] = None,
    next: Annotated[str | None, Query(description="the cursor of the previous page")] = None,
    added_after: Annotated[str | None, Query(description="a timestamp")] = None,
    match_id: Annotated[str | None, Query(alias="match[id]")] = None,
    match_type: Annotated[str | None, Query(alias="match[type]")] = None,
    match_version: Annotated[
        str | None, Query(alias="match[version]", description="last, first, all or timestamps")
    ] = None,
    match_spec_version: Annotated[str | None, Query(alias="match[spec_version]")] = None,
) -> TaxiiQuery:
    """The request's paging and filters (all declared here, for the OpenAPI
    document; parsed and checked by ``liaison.taxii.query``)."""
    given = dict(request.query_params)
    return parse_query(given, request.app.state.settings.taxii_max_page)


QueryDep = Annotated[TaxiiQuery, Depends(taxii_query)]


def service(node: NodeDep) -> TaxiiService:
    return node.taxii


ServiceDep = Annotated[TaxiiService, Depends(service)]


def _root_url(request: Request) -> str:
    return f"{str(request.base_url).rstrip('/')}{ROOT}{API_ROOT}/"


@router.get("/", response_model_exclude_none=True)
def discovery(request: Request, node: NodeDep, actor: ActorDep) -> Discovery:
    """TAXII discovery: this node's one API root."""
    root = _root_url(request)
    return Discovery(
        title=f"Liaison node {node.ctx.name}",
        description="What this node shares with each partner, as STIX 2.1 (read-only)",
        default=root,
        api_roots=[root],
    )


@router.get(f"/{API_ROOT}/", response_model_exclude_none=True)
def api_root(request: Request, node: NodeDep, actor: ActorDep) -> ApiRoot:
    """The API root: TAXII 2.1 only; the node's request body limit."""
    return ApiRoot(
        title=f"Liaison node {node.ctx.name}: partner collections",
        description="One collection per partner this node has an agreement with",
        max_content_length=request.app.state.settings.max_body_bytes,
    )


def _collection(node_name: str, info: CollectionInfo) -> Collection:
    return Collection(
        id=info.id,
        title=f"{node_name} to {info.name}",
        description=(
            f"The records {node_name} shares with {info.name} in full, as STIX 2.1; read-only"
        ),
        alias=info.name,
        can_read=info.access.readable,
        can_write=False,
    )


@router.get(f"/{API_ROOT}/collections/", response_model_exclude_none=True)
def collections(node: NodeDep, taxii: ServiceDep, actor: ActorDep) -> Collections:
    """The collections this user may know of (``can_read`` says which it may read)."""
    found = [_collection(node.ctx.name, c) for c in taxii.collections(actor)]
    return Collections(collections=found or None)


@router.get(f"/{API_ROOT}/collections/{{collection_id}}/", response_model_exclude_none=True)
def collection(
    collection_id: str, node: NodeDep, taxii: ServiceDep, actor: ActorDep, why: WhyDep
) -> Collection:
    return _collection(node.ctx.name, taxii.collection(actor, collection_id, why))


def _added_headers(response: Response, entries: tuple[Entry, ...]) -> None:
    if entries:
        added = [e.added for e in entries]
        response.headers["X-TAXII-Date-Added-First"] = format_timestamp(min(added))
        response.headers["X-TAXII-Date-Added-Last"] = format_timestamp(max(added))


@router.get(f"/{API_ROOT}/collections/{{collection_id}}/objects/", response_model_exclude_none=True)
def objects(
    collection_id: str,
    response: Response,
    taxii: ServiceDep,
    actor: ActorDep,
    query: QueryDep,
    why: WhyDep,
) -> Envelope:
    """A page of the collection's objects, in the order they were added."""
    page = taxii.objects(actor, collection_id, query, "objects", why)
    _added_headers(response, page.entries)
    return Envelope.of(page)


@router.get(
    f"/{API_ROOT}/collections/{{collection_id}}/manifest/", response_model_exclude_none=True
)
def manifest(
    collection_id: str,
    response: Response,
    taxii: ServiceDep,
    actor: ActorDep,
    query: QueryDep,
    why: WhyDep,
) -> Manifest:
    """A page of what the collection holds: each object's id, version and date added."""
    page = taxii.objects(actor, collection_id, query, "manifest", why)
    _added_headers(response, page.entries)
    return Manifest.of(page)


@router.get(
    f"/{API_ROOT}/collections/{{collection_id}}/objects/{{object_id}}/",
    response_model_exclude_none=True,
)
def one_object(
    collection_id: str,
    object_id: str,
    response: Response,
    taxii: ServiceDep,
    actor: ActorDep,
    query: QueryDep,
    why: WhyDep,
) -> Envelope:
    """One object (its latest version unless ``match[version]`` asks otherwise)."""
    filters = query.filters
    wanted = Filters(
        filters.added_after,
        frozenset({object_id}),
        versions=filters.versions,
        spec_versions=filters.spec_versions,
    )
    asked = TaxiiQuery(wanted, query.limit, query.start)
    page: Page = taxii.objects(actor, collection_id, asked, "object", why)
    if not page.entries and wanted == Filters(ids=frozenset({object_id})):
        raise NotFound("object", object_id)
    _added_headers(response, page.entries)
    return Envelope.of(page)


@router.get(
    f"/{API_ROOT}/collections/{{collection_id}}/objects/{{object_id}}/versions/",
    response_model_exclude_none=True,
)
def versions(
    collection_id: str,
    object_id: str,
    response: Response,
    taxii: ServiceDep,
    actor: ActorDep,
    query: QueryDep,
    why: WhyDep,
) -> Versions:
    """Every version of one object in the collection, oldest first."""
    found = taxii.versions(actor, collection_id, object_id, query, why)
    _added_headers(response, found.versions)
    return Versions(
        more=found.more,
        next=found.next.encode() if found.next is not None else None,
        versions=[e.version for e in found.versions] or None,
    )
