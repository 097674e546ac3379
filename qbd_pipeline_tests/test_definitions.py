"""The code location loads, with its resources bound to the environment."""

import dagster as dg

from qbd_pipeline.definitions import defs


def test_definitions_load_without_any_secret_set(monkeypatch):
    for name in ("CONDUCTOR_SECRET_KEY", "CONDUCTOR_END_USER_ID", "CONDUCTOR_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    dg.Definitions.validate_loadable(defs)
    assert "conductor" in defs.resources


def test_a_run_without_the_secret_fails_with_one_line_naming_it(monkeypatch, tmp_path):
    import importlib

    import qbd_pipeline.definitions as definitions
    from qbd_pipeline.quickbooks.partitions import ensure_companies, key
    from qbd_pipeline.wms.migrate import upgrade
    from qbd_pipeline.wms.resources import make_engine

    monkeypatch.delenv("CONDUCTOR_SECRET_KEY", raising=False)
    monkeypatch.setenv("CONDUCTOR_END_USER_ID", "end_usr_x")
    url = f"sqlite:///{tmp_path / 'wms.sqlite'}"
    monkeypatch.setenv("WMS_DATABASE_URL", url)
    upgrade(make_engine(url))
    try:
        job = importlib.reload(definitions).defs.resolve_job_def("qbd_incremental_pull")
        instance = dg.DagsterInstance.ephemeral()
        ensure_companies(instance, ["end_usr_x"])
        result = job.execute_in_process(partition_key=key("end_usr_x", "2026-11-01"), instance=instance,
                                        raise_on_error=False)
    finally:
        monkeypatch.undo()
        importlib.reload(definitions)
    assert not result.success
    failures = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert failures
    assert {e.event_specific_data.user_failure_data.description for e in failures} == {
        "CONDUCTOR_SECRET_KEY is not set: export the Conductor secret key as CONDUCTOR_SECRET_KEY (see .env.example)"}


def test_every_pull_asset_goes_stale_when_no_pull_refreshed_it_for_the_configured_hours(monkeypatch):
    from datetime import timedelta

    from qbd_pipeline.quickbooks.assets import build_pull_asset
    from qbd_pipeline.spec.entities import ENTITIES

    policies = {spec.key: spec.freshness_policy for spec in defs.resolve_all_asset_specs() if spec.key.path[0] == "qbd"}
    assert len(policies) == len(ENTITIES)
    assert {p.fail_window.to_timedelta() for p in policies.values()} == {timedelta(hours=3)}
    monkeypatch.setenv("QBD_FRESHNESS_HOURS", "6")
    policy = build_pull_asset(ENTITIES[0]).specs_by_key[dg.AssetKey(["qbd", ENTITIES[0].name])].freshness_policy
    assert (policy.fail_window.to_timedelta(), policy.warn_window.to_timedelta()) == (timedelta(hours=6),
                                                                                      timedelta(hours=4))
