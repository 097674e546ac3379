"""A failure is listed once per record, and it is over when the record is: fixed in the WMS and pushed,
or failed again by a newer change, without anyone dismissing it."""

from datetime import datetime, timezone

import sqlalchemy as sa

from qbd_pipeline_tests.conftest import END_USER, sdk_client
from qbd_pipeline_tests.quickbooks.pull_helpers import control

from .helpers import changes, loaded, push, row, sql

EU = {"conductor_end_user_id": END_USER}
UNKNOWN_ITEM = "8000FFFF-1700000000"


def _error_list(wms) -> list[dict]:
    with wms.engine().connect() as connection:
        return [dict(r._mapping) for r in connection.execute(sa.text("SELECT * FROM sync_error_list"))]


def _instant(value) -> datetime:
    """A view's timestamp: SQLite returns the stored UTC text."""
    return datetime.fromisoformat(value).replace(tzinfo=timezone.utc) if isinstance(value, str) else value


def _new_order_with_a_bad_line(server, wms) -> int:
    """An order the WMS makes with a line naming an item QuickBooks does not have: two captured
    changes (the order's insert and the update its line adds)."""
    customer = sdk_client(server).qbd.customers.list(limit=1, **EU).data[0]
    sql(wms, "INSERT INTO sales_orders (company, customer_qbd_id, transaction_date, memo) "
             "VALUES (:c, :q, '2026-11-20', 'bad line order')", c=END_USER, q=customer.id)
    order = row(wms, "sales_orders", memo="bad line order")["id"]
    sql(wms, "INSERT INTO sales_order_lines (header_id, line_number, item_qbd_id, quantity, rate) "
             "VALUES (:h, 1, :i, 2, 5)", h=order, i=UNKNOWN_ITEM)
    return order


def test_an_order_with_a_bad_line_is_listed_once_and_closes_itself_once_fixed_and_pushed(server, wms):
    loaded(server, wms)
    order = _new_order_with_a_bad_line(server, wms)
    assert len(changes(wms, entity="sales_orders", row_id=order)) == 2
    assert push(server, wms).output_for_node("push_sales_orders")["failed"] == 1

    listed = [e for e in _error_list(wms) if e["entity"] == "sales_orders"]
    assert len(listed) == 1, listed  # one record, one failure (not one per captured trigger row)
    assert listed[0]["wms_row_id"] == order and listed[0]["code"] == "REFERENCE_UNKNOWN"
    assert UNKNOWN_ITEM in listed[0]["message"] and "3140" in listed[0]["message"]  # QuickBooks' answer
    first, newest = changes(wms, entity="sales_orders", row_id=order)
    assert (first["status"], newest["status"]) == ("superseded", "failed")
    assert first["last_error"].startswith(f"superseded by change {newest['id']} of the same record")
    assert UNKNOWN_ITEM in first["last_error"]  # what it failed with is kept
    assert _instant(listed[0]["first_seen_at"]) == first["changed_at"]  # when the record's trouble began

    item = sdk_client(server).qbd.inventory_items.list(limit=1, **EU).data[0]
    sql(wms, "UPDATE sales_order_lines SET item_qbd_id = :i WHERE header_id = :h", i=item.id, h=order)
    assert push(server, wms).output_for_node("push_sales_orders")["created"] == 1
    assert [e for e in _error_list(wms) if e["entity"] == "sales_orders"] == []  # gone, nobody dismissed it
    statuses = [c["status"] for c in changes(wms, entity="sales_orders", row_id=order)]
    assert statuses == ["superseded", "resolved", "pushed"]
    resolved = changes(wms, entity="sales_orders", row_id=order)[1]
    assert resolved["last_error"].startswith(f"resolved: change {resolved['id'] + 1} of the same record reached "
                                             "QuickBooks in run ")
    qbd_id = row(wms, "sales_orders", id=order)["qbd_id"]
    assert sdk_client(server).qbd.sales_orders.retrieve(qbd_id, **EU).lines[0].item.id == item.id
    with wms.engine().connect() as connection:
        failed = connection.execute(sa.text(
            "SELECT failed_changes FROM sync_status WHERE entity = 'sales_orders' AND direction = 'push'")).scalar()
    assert failed == 0


def test_a_record_that_fails_again_keeps_one_failure_the_newest(server, wms):
    loaded(server, wms)
    vendor = sdk_client(server).qbd.vendors.list(limit=1, **EU).data[0]
    control(server, "POST", "faults", kind="server_error", count=100, method="POST", path_contains="/vendors")
    for phone in ("555-0101", "555-0102", "555-0103"):  # three edits, each failing for good
        sql(wms, "UPDATE vendors SET phone = :p WHERE qbd_id = :q", p=phone, q=vendor.id)
        push(server, wms, max_attempts=1, backoff_seconds=0)
    control(server, "DELETE", "faults")
    assert [c["status"] for c in changes(wms, entity="vendors")] == ["superseded", "superseded", "failed"]
    [listed] = _error_list(wms)
    assert listed["source_id"] == changes(wms, entity="vendors")[-1]["id"] and "500" in listed["message"]
