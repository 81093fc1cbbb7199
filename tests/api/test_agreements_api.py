"""Agreements and policy over HTTP: status codes, problem+json, the whole cycle."""

from __future__ import annotations

from fastapi.testclient import TestClient

from liaison.node import Node
from tests.conftest import Team, auth, person
from tests.node.test_agreements import PARTNER, agreement_doc


def test_propose_sign_activate_explain(client: TestClient, node: Node, team: Team) -> None:
    officer, supervisor = auth(node, team.officer), auth(node, team.supervisor)
    doc = agreement_doc(node, PARTNER.node_id, PARTNER.public_key)
    created = client.post("/api/v1/agreements", json=doc, headers=officer)
    assert created.status_code == 201, created.text
    assert created.json()["state"] == "draft"
    parties = next(line for line in created.json()["summary"] if line.startswith("parties: "))
    assert f"manila ({node.ctx.node_id})" in parties and f"moscow ({PARTNER.node_id})" in parties
    signed = client.post("/api/v1/agreements/ph-ru-2026/sign?version=1", headers=supervisor)
    assert signed.json()["unsigned"] == [PARTNER.node_id]
    early = client.post("/api/v1/agreements/ph-ru-2026/activate", headers=officer)
    assert early.status_code == 409
    assert early.headers["content-type"] == "application/problem+json"
    assert "missing: moscow" in early.json()["detail"]
    payload = node.agreements.get(team.officer, "ph-ru-2026").document.signing_payload()
    bundle = {"document": doc, "signatures": {PARTNER.node_id: PARTNER.sign(payload)}}
    assert (
        client.post("/api/v1/agreements/receive", json=bundle, headers=officer).status_code == 200
    )
    active = client.post("/api/v1/agreements/ph-ru-2026/activate", headers=officer)
    assert active.json()["state"] == "active"
    record = client.post(
        "/api/v1/records",
        json={
            "entity": person(),
            "envelope": {"crime_area": "terrorism", "subject_category": "suspect"},
        },
        headers=auth(node, team.analyst),
    ).json()
    explained = client.get(
        "/api/v1/policy/explain",
        params={"record_id": record["record_id"], "recipient": PARTNER.node_id, "use": "hit_only"},
        headers=officer,
    )
    assert explained.json()["outcome"] == "allow hit-only"
    assert {r["rule"] for r in explained.json()["reasons"]} == {"agreement"}
    suspended = client.post(
        "/api/v1/agreements/ph-ru-2026/suspend",
        json={"reason": "audit of partner"},
        headers=officer,
    )
    assert suspended.json()["state"] == "suspended"
    listed = client.get("/api/v1/agreements", headers=auth(node, team.auditor)).json()["items"]
    assert [a["state"] for a in listed] == ["suspended"]


def test_bad_documents_name_the_field(client: TestClient, node: Node, team: Team) -> None:
    officer = auth(node, team.officer)
    doc = agreement_doc(
        node, PARTNER.node_id, PARTNER.public_key, retention={"nominal": "5 decades"}
    )
    bad = client.post("/api/v1/agreements", json=doc, headers=officer)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "retention.nominal"
    doc = agreement_doc(node, PARTNER.node_id, PARTNER.public_key)
    client.post("/api/v1/agreements", json=doc, headers=officer)
    forged = {"document": doc, "signatures": {PARTNER.node_id: "AAAA"}}
    refused = client.post("/api/v1/agreements/receive", json=forged, headers=officer)
    assert refused.status_code == 422 and refused.json()["title"] == "Invalid signature"
    assert (
        client.post("/api/v1/agreements/ph-ru-2026/sign?version=1", headers=officer).status_code
        == 403
    )
    missing = client.get("/api/v1/agreements/nope-2026", headers=officer)
    assert missing.status_code == 404


def test_consents_neutrality_retention_routes(client: TestClient, node: Node, team: Team) -> None:
    analyst, auditor = auth(node, team.analyst), auth(node, team.auditor)
    entity = person("Хасан Алиев", notes=["religious sect leader"])
    record = client.post(
        "/api/v1/records",
        json={"entity": entity, "envelope": {"crime_area": "terrorism"}},
        headers=analyst,
    ).json()
    rid = record["record_id"]
    queue = client.get("/api/v1/neutrality", headers=auditor).json()["items"]
    assert queue[0]["signals"][0]["character"] == "religious"
    short = client.post(f"/api/v1/neutrality/{rid}/release", json={"reason": "ok"}, headers=auditor)
    assert short.status_code == 422
    upheld = client.post(
        f"/api/v1/neutrality/{rid}/uphold",
        json={"reason": "predominantly religious content"},
        headers=auditor,
    )
    assert upheld.json()["state"] == "upheld"
    officer = auth(node, team.officer)
    given = client.post(
        "/api/v1/consents",
        json={
            "record_id": rid,
            "recipient": PARTNER.node_id,
            "use": "onward_share",
            "justification": "joint team Delta",
        },
        headers=officer,
    )
    assert given.status_code == 201, given.text
    withdrawn = client.post(
        f"/api/v1/consents/{given.json()['id']}/withdraw",
        json={"reason": "team dissolved"},
        headers=officer,
    )
    assert withdrawn.json()["withdrawn"] is not None
    assert (
        len(
            client.get("/api/v1/consents", params={"record_id": rid}, headers=officer).json()[
                "items"
            ]
        )
        == 1
    )
    assert client.get("/api/v1/retention/due", headers=analyst).json()["items"] == []
    supervisor = auth(node, team.supervisor)
    renewed = client.post(
        f"/api/v1/records/{rid}/renew",
        json={"review_due": "2001-01-01", "justification": "still needed in case"},
        headers=supervisor,
    )
    assert renewed.status_code == 422 and renewed.json()["errors"][0]["field"] == "review_due"
    assert client.post("/api/v1/retention/purge", headers=supervisor).json() == {
        "purged": [],
        "count": 0,
    }
