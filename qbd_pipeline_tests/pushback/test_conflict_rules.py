"""The seeds' conflict table: each entity's rule, with the same field edited on both sides between syncs."""

import logging
import re
from decimal import Decimal

import dagster as dg
import pytest

from qbd_pipeline.emulator.reference_lists import ref_id
from qbd_pipeline.sync.merge import canon
from qbd_pipeline_tests.conftest import END_USER, sdk_client
from qbd_pipeline_tests.quickbooks.pull_helpers import control, pull

from .helpers import changes, conflicts, loaded, push, row, sql

EU = {"conductor_end_user_id": END_USER}
QBD_EARLIER, QBD_LATER = "2026-11-02T05:10:00+00:00", "2027-01-01T00:00:00+00:00"  # the WMS edits happen "now"

# entity, SDK resource, SDK field, WMS column, QuickBooks value, WMS value, QuickBooks edited later?, winner, rule
CASES = [
    ("customers", "customers", "phone", "phone", "555-1001", "555-2002", False, "qbd", "qbd_wins"),
    ("vendors", "vendors", "phone", "phone", "555-1001", "555-2002", True, "qbd", "latest_wins"),
    ("vendors", "vendors", "phone", "phone", "555-1001", "555-2002", False, "wms", "latest_wins"),
    ("items", "inventory_items", "sales_price", "sales_price", "11.00", "22.00", False, "wms", "latest_wins"),
    ("items", "inventory_items", "sales_price", "sales_price", "11.00", "22.00", True, "qbd", "latest_wins"),
    ("sales_orders", "sales_orders", "memo", "memo", "from QuickBooks", "from the WMS", True, "wms", "wms_wins"),
    ("purchase_orders", "purchase_orders", "memo", "memo", "from QuickBooks", "from the WMS", False, "wms",
     "latest_wins"),
]



@pytest.mark.parametrize("entity,attr,field,column,qbd_value,wms_value,qbd_later,winner,rule", CASES,
                         ids=[f"{c[0]}-{c[7]}" for c in CASES])
def test_a_field_changed_on_both_sides(server, wms, entity, attr, field, column, qbd_value, wms_value, qbd_later,
                                       winner, rule):
    loaded(server, wms)
    client = sdk_client(server)
    resource = getattr(client.qbd, attr)
    record = resource.list(limit=1, **EU).data[0]
    control(server, "POST", "clock", now=QBD_LATER if qbd_later else QBD_EARLIER)
    resource.update(record.id, revision_number=record.revision_number, **{field: qbd_value}, **EU)
    sql(wms, f"UPDATE {entity} SET {column} = :v WHERE qbd_id = :q", v=wms_value, q=record.id)

    instance = dg.DagsterInstance.ephemeral()
    result = push(server, wms, instance=instance)
    assert result.success
    expected = wms_value if winner == "wms" else qbd_value
    assert getattr(resource.retrieve(record.id, **EU), field) == expected  # QuickBooks
    stored = row(wms, entity, qbd_id=record.id)[column]
    assert canon(stored) == canon(Decimal(expected) if isinstance(stored, Decimal) else expected)  # WMS
    decided = [c for c in conflicts(wms) if c["field"] == column]
    assert [(c["entity"], c["qbd_id"], c["winner"], c["rule"]) for c in decided] == [(entity, record.id, winner, rule)]
    assert [c["status"] for c in changes(wms)] == ["pushed"]

    # The run's page names it: a WARNING line with the field, both values, the winner and the rule, and a table.
    said = "the WMS wins" if winner == "wms" else "QuickBooks wins"
    wms_shown, qbd_shown = (re.escape(v).replace(r"\.00", r"(\.0+)?") for v in (wms_value, qbd_value))
    line = re.compile(rf'^conflict: {entity}\.{column} of {record.id}, WMS row {decided[0]["row_id"]}: '
                      rf'WMS "{wms_shown}" vs QuickBooks "{qbd_shown}" -> {said} \(rule {rule}\)$')
    warnings = [e.user_message for e in instance.all_logs(result.run_id) if e.level == logging.WARNING]
    assert [m for m in warnings if line.match(m)], warnings
    [output] = [e for e in result.all_events if e.event_type_value == "STEP_OUTPUT" and e.step_key == f"push_{entity}"]
    table = output.event_specific_data.metadata["conflicts_decided"].value
    assert all(text in table for text in (column, record.id, said, rule)), table
    assert re.search(rf'"{wms_shown}".*"{qbd_shown}"', table), table


