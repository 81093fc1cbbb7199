"""Storage: engines, tables, migrations, and the SQL that reads and writes them."""

from liaison.storage.db import make_engine
from liaison.storage.migrate import upgrade

__all__ = ["make_engine", "upgrade"]
