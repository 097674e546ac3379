"""The sensor launches push-back runs only when due; a dry run writes nothing; deletes reach QuickBooks."""

from datetime import datetime, timezone

import dagster as dg
import httpx

from qbd_pipeline.pushback.jobs import JOB_NAME
from qbd_pipeline.pushback.sensors import wms_change_sensor
from qbd_pipeline_tests.conftest import END_USER, sdk_client
from qbd_pipeline_tests.quickbooks.pull_helpers import HEADERS, resources

from .helpers import changes, loaded, push, sql

EU = {"conductor_end_user_id": END_USER}


def _tick(wms, instance, server):
    conductor = resources(server, wms)["conductor"]
    with dg.build_sensor_context(instance=instance, resources={"wms": wms, "conductor": conductor}) as context:
        return wms_change_sensor.evaluate_tick(context)


def test_the_sensor_requests_one_run_only_when_changes_are_due(server, wms):
    loaded(server, wms)
    with dg.instance_for_test() as instance:
        quiet = _tick(wms, instance, server)
        assert quiet.run_requests == [] and "no pending" in quiet.skip_message  # the pull produced none
        customer = sdk_client(server).qbd.customers.list(limit=1, **EU).data[0]
        sql(wms, "UPDATE customers SET phone = '555-0777' WHERE qbd_id = :q", q=customer.id)
        due = _tick(wms, instance, server)
        assert len(due.run_requests) == 1 and due.run_requests[0].tags["qbd/pending_changes"] == "1"
        # A run already in progress: no second one.
        instance.add_run(dg.DagsterRun(job_name=JOB_NAME, run_id="in-flight", status=dg.DagsterRunStatus.STARTED))
        busy = _tick(wms, instance, server)
        assert busy.run_requests == [] and "in progress" in busy.skip_message
        instance.report_run_canceled(instance.get_run_by_id("in-flight"))
        # Backoff: a change that is not yet due does not start a run.
        sql(wms, "UPDATE wms_changes SET next_attempt_at = :later", later="2999-01-01 00:00:00")
        assert _tick(wms, instance, server).run_requests == []
        sql(wms, "UPDATE wms_changes SET next_attempt_at = changed_at")
        assert push(server, wms, instance=instance).success
        assert _tick(wms, instance, server).run_requests == []
    assert sdk_client(server).qbd.customers.retrieve(customer.id, **EU).phone == "555-0777"


def test_a_failed_runs_claims_are_taken_over_and_a_live_runs_are_not(server, wms):
    loaded(server, wms)
    sql(wms, "UPDATE customers SET phone = '555-0888' WHERE id = (SELECT min(id) FROM customers)")
    sql(wms, "UPDATE wms_changes SET claimed_by = 'still-running', claimed_at = :now", now=datetime.now(timezone.utc))
    with dg.instance_for_test() as instance:
        instance.add_run(dg.DagsterRun(job_name=JOB_NAME, run_id="still-running", status=dg.DagsterRunStatus.STARTED))
        held = push(server, wms, instance=instance)
        assert held.output_for_node("push_customers")["pushed"] == 0
        assert held.output_for_node("push_customers")["held_by_other_runs"] == 1  # said, not silently skipped
        said = [e.user_message for e in instance.all_logs(held.run_id) if "held by run still-running" in
                (e.user_message or "")]
        assert said == ["customers: 1 change(s) held by run still-running, which is still pushing them (its claims "
                        "are a 30 s lease it renews): left to it, or to the next run if it stops"]
        instance.report_run_failed(instance.get_run_by_id("still-running"))  # it crashed
        assert push(server, wms, instance=instance).output_for_node("push_customers")["pushed"] == 1
    assert [c["status"] for c in changes(wms)] == ["pushed"]


def test_a_dry_run_plans_with_diffs_and_rules_and_writes_nothing(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    customer = client.qbd.customers.list(limit=1, **EU).data[0]
    sql(wms, "UPDATE customers SET email = 'planned@example.com' WHERE qbd_id = :q", q=customer.id)
    sql(wms, "INSERT INTO vendors (name, is_active) VALUES ('Planned Vendor', true)")
    httpx.delete(f"{server.root_url}/_emulator/requests", headers=HEADERS)
    result = push(server, wms, dry_run=True)
    assert result.success
    writes = [e for e in httpx.get(f"{server.root_url}/_emulator/requests", headers=HEADERS).json()["data"]
              if e["method"] != "GET"]
    assert writes == []
    [update] = result.output_for_node("push_customers")["plan"]
    assert update["action"] == "update" and update["body"] == {"email": "planned@example.com"}
    assert update["decisions"] == [{"field": "email", "wms": "planned@example.com", "qbd": customer.email,
                                    "agreed": customer.email, "winner": "wms", "rule": None}]
    [create] = result.output_for_node("push_vendors")["plan"]
    assert create["action"] == "create" and create["body"]["name"] == "Planned Vendor"
    assert {c["status"] for c in changes(wms)} == {"pending"}
    assert {c["claimed_by"] for c in changes(wms)} == {None}


def test_deleting_in_the_wms_deactivates_list_objects_and_deletes_transactions(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    httpx.post(f"{server.root_url}/_emulator/clock", json={"now": "2026-10-31T12:00:00+00:00"}, headers=HEADERS)
    vendor = client.qbd.vendors.create(name="Soon Gone Supply", **EU)
    loaded(server, wms)  # the first partition takes everything up to its end
    order = client.qbd.purchase_orders.list(limit=1, **EU).data[0]
    sql(wms, "DELETE FROM vendors WHERE qbd_id = :q", q=vendor.id)
    sql(wms, "DELETE FROM purchase_orders WHERE qbd_id = :q", q=order.id)
    assert push(server, wms).success
    assert client.qbd.vendors.retrieve(vendor.id, **EU).is_active is False
    deleted = client.qbd.deleted_transactions.list(transaction_types=["purchase_order"], **EU).data
    assert order.id in {d.id for d in deleted}
    assert {(c["entity"], c["operation"], c["status"]) for c in changes(wms)} == {
        ("vendors", "delete", "pushed"), ("purchase_orders", "delete", "pushed")}
