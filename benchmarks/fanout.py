"""Benchmark: one scheduled tick fanning out over many company files, on the shipped production instance.

    .venv/bin/python benchmarks/fanout.py --companies 50 [--customers 200] [--max-runs 8]

The emulator (its own process) serves N company files; Dagster's storage is a fresh PostgreSQL
database with deploy/dagster.prod.yaml as shipped (QueuedRunCoordinator, run tag limits per company,
`max_concurrent_runs` from the file unless --max-runs), the WMS a fresh PostgreSQL schema; a real
`dagster-daemon` ticks the hourly schedule once (its cron set to every minute). Printed: the tick's
time in the schedule, the time until every company's run ended, runs at once (peak), whether any
company ever had two runs at once (must be never), the daemon's own CPU and the machine's load.
Figures, not assertions: docs/scaling.md keeps them.
"""

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa
import yaml

from qbd_pipeline.processes import stop

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
POSTGRES = os.environ.get("QBD_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
KEY = "sk_fanout"


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def _process(args: list, env: dict, log: Path):
    out = log.open("w")
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield process
    finally:
        stop(process)
        out.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--companies", type=int, default=50)
    parser.add_argument("--customers", type=int, default=200, help="customers per company file")
    parser.add_argument("--max-runs", type=int, help="max_concurrent_runs (default: the shipped file's)")
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args()
    from qbd_pipeline.processes import answers, free_port

    work = Path(tempfile.mkdtemp(prefix="qbd-fanout-"))
    companies = [f"end_usr_fanout_{i:03d}" for i in range(args.companies)]
    url = sa.make_url(POSTGRES)
    database, schema = f"qbd_fanout_{uuid.uuid4().hex[:8]}", f"fanout_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{database}"')
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    wms_url = f"{POSTGRES}?options=-csearch_path%3D{schema}"
    home = work / "dagster_home"
    home.mkdir()
    config = yaml.safe_load((ROOT / "deploy" / "dagster.prod.yaml").read_text())
    if args.max_runs:
        config["concurrency"]["runs"]["max_concurrent_runs"] = args.max_runs
    (home / "dagster.yaml").write_text(yaml.safe_dump(config))
    port = free_port()
    env = {"PATH": f"{BIN}:{os.environ.get('PATH', '')}", "HOME": str(work), "DAGSTER_HOME": str(home),
           "DAGSTER_PG_HOST": url.host or "127.0.0.1", "DAGSTER_PG_PORT": str(url.port or 5432),
           "DAGSTER_PG_DB": database, "DAGSTER_PG_USER": url.username or "postgres", "CONDUCTOR_SECRET_KEY": KEY,
           "CONDUCTOR_BASE_URL": f"http://127.0.0.1:{port}/v1", "WMS_DATABASE_URL": wms_url,
           "QBD_PULL_START": datetime.now(timezone.utc).strftime("%Y-%m-%d"), "QBD_PULL_CRON": "* * * * *"}
    os.environ.update(env)
    sizes = ["--customers", str(args.customers), "--vendors", "20", "--inventory-items", "20",
             "--sales-orders", "50", "--purchase-orders", "10", "--invoices", "50", "--inventory-adjustments", "5"]
    emulator = [sys.executable, "-m", "qbd_pipeline.emulator", "--port", str(port), "--secret-key", KEY,
                "--log-level", "warning", *sizes, *[a for c in companies for a in ("--end-user-id", c)]]
    try:
        with _process(emulator, env, work / "emulator.log"):
            began = time.monotonic()
            while not answers(port):
                time.sleep(0.5)
            print(f"emulator: {len(companies)} company files seeded in {time.monotonic() - began:.0f} s")
            subprocess.run([BIN / "qbd-pipeline", "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
            for company in companies:  # as an operator adds them
                subprocess.run([BIN / "qbd-pipeline", "companies", "add", company], env=env, cwd=ROOT, check=True,
                               capture_output=True)
            import dagster as dg

            from qbd_pipeline.definitions import defs

            with dg.DagsterInstance.get() as instance:
                schedule = defs.resolve_schedule_def("qbd_incremental_pull_schedule")
                began = time.monotonic()
                with dg.build_schedule_context(instance=instance, resources=defs.resources,
                                               scheduled_execution_time=datetime.now(timezone.utc)) as context:
                    requested = schedule(context)
                tick_seconds = time.monotonic() - began
            print(f"schedule evaluation: {len(requested)} run requests in {tick_seconds:.2f} s")
            subprocess.run([BIN / "dagster", "schedule", "start", "qbd_incremental_pull_schedule", "-w",
                            "workspace.yaml"], env=env, cwd=ROOT, check=True, capture_output=True)
            with _process([BIN / "dagster-daemon", "run", "-w", "workspace.yaml"], env, work / "daemon.log") as daemon:
                started = time.monotonic()
                loads, peak = [], 0
                with dg.DagsterInstance.get() as instance:
                    while time.monotonic() - started < args.timeout:
                        runs = instance.get_runs(filters=dg.RunsFilter(job_name="qbd_incremental_pull"))
                        live = [r for r in runs if r.status == dg.DagsterRunStatus.STARTED]
                        peak = max(peak, len(live))
                        loads.append(os.getloadavg()[0])
                        done = [r for r in runs if r.is_finished]
                        if len({r.tags.get("qbd/end_user") for r in done}) >= len(companies):
                            break
                        time.sleep(1)
                    first_tick_runs = done
                    daemon_cpu = _cpu_seconds(daemon.pid)
                    wall = time.monotonic() - started
                    records = instance.get_run_records(filters=dg.RunsFilter(job_name="qbd_incremental_pull"))
            spans: dict[str, list[tuple[float, float]]] = {}
            for record in records:
                if record.start_time and record.end_time:
                    spans.setdefault(record.dagster_run.tags.get("qbd/end_user"), []).append(
                        (record.start_time, record.end_time))
            overlaps = sum(1 for s in spans.values()
                           for a, b in zip(sorted(s), sorted(s)[1:], strict=False) if b[0] < a[1])
            durations = sorted(e - s for v in spans.values() for s, e in v)
            created = min(r.create_timestamp.timestamp() for r in records)
            last_end = max(e for v in spans.values() for _s, e in v)
            ok = sum(1 for r in first_tick_runs if r.status == dg.DagsterRunStatus.SUCCESS)
            print(f"companies {len(companies)}: {ok} of {len(first_tick_runs)} runs succeeded, "
                  f"{last_end - created:.0f} s from the tick (first run created) to the last run's end; "
                  f"peak {peak} runs at once (max_concurrent_runs "
                  f"{config['concurrency']['runs']['max_concurrent_runs']}); run time median "
                  f"{durations[len(durations) // 2]:.1f} s, max {durations[-1]:.1f} s; per-company overlaps "
                  f"{overlaps}; daemon CPU {daemon_cpu:.0f} s in {wall:.0f} s ({100 * daemon_cpu / wall:.0f}% of one "
                  "core); load "
                  f"average peak {max(loads):.1f} on {os.cpu_count()} cores")
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
