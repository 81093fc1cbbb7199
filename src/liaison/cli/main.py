"""The `liaison` command: thin over the library."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from liaison.accounts.passwords import check_strength
from liaison.cli import agreements, audit, policy, records, transfer, users
from liaison.cli.common import console, handle_errors, settings
from liaison.node import SYSTEM, Node, init_node
from liaison.node.accounts import check_username

app = typer.Typer(
    help="Liaison: one agency's node.", no_args_is_help=True, pretty_exceptions_enable=False
)
app.add_typer(records.app, name="record")
app.add_typer(users.app, name="user")
app.add_typer(users.tokens, name="token")
app.add_typer(audit.app, name="audit")
app.add_typer(agreements.app, name="agreement")
app.add_typer(policy.policy, name="policy")
app.add_typer(policy.consent, name="consent")
app.add_typer(policy.neutrality, name="neutrality")
app.add_typer(policy.retention, name="retention")
app.command("import")(transfer.import_)
app.command("export")(transfer.export)


@app.command()
@handle_errors
def init(
    name: Annotated[str | None, typer.Option(help="node name, such as manila")] = None,
    admin: Annotated[str, typer.Option(help="first administrator's user name")] = "admin",
) -> None:
    """Create the data directory, database, node key and first administrator."""
    config = settings()
    password = os.environ.get("LIAISON_ADMIN_PASSWORD") or str(
        typer.prompt(f"password for {admin}", hide_input=True, confirmation_prompt=True)
    )
    check_username(admin)  # before anything is created: a failed init leaves nothing
    check_strength(password)
    info = init_node(config, name)
    node = Node.open(config)
    try:
        node.accounts.bootstrap_admin(SYSTEM, admin, password)
    finally:
        node.close()
    console.print(f"node [bold]{info.name}[/] initialised in {config.data_dir}")
    console.print(f"node id: {info.node_id}\npublic key: {info.public_key}")


@app.command()
def serve(host: str | None = None, port: int | None = None) -> None:
    """Run the node's HTTP API."""
    import uvicorn

    from liaison.api.app import create_app

    config = settings()
    uvicorn.run(create_app(config), host=host or config.host, port=port or config.port)


def main() -> None:
    app()
