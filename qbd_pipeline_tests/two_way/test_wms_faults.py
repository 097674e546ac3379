"""The WMS going away, or the warehouse app holding a lock too long, in the middle of a run: the run waits
for a bounded time, fails with the catalogue's one line when it must, and the next run converges with no
stale ledger row. The WMS connection goes through a TCP proxy the test cuts."""

import threading
import time

import dagster as dg
import pytest
import sqlalchemy as sa

from qbd_pipeline.spec.catalogue import CATALOGUE
from qbd_pipeline.sync.console import read_console
from qbd_pipeline.watchdog import close_stopped_runs
from qbd_pipeline.wms.resources import WmsDatabase, dispose_engine
from qbd_pipeline.wms.schema import sync_runs
from qbd_pipeline_tests.conftest import END_USER, POSTGRES_URL, postgres_schema, sdk_client
from qbd_pipeline_tests.migrated import migrated
from qbd_pipeline_tests.pushback.helpers import changes, loaded, push, sql
from qbd_pipeline_tests.quickbooks.pull_helpers import FIRST, control, pull
from qbd_pipeline_tests.tcp_proxy import TcpProxy
from qbd_pipeline_tests.wms_compare import differences

EU = {"conductor_end_user_id": END_USER}
CUT_SECONDS = 20


@pytest.fixture
def behind_a_proxy():
    """(the WMS as the sync reaches it through the proxy, the same WMS reached directly, the proxy)."""
    with postgres_schema() as url:
        migrated(url, POSTGRES_URL, postgres_schema)
        target = sa.make_url(url)
        proxy = TcpProxy((target.host or "127.0.0.1", target.port or 5432))
        through = proxy.url(url)
        try:
            yield WmsDatabase(url=through), WmsDatabase(url=url), proxy
        finally:
            proxy.close()
            dispose_engine(through)


def _rows(wms: WmsDatabase) -> list[dict]:
    with wms.engine().connect() as connection:
        return [r._asdict() for r in connection.execute(sa.select(sync_runs).order_by(sync_runs.c.id))]


def _cut_when(proxy: TcpProxy, ready, seconds: float = CUT_SECONDS) -> threading.Thread:
    def run() -> None:
        deadline = time.monotonic() + 60
        while not ready() and time.monotonic() < deadline:
            time.sleep(0.1)
        proxy.cut()
        time.sleep(seconds)
        proxy.restore()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@pytest.mark.postgres
def test_a_pull_waits_out_a_wms_that_stopped_answering_and_converges(server, behind_a_proxy, monkeypatch):
    wms, direct, proxy = behind_a_proxy
    monkeypatch.setenv("QBD_WMS_RETRY_SECONDS", "60")
    loaded(server, direct)
    control(server, "POST", "faults", kind="latency", seconds=0.7, method="GET", path_contains="/customers",
            count=12)
    cutter = _cut_when(proxy, lambda: any(r["entity"] == "customers" and r["status"] == "running"
                                          and r["processed"] for r in _rows(direct)))
    instance = dg.DagsterInstance.ephemeral()
    result = pull(server, wms, FIRST, instance=instance, config={"page_size": 5, "refetch": True})
    cutter.join()
    assert result.success  # the step waited for the WMS, then pulled its window again
    said = [e.user_message for e in instance.all_logs(result.run_id) if "the WMS" in (e.user_message or "")]
    assert any("the WMS does not answer" in m for m in said) and any("answered again after" in m for m in said)
    assert {r["status"] for r in _rows(direct)} == {"success"}  # no stale row
    assert differences(server.emulator, END_USER, direct.engine()) == []


