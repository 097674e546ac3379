"""Running the pull assets against an emulator, as the job does."""

import dagster as dg
import httpx

from qbd_pipeline.conductor.resource import ConductorResource
from qbd_pipeline.quickbooks.assets import pull_assets
from qbd_pipeline.quickbooks.checks import wms_checks
from qbd_pipeline.quickbooks.partitions import pull_partitions
from qbd_pipeline_tests.conftest import END_USER, SECRET_KEY

FIRST = pull_partitions.get_first_partition_key()
HEADERS = {"Authorization": f"Bearer {SECRET_KEY}", "Conductor-End-User-Id": END_USER}


def resources(server, wms) -> dict:
    return {"conductor": ConductorResource(secret_key=SECRET_KEY, end_user_id=END_USER, base_url=server.base_url),
            "wms": wms}


def run_config(**pull) -> dict:
    return {"ops": {a.op.name: {"config": pull} for a in pull_assets}} if pull else {}


def pull(server, wms, partition_key: str = FIRST, *, instance=None, config: dict | None = None,
         raise_on_error: bool = True, tags: dict | None = None) -> dg.ExecuteInProcessResult:
    """The pull assets and their WMS checks (as the hourly job runs them)."""
    return dg.materialize(
        [*pull_assets, *wms_checks], resources=resources(server, wms), partition_key=None if tags else partition_key,
        instance=instance or dg.DagsterInstance.ephemeral(), run_config=run_config(**(config or {})),
        raise_on_error=raise_on_error, tags=tags)


def metadata(result: dg.ExecuteInProcessResult, entity: str) -> dict:
    events = [e for e in result.get_asset_materialization_events()
              if e.materialization.asset_key == dg.AssetKey(["qbd", entity])]
    assert events, f"no materialization of qbd/{entity}"
    return {k: v.value for k, v in events[-1].materialization.metadata.items()}


def control(server, verb: str, path: str, **body) -> dict:
    response = httpx.request(verb, f"{server.root_url}/_emulator/{path}", json=body or None, headers=HEADERS)
    assert response.status_code == 200, response.text
    return response.json()
