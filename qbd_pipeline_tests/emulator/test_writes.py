"""Writes as QuickBooks does them: revisions, validation, references, lines, totals, stock, deletes."""

import conductor
import httpx
import pytest

from qbd_pipeline.emulator.reference_lists import ref_id
from qbd_pipeline_tests.conftest import END_USER, SECRET_KEY

HEADERS = {"Authorization": f"Bearer {SECRET_KEY}", "Conductor-End-User-Id": END_USER}
EU = {"conductor_end_user_id": END_USER}


def _first(client, attr: str, **params):
    return getattr(client.qbd, attr).list(limit=1, **EU, **params).data[0]


def _clock(server, **body) -> None:
    assert httpx.post(f"{server.root_url}/_emulator/clock", json=body, headers=HEADERS).status_code == 200


def test_update_bumps_revision_and_updated_at_and_a_stale_revision_is_refused(server, client):
    _clock(server, now="2026-08-01T09:00:00-05:00")
    customer = client.qbd.customers.create(name="Revision Test Co", phone="555-0101", **EU)
    assert customer.updated_at == customer.created_at == "2026-08-01T09:00:00-05:00"
    _clock(server, advance_seconds=90)
    updated = client.qbd.customers.update(customer.id, revision_number=customer.revision_number,
                                          phone="555-0102", **EU)
    assert updated.phone == "555-0102"
    assert updated.revision_number != customer.revision_number
    assert updated.updated_at == "2026-08-01T09:01:30-05:00" and updated.created_at == customer.created_at
    with pytest.raises(conductor.InternalServerError) as caught:
        client.qbd.customers.update(customer.id, revision_number=customer.revision_number, phone="555-0103", **EU)
    error = caught.value.body["error"]
    assert caught.value.status_code == 502
    assert (error["type"], error["code"], error["integrationCode"]) == ("INTEGRATION_ERROR", "QBD_REQUEST_ERROR",
                                                                         "3200")
    assert customer.revision_number in error["message"]
    assert client.qbd.customers.retrieve(customer.id, **EU).phone == "555-0102"


def test_invalid_bodies_get_invalid_request_errors(server):
    url = f"{server.base_url}/quickbooks-desktop/customers"
    cases = [
        ({"name": "A" * 42}, 'Too big: expected string to have <=41 characters at "name"'),
        ({"name": "Ok", "billingAddress": {"Line1": "x"}}, 'Unrecognized key: "Line1" at "billingAddress"'),
        ({"name": 5}, 'expected string, received number at "name"'),
        ({}, '"name"'),
    ]
    for body, expected in cases:
        response = httpx.post(url, json=body, headers=HEADERS)
        assert response.status_code == 400, body
        error = response.json()["error"]
        assert error["type"] == "INVALID_REQUEST_ERROR"
        assert expected in error["message"], error["message"]
    assert httpx.post(url, json={"name": "A" * 41}, headers=HEADERS).status_code == 200


def test_names_are_unique_and_references_must_exist(server, client):
    existing = _first(client, "customers")
    with pytest.raises(conductor.InternalServerError) as dup:
        client.qbd.customers.create(name=existing.full_name.upper(), **EU)
    assert dup.value.body["error"]["integrationCode"] == "3100"
    client.qbd.customers.create(name="Shared Namespace Ltd", **EU)
    with pytest.raises(conductor.InternalServerError) as shared_namespace:
        client.qbd.vendors.create(name="shared namespace ltd", **EU)
    assert shared_namespace.value.body["error"]["integrationCode"] == "3100"
    with pytest.raises(conductor.InternalServerError) as bad_ref:
        client.qbd.sales_orders.create(customer_id="80FFFFFF-1700000000", transaction_date="2026-05-01",
                                       lines=[{"item_id": _first(client, "inventory_items").id}], **EU)
    assert bad_ref.value.body["error"]["integrationCode"] == "3140"


def test_jobs_get_full_names_and_renaming_the_parent_renames_them(server, client):
    parent = client.qbd.customers.create(name="Parent Holdings", **EU)
    job = client.qbd.customers.create(name="Warehouse Fit-out", parent_id=parent.id, **EU)
    assert (job.full_name, job.sublevel, job.parent.id) == ("Parent Holdings:Warehouse Fit-out", 1, parent.id)
    client.qbd.customers.update(parent.id, revision_number=parent.revision_number, name="Parent Group", **EU)
    assert client.qbd.customers.retrieve(job.id, **EU).full_name == "Parent Group:Warehouse Fit-out"


