"""Reading the change ledger (`wms_changes`) for merges and loads, and closing failures that are over."""

from collections import defaultdict
from datetime import datetime

import sqlalchemy as sa

from ..wms.schema import wms_changes
from .bulk import any_of


def open_changes(connection: sa.Connection, entity: str, qbd_ids: list[str], *, company: str) -> dict[str, list]:
    """Pending WMS changes of a company file's records, by `qbd_id`, oldest first."""
    if not qbd_ids:
        return {}
    grouped: dict[str, list] = defaultdict(list)
    for change in connection.execute(sa.select(wms_changes).where(
            wms_changes.c.entity == entity, wms_changes.c.company == company, wms_changes.c.status == "pending",
            any_of(connection, wms_changes.c.qbd_id, qbd_ids)).order_by(wms_changes.c.id)):
        grouped[change.qbd_id].append(change)
    return grouped


def deleted_in_wms(connection: sa.Connection, entity: str, qbd_ids: list[str], *, company: str) -> set[str]:
    """Records the WMS deleted (whatever became of the delete): a pull never brings them back."""
    if not qbd_ids:
        return set()
    return set(connection.execute(sa.select(wms_changes.c.qbd_id).distinct().where(
        wms_changes.c.entity == entity, wms_changes.c.company == company, wms_changes.c.operation == "delete",
        any_of(connection, wms_changes.c.qbd_id, qbd_ids))).scalars())


def changed_fields(changes: list) -> set[str]:
    return {f for c in changes for f in (c.changed_fields or "").split(",") if f}


class _AllFields(frozenset):
    """A newer insert or delete, or an update naming no fields: treat every field as changed."""


ALL_FIELDS = _AllFields({"*"})


def newer_fields(connection: sa.Connection, entity: str, row_id: int, after_change: int) -> set[str]:
    """The fields (and `lines`) the WMS changed in changes newer than `after_change`."""
    rows = connection.execute(sa.select(wms_changes.c.operation, wms_changes.c.changed_fields).where(
        wms_changes.c.entity == entity, wms_changes.c.row_id == row_id, wms_changes.c.id > after_change)).all()
    fields: set[str] = set()
    for operation, names in rows:
        if operation != "update" or not names:
            return ALL_FIELDS
        fields.update(f for f in names.split(",") if f)
    return fields


def link_changes(connection: sa.Connection, entity: str, row_id: int, qbd_id: str, *, company: str) -> None:
    """Change rows recorded before the row had its QuickBooks id (a create in flight) get it now, and
    its company file (a row the WMS made without naming one)."""
    connection.execute(wms_changes.update().where(
        wms_changes.c.entity == entity, wms_changes.c.row_id == row_id, wms_changes.c.qbd_id.is_(None)).values(
        qbd_id=qbd_id, company=company))
    connection.execute(wms_changes.update().where(
        wms_changes.c.entity == entity, wms_changes.c.row_id == row_id, wms_changes.c.company.is_(None)).values(
        company=company))


def lock_record(connection: sa.Connection, header: sa.Table, lines: sa.Table | None, row_ids: list[int] | None = None,
                *, qbd_ids: list[str] | None = None, company: str | None = None) -> None:
    """Hold WMS writers of these records (header and lines) off until this transaction ends.

    PostgreSQL: the header rows and their lines `FOR UPDATE` (a lock on the header alone does not stop
    an UPDATE or DELETE of a line). SQLite: its one write lock, taken before anything is read.
    """
    if connection.dialect.name != "postgresql":
        connection.exec_driver_sql("UPDATE sync_context SET sync_writer = sync_writer WHERE id = 1")
        return
    where = (any_of(connection, header.c.id, row_ids) if row_ids is not None
             else sa.and_(header.c.company == company, any_of(connection, header.c.qbd_id, qbd_ids or [])))
    ids = connection.execute(
        sa.select(header.c.id).where(where).order_by(header.c.id).with_for_update()).scalars().all()
    if lines is not None and ids:
        connection.execute(sa.select(lines.c.id).where(any_of(connection, lines.c.header_id, ids)).order_by(lines.c.id)
                           .with_for_update())


RESOLVED, SUPERSEDED = "resolved", "superseded"


def close_earlier_failures(connection: sa.Connection, entity: str, row_id: int, newest: int | None, *, reached: bool,
                           run_id: str, now: datetime, how: str | None = None) -> int:
    """One failure per record, and none once the record is fine: the record's `failed` changes older
    than `newest` (all of them when None) are closed, keeping what they failed with after the reason.

    `reached`: the record's state as of change `newest` reached QuickBooks (pushed, skipped because
    QuickBooks already agrees, or found there by a pull), so the older failures are `resolved`;
    otherwise change `newest` failed too and stands for the record, so they are `superseded` by it.
    A record's changes are pushed together as its current state, so nothing an older change carried
    is lost by closing it. Returns how many were closed.
    """
    if reached:
        status = RESOLVED
        said = how or f"resolved: change {newest} of the same record reached QuickBooks in run {run_id}"
    else:
        status, said = SUPERSEDED, f"superseded by change {newest} of the same record, which failed too"
    note = f"{said} at {now.isoformat(timespec='seconds')}; it had failed with: "
    older = [] if newest is None else [wms_changes.c.id < newest]
    return connection.execute(wms_changes.update().where(
        wms_changes.c.entity == entity, wms_changes.c.row_id == row_id, wms_changes.c.status == "failed",
        *older).values(
        status=status, handled_at=now, claimed_by=None, claimed_at=None,
        last_error=sa.func.substr(sa.literal(note) + sa.func.coalesce(wms_changes.c.last_error, "-"), 1, 4000),
    )).rowcount
