"""The operator's console through a real `dagster-webserver`'s GraphQL API, on the shipped production
instance (PostgreSQL storage, a real `dagster-daemon` dequeuing the runs): launch a pull, watch its
progress move while QuickBooks is slow, terminate it, then launch it again and read what it
materialized and what its checks found, as the UI reads them.
"""

import re

import dagster as dg
import httpx
import pytest
import sqlalchemy as sa
from dagster_graphql import DagsterGraphQLClient

from qbd_pipeline.processes import free_port
from qbd_pipeline.quickbooks.partitions import ensure_companies
from qbd_pipeline.wms.resources import dispose_engine
from qbd_pipeline.wms.schema import sync_runs
from qbd_pipeline_tests.conftest import END_USER, sdk_client, small_config
from qbd_pipeline_tests.quickbooks.pull_helpers import FIRST, control

from .instance import dagster_process, migrate, production_env, use_env, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
EU = {"conductor_end_user_id": END_USER}
PROGRESS = re.compile(r"^customers: (?:fetched|processed) ([\d,]+) / ([\d,]+)")

LOGS = """query Logs($runId: ID!) { logsForRun(runId: $runId, limit: 5000) {
  __typename ... on EventConnection { events { __typename ... on MessageEvent { message } } } } }"""
MATERIALIZATION = """query Latest($path: [String!]!) { assetOrError(assetKey: {path: $path}) {
  __typename ... on Asset { assetMaterializations(limit: 1) { runId partition metadataEntries { label __typename
    ... on IntMetadataEntry { intValue } ... on MarkdownMetadataEntry { mdStr } } } } } }"""
CHECK = """query Check($path: [String!]!, $name: String!) {
  assetCheckExecutions(assetKey: {path: $path}, checkName: $name, limit: 1) {
    runId status evaluation { success severity description } } }"""


def graphql(port: int, query: str, **variables) -> dict:
    response = httpx.post(f"http://127.0.0.1:{port}/graphql", json={"query": query, "variables": variables},
                          timeout=30)
    response.raise_for_status()
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]


def messages(port: int, run_id: str) -> list[str]:
    logs = graphql(port, LOGS, runId=run_id)["logsForRun"]
    return [e["message"] for e in logs.get("events", []) if "message" in e]


def ledger(wms_url: str, run_id: str) -> dict[str, dict]:
    from qbd_pipeline.wms.resources import make_engine

    with make_engine(wms_url).connect() as connection:
        return {r.entity: r._asdict() for r in connection.execute(
            sa.select(sync_runs).where(sync_runs.c.run_id == run_id))}


