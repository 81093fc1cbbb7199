"""Bearer tokens. Only their SHA-256 is stored: they are 256-bit random secrets,
so a fast hash is enough (there is nothing to brute-force)."""

from __future__ import annotations

import hashlib
import secrets
from enum import StrEnum

PREFIX = "lsn_"


class TokenKind(StrEnum):
    SESSION = "session"
    API = "api"


def new_token() -> tuple[str, str]:
    """Return the token to show once, and the hash to store."""
    token = PREFIX + secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
