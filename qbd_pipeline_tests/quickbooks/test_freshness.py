"""`fresh_in_every_company`: the company file behind on an entity is named on the asset, by a sensor
that reads the WMS once per tick and reports only what changed."""

from datetime import datetime, timedelta, timezone

import dagster as dg

from qbd_pipeline.definitions import defs
from qbd_pipeline.quickbooks.freshness import CHECK, company_freshness
from qbd_pipeline.spec.entities import ENTITIES
from qbd_pipeline_tests.conftest import END_USER, OTHER_END_USER
from qbd_pipeline_tests.pushback.helpers import sql
from qbd_pipeline_tests.quickbooks.pull_helpers import pull, register

A, B = END_USER, OTHER_END_USER


def _tick(instance, wms, cursor=None):
    """One tick; the cursor the daemon would keep (a skipped tick leaves it as it was)."""
    with dg.build_sensor_context(instance=instance, resources={"wms": wms}, cursor=cursor) as context:
        result = company_freshness(context)
    return result, result.cursor if isinstance(result, dg.SensorResult) else cursor


def _by_asset(result: dg.SensorResult) -> dict[str, dg.AssetCheckEvaluation]:
    return {e.asset_key.path[-1]: e for e in result.asset_events}


def test_the_company_file_behind_is_named_on_every_asset_and_reported_again_only_when_that_changes(server, wms):
    register(wms, A, B)
    ten_hours_ago = datetime.now(timezone.utc) - timedelta(hours=10)
    sql(wms, "UPDATE companies SET created_at = :t", t=ten_hours_ago)  # both due since long before
    pull(server, wms, company=A)
    with dg.instance_for_test() as instance:
        first, cursor = _tick(instance, wms)
        checks = _by_asset(first)
        assert set(checks) == {e.name for e in ENTITIES}
        customers = checks["customers"]
        assert customers.check_name == CHECK and not customers.passed
        assert customers.severity == dg.AssetCheckSeverity.ERROR
        assert customers.description.startswith("1 of 2 company file(s) behind on customers")
        assert f"{B} (never pulled)" in customers.description and A not in customers.description

        standing, cursor = _tick(instance, wms, cursor)  # nothing changed: no events
        assert isinstance(standing, dg.SkipReason) and "customers: 1 behind" in standing.skip_message

        pull(server, wms, company=B)
        caught_up, cursor = _tick(instance, wms, cursor)
        assert all(e.passed for e in caught_up.asset_events)
        assert len(caught_up.asset_events) == len(ENTITIES)
        sql(wms, "UPDATE companies SET status = 'paused' WHERE id = :c", c=A)
        sql(wms, "UPDATE sync_state SET last_success_at = :t WHERE company = :c", t=ten_hours_ago, c=A)
        paused, cursor = _tick(instance, wms, cursor)  # a paused company is nobody's alarm
        assert all(e.passed and A not in e.description for e in paused.asset_events)
        standing, _ = _tick(instance, wms, cursor)
        assert isinstance(standing, dg.SkipReason)


def test_the_check_is_the_audits_and_each_pull_step_logs_its_own():
    key = dg.AssetCheckKey(dg.AssetKey(["qbd", "customers"]), CHECK)
    hourly = defs.resolve_job_def("qbd_incremental_pull").asset_layer.asset_graph.asset_check_keys
    audit = defs.resolve_job_def("qbd_audit").asset_layer.asset_graph.asset_check_keys
    assert key in audit and key not in hourly  # not a step of its own: the pull steps log it (below)
    assert defs.resolve_sensor_def("company_freshness").default_status == dg.DefaultSensorStatus.RUNNING


def _companies_in(evaluation: dg.AssetCheckEvaluation) -> set[str]:
    table = evaluation.metadata["every_company"].value
    return {c for c in (A, B) if c in table}


def test_every_pull_evaluates_freshness_as_it_ends_and_a_company_added_later_is_in_the_verdict(server, wms):
    register(wms, A)
    with dg.instance_for_test() as instance:
        first = pull(server, wms, company=A, instance=instance)
        evaluations = {e.asset_key.path[-1]: e for e in first.get_asset_check_evaluations() if e.check_name == CHECK}
        assert set(evaluations) == {e.name for e in ENTITIES}  # every step, no separate check step
        assert evaluations["customers"].passed and _companies_in(evaluations["customers"]) == {A}
        key = dg.AssetCheckKey(dg.AssetKey(["qbd", "customers"]), CHECK)
        [latest] = instance.event_log_storage.get_asset_check_execution_history(key, limit=1)
        assert latest.run_id == first.run_id  # the UI shows it with the materialization of the same run

        _, cursor = _tick(instance, wms)
        register(wms, B)  # added later: not due yet, but in the verdict at once
        added, _ = _tick(instance, wms, cursor)
        assert isinstance(added, dg.SensorResult) and all(_companies_in(e) == {A, B} for e in added.asset_events)
        again = pull(server, wms, "2026-11-02", company=A, instance=instance)
        customers = next(e for e in again.get_asset_check_evaluations()
                         if e.check_name == CHECK and e.asset_key.path[-1] == "customers")
        assert customers.passed and _companies_in(customers) == {A, B}
        [latest] = instance.event_log_storage.get_asset_check_execution_history(key, limit=1)
        assert latest.run_id == again.run_id
