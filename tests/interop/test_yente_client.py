"""A real yente client against a real node, and yente's own response schemas.

The client is nomenklatura's ``YenteEnricher`` (OpenSanctions' enrichment client
for yente), installed from PyPI and used unchanged: it is given the node's
address and an API key, matches entities through ``POST /match/{dataset}`` and
expands a match through ``GET /entities/{id}``. The node is served over HTTP on
a loopback port. Every answer of the yente surface is also checked against the
JSON schemas of yente 5.5.0's own OpenAPI document (``data/``, see its README):
a shape nobody here wrote.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from followthemoney import StatementEntity
from followthemoney.dataset import Dataset
from jsonschema import Draft202012Validator
from nomenklatura.cache import Cache
from nomenklatura.db import Session as CacheSession
from nomenklatura.enrich.yente import YenteEnricher
from sqlalchemy import create_engine

from liaison.api.app import create_app
from liaison.node import Node
from liaison.settings import Settings
from tests.conftest import Team, person
from tests.servers import serving

OPENAPI = json.loads((Path(__file__).parent / "data" / "yente-5.5.0-openapi.json").read_text())
SCREENING = Dataset.make({"name": "screening", "title": "Analyst's screening run"})


def check(body: Any, model: str) -> None:
    """``body`` is valid under yente's component schema ``model``."""
    schema = {"$ref": f"#/components/schemas/{model}", "components": OPENAPI["components"]}
    errors = sorted(Draft202012Validator(schema).iter_errors(body), key=str)
    assert not errors, f"{model}: " + "; ".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5]
    )


def test_yentes_schemas_are_the_published_ones() -> None:
    """The document is yente's (not one written here): its paths and its models."""
    assert OPENAPI["info"]["title"].startswith("yente")
    assert OPENAPI["info"]["version"] == "5.5.0"
    assert {"/match/{dataset}", "/search/{dataset}", "/entities/{entity_id}"} <= set(
        OPENAPI["paths"]
    )
    with pytest.raises(AssertionError):
        check({"responses": {"q": {"results": [{"id": 1}]}}}, "EntityMatchResponse")


@pytest.fixture
def records(node: Node, team: Team) -> dict[str, Any]:
    """A person with a passport, an associate, and a namesake born decades before."""
    holder = node.records.create(
        team.analyst,
        person(
            "Rosa Villanueva Mendoza",
            birthDate=["1984-02-11"],
            nationality=["ph"],
        ),
        {"markings": {"tlp": "GREEN"}},
    )
    passport = node.records.create(
        team.analyst,
        {
            "schema": "Passport",
            "properties": {"number": ["P4417720B"], "holder": [holder.entity_id]},
        },
        {},
    )
    friend = node.records.create(team.analyst, person("Aurora Bautista Santos"), {})
    link = node.records.create(
        team.analyst,
        {
            "schema": "Associate",
            "properties": {"person": [holder.entity_id], "associate": [friend.entity_id]},
        },
        {},
    )
    node.records.create(team.analyst, person("Rosa Mendoza", birthDate=["1931-07-30"]), {})
    return {"holder": holder, "passport": passport, "friend": friend, "link": link}


def test_yente_enricher_matches_and_expands_against_a_node(
    settings: Settings, node: Node, team: Team, records: dict[str, Any], tmp_path: Path
) -> None:
    token = node.accounts.create_token(team.analyst, "screening", 1).token
    holder, passport = records["holder"], records["passport"]
    cache = Cache(CacheSession(create_engine(f"sqlite:///{tmp_path}/cache.db")), SCREENING, True)
    with serving(create_app(settings, node)) as url:
        enricher = YenteEnricher(
            SCREENING, cache, {"api": f"{url}/", "api_key": token, "cache_days": 0}
        )
        query = StatementEntity.from_data(
            SCREENING,
            {
                "id": "query-1",
                "schema": "Person",
                "properties": {
                    "name": ["Rosa Villanueva-Mendoza"],
                    "birthDate": ["1984-02-11"],
                    "country": ["ph"],
                },
            },
        )
        found = list(enricher.match(query))
        assert [m.id for m in found] == [holder.record_id]  # the namesake scores under 0.7
        (match,) = found
        assert match.caption == "Rosa Villanueva Mendoza"
        assert match.get("birthDate") == ["1984-02-11"]
        assert match.get("sourceUrl") == [f"{url}/entities/{holder.record_id}"]

        expanded = {e.id: e for e in enricher.expand(query, match)}
        assert holder.record_id in expanded
        assert passport.record_id in expanded  # nested under the holder's identification
        assert expanded[passport.record_id].schema.name == "Passport"
        assert expanded[passport.record_id].get("number") == ["P4417720B"]
        assert records["link"].record_id in expanded  # the Associate link, nested too
        enricher.close()

        # a wrong key is an authorisation failure the client recognises (it aborts)
        stranger = YenteEnricher(SCREENING, cache, {"api": f"{url}/", "api_key": "nope"})
        with pytest.raises(Exception, match="Authorization failure"):
            list(stranger.match(query))


def test_every_answer_fits_yentes_models(
    settings: Settings, node: Node, team: Team, records: dict[str, Any]
) -> None:
    token = node.accounts.create_token(team.analyst, "screening", 1).token
    headers = {"Authorization": f"ApiKey {token}"}
    holder = records["holder"]
    node.matching.add_watchlist(team.supervisor, "ph-watch")
    node.matching.add_entries(
        team.supervisor, "ph-watch", [{"id": "w-1", **person("Rosa V. Mendoza")}]
    )
    query = {
        "queries": {
            "a": {"schema": "Person", "properties": {"name": "Rosa Mendoza"}},
            "b": {"schema": "Company", "properties": {"name": ["Nothing Alike Trading"]}},
        }
    }
    with serving(create_app(settings, node)) as url, httpx.Client(base_url=url) as http:

        def answer(method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
            got = http.request(method, path, headers=headers, **kwargs)
            assert got.status_code == status, got.text
            return got.json()

        body = answer("POST", "/match/default?cutoff=0&threshold=0.9", json=query)
        check(body, "EntityMatchResponse")
        assert body["responses"]["a"]["results"] and body["responses"]["b"]["results"] == []
        check(answer("POST", "/match/watchlist:ph-watch", json=query), "EntityMatchResponse")
        check(answer("GET", "/search/default?q=rosa"), "SearchResponse")
        nested = answer("GET", f"/entities/{holder.record_id}")
        check(nested, "EntityResponse")
        assert isinstance(nested["properties"]["identification"][0], dict)
        check(answer("GET", f"/entities/{holder.record_id}?nested=false"), "EntityResponse")
        check(answer("GET", "/algorithms"), "AlgorithmResponse")
        check(answer("GET", "/catalog"), "DataCatalogModel")
        check(answer("GET", "/healthz"), "StatusResponse")
        check(answer("GET", "/readyz"), "StatusResponse")
        for path, status in (("/entities/rec-missing", 404), ("/match/nowhere", 404)):
            method = "POST" if path.startswith("/match") else "GET"
            check(answer(method, path, status, json=query), "ErrorResponse")
        check(answer("POST", "/match/default?algorithm=logic-v2", 400, json=query), "ErrorResponse")
