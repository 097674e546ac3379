"""The bulk writes store every value exactly as SQLAlchemy's own insert would, on both dialects
(SQLite keeps instants and decimals as text and numbers in one format, and SQL comparisons rely on
it), and the upsert's guard keeps the version read later."""

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import sqlalchemy as sa

from qbd_pipeline.sync.bulk import insert_rows, upsert_rows
from qbd_pipeline.wms.schema import TABLES

T = datetime(2026, 12, 3, 6, 0, tzinfo=timezone.utc)


def _item(qbd_id: str, **values) -> dict:
    row = {"company": "end_usr_bulk", "qbd_id": qbd_id, "qbd_revision_number": "1", "qbd_created_at": T,
           "qbd_updated_at": T,
           "qbd_read_at": T, "qbd_deleted_at": None, "synced_at": T + timedelta(microseconds=1234), "updated_at": T,
           "item_type": "inventory", "name": f"Item {qbd_id}", "full_name": f"Item {qbd_id}", "is_active": True,
           "sales_price": Decimal("12.50000"), "quantity_on_hand": Decimal("3.5"), "reorder_point": None}
    return {**row, **values}


def _stored(connection: sa.Connection, table: sa.Table, qbd_id: str) -> dict:
    """What the database holds, as the driver returns it (no type processing)."""
    names = [c.name for c in table.columns if c.name != "id"]
    row = connection.exec_driver_sql(f"SELECT {', '.join(names)} FROM {table.name} WHERE qbd_id = '{qbd_id}'").one()
    return dict(zip(names, row, strict=True))


def test_bulk_rows_are_stored_as_sqlalchemy_stores_them_and_the_guard_keeps_the_later_read(wms):
    items = TABLES["items"][0]
    with wms.engine().begin() as connection:
        connection.execute(items.insert(), [_item("BY-CORE")])
        upsert_rows(connection, items, [_item("BY-BULK")])
        by_core, by_bulk = _stored(connection, items, "BY-CORE"), _stored(connection, items, "BY-BULK")
        assert {name for name in by_core if by_core[name] != by_bulk[name]} == {"qbd_id", "name", "full_name"}
        # An older read never replaces a newer one; a newer one does.
        upsert_rows(connection, items, [_item("BY-BULK", name="older", full_name="older",
                                              qbd_read_at=T - timedelta(seconds=1))])
        upsert_rows(connection, items, [_item("BY-BULK", name="newer", full_name="newer",
                                              qbd_read_at=T + timedelta(seconds=1))])
        assert connection.execute(sa.select(items.c.name).where(items.c.qbd_id == "BY-BULK")).scalar() == "newer"
        orders, lines = TABLES["sales_orders"]
        header = connection.execute(orders.insert().values(qbd_id="SO-1", transaction_date=date(2026, 12, 3))
                                    .returning(orders.c.id)).scalar_one()
        line = {"header_id": header, "line_number": 1, "quantity": Decimal("2"), "rate": Decimal("1.25"),
                "updated_at": T}
        connection.execute(lines.insert(), [line])
        insert_rows(connection, lines, [{**line, "line_number": 2}])
        stored = connection.exec_driver_sql(
            "SELECT quantity, rate, updated_at FROM sales_order_lines ORDER BY line_number").all()
        assert stored[0] == stored[1]