def test_sales_order_lines_totals_and_line_replacement(server, client):
    customer = _first(client, "customers")
    a, b = client.qbd.inventory_items.list(limit=2, **EU).data
    order = client.qbd.sales_orders.create(
        customer_id=customer.id, transaction_date="2026-05-02", ref_number="T-1001",
        lines=[{"item_id": a.id, "quantity": 3, "rate": "2.50"}, {"item_id": b.id, "quantity": 1, "amount": "7.00"}],
        **EU)
    assert [line.amount for line in order.lines] == ["7.50", "7.00"]
    assert (order.subtotal, order.total_amount) == ("14.50", "14.50")
    assert order.customer.full_name == customer.full_name
    assert order.billing_address.model_dump() == customer.billing_address.model_dump()
    kept = order.lines[0]
    updated = client.qbd.sales_orders.update(
        order.id, revision_number=order.revision_number,
        lines=[{"id": kept.id, "quantity": 4}, {"id": "-1", "item_id": b.id, "quantity": 2, "rate": "1.25"}], **EU)
    assert updated.lines[0].id == kept.id
    assert len(updated.lines) == 2 and order.lines[1].id not in {line.id for line in updated.lines}
    assert [line.amount for line in updated.lines] == ["10.00", "2.50"]
    assert updated.total_amount == "12.50"
    memo_only = client.qbd.sales_orders.update(order.id, revision_number=updated.revision_number, memo="hi", **EU)
    assert [line.id for line in memo_only.lines] == [line.id for line in updated.lines]  # omitted array: kept


def test_adjustments_and_open_orders_move_stock(server, client):
    item = client.qbd.inventory_items.create(
        name="Stock Probe", income_account_id=ref_id("account", "Sales"),
        cogs_account_id=ref_id("account", "Cost of Goods Sold"), asset_account_id=ref_id("account", "Inventory Asset"),
        quantity_on_hand=10, **EU)
    adjustment = client.qbd.inventory_adjustments.create(
        account_id=ref_id("account", "Inventory Adjustments"), transaction_date="2026-05-03",
        lines=[{"item_id": item.id, "adjust_quantity": {"quantity_difference": -4}}], **EU)
    assert adjustment.lines[0].quantity_difference == -4
    assert client.qbd.inventory_items.retrieve(item.id, **EU).quantity_on_hand == 6
    client.qbd.inventory_adjustments.create(
        account_id=ref_id("account", "Inventory Adjustments"), transaction_date="2026-05-03",
        lines=[{"item_id": item.id, "adjust_quantity": {"new_quantity": 20}}], **EU)
    assert client.qbd.inventory_items.retrieve(item.id, **EU).quantity_on_hand == 20
    client.qbd.inventory_adjustments.void(adjustment.id, **EU)
    assert client.qbd.inventory_items.retrieve(item.id, **EU).quantity_on_hand == 24
    order = client.qbd.sales_orders.create(customer_id=_first(client, "customers").id, transaction_date="2026-05-04",
                                           lines=[{"item_id": item.id, "quantity": 5}], **EU)
    assert client.qbd.inventory_items.retrieve(item.id, **EU).quantity_on_sales_order == 5
    client.qbd.sales_orders.delete(order.id, **EU)
    assert client.qbd.inventory_items.retrieve(item.id, **EU).quantity_on_sales_order == 0


def test_deletes_and_voids_reach_the_deleted_feeds(server, client):
    order = _first(client, "sales_orders")
    assert client.qbd.sales_orders.delete(order.id, **EU).deleted is True
    with pytest.raises(conductor.InternalServerError):
        client.qbd.sales_orders.retrieve(order.id, **EU)
    feed = client.qbd.deleted_transactions.list(transaction_types=["sales_order"], **EU).data
    assert [(d.id, d.ref_number) for d in feed] == [(order.id, order.ref_number)]
    invoice = _first(client, "invoices")
    voided = client.qbd.invoices.void(invoice.id, **EU)
    assert voided.voided is True
    after = client.qbd.invoices.retrieve(invoice.id, **EU)
    assert after.subtotal == "0.00" and after.memo.startswith("VOID")
    # A person deletes an unused list object in QuickBooks.
    vendor = client.qbd.vendors.create(name="Short Lived Vendor", **EU)
    response = httpx.delete(f"{server.root_url}/_emulator/records/vendors/{vendor.id}", headers=HEADERS)
    assert response.status_code == 200, response.text
    deleted = client.qbd.deleted_list_objects.list(object_types=["vendor"], **EU).data
    assert [(d.id, d.full_name, d.list_type) for d in deleted] == [(vendor.id, "Short Lived Vendor", "vendor")]
    used = order.customer.id
    refused = httpx.delete(f"{server.root_url}/_emulator/records/customers/{used}", headers=HEADERS)
    assert refused.status_code == 502  # still referenced by other transactions
    assert refused.json()["error"]["integrationCode"] == "3170"