def test_launch_watch_terminate_and_read_through_the_webservers_graphql(tmp_path, dagster_database, monkeypatch):
    from qbd_pipeline.emulator.server import EmulatorServer

    wms_url = f"sqlite:///{tmp_path / 'wms.sqlite'}"
    port = free_port()
    with EmulatorServer(small_config()) as server:
        env = production_env(tmp_path, dagster_database, base_url=server.base_url, wms_url=wms_url)
        use_env(monkeypatch, env)
        migrate(env)
        try:
            with dagster_process("dagster-daemon", ["run", "-w", "workspace.yaml"], env, tmp_path / "daemon.log"), \
                    dagster_process("dagster-webserver", ["-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
                                    env, tmp_path / "webserver.log"):
                wait_for("the webserver", lambda: _answers(port), timeout=120, every=0.5)
                _console(server, port, wms_url)
        finally:
            dispose_engine(wms_url)


def _answers(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/server_info", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _console(server, port: int, wms_url: str) -> None:
    client = DagsterGraphQLClient("127.0.0.1", port_number=port)
    # QuickBooks answers slowly: 12 pages of 5 customers, 1.5 s each.
    control(server, "POST", "faults", kind="latency", seconds=1.5, method="GET", path_contains="/customers",
            count=40)
    # The company file's partition, as `qbd-pipeline companies add` (or the schedule's first tick) adds it;
    # a run of one company's day, tagged as the UI's launchpad tags it.
    with dg.DagsterInstance.get() as instance:
        ensure_companies(instance, [END_USER])
    partition = {"dagster/partition": f"{END_USER}|{FIRST}", "dagster/partition/company": END_USER,
                 "dagster/partition/day": FIRST}
    slow = client.submit_job_execution("qbd_incremental_pull", tags=partition,
                                       run_config={"ops": {"qbd__customers": {"config": {"page_size": 5}}}})
    seen_in_log: set[int] = set()
    seen_in_ledger: set[int] = set()

    def progress_moved() -> bool:
        for message in messages(port, slow):
            match = PROGRESS.match(message)
            if match:
                assert match.group(2) == "60"  # the total, from QuickBooks' first page
                seen_in_log.add(int(match.group(1).replace(",", "")))
        row = ledger(wms_url, slow).get("customers")
        if row and row["status"] == "running" and row["fetched"]:
            seen_in_ledger.add(row["fetched"])
        return len({n for n in seen_in_log if n < 60}) >= 2 and len({n for n in seen_in_ledger if n < 60}) >= 2

    wait_for("live progress in the run log and the sync_runs row", progress_moved, timeout=120, every=0.5)
    assert str(client.get_run_status(slow)) == "DagsterRunStatus.STARTED"
    client.terminate_run(slow)
    wait_for("the run to end cancelled", lambda: str(client.get_run_status(slow)) == "DagsterRunStatus.CANCELED",
             timeout=60, every=0.5)
    row = wait_for("its ledger row to end", lambda: (r := ledger(wms_url, slow).get("customers")) and
                   r["status"] != "running" and r, timeout=30, every=0.5)
    assert row["status"] == "cancelled" and "terminated" in row["error"] and row["fetched"] < 60
    control(server, "DELETE", "faults")

    # A customer QuickBooks sends that the WMS cannot take: its own asset's check says so; the run goes on.
    company = server.emulator.companies[END_USER]
    # One the cancelled run did not reach, so the WMS has no earlier version of it.
    engine = sa.create_engine(wms_url)
    with engine.connect() as connection:
        have = set(connection.execute(sa.text("SELECT qbd_id FROM customers")).scalars())
    engine.dispose()
    orders = sdk_client(server).qbd.sales_orders.list(limit=150, **EU).data
    bad = next(o.customer.id for o in orders if o.customer.id not in have)
    company.replace_raw("customers", bad, {**company.get("customers", bad), "isActive": "sometimes"})
    again = client.submit_job_execution("qbd_incremental_pull", tags=partition)
    wait_for("the second run to succeed", lambda: _ended(client, again), timeout=180, every=1)
    assert str(client.get_run_status(again)) == "DagsterRunStatus.SUCCESS"

    latest = graphql(port, MATERIALIZATION, path=["qbd", "customers"])["assetOrError"]["assetMaterializations"][0]
    assert (latest["runId"], latest["partition"]) == (again, f"{END_USER}|{FIRST}")
    metadata = {e["label"]: e.get("intValue", e.get("mdStr")) for e in latest["metadataEntries"]}
    # the cancelled run kept what it had written (pages are written as they arrive); this one did the rest
    assert (metadata["fetched"], metadata["failed"]) == (60, 1)
    assert metadata["inserted"] + metadata["unchanged"] == 59 and metadata["inserted"] > 0
    assert "| customers" in metadata["report"]
    orders = graphql(port, MATERIALIZATION, path=["qbd", "sales_orders"])["assetOrError"]["assetMaterializations"]
    assert orders[0]["runId"] == again  # held back by nothing

    def check(path: list[str], name: str) -> dict:
        execution = graphql(port, CHECK, path=path, name=name)["assetCheckExecutions"][0]
        assert execution["runId"] == again
        return execution

    failing = check(["qbd", "customers"], "no_sync_errors")
    assert failing["status"] == "FAILED" and failing["evaluation"]["success"] is False
    assert failing["evaluation"]["severity"] == "ERROR"
    assert "could not be synced" in failing["evaluation"]["description"]
    assert check(["qbd", "vendors"], "no_sync_errors")["evaluation"]["success"] is True
    orphans = check(["qbd", "sales_orders"], "no_orphan_references")["evaluation"]
    assert orphans["success"] is False and "pull failed" in orphans["description"]  # points at the customer
    assert ledger(wms_url, again)["customers"]["status"] == "partial"


def _ended(client: DagsterGraphQLClient, run_id: str) -> bool:
    return str(client.get_run_status(run_id)) in ("DagsterRunStatus.SUCCESS", "DagsterRunStatus.FAILURE",
                                                    "DagsterRunStatus.CANCELED")
