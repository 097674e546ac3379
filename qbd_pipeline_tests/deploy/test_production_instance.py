"""The shipped production instance (deploy/dagster.prod.yaml, verbatim) with a real dagster-daemon.

PostgreSQL holds Dagster's storage and the WMS; the emulator plays QuickBooks. An operator's steps:
copy the config to $DAGSTER_HOME, run `dagster-daemon run`, turn the schedule and the sensor on with
the CLI. Then a schedule tick launches a pull, a WMS edit made while that pull runs makes the sensor
request a push-back, the push waits for the pull (one run per company file), and reaches QuickBooks.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import dagster as dg
import pytest
import sqlalchemy as sa
from dagster._core.scheduler.instigation import InstigatorStatus

from qbd_pipeline.wms.resources import WmsDatabase, dispose_engine
from qbd_pipeline_tests.conftest import END_USER, POSTGRES_URL, SECRET_KEY, require_postgres, sdk_client, small_config
from qbd_pipeline_tests.pushback.helpers import sql
from qbd_pipeline_tests.quickbooks.pull_helpers import control

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
EU = {"conductor_end_user_id": END_USER}


@pytest.fixture
def dagster_database():
    """A fresh PostgreSQL database for Dagster's own storage."""
    require_postgres()
    name = f"qbd_dagster_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield name
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def _wait(what: str, predicate, timeout: float, every: float = 1.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def test_the_shipped_production_config_runs_schedule_and_sensor_one_run_at_a_time(
        tmp_path, postgres_wms_url, dagster_database, monkeypatch):
    wms_url = postgres_wms_url
    from qbd_pipeline.emulator.server import EmulatorServer

    url = sa.make_url(POSTGRES_URL)
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(ROOT / "deploy" / "dagster.prod.yaml", home / "dagster.yaml")  # as shipped, no edits
    start = (datetime.now(timezone.utc) - timedelta(days=1)).strftime("%Y-%m-%d")
    with EmulatorServer(small_config()) as server:
        env = {
            "PATH": f"{BIN}:{os.environ.get('PATH', '')}", "HOME": str(tmp_path), "DAGSTER_HOME": str(home),
            "DAGSTER_PG_HOST": url.host or "127.0.0.1", "DAGSTER_PG_PORT": str(url.port or 5432),
            "DAGSTER_PG_DB": dagster_database, "DAGSTER_PG_USER": url.username or "postgres",
            "CONDUCTOR_SECRET_KEY": SECRET_KEY, "CONDUCTOR_END_USER_ID": END_USER,
            "CONDUCTOR_BASE_URL": server.base_url, "WMS_DATABASE_URL": wms_url, "QBD_PULL_START": start,
            "QBD_PULL_CRON": "* * * * *",  # a tick every minute, so the test need not wait for minute 5
        }
        for key, value in env.items():
            if key.startswith(("DAGSTER_", "QBD_", "CONDUCTOR_", "WMS_")):
                monkeypatch.setenv(key, value)
        subprocess.run([BIN / "qbd-pipeline", "db", "upgrade", "--url", wms_url], env=env, check=True,
                       capture_output=True, cwd=ROOT)
        log = (tmp_path / "daemon.log").open("w")
        daemon = subprocess.Popen([BIN / "dagster-daemon", "run", "-w", "workspace.yaml"], cwd=ROOT, env=env,
                                  stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            _run_the_scenario(server, env, wms_url, tmp_path)
        except BaseException:
            log.flush()
            print((tmp_path / "daemon.log").read_text()[-6000:])
            raise
        finally:
            os.killpg(daemon.pid, signal.SIGINT)
            try:
                daemon.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(daemon.pid, signal.SIGKILL)
            log.close()
            dispose_engine(wms_url)


def _cli(env: dict, *args: str) -> None:
    done = subprocess.run([BIN / "dagster", *args, "-w", "workspace.yaml"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def _run_the_scenario(server, env: dict, wms_url: str, tmp_path: Path) -> None:
    wms = WmsDatabase(url=wms_url)
    client = sdk_client(server)
    customer = client.qbd.customers.list(limit=1, **EU).data[0]
    # The full load spends a few seconds on customers, so the sensor's push arrives while it runs.
    control(server, "POST", "faults", kind="latency", seconds=6, method="GET", path_contains="/customers", count=1)
    with dg.DagsterInstance.get() as instance:
        _cli(env, "schedule", "start", "qbd_incremental_pull_schedule")
        pull = _wait("a scheduled pull run to start", lambda: next(iter(instance.get_runs(
            filters=dg.RunsFilter(job_name="qbd_incremental_pull", statuses=[dg.DagsterRunStatus.STARTED]))),
            None), timeout=150)
        assert pull.tags["dagster/schedule_name"] == "qbd_incremental_pull_schedule"
        _wait("the pull to load customers", lambda: _count(wms, "customers"), timeout=60, every=0.2)
        sql(wms, "UPDATE customers SET phone = '555-0123' WHERE qbd_id = :q", q=customer.id)
        _cli(env, "sensor", "start", "wms_change_sensor")
        push = _wait("the sensor to request a push-back run", lambda: next(iter(instance.get_runs(
            filters=dg.RunsFilter(job_name="wms_push_back"))), None), timeout=90)
        pull_record = _wait("the pull to finish", lambda: _finished(instance, pull.run_id), timeout=150)
        push_record = _wait("the push-back to finish", lambda: _finished(instance, push.run_id), timeout=150)
        assert pull_record.dagster_run.status == dg.DagsterRunStatus.SUCCESS
        assert push_record.dagster_run.status == dg.DagsterRunStatus.SUCCESS
        assert push_record.start_time >= pull_record.end_time  # queued behind the company file's pull
        for schedule in ("qbd_audit_schedule", "qbd_reconcile_schedule"):  # the README's other two
            _cli(env, "schedule", "start", schedule)
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
