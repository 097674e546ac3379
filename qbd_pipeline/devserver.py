"""`make dev`: the emulator (demo company) and `dagster dev`, on the demo's data folder."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from .demo import load_dotenv_file, prepare_environment


def _stop(process: subprocess.Popen, timeout: float = 30.0) -> None:
    """SIGINT to the child's own process group, then SIGKILL if it has not gone in time."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main() -> int:
    # Explicit handlers: a parent started in the background may have inherited an ignored SIGINT.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    load_dotenv_file()
    port = int(os.environ.get("QBD_EMULATOR_PORT", "8765"))
    folder = prepare_environment(port)
    from .wms.migrate import upgrade
    from .wms.resources import engine_from_env

    engine = engine_from_env()
    upgrade(engine)  # a fresh data folder gets its WMS schema before the first run needs it
    print(f"WMS: {engine.url.render_as_string(hide_password=True)} (migrated)")
    # Each child gets its own process group, so one Ctrl-C here stops each of them exactly once.
    emulator = subprocess.Popen(
        [sys.executable, "-m", "qbd_pipeline.emulator", "--port", str(port),
         "--state-file", str(folder / "emulator.sqlite"),
         "--secret-key", os.environ["CONDUCTOR_SECRET_KEY"], "--end-user-id", os.environ["CONDUCTOR_END_USER_ID"]],
        start_new_session=True)
    dagster = None
    try:
        time.sleep(1.0)
        if emulator.poll() is not None:
            print(f"the emulator did not start (port {port} taken? set QBD_EMULATOR_PORT)", file=sys.stderr)
            return 1
        print(f"emulator: http://127.0.0.1:{port}/v1   DAGSTER_HOME: {os.environ['DAGSTER_HOME']}")
        # Run from the data folder with the workspace named by path: `dagster dev` re-reads `./.env` into
        # every process it starts, which would point Conductor back at `.env`'s URL, not this emulator.
        workspace = Path(__file__).resolve().parents[1] / "workspace.yaml"
        dagster = subprocess.Popen([sys.executable, "-m", "dagster", "dev", "-w", str(workspace),
                                    "-h", "127.0.0.1", "-p", os.environ.get("DAGSTER_PORT", "3000")],
                                   cwd=folder, start_new_session=True,
                                   env={**os.environ, "PYTHONWARNINGS": "ignore:Function `dev_command` is superseded"})
        return dagster.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        if dagster is not None:
            _stop(dagster)
        _stop(emulator)


if __name__ == "__main__":
    sys.exit(main())
