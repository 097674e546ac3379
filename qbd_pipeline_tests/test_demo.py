"""`make demo` as a new user runs it: a fresh data folder, the full load, then the push-back act."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_the_demo_loads_the_company_and_pushes_the_warehouse_edits(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONDUCTOR_", "DAGSTER_", "QBD_", "WMS_"))}
    env["QBD_DATA_DIR"] = str(tmp_path / "data")
    done = subprocess.run([Path(sys.executable).parent / "qbd-pipeline", "demo"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    out = done.stdout
    assert done.returncode == 0, out[-3000:] + done.stderr[-3000:]
    total = re.search(r"^total\s+(\d+)\s+(\d+)\s+0\s+0\s+0\s", out, re.MULTILINE)
    assert total and total.group(1) == total.group(2) and int(total.group(1)) > 1000  # a full initial load
    assert "wms_change_sensor: end_usr_emulator: 6 pending change(s) -> run wms_push_back" in out
    assert "wms_change_sensor: end_usr_emulator_branch: 1 pending change(s) -> run wms_push_back" in out  # two files
    assert "full initial load of company file end_usr_emulator_branch" in out
    assert re.search(r"push-back run \S+ \(end_usr_emulator_branch\) succeeded", out)
    assert re.search(r'conflict: items\.sales_price WMS "\d+\.\d+" vs QuickBooks "\d+\.\d+" -> wms wins by rule '
                     r"latest_wins", out)
    assert "skipped: invoices: invoices flow from QuickBooks to the WMS only" in out
    assert re.search(r"push-back run \S+ \(end_usr_emulator\) succeeded", out)
    assert (tmp_path / "data" / "wms.sqlite").exists() and (tmp_path / "data" / "dagster_home").is_dir()
    assert "Warning" not in done.stdout + done.stderr  # nothing a new user would have to wonder about
    assert " - dagster - " not in done.stdout + done.stderr  # the tables and one line per act, no event lines
    assert "pull: a full initial load" in out and re.search(r"pull run \S+ succeeded: .* 0 failed$", out, re.MULTILINE)

    again = subprocess.run([Path(sys.executable).parent / "qbd-pipeline", "demo"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    # incremental, and says so
    assert "pull: what changed in company file" in again.stdout and "since the last run" in again.stdout
    assert re.search(r"^total\s+\d+\s+0\s", again.stdout, re.MULTILINE)  # nothing new the second time
    assert " - dagster - " not in again.stdout + again.stderr
    assert "wms_change_sensor: end_usr_emulator: 6 pending change(s)" in again.stdout  # the second run edits again, too
    assert re.search(r"conflict: items\.sales_price .* -> wms wins", again.stdout)


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
