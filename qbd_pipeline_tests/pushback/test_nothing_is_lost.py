"""Edge cases where an edit could be lost, duplicated or resurrected (each one failed before its fix)."""

import sqlalchemy as sa

from qbd_pipeline.conductor import client as client_module
from qbd_pipeline.wms.schema import sync_snapshots
from qbd_pipeline_tests.conftest import END_USER, sdk_client
from qbd_pipeline_tests.quickbooks.pull_helpers import pull

from .helpers import changes, loaded, push, row, sql

EU = {"conductor_end_user_id": END_USER}


def test_an_upsert_by_the_wms_is_captured_as_an_update_not_a_phantom_insert(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    customer = client.qbd.customers.list(limit=1, **EU).data[0]
    sql(wms, "INSERT INTO customers (company, qbd_id, name, full_name, is_active, phone) "
             "VALUES (:c, :q, :n, :n, true, '555-0123') "
             "ON CONFLICT (company, qbd_id) DO UPDATE SET phone = excluded.phone", c=END_USER, q=customer.id,
        n=customer.name)
    assert [(c["operation"], c["changed_fields"]) for c in changes(wms)] == [("update", "phone")]
    assert push(server, wms).success
    after = client.qbd.customers.retrieve(customer.id, **EU)
    assert (after.phone, after.is_active) == ("555-0123", True)


def test_a_wms_edit_made_while_the_push_is_in_flight_is_kept_and_pushed_next(server, wms, monkeypatch):
    loaded(server, wms)
    client = sdk_client(server)
    vendor = client.qbd.vendors.list(limit=1, **EU).data[0]
    sql(wms, "UPDATE vendors SET phone = '555-0001' WHERE qbd_id = :q", q=vendor.id)
    original = client_module.QuickBooks.call

    def call_while_the_warehouse_edits(self, method, path, body=None, params=None):
        if method == "post":
            sql(wms, "UPDATE vendors SET email = 'during@example.com' WHERE qbd_id = :q", q=vendor.id)
        return original(self, method, path, body, params)

    monkeypatch.setattr(client_module.QuickBooks, "call", call_while_the_warehouse_edits)
    assert push(server, wms).success
    monkeypatch.setattr(client_module.QuickBooks, "call", original)
    assert row(wms, "vendors", qbd_id=vendor.id)["email"] == "during@example.com"  # not overwritten
    assert [c["status"] for c in changes(wms)] == ["pushed", "pending"]
    assert push(server, wms).success
    after = client.qbd.vendors.retrieve(vendor.id, **EU)
    assert (after.phone, after.email) == ("555-0001", "during@example.com")


def test_a_pull_does_not_bring_back_a_row_whose_delete_is_pending(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    order = client.qbd.sales_orders.list(limit=1, **EU).data[0]
    sql(wms, "DELETE FROM sales_orders WHERE qbd_id = :q", q=order.id)
    assert pull(server, wms).success  # the first partition again: the order is in its window
    with wms.engine().connect() as connection:
        from qbd_pipeline.wms.schema import TABLES
        header = TABLES["sales_orders"][0]
        assert connection.execute(sa.select(header).where(header.c.qbd_id == order.id)).first() is None
    assert push(server, wms).success
    deleted = client.qbd.deleted_transactions.list(transaction_types=["sales_order"], **EU).data
    assert order.id in {d.id for d in deleted}


def test_a_new_wms_record_named_like_one_already_synced_fails_instead_of_hijacking_it(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    existing = client.qbd.vendors.list(limit=1, **EU).data[0]
    sql(wms, "INSERT INTO vendors (name, is_active, phone) VALUES (:n, true, '555-0999')", n=existing.name)
    assert push(server, wms).success
    [change] = changes(wms)
    assert change["status"] == "failed" and "already has" in change["last_error"]
    assert client.qbd.vendors.retrieve(existing.id, **EU).phone == existing.phone


def test_a_dry_run_plans_a_new_customer_and_its_order_without_touching_the_ledger(server, wms):
    loaded(server, wms)
    item = sdk_client(server).qbd.inventory_items.list(limit=1, **EU).data[0]
    sql(wms, "INSERT INTO customers (name, full_name, is_active) VALUES ('Plan Co', 'Plan Co', true)")
    sql(wms, "INSERT INTO sales_orders (customer_name, transaction_date) VALUES ('Plan Co', '2026-11-02')")
    sql(wms, "INSERT INTO sales_order_lines (header_id, line_number, item_qbd_id, quantity) "
             "SELECT max(id), 1, :i, 1 FROM sales_orders", i=item.id)
    before = changes(wms)
    result = push(server, wms, dry_run=True, max_attempts=1)
    assert [p["action"] for p in result.output_for_node("push_customers")["plan"]] == ["create"]
    [order_plan] = result.output_for_node("push_sales_orders")["plan"]
    assert order_plan["action"] == "create" and order_plan["body"]["customerId"] == "<new customer Plan Co>"
    assert changes(wms) == before


def test_clearing_a_text_field_in_the_wms_clears_it_in_quickbooks(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    customer = next(c for c in client.qbd.customers.list(**EU).data if c.fax or c.phone)
    column = "fax" if customer.fax else "phone"
    sql(wms, f"UPDATE customers SET {column} = NULL WHERE qbd_id = :q", q=customer.id)
    assert push(server, wms).success
    assert getattr(client.qbd.customers.retrieve(customer.id, **EU), column) in ("", None)
    assert pull(server, wms).success and changes(wms, status="pending") == []


def test_without_an_agreed_version_a_wms_only_edit_still_wins(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    customer = client.qbd.customers.list(limit=1, **EU).data[0]
    with wms.engine().begin() as connection:
        connection.execute(sync_snapshots.delete())  # e.g. rows loaded before snapshots existed
    sql(wms, "UPDATE customers SET email = 'no-base@example.com' WHERE qbd_id = :q", q=customer.id)
    assert push(server, wms).success
    assert client.qbd.customers.retrieve(customer.id, **EU).email == "no-base@example.com"


def test_edits_to_quickbooks_owned_fields_are_skipped_with_a_reason_and_restored(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    item = client.qbd.inventory_items.list(limit=1, **EU).data[0]
    sql(wms, "UPDATE items SET quantity_on_hand = 99999 WHERE qbd_id = :q", q=item.id)
    assert push(server, wms).success
    [change] = changes(wms)
    assert change["status"] == "skipped" and "quantity_on_hand" in change["last_error"]
    assert float(row(wms, "items", qbd_id=item.id)["quantity_on_hand"]) == item.quantity_on_hand
    assert client.qbd.inventory_items.retrieve(item.id, **EU).quantity_on_hand == item.quantity_on_hand
