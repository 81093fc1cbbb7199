"""SQL for users, tokens and login failures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, Row, delete, insert, or_, select, update

from liaison.storage.tables import api_tokens, login_failures, users


def by_name(conn: Connection, username: str) -> Row[Any] | None:
    return conn.execute(select(users).where(users.c.username == username)).first()


def by_id(conn: Connection, user_id: int) -> Row[Any] | None:
    return conn.execute(select(users).where(users.c.id == user_id)).first()


def all_users(conn: Connection) -> list[Row[Any]]:
    return list(conn.execute(select(users).order_by(users.c.username)))


def create(conn: Connection, **values: Any) -> int:
    result = conn.execute(insert(users).values(**values))
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def change(conn: Connection, user_id: int, **values: Any) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(**values))


def add_token(conn: Connection, **values: Any) -> int:
    key = conn.execute(insert(api_tokens).values(**values)).inserted_primary_key
    assert key is not None
    return int(key[0])


def token_owner(conn: Connection, token_hash: str, now: dt.datetime) -> Row[Any] | None:
    query = (
        select(users, api_tokens.c.id.label("token_id"), api_tokens.c.expires)
        .join(api_tokens, api_tokens.c.user_id == users.c.id)
        .where(api_tokens.c.token_hash == token_hash, api_tokens.c.revoked.is_(False))
    )
    row = conn.execute(query).first()
    if row is None or (row.expires is not None and row.expires <= now):
        return None
    return row


def tokens_of(conn: Connection, user_id: int) -> list[Row[Any]]:
    query = (
        select(
            api_tokens.c.id,
            api_tokens.c.name,
            api_tokens.c.kind,
            api_tokens.c.created,
            api_tokens.c.expires,
            api_tokens.c.revoked,
        )
        .where(api_tokens.c.user_id == user_id)
        .order_by(api_tokens.c.id)
    )
    return list(conn.execute(query))


def revoke_token(conn: Connection, user_id: int, token_id: int) -> bool:
    result = conn.execute(
        update(api_tokens)
        .where(api_tokens.c.id == token_id, api_tokens.c.user_id == user_id)
        .values(revoked=True)
    )
    return bool(result.rowcount)


def revoke_by_hash(conn: Connection, token_hash: str) -> None:
    conn.execute(
        update(api_tokens).where(api_tokens.c.token_hash == token_hash).values(revoked=True)
    )


def recent_failures(conn: Connection, username: str, since: dt.datetime) -> list[dt.datetime]:
    query = select(login_failures.c.at).where(
        login_failures.c.username == username, login_failures.c.at > since
    )
    return [row.at for row in conn.execute(query)]


def record_failure(conn: Connection, username: str, at: dt.datetime) -> None:
    conn.execute(insert(login_failures).values(username=username, at=at))


def clear_failures(conn: Connection, username: str) -> None:
    conn.execute(delete(login_failures).where(login_failures.c.username == username))


def revoke_all_tokens(conn: Connection, user_id: int) -> None:
    conn.execute(update(api_tokens).where(api_tokens.c.user_id == user_id).values(revoked=True))


def active_admins(conn: Connection) -> int:
    query = select(users.c.id).where(users.c.role == "administrator", users.c.active.is_(True))
    return len(list(conn.execute(query)))


def spend_totp_step(conn: Connection, user_id: int, step: int) -> bool:
    """Record a TOTP step as used; False if it (or a later one) already was."""
    result = conn.execute(
        update(users)
        .where(
            users.c.id == user_id,
            or_(users.c.totp_last_step.is_(None), users.c.totp_last_step < step),
        )
        .values(totp_last_step=step)
    )
    return bool(result.rowcount)
