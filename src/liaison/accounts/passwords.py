"""Argon2id password hashing (argon2-cffi).

The default cost is RFC 9106's second recommended option (64 MiB, 3 passes);
a node may lower it through settings, as the test suite does to stay fast.
Hashes carry their parameters, so a stored hash verifies whatever the setting.
"""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from liaison.errors import InvalidInput

MIN_LENGTH = 12


class Passwords:
    def __init__(self, time_cost: int = 3, memory_kib: int = 65536) -> None:
        self._hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_kib, parallelism=2, type=Type.ID
        )
        #: Verified against when the user does not exist, so that timing does not tell.
        self.dummy_hash = self._hasher.hash("liaison-dummy-password")

    def hash(self, password: str) -> str:
        check_strength(password)
        return self._hasher.hash(password)

    def verify(self, stored: str, password: str) -> bool:
        try:
            return self._hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False


def check_strength(password: str) -> None:
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        raise InvalidInput("password", "***", f"must have at least {MIN_LENGTH} characters")
