"""What the asset checks find, as plain functions of the WMS (and, for two of them, QuickBooks).

Each check sits on the asset whose data is wrong and says where the cause is: a record a pull could
not take is a finding of its own entity (never of the orders held back by it); an order naming a
customer the WMS lacks is the order's finding, and names the customer's pull error when there is
one. A fetch that failed is not a finding here: the materialization itself fails and says why.
Every finding is of one company file's records.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa

from ..conductor.fetch import Spool, count_records, fetch_window
from ..conductor.resource import ConductorResource
from ..spec.entities import ENTITIES_BY_NAME, QbdResource, resources_of
from ..spec.mapping import MAPPINGS, Col
from ..wms.schema import TABLES, sync_errors, wms_changes

SAMPLE = 10  # records named in a finding's metadata


@dataclass(frozen=True)
class Finding:
    passed: bool
    description: str
    count: int = 0
    sample: list[dict] = field(default_factory=list)
    figures: dict = field(default_factory=dict)


def _open_errors(connection: sa.Connection, entity: str, company: str,
                 qbd_ids: list[str] | None = None) -> dict[str, dict]:
    """Open pull errors of `entity` (only for `qbd_ids` when given): qbd_id -> the newest error."""
    query = sa.select(sync_errors.c.qbd_id, sync_errors.c.error_code, sync_errors.c.message,
                      sa.func.min(sync_errors.c.created_at).label("first_seen"),
                      sa.func.max(sync_errors.c.created_at).label("last_seen"),
                      sa.func.count().label("attempts")).where(
        sync_errors.c.company == company, sync_errors.c.entity == entity, sync_errors.c.resolved_at.is_(None),
        sync_errors.c.qbd_id.is_not(None)
    ).group_by(sync_errors.c.qbd_id, sync_errors.c.error_code, sync_errors.c.message).order_by(sync_errors.c.qbd_id)
    if qbd_ids is not None:
        query = query.where(sync_errors.c.qbd_id.in_(qbd_ids))
    found: dict[str, dict] = {}
    for row in connection.execute(query):
        known = found.get(row.qbd_id)
        if known is None or row.last_seen > known["last_seen"]:
            found[row.qbd_id] = row._asdict()
    return found


def pull_errors(connection: sa.Connection, entity: str, company: str) -> Finding:
    """Records QuickBooks sent that the WMS could not take and no later pull has accepted yet."""
    errors = _open_errors(connection, entity, company)
    sample = [{"qbd_id": qbd_id, "code": e["error_code"], "message": e["message"][:300],
               "first_seen": e["first_seen"].isoformat(timespec="seconds"), "attempts": e["attempts"]}
              for qbd_id, e in list(errors.items())[:SAMPLE]]
    if not errors:
        return Finding(True, f"every {entity} record QuickBooks sent is in the WMS")
    return Finding(False, f"{len(errors)} {entity} record(s) could not be synced from QuickBooks; each is read "
                          "again by id on every pull until it is accepted (sync_error_list has them all)",
                   len(errors), sample)


def failed_pushes(connection: sa.Connection, entity: str, company: str) -> Finding:
    """WMS changes the push gave up on: they wait for an operator (`wms_failed_changes`)."""
    rows = connection.execute(sa.select(wms_changes.c.id, wms_changes.c.row_id, wms_changes.c.qbd_id,
                                        wms_changes.c.attempts, wms_changes.c.last_error).where(
        wms_changes.c.entity == entity, sa.or_(wms_changes.c.company == company, wms_changes.c.company.is_(None)),
        wms_changes.c.status == "failed").order_by(wms_changes.c.id)).all()
    if not rows:
        return Finding(True, f"no {entity} change is waiting for an operator")
    sample = [{"change_id": r.id, "wms_row_id": r.row_id, "qbd_id": r.qbd_id, "attempts": r.attempts,
               "error": (r.last_error or "")[:300]} for r in rows[:SAMPLE]]
    return Finding(False, f"{len(rows)} {entity} WMS change(s) failed to reach QuickBooks; retry or dismiss them "
                          "with the job wms_failed_changes", len(rows), sample)


def reference_columns(entity: str) -> list[tuple[bool, Col]]:
    """(on a line?, column) of every reference the entity's rows make to a synced record."""
    mapping = MAPPINGS[entity]
    found = [(False, c) for c in mapping.columns if c.refers_to]
    if mapping.lines is not None:
        found += [(True, c) for c in mapping.lines.columns if c.refers_to]
    return found


