"""Automation waits while QuickBooks is offline; every run that talks to QuickBooks is one at a time."""

from datetime import datetime, timezone
from pathlib import Path

import dagster as dg
import yaml

from qbd_pipeline.definitions import defs
from qbd_pipeline.quickbooks.partitions import key
from qbd_pipeline.sync.gates import forget_health
from qbd_pipeline_tests.conftest import END_USER, sdk_client
from qbd_pipeline_tests.pushback.helpers import loaded, sql
from qbd_pipeline_tests.quickbooks.pull_helpers import control, register, resources

EU = {"conductor_end_user_id": END_USER}
ROOT = Path(__file__).resolve().parents[2]


def test_while_quickbooks_is_offline_the_sensor_and_schedule_skip_and_say_why_then_resume(server, wms):
    loaded(server, wms)
    customer = sdk_client(server).qbd.customers.list(limit=1, **EU).data[0]
    sql(wms, "UPDATE customers SET phone = '555-0404' WHERE qbd_id = :q", q=customer.id)
    sensor = defs.resolve_sensor_def("wms_change_sensor")
    schedule = defs.resolve_schedule_def("qbd_incremental_pull_schedule")
    res = resources(server, wms)
    when = datetime(2026, 11, 2, 10, 5, tzinfo=timezone.utc)
    forget_health()
    control(server, "POST", "faults", kind="qbd_offline", count=1000)
    with dg.instance_for_test() as instance:
        with dg.build_sensor_context(instance=instance, resources=res) as context:
            tick = sensor.evaluate_tick(context)
        assert tick.run_requests == [] and "offline" in tick.skip_message and END_USER in tick.skip_message
        with dg.build_schedule_context(instance=instance, scheduled_execution_time=when, resources=res) as context:
            skipped = schedule(context)
        assert isinstance(skipped, dg.SkipReason) and "offline" in skipped.skip_message
        control(server, "DELETE", "faults")
        forget_health()  # the cached answer lasts seconds; a later tick asks again
        with dg.build_sensor_context(instance=instance, resources=res) as context:
            assert len(sensor.evaluate_tick(context).run_requests) == 1
        with dg.build_schedule_context(instance=instance, scheduled_execution_time=when, resources=res) as context:
            [request] = schedule(context)
            assert request.partition_key == key(END_USER, "2026-11-02") and request.tags["qbd/end_user"] == END_USER
    forget_health()


def test_every_job_runs_its_steps_one_after_another_in_process():
    repository = defs.get_repository_def()
    assert {job.executor_def.name for job in repository.get_all_jobs()} == {"in_process"}  # __ASSET_JOB too


def test_every_shipped_instance_config_limits_a_company_file_to_one_run_and_watches_runs():
    per_company = [{"key": "qbd/end_user", "value": {"applyLimitPerUniqueValue": True}, "limit": 1}]
    for path in (ROOT / "dagster.yaml", ROOT / "deploy" / "dagster.prod.yaml", ROOT / "deploy/k8s/dagster.yaml"):
        config = yaml.safe_load(path.read_text())
        assert config["concurrency"]["runs"]["tag_concurrency_limits"] == per_company, path
        # every run gets that tag as it queues, however it was launched (qbd_pipeline_tests/test_run_queue.py)
        assert (config["run_coordinator"]["module"], config["run_coordinator"]["class"]) == (
            "qbd_pipeline.run_queue", "CompanyRunCoordinator"), path
        assert "pools" not in config["concurrency"], path  # pool names are static: they cannot be per company
        assert config["run_monitoring"]["enabled"] is True, path


def test_the_audit_and_reconciliation_schedules_wait_for_quickbooks_per_company(shared_server, wms):
    res = resources(shared_server, wms)
    register(wms)
    when = datetime(2026, 11, 8, 3, 0, tzinfo=timezone.utc)
    for name, job, what in (("qbd_audit_schedule", "qbd_audit", "audit"),
                            ("qbd_reconcile_schedule", "qbd_reconcile", "reconciliation")):
        schedule = defs.resolve_schedule_def(name)
        assert schedule.job_name == job and schedule.default_status == dg.DefaultScheduleStatus.STOPPED
        forget_health()
        control(shared_server, "POST", "faults", kind="qbd_offline", count=1000)
        with dg.instance_for_test() as instance:
            with dg.build_schedule_context(instance=instance, scheduled_execution_time=when, resources=res) as context:
                skipped = schedule(context)
            assert isinstance(skipped, dg.SkipReason) and skipped.skip_message.startswith(f"{what} skipped: ")
            assert END_USER in skipped.skip_message
            control(shared_server, "DELETE", "faults")
            forget_health()
            with dg.build_schedule_context(instance=instance, scheduled_execution_time=when, resources=res) as context:
                [request] = schedule(context)
            assert request.run_key.endswith("@2026-11-08T03:00+00:00") and request.tags["qbd/end_user"] == END_USER
    forget_health()
