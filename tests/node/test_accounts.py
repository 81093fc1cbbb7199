from __future__ import annotations

import datetime as dt

import pytest

from liaison.accounts import totp
from liaison.errors import AuthenticationFailed, Conflict, Forbidden, InvalidInput, RateLimited
from liaison.node import Node
from tests.conftest import PASSWORD, Team


def test_login_issues_session_token(node: Node, team: Team) -> None:
    issued = node.accounts.login("analyst", PASSWORD)
    assert node.accounts.authenticate(issued.token).username == "analyst"
    node.accounts.logout(issued.actor, issued.token)
    with pytest.raises(AuthenticationFailed):
        node.accounts.authenticate(issued.token)


def test_wrong_password_and_unknown_user_look_the_same(node: Node, team: Team) -> None:
    with pytest.raises(AuthenticationFailed) as wrong:
        node.accounts.login("analyst", "not-the-password")
    with pytest.raises(AuthenticationFailed) as unknown:
        node.accounts.login("nobody", "not-the-password")
    assert wrong.value.message == unknown.value.message


def test_login_rate_limited_after_failures(node: Node, team: Team) -> None:
    for _ in range(node.ctx.settings.login_max_failures):
        with pytest.raises(AuthenticationFailed):
            node.accounts.login("analyst", "wrong-password-1")
    with pytest.raises(RateLimited) as caught:
        node.accounts.login("analyst", PASSWORD)  # even the right password waits
    assert 0 < caught.value.retry_after <= node.ctx.settings.login_window_seconds
    entries = node.audit.entries(team.auditor, limit=500, action="auth.login")
    assert [e.result for e in entries][-6:] == ["failed"] * 5 + ["denied"]


def test_totp_second_factor(node: Node, team: Team) -> None:
    enrol = node.accounts.totp_enrol(team.officer)
    now = dt.datetime.now(dt.UTC)
    with pytest.raises(InvalidInput):
        node.accounts.totp_confirm(
            team.officer, "000000" if totp.code_at(enrol["secret"], now) != "000000" else "111111"
        )
    node.accounts.totp_confirm(team.officer, totp.code_at(enrol["secret"], now))
    with pytest.raises(AuthenticationFailed):
        node.accounts.login("officer", PASSWORD)
    issued = node.accounts.login("officer", PASSWORD, totp.code_at(enrol["secret"], now))
    assert issued.actor.username == "officer"


def test_api_tokens_expire_and_revoke(node: Node, team: Team) -> None:
    issued = node.accounts.create_token(team.analyst, "import job", 30)
    assert node.accounts.authenticate(issued.token).username == "analyst"
    listed = node.accounts.tokens(team.analyst)
    assert issued.token not in str(listed)
    node.accounts.revoke_token(team.analyst, issued.token_id)
    with pytest.raises(AuthenticationFailed):
        node.accounts.authenticate(issued.token)


def test_user_management_is_for_administrators(node: Node, team: Team) -> None:
    with pytest.raises(Forbidden):
        node.accounts.create_user(team.analyst, "newbie", PASSWORD, "analyst")
    with pytest.raises(Conflict):
        node.accounts.create_user(team.admin, "analyst", PASSWORD, "analyst")
    with pytest.raises(InvalidInput) as caught:
        node.accounts.create_user(team.admin, "newbie", PASSWORD, "spy")
    assert caught.value.field == "role"
    updated = node.accounts.update_user(team.admin, "junior", clearance="CONFIDENTIAL")
    assert updated["clearance"] == "CONFIDENTIAL"
    node.accounts.update_user(team.admin, "junior", active=False)
    with pytest.raises(AuthenticationFailed):
        node.accounts.login("junior", PASSWORD)
    assert {u["username"] for u in node.accounts.list_users(team.admin)} >= {"admin", "junior"}
