"""Reading the change ledger (`wms_changes`) for merges and loads."""

from collections import defaultdict

import sqlalchemy as sa

from ..wms.schema import wms_changes


def open_changes(connection: sa.Connection, entity: str, qbd_ids: list[str]) -> dict[str, list]:
    """Pending WMS changes of records, by `qbd_id`, oldest first."""
    if not qbd_ids:
        return {}
    grouped: dict[str, list] = defaultdict(list)
    for change in connection.execute(sa.select(wms_changes).where(
            wms_changes.c.entity == entity, wms_changes.c.status == "pending",
            wms_changes.c.qbd_id.in_(qbd_ids)).order_by(wms_changes.c.id)):
        grouped[change.qbd_id].append(change)
    return grouped


def deleted_in_wms(connection: sa.Connection, entity: str, qbd_ids: list[str]) -> set[str]:
    """Records the WMS deleted (whatever became of the delete): a pull never brings them back."""
    if not qbd_ids:
        return set()
    return set(connection.execute(sa.select(wms_changes.c.qbd_id).distinct().where(
        wms_changes.c.entity == entity, wms_changes.c.operation == "delete",
        wms_changes.c.qbd_id.in_(qbd_ids))).scalars())


def changed_fields(changes: list) -> set[str]:
    return {f for c in changes for f in (c.changed_fields or "").split(",") if f}
