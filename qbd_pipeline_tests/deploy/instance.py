"""The shipped production instance for tests: deploy/dagster.prod.yaml verbatim in a fresh
$DAGSTER_HOME, Dagster's storage in a fresh PostgreSQL database, and Dagster's own processes
(`dagster-daemon`, `dagster-webserver`) started the way the README says, in process groups the test
owns."""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa

from qbd_pipeline_tests.conftest import END_USER, POSTGRES_URL, SECRET_KEY

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def production_env(tmp_path: Path, dagster_database: str, *, base_url: str, wms_url: str,
                   instance_yaml: str | None = None, **extra: str) -> dict:
    """$DAGSTER_HOME holding the shipped config (or `instance_yaml`), and the variables the README
    lists, nothing else."""
    url = sa.make_url(POSTGRES_URL)
    home = tmp_path / "dagster_home"
    home.mkdir(exist_ok=True)
    if instance_yaml is None:
        shutil.copy(ROOT / "deploy" / "dagster.prod.yaml", home / "dagster.yaml")  # as shipped, no edits
    else:
        (home / "dagster.yaml").write_text(instance_yaml)
    return {
        "PATH": f"{BIN}:{os.environ.get('PATH', '')}", "HOME": str(tmp_path), "DAGSTER_HOME": str(home),
        "DAGSTER_PG_HOST": url.host or "127.0.0.1", "DAGSTER_PG_PORT": str(url.port or 5432),
        "DAGSTER_PG_DB": dagster_database, "DAGSTER_PG_USER": url.username or "postgres",
        "CONDUCTOR_SECRET_KEY": SECRET_KEY, "CONDUCTOR_END_USER_ID": END_USER,
        "CONDUCTOR_BASE_URL": base_url, "WMS_DATABASE_URL": wms_url, **extra,
    }


def use_env(monkeypatch, env: dict) -> None:
    """The test process sees the same instance and settings as the daemon it started."""
    for key, value in env.items():
        if key.startswith(("DAGSTER_", "QBD_", "CONDUCTOR_", "WMS_")):
            monkeypatch.setenv(key, value)


def migrate(env: dict) -> None:
    subprocess.run([BIN / "qbd-pipeline", "db", "upgrade", "--url", env["WMS_DATABASE_URL"]], env=env, check=True,
                   capture_output=True, cwd=ROOT)


@contextlib.contextmanager
def dagster_process(name: str, args: list[str], env: dict, log: Path) -> Iterator[subprocess.Popen]:
    """`dagster-daemon run ...` or `dagster-webserver ...` from the project folder, stopped with SIGINT
    (then SIGKILL) at the end; its output goes to `log` and is printed if the block fails."""
    out = log.open("w")
    process = subprocess.Popen([BIN / name, *args], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        yield process
    except BaseException:
        out.flush()
        print(f"--- {name} ---\n" + log.read_text()[-6000:])
        raise
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        out.close()


def wait_for(what: str, predicate, timeout: float, every: float = 1.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def cli(env: dict, *args: str) -> None:
    done = subprocess.run([BIN / "dagster", *args, "-w", "workspace.yaml"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
