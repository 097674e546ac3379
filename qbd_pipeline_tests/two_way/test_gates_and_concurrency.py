"""Automation waits while QuickBooks is offline; every run that talks to QuickBooks is one at a time."""

from datetime import datetime, timezone
from pathlib import Path

import dagster as dg
import yaml

from qbd_pipeline.definitions import defs
from qbd_pipeline.settings import quickbooks_pool
from qbd_pipeline.sync.gates import forget_health
from qbd_pipeline_tests.conftest import END_USER, sdk_client
from qbd_pipeline_tests.pushback.helpers import loaded, sql
from qbd_pipeline_tests.quickbooks.pull_helpers import control, resources

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
            assert schedule(context).partition_key == "2026-11-02"
    forget_health()


def test_every_step_that_talks_to_quickbooks_is_in_the_company_files_pool_and_runs_in_process():
    repository = defs.get_repository_def()
    steps = [node.definition for job in repository.get_all_jobs() for node in job.graph.node_dict.values()]
    talking = [op for op in steps if "conductor" in op.required_resource_keys]
    assert talking and {op.pool for op in talking} == {quickbooks_pool()}
    assert {job.executor_def.name for job in repository.get_all_jobs()} == {"in_process"}  # __ASSET_JOB too


def test_every_shipped_instance_config_limits_a_company_file_to_one_run_and_watches_runs():
    for path in (ROOT / "dagster.yaml", ROOT / "deploy" / "dagster.prod.yaml"):
        config = yaml.safe_load(path.read_text())
        assert config["concurrency"]["pools"] == {"default_limit": 1, "granularity": "run"}, path
        assert config["run_monitoring"]["enabled"] is True, path


def test_the_company_pool_exists_with_a_limit_of_one_before_any_run_queues_for_it():
    """Dagster creates a pool only when a run first queues for it, and does not hold back runs queued
    in that same moment; the sync's ticks create it first, and leave an operator's own limit alone."""
    from qbd_pipeline.concurrency import ensure_company_pool

    with dg.instance_for_test() as instance:
        assert quickbooks_pool() not in instance.event_log_storage.get_concurrency_keys()
        assert ensure_company_pool(instance)
        assert instance.event_log_storage.get_concurrency_info(quickbooks_pool()).slot_count == 1
        instance.event_log_storage.set_concurrency_slots(quickbooks_pool(), 2)
        assert not ensure_company_pool(instance)
        assert instance.event_log_storage.get_concurrency_info(quickbooks_pool()).slot_count == 2


def test_the_audit_and_reconciliation_schedules_wait_for_quickbooks_and_make_the_pool_first(shared_server):
    res = {"conductor": resources(shared_server, None)["conductor"]}
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
            assert quickbooks_pool() in instance.event_log_storage.get_concurrency_keys()
            control(shared_server, "DELETE", "faults")
            forget_health()
            with dg.build_schedule_context(instance=instance, scheduled_execution_time=when, resources=res) as context:
                request = schedule(context)
            assert request.run_key.endswith("@2026-11-08T03:00+00:00") and request.tags["qbd/end_user"]
    forget_health()
