"""The `liaison` command: thin over the library."""

from __future__ import annotations

import gc
import logging
import os
from pathlib import Path
from typing import Annotated

import typer

from liaison import logs
from liaison.accounts.passwords import check_strength
from liaison.cli import (
    agreements,
    audit,
    backup,
    challenges,
    feeds,
    followups,
    hits,
    hub,
    matching,
    notices,
    peers,
    policy,
    records,
    transfer,
    users,
)
from liaison.cli import witness as witnessing
from liaison.cli.common import console, handle_errors, open_node, settings
from liaison.federation.tls import ensure_certificate, fingerprint
from liaison.node import SYSTEM, Node, init_node
from liaison.node.accounts import check_username

app = typer.Typer(
    help="Liaison: one agency's node.", no_args_is_help=True, pretty_exceptions_enable=False
)
app.add_typer(records.app, name="record")
app.add_typer(users.app, name="user")
app.add_typer(users.tokens, name="token")
app.add_typer(audit.app, name="audit")
for name, command in witnessing.COMMANDS.items():  # partners as witnesses (docs/audit.md)
    audit.app.command(name)(command)
app.add_typer(agreements.app, name="agreement")
app.add_typer(policy.policy, name="policy")
app.add_typer(policy.consent, name="consent")
app.add_typer(policy.neutrality, name="neutrality")
app.add_typer(policy.retention, name="retention")
app.add_typer(peers.app, name="peer")
app.command("disclosures")(peers.disclosures_command)
app.command("import")(transfer.import_)
app.command("export")(transfer.export)
app.command("screen")(matching.screen)
app.command("query")(hits.query)
app.add_typer(matching.alerts, name="alerts")
app.add_typer(followups.app, name="followup")
app.add_typer(notices.app, name="notice")
app.add_typer(challenges.app, name="challenge")
app.add_typer(matching.watchlist, name="watchlist")
app.add_typer(hub.app, name="hub")
app.add_typer(feeds.app, name="feed")
app.command("backup")(backup.backup)
app.command("restore")(backup.restore)
app.command("verify")(backup.verify)


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
    cert = ensure_certificate(config.tls_cert_path, config.tls_key_path, info.name)
    console.print(f"node id: {info.node_id}\npublic key: {info.public_key}")
    console.print(f"TLS certificate (partners pin it): {cert}")


@app.command()
@handle_errors
def serve(host: str | None = None, port: int | None = None) -> None:
    """Run the node's API (HTTPS with the node certificate unless LIAISON_TLS=false),
    the federation courier and the match worker (each unless switched off)."""
    import uvicorn

    from liaison.api.app import create_app

    config = settings()
    logs.configure(config)  # LIAISON_LOG_FORMAT: text or one JSON object per line
    node = open_node()  # fails here, clearly, if the node is not initialised
    cert = key = None
    if config.tls:
        cert = str(ensure_certificate(config.tls_cert_path, config.tls_key_path, node.ctx.name))
        key = str(config.tls_key_path)
    app_ = create_app(config, node, workers=True)
    took = node.matching.warm()  # the first /match after a restart loads nothing
    print(f"{node.ctx.name}: name analyser loaded in {took:.1f} s", flush=True)
    _tune_gc()  # after warm(): the analyser's objects are frozen out of the collector's way
    print(listening(node.ctx.name, host or config.host, port or config.port, cert), flush=True)
    url = base_url(host or config.host, port or config.port, cert is not None)
    logging.getLogger("liaison.serve").info("serving on %s", url, extra={"url": url})
    uvicorn.run(
        app_,
        host=host or config.host,
        port=port or config.port,
        ssl_certfile=cert,
        ssl_keyfile=key,
        log_level="warning",
        log_config=None,  # uvicorn's lines go through liaison.logs' handler
        access_log=False,  # its access line has the query string; liaison.requests has not
    )


def base_url(host: str, port: int, tls: bool) -> str:
    where = f"[{host}]" if ":" in host else host
    return f"{'https' if tls else 'http'}://{where}:{port}/"


def listening(name: str, host: str, port: int, cert: str | None) -> str:
    """What ``serve`` says before it serves: where, and with which certificate
    (its SHA-256 fingerprint, to compare before accepting it in a browser)."""
    url = base_url(host, port, cert is not None)
    if cert is None:
        return f"{name}: serving on {url} (web; API under /api/v1/), no TLS"
    pem = Path(cert).read_text()
    return (
        f"{name}: serving on {url} (web; API under /api/v1/)\n"
        f"  certificate {cert}\n  SHA-256 {fingerprint(pem)}"
    )


def _tune_gc() -> None:
    """A serving node allocates many short-lived objects per batch (parsed JSON,
    records, rows): collecting the young generation every 50,000 allocations
    instead of 700, with what start-up made frozen out of the collector's way,
    cut the receiver's work per record by about a fifth (measured in-process,
    121 → 95 µs)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


def main() -> None:
    app()
