"""Live progress: processed / total in the step's `sync_runs` row and the run log, while it runs."""

import threading
import time
from datetime import timedelta

import sqlalchemy as sa

from qbd_pipeline.quickbooks.partitions import days
from qbd_pipeline.spec.entities import ENTITIES_BY_NAME
from qbd_pipeline.sync.progress import Progress
from qbd_pipeline.sync.pull import PullSettings, pull_entity
from qbd_pipeline.wms.schema import sync_runs
from qbd_pipeline_tests.conftest import END_USER, sdk_client
from qbd_pipeline_tests.quickbooks.pull_helpers import control, resources


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_total_comes_from_the_first_page_and_lines_are_said_at_a_steady_rate():
    said: list[str] = []
    clock = _Clock()
    progress = Progress(None, None, "customers", said.append, every_seconds=2.0, clock=clock)
    progress.fetched_page("customers", 150, 850, 150)  # first page (from the fetch's thread): 850 more to come
    assert progress.total == 1000 and said == []  # the fetch only counts; the loader says
    progress.tick()
    assert said == []  # not yet time to say anything
    clock.now = 2.5
    progress.fetched_page("customers", 300, 700, 300)
    progress.tick()  # the loader, waiting for pages
    assert said == ["customers: fetched 300 / 1,000 (30%), loaded 0"]
    progress.expect("customers", 990)  # it brought fewer than announced: the total follows
    clock.now = 5.0
    progress.fetched_page("customers", 990, 0, 990)
    progress.processed_some(500, failed=3)
    assert said[-1] == "customers: fetched 990 / 990 (100%), loaded 500, 3 failed"
    clock.now = 7.5
    progress.processed_some(490)
    assert said[-1] == "customers: processed 990 / 990 (100%), 3 failed"


def test_a_slow_pull_shows_its_progress_in_its_sync_runs_row_while_it_runs(server, wms):
    engine = wms.engine()
    first = sdk_client(server).qbd.customers.with_raw_response.list(
        limit=1, status="all", conductor_end_user_id=END_USER).json()
    total = len(first["data"]) + first["remainingCount"]
    control(server, "POST", "faults", kind="latency", seconds=0.25, method="GET", path_contains="/customers",
            count=6, skip=1)
    seen: list[tuple] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            with engine.connect() as connection:
                seen.extend(connection.execute(sa.select(
                    sync_runs.c.status, sync_runs.c.fetched, sync_runs.c.processed, sync_runs.c.total).where(
                    sync_runs.c.entity == "customers")).all())
            time.sleep(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    said: list[str] = []
    start = days.start
    try:
        result = pull_entity(resources(server, wms)["conductor"], engine, ENTITIES_BY_NAME["customers"],
                             run_id="progress", partition_start=None, partition_end=start + timedelta(hours=1),
                              partition_range="progress",
                             settings=PullSettings(page_size=25, progress_every_seconds=0.0), on_progress=said.append)
    finally:
        done.set()
        watcher.join()
    running = [row for row in seen if row.status == "running" and row.total]
    assert running and any(0 < row.fetched < row.total for row in running)  # seen part-way
    assert {row.total for row in running} >= {result.fetched}
    with engine.connect() as connection:
        final = connection.execute(sa.select(sync_runs).where(sync_runs.c.run_id == "progress")).one()
    assert (final.status, final.processed, final.total, final.fetched) == ("success", total, total, total)
    # after the first page: what was fetched, or (written as each page arrives) what was processed
    assert any(line.startswith(("customers: fetched 25 / ", "customers: processed 25 / ")) for line in said), said[:8]
    assert f"customers: processed {total:,} / {total:,} (100%)" in said
