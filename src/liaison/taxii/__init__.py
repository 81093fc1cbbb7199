"""TAXII 2.1, the protocol only: media types and ``Accept`` negotiation
(``media``), a request's filters and paging cursor (``query``), pages of a
collection and an object's versions (``pages``), the resources each endpoint
answers and TAXII's error message (``resources``), timestamps
(``timestamps``) and the per-user request rate (``limits``). Pure: no
database, no HTTP; the node's collections are ``liaison.node.taxii``, the
routes ``liaison.api.routes.taxii``."""

from __future__ import annotations

from liaison.taxii.limits import RequestRate, RequestRateExceeded
from liaison.taxii.media import STIX, TAXII, accepts_taxii
from liaison.taxii.pages import Entry, Item, Page, fill, versions_of
from liaison.taxii.query import Filters, Pick, Position, Query, Versions, parse_query

__all__ = [
    "STIX",
    "TAXII",
    "Entry",
    "Filters",
    "Item",
    "Page",
    "Pick",
    "Position",
    "Query",
    "RequestRate",
    "RequestRateExceeded",
    "Versions",
    "accepts_taxii",
    "fill",
    "parse_query",
    "versions_of",
]
