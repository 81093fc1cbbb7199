"""What every command shares: settings, opening the node, signing in, errors."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import orjson
import typer
from rich.console import Console

from liaison.errors import ImportRejected, InvalidInput, LiaisonError
from liaison.model.roles import Actor
from liaison.node import Node
from liaison.settings import Settings

# no emoji codes: rich would show a fingerprint's ":CD:" or ":AB:" as an emoji, and a
# record's or a user's text the same way
console = Console(emoji=False)
err = Console(stderr=True, emoji=False)
F = TypeVar("F", bound=Callable[..., Any])


def settings() -> Settings:
    return Settings()


_opened: list[Node] = []


def open_node() -> Node:
    """Open the node; ``handle_errors`` closes it when the command ends."""
    node = Node.open(settings())
    _opened.append(node)
    return node


def sign_in(node: Node) -> Actor:
    """As ``LIAISON_TOKEN``, or as ``LIAISON_USER`` with a password (prompted if unset)."""
    token = os.environ.get("LIAISON_TOKEN")
    if token:
        return node.accounts.authenticate(token, via="cli")
    username = os.environ.get("LIAISON_USER") or typer.prompt("user")
    password = os.environ.get("LIAISON_PASSWORD") or typer.prompt("password", hide_input=True)
    code = os.environ.get("LIAISON_TOTP")
    return node.accounts.login(username, password, code, client="cli").actor


def handle_errors(func: F) -> F:
    """Print a Liaison error as field, value and reason, without a stack trace."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ImportRejected as exc:
            err.print(f"[red]error:[/] {exc.message}")
            for line in exc.errors[:20]:
                err.print(f"  line {line.line}: {line.field}: {line.reason} (got {line.value})")
            raise typer.Exit(2) from None
        except InvalidInput as exc:
            err.print(f"[red]error:[/] {exc.field}: {exc.reason} (got {exc.value})")
            raise typer.Exit(2) from None
        except LiaisonError as exc:
            err.print(f"[red]error:[/] {exc.message}")
            raise typer.Exit(1) from None
        finally:
            while _opened:
                _opened.pop().close()

    return wrapper  # type: ignore[return-value]


def read_json_arg(name: str, text: str | None) -> Any:
    """A JSON value given inline, or ``@path`` to read it from a file, or ``-`` for stdin."""
    if text is None:
        return None
    if text == "-":
        text = sys.stdin.read()
    elif text.startswith("@"):
        try:
            with open(text[1:], encoding="utf-8") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(name, text, f"cannot read the file: {exc}") from None
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise InvalidInput(name, text, f"not valid JSON ({exc.msg})") from None


def print_json(data: Any) -> None:
    console.print_json(orjson.dumps(data).decode())
