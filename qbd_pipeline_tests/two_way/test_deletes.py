"""Deletes on either side reach the other, and nothing deleted ever comes back as a new row."""

import dagster as dg
import httpx
import pytest
import sqlalchemy as sa

from qbd_pipeline.spec.entities import ENTITIES
from qbd_pipeline.wms.schema import TABLES, sync_snapshots
from qbd_pipeline_tests.conftest import END_USER, sdk_client
from qbd_pipeline_tests.pushback.helpers import changes, conflicts, loaded, push, row, sql
from qbd_pipeline_tests.quickbooks.pull_helpers import HEADERS, control, metadata, pull, resources

EU = {"conductor_end_user_id": END_USER}


def _rows(wms, entity: str, **where) -> list[dict]:
    table = TABLES[entity][0]
    with wms.engine().connect() as connection:
        return [r._asdict() for r in connection.execute(
            sa.select(table).where(*(table.c[k] == v for k, v in where.items())))]


@pytest.mark.parametrize("entity,attr,create", [
    ("vendors", "vendors", {"name": "Gone Vendor Supply"}),
    ("customers", "customers", {"name": "Gone Customer Ltd"}),
    ("items", "service_items", {"name": "Gone Service",
                                "sales_or_purchase_details": {"posting_account_id": None}}),
])
def test_a_list_object_deleted_in_the_wms_is_made_inactive_and_never_comes_back(server, wms, entity, attr, create):
    client = sdk_client(server)
    resource = getattr(client.qbd, attr)
    control(server, "POST", "clock", now="2026-10-31T12:00:00+00:00")
    if entity == "items":
        account = client.qbd.service_items.list(limit=1, **EU).data[0]
        details = account.sales_or_purchase_details or account.sales_and_purchase_details
        posting = getattr(details, "posting_account", None) or details.income_account
        create = {"name": "Gone Service", "sales_or_purchase_details": {"posting_account_id": posting.id}}
    record = resource.create(**create, **EU)
    loaded(server, wms)
    sql(wms, f"DELETE FROM {entity} WHERE qbd_id = :q", q=record.id)
    control(server, "POST", "clock", now="2026-11-02T05:10:00+00:00")
    assert push(server, wms).success
    assert resource.retrieve(record.id, **EU).is_active is False
    hour = pull(server, wms, "2026-11-02")  # the deactivation is in this window
    assert metadata(hour, entity)["fetched"] >= 1
    assert _rows(wms, entity, qbd_id=record.id) == []
    assert changes(wms, status="pending") == []


def test_an_order_deleted_in_quickbooks_is_marked_deleted_in_the_wms_and_a_later_edit_does_not_revive_it(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    order = next(o for o in client.qbd.sales_orders.list(**EU).data if o.lines)
    control(server, "POST", "clock", now="2026-11-02T05:10:00+00:00")
    client.qbd.sales_orders.delete(order.id, **EU)
    hour = pull(server, wms, "2026-11-02")
    assert metadata(hour, "sales_orders")["deleted"] == 1
    kept = row(wms, "sales_orders", qbd_id=order.id)
    assert kept["qbd_deleted_at"] is not None
    assert len(_rows(wms, "sales_orders", qbd_id=order.id)) == 1
    with wms.engine().connect() as connection:
        lines = connection.execute(sa.text("SELECT count(*) FROM sales_order_lines WHERE header_id = :h"),
                                   {"h": kept["id"]}).scalar()
        snapshot = connection.execute(sa.select(sync_snapshots).where(sync_snapshots.c.qbd_id == order.id)).first()
    assert lines == len(order.lines) and snapshot is None
    httpx.delete(f"{server.root_url}/_emulator/requests", headers=HEADERS)
    sql(wms, "UPDATE sales_orders SET memo = 'too late' WHERE qbd_id = :q", q=order.id)
    assert push(server, wms).success
    writes = [e for e in httpx.get(f"{server.root_url}/_emulator/requests", headers=HEADERS).json()["data"]
              if e["method"] != "GET"]
    assert writes == []  # nothing re-created, nothing sent
    [change] = changes(wms)
    assert change["status"] == "skipped" and "deleted in QuickBooks" in change["last_error"]
    assert [(c["field"], c["winner"], c["rule"]) for c in conflicts(wms)] == [
        ("(record)", "qbd", "deleted_in_quickbooks")]
    assert pull(server, wms, "2026-11-02").success  # re-running changes nothing
    assert len(_rows(wms, "sales_orders", qbd_id=order.id)) == 1


def test_a_pending_wms_edit_of_a_record_quickbooks_deleted_is_recorded_as_a_conflict(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    order = client.qbd.purchase_orders.list(limit=1, **EU).data[0]
    sql(wms, "UPDATE purchase_orders SET memo = 'edited in the WMS' WHERE qbd_id = :q", q=order.id)
    control(server, "POST", "clock", now="2026-11-02T05:10:00+00:00")
    client.qbd.purchase_orders.delete(order.id, **EU)
    assert pull(server, wms, "2026-11-02").success
    [change] = changes(wms)
    assert change["status"] == "skipped" and "not re-created" in change["last_error"]
    assert [c["rule"] for c in conflicts(wms)] == ["deleted_in_quickbooks"]
    before = len(client.qbd.purchase_orders.list(**EU).data)
    assert push(server, wms).success
    assert len(client.qbd.purchase_orders.list(**EU).data) == before


def test_the_reconciliation_catches_a_delete_older_than_the_feeds_reach(server, wms):
    from qbd_pipeline.quickbooks.reconcile import qbd_reconcile

    client = sdk_client(server)
    control(server, "POST", "clock", now="2026-07-01T12:00:00+00:00")
    customer = client.qbd.customers.create(name="Long Gone Trading", **EU)
    loaded(server, wms)
    control(server, "POST", "clock", now="2026-07-02T12:00:00+00:00")
    control(server, "DELETE", f"records/customers/{customer.id}")
    control(server, "DELETE", "clock")  # now: the delete is more than 90 days old
    assert client.qbd.deleted_list_objects.list(object_types=["customer"], **EU).data == []
    assert pull(server, wms, "2026-11-02").success
    assert row(wms, "customers", qbd_id=customer.id)["qbd_deleted_at"] is None  # the feed cannot tell
    result = qbd_reconcile.execute_in_process(resources=resources(server, wms),
                                              instance=dg.DagsterInstance.ephemeral())
    assert result.success
    report = result.output_for_node("reconcile_customers")
    assert report["marked_deleted"] == 1 and report["listed"] >= 1
    assert row(wms, "customers", qbd_id=customer.id)["qbd_deleted_at"] is not None
    assert sum(result.output_for_node(f"reconcile_{e.name}")["marked_deleted"] for e in ENTITIES
               if e.name != "customers") == 0
    again = qbd_reconcile.execute_in_process(resources=resources(server, wms), instance=dg.DagsterInstance.ephemeral())
    assert again.output_for_node("reconcile_customers")["marked_deleted"] == 0  # converged
