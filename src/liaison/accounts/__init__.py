"""Accounts: password hashing, tokens, TOTP and login throttling. Pure where possible."""

from liaison.accounts.passwords import Passwords
from liaison.accounts.throttle import retry_after
from liaison.accounts.tokens import TokenKind, hash_token, new_token

__all__ = ["Passwords", "TokenKind", "hash_token", "new_token", "retry_after"]
