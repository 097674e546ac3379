"""`make demo` then `make dev` as a new user runs them: a fresh folder, none of the settings exported,
the full load, the push-back act, then the UI's webserver launching a pull on the same data folder."""

import os
import re
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import httpx
import pytest

from qbd_pipeline.processes import free_port, stop

ROOT = Path(__file__).resolve().parents[1]
QBD = Path(sys.executable).parent / "qbd-pipeline"
FOREIGN = ("CONDUCTOR_", "DAGSTER_", "QBD_", "WMS_")  # settings a new user's shell does not have


@pytest.mark.slow
def test_the_demo_then_dev_in_a_fresh_folder_load_push_and_serve_ui_launched_runs(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(FOREIGN)}
    folder = tmp_path / "fresh"  # the README's commands in a folder of a user's, with nothing set
    folder.mkdir()
    done = subprocess.run([QBD, "demo"], cwd=folder, env=env, capture_output=True, text=True, timeout=600)
    out = done.stdout
    assert done.returncode == 0, out[-3000:] + done.stderr[-3000:]
    total = re.search(r"^total\s+(\d+)\s+(\d+)\s+0\s+0\s+0\s", out, re.MULTILINE)
    assert total and total.group(1) == total.group(2) and int(total.group(1)) > 1000  # a full initial load
    assert "wms_change_sensor: end_usr_emulator: 6 pending change(s) -> run wms_push_back" in out
    assert "wms_change_sensor: end_usr_emulator_branch: 1 pending change(s) -> run wms_push_back" in out  # two files
    assert "full initial load of company file end_usr_emulator_branch" in out
    assert re.search(r"push-back run \S+ \(end_usr_emulator_branch\) succeeded", out)
    assert re.search(r'conflict: items\.sales_price of \S+, WMS row \d+: WMS "\d+\.\d+" vs QuickBooks "\d+\.\d+" '
                     r"-> the WMS wins \(rule latest_wins\)", out)
    assert "skipped: invoices: invoices flow from QuickBooks to the WMS only" in out
    assert re.search(r"push-back run \S+ \(end_usr_emulator\) succeeded", out)
    data = folder / "data"
    assert (data / "wms.sqlite").exists() and (data / "dagster_home").is_dir()
    assert "Warning" not in done.stdout + done.stderr  # nothing a new user would have to wonder about
    assert " - dagster - " not in done.stdout + done.stderr  # the tables and one line per act, no event lines
    assert "pull: a full initial load" in out and re.search(r"pull run \S+ succeeded: .* 0 failed$", out, re.MULTILINE)

    _dev_serves_a_pull_launched_from_the_ui(folder, env)

    again = subprocess.run([QBD, "demo"], cwd=folder, env=env, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    # incremental, and says so
    assert "pull: what changed in company file" in again.stdout and "since the last run" in again.stdout
    assert re.search(r"^total\s+\d+\s+0\s", again.stdout, re.MULTILINE)  # nothing new the second time
    assert " - dagster - " not in again.stdout + again.stderr
    assert "wms_change_sensor: end_usr_emulator: 6 pending change(s)" in again.stdout  # the second run edits again, too
    assert re.search(r"conflict: items\.sales_price .* -> the WMS wins", again.stdout)
    assert not (data / "data").exists()  # one data folder, whoever resolved it


def _dev_serves_a_pull_launched_from_the_ui(folder: Path, env: dict) -> None:
    """`qbd-pipeline dev` on the demo's folder (its own ports, so the suite can run beside a `make dev`):
    a pull launched through the webserver's GraphQL API, as the UI's launch dialog does, succeeds on the
    demo's WMS (it once ran against an empty `data/data/wms.sqlite`)."""
    from dagster_graphql import DagsterGraphQLClient

    from qbd_pipeline_tests.deploy.instance import wait_for

    port = free_port()
    ports = {"DAGSTER_PORT": str(port), "QBD_EMULATOR_PORT": str(free_port())}
    log = folder / "dev.log"
    with log.open("w") as output:
        dev = subprocess.Popen([QBD, "dev"], cwd=folder, env={**env, **ports}, stdout=output,
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for("the dev webserver", lambda: _answers(port), timeout=180, every=0.5)
        client = DagsterGraphQLClient("127.0.0.1", port_number=port)
        day = datetime.now(timezone.utc).strftime("%Y-%m-%d")
        run_id = client.submit_job_execution("qbd_incremental_pull", tags={
            "dagster/partition": f"end_usr_emulator|{day}", "dagster/partition/company": "end_usr_emulator",
            "dagster/partition/day": day})
        status = wait_for("the UI-launched pull to end", lambda: (s := str(client.get_run_status(run_id))) in (
            "DagsterRunStatus.SUCCESS", "DagsterRunStatus.FAILURE", "DagsterRunStatus.CANCELED") and s,
            timeout=180, every=1)
        assert status == "DagsterRunStatus.SUCCESS", log.read_text()[-5000:]
    finally:
        stop(dev)
    said = log.read_text()
    assert "not reachable or not migrated" not in said  # the sensors see the demo's WMS too
    assert " - DEBUG - " not in said and "STEP_START" not in said  # the runs' console at INFO


def _answers(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/server_info", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_a_data_folder_from_an_older_version_gets_the_current_instance_config(tmp_path, monkeypatch):
    from qbd_pipeline.demo import prepare_environment

    home = tmp_path / "data" / "dagster_home"
    home.mkdir(parents=True)
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")  # an older version's copy
    monkeypatch.setenv("QBD_DATA_DIR", str(tmp_path / "data"))
    for name in ("DAGSTER_HOME", "QBD_PULL_START", "CONDUCTOR_SECRET_KEY", "CONDUCTOR_END_USER_ID",
                 "CONDUCTOR_BASE_URL"):
        monkeypatch.setenv(name, "")  # remembers the test process's value, restored afterwards
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no .env here
    prepare_environment(8765)
    shipped = Path(__file__).resolve().parents[1] / "dagster.yaml"
    assert (home / "dagster.yaml").read_text() == shipped.read_text()
