"""The notice and challenge routes: a notice drafted, reviewed (refused with its
reasons, then passed), approved by another role and issued, all over HTTP; bad
input names the field, the value and why, and stores nothing; each role keeps to
its part; the OpenAPI document declares what each route answers. The workflow
between nodes runs in tests/federation/test_diffusion.py and, over real
processes, tests/federation/test_diffusion_processes.py."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from liaison.node import Node
from tests.conftest import Team, auth
from tests.federation.test_diffusion import EVALUATED, arrest, fugitive


def _draft(client: TestClient, node: Node, team: Team, **changes: Any) -> dict[str, Any]:
    record = node.records.create(team.analyst, fugitive(), EVALUATED)
    answer = client.post(
        "/api/v1/notices",
        json=arrest(record.record_id, **changes),
        headers=auth(node, team.analyst),
    )
    assert answer.status_code == 201, answer.text
    made: dict[str, Any] = answer.json()
    return made


def test_a_notice_is_drafted_reviewed_approved_and_issued(
    client: TestClient, node: Node, team: Team
) -> None:
    made = _draft(client, node, team)
    notice_id = made["summary"]["notice_id"]
    assert made["summary"]["state"] == "draft" and made["summary"]["kind"] == "arrest"
    url = f"/api/v1/notices/{notice_id}"
    reviewed = client.post(f"{url}/submit", headers=auth(node, team.analyst)).json()
    assert reviewed["summary"]["state"] == "in_review"
    assert reviewed["review"]["outcome"] == "passed"
    own = client.post(f"{url}/approve", headers=auth(node, team.analyst))
    assert own.status_code == 403  # analysts do not approve
    approved = client.post(f"{url}/approve", headers=auth(node, team.supervisor))
    assert approved.status_code == 200 and approved.json()["summary"]["state"] == "approved"
    issued = client.post(f"{url}/issue", headers=auth(node, team.supervisor)).json()
    assert issued["summary"]["state"] == "issued" and issued["summary"]["expires_on"]
    listed = client.get("/api/v1/notices?box=out", headers=auth(node, team.officer)).json()
    assert [n["notice_id"] for n in listed["notices"]] == [notice_id]
    received = client.get("/api/v1/notices?box=in", headers=auth(node, team.officer)).json()
    assert received["notices"] == []
    due = client.get("/api/v1/notices?renewal=true", headers=auth(node, team.supervisor)).json()
    assert due["renewal"] is True and due["notices"] == []  # five years to go
    assert listed["notices"][0]["renewal_due"] is False
    wrong = client.get("/api/v1/notices?box=in&renewal=true", headers=auth(node, team.officer))
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "renewal"
    cancelled = client.post(
        f"{url}/cancel", json={"reason": "no"}, headers=auth(node, team.supervisor)
    )
    assert cancelled.status_code == 422 and cancelled.json()["errors"][0]["field"] == "reason"
    cancelled = client.post(
        f"{url}/cancel",
        json={"reason": "The person was arrested at home."},
        headers=auth(node, team.supervisor),
    )
    assert cancelled.json()["summary"]["state"] == "cancelled"
    answer = client.post(
        f"{url}/responses", json={"kind": "located"}, headers=auth(node, team.officer)
    )
    assert answer.status_code == 422  # the originator confirms, it does not respond


def test_a_political_case_is_refused_with_its_reasons(
    client: TestClient, node: Node, team: Team
) -> None:
    record = node.records.create(team.analyst, fugitive(), EVALUATED)
    draft = arrest(record.record_id)
    draft["fields"]["charge"] = "Desertion from the armed forces and insulting the president"
    made = client.post("/api/v1/notices", json=draft, headers=auth(node, team.analyst)).json()
    url = f"/api/v1/notices/{made['summary']['notice_id']}"
    refused = client.post(f"{url}/submit", headers=auth(node, team.analyst)).json()
    assert refused["summary"]["state"] == "draft"
    denied = [r for r in refused["review"]["reasons"] if r["effect"] == "deny"]
    assert denied and all(r["rule"] == "neutrality" for r in denied)
    short = client.post(
        f"{url}/override", json={"justification": "fine"}, headers=auth(node, team.auditor)
    )
    assert short.status_code == 422 and short.json()["errors"][0]["field"] == "justification"
    by_analyst = client.post(
        f"{url}/override",
        json={"justification": "x" * 50},
        headers=auth(node, team.analyst),
    )
    assert by_analyst.status_code == 403


def test_bad_drafts_name_every_problem_and_store_nothing(
    client: TestClient, node: Node, team: Team
) -> None:
    headers = auth(node, team.analyst)
    answer = client.post(
        "/api/v1/notices",
        json={"kind": "arrest", "subjects": ["rec-nope"], "fields": {"charge": 7}, "colour": "red"},
        headers=headers,
    )
    assert answer.status_code == 422
    fields = {e["field"] for e in answer.json()["errors"]}
    assert {"colour", "subjects[0]", "fields.charge"} <= fields, answer.json()
    unknown = client.post("/api/v1/notices", json={"kind": "red_notice"}, headers=headers)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "kind"
    absent = client.post("/api/v1/notices", json=arrest("rec-" + "0" * 32), headers=headers)
    assert absent.status_code == 422 and absent.json()["errors"][0]["field"] == "subjects[0]"
    listed = client.get("/api/v1/notices", headers=headers).json()
    assert listed["notices"] == []
    missing = client.get("/api/v1/notices/ntc-" + "0" * 32, headers=headers)
    assert missing.status_code == 404
    malformed = client.get("/api/v1/notices/red-1", headers=headers)
    assert malformed.status_code == 422


def test_the_border_check_and_challenges_keep_to_their_roles(
    client: TestClient, node: Node, team: Team
) -> None:
    body = {"identifiers": [{"kind": "passport", "value": "P7730419"}]}
    found = client.post("/api/v1/notices/check", json=body, headers=auth(node, team.officer))
    assert found.status_code == 200 and found.json() == [
        {"kind": "passport", "value": "P7730419", "hit": False, "notices": []}
    ]
    assert (
        client.post(
            "/api/v1/notices/check", json=body, headers=auth(node, team.supervisor)
        ).status_code
        == 403
    )
    bad = client.post(
        "/api/v1/notices/check",
        json={"identifiers": [{"kind": "passport", "value": "P77/30$419"}]},
        headers=auth(node, team.officer),
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "identifiers.0.value"

    record = node.records.create(team.analyst, fugitive(), EVALUATED)
    challenge = {
        "kind": "access",
        "records": [record.record_id],
        "requester": {"name": "Rodrigo V. Santos", "contact": "by post, Fictitious City"},
    }
    opened = client.post("/api/v1/challenges", json=challenge, headers=auth(node, team.officer))
    assert opened.status_code == 201, opened.text
    (made,) = opened.json()
    assert made["stage"] == "received" and made["answer"]["confirms"] is False
    assert client.get("/api/v1/challenges", headers=auth(node, team.analyst)).status_code == 403
    url = f"/api/v1/challenges/{made['challenge_id']}/decision"
    refuse = {"verdict": "refuse", "reasons": "The investigation is still open."}
    no_ground = client.post(url, json=refuse, headers=auth(node, team.officer))
    assert no_ground.status_code == 422
    assert no_ground.json()["errors"][0]["field"] == "restrictions"
    decided = client.post(
        url, json={**refuse, "restrictions": ["obstruct_inquiry"]}, headers=auth(node, team.officer)
    ).json()
    assert decided["stage"] == "decided" and decided["answer"]["confirms"] is False
    unheld = client.post(
        "/api/v1/challenges",
        json={**challenge, "records": ["rec-" + "1" * 32]},
        headers=auth(node, team.officer),
    )
    assert unheld.status_code == 422 and unheld.json()["errors"][0]["field"] == "records"


def test_every_notice_route_declares_what_it_answers(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    routes = {p: ops for p, ops in paths.items() if "/notices" in p or "/challenges" in p}
    assert len(routes) >= 10
    for path, operations in routes.items():
        for method, operation in operations.items():
            ok = operation["responses"].get("200") or operation["responses"].get("201")
            assert ok is not None, (method, path)
            schema = ok["content"]["application/json"]["schema"]
            assert schema != {}, f"{method} {path} declares no response model"
