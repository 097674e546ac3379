"""What `bench.py` runs through Dagster, each call in a fresh process of its own (so a load's peak RSS
is its own, not the parent's or an earlier load's):

    python benchmarks/bench_worker.py load '{"base_url": ..., "wms_url": ...}'
    python benchmarks/bench_worker.py followups '{"base_url": ..., "changes": 100,
        "wms": [{"dialect": "sqlite", "url": ..., "offset": 0, "label": "sq 10000"}, ...]}'

`load` is the `qbd/customers` asset's full initial load: every day partition of the company in one
run. `followups`, on WMSs a load filled, is for each the hourly incremental partition (the asset and
its WMS checks, as the schedule's job runs them), then the `wms_push_back` job twice: after `changes`
plain SQL updates of WMS customers, and after `changes` inserts. Prints one line of JSON.
"""

import json
import resource
import sys
import time
from datetime import datetime, timezone

import conductor
import dagster as dg
import sqlalchemy as sa

from qbd_pipeline.conductor.resource import ConductorResource
from qbd_pipeline.pushback.jobs import wms_push_back
from qbd_pipeline.quickbooks.assets import pull_assets
from qbd_pipeline.quickbooks.checks import wms_checks
from qbd_pipeline.quickbooks.jobs import partition_for_tick
from qbd_pipeline.quickbooks.partitions import days, ensure_companies, key
from qbd_pipeline.settings import COMPANY_TAG
from qbd_pipeline.wms.resources import WmsDatabase, make_engine

KEY, END_USER = "sk_bench", "end_usr_bench"
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
CUSTOMERS = next(a for a in pull_assets if a.key == dg.AssetKey(["qbd", "customers"]))
CHECKS = [c for c in wms_checks if any(k.asset_key == CUSTOMERS.key for k in c.check_keys)]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _resources(spec: dict) -> dict:
    return {"conductor": ConductorResource(secret_key=KEY, end_user_id=END_USER, base_url=spec["base_url"]),
            "wms": WmsDatabase(url=spec["wms_url"])}


def _metadata(result: dg.ExecuteInProcessResult) -> dict:
    """The customers materialization's metadata (a range run writes one materialization per day, alike)."""
    event = [e for e in result.get_asset_materialization_events() if e.materialization.asset_key == CUSTOMERS.key][-1]
    return {k: v.value for k, v in event.materialization.metadata.items()}


def load(spec: dict) -> dict:
    instance = dg.DagsterInstance.ephemeral()
    ensure_companies(instance, [END_USER])
    before = peak_rss_mb()
    began = time.perf_counter()
    result = dg.materialize(
        [CUSTOMERS], resources=_resources(spec), instance=instance, run_config=QUIET,
        tags={"dagster/asset_partition_range_start": str(key(END_USER, days.get_first_partition_key())),
              "dagster/asset_partition_range_end": str(key(END_USER, days.get_last_partition_key()))})
    seconds = time.perf_counter() - began
    md = _metadata(result)
    return {"seconds": seconds, "step_seconds": md["seconds"], "fetched": md["fetched"], "inserted": md["inserted"],
            "api_requests": md["api_requests"], "partitions": len(days.get_partition_keys()),
            "rss_before_mb": before, "peak_rss_mb": peak_rss_mb()}


def _push(spec: dict, instance: dg.DagsterInstance, changes: int) -> dict:
    began = time.perf_counter()
    result = wms_push_back.execute_in_process(run_config={"console_log_level": "WARNING"}, resources=_resources(spec),
                                              instance=instance, tags={COMPANY_TAG: END_USER})
    seconds = time.perf_counter() - began
    out = result.output_for_node("push_customers")
    return {"seconds": seconds, "seconds_per_change": seconds / max(changes, 1), "changes": changes,
            **{k: out[k] for k in ("api_requests", "requests_per_change", "created", "updated", "failed",
                                   "conflicts")}}


def _incremental(spec: dict, instance: dg.DagsterInstance) -> dict:
    day = partition_for_tick(datetime.now(timezone.utc))  # the partition the hourly schedule asks for now
    began = time.perf_counter()
    result = dg.materialize([CUSTOMERS, *CHECKS], resources=_resources(spec), instance=instance, run_config=QUIET,
                            partition_key=key(END_USER, day), tags={COMPANY_TAG: END_USER})
    seconds = time.perf_counter() - began
    md = _metadata(result)
    return {"seconds": seconds, "step_seconds": md["seconds"], "fetched": md["fetched"], "updated": md["updated"],
            "api_requests": md["api_requests"], "partition": day, "checks": len(result.get_asset_check_evaluations())}


def _pushes(spec: dict, instance: dg.DagsterInstance, changes: int) -> dict:
    engine = make_engine(spec["wms_url"])
    with engine.begin() as connection:  # as the warehouse app writes: plain SQL, no sync code
        ids = connection.execute(sa.text("SELECT id FROM customers WHERE qbd_id IS NOT NULL ORDER BY id "
                                         "LIMIT :n OFFSET :o"), {"n": changes, "o": spec["offset"]}).scalars().all()
        for number, row_id in enumerate(ids):
            connection.execute(sa.text("UPDATE customers SET phone = :p WHERE id = :i"),
                               {"p": f"556-{number:04d}", "i": row_id})
    updates = _push(spec, instance, len(ids))
    with engine.begin() as connection:
        for number in range(changes):
            connection.execute(sa.text("INSERT INTO customers (name, full_name, is_active) VALUES (:n, :n, true)"),
                               {"n": f"Bench {spec['label']} {number}"})
    return {"push_updates": updates, "push_creates": _push(spec, instance, changes)}


def followups(spec: dict) -> dict:
    """Every WMS's incremental run first (each then sees only the QuickBooks edits made before it),
    then each one's pushes (updating rows no other WMS updates: another's push moved their revisions)."""
    out: dict[str, dict] = {}
    instances = {}
    # The SDK's first-use import (about a second, which every full load pays) paid before any timed run,
    # so that the first dialect's incremental is not the only one paying it.
    _ = conductor.Conductor(api_key=KEY, base_url=spec["base_url"]).qbd.customers.with_raw_response
    for wms in spec["wms"]:
        instances[wms["dialect"]] = instance = dg.DagsterInstance.ephemeral()
        ensure_companies(instance, [END_USER])
        out[wms["dialect"]] = {"incremental": _incremental({**spec, "wms_url": wms["url"]}, instance)}
    for wms in spec["wms"]:
        out[wms["dialect"]].update(_pushes({**spec, **wms, "wms_url": wms["url"]}, instances[wms["dialect"]],
                                           spec["changes"]))
    return out


if __name__ == "__main__":
    mode, spec = sys.argv[1], json.loads(sys.argv[2])
    print(json.dumps({"load": load, "followups": followups}[mode](spec)))