def orphan_references(connection: sa.Connection, entity: str, company: str) -> Finding:
    """Rows (and lines) naming a customer, vendor or item by QuickBooks id that the WMS does not hold."""
    header, lines = TABLES[entity]
    total, sample, by_column = 0, [], {}
    for on_line, column in reference_columns(entity):
        table = TABLES[column.refers_to][0]
        target = table.alias("referenced")  # an alias: customers name their parent customer
        source = lines if on_line else header
        value = source.c[column.name]
        # The company is a constant on both sides (not a correlation): the lookup stays one index probe
        # per reference on (company, qbd_id).
        query = sa.select(header.c.id, header.c.qbd_id, value.label("missing")).where(
            header.c.company == company, value.is_not(None),
            ~sa.exists().where(target.c.company == company, target.c.qbd_id == value))
        if on_line:
            query = query.select_from(source.join(header, header.c.id == source.c.header_id))
        rows = connection.execute(query.order_by(header.c.id)).all()
        if not rows:
            continue
        where = f"{source.name}.{column.name}"
        by_column[where] = len(rows)
        total += len(rows)
        causes = _open_errors(connection, column.refers_to, company, sorted({r.missing for r in rows[:SAMPLE]}))
        for r in rows[:SAMPLE - len(sample)]:
            cause = causes.get(r.missing)
            sample.append({"wms_row_id": r.id, "qbd_id": r.qbd_id, "column": where, "missing": r.missing,
                           "cause": f"its pull failed: {cause['error_code']}: {cause['message'][:200]}" if cause
                           else f"not in the WMS table {table.name}"})
    if not total:
        return Finding(True, f"every reference of {entity} names a record the WMS holds")
    failed_targets = sum(1 for s in sample if s["cause"].startswith("its pull failed"))
    hint = (f"; {failed_targets} of those shown name a record whose own pull failed: see that asset's "
            "no_sync_errors check") if failed_targets else "; the next pull of the referenced entity should bring them"
    return Finding(False, f"{total} {entity} reference(s) name a record missing from the WMS{hint}", total, sample,
                   by_column)


def total_column(entity: str) -> str | None:
    """The header column QuickBooks sums the line amounts into, if the entity has one."""
    resource = resources_of(entity)[0]
    mapping = MAPPINGS[entity]
    if resource.txn is None or not resource.txn.priced_lines or mapping.lines is None:
        return None
    names = set(mapping.column_names)
    if "subtotal" in resource.txn.totals and "subtotal" in names:
        return "subtotal"
    if "totalAmount" in resource.txn.totals and "total_amount" in names:
        return "total_amount"
    return None


def totals_against_lines(connection: sa.Connection, entity: str, company: str) -> Finding:
    """Each synced order's total equals the sum of its lines' amounts (rows with WMS edits in flight aside)."""
    column = total_column(entity)
    header, lines = TABLES[entity]
    in_flight = sa.exists().where(wms_changes.c.entity == entity, wms_changes.c.row_id == header.c.id,
                                  wms_changes.c.status.in_(("pending", "failed")))
    summed = sa.func.round(sa.func.coalesce(sa.func.sum(lines.c.amount), 0), 2)  # SQLite sums in floats
    rows = connection.execute(
        sa.select(header.c.id, header.c.qbd_id, header.c.ref_number, header.c[column].label("total"),
                  summed.label("lines")).select_from(header.outerjoin(lines, lines.c.header_id == header.c.id))
        .where(header.c.company == company, header.c.qbd_id.is_not(None), header.c.qbd_deleted_at.is_(None),
               ~in_flight)
        .group_by(header.c.id, header.c.qbd_id, header.c.ref_number, header.c[column])
        .having(summed != sa.func.round(sa.func.coalesce(header.c[column], 0), 2)).order_by(header.c.id)).all()
    if not rows:
        return Finding(True, f"every {entity} {column} equals the sum of its lines")
    sample = [{"wms_row_id": r.id, "qbd_id": r.qbd_id, "ref_number": r.ref_number, column: str(r.total),
               "sum_of_lines": str(r.lines)} for r in rows[:SAMPLE]]
    return Finding(False, f"{len(rows)} {entity} row(s) whose {column} differs from the sum of their lines",
                   len(rows), sample)


