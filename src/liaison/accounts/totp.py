"""Optional TOTP second factor (RFC 6238) through pyotp."""

from __future__ import annotations

import datetime as dt

import pyotp


def new_secret() -> str:
    return str(pyotp.random_base32())


def provisioning_uri(secret: str, username: str, issuer: str) -> str:
    return str(pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer))


def verify_code(secret: str, code: str, now: dt.datetime) -> bool:
    """Accept the current code and one step either side, for clock drift."""
    return bool(pyotp.TOTP(secret).verify(code.strip(), for_time=now, valid_window=1))


def code_at(secret: str, now: dt.datetime) -> str:
    return str(pyotp.TOTP(secret).at(now))
