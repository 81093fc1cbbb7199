"""Reading a TAXII 2.1 collection page by page with the OASIS client (``taxii2-client``).

The edge of a feed pull: it asks the server for the objects added after a
cursor, ``per_request`` at a time, following the server's ``next`` while it
says ``more``, and hands back each page with the page's
``X-TAXII-Date-Added-Last`` header (taxii2-client returns only the body, so a
response hook on its session keeps the headers). Every request has a timeout
(taxii2-client sets none). What it reads is judged elsewhere: this only
fetches.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from taxii2client.exceptions import TAXIIServiceException
from taxii2client.v21 import Collection, as_pages

from liaison.errors import InvalidInput, PeerUnreachable
from liaison.storage.feeds import Auth, Feed

DATE_ADDED_LAST = "X-TAXII-Date-Added-Last"
STAMP = "%Y-%m-%dT%H:%M:%S.%fZ"  # a TAXII timestamp to the microsecond


@dataclass(frozen=True)
class Page:
    """One page of a collection: its objects, the date the server added the last
    of them (the cursor to continue after) and whether more pages follow."""

    objects: list[dict[str, Any]]
    date_added_last: str | None
    more: bool


class _Timeout(HTTPAdapter):
    """Every request through the session gets this timeout unless it names one."""

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds

    def send(  # type: ignore[override]  # passes requests' own arguments on unchanged
        self, request: requests.PreparedRequest, **kwargs: Any
    ) -> requests.Response:
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.seconds
        return super().send(request, **kwargs)


def resume_after(cursor: str | None, partial: bool) -> str | None:
    """The ``added_after`` of the next pull. After a pull that stopped mid-way the
    cursor is the last committed page's last date, and objects added at that same
    instant may still be on the next page (a server adds a whole POST at one
    time): one microsecond earlier reads them again, which the import finds
    unchanged, instead of missing them."""
    if cursor is None or not partial:
        return cursor
    at = parse_timestamp(cursor) - dt.timedelta(microseconds=1)
    return at.strftime(STAMP)


def parse_timestamp(text: str) -> dt.datetime:
    """A TAXII timestamp (RFC 3339 in UTC, ``Z``), as the server wrote it."""
    fraction = re.match(r"^(.*\.\d{6})\d+(Z|[+-]\d\d:\d\d)$", text)
    if fraction:  # Python reads six digits at most: a finer time is cut, never rounded up
        text = fraction.group(1) + fraction.group(2)
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput("cursor", text, "not a TAXII timestamp") from None
    if value.tzinfo is None:
        raise InvalidInput("cursor", text, "a TAXII timestamp must be in UTC")
    return value.astimezone(dt.UTC)


def cursor_of(header: str | None) -> str | None:
    """A page's ``X-TAXII-Date-Added-Last`` as the cursor to keep: written again to
    the microsecond (a finer one is cut, which only ever moves it earlier, so that
    nothing is skipped); a header that is not a timestamp is not a cursor (the next
    pull reads from the one before, again)."""
    if not header:
        return None
    try:
        at = parse_timestamp(header)
    except InvalidInput:
        return None
    return at.strftime(STAMP)


def credentials(feed: Feed, environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """taxii2-client's sign-in arguments, the secret read from the node's environment."""
    if feed.auth is Auth.NONE:
        return {}
    name = feed.secret_env or ""
    secret = environ.get(name)
    if not secret:
        raise InvalidInput("secret_env", name, "this environment variable is not set on the node")
    if feed.auth is Auth.BASIC:
        return {"user": feed.username, "password": secret}
    return {"auth": _Bearer(secret)}


class _Bearer(requests.auth.AuthBase):
    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


def pages(feed: Feed, added_after: str | None, per_request: int, timeout: float) -> Iterator[Page]:
    """The collection's objects added after ``added_after``, a page at a time."""
    headers: dict[str, str] = {}
    try:
        collection = Collection(feed.collection_url, **credentials(feed))
        session = collection._conn.session
        for scheme in ("http://", "https://"):
            session.mount(scheme, _Timeout(timeout))
        session.hooks["response"].append(lambda r, *_a, **_k: _keep(headers, r))
        filters = {"added_after": added_after} if added_after else {}
        for envelope in as_pages(collection.get_objects, per_request=per_request, **filters):
            yield Page(
                list(envelope.get("objects", [])),
                cursor_of(headers.get(DATE_ADDED_LAST.lower())),
                bool(envelope.get("more", False)),
            )
    except (requests.RequestException, TAXIIServiceException, ValueError) as exc:
        raise PeerUnreachable(f"feed {feed.name}", _reason(exc)) from None


def _keep(headers: dict[str, str], response: requests.Response) -> None:
    headers.clear()
    headers.update((name.lower(), value) for name, value in response.headers.items())


def _reason(exc: Exception) -> str:
    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return f"HTTP {exc.response.status_code} from {exc.response.url}"
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:300]
