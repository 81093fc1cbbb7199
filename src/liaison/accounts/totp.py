"""Optional TOTP second factor (RFC 6238) through pyotp."""

from __future__ import annotations

import datetime as dt

import pyotp


def new_secret() -> str:
    return str(pyotp.random_base32())


def provisioning_uri(secret: str, username: str, issuer: str) -> str:
    return str(pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer))


def matching_step(secret: str, code: str, now: dt.datetime, used: int | None = None) -> int | None:
    """The time step whose code this is: the current one or one either side, for
    clock drift, and later than ``used`` (the last step spent), so that a code
    is never accepted twice."""
    otp = pyotp.TOTP(secret)
    current = int(otp.timecode(now))
    for step in (current - 1, current, current + 1):
        if (used is None or step > used) and otp.generate_otp(step) == code.strip():
            return step
    return None


def code_at(secret: str, now: dt.datetime) -> str:
    return str(pyotp.TOTP(secret).at(now))
