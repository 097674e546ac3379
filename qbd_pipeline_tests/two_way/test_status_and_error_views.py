"""What the warehouse app reads: `sync_status` (last success, last attempt, what waits) and
`sync_error_list` (one list of what did not sync, both directions)."""

import sqlalchemy as sa

from qbd_pipeline_tests.conftest import END_USER, sdk_client
from qbd_pipeline_tests.pushback.helpers import loaded, push, sql
from qbd_pipeline_tests.quickbooks.pull_helpers import control, pull

EU = {"conductor_end_user_id": END_USER}


def _view(wms, name: str) -> list[dict]:
    with wms.engine().connect() as connection:
        return [dict(r._mapping) for r in connection.execute(sa.text(f"SELECT * FROM {name}"))]


def test_the_status_and_error_views_show_both_directions(server, wms):
    loaded(server, wms)
    company = server.emulator.companies[END_USER]
    customer = sdk_client(server).qbd.customers.list(limit=1, **EU).data[0]
    company.replace_raw("customers", customer.id, {  # edited in the hour pulled, to a name the WMS cannot hold
        **company.get("customers", customer.id), "name": "N" * 60, "updatedAt": "2026-11-02T05:10:00+00:00",
        "revisionNumber": "999"})
    for _ in range(2):  # the record fails, and fails again when read by id
        pull(server, wms, "2026-11-02", raise_on_error=False)
    sql(wms, "INSERT INTO vendors (name, is_active) VALUES ('Never Reached', true)")
    control(server, "POST", "faults", kind="server_error", count=100, path_contains="/vendors")
    push(server, wms, max_attempts=1, backoff_seconds=60)
    control(server, "DELETE", "faults")

    status = {(r["entity"], r["direction"]): r for r in _view(wms, "sync_status")}
    assert status[("customers", "pull")]["last_status"] == "partial"
    assert status[("customers", "pull")]["open_pull_errors"] == 1
    assert status[("customers", "pull")]["last_success_at"] is not None  # the initial load succeeded
    assert status[("vendors", "push")]["failed_changes"] == 1
    assert status[("vendors", "push")]["last_status"] == "partial"
    assert status[("items", "pull")]["last_status"] == "success" and status[("items", "pull")]["failed_changes"] == 0

    errors = {(r["direction"], r["entity"]): r for r in _view(wms, "sync_error_list")}
    assert set(errors) == {("pull", "customers"), ("push", "vendors")}
    pulled = errors[("pull", "customers")]
    assert (pulled["qbd_id"], pulled["code"], pulled["attempts"]) == (customer.id, "MAPPING_ERROR", 2)
    assert "name" in pulled["message"] and pulled["first_seen_at"] <= pulled["last_seen_at"]
    pushed = errors[("push", "vendors")]
    assert pushed["wms_row_id"] and pushed["code"] == "QUICKBOOKS_UNAVAILABLE" and "500" in pushed["message"]
