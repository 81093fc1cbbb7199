"""``GET /metrics`` on a real server (uvicorn on loopback, both backends): requests
are counted by method, route template and status, as they were really made; no
concrete path, record id or query string becomes a label; the node's gauges come
from its database. Who may read: loopback clients by default, anyone with
``LIAISON_METRICS_TOKEN`` when it is set, nobody else (problem+json)."""

from __future__ import annotations

import httpx2 as httpx
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from liaison.api.app import create_app
from liaison.node import Node
from liaison.settings import Settings
from liaison.storage.tables import audit_head
from tests.conftest import Team, auth, person
from tests.servers import serving

RECORD = "/api/v1/records/{record_id}"


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def requests(
    found: dict[tuple[str, tuple[tuple[str, str], ...]], float], route: str, status: str
) -> float:
    key = ("liaison_http_requests_total", (("method", "GET"), ("route", route), ("status", status)))
    return found.get(key, 0.0)


def test_metrics_count_real_requests_by_route_template(
    settings: Settings, node: Node, team: Team
) -> None:
    record = node.records.create(team.analyst, person("Juan dela Cruz"), {})
    headers = auth(node, team.analyst)
    with serving(create_app(settings, node)) as base, httpx.Client(base_url=base) as http:
        for _ in range(3):
            assert http.get(f"/api/v1/records/{record.record_id}", headers=headers).is_success
        for missing in ("rec-0000", "rec-1111"):
            assert http.get(f"/api/v1/records/{missing}", headers=headers).status_code == 404
        assert http.get("/api/v1/records", params={"q": "dela cruz"}, headers=headers).is_success
        assert http.get("/no/such/page/rec-9999").status_code == 404
        answer = http.get("/metrics")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain")
    text = answer.text
    found = samples(text)
    assert requests(found, RECORD, "200") == 3
    assert requests(found, RECORD, "404") == 2
    assert requests(found, "/api/v1/records", "200") == 1
    assert requests(found, "unmatched", "404") == 1
    count = ("method", "GET"), ("route", RECORD), ("status", "200")
    assert found[("liaison_http_request_duration_seconds_count", count)] == 3
    for concrete in (record.record_id, "rec-0000", "dela", "cruz", "no/such", "rec-9999"):
        assert concrete not in text.lower()
    with node.ctx.engine.connect() as conn:
        seq = conn.execute(audit_head.select()).one().seq
    assert found[("liaison_audit_appends_total", ())] == seq
    assert found[("liaison_database_up", ())] == 1
    assert found[("liaison_match_queue", ())] == 1  # the record, not cross-matched yet
    assert found[("liaison_alerts_open", ())] == 0
    assert found[("liaison_held_for_review", ())] == 0


def test_metrics_refuse_clients_off_loopback_without_a_token(client: TestClient) -> None:
    answer = client.get("/metrics")  # the test client's address is not loopback
    assert answer.status_code == 403
    assert answer.headers["content-type"] == "application/problem+json"
    assert "LIAISON_METRICS_TOKEN" in answer.json()["detail"]


def test_metrics_with_a_token_need_exactly_that_token(settings: Settings, node: Node) -> None:
    token = SecretStr("fictitious-scrape-token-1")
    guarded = settings.model_copy(update={"metrics_token": token})
    with TestClient(create_app(guarded, node), raise_server_exceptions=False) as client:
        missing = client.get("/metrics")
        wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
        right = client.get(
            "/metrics", headers={"Authorization": "Bearer fictitious-scrape-token-1"}
        )
    assert missing.status_code == 401 and wrong.status_code == 401
    assert missing.headers["content-type"] == "application/problem+json"
    assert right.status_code == 200
    assert "liaison_http_requests_total" in right.text


def test_metrics_say_when_the_database_cannot_be_read(settings: Settings, node: Node) -> None:
    app = create_app(settings, node)
    node.ctx.engine.dispose()
    app.state.node = None  # the node is opened on first use: make that fail
    app.state.settings = settings.model_copy(update={"data_dir": settings.data_dir / "none"})
    found = samples(app.state.metrics.exposition().decode())
    assert found[("liaison_database_up", ())] == 0
    assert ("liaison_audit_appends_total", ()) not in found
