"""Fast multi-row INSERT for bulk import, part of the backend seam.

SQLAlchemy's per-row parameter processing costs more than the insert itself
when a million rows arrive. Here each column's bind processor (the same one
SQLAlchemy would use, so stored values are identical) is looked up once, and
the rows go to the driver's ``executemany`` as plain tuples: SQLite's C loop,
psycopg 3's pipelined ``executemany`` on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table, insert


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    columns = list(rows[0])
    dialect = conn.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=columns)
    names = list(compiled.positiontup) if compiled.positiontup is not None else columns
    pick = itemgetter(*names)
    processors = [
        (i, proc)
        for i, name in enumerate(names)
        if (proc := table.c[name].type._cached_bind_processor(dialect)) is not None
    ]
    params: list[Any] = []
    for row in rows:
        values = list(pick(row)) if len(names) > 1 else [pick(row)]
        for i, proc in processors:
            if values[i] is not None:
                values[i] = proc(values[i])
        params.append(
            tuple(values)
            if compiled.positiontup is not None
            else dict(zip(names, values, strict=True))
        )
    conn.exec_driver_sql(str(compiled), params)
