"""Several QuickBooks company files in one WMS: each record is its company's, however the ids overlap.

The emulator serves two company files whose customer ids overlap (with other customers behind them),
as two real company files can. Both are pulled into one WMS and edited there; every pull, mark,
change and push stays with the company file it belongs to.
"""

from datetime import timedelta

import dagster as dg
import sqlalchemy as sa

from qbd_pipeline.conductor.resource import ConductorResource
from qbd_pipeline.pushback.jobs import wms_push_back
from qbd_pipeline.quickbooks.partitions import days
from qbd_pipeline.spec.entities import ENTITIES
from qbd_pipeline.sync.failed_changes import resolve_failed
from qbd_pipeline.sync.pull import pull_entity
from qbd_pipeline.wms.schema import TABLES, companies, sync_state
from qbd_pipeline_tests.conftest import END_USER, OTHER_END_USER, SECRET_KEY, sdk_client
from qbd_pipeline_tests.pushback.helpers import changes, sql
from qbd_pipeline_tests.wms_compare import differences

A, B = END_USER, OTHER_END_USER


def _conductor(server, company: str) -> ConductorResource:
    return ConductorResource(secret_key=SECRET_KEY, end_user_id=company, base_url=server.base_url)


def _load(server, wms, company: str) -> None:
    for entity in ENTITIES:
        result = pull_entity(_conductor(server, company), wms.engine(), entity, run_id=f"load-{company}",
                             partition_start=None, partition_end=days.start + timedelta(hours=1),
                             partition_range="initial load")
        assert result.status == "success", result.totals.errors[:3]


def _push(server, wms, company: str) -> dg.ExecuteInProcessResult:
    return wms_push_back.execute_in_process(
        resources={"conductor": _conductor(server, company), "wms": wms}, instance=dg.DagsterInstance.ephemeral())


def _shared_customer(server) -> tuple[str, str, str]:
    """A customer id both company files use, and its name in each."""
    client = sdk_client(server)
    names = [{c.id: c.name for c in client.qbd.customers.list(conductor_end_user_id=who, limit=150)}
             for who in (A, B)]
    shared = sorted(set(names[0]) & set(names[1]))[0]
    assert names[0][shared] != names[1][shared]
    return shared, names[0][shared], names[1][shared]


def _customers(wms, qbd_id: str) -> dict[str, dict]:
    customers = TABLES["customers"][0]
    with wms.engine().connect() as connection:
        return {r.company: r._asdict() for r in connection.execute(
            sa.select(customers).where(customers.c.qbd_id == qbd_id))}


def test_two_company_files_in_one_wms_keep_their_own_records_marks_and_runs(server, wms):
    shared, name_a, name_b = _shared_customer(server)
    _load(server, wms, A)
    _load(server, wms, B)
    _load(server, wms, A)  # pulling one company file again changes nothing of the other

    assert differences(server.emulator, A, wms.engine()) == []
    assert differences(server.emulator, B, wms.engine()) == []
    both = _customers(wms, shared)
    assert (both[A]["name"], both[B]["name"]) == (name_a, name_b)  # the second pull overwrote nothing
    with wms.engine().connect() as connection:
        marks = connection.execute(sa.select(sync_state.c.company, sa.func.count()).group_by(
            sync_state.c.company)).all()
        registered = connection.execute(sa.select(companies.c.id, companies.c.status).order_by(companies.c.id)).all()
        runs = connection.execute(sa.text("SELECT company, count(*) FROM sync_runs GROUP BY company")).all()
    assert dict(marks) == {A: len(ENTITIES), B: len(ENTITIES)}
    assert [tuple(r) for r in registered] == [(A, "active"), (B, "active")]
    assert dict(runs) == {A: 2 * len(ENTITIES), B: len(ENTITIES)}


def test_a_wms_edit_goes_to_the_company_file_its_row_belongs_to(server, wms):
    shared, name_a, _name_b = _shared_customer(server)
    _load(server, wms, A)
    _load(server, wms, B)
    sql(wms, "UPDATE customers SET phone = '555-0199' WHERE company = :c AND qbd_id = :q", c=B, q=shared)
    [change] = changes(wms)
    assert change["company"] == B

    assert _push(server, wms, A).success  # company A's push leaves company B's change alone
    assert [c["status"] for c in changes(wms)] == ["pending"]
    assert _push(server, wms, B).success
    assert [c["status"] for c in changes(wms)] == ["pushed"]

    client = sdk_client(server)
    assert client.qbd.customers.retrieve(shared, conductor_end_user_id=B).phone == "555-0199"
    untouched = client.qbd.customers.retrieve(shared, conductor_end_user_id=A)
    assert untouched.name == name_a and untouched.phone != "555-0199"
    assert differences(server.emulator, A, wms.engine()) == []
    assert differences(server.emulator, B, wms.engine()) == []


