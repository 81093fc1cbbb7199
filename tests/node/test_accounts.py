from __future__ import annotations

import datetime
import datetime as dt

import pytest
import sqlalchemy as sa

from liaison.accounts import totp
from liaison.errors import AuthenticationFailed, Conflict, Forbidden, InvalidInput, RateLimited
from liaison.node import Node
from liaison.node.setup import load_context
from liaison.storage.tables import api_tokens
from tests.conftest import PASSWORD, Team, actor_named


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
    next_code = totp.code_at(enrol["secret"], now + dt.timedelta(seconds=30))
    issued = node.accounts.login("officer", PASSWORD, next_code)
    assert issued.actor.username == "officer"
    with pytest.raises(AuthenticationFailed):  # a code works once
        node.accounts.login("officer", PASSWORD, next_code)


def test_api_tokens_expire_and_revoke(node: Node, team: Team) -> None:
    issued = node.accounts.create_token(team.analyst, "import job", 1)
    assert node.accounts.authenticate(issued.token).username == "analyst"
    with node.ctx.engine.connect() as conn:
        stored = [tuple(r) for r in conn.execute(sa.select(api_tokens))]
    assert issued.token not in repr(stored)  # only the hash is kept
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=2)
    tomorrow = Node(load_context(node.ctx.settings, clock=lambda: later))
    try:
        with pytest.raises(AuthenticationFailed):
            tomorrow.accounts.authenticate(issued.token)
    finally:
        tomorrow.close()
    node.accounts.revoke_token(team.analyst, issued.token_id)
    with pytest.raises(AuthenticationFailed):
        node.accounts.authenticate(issued.token)


def test_password_change_revokes_tokens(node: Node, team: Team) -> None:
    issued = node.accounts.create_token(team.officer, "script", 30)
    node.accounts.update_user(team.admin, "officer", password="another-fictitious-1")
    with pytest.raises(AuthenticationFailed):
        node.accounts.authenticate(issued.token)


def test_replacing_totp_needs_a_current_code(node: Node, team: Team) -> None:
    now = datetime.datetime.now(datetime.UTC)
    later = now + datetime.timedelta(seconds=30)
    first = node.accounts.totp_enrol(team.officer)
    node.accounts.totp_confirm(team.officer, totp.code_at(first["secret"], now))
    with pytest.raises(AuthenticationFailed):
        node.accounts.totp_enrol(team.officer)  # a stolen session cannot switch it off
    second = node.accounts.totp_enrol(team.officer, totp.code_at(first["secret"], later))
    # until the new authenticator is confirmed, it does not sign in
    with pytest.raises(AuthenticationFailed):
        node.accounts.login("officer", PASSWORD, totp.code_at(second["secret"], later))
    node.accounts.totp_confirm(team.officer, totp.code_at(second["secret"], now))
    assert node.accounts.login("officer", PASSWORD, totp.code_at(second["secret"], later))


def test_separation_of_duties_for_administrators(node: Node, team: Team) -> None:
    with pytest.raises(Forbidden):
        node.accounts.update_user(team.admin, "admin", role="analyst")
    with pytest.raises(Forbidden):
        node.accounts.update_user(team.admin, "admin", clearance="SECRET")
    node.accounts.create_user(team.admin, "admin2", PASSWORD, "administrator", "CONFIDENTIAL")
    second = actor_named(node, "admin2")
    with pytest.raises(Forbidden, match="above your own"):
        node.accounts.create_user(second, "spy", PASSWORD, "analyst", "SECRET")
    with pytest.raises(Forbidden, match="above your own"):
        node.accounts.update_user(second, "junior", clearance="TOP_SECRET")
    node.accounts.update_user(second, "admin", active=False)
    with pytest.raises(Conflict, match="last active administrator"):
        node.accounts.update_user(team.admin, "admin2", role="analyst")


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
