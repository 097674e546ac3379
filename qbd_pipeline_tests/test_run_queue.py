"""Every run queues with its company file's tag, however it was launched, so the per-company limit of
the shipped instance configs holds for runs from the UI as well as for the schedules' and sensor's."""

from pathlib import Path

import dagster as dg
import pytest
import yaml

from qbd_pipeline.run_queue import CompanyRunCoordinator, company_tag_for
from qbd_pipeline.settings import COMPANY_TAG
from qbd_pipeline_tests.queued_runs import launcher

ROOT = Path(__file__).resolve().parents[1]
PAGE = {"dagster/partition": "end_usr_b|2026-11-02", "dagster/partition/company": "end_usr_b",
        "dagster/partition/day": "2026-11-02"}  # what the UI puts on a run of one partition


@pytest.mark.parametrize(("tags", "default", "added"), [
    ({COMPANY_TAG: "end_usr_a", **PAGE}, "end_usr_x", {}),  # a schedule's run: named already
    (PAGE, "end_usr_x", {COMPANY_TAG: "end_usr_b"}),  # an asset page's run: its partition's company
    ({"dagster/asset_partition_range_start": "end_usr_c|2026-11-01",
      "dagster/asset_partition_range_end": "end_usr_c|2026-11-30"}, None, {COMPANY_TAG: "end_usr_c"}),  # a backfill
    ({}, "end_usr_x", {COMPANY_TAG: "end_usr_x"}),  # a launchpad's op job: the deployment's company
    ({}, None, {}),  # names none: the run itself fails and says how to name one
])
def test_the_tag_a_run_lacks_comes_from_its_partition_else_the_deployments_company(monkeypatch, tags, default,
                                                                                    added):
    if default:
        monkeypatch.setenv("CONDUCTOR_END_USER_ID", default)
    else:
        monkeypatch.delenv("CONDUCTOR_END_USER_ID", raising=False)
    assert company_tag_for(tags) == added


def test_the_shipped_instance_tags_runs_from_an_asset_page_and_a_launchpad_as_they_queue(tmp_path, monkeypatch):
    monkeypatch.setenv("CONDUCTOR_END_USER_ID", "end_usr_default")
    config = yaml.safe_load((ROOT / "dagster.yaml").read_text())
    with dg.instance_for_test(overrides=config, temp_dir=str(tmp_path)) as instance:
        assert isinstance(instance.run_coordinator, CompanyRunCoordinator)
        with launcher(instance) as ui:
            pull = ui.submit("qbd_incremental_pull", PAGE)
            push = ui.submit("wms_push_back")
            named = ui.submit("wms_push_back", {COMPANY_TAG: "end_usr_c"})
        queued = {r.run_id: r for r in instance.get_runs()}
        assert {r.status for r in queued.values()} == {dg.DagsterRunStatus.QUEUED}
        assert queued[pull.run_id].tags[COMPANY_TAG] == "end_usr_b"
        assert queued[push.run_id].tags[COMPANY_TAG] == "end_usr_default"
        assert queued[named.run_id].tags[COMPANY_TAG] == "end_usr_c"
