"""Fast multi-row INSERT for bulk import, part of the backend seam.

SQLAlchemy's per-row parameter processing costs more than the insert itself
when a million rows arrive. Here each column's bind processor (the same one
SQLAlchemy would use, so stored values are identical) is looked up once, and
the rows go to the driver as plain tuples: SQLite's ``executemany`` C loop,
and PostgreSQL's ``COPY ... FROM STDIN`` through psycopg 3, on the same
connection and so in the same transaction as the rest of the batch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, Any, TypeVar, cast

from sqlalchemy import Connection, Table, insert

if TYPE_CHECKING:
    import psycopg

T = TypeVar("T")


def chunks(items: Sequence[T], size: int = 500) -> Iterator[Sequence[T]]:
    """Slices of at most ``size`` items, to keep ``IN (...)`` lists bounded."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    columns = list(rows[0])
    if conn.dialect.name == "postgresql":
        _copy(conn, table, columns, _tuples(conn, table, columns, rows))
        return
    compiled = insert(table).compile(dialect=conn.dialect, column_keys=columns)
    if compiled.positiontup is None:  # named parameters: any other driver
        conn.execute(insert(table), list(rows))
        return
    order = list(compiled.positiontup)
    conn.exec_driver_sql(str(compiled), _tuples(conn, table, order, rows))


def _tuples(
    conn: Connection, table: Table, names: list[str], rows: Sequence[dict[str, Any]]
) -> list[tuple[Any, ...]]:
    pick = itemgetter(*names)
    found = [table.c[name].type._cached_bind_processor(conn.dialect) for name in names]
    processors: list[tuple[int, Callable[[Any], Any]]] = [
        (i, proc) for i, proc in enumerate(found) if proc is not None
    ]
    out: list[tuple[Any, ...]] = []
    for row in rows:
        values = list(pick(row)) if len(names) > 1 else [pick(row)]
        for i, proc in processors:
            if values[i] is not None:
                values[i] = proc(values[i])
        out.append(tuple(values))
    return out


def _copy(conn: Connection, table: Table, names: list[str], rows: list[tuple[Any, ...]]) -> None:
    raw = cast("psycopg.Connection[Any]", conn.connection.dbapi_connection)
    quoted = ", ".join(conn.dialect.identifier_preparer.quote(n) for n in names)
    with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({quoted}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


ANALYSED = ("records", "record_versions", "match_profiles", "match_keys", "match_key_counts")


def analyse(conn: Connection, tables: Sequence[str] = ANALYSED) -> None:
    """Refresh the planner's statistics of these tables after a bulk load. PostgreSQL
    had never analysed them after a 100,000-record import, and then scanned the whole
    of ``match_keys`` for every candidate query; SQLite keeps its statistics in
    ``sqlite_stat1`` the same way. Both accept the statement inside a transaction."""
    for table in tables:
        conn.exec_driver_sql(f"ANALYZE {table}")
