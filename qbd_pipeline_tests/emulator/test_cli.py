"""`python -m qbd_pipeline.emulator` serves a seeded company that the SDK can use."""

import os
import signal
import subprocess
import sys
import time

import conductor

from qbd_pipeline.processes import free_port


def test_cli_serves_a_seeded_company(tmp_path):
    port = free_port()
    state = tmp_path / "demo.sqlite"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("CONDUCTOR_SECRET_KEY", None)
    env.pop("CONDUCTOR_END_USER_ID", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "qbd_pipeline.emulator", "--port", str(port), "--customers", "40",
         "--secret-key", "sk_test_cli", "--end-user-id", "end_usr_cli_1", "--end-user-id", "end_usr_cli_2",
         "--utc-offset", "+02:00", "--state-file", str(state), "--log-level", "warning"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True)
    try:
        client = conductor.Conductor(api_key="sk_test_cli", base_url=f"http://127.0.0.1:{port}/v1", max_retries=0)
        deadline = time.monotonic() + 90
        while True:
            try:
                assert client.qbd.health_check(conductor_end_user_id="end_usr_cli_1").status == "ok"
                break
            except conductor.APIConnectionError:
                assert process.poll() is None, process.stderr.read().decode()
                assert time.monotonic() < deadline, "the emulator did not come up"
                time.sleep(0.2)
        for end_user in ("end_usr_cli_1", "end_usr_cli_2"):
            customers = list(client.qbd.customers.list(conductor_end_user_id=end_user, status="all"))
            assert len(customers) == 40
            assert customers[0].updated_at.endswith("+02:00")
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=20)
    assert state.exists()
    assert b"Conductor emulator on http://127.0.0.1" in process.stderr.read()
