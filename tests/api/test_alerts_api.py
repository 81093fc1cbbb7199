"""GET /api/v1/alerts with the web page's filters (state, partner, watchlist)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from liaison.node import Node
from tests.conftest import Team, auth, person


def test_alerts_are_filtered_by_watchlist_and_state(
    client: TestClient, node: Node, team: Team
) -> None:
    headers = auth(node, team.analyst)
    node.matching.add_watchlist(team.supervisor, "ph-watch")
    entity = {
        "id": "w1",
        "schema": "Person",
        "properties": {"name": ["Ligaya Reyes"], "birthDate": ["1990-05-06"]},
    }
    node.matching.add_entries(team.supervisor, "ph-watch", [entity])
    node.records.create(team.analyst, person("Ivan Petrov", birthDate=["1970-02-03"]), {})
    node.records.create(team.analyst, person("Ligaya Reyes", birthDate=["1990-05-06"]), {})
    node.records.create(team.analyst, person("Иван Петров", birthDate=["1970-02-03"]), {})
    node.matching.process_all()
    everything = client.get("/api/v1/alerts", headers=headers).json()
    assert {a["target_kind"] for a in everything} == {"record", "watchlist"}
    (watched,) = client.get("/api/v1/alerts?watchlist=ph-watch", headers=headers).json()
    assert watched["watchlist"] == "ph-watch"
    assert watched["record_caption"] == watched["target_caption"] == "Ligaya Reyes"
    assert watched["record_schema"] == "Person" and watched["target_schema"] is None
    client.post(
        f"/api/v1/alerts/{watched['id']}/decision",
        json={"decision": "reject", "note": "another woman"},
        headers=headers,
    )
    assert client.get("/api/v1/alerts?watchlist=ph-watch&status=open", headers=headers).json() == []
    unknown = client.get("/api/v1/alerts?partner=atlantis", headers=headers)
    assert unknown.status_code == 422
    assert "partner" in unknown.text
    assert client.get("/api/v1/alerts?watchlist=none-such", headers=headers).status_code == 422
