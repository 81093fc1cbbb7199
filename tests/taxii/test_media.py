"""Accept negotiation: what TAXII 2.1 clients send is served, the rest is 406."""

from __future__ import annotations

import pytest

from liaison.taxii.media import accepts_taxii


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "application/taxii+json;version=2.1",
        "application/taxii+json; version=2.1",
        "application/taxii+json",
        "application/json, application/taxii+json;version=2.1;q=0.5",
        "*/*",
        "application/*",
    ],
)
def test_served(header: str | None) -> None:
    assert accepts_taxii(header)


@pytest.mark.parametrize(
    "header",
    [
        "application/taxii+json;version=2.0",
        "application/vnd.oasis.taxii+json; version=2.0",
        "application/json",
        "text/html",
        "application/taxii+json;version=2.1;q=0",
    ],
)
def test_refused(header: str) -> None:
    assert not accepts_taxii(header)
