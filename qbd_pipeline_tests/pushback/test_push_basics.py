"""WMS changes reach QuickBooks: edits, a new customer with its order in one run, and no echo."""

import sqlalchemy as sa

from qbd_pipeline.wms.schema import sync_runs
from qbd_pipeline_tests.conftest import END_USER, sdk_client
from qbd_pipeline_tests.quickbooks.pull_helpers import pull

from .helpers import changes, loaded, push, row, sql

EU = {"conductor_end_user_id": END_USER}


def test_a_wms_edit_reaches_quickbooks_and_does_not_echo_back(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    customer = client.qbd.customers.list(limit=1, **EU).data[0]
    sql(wms, "UPDATE customers SET phone = '555-0142', billing_city = 'Duluth' WHERE qbd_id = :q", q=customer.id)
    pending = changes(wms, status="pending")
    assert [(c["entity"], c["operation"]) for c in pending] == [("customers", "update")]
    assert set(pending[0]["changed_fields"].split(",")) == {"phone", "billing_city"}

    result = push(server, wms)
    assert result.success
    output = next(e for e in result.events_for_node("push_customers") if e.event_type_value == "STEP_OUTPUT")
    report = output.event_specific_data.metadata["report"].value.splitlines()
    assert [cell.strip() for cell in report[2].split("|")[1:4]] == ["customers", "1", "0"]  # pushed 1, created 0
    after = client.qbd.customers.retrieve(customer.id, **EU)
    assert (after.phone, after.billing_address.city) == ("555-0142", "Duluth")
    assert after.billing_address.line1 == customer.billing_address.line1  # the rest of the address kept
    assert [c["status"] for c in changes(wms)] == ["pushed"]
    with wms.engine().connect() as connection:  # the push's ledger row: one record claimed and handled
        ledger = connection.execute(sa.select(sync_runs).where(
            sync_runs.c.direction == "push", sync_runs.c.entity == "customers")).one()
    assert (ledger.status, ledger.total, ledger.processed, ledger.inserted, ledger.updated) == ("success", 1, 1, 0, 1)
    stored = row(wms, "customers", qbd_id=customer.id)
    assert stored["qbd_revision_number"] == after.revision_number
    # The push's own write-back, and the next pull, are not WMS changes.
    assert pull(server, wms).success
    assert changes(wms, status="pending") == []
    assert push(server, wms).output_for_node("push_customers")["pushed"] == 0


def test_a_new_customer_and_an_order_for_it_arrive_in_one_run(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    item = client.qbd.inventory_items.list(limit=1, **EU).data[0]
    sql(wms, "INSERT INTO customers (name, full_name, is_active, email) VALUES "
             "('Fresh Start Ltd', 'Fresh Start Ltd', true, 'hello@fresh.example')")
    sql(wms, "INSERT INTO sales_orders (customer_name, transaction_date, ref_number, memo) "
             "VALUES ('Fresh Start Ltd', '2026-11-02', 'WMS-1', 'first order')")
    order_id = row(wms, "sales_orders", ref_number="WMS-1")["id"]
    sql(wms, "INSERT INTO sales_order_lines (header_id, line_number, item_qbd_id, quantity, rate) "
             "VALUES (:h, 1, :i, 3, 4.50)", h=order_id, i=item.id)

    result = push(server, wms)
    assert result.success
    customer = row(wms, "customers", name="Fresh Start Ltd")
    order = row(wms, "sales_orders", id=order_id)
    assert customer["qbd_id"] and order["qbd_id"] and order["customer_qbd_id"] == customer["qbd_id"]
    made = client.qbd.sales_orders.retrieve(order["qbd_id"], **EU)
    assert (made.customer.id, made.ref_number, made.memo) == (customer["qbd_id"], "WMS-1", "first order")
    assert [(ln.item.id, ln.quantity, ln.rate, ln.amount) for ln in made.lines] == [(item.id, 3, "4.50", "13.50")]
    assert made.external_id == order["external_id"]
    assert client.qbd.customers.retrieve(customer["qbd_id"], **EU).email == "hello@fresh.example"
    assert {c["status"] for c in changes(wms)} == {"pushed"}
    assert str(order["total_amount"]) in ("13.50", "13.5")  # QuickBooks' figures came back to the WMS
