"""Fast multi-row INSERT for bulk import, part of the backend seam.

SQLAlchemy's per-row parameter processing costs more than the insert itself
when a million rows arrive. Here each column's bind processor (the same one
SQLAlchemy would use, so stored values are identical) is looked up once, and
the rows go to the driver's ``executemany`` as plain tuples: SQLite's C loop,
psycopg 3's pipelined ``executemany`` on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, Table, insert

Processor = Callable[[Any], Any] | None


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    columns = list(rows[0])
    dialect = conn.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=columns)
    processors: list[Processor] = [
        table.c[name].type._cached_bind_processor(dialect) for name in columns
    ]
    if compiled.positiontup is not None:  # qmark / format: positional
        order = [columns.index(name) for name in compiled.positiontup]
        params: list[Any] = [
            tuple(_apply(processors[i], row[columns[i]]) for i in order) for row in rows
        ]
    else:
        params = [
            {name: _apply(processors[i], row[name]) for i, name in enumerate(columns)}
            for row in rows
        ]
    conn.exec_driver_sql(str(compiled), params)


def _apply(processor: Processor, value: Any) -> Any:
    return value if processor is None or value is None else processor(value)
