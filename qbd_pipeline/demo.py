"""`make demo`: a full initial load of a seeded demo company into a local SQLite WMS.

Everything lives under the data folder ($QBD_DATA_DIR, default ./data): the WMS, the emulator's
company (so it survives restarts) and the Dagster instance, so `make dev` shows the same runs.
"""

import os
import shutil
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from .settings import data_dir

DEMO_SECRET_KEY = "sk_test_emulator"
DEMO_END_USER = "end_usr_emulator"
ENTITY_ORDER = ("customers", "vendors", "items", "sales_orders", "purchase_orders", "invoices",
                "inventory_adjustments")


def prepare_environment(port: int) -> Path:
    """Point Conductor at the local emulator and Dagster at the data folder (unless already set)."""
    folder = data_dir()
    home = folder / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    instance_yaml = home / "dagster.yaml"
    if not instance_yaml.exists():
        shutil.copy(Path(__file__).resolve().parents[1] / "dagster.yaml", instance_yaml)
    os.environ.setdefault("DAGSTER_HOME", str(home))
    # The demo's partitions start two days back (kept in the data folder so `make dev` agrees);
    # the first partition also takes all older history, so the load is still complete.
    start_file = folder / "pull_start.txt"
    if not start_file.exists():
        start = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=2)
        start_file.write_text(start.strftime("%Y-%m-%d-%H:%M"))
    os.environ.setdefault("QBD_PULL_START", start_file.read_text().strip())
    os.environ.setdefault("CONDUCTOR_SECRET_KEY", DEMO_SECRET_KEY)
    os.environ.setdefault("CONDUCTOR_END_USER_ID", DEMO_END_USER)
    os.environ["CONDUCTOR_BASE_URL"] = f"http://127.0.0.1:{port}/v1"
    return folder


def print_table(rows: list[dict], seconds: float) -> None:
    header = f"{'entity':<24}{'fetched':>9}{'inserted':>10}{'updated':>9}{'unchanged':>11}{'failed':>8}{'seconds':>9}"
    print(header)
    print("-" * len(header))
    for row in rows:
        print(f"{row['entity']:<24}{row['fetched']:>9}{row['inserted']:>10}{row['updated']:>9}"
              f"{row['unchanged']:>11}{row['failed']:>8}{row['seconds']:>9.2f}")
    print(f"{'total':<24}{sum(r['fetched'] for r in rows):>9}{sum(r['inserted'] for r in rows):>10}"
          f"{sum(r['updated'] for r in rows):>9}{sum(r['unchanged'] for r in rows):>11}"
          f"{sum(r['failed'] for r in rows):>8}{seconds:>9.2f}")


def main() -> int:
    from .emulator.server import EmulatorServer, free_port
    from .emulator.state import EmulatorConfig

    port = free_port()
    folder = prepare_environment(port)
    state_file = folder / "emulator.sqlite"
    print(f"data folder: {folder}")
    print(f"emulator company: {state_file} ({'reused' if state_file.exists() else 'new, seeding'})")
    config = EmulatorConfig(secret_keys=(os.environ["CONDUCTOR_SECRET_KEY"],),
                            end_user_ids=(os.environ["CONDUCTOR_END_USER_ID"],), state_file=state_file)
    with EmulatorServer(config, port=port):
        import dagster as dg

        from .definitions import defs
        from .quickbooks.partitions import hourly_partitions
        from .wms.migrate import upgrade
        from .wms.resources import wms_from_env

        engine = wms_from_env().engine()
        upgrade(engine)
        print(f"WMS: {engine.url.render_as_string(hide_password=True)} (migrated)")
        first, last = hourly_partitions.get_first_partition_key(), hourly_partitions.get_last_partition_key()
        print(f"materializing every pull asset for {first} .. {last} in one run (a full initial load) ...")
        began = time.monotonic()
        with dg.DagsterInstance.get() as instance:
            result = defs.resolve_job_def("qbd_incremental_pull").execute_in_process(
                instance=instance, raise_on_error=False,
                run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
                tags={"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last})
        seconds = time.monotonic() - began
        rows = {}
        for event in result.get_asset_materialization_events():
            entity = event.materialization.asset_key.path[-1]
            md = {k: v.value for k, v in event.materialization.metadata.items()}
            rows[entity] = {"entity": f"qbd/{entity}", **{k: md[k] for k in (
                "fetched", "inserted", "updated", "unchanged", "failed")}, "seconds": md["seconds"]}
        print()
        print_table([rows[e] for e in ENTITY_ORDER if e in rows], seconds)
        print()
        if not result.success:
            print(f"the run failed (run {result.run_id}); open the UI with `make dev` to see why", file=sys.stderr)
            return 1
        print(f"run {result.run_id} succeeded; its events are in {os.environ['DAGSTER_HOME']}")
    print("open the Dagster UI on the same instance, WMS and emulator with:  make dev")
    return 0


if __name__ == "__main__":
    sys.exit(main())
