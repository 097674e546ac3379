"""The shipped production instance (deploy/dagster.prod.yaml, verbatim) with a real dagster-daemon.

PostgreSQL holds Dagster's storage and the WMS; the emulator plays QuickBooks. An operator's steps:
copy the config to $DAGSTER_HOME, run `dagster-daemon run`, turn the schedule and the sensor on with
the CLI. Then a schedule tick launches a pull, a WMS edit made while that pull runs makes the sensor
request a push-back, the push waits for the pull (one run per company file), and reaches QuickBooks.
"""

from datetime import datetime, timedelta, timezone

import dagster as dg
import pytest
import sqlalchemy as sa
from dagster._core.scheduler.instigation import InstigatorStatus

from qbd_pipeline.wms.resources import WmsDatabase, dispose_engine
from qbd_pipeline_tests.conftest import END_USER, sdk_client, small_config
from qbd_pipeline_tests.pushback.helpers import sql
from qbd_pipeline_tests.quickbooks.pull_helpers import control

from .instance import cli, dagster_process, migrate, production_env, use_env, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
EU = {"conductor_end_user_id": END_USER}


def test_the_shipped_production_config_runs_schedule_and_sensor_one_run_at_a_time(
        tmp_path, postgres_wms_url, dagster_database, monkeypatch):
    wms_url = postgres_wms_url
    from qbd_pipeline.emulator.server import EmulatorServer

    start = (datetime.now(timezone.utc) - timedelta(days=1)).strftime("%Y-%m-%d")
    with EmulatorServer(small_config()) as server:
        env = production_env(tmp_path, dagster_database, base_url=server.base_url, wms_url=wms_url,
                             QBD_PULL_START=start,
                             QBD_PULL_CRON="* * * * *")  # a tick every minute, so the test need not wait for minute 5
        use_env(monkeypatch, env)
        migrate(env)
        try:
            with dagster_process("dagster-daemon", ["run", "-w", "workspace.yaml"], env, tmp_path / "daemon.log"):
                _run_the_scenario(server, env, wms_url)
                _the_console_is_reported_by_the_daemon()
        finally:
            dispose_engine(wms_url)
    log = (tmp_path / "daemon.log").read_text()
    assert " - DEBUG - " not in log and "STEP_START" not in log  # the runs' console at INFO (python_logs)
    assert "push customers:" in log or "customers:" in log  # what the steps say is still there


def _the_console_is_reported_by_the_daemon() -> None:
    """sync_status_monitor is on by default: the daemon reports operator/sync_status with its two checks,
    without any run (its first tick comes as the daemon starts; what it lists is tested in console/)."""
    from qbd_pipeline.console.assets import KEY

    with dg.DagsterInstance.get() as instance:
        event = wait_for("the daemon to report the console", lambda: instance.get_latest_materialization_event(KEY),
                         timeout=60)
        checks = {name: instance.event_log_storage.get_asset_check_execution_history(
            dg.AssetCheckKey(KEY, name), limit=1) for name in ("no_open_errors", "no_stuck_changes")}
    assert event.run_id == ""  # reported by the sensor, not materialized by a run
    assert {"open_errors", "errors", "last_sync", "waiting"} <= set(event.asset_materialization.metadata)
    assert all(history for history in checks.values())


def _run_the_scenario(server, env: dict, wms_url: str) -> None:
    wms = WmsDatabase(url=wms_url)
    client = sdk_client(server)
    customer = client.qbd.customers.list(limit=1, **EU).data[0]
    # The full load spends a few seconds on customers, so the sensor's push arrives while it runs.
    control(server, "POST", "faults", kind="latency", seconds=6, method="GET", path_contains="/customers", count=1)
    with dg.DagsterInstance.get() as instance:
        cli(env, "schedule", "start", "qbd_incremental_pull_schedule")
        pull = wait_for("a scheduled pull run to start", lambda: next(iter(instance.get_runs(
            filters=dg.RunsFilter(job_name="qbd_incremental_pull", statuses=[dg.DagsterRunStatus.STARTED]))),
            None), timeout=150)
        assert pull.tags["dagster/schedule_name"] == "qbd_incremental_pull_schedule"
        wait_for("the pull to load customers", lambda: _count(wms, "customers"), timeout=60, every=0.2)
        sql(wms, "UPDATE customers SET phone = '555-0123' WHERE qbd_id = :q", q=customer.id)
        cli(env, "sensor", "start", "wms_change_sensor")
        push = wait_for("the sensor to request a push-back run", lambda: next(iter(instance.get_runs(
            filters=dg.RunsFilter(job_name="wms_push_back"))), None), timeout=90)
        pull_record = wait_for("the pull to finish", lambda: _finished(instance, pull.run_id), timeout=150)
        push_record = wait_for("the push-back to finish", lambda: _finished(instance, push.run_id), timeout=150)
        assert pull_record.dagster_run.status == dg.DagsterRunStatus.SUCCESS
        assert push_record.dagster_run.status == dg.DagsterRunStatus.SUCCESS
        assert push_record.start_time >= pull_record.end_time  # queued behind the company file's pull
        for schedule in ("qbd_audit_schedule", "qbd_reconcile_schedule"):  # the README's other two
            cli(env, "schedule", "start", schedule)
        running = {s.instigator_name for s in instance.all_instigator_state()
                   if s.status == InstigatorStatus.RUNNING}
        assert {"qbd_incremental_pull_schedule", "qbd_audit_schedule", "qbd_reconcile_schedule",
                "wms_change_sensor"} <= running
    assert client.qbd.customers.retrieve(customer.id, **EU).phone == "555-0123"
    with wms.engine().connect() as connection:
        statuses = dict(connection.execute(sa.text(
            "SELECT direction, string_agg(DISTINCT status, ',') FROM sync_runs GROUP BY direction")).all())
    assert statuses == {"pull": "success", "push": "success"}


def _count(wms: WmsDatabase, table: str) -> int:
    with wms.engine().connect() as connection:
        return connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()


def _finished(instance: dg.DagsterInstance, run_id: str):
    record = instance.get_run_record_by_id(run_id)
    return record if record is not None and record.dagster_run.is_finished else None
