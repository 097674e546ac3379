"""The parts of `bench.py` that run in its own process: the emulator's process, fresh WMS databases,
the two read floors (plain HTTP, the SDK), the naive per-row load and the QuickBooks-side edits.

Everything Dagster runs is in `bench_worker.py`, a fresh process per load, so each load's peak RSS
is its own.
"""

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import conductor
import httpx
import sqlalchemy as sa

from qbd_pipeline.conductor.fetch import list_params
from qbd_pipeline.processes import answers, free_port, stop
from qbd_pipeline.spec.entities import RESOURCES_BY_PATH
from qbd_pipeline.spec.mapping import MAPPINGS
from qbd_pipeline.sync.convert import map_record
from qbd_pipeline.sync.pull import PullSettings
from qbd_pipeline.wms.migrate import upgrade
from qbd_pipeline.wms.resources import dispose_engine, make_engine
from qbd_pipeline.wms.schema import TABLES

ROOT = Path(__file__).resolve().parents[1]
KEY, END_USER = "sk_bench", "end_usr_bench"
POSTGRES = os.environ.get("QBD_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
CUSTOMERS = RESOURCES_BY_PATH["customers"]
PAGE_SIZE = PullSettings().page_size  # the pull's page size (150, the emulator's and Conductor's maximum)
# Only customers are measured: every other entity as small as the emulator allows, so seeding is quick.
OTHER_SIZES = ("--vendors", "2", "--inventory-items", "3", "--non-inventory-items", "1", "--service-items", "1",
               "--discount-items", "1", "--inventory-assembly-items", "1", "--other-charge-items", "1",
               "--sales-orders", "1", "--purchase-orders", "1", "--invoices", "1", "--credit-memos", "1",
               "--inventory-adjustments", "1")


def child_env() -> dict:
    """The environment of every child: this checkout's code first, whatever the virtualenv points at."""
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{path}" if path else str(ROOT)}


@dataclass(frozen=True)
class Emulator:
    port: int
    process: subprocess.Popen

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"


@contextlib.contextmanager
def emulator(customers: int, state_file: Path, *, latency: tuple[float, float] = (0.0, 0.0),
             log: Path) -> Iterator[Emulator]:
    """`python -m qbd_pipeline.emulator` in a process (and process group) of its own, serving one
    company of `customers` customers kept in `state_file` (seeded when the file does not exist yet,
    reused otherwise); ready once it listens."""
    port = free_port()
    args = [sys.executable, "-m", "qbd_pipeline.emulator", "--port", str(port), "--customers", str(customers),
            *OTHER_SIZES, "--secret-key", KEY, "--end-user-id", END_USER, "--state-file", str(state_file),
            "--latency-ms-per-request", str(latency[0]), "--latency-ms-per-record", str(latency[1]),
            "--log-level", "warning"]
    with log.open("a") as out:
        process = subprocess.Popen(args, cwd=ROOT, env=child_env(), stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        while not answers(port):
            if process.poll() is not None:
                raise RuntimeError(f"the emulator exited ({process.returncode}); see {log}")
            time.sleep(0.2)
        server = Emulator(port, process)
        _first_page(server)  # its first answer costs more (opening the company, warming its code): not measured
        yield server
    finally:
        stop(process)


def sdk(server: Emulator) -> conductor.Conductor:
    return conductor.Conductor(api_key=KEY, base_url=server.base_url, max_retries=0, timeout=120)


def warm_sdk() -> None:
    """The SDK imports its QuickBooks resources and types at first use (about a second): paid here,
    once, not by the first SDK read (every full load, a fresh process, pays it in its step)."""
    _ = conductor.Conductor(api_key=KEY, base_url="http://127.0.0.1:9/v1").qbd.customers.with_raw_response


def query() -> dict:
    """The full load's listing, as the pull asks it (SDK keyword names): every customer, active or
    not, without alternate shipping addresses, updated before now, 150 a page."""
    return list_params(CUSTOMERS, None, datetime.now(timezone.utc).replace(microsecond=0), PAGE_SIZE)


def _wire(params: dict) -> dict:
    def camel(name: str) -> str:
        head, *rest = name.split("_")
        return head + "".join(word.title() for word in rest)

    return {camel(k): (str(v).lower() if isinstance(v, bool) else v) for k, v in params.items()}


def _first_page(server: Emulator) -> None:
    httpx.get(f"{server.base_url}/quickbooks-desktop/customers", params=_wire(query()), timeout=600,
              headers={"Authorization": f"Bearer {KEY}", "Conductor-End-User-Id": END_USER}).raise_for_status()


def floor_read(server: Emulator) -> dict:
    """Every page of GET /customers over one keep-alive connection, each parsed with `json.loads`:
    the least any full load can cost."""
    url = f"{server.base_url}/quickbooks-desktop/customers"
    params = _wire(query())
    records = requests = 0
    with httpx.Client(headers={"Authorization": f"Bearer {KEY}", "Conductor-End-User-Id": END_USER},
                      timeout=120) as client:
        began = time.perf_counter()
        cursor = None
        while True:
            response = client.get(url, params={**params, "cursor": cursor} if cursor else params)
            response.raise_for_status()
            page = json.loads(response.content)
            requests += 1
            records += len(page["data"])
            cursor = page.get("nextCursor")
            if not page.get("hasMore") or not cursor:
                break
        seconds = time.perf_counter() - began
    return {"seconds": seconds, "records": records, "requests": requests}


def sdk_read(server: Emulator) -> dict:
    """`conductor.Conductor(...).qbd.customers.list(...)`, auto-paging over every record (models built)."""
    client = sdk(server)
    began = time.perf_counter()
    records = sum(1 for _ in client.qbd.customers.list(conductor_end_user_id=END_USER, **query()))
    seconds = time.perf_counter() - began
    client.close()
    return {"seconds": seconds, "records": records}


# --- WMS databases ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Wms:
    dialect: str
    url: str
    schema: str | None = None  # PostgreSQL: the run's own schema
    file: Path | None = None  # SQLite


def new_wms(dialect: str, work: Path, *, migrate: bool = True) -> Wms:
    """A fresh WMS: a SQLite file, or a PostgreSQL schema of its own (search_path in the URL)."""
    tag = uuid.uuid4().hex[:8]
    if dialect == "sqlite":
        file = work / f"wms_{tag}.sqlite"
        wms = Wms(dialect, f"sqlite:///{file}", file=file)
    else:
        schema = f"bench_{tag}"
        with sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT").connect() as connection:
            connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
        url = sa.make_url(POSTGRES).update_query_dict({"options": f"-csearch_path={schema}"})
        wms = Wms(dialect, url.render_as_string(hide_password=False), schema=schema)
    if migrate:
        upgrade(make_engine(wms.url))
    return wms


def drop_wms(wms: Wms) -> None:
    dispose_engine(wms.url)
    if wms.schema:
        engine = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {wms.schema} CASCADE")
        engine.dispose()
    if wms.file:
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{wms.file}{suffix}").unlink()


def postgres_version() -> str | None:
    try:
        engine = sa.create_engine(POSTGRES)
        with engine.connect() as connection:
            version = connection.exec_driver_sql("SHOW server_version").scalar()
        engine.dispose()
        return version
    except sa.exc.OperationalError:
        return None


# --- the naive load ----------------------------------------------------------------------------------
def naive_load(server: Emulator, dialect: str, work: Path, records: int) -> dict:
    """The original plan's load, per record read with the SDK: SELECT by qbd id, INSERT or UPDATE,
    COMMIT, with SQLAlchemy into a table of the `customers` shape (every column, indexes and unique
    key; no triggers, no snapshots), each row mapped by the product's own `map_record`."""
    wms = new_wms(dialect, work, migrate=False)
    try:
        engine = make_engine(wms.url)  # the product's engine: WAL and a busy timeout on SQLite
        table = TABLES["customers"][0].to_metadata(sa.MetaData())
        table.metadata.create_all(engine)
        client = sdk(server)
        done = 0
        began = time.perf_counter()
        with engine.connect() as connection:
            for customer in client.qbd.customers.list(conductor_end_user_id=END_USER, **query()):
                row, _lines = map_record(MAPPINGS["customers"], CUSTOMERS, customer.to_dict(mode="json"),
                                         datetime.now(timezone.utc))
                row["company"] = END_USER
                found = connection.execute(sa.select(table.c.id).where(
                    table.c.company == END_USER, table.c.qbd_id == row["qbd_id"])).first()
                if found is None:
                    connection.execute(table.insert().values(row))
                else:
                    connection.execute(table.update().where(table.c.id == found.id).values(row))
                connection.commit()
                done += 1
                if done >= records:
                    break
        seconds = time.perf_counter() - began
        client.close()
        return {"seconds": seconds, "records": done, "ms_per_record": 1000 * seconds / max(done, 1)}
    finally:
        drop_wms(wms)


def change_customers(server: Emulator, count: int) -> list[str]:
    """`count` customers edited as a QuickBooks user would (through the SDK): each gets a new
    revision and `updatedAt` by the emulator's clock (at most a page, 150). Returns their ids."""
    client = sdk(server)
    customers = client.qbd.customers.list(conductor_end_user_id=END_USER, limit=count, status="active").data
    for number, customer in enumerate(customers):
        client.qbd.customers.update(customer.id, revision_number=customer.revision_number,
                                    conductor_end_user_id=END_USER, phone=f"555-{number:04d}")
    client.close()
    return [c.id for c in customers]


def temporary_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="qbd-bench-"))
