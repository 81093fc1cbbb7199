"""A community's TAXII 2.1 feed for the node to subscribe to: the OASIS ``medallion``
server (memory backend), configured through ``set_config`` and
``register_blueprints`` and served on a loopback port in a thread, with one
collection that MISP events are published to (through ``taxii2-client``'s
``add_objects``, as a MISP instance's TAXII push would).

medallion's Flask app is one object per process, so its blueprints are registered
once and every server gets a fresh memory backend: one server at a time (a second
one replaces the first one's data). ``fail_next_pages`` makes the
server answer 500 to the requests that follow a page (``next=...``) until it is
called with False: a feed that breaks off in the middle of a pull.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import medallion
from taxii2client.v21 import Collection

USER, PASSWORD = "misp-sync", "fictitious-feed-pass-42"
COLLECTION = "365fed99-08fa-fdcd-a1b3-fb247eb41d01"
_registered = threading.Lock()
_done: list[bool] = []


@dataclass
class _Faults:
    """A WSGI layer in front of medallion that can refuse the requests for next pages."""

    app: Callable[..., Any]
    fail_next: bool = False
    refused: list[str] = field(default_factory=list)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        query = environ.get("QUERY_STRING", "")
        if self.fail_next and "next=" in query:
            self.refused.append(query)
            start_response("500 Internal Server Error", [("Content-Type", "text/plain")])
            return [b"the feed broke off"]
        return self.app(environ, start_response)


@dataclass
class FeedServer:
    """A running medallion: where its API root is, and how to publish to it."""

    api_root: str
    collection: str
    faults: _Faults

    @property
    def collection_url(self) -> str:
        return f"{self.api_root}collections/{self.collection}/"

    def publish(self, objects: Iterable[dict[str, Any]]) -> int:
        """Add objects to the collection as a publisher does (one POST, one date added)."""
        envelope = {"objects": list(objects)}
        status = Collection(self.collection_url, user=USER, password=PASSWORD).add_objects(envelope)
        assert status.status == "complete", status
        return int(status.success_count)

    def fail_next_pages(self, on: bool = True) -> None:
        self.faults.fail_next = on


def _data(url: str, max_page_size: int) -> dict[str, Any]:
    return {
        "/discovery": {
            "title": "Fictitious community TAXII server (tests)",
            "default": f"{url}community/",
            "api_roots": [f"{url}community/"],
        },
        "community": {
            "information": {
                "title": "Fictitious community",
                "versions": ["application/taxii+json;version=2.1"],
                "max_content_length": 10_485_760,
            },
            "status": [],
            "collections": [
                {
                    "id": COLLECTION,
                    "title": "MISP events (fictitious)",
                    "can_read": True,
                    "can_write": True,
                    "media_types": ["application/stix+json;version=2.1"],
                    "objects": [],
                    "manifest": [],
                }
            ],
        },
    }


class _Threading(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def feed_server(max_page_size: int = 100) -> Iterator[FeedServer]:
    """A medallion server on a loopback port with one empty collection."""
    app = medallion.application_instance
    config = {
        "users": {USER: PASSWORD},
        "taxii": {"max_page_size": max_page_size},
        "backend": {
            "module": "medallion.backends.memory_backend",
            "module_class": "MemoryBackend",
            "filename": None,
        },
    }
    with _registered:
        for prop in ("users", "taxii", "backend"):
            medallion.set_config(app, prop, config)
        if not _done:
            medallion.register_blueprints(app)
            _done.append(True)
    faults = _Faults(app.wsgi_app)
    server = make_server("127.0.0.1", 0, faults, _Threading, _Quiet)
    url = f"http://127.0.0.1:{server.server_port}/"
    app.medallion_backend.data = _data(url, max_page_size)
    thread = threading.Thread(target=server.serve_forever, name="medallion", daemon=True)
    thread.start()
    try:
        yield FeedServer(f"{url}community/", COLLECTION, faults)
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()
