"""No gaps after failed hours, and a true ledger however a run ends (failure, cancel, kill -9)."""

import os
import signal
import subprocess
import sys
import time

import dagster as dg
import sqlalchemy as sa

from qbd_pipeline.spec.entities import ENTITIES_BY_NAME
from qbd_pipeline.sync import pull as pull_module
from qbd_pipeline.sync.push import Pusher, PushSettings
from qbd_pipeline.watchdog import close_stopped_runs
from qbd_pipeline.wms.schema import sync_runs, sync_state
from qbd_pipeline_tests.conftest import END_USER, SECRET_KEY, sdk_client
from qbd_pipeline_tests.pushback.helpers import changes, loaded, row, sql
from qbd_pipeline_tests.quickbooks.pull_helpers import control, metadata, pull, resources

EU = {"conductor_end_user_id": END_USER}


def _runs(wms, **where) -> list[dict]:
    with wms.engine().connect() as connection:
        return [r._asdict() for r in connection.execute(sa.select(sync_runs).where(
            *(sync_runs.c[k] == v for k, v in where.items())).order_by(sync_runs.c.id))]


def test_a_window_whose_pull_failed_is_fetched_by_the_next_run(server, wms):
    loaded(server, wms)
    client = sdk_client(server)
    customer = client.qbd.customers.list(limit=1, **EU).data[0]
    control(server, "POST", "clock", now="2026-11-02T03:20:00+00:00")
    client.qbd.customers.update(customer.id, revision_number=customer.revision_number, phone="555-0303", **EU)
    control(server, "POST", "faults", kind="qbd_offline", count=500)
    failed = pull(server, wms, "2026-11-02", config={"max_restarts": 0}, raise_on_error=False)
    assert not failed.success
    assert {r["status"] for r in _runs(wms, run_id=failed.run_id)} == {"failed"}
    control(server, "DELETE", "faults")
    later = pull(server, wms, "2026-11-03")  # a day on; the pull of 2026-11-02 never succeeded
    assert metadata(later, "customers")["window_start"] == "2026-11-01T00:45:00+00:00"  # from the mark, not 11-02 23:45
    assert row(wms, "customers", qbd_id=customer.id)["phone"] == "555-0303"
    with wms.engine().connect() as connection:
        marks = dict(connection.execute(sa.select(sync_state.c.entity, sync_state.c.fetched_through)).all())
    assert {m.isoformat() for m in marks.values()} == {"2026-11-04T00:00:00+00:00"}


def test_a_terminated_pull_leaves_its_ledger_row_cancelled(server, wms, monkeypatch):
    from dagster._core.errors import DagsterExecutionInterruptedError

    loaded(server, wms)
    original = pull_module.fetch_window

    def terminated_mid_fetch(conductor, qbd, *args, **kwargs):
        if qbd.path == "vendors":
            raise DagsterExecutionInterruptedError("terminated from the UI")
        return original(conductor, qbd, *args, **kwargs)

    monkeypatch.setattr(pull_module, "fetch_window", terminated_mid_fetch)
    result = pull(server, wms, "2026-11-02", raise_on_error=False)
    assert not result.success
    by_entity = {r["entity"]: r for r in _runs(wms, run_id=result.run_id)}
    assert by_entity["vendors"]["status"] == "cancelled" and "terminated" in by_entity["vendors"]["error"]
    assert by_entity["customers"]["status"] == "success"
    assert all(r["status"] != "running" for r in by_entity.values())


KILLED_PUSH = """
import dagster as dg
from qbd_pipeline.pushback.jobs import wms_push_back
from qbd_pipeline.conductor.resource import ConductorResource
from qbd_pipeline.wms.resources import WmsDatabase
import os
wms_push_back.execute_in_process(instance=dg.DagsterInstance.ephemeral(), resources={
    "conductor": ConductorResource(secret_key=os.environ["KEY"], end_user_id=os.environ["END_USER"],
                                   base_url=os.environ["BASE_URL"]),
    "wms": WmsDatabase(url=os.environ["WMS_URL"])})
"""


def test_a_push_killed_with_sigkill_gives_up_its_claims_within_the_lease(server, wms, wms_url):
    loaded(server, wms)
    client = sdk_client(server)
    customer = client.qbd.customers.list(limit=1, **EU).data[0]
    sql(wms, "UPDATE customers SET phone = '555-0909' WHERE qbd_id = :q", q=customer.id)
    control(server, "POST", "faults", kind="latency", seconds=6, method="GET", path_contains=customer.id)
    env = {**os.environ, "KEY": SECRET_KEY, "END_USER": END_USER, "BASE_URL": server.base_url, "WMS_URL": wms_url}
    process = subprocess.Popen([sys.executable, "-c", KILLED_PUSH], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not any(c["claimed_by"] for c in changes(wms)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert any(c["claimed_by"] for c in changes(wms)), "the push never claimed the change"
        time.sleep(1.0)  # inside its request to QuickBooks
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    control(server, "DELETE", "faults")
    [held] = changes(wms)
    assert held["status"] == "pending" and held["claimed_by"] is not None
    [running] = [r for r in _runs(wms, entity="customers", direction="push")]
    assert running["status"] == "running"

    conductor, engine = resources(server, wms)["conductor"], wms.engine()
    customers = ENTITIES_BY_NAME["customers"]
    assert Pusher(conductor, engine, customers, PushSettings(run_id="next")).claim() == {}  # a live lease
    time.sleep(1.5)
    with dg.instance_for_test() as instance:
        closed = close_stopped_runs(instance, engine, lease_seconds=1)
    assert [(r["entity"], r["status"]) for r in closed] == [("customers", "failed")]
    [stopped] = _runs(wms, entity="customers", direction="push")
    assert stopped["status"] == "failed" and "stopped without finishing" in stopped["error"]
    stats = Pusher(conductor, engine, customers, PushSettings(run_id="next", lease_seconds=1)).run()
    assert stats.pushed == 1
    assert client.qbd.customers.retrieve(customer.id, **EU).phone == "555-0909"
    assert [c["status"] for c in changes(wms)] == ["pushed"]