def _wms_count(connection: sa.Connection, entity: str, qbd: QbdResource, company: str) -> int:
    header = TABLES[entity][0]
    query = sa.select(sa.func.count()).select_from(header).where(
        header.c.company == company, header.c.qbd_id.is_not(None), header.c.qbd_deleted_at.is_(None))
    if qbd.item_type is not None:
        query = query.where(header.c.item_type == qbd.item_type)
    return connection.execute(query).scalar_one()


def row_counts(conductor: ConductorResource, engine: sa.Engine, entity: str) -> Finding:
    """QuickBooks' record count per object type against the WMS rows that mirror it (one request each)."""
    figures, off = {}, []
    for qbd in resources_of(entity):
        in_quickbooks = count_records(conductor, qbd)
        with engine.connect() as connection:
            in_wms = _wms_count(connection, entity, qbd, conductor.end_user_id)
        figures[qbd.path] = {"quickbooks": in_quickbooks, "wms": in_wms}
        if in_quickbooks != in_wms:
            off.append(f"{qbd.path}: QuickBooks {in_quickbooks:,}, the WMS {in_wms:,}")
    with engine.connect() as connection:
        waiting = len(_open_errors(connection, entity, conductor.end_user_id))
    if not off:
        return Finding(True, f"QuickBooks and the WMS hold the same number of {entity} records", figures=figures)
    why = f" ({waiting} record(s) could not be synced: see no_sync_errors)" if waiting else (
        " (records changed since the last pull arrive with the next one; a lasting difference calls for qbd_reconcile)")
    difference = sum(abs(f["quickbooks"] - f["wms"]) for f in figures.values())
    return Finding(False, "; ".join(off) + why, difference, figures=figures)


def stock_parity(conductor: ConductorResource, engine: sa.Engine, entity: str) -> Finding:
    """Every stock item's quantity on hand in the WMS equals QuickBooks' (every stock item listed)."""
    header = TABLES[entity][0]
    checked, sample, count, requests = 0, [], 0, 0
    for qbd in (r for r in resources_of(entity) if r.holds_stock):
        with Spool() as spool:
            stats = fetch_window(conductor, qbd, None, None, spool)  # whole, then compared: no cursor waits
            spool.finish()
            requests += stats.requests
            for batch, _times in spool.batches(500):
                quickbooks = {r["id"]: r.get("quantityOnHand") for r in batch}
                with engine.connect() as connection:
                    wms = dict(connection.execute(sa.select(header.c.qbd_id, header.c.quantity_on_hand).where(
                        header.c.company == conductor.end_user_id, header.c.qbd_id.in_(list(quickbooks)))).all())
                for qbd_id, on_hand in quickbooks.items():
                    if qbd_id not in wms:
                        continue  # a missing row is the row-count check's finding
                    checked += 1
                    ours = wms[qbd_id]
                    if (ours is None) != (on_hand is None) or (ours is not None and float(ours) != float(on_hand)):
                        count += 1
                        if len(sample) < SAMPLE:
                            sample.append({"qbd_id": qbd_id, "item_type": qbd.item_type,
                                           "wms": None if ours is None else str(ours), "quickbooks": on_hand})
    figures = {"items_checked": checked, "api_requests": requests}
    if not count:
        return Finding(True, f"quantity on hand agrees for all {checked:,} stock items", figures=figures)
    return Finding(False, f"{count} of {checked:,} stock items differ in quantity on hand (the next pull of "
                          "their transactions re-reads them; a lasting difference calls for qbd_reconcile)",
                   count, sample, figures)


def has_stock(entity: str) -> bool:
    return any(r.holds_stock for r in resources_of(entity))


def pushes(entity: str) -> bool:
    return ENTITIES_BY_NAME[entity].direction == "both"