def test_customer_contact_details_changed_only_in_the_wms_still_go_to_quickbooks(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    customer = client.qbd.customers.list(limit=1, **EU).data[0]
    control(server, "POST", "clock", now=QBD_EARLIER)
    client.qbd.customers.update(customer.id, revision_number=customer.revision_number, phone="555-1001", **EU)
    sql(wms, "UPDATE customers SET phone = '555-2002', email = 'only.wms@example.com', shipping_city = 'Fargo' "
             "WHERE qbd_id = :q", q=customer.id)
    assert push(server, wms).success
    after = client.qbd.customers.retrieve(customer.id, **EU)
    assert (after.phone, after.email, after.shipping_address.city) == ("555-1001", "only.wms@example.com", "Fargo")
    assert [(c["field"], c["winner"]) for c in conflicts(wms)] == [("phone", "qbd")]


def test_a_pull_that_arrives_first_never_loses_the_pending_wms_edit(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    order = client.qbd.sales_orders.list(limit=1, **EU).data[0]
    control(server, "POST", "clock", now=QBD_EARLIER)
    client.qbd.sales_orders.update(order.id, revision_number=order.revision_number, memo="from QuickBooks",
                                   shipping_date="2026-11-20", **EU)
    sql(wms, "UPDATE sales_orders SET memo = 'from the WMS' WHERE qbd_id = :q", q=order.id)
    assert pull(server, wms, "2026-11-02").success  # the pull runs before the push
    merged = row(wms, "sales_orders", qbd_id=order.id)
    assert merged["memo"] == "from the WMS"  # the WMS edit survived the pull
    assert str(merged["shipping_date"]) == "2026-11-20"  # QuickBooks' other edit arrived
    assert push(server, wms).success
    after = client.qbd.sales_orders.retrieve(order.id, **EU)
    assert (after.memo, str(after.shipping_date)) == ("from the WMS", "2026-11-20")
    assert row(wms, "sales_orders", qbd_id=order.id)["memo"] == "from the WMS"


def test_invoice_edits_in_the_wms_are_skipped_with_a_reason(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    invoice = client.qbd.invoices.list(limit=1, **EU).data[0]
    sql(wms, "UPDATE invoices SET memo = 'edited in the WMS' WHERE qbd_id = :q", q=invoice.id)
    assert push(server, wms).success
    assert client.qbd.invoices.retrieve(invoice.id, **EU).memo == invoice.memo
    [change] = changes(wms)
    assert change["status"] == "skipped" and "QuickBooks to the WMS only" in change["last_error"]


def test_an_inventory_adjustment_is_pushed_once_as_a_quantity_difference(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    item = client.qbd.inventory_items.list(limit=1, **EU).data[0]
    sql(wms, "INSERT INTO inventory_adjustments (transaction_date, account_qbd_id, memo) "
             "VALUES ('2026-11-03', :a, 'cycle count')", a=ref_id("account", "Inventory Adjustments"))
    header = row(wms, "inventory_adjustments", memo="cycle count")
    sql(wms, "INSERT INTO inventory_adjustment_lines (header_id, line_number, item_qbd_id, quantity_difference) "
            "VALUES (:h, 1, :i, -3)", h=header["id"], i=item.id)
    # The answer to the create is lost after QuickBooks committed it; the run must not create it twice.
    control(server, "POST", "faults", kind="drop_after_commit", method="POST", path_contains="/inventory-adjustments")
    assert push(server, wms).success
    assert push(server, wms).success  # and a second run changes nothing
    pushed = row(wms, "inventory_adjustments", id=header["id"])
    made = [a for a in client.qbd.inventory_adjustments.list(**EU).data if a.external_id == pushed["external_id"]]
    assert len(made) == 1 and made[0].id == pushed["qbd_id"]
    assert [ln.quantity_difference for ln in made[0].lines] == [-3]
    assert client.qbd.inventory_items.retrieve(item.id, **EU).quantity_on_hand == item.quantity_on_hand - 3
    assert float(row(wms, "items", qbd_id=item.id)["quantity_on_hand"]) == item.quantity_on_hand - 3  # flowed back
    assert {c["status"] for c in changes(wms)} == {"pushed"}
