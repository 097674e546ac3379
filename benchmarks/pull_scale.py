"""Benchmark: the initial load of N customers through the `qbd/customers` asset into a WMS.

    .venv/bin/python benchmarks/pull_scale.py 100000 [sqlite|postgres]

The emulator runs in a separate process (seeded with N customers), so the peak RSS printed is the
pull's own: Dagster, the SDK, the spool and the loader. Memory must not grow with N.
"""

import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import uuid

import conductor
import dagster as dg
import sqlalchemy as sa

from qbd_pipeline.conductor.resource import ConductorResource
from qbd_pipeline.processes import free_port
from qbd_pipeline.quickbooks.assets import pull_assets
from qbd_pipeline.quickbooks.partitions import pull_partitions
from qbd_pipeline.wms.migrate import upgrade
from qbd_pipeline.wms.resources import WmsDatabase

KEY, END_USER = "sk_bench", "end_usr_bench"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(customers: int, dialect: str) -> None:
    port = free_port()
    sizes = ["--vendors", "2", "--inventory-items", "3", "--non-inventory-items", "1", "--service-items", "1",
             "--discount-items", "1", "--inventory-assembly-items", "1", "--other-charge-items", "1",
             "--sales-orders", "1", "--purchase-orders", "1", "--invoices", "1", "--inventory-adjustments", "1"]
    emulator = subprocess.Popen([sys.executable, "-m", "qbd_pipeline.emulator", "--port", str(port),
                                 "--customers", str(customers), *sizes, "--secret-key", KEY,
                                 "--end-user-id", END_USER, "--log-level", "warning"],
                                stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        client = conductor.Conductor(api_key=KEY, base_url=f"http://127.0.0.1:{port}/v1", max_retries=0)
        seed_began = time.monotonic()
        while True:
            try:
                client.qbd.health_check(conductor_end_user_id=END_USER)
                break
            except conductor.APIConnectionError:
                time.sleep(0.5)
        seeded = time.monotonic() - seed_began
        schema = None
        if dialect == "postgres":
            base = os.environ.get("QBD_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
            schema = f"bench_{uuid.uuid4().hex[:8]}"
            with sa.create_engine(base).begin() as c:
                c.exec_driver_sql(f"CREATE SCHEMA {schema}")
            url = f"{base}?options=-csearch_path%3D{schema}"
        else:
            url = f"sqlite:///{tempfile.mkdtemp()}/wms.sqlite"
        wms = WmsDatabase(url=url)
        upgrade(wms.engine())
        customers_asset = next(a for a in pull_assets if a.key.path[-1] == "customers")
        baseline = rss_mb()
        began = time.monotonic()
        # The full initial load: every partition, first to last, in one run (one window).
        result = dg.materialize(
            [customers_asset],
            tags={"dagster/asset_partition_range_start": pull_partitions.get_first_partition_key(),
                  "dagster/asset_partition_range_end": pull_partitions.get_last_partition_key()},
            resources={"conductor": ConductorResource(secret_key=KEY, end_user_id=END_USER,
                                                      base_url=f"http://127.0.0.1:{port}/v1"), "wms": wms},
            instance=dg.DagsterInstance.ephemeral(),
            run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}})
        seconds = time.monotonic() - began
        md = {k: v.value for k, v in result.get_asset_materialization_events()[0].materialization.metadata.items()}
        print(f"{dialect} customers={customers} emulator_seed_s={seeded:.0f} load_s={seconds:.1f} "
              f"fetched={md['fetched']} inserted={md['inserted']} requests={md['api_requests']} "
              f"rss_before_mb={baseline:.0f} peak_rss_mb={rss_mb():.0f}")
        if schema:
            with sa.create_engine(base).begin() as c:
                c.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    finally:
        os.killpg(emulator.pid, signal.SIGINT)
        emulator.wait(timeout=30)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000, sys.argv[2] if len(sys.argv) > 2 else "sqlite")
