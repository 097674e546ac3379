"""The one table `bench.py` prints (and `--write` keeps in docs/benchmarks.md), with the machine it ran on."""

import os
import platform
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
COLUMNS = ("measure", "customers", "dialect", "result", "detail", "target", "verdict")


@dataclass(frozen=True)
class Row:
    measure: str
    customers: int | None
    dialect: str
    result: str
    detail: str = ""
    target: str = ""
    verdict: str = ""  # met / unmet / "" (no target at this size)

    def cells(self) -> tuple[str, ...]:
        return (self.measure, f"{self.customers:,}" if self.customers else "", self.dialect, self.result,
                self.detail, self.target, self.verdict)


def check(value: float, target: str, applies: bool = True) -> tuple[str, str]:
    """(target, verdict) of a ratio against a target such as "<= 1.5"; no verdict where it does not apply."""
    if not applies:
        return "", ""
    op, bound = target.split()
    met = value <= float(bound) if op == "<=" else value >= float(bound)
    return target, "met" if met else "UNMET"


def text_table(rows: list[Row]) -> str:
    cells = [COLUMNS, *(r.cells() for r in rows)]
    widths = [max(len(c[i]) for c in cells) for i in range(len(COLUMNS))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in r.cells()) + " |" for r in rows]
    return "\n".join(lines)


def _first(path: str, prefix: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "?"


def machine(postgres_version: str | None) -> dict:
    memory = _first("/proc/meminfo", "MemTotal")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True,
                           text=True)
    return {
        "cores (nproc)": str(os.cpu_count()),
        "memory": f"{int(memory.split()[0]) / 1024 / 1024:.1f} GiB" if memory[0].isdigit() else memory,
        "CPU": _first("/proc/cpuinfo", "model name"),
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "Python": f"{platform.python_version()} ({platform.python_implementation()})",
        "PostgreSQL server": postgres_version or "not used",
        "git commit": (commit.stdout.strip() or "?") + (" (with uncommitted changes)" if dirty.stdout.strip() else ""),
    }


PROSE = """\
# Benchmarks

`make bench` (`benchmarks/bench.py`) measures the customers pull, its floors and its baseline, the
hourly incremental partition and the push-back, on an emulated company of N customers (10,000 and
100,000 by default; `--million` adds 1,000,000) and on both WMS dialects (a SQLite file, and
PostgreSQL at `QBD_TEST_POSTGRES_URL`, each load in a fresh schema dropped afterwards). The emulator
runs in a process of its own, seeded once per size; every Dagster load runs in a fresh process, so
its peak RSS is its own. Seconds are medians of `--repeat` runs (3 by default) for the floor, the
SDK read and the full load; the rest is run once. These are figures, not tests: nothing here is
timed by `make test` (a smoke test only checks that the command still runs).

`BENCH_ARGS` passes flags: `make bench BENCH_ARGS='--sizes 2000 --dialects sqlite'` for a quick look,
`--latency` for the realistic-latency rows, `--write` to rewrite this file.

## What each row measures

- **emulator seed**: seconds to generate the company (not part of any figure below).
- **floor**: plain HTTP (httpx, one keep-alive connection) and `json.loads` of every page of
  `GET /v1/quickbooks-desktop/customers`, with the pull's own query (`limit=150`, the pull's page
  size and Conductor's maximum; `status=all`, `excludeAlternateShippingAddresses=true`,
  `updatedBefore=now`), following `nextCursor` while `hasMore`. Nothing can load faster.
- **SDK read**: `conductor.Conductor(...).qbd.customers.list(...)` with the same query, auto-paging
  over every record (the SDK builds a model per record).
- **full load**: the `qbd/customers` asset's full initial load, `dg.materialize` over the whole
  partition range of the company in one run, into a freshly migrated WMS, in a fresh process: the
  wall time of the call, with Dagster's bookkeeping and the SDK's first-use import; `step` in the
  detail is the asset's own `seconds`. Peak RSS is the load process's `ru_maxrss` (Dagster and the
  project imported included: see "before the run").
- **naive per-row**: the original plan's load on a subset read with the SDK: per record, SELECT by
  `(company, qbd_id)`, INSERT or UPDATE, COMMIT, through SQLAlchemy on the same dialect into a table
  of the `customers` shape (every mapped column, mapped by the product's `map_record`; the indexes
  and unique key, no triggers or snapshots, so the baseline does less than the pull). Its time per
  record includes the SDK read; `extrapolated` is that times N.
- **incremental**: after the loads, 100 customers are edited through the SDK (new revision,
  `updatedAt` by the emulator's clock), then one run materializes only the partition the hourly
  schedule asks for now (the open day, from the high-water mark), with the customers' WMS checks as
  the hourly job runs them. It runs in a process that has already imported the SDK's QuickBooks
  resources; a real run's fresh process pays that first use too (about a second here, in the full
  load's figures).
- **push updates / push creates**: 100 plain-SQL `UPDATE customers SET phone = ...` (as the
  warehouse app writes), then one `wms_push_back` run; then 100 plain-SQL `INSERT`s and another run.
  `api_requests` and `requests_per_change` come from the `push_customers` op's output; seconds per
  change is the run's wall time over the changes.
- **latency ...** (`--latency`): the floor and the full load again at 10,000 customers against an
  emulator that answers at QuickBooks' pace: `--latency-ms-per-request 40 --latency-ms-per-record
  0.5`, a 150-record page in 115 ms, about 1,300 records a second. The Conductor reference gives no
  figure (it says QuickBooks Desktop is slow and that large queries can take minutes); these are
  assumptions of a fast company PC: a round trip through Conductor's cloud and the Web Connector,
  and qbXML serialization per record.

## How to read the ratios

Each ratio names its target; `verdict` says met or UNMET where the target applies, and `-` where
it does not (the target then says where it does, e.g. "at 100k").

- **full/floor**: what the pull costs beyond reading and parsing the pages; the fetch runs in its
  own thread while the loader writes, so it should stay close to 1 (target <= 1.5 at 100,000 on both
  dialects).
- **full/SDK**: the full load must never be slower than merely reading through the SDK (<= 1.0).
- **naive/full**: how much the batched load saves over per-row commits (>= 30 on PostgreSQL).
- **latency full/floor**: with QuickBooks' latency, loading must hide behind fetching (<= 1.05).
- **incremental largest/10k**: an hourly run must not grow with the company (<= 1.2).
- **peak RSS largest/10k**: memory must not grow with N (at 1,000,000: <= 400 MB and within 10% of
  the 10,000 figure).
- **push requests per change**: one request per change, reads ahead included (<= 1.05).
"""


def write_doc(rows: list[Row], command: str, info: dict) -> Path:
    machine_lines = "\n".join(f"- {k}: {v}" for k, v in info.items())
    DOC.write_text(f"{PROSE}\n## Figures\n\n```\n{command}\n```\n\n{machine_lines}\n\n{markdown_table(rows)}\n")
    return DOC