@pytest.mark.postgres
def test_a_push_cut_off_past_its_window_fails_saying_so_and_the_next_run_converges(server, behind_a_proxy,
                                                                                   monkeypatch):
    wms, direct, proxy = behind_a_proxy
    monkeypatch.setenv("QBD_WMS_RETRY_SECONDS", "4")
    loaded(server, direct)
    vendors = sdk_client(server).qbd.vendors.list(**EU).data
    for number, vendor in enumerate(vendors):
        sql(direct, "UPDATE vendors SET phone = :p WHERE qbd_id = :q", p=f"555-07{number:02d}", q=vendor.id)
    control(server, "POST", "faults", kind="latency", seconds=0.4, method="POST", path_contains="/vendors",
            count=len(vendors))
    cutter = _cut_when(proxy, lambda: len(changes(direct, status="pushed")) >= 3)
    instance = dg.DagsterInstance.ephemeral()
    failed = push(server, wms, instance=instance, raise_on_error=False)
    assert not failed.success
    step = next(e for e in failed.get_step_failure_events() if e.step_key == "push_vendors")
    said = step.step_failure_data.user_failure_data.description
    assert said.startswith(CATALOGUE["WMS_UNREACHABLE"].title) and "no answer for 4 s" in said
    cutter.join()

    # sync_watchdog's next tick closes the row the run could not, with what the run said; the operator
    # sees the outage; the next run pushes the rest, each once.
    [closed] = [r for r in close_stopped_runs(instance, direct.engine()) if r["entity"] == "vendors"]
    assert closed["status"] == "failed" and CATALOGUE["WMS_UNREACHABLE"].title in closed["error"]
    with direct.engine().connect() as connection:
        console = read_console(connection)
    assert any(e["code"] == "WMS_UNREACHABLE" and e["entity"] == "vendors" for e in console.errors), console.errors
    control(server, "DELETE", "faults")
    assert push(server, wms, instance=instance).success
    rows = _rows(direct)
    left = [r for r in rows if r["run_id"] == failed.run_id and r["entity"] == "vendors"]
    assert left[0]["status"] == "failed" and CATALOGUE["WMS_UNREACHABLE"].title in left[0]["error"]
    assert "running" not in {r["status"] for r in rows}
    assert {c["status"] for c in changes(direct)} == {"pushed"}
    client = sdk_client(server)
    assert [client.qbd.vendors.retrieve(v.id, **EU).phone for v in vendors] == [
        f"555-07{n:02d}" for n in range(len(vendors))]


@pytest.mark.parametrize("dialect", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_lock_held_past_the_timeout_fails_the_run_saying_so_and_the_next_run_converges(server, tmp_path,
                                                                                        monkeypatch, dialect):
    timeout = "8" if dialect == "postgres" else "2"  # on PostgreSQL long enough for a heartbeat to see the wait
    monkeypatch.setenv("QBD_WMS_LOCK_TIMEOUT_SECONDS", timeout)
    with postgres_schema() if dialect == "postgres" else _sqlite(tmp_path) as url:
        migrated(url, POSTGRES_URL, postgres_schema)
        wms = WmsDatabase(url=url)
        loaded(server, wms)
        app = sa.create_engine(url, connect_args={} if dialect == "postgres" else {"timeout": 30})
        try:
            with app.connect() as holder:  # the warehouse app's long transaction
                if dialect == "postgres":
                    holder.exec_driver_sql("BEGIN")
                    holder.exec_driver_sql("LOCK TABLE customers IN EXCLUSIVE MODE")
                else:
                    holder.exec_driver_sql("BEGIN IMMEDIATE")
                instance = dg.DagsterInstance.ephemeral()
                blocked = pull(server, wms, FIRST, instance=instance, config={"refetch": True}, raise_on_error=False)
                holder.exec_driver_sql("ROLLBACK")
        finally:
            app.dispose()
        assert not blocked.success
        step = next(e for e in blocked.get_step_failure_events() if e.step_key == "qbd__customers")
        said = step.step_failure_data.user_failure_data.description
        assert said.startswith(CATALOGUE["WMS_LOCKED"].title)
        assert f"waited {timeout} s (QBD_WMS_LOCK_TIMEOUT_SECONDS)" in said
        if dialect == "postgres":  # the ledger says it too (SQLite's one write lock kept even the ledger out)
            [row] = [r for r in _rows(wms) if r["run_id"] == blocked.run_id and r["entity"] == "customers"]
            assert row["status"] == "failed" and CATALOGUE["WMS_LOCKED"].title in row["error"]
            # and while it waited, the run log said what it was waiting for and who held it
            waits = [e.user_message for e in instance.all_logs(blocked.run_id)
                     if (e.user_message or "").startswith("waiting ")]
            assert waits and "for a WMS lock held by" in waits[0] and "LOCK TABLE customers" in waits[0], waits
        assert pull(server, wms, FIRST, instance=instance, config={"refetch": True}).success
        assert "running" not in {r["status"] for r in _rows(wms)}
        assert differences(server.emulator, END_USER, wms.engine()) == []
        dispose_engine(url)


def _sqlite(tmp_path):
    import contextlib

    @contextlib.contextmanager
    def url():
        yield f"sqlite:///{tmp_path / 'wms.sqlite'}"

    return url()

