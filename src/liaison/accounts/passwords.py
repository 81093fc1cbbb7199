"""Argon2id password hashing (argon2-cffi, RFC 9106 low-memory profile)."""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from liaison.errors import InvalidInput

MIN_LENGTH = 12
_HASHER = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=2, type=Type.ID)


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise InvalidInput("password", "***", f"must have at least {MIN_LENGTH} characters")


def hash_password(password: str) -> str:
    check_strength(password)
    return _HASHER.hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


#: Verified against when the user does not exist, so that timing does not tell.
DUMMY_HASH = _HASHER.hash("liaison-dummy-password")
