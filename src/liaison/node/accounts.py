"""Users, sign-in, tokens and the TOTP second factor."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row

from liaison.accounts import totp
from liaison.accounts.passwords import Passwords
from liaison.accounts.throttle import retry_after
from liaison.accounts.tokens import TokenKind, hash_token, new_token
from liaison.audit.chain import Action, Result
from liaison.errors import (
    AuthenticationFailed,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    RateLimited,
)
from liaison.model.markings import Classification
from liaison.model.roles import Actor, Language, Role
from liaison.model.vocab import parse_enum
from liaison.node.context import NO_REASON, NodeContext
from liaison.policy.permissions import Permission
from liaison.storage import users as store

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


@dataclass(frozen=True)
class IssuedToken:
    token: str
    token_id: int
    expires: dt.datetime | None
    actor: Actor


def check_username(username: Any) -> None:
    if not isinstance(username, str) or not _USERNAME.match(username):
        raise InvalidInput(
            "username", username, "2-64 of a-z 0-9 . _ -, starting with a letter or digit"
        )


def actor_of(row: Row[Any], via: str = "api") -> Actor:
    return Actor(row.id, row.username, Role(row.role), Classification(row.clearance), via)


def user_view(row: Row[Any]) -> dict[str, Any]:
    return {
        "username": row.username,
        "role": row.role,
        "clearance": Classification(row.clearance).name,
        "active": row.active,
        "totp_enabled": row.totp_enabled,
        "created": row.created.isoformat(),
    }


class AccountService:
    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        self.passwords = Passwords(ctx.settings.argon2_time_cost, ctx.settings.argon2_memory_kib)

    def create_user(
        self, admin: Actor, username: str, password: str, role: Any, clearance: Any = "RESTRICTED"
    ) -> dict[str, Any]:
        with self.ctx.guard(admin):
            self.ctx.permit(admin, Permission.USER_MANAGE, Action.USER_CREATE, username)
            return self._create(admin, username, password, role, clearance)

    def bootstrap_admin(self, actor: Actor, username: str, password: str) -> dict[str, Any]:
        """The first administrator, created by `liaison init` when there is nobody yet."""
        with self.ctx.tx() as conn:
            if store.all_users(conn):
                raise Conflict("the node already has users; use `liaison user add`")
        return self._create(actor, username, password, Role.ADMINISTRATOR, "TOP_SECRET", False)

    def _create(
        self,
        actor: Actor,
        username: str,
        password: str,
        role: Any,
        clearance: Any,
        capped: bool = True,
    ) -> dict[str, Any]:
        check_username(username)
        level = Classification.parse(clearance, "clearance")
        if capped:
            _may_grant(actor, level)
        values: dict[str, Any] = {
            "username": username,
            "role": parse_enum(Role, "role", role).value,
            "clearance": int(level),
            "password_hash": self.passwords.hash(password),
            "totp_enabled": False,
            "active": True,
            "created": self.ctx.now(),
        }
        with self.ctx.tx() as conn:
            if store.by_name(conn, username) is not None:
                raise Conflict(f"user {username!r} exists")
            store.create(conn, **values)
            self.ctx.record(
                conn,
                actor,
                Action.USER_CREATE,
                username,
                role=values["role"],
                clearance=Classification(values["clearance"]).name,
            )
            row = store.by_name(conn, username)
        assert row is not None
        return user_view(row)

    def update_user(self, admin: Actor, username: str, **changes: Any) -> dict[str, Any]:
        with self.ctx.guard(admin):
            self.ctx.permit(admin, Permission.USER_MANAGE, Action.USER_UPDATE, username)
            values = _user_changes(changes, self.passwords)
            with self.ctx.tx() as conn:
                row = store.by_name(conn, username)
                if row is None:
                    raise NotFound("user", username)
                _check_user_change(conn, admin, row, values)
                store.change(conn, row.id, **values)
                if "password_hash" in values or values.get("active") is False:
                    store.revoke_all_tokens(conn, row.id)
                shown = {k: v for k, v in changes.items() if k != "password" and v is not None}
                self.ctx.record(
                    conn,
                    admin,
                    Action.USER_UPDATE,
                    username,
                    changed=sorted(values),
                    values={k: str(v) for k, v in shown.items()},
                )
                updated = store.by_id(conn, row.id)
        assert updated is not None
        return user_view(updated)

    def list_users(self, admin: Actor) -> list[dict[str, Any]]:
        with self.ctx.guard(admin):
            self.ctx.permit(admin, Permission.USER_MANAGE, Action.USER_LIST, "users")
            with self.ctx.tx() as conn:
                rows = store.all_users(conn)
                self.ctx.record(conn, admin, Action.USER_LIST, "users", count=len(rows))
        return [user_view(r) for r in rows]

    def login(
        self, username: str, password: str, code: str | None = None, client: str = "api"
    ) -> IssuedToken:
        """Password (and TOTP when enabled) for a session token; throttled per user name.

        The password hash is checked outside any transaction: Argon2 takes a while,
        and on SQLite a write transaction holds the node's only write lock.
        """
        now = self.ctx.now()
        window = dt.timedelta(seconds=self.ctx.settings.login_window_seconds)
        with self.ctx.read() as conn:
            failures = store.recent_failures(conn, username, now - window)
            row = store.by_name(conn, username)
        wait = retry_after(
            failures,
            now,
            self.ctx.settings.login_max_failures,
            self.ctx.settings.login_window_seconds,
        )
        if wait is not None:
            with self.ctx.tx() as conn:
                self._audit_login(conn, username, client, Result.DENIED, "rate limited")
            raise RateLimited(wait)
        problem, step = _login_problem(self.passwords, row, password, code, now)
        if problem is not None:
            with self.ctx.tx() as conn:
                store.record_failure(conn, username, now)
                self._audit_login(conn, username, client, Result.FAILED, problem)
            raise AuthenticationFailed("wrong user name, password or code")
        assert row is not None
        actor = actor_of(row, client)
        with self.ctx.tx() as conn:
            if step is not None and not store.spend_totp_step(conn, row.id, step):
                raise AuthenticationFailed("wrong user name, password or code")  # a replay race
            store.clear_failures(conn, username)
            issued = self._issue(
                conn,
                actor,
                TokenKind.SESSION,
                f"session {client}",
                now + dt.timedelta(hours=self.ctx.settings.session_hours),
            )
            self.ctx.record(conn, actor, Action.LOGIN, username)
        return issued

    def _audit_login(
        self, conn: Any, username: str, client: str, result: Result, reason: str
    ) -> None:
        anonymous = Actor(None, username, Role.ANALYST, Classification.UNCLASSIFIED, client)
        self.ctx.record(conn, anonymous, Action.LOGIN, username, NO_REASON, result, reason=reason)

    def language(self, actor: Actor) -> Language:
        """The user's interface language (English unless they chose another)."""
        assert actor.user_id is not None
        with self.ctx.read() as conn:
            row = store.by_id(conn, actor.user_id)
        return Language(row.language) if row is not None and row.language else Language.ENGLISH

    def profile(self, actor: Actor) -> dict[str, Any]:
        """What a user sees of their own account: role, clearance, language, second factor."""
        assert actor.user_id is not None
        with self.ctx.read() as conn:
            row = store.by_id(conn, actor.user_id)
        assert row is not None
        return {**user_view(row), "language": row.language or Language.ENGLISH.value}

    def set_language(self, actor: Actor, language: Any) -> Language:
        """Any user chooses their own interface language."""
        assert actor.user_id is not None
        chosen = parse_enum(Language, "language", language)
        with self.ctx.tx() as conn:
            store.change(conn, actor.user_id, language=chosen.value)
            self.ctx.record(
                conn,
                actor,
                Action.USER_UPDATE,
                actor.username,
                changed=["language"],
                values={"language": chosen.value},
            )
        return chosen

    def logout(self, actor: Actor, token: str) -> None:
        with self.ctx.tx() as conn:
            store.revoke_by_hash(conn, hash_token(token))
            self.ctx.record(conn, actor, Action.LOGOUT, actor.username)

    def authenticate(self, token: str, via: str = "api") -> Actor:
        with self.ctx.read() as conn:
            row = store.token_owner(conn, hash_token(token), self.ctx.now())
        if row is None or not row.active:
            raise AuthenticationFailed("unknown, expired or revoked token")
        if via != "taxii" and row.username in self.ctx.settings.taxii_users:
            raise AuthenticationFailed(  # a partner's account reads its collection only
                "this is a partner's TAXII account: its tokens are accepted only at /taxii2/"
            )
        return actor_of(row, via)

    def create_token(self, actor: Actor, name: str, days: int) -> IssuedToken:
        """An API token that expires after ``days`` (1 to 366); tokens never live forever."""
        if not 1 <= days <= 366:
            raise InvalidInput("days", days, "between 1 and 366")
        expires = self.ctx.now() + dt.timedelta(days=days)
        with self.ctx.tx() as conn:
            issued = self._issue(conn, actor, TokenKind.API, name or "api token", expires)
            self.ctx.record(conn, actor, Action.TOKEN_CREATE, f"token:{issued.token_id}", name=name)
        return issued

    def tokens(self, actor: Actor) -> list[dict[str, Any]]:
        assert actor.user_id is not None
        with self.ctx.read() as conn:
            rows = store.tokens_of(conn, actor.user_id)
        return [
            {
                "id": r.id,
                "name": r.name,
                "kind": r.kind,
                "created": r.created.isoformat(),
                "expires": r.expires.isoformat() if r.expires else None,
                "revoked": r.revoked,
            }
            for r in rows
        ]

    def revoke_token(self, actor: Actor, token_id: int) -> None:
        assert actor.user_id is not None
        with self.ctx.tx() as conn:
            if not store.revoke_token(conn, actor.user_id, token_id):
                raise NotFound("token", str(token_id))
            self.ctx.record(conn, actor, Action.TOKEN_REVOKE, f"token:{token_id}")

    def totp_enrol(self, actor: Actor, code: str | None = None) -> dict[str, str]:
        """Start enrolment of a new authenticator. Until a code from it is confirmed,
        the current one (if any) stays in force; replacing it needs a current code."""
        assert actor.user_id is not None
        secret = totp.new_secret()
        with self.ctx.tx() as conn:
            row = store.by_id(conn, actor.user_id)
            assert row is not None
            step = _totp_step(row, code, self.ctx.now()) if row.totp_enabled else None
            if row.totp_enabled and (step is None or not store.spend_totp_step(conn, row.id, step)):
                raise AuthenticationFailed("replacing your authenticator needs a current code")
            store.change(conn, actor.user_id, totp_pending=secret)
            self.ctx.record(conn, actor, Action.TOTP_ENROL, actor.username)
        uri = totp.provisioning_uri(secret, actor.username, f"Liaison {self.ctx.name}")
        return {"secret": secret, "uri": uri}

    def totp_confirm(self, actor: Actor, code: str) -> None:
        assert actor.user_id is not None
        with self.ctx.tx() as conn:
            row = store.by_id(conn, actor.user_id)
            assert row is not None
            pending = row.totp_pending
            step = totp.matching_step(pending, code, self.ctx.now()) if pending else None
            if step is None:
                raise InvalidInput("code", code, "does not match the authenticator being enrolled")
            store.change(
                conn,
                actor.user_id,
                totp_secret=pending,
                totp_pending=None,
                totp_enabled=True,
                totp_last_step=step,
            )
            self.ctx.record(conn, actor, Action.TOTP_ENABLE, actor.username)

    def _issue(
        self, conn: Any, actor: Actor, kind: TokenKind, name: str, expires: dt.datetime | None
    ) -> IssuedToken:
        assert actor.user_id is not None
        token, digest = new_token()
        token_id = store.add_token(
            conn,
            user_id=actor.user_id,
            name=name,
            kind=kind.value,
            token_hash=digest,
            created=self.ctx.now(),
            expires=expires,
            revoked=False,
        )
        return IssuedToken(token, token_id, expires, actor)


