"""The way back for failed changes: an operator retries or dismisses them from a job, and the ledger
says who, why and what had failed; a dismissed edit's record gets QuickBooks' version back."""

import dagster as dg

from qbd_pipeline.pushback.operator import wms_failed_changes
from qbd_pipeline_tests.conftest import END_USER, sdk_client
from qbd_pipeline_tests.quickbooks.pull_helpers import control, resources

from .helpers import changes, loaded, push, row, sql

EU = {"conductor_end_user_id": END_USER}
ONE_TRY = {"max_attempts": 1, "backoff_seconds": 60}


def _resolve(server, wms, tags: dict | None = None, **config) -> dg.ExecuteInProcessResult:
    return wms_failed_changes.execute_in_process(
        run_config={"ops": {"resolve_failed_changes": {"config": config}}}, resources=resources(server, wms),
        instance=dg.DagsterInstance.ephemeral(), raise_on_error=False, tags=tags)


def _a_vendor_create_that_failed(server, wms, name: str) -> None:
    """A vendor the WMS made, whose create QuickBooks answered with server errors until it gave up."""
    loaded(server, wms)
    sql(wms, "INSERT INTO vendors (name, is_active) VALUES (:n, true)", n=name)
    control(server, "POST", "faults", kind="server_error", count=100, path_contains="/vendors")
    push(server, wms, **ONE_TRY)
    control(server, "DELETE", "faults")


def test_a_failed_create_retried_by_an_operator_reaches_quickbooks(server, wms):
    _a_vendor_create_that_failed(server, wms, "Second Chance Supply")
    [failed] = changes(wms)
    assert failed["status"] == "failed"

    result = _resolve(server, wms, action="retry", by="ops-anna", reason="the network is fixed")
    assert result.success and result.output_for_node("resolve_failed_changes") == [failed["id"]]
    [retried] = changes(wms)
    assert (retried["status"], retried["attempts"]) == ("pending", 0)
    assert retried["last_error"].startswith("retried by ops-anna at ")
    assert "the network is fixed; it had failed with: " in retried["last_error"] and "500" in retried["last_error"]
    assert push(server, wms).success
    assert [c["status"] for c in changes(wms)] == ["pushed"]
    assert row(wms, "vendors", name="Second Chance Supply")["qbd_id"]



def test_who_retried_a_change_and_why_stays_when_it_fails_again(server, wms):
    loaded(server, wms)
    sql(wms, "INSERT INTO vendors (name, is_active) VALUES ('Third Time Supply', true)")
    control(server, "POST", "faults", kind="server_error", count=100, path_contains="/vendors")
    push(server, wms, **ONE_TRY)
    assert _resolve(server, wms, action="retry", by="ops-ben", reason="trying once more").success
    push(server, wms, **ONE_TRY)  # QuickBooks still answers 500
    control(server, "DELETE", "faults")
    [failed] = changes(wms)
    assert failed["status"] == "failed" and "ops-ben" not in failed["last_error"]  # the newest failure
    assert failed["operator_note"].startswith("retried by ops-ben at ")
    assert "trying once more" in failed["operator_note"]


def test_a_dismissed_edit_is_never_pushed_and_its_record_gets_quickbooks_version_back(server, wms):
    loaded(server, wms)
    vendor = sdk_client(server).qbd.vendors.list(limit=1, **EU).data[0]
    sql(wms, "UPDATE vendors SET phone = '555-0666' WHERE qbd_id = :q", q=vendor.id)
    control(server, "POST", "faults", kind="server_error", count=100, method="POST", path_contains="/vendors")
    push(server, wms, **ONE_TRY)
    control(server, "DELETE", "faults")
    assert [c["status"] for c in changes(wms)] == ["failed"]

    result = _resolve(server, wms, action="dismiss", by="ops-ben", reason="wrong number typed", entity="vendors")
    assert result.success
    [dismissed] = changes(wms)
    assert dismissed["status"] == "dismissed" and "dismissed by ops-ben" in dismissed["last_error"]
    assert row(wms, "vendors", qbd_id=vendor.id)["phone"] == vendor.phone  # the two sides agree again
    assert changes(wms, status="pending") == []  # restoring is the sync's own write: no echo
    assert push(server, wms).output_for_node("push_vendors")["pushed"] == 0
    assert sdk_client(server).qbd.vendors.retrieve(vendor.id, **EU).phone == vendor.phone


def test_nobody_changes_failed_changes_without_saying_who_and_why(server, wms):
    result = _resolve(server, wms, action="retry", by=" ", reason="")
    assert not result.success
    failure = result.failure_data_for_node("resolve_failed_changes")
    assert "both `by` and `reason` are required" in failure.error.message


def test_a_dismissal_shows_on_the_entitys_asset_check(server, wms):
    loaded(server, wms)
    sql(wms, "INSERT INTO vendors (name, is_active) VALUES ('Never Reached Supply', true)")
    control(server, "POST", "faults", kind="server_error", count=100, path_contains="/vendors")
    instance = dg.DagsterInstance.ephemeral()
    push(server, wms, instance=instance, **ONE_TRY)
    control(server, "DELETE", "faults")
    key = dg.AssetCheckKey(dg.AssetKey(["qbd", "vendors"]), "no_failed_pushes")
    assert instance.event_log_storage.get_asset_check_execution_history(key, limit=1)[0].status.value == "FAILED"
    assert wms_failed_changes.execute_in_process(
        run_config={"ops": {"resolve_failed_changes": {"config": {
            "action": "dismiss", "by": "ops-cy", "reason": "a duplicate of an existing vendor"}}}},
        resources=resources(server, wms), instance=instance).success
    assert instance.event_log_storage.get_asset_check_execution_history(key, limit=1)[0].status.value == "SUCCEEDED"


def test_a_retry_records_the_identity_the_deployment_vouches_for(server, wms):
    _a_vendor_create_that_failed(server, wms, "Vouched Supply")
    result = _resolve(server, wms, tags={"dagster/user": "anna@example.com"}, action="retry", by="ops-anna",
                      reason="the network is fixed")
    assert result.success
    [retried] = changes(wms)
    assert retried["operator_note"].startswith("retried by ops-anna (signed in as anna@example.com) at ")