def test_a_row_naming_no_company_file_is_refused_with_the_reason_until_it_names_one(server, wms):
    _load(server, wms, A)
    _load(server, wms, B)
    sql(wms, "INSERT INTO vendors (name, is_active) VALUES ('Whose Supply Co', true)")
    assert _push(server, wms, A).success
    [refused] = changes(wms)
    assert refused["status"] == "failed" and "names no company file" in refused["last_error"]

    sql(wms, "UPDATE vendors SET company = :c WHERE name = 'Whose Supply Co'", c=B)
    resolve_failed(wms.engine(), action="retry", entity="vendors", change_ids=None, by="ops-anna",
                   reason="named its company file", run_id="operator")
    assert _push(server, wms, A).success and {c["status"] for c in changes(wms)} == {"pending"}
    assert _push(server, wms, B).success and {c["status"] for c in changes(wms)} == {"pushed"}
    client = sdk_client(server)
    made = [v for v in client.qbd.vendors.list(conductor_end_user_id=B, limit=150) if v.name == "Whose Supply Co"]
    assert len(made) == 1
    assert not [v for v in client.qbd.vendors.list(conductor_end_user_id=A, limit=150) if v.name == "Whose Supply Co"]


def test_the_schedule_and_the_sensor_fan_out_per_company_with_each_companys_own_settings(server, wms, tmp_path):
    """`qbd-pipeline companies` as an operator runs it; then one schedule tick requests a run per active
    company file whose own gates are open, and the sensor one push-back run per company with due changes."""
    import subprocess
    import sys
    from datetime import datetime, timezone
    from pathlib import Path

    from qbd_pipeline.definitions import defs
    from qbd_pipeline.quickbooks.partitions import COMPANIES, key
    from qbd_pipeline.sync.gates import forget_health
    from qbd_pipeline_tests.quickbooks.pull_helpers import resources

    C = "end_usr_suite_c"  # a third company file, paused: no runs, its changes wait
    qbd = [str(Path(sys.executable).parent / "qbd-pipeline"), "companies"]
    env = {"PATH": str(Path(sys.executable).parent), "HOME": str(tmp_path), "DAGSTER_HOME": str(tmp_path)}
    url = ["--url", wms.url]
    for args in (["add", A], ["add", B, "--quiet-hours", "09:00-11:00", "--timezone", "UTC"], ["add", C],
                 ["pause", C]):
        done = subprocess.run([*qbd, *args, *url], env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
    listed = subprocess.run([*qbd, "list", *url], env=env, capture_output=True, text=True, timeout=60).stdout
    assert [line.split("\t")[:2] for line in listed.splitlines()] == [[A, "active"], [B, "active"], [C, "paused"]]

    schedule = defs.resolve_schedule_def("qbd_incremental_pull_schedule")
    res = resources(server, wms)
    forget_health()
    with dg.instance_for_test() as instance:
        when = datetime(2026, 11, 2, 10, 5, tzinfo=timezone.utc)  # inside B's quiet hours
        with dg.build_schedule_context(instance=instance, scheduled_execution_time=when, resources=res) as context:
            requests = schedule(context)
        assert [(r.partition_key, r.tags["qbd/end_user"]) for r in requests] == [(key(A, "2026-11-02"), A)]
        assert set(instance.get_dynamic_partitions(COMPANIES)) == {A, B}  # the active ones are partitions
        when = datetime(2026, 11, 2, 12, 5, tzinfo=timezone.utc)
        with dg.build_schedule_context(instance=instance, scheduled_execution_time=when, resources=res) as context:
            requests = schedule(context)
        assert sorted(r.tags["qbd/end_user"] for r in requests) == [A, B]

        _load(server, wms, A)
        _load(server, wms, B)
        for company in (A, B, C):
            sql(wms, "INSERT INTO vendors (company, name, is_active) VALUES (:c, :n, true)", c=company,
                n=f"New Vendor of {company}")
        sensor = defs.resolve_sensor_def("wms_change_sensor")
        with dg.build_sensor_context(instance=instance, resources=res) as context:
            tick = sensor.evaluate_tick(context)
        assert sorted(r.tags["qbd/end_user"] for r in tick.run_requests) == [A, B]  # C is paused: it waits
    forget_health()
