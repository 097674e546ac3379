"""Edge cases QuickBooks and Conductor refuse or handle in a particular way."""

import time

import conductor
import httpx
import pytest

from qbd_pipeline.emulator.reference_lists import ref_id
from qbd_pipeline.emulator.server import EmulatorServer
from qbd_pipeline_tests.conftest import END_USER, SECRET_KEY, small_config

from .spec_check import SpecChecker

HEADERS = {"Authorization": f"Bearer {SECRET_KEY}", "Conductor-End-User-Id": END_USER}
EU = {"conductor_end_user_id": END_USER}


def _qbd_code(excinfo) -> str:
    return excinfo.value.body["error"]["integrationCode"]


def test_a_record_cannot_become_its_own_ancestor(server, client):
    top = client.qbd.customers.create(name="Cycle Top", **EU)
    child = client.qbd.customers.create(name="Cycle Child", parent_id=top.id, **EU)
    for parent in (top.id, child.id):
        with pytest.raises(conductor.InternalServerError) as caught:
            client.qbd.customers.update(top.id, revision_number=top.revision_number, parent_id=parent, **EU)
        assert caught.value.status_code == 502 and _qbd_code(caught) == "3140"
    assert client.qbd.customers.retrieve(top.id, **EU).full_name == "Cycle Top"


@pytest.mark.parametrize("name", ["a:b", " ", ""])
def test_list_names_must_be_non_empty_and_without_colons(server, client, name):
    with pytest.raises(conductor.APIStatusError):
        client.qbd.vendors.create(name=name, **EU)


def test_renaming_a_parent_is_a_modification_of_its_children(server, client):
    parent = client.qbd.customers.create(name="Rename Parent", **EU)
    job = client.qbd.customers.create(name="Rename Job", parent_id=parent.id, **EU)
    httpx.post(f"{server.root_url}/_emulator/clock", json={"now": "2026-09-01T12:00:00-05:00"}, headers=HEADERS)
    renamed = client.qbd.customers.update(parent.id, revision_number=parent.revision_number, name="Renamed", **EU)
    after = client.qbd.customers.list(updated_after=renamed.updated_at, status="all", **EU).data
    moved = next(c for c in after if c.id == job.id)
    assert moved.full_name == "Renamed:Rename Job" and moved.revision_number != job.revision_number


def test_adjust_value_lines_conform_and_carry_a_value_difference(server, client, openapi_spec):
    item = client.qbd.inventory_items.list(limit=1, **EU).data[0]
    response = httpx.post(f"{server.base_url}/quickbooks-desktop/inventory-adjustments", headers=HEADERS, json={
        "accountId": ref_id("account", "Inventory Adjustments"), "transactionDate": "2026-05-30",
        "lines": [{"itemId": item.id, "adjustValue": {"newQuantity": 50, "newValue": "1000.00"}}]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert SpecChecker(openapi_spec).response_errors("/quickbooks-desktop/inventory-adjustments", "post", body) == []
    line = body["lines"][0]
    assert line["quantityDifference"] == 50 - item.quantity_on_hand
    expected_value = 1000.0 - float(item.average_cost) * item.quantity_on_hand
    assert line["valueDifference"] == pytest.approx(expected_value)


def test_create_rules(server, client):
    customer = client.qbd.customers.list(limit=1, **EU).data[0]
    with pytest.raises(conductor.BadRequestError):
        client.qbd.sales_orders.create(customer_id=customer.id, transaction_date="2026-05-01", **EU)
    with pytest.raises(conductor.BadRequestError):
        client.qbd.service_items.create(name="No Details", **EU)
    with pytest.raises(conductor.BadRequestError) as caught:
        client.qbd.customers.create(name="Bad Credit", credit_limit="lots", **EU)
    assert "creditLimit" in caught.value.body["error"]["message"]


@pytest.mark.parametrize("params", [
    {"updatedAfter": "20260501"}, {"updatedAfter": "2026-W18"}, {"updatedBefore": "2026-05-01 10:00"},
    {"transactionDateFrom": "garbage"}, {"totalBalance": "abc"},
])
def test_bad_filter_values_are_400(shared_server, params):
    path = "sales-orders" if "transactionDateFrom" in params else "customers"
    response = httpx.get(f"{shared_server.base_url}/quickbooks-desktop/{path}", params=params, headers=HEADERS)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["type"] == "INVALID_REQUEST_ERROR"


def test_bad_deleted_feed_values_are_400(shared_server):
    url = f"{shared_server.base_url}/quickbooks-desktop/deleted-transactions"
    for params in ({"transactionTypes": "bogus"}, {"transactionTypes": "invoice", "deletedAfter": "garbage"}):
        assert httpx.get(url, params=params, headers=HEADERS).status_code == 400


def test_every_response_has_the_envelope_and_request_id(shared_server):
    responses = [
        httpx.put(f"{shared_server.base_url}/quickbooks-desktop/customers", headers=HEADERS),
        httpx.patch(f"{shared_server.base_url}/quickbooks-desktop/customers/x", headers=HEADERS),
        httpx.post(f"{shared_server.root_url}/_emulator/clock", json={"now": 5}, headers=HEADERS),
        httpx.get(f"{shared_server.base_url}/nothing-here", headers=HEADERS),
    ]
    for response in responses:
        assert 400 <= response.status_code < 500, response.text
        assert response.headers["Conductor-Request-Id"].startswith("req_")
        assert set(response.json()["error"]) >= {"message", "type", "code", "httpStatusCode", "requestId"}


def test_latency_does_not_expire_a_cursor_request_that_arrived_in_time():
    with EmulatorServer(small_config(cursor_ttl_seconds=1.0, end_user_ids=(END_USER,))) as server:
        client = conductor.Conductor(api_key=SECRET_KEY, base_url=server.base_url, max_retries=0)
        first = client.qbd.customers.list(limit=5, **EU)
        httpx.post(f"{server.root_url}/_emulator/faults", headers=HEADERS,
                   json={"kind": "latency", "seconds": 1.5, "path_contains": "customers"})
        second = first.get_next_page()
        assert second.data and {c.id for c in second.data}.isdisjoint({c.id for c in first.data})


def test_a_cursor_sent_to_another_resource_leaves_its_listing_alive(shared_server, shared_client):
    first = shared_client.qbd.customers.list(limit=5, **EU)
    wrong = httpx.get(f"{shared_server.base_url}/quickbooks-desktop/vendors",
                      params={"cursor": first.next_cursor, "limit": 5}, headers=HEADERS)
    assert wrong.status_code == 400
    assert first.get_next_page().data


def test_requests_to_one_company_file_are_answered_one_at_a_time(server):
    import threading

    httpx.post(f"{server.root_url}/_emulator/faults", headers=HEADERS,
               json={"kind": "latency", "seconds": 0.8, "path_contains": "/vendors"})
    slow = threading.Thread(target=lambda: httpx.get(f"{server.base_url}/quickbooks-desktop/vendors",
                                                     headers=HEADERS, timeout=30))
    slow.start()
    time.sleep(0.2)
    began = time.monotonic()
    httpx.get(f"{server.base_url}/quickbooks-desktop/health-check", headers=HEADERS, timeout=30)
    queued_for = time.monotonic() - began
    slow.join()
    assert queued_for >= 0.4  # it waited behind the slow request to the same company file
