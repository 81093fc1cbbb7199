"""`liaison user ...` and `liaison token ...`."""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.table import Table

from liaison.cli.common import console, handle_errors, open_node, sign_in
from liaison.model.roles import Role

app = typer.Typer(help="Manage users (administrators).", no_args_is_help=True)
tokens = typer.Typer(help="Your API tokens.", no_args_is_help=True)


def new_password(env: str = "LIAISON_NEW_PASSWORD") -> str:
    return os.environ.get(env) or str(
        typer.prompt("new user's password", hide_input=True, confirmation_prompt=True)
    )


@app.command("add")
@handle_errors
def add(
    username: str,
    role: Annotated[Role, typer.Option()],
    clearance: Annotated[str, typer.Option()] = "RESTRICTED",
) -> None:
    """Add a user with a role and a clearance (password from LIAISON_NEW_PASSWORD or prompt)."""
    node = open_node()
    admin = sign_in(node)
    user = node.accounts.create_user(admin, username, new_password(), role, clearance)
    console.print(f"added {user['username']} ({user['role']}, {user['clearance']})")


@app.command("list")
@handle_errors
def list_() -> None:
    """List users."""
    node = open_node()
    table = Table("user", "role", "clearance", "active", "TOTP")
    for user in node.accounts.list_users(sign_in(node)):
        table.add_row(
            user["username"],
            user["role"],
            user["clearance"],
            "yes" if user["active"] else "no",
            "yes" if user["totp_enabled"] else "",
        )
    console.print(table)


@app.command("set")
@handle_errors
def set_(
    username: str,
    role: Role | None = None,
    clearance: str | None = None,
    active: Annotated[bool | None, typer.Option("--active/--inactive")] = None,
    password: Annotated[bool, typer.Option(help="set a new password")] = False,
) -> None:
    """Change a user's role, clearance, state or password."""
    node = open_node()
    admin = sign_in(node)
    user = node.accounts.update_user(
        admin,
        username,
        role=role,
        clearance=clearance,
        active=active,
        password=new_password() if password else None,
    )
    console.print(
        f"{user['username']}: {user['role']}, {user['clearance']}, "
        f"{'active' if user['active'] else 'inactive'}"
    )


@tokens.command("create")
@handle_errors
def token_create(name: str, days: int = 90) -> None:
    """Create an API token for yourself; it is shown once."""
    node = open_node()
    issued = node.accounts.create_token(sign_in(node), name, days)
    console.print(issued.token)
