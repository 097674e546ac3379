"""Failure handling that loses nothing: stale revisions, unknown outcomes, rejections, offline, retries."""

import httpx

from qbd_pipeline.conductor import client as client_module
from qbd_pipeline_tests.conftest import END_USER, sdk_client
from qbd_pipeline_tests.quickbooks.pull_helpers import HEADERS, control

from .helpers import changes, loaded, push, row, sql

EU = {"conductor_end_user_id": END_USER}



def test_a_stale_revision_makes_the_push_merge_again_and_nothing_is_lost(server, wms, monkeypatch):
    loaded(server, wms)
    client = sdk_client(server)
    vendor = client.qbd.vendors.list(limit=1, **EU).data[0]
    sql(wms, "UPDATE vendors SET email = 'wms@example.com' WHERE qbd_id = :q", q=vendor.id)
    original = client_module.QuickBooks.retrieve
    edited = []

    def retrieve_then_someone_edits(self, qbd, qbd_id):
        record = original(self, qbd, qbd_id)
        if not edited:  # a person edits the vendor in QuickBooks between our read and our update
            edited.append(client.qbd.vendors.update(qbd_id, revision_number=record["revisionNumber"],
                                                    fax="555-0300", **EU))
        return record

    monkeypatch.setattr(client_module.QuickBooks, "retrieve", retrieve_then_someone_edits)
    assert push(server, wms).success
    log = httpx.get(f"{server.root_url}/_emulator/requests", headers=HEADERS).json()["data"]
    updates = [e for e in log if e["method"] == "POST" and vendor.id in e["path"]]
    assert [e["status"] for e in updates] == [200, 502, 200]  # the person's edit, our stale one, our retry
    after = client.qbd.vendors.retrieve(vendor.id, **EU)
    assert (after.email, after.fax) == ("wms@example.com", "555-0300")  # both edits kept
    assert row(wms, "vendors", qbd_id=vendor.id)["fax"] == "555-0300"


def test_a_create_whose_answer_is_lost_is_not_duplicated(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    sql(wms, "INSERT INTO vendors (name, is_active) VALUES ('Lost Answer Supply', true)")
    control(server, "POST", "faults", kind="drop_after_commit", method="POST", path_contains="/vendors")
    assert push(server, wms).success
    found = client.qbd.vendors.list(name_from="lost answer supply", name_to="lost answer supply", **EU).data
    assert len(found) == 1
    assert row(wms, "vendors", name="Lost Answer Supply")["qbd_id"] == found[0].id
    assert [c["status"] for c in changes(wms)] == ["pushed"]


def test_a_rejected_change_is_failed_with_quickbooks_message_and_the_rest_goes_on(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    order = client.qbd.sales_orders.list(limit=1, **EU).data[0]
    customer = client.qbd.customers.list(limit=1, **EU).data[0]
    bad = row(wms, "sales_orders", qbd_id=order.id)
    # An item the WMS holds, which a person has since deleted in QuickBooks: only QuickBooks can say no.
    gone = _an_item_deleted_in_quickbooks(server, client)
    sql(wms, "UPDATE sales_order_lines SET item_qbd_id = :i WHERE header_id = :h AND line_number = 1",
        i=gone, h=bad["id"])
    sql(wms, "UPDATE customers SET phone = '555-0909' WHERE qbd_id = :q", q=customer.id)
    result = push(server, wms)
    assert result.success
    by_entity = {c["entity"]: c for c in changes(wms)}
    assert by_entity["sales_orders"]["status"] == "failed"
    assert "3140" in by_entity["sales_orders"]["last_error"] and gone in by_entity["sales_orders"]["last_error"]
    assert by_entity["sales_orders"]["error_code"] == "REFERENCE_UNKNOWN"  # QuickBooks' 3140, in the catalogue
    assert by_entity["sales_orders"]["request_id"].startswith("req_")  # traceable on Conductor's side
    assert by_entity["customers"]["status"] == "pushed"
    assert client.qbd.customers.retrieve(customer.id, **EU).phone == "555-0909"
    assert result.output_for_node("push_sales_orders")["failed"] == 1


def test_quickbooks_offline_leaves_changes_pending_and_marks_nothing_failed(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    customer = client.qbd.customers.list(limit=1, **EU).data[0]
    sql(wms, "UPDATE customers SET phone = '555-0606' WHERE qbd_id = :q", q=customer.id)
    control(server, "POST", "faults", kind="qbd_offline", count=50)
    result = push(server, wms, raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert "offline" in failure.event_specific_data.user_failure_data.description
    [change] = changes(wms)
    assert (change["status"], change["attempts"], change["claimed_by"]) == ("pending", 0, None)
    httpx.delete(f"{server.root_url}/_emulator/faults", headers=HEADERS)
    assert push(server, wms).success  # the next run pushes it
    assert client.qbd.customers.retrieve(customer.id, **EU).phone == "555-0606"


def test_transient_failures_back_off_and_end_failed_after_the_last_attempt(server, wms):
    loaded(server, wms)
    sql(wms, "INSERT INTO vendors (name, is_active) VALUES ('Flaky Network Co', true)")
    control(server, "POST", "faults", kind="server_error", count=100, path_contains="/vendors")
    config = {"max_attempts": 3, "backoff_seconds": 60}
    push(server, wms, **config)
    [change] = changes(wms)
    assert (change["status"], change["attempts"]) == ("pending", 1)
    assert change["next_attempt_at"] > change["changed_at"]
    for _ in range(3):  # make it due again and retry, up to max_attempts=3
        sql(wms, "UPDATE wms_changes SET next_attempt_at = changed_at")
        push(server, wms, **config)
    [change] = changes(wms)
    assert change["attempts"] == 3 and change["status"] == "failed" and "500" in change["last_error"]


def _an_item_deleted_in_quickbooks(server, client) -> str:
    """An item no transaction uses, deleted in QuickBooks as a person can (the WMS still holds it)."""
    for resource, path in (("service_items", "service-items"), ("non_inventory_items", "non-inventory-items"),
                           ("other_charge_items", "other-charge-items"), ("inventory_items", "inventory-items")):
        for item in getattr(client.qbd, resource).list(**EU).data:
            answer = httpx.delete(f"{server.root_url}/_emulator/records/{path}/{item.id}", headers=HEADERS)
            if answer.status_code == 200:
                return item.id
    raise AssertionError("every item is in use")
