"""Administration pages: users created and changed through forms, bad input,
refusals, partners listed, escaping."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from liaison.federation.tls import ensure_certificate
from liaison.model.identity import NodeKey
from liaison.node import Node
from tests.conftest import Team, actor_named
from tests.web.conftest import SignIn, csrf_of, sign_in


def test_create_a_user_through_the_form_then_sign_in(
    browser_as: SignIn, node: Node, team: Team
) -> None:
    admin = browser_as("admin")
    page = admin.get("/admin")
    assert page.status_code == 200 and "<td>analyst</td>" in page.text
    assert 'for="nu-username"' in page.text
    form = {
        "csrf": csrf_of(page.text),
        "username": "new.analyst",
        "password": "another-fictitious-pass",
        "role": "analyst",
        "clearance": "CONFIDENTIAL",
    }
    created = admin.post("/admin/users", data=form, follow_redirects=False)
    assert created.status_code == 303 and created.headers["location"] == "/admin"
    made = actor_named(node, "new.analyst")
    assert made.role.value == "analyst" and made.clearance.name == "CONFIDENTIAL"
    assert "<td>new.analyst</td>" in admin.get("/admin").text
    with TestClient(admin.app, base_url="https://testserver") as client:
        assert sign_in(client, "new.analyst", "another-fictitious-pass").get("/").status_code == 200


def test_a_bad_user_name_is_refused_and_nothing_is_created(
    browser_as: SignIn, node: Node, team: Team
) -> None:
    admin = browser_as("admin")
    page = admin.get("/admin")
    before = len(node.accounts.list_users(team.admin))
    bad = admin.post(
        "/admin/users",
        data={
            "csrf": csrf_of(page.text),
            "username": "<script>alert(1)</script>",
            "password": "another-fictitious-pass",
            "role": "auditor",
            "clearance": "SECRET",
        },
    )
    assert bad.status_code == 422
    assert 'id="err-username"' in bad.text and 'aria-describedby="err-username"' in bad.text
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in bad.text  # kept, escaped
    assert "<script>alert(1)" not in bad.text
    assert '<option value="auditor" selected>' in bad.text
    assert len(node.accounts.list_users(team.admin)) == before


def test_change_a_users_role_clearance_and_state(
    browser_as: SignIn, node: Node, team: Team
) -> None:
    admin = browser_as("admin")
    page = admin.get("/admin")
    changed = admin.post(
        "/admin/users/junior",
        data={"csrf": csrf_of(page.text), "role": "supervisor", "clearance": "SECRET"},
        follow_redirects=False,
    )
    assert changed.status_code == 303
    junior = actor_named(node, "junior")
    assert junior.role.value == "supervisor" and junior.clearance.name == "SECRET"
    users = {u["username"]: u for u in node.accounts.list_users(team.admin)}
    assert users["junior"]["active"] is False  # the box was not ticked
    bad = admin.post(
        "/admin/users/analyst",
        data={"csrf": csrf_of(page.text), "role": "king", "clearance": "SECRET", "active": "on"},
    )
    assert bad.status_code == 422 and 'id="err-analyst.role"' in bad.text
    assert actor_named(node, "analyst").role.value == "analyst"


def test_only_administrators_manage_users(browser_as: SignIn, node: Node, team: Team) -> None:
    analyst = browser_as("analyst")
    assert analyst.get("/admin").status_code == 403
    home = analyst.get("/")
    refused = analyst.post(
        "/admin/users",
        data={
            "csrf": csrf_of(home.text),
            "username": "sneaky",
            "password": "another-fictitious-pass",
            "role": "administrator",
            "clearance": "TOP_SECRET",
        },
    )
    assert refused.status_code == 403
    assert "sneaky" not in {u["username"] for u in node.accounts.list_users(team.admin)}


def test_partners_are_listed(browser_as: SignIn, node: Node, team: Team, tmp_path: Path) -> None:
    key = NodeKey.generate()
    cert = ensure_certificate(tmp_path / "peer.crt", tmp_path / "peer.key", "moscow")
    node.federation.add_peer(
        team.admin, "moscow", "https://127.0.0.1:8471", key.public_key, cert.read_text()
    )
    page = browser_as("admin").get("/admin")
    assert "moscow" in page.text and key.node_id in page.text
    assert "not contacted yet" in page.text
