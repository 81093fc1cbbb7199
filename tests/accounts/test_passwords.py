from __future__ import annotations

import datetime as dt

import pytest

from liaison.accounts import totp
from liaison.accounts.passwords import Passwords
from liaison.accounts.tokens import hash_token, new_token
from liaison.errors import InvalidInput


def test_argon2id_hash_verifies_and_rejects() -> None:
    hasher = Passwords(time_cost=1, memory_kib=8192)
    stored = hasher.hash("fictitious-pass-123")
    assert stored.startswith("$argon2id$")
    assert hasher.verify(stored, "fictitious-pass-123")
    assert not hasher.verify(stored, "fictitious-pass-124")
    assert not hasher.verify("not a hash", "fictitious-pass-123")


def test_short_password_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        Passwords(1, 8192).hash("short")
    assert caught.value.field == "password"
    assert "short" not in caught.value.message


def test_tokens_are_random_and_hashed() -> None:
    (token, digest), (other, _) = new_token(), new_token()
    assert token.startswith("lsn_") and len(token) > 40 and token != other
    assert digest == hash_token(token) and len(digest) == 64


def test_totp_accepts_current_code_only() -> None:
    secret = totp.new_secret()
    now = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
    step = totp.matching_step(secret, totp.code_at(secret, now), now)
    assert step is not None
    assert totp.matching_step(secret, totp.code_at(secret, now), now, used=step) is None
    assert (
        totp.matching_step(secret, totp.code_at(secret, now - dt.timedelta(hours=1)), now) is None
    )
