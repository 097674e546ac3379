"""`make bench` still runs: benchmarks/bench.py on a tiny company, SQLite only, every row printed.

Nothing is timed here (benchmarks are figures, not tests): only that the shipped command cannot rot.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ROWS = ("emulator seed", "floor", "SDK read", "full load", "full/floor", "full/SDK", "full load peak RSS",
        "naive per-row", "naive/full", "incremental", "push updates", "push creates")


@pytest.mark.slow
def test_the_benchmark_runs_and_prints_every_row_of_its_table():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONDUCTOR_", "DAGSTER_", "QBD_", "WMS_"))}
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--sizes", "300", "--repeat", "1",
                           "--dialects", "sqlite", "--changes", "10", "--naive-records", "100"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    measures = [line.split("  ")[0] for line in done.stdout.splitlines()]
    assert measures[0] == "measure"
    for row in ROWS:
        assert row in measures, f"no row {row!r} in:\n{done.stdout}"
