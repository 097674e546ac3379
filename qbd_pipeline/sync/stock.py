"""Stock figures of items touched by transactions, refreshed from QuickBooks.

QuickBooks computes `quantityOnHand`, `quantityOnSalesOrder` and `quantityOnPurchaseOrder`; they
change when adjustments and orders are posted without a new revision or `updatedAt` on the item,
so an incremental pull of items never sees them. After transactions are pulled or pushed, the stock
items their lines name are read again by id and only those QuickBooks-owned columns are updated.
"""

import sqlalchemy as sa

from ..conductor.client import QuickBooks
from ..spec.entities import RESOURCES, RESOURCES_BY_PATH
from ..spec.mapping import ITEMS
from ..wms.schema import TABLES
from ..wms.triggers import sync_writer
from .convert import flat_lines, map_columns

STOCK_COLUMNS = ("quantity_on_hand", "quantity_on_purchase_order", "quantity_on_sales_order", "average_cost")
STOCK_TYPES = {r.item_type: r.path for r in RESOURCES if r.holds_stock}  # item_type -> path


def item_ids_in(records: list[dict]) -> set[str]:
    """Item ids named by the lines of raw transaction records."""
    found = set()
    for record in records:
        found.update(line["item"]["id"] for line in flat_lines(record) if (line.get("item") or {}).get("id"))
    return found


def refresh_stock(quickbooks: QuickBooks, engine: sa.Engine, item_ids: set[str], *, company: str) -> int:
    """Re-read the stock items among `item_ids` (one `ids` listing per item type) and update their
    stock columns; returns rows updated."""
    if not item_ids:
        return 0
    items = TABLES["items"][0]
    with engine.connect() as connection:
        known = connection.execute(sa.select(items.c.qbd_id, items.c.item_type).where(
            items.c.company == company, items.c.qbd_id.in_(sorted(item_ids)),
            items.c.item_type.in_(list(STOCK_TYPES)))).all()
    by_path: dict[str, list[str]] = {}
    for qbd_id, item_type in known:
        by_path.setdefault(STOCK_TYPES[item_type], []).append(qbd_id)
    columns = tuple(c for c in ITEMS.columns if c.name in STOCK_COLUMNS)
    updates = []
    for path, ids in by_path.items():
        for record in quickbooks.retrieve_many(RESOURCES_BY_PATH[path], ids):
            updates.append({"b_qbd_id": record["id"], **map_columns(columns, record)})
    if not updates:
        return 0
    with engine.begin() as connection, sync_writer(connection):
        connection.execute(items.update().where(items.c.company == company, items.c.qbd_id == sa.bindparam("b_qbd_id"))
                           .values({name: sa.bindparam(name) for name in STOCK_COLUMNS}), updates)
    return len(updates)
