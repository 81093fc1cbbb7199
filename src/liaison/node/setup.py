"""Create a node (data directory, database, key, first administrator) and open it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, insert, select

from liaison.audit.chain import Action
from liaison.audit.log import Clock, utcnow
from liaison.errors import Conflict, NotInitialised
from liaison.model.identity import NodeKey
from liaison.model.markings import Classification
from liaison.model.roles import Actor, Role
from liaison.node.context import NodeContext
from liaison.settings import Settings
from liaison.storage import migrate
from liaison.storage.db import make_engine
from liaison.storage.tables import node as node_table

SYSTEM = Actor(None, "system", Role.ADMINISTRATOR, Classification.UNCLASSIFIED, via="node")


@dataclass(frozen=True)
class NodeInfo:
    node_id: str
    name: str
    public_key: str


def init_node(settings: Settings, name: str | None = None, clock: Clock = utcnow) -> NodeInfo:
    """Create the data directory, the schema and the node key. Refuses to run twice."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url())
    try:
        migrate.upgrade(engine)
        with engine.begin() as conn:
            if conn.execute(select(node_table)).first() is not None:
                raise Conflict(f"node already initialised in {settings.resolved_database_url()}")
            key = _create_key(settings.key_path)
            created_key = settings.key_path
            info = NodeInfo(key.node_id, name or settings.node_name, key.public_key)
            conn.execute(
                insert(node_table).values(
                    id=1,
                    node_id=info.node_id,
                    name=info.name,
                    public_key=info.public_key,
                    audit_checkpoint_every=settings.audit_checkpoint_every,
                    created=clock(),
                )
            )
            context = NodeContext(
                settings, engine, key, info.name, clock, settings.audit_checkpoint_every
            )
            context.audit.start(conn)
            context.record(conn, SYSTEM, Action.NODE_INIT, info.node_id, name=info.name)
        return info
    except Exception:
        if "created_key" in locals():
            created_key.unlink(missing_ok=True)
        raise
    finally:
        engine.dispose()


def load_context(
    settings: Settings, clock: Clock = utcnow, engine: Engine | None = None
) -> NodeContext:
    """Open an initialised node; raise NotInitialised with the fix if it is not."""
    engine = engine or make_engine(settings.resolved_database_url())
    if not settings.key_path.exists():
        raise NotInitialised(f"no node key at {settings.key_path}; run `liaison init` first")
    key = NodeKey.from_pem(settings.key_path.read_bytes())
    if not migrate.is_current(engine):
        migrate.upgrade(engine)
    with engine.connect() as conn:
        row = conn.execute(select(node_table)).first()
    if row is None or row.node_id != key.node_id:
        raise NotInitialised(
            f"the database at {settings.resolved_database_url()} does not belong to the key "
            f"{settings.key_path}; run `liaison init`"
        )
    return NodeContext(settings, engine, key, row.name, clock, row.audit_checkpoint_every)


def _create_key(path: Path) -> NodeKey:
    if path.exists():
        raise Conflict(f"a node key already exists at {path}; refusing to overwrite it")
    key = NodeKey.generate()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key.to_pem())
    return key