def _login_problem(
    hasher: Passwords, row: Row[Any] | None, password: str, code: str | None, now: dt.datetime
) -> tuple[str | None, int | None]:
    """Why a sign-in fails (None when it does not), and the TOTP step it would spend."""
    if row is None:
        hasher.verify(hasher.dummy_hash, password)  # same time as a real check
        return "unknown user", None
    if not hasher.verify(row.password_hash, password):
        return "wrong password", None
    if not row.active:
        return "account disabled", None
    if not row.totp_enabled:
        return None, None
    step = _totp_step(row, code, now)
    if step is None:
        return "missing, wrong or already used second-factor code", None
    return None, step


def _totp_step(row: Row[Any], code: str | None, now: dt.datetime) -> int | None:
    if not code or not row.totp_secret:
        return None
    return totp.matching_step(row.totp_secret, code, now, row.totp_last_step)


def _may_grant(admin: Actor, level: Classification) -> None:
    if level > admin.clearance:
        raise Forbidden("you cannot grant a clearance above your own")


def _check_user_change(conn: Any, admin: Actor, row: Row[Any], values: dict[str, Any]) -> None:
    """Separation of duties: no administrator changes their own role, clearance or
    state, grants more clearance than they hold, or removes the last administrator."""
    if row.id == admin.user_id and {"role", "clearance", "active"} & set(values):
        raise Forbidden("administrators cannot change their own role, clearance or state")
    if "clearance" in values:
        _may_grant(admin, Classification(values["clearance"]))
    demoted = values.get("role", row.role) != Role.ADMINISTRATOR or values.get("active") is False
    if row.role == Role.ADMINISTRATOR and row.active and demoted and store.active_admins(conn) <= 1:
        raise Conflict("this is the last active administrator")


def _user_changes(changes: dict[str, Any], hasher: Passwords) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in changes.items():
        if value is None:
            continue
        if key == "role":
            values["role"] = parse_enum(Role, "role", value).value
        elif key == "clearance":
            values["clearance"] = int(Classification.parse(value, "clearance"))
        elif key == "active":
            values["active"] = bool(value)
        elif key == "password":
            values["password_hash"] = hasher.hash(value)
        else:
            raise InvalidInput(
                key, value, "not a user field; use role, clearance, active, password"
            )
    if not values:
        raise InvalidInput("changes", changes, "nothing to change")
    return values
