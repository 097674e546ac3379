"""Bulk writes per dialect: PostgreSQL COPYs into a staging table, SQLite takes executemany.

Upserts are keyed by `qbd_id` and guarded in SQL by `qbd_read_at`, so a stale fetch racing a newer
one can never replace it.
"""

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite


def _columns_of(table: sa.Table, rows: list[dict]) -> list[str]:
    present = set().union(*(r.keys() for r in rows))
    return [c.name for c in table.columns if c.name in present]


def _copy_to_stage(connection: sa.Connection, table: sa.Table, rows: list[dict], names: list[str]) -> str:
    """PostgreSQL: COPY the rows into a transaction-scoped staging copy of `table`."""
    from psycopg import sql

    stage = f"stage_{table.name}_{len(names)}"
    columns = sql.SQL(", ").join(map(sql.Identifier, names))
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor:
        # Only the columns being written, with no defaults (which would draw from the table's sequence).
        cursor.execute(sql.SQL("CREATE TEMP TABLE IF NOT EXISTS {} ON COMMIT DELETE ROWS AS "
                               "SELECT {} FROM {} WITH NO DATA").format(
            sql.Identifier(stage), columns, sql.Identifier(table.name)))
        cursor.execute(sql.SQL("TRUNCATE {}").format(sql.Identifier(stage)))
        with cursor.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(stage), columns)) as copy:
            for row in rows:
                copy.write_row([row.get(name) for name in names])
    return stage


def upsert_rows(connection: sa.Connection, table: sa.Table, rows: list[dict]) -> None:
    """Insert or update by `qbd_id`, never replacing a version read later than the one offered."""
    if not rows:
        return
    names = _columns_of(table, rows)
    updatable = [n for n in names if n not in ("id", "qbd_id")]
    if connection.dialect.name == "postgresql":
        stage = _copy_to_stage(connection, table, rows, names)
        source = sa.table(stage, *(sa.column(n) for n in names))
        statement = postgresql.insert(table).from_select(names, sa.select(*(source.c[n] for n in names)))
    else:
        statement = sqlite.insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=["qbd_id"],
        set_={name: statement.excluded[name] for name in updatable},
        where=sa.or_(table.c.qbd_read_at.is_(None), statement.excluded.qbd_read_at >= table.c.qbd_read_at),
    )
    if connection.dialect.name == "postgresql":
        connection.execute(statement)
    else:
        connection.execute(statement, rows)


def insert_rows(connection: sa.Connection, table: sa.Table, rows: list[dict]) -> None:
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        names = _columns_of(table, rows)
        stage = _copy_to_stage(connection, table, rows, names)
        connection.exec_driver_sql(
            f'INSERT INTO "{table.name}" ({", ".join(names)}) SELECT {", ".join(names)} FROM "{stage}"')
    else:
        connection.execute(table.insert(), rows)


def set_line_ids(connection: sa.Connection, lines_table: sa.Table, line_ids: dict[int, str], *,
                 only_unset: bool = False) -> None:
    """Give WMS line rows (by row id) their QuickBooks line ids, in one statement for all of them."""
    if not line_ids:
        return
    statement = lines_table.update().where(lines_table.c.id == sa.bindparam("b_id"))
    if only_unset:
        statement = statement.where(lines_table.c.qbd_line_id.is_(None))
    connection.execute(statement.values(qbd_line_id=sa.bindparam("b_line")),
                       [{"b_id": row_id, "b_line": line_id} for row_id, line_id in line_ids.items()])
