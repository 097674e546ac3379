"""Running the pull assets against an emulator, as the job does."""

import dagster as dg
import httpx

from qbd_pipeline.conductor.resource import ConductorResource
from qbd_pipeline.quickbooks.assets import pull_assets
from qbd_pipeline.quickbooks.checks import wms_checks
from qbd_pipeline.quickbooks.partitions import days, ensure_companies, key
from qbd_pipeline_tests.conftest import END_USER, SECRET_KEY

FIRST = days.get_first_partition_key()
HEADERS = {"Authorization": f"Bearer {SECRET_KEY}", "Conductor-End-User-Id": END_USER}


def resources(server, wms) -> dict:
    return {"conductor": ConductorResource(secret_key=SECRET_KEY, end_user_id=END_USER, base_url=server.base_url),
            "wms": wms}


def register(wms, *companies: str) -> None:
    """Company files in the WMS `companies` table, as `qbd-pipeline companies add` puts them."""
    from qbd_pipeline.sync.companies import register as add

    with wms.engine().begin() as connection:
        for company in companies or (END_USER,):
            add(connection, company)


def run_config(**pull) -> dict:
    return {"ops": {a.op.name: {"config": pull} for a in pull_assets}} if pull else {}


def pull(server, wms, day: str = FIRST, *, instance=None, config: dict | None = None,
         raise_on_error: bool = True, days_range: tuple[str, str] | None = None,
         company: str = END_USER, checks: bool = False) -> dg.ExecuteInProcessResult:
    """The pull assets for one company's day, or its range of days in one run (a single-run
    backfill); with `checks`, their WMS checks too, as the hourly job runs them (a third of the
    run's time: tests of the checks ask for them, tests of what a pull loads do not)."""
    instance = instance or dg.DagsterInstance.ephemeral()
    ensure_companies(instance, [company])
    tags = None
    if days_range:
        tags = {"dagster/asset_partition_range_start": str(key(company, days_range[0])),
                "dagster/asset_partition_range_end": str(key(company, days_range[1]))}
    return dg.materialize(
        [*pull_assets, *wms_checks] if checks else pull_assets, resources=resources(server, wms),
        partition_key=None if tags else key(company, day),
        instance=instance, run_config=run_config(**(config or {})), raise_on_error=raise_on_error, tags=tags)


def metadata(result: dg.ExecuteInProcessResult, entity: str) -> dict:
    events = [e for e in result.get_asset_materialization_events()
              if e.materialization.asset_key == dg.AssetKey(["qbd", entity])]
    assert events, f"no materialization of qbd/{entity}"
    return {k: v.value for k, v in events[-1].materialization.metadata.items()}


def control(server, verb: str, path: str, **body) -> dict:
    response = httpx.request(verb, f"{server.root_url}/_emulator/{path}", json=body or None, headers=HEADERS)
    assert response.status_code == 200, response.text
    return response.json()
