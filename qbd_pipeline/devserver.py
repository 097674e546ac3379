"""`make dev`: the emulator (demo company) and `dagster dev`, on the demo's data folder."""

import os
import signal
import subprocess
import sys
from pathlib import Path

from .demo import demo_companies, load_dotenv_file, prepare_environment, register_demo_companies
from .processes import emulator_process, stop


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
    register_demo_companies(engine)
    print(f"WMS: {engine.url.render_as_string(hide_password=True)} (migrated), company files "
          f"{', '.join(demo_companies())}")
    dagster = None
    try:
        with emulator_process(folder / "emulator.sqlite", port, end_users=demo_companies()):
            print(f"emulator: http://127.0.0.1:{port}/v1   DAGSTER_HOME: {os.environ['DAGSTER_HOME']}")
            # Run from the data folder with the workspace named by path: `dagster dev` re-reads `./.env`
            # into every process it starts, which would point Conductor back at `.env`'s URL, not here.
            workspace = Path(__file__).resolve().parents[1] / "workspace.yaml"
            dagster = subprocess.Popen([sys.executable, "-m", "dagster", "dev", "-w", str(workspace),
                                        "-h", "127.0.0.1", "-p", os.environ.get("DAGSTER_PORT", "3000")],
                                       cwd=folder, start_new_session=True,
                                       env={**os.environ,
                                            "PYTHONWARNINGS": "ignore:Function `dev_command` is superseded"})
            return dagster.wait()
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        if dagster is not None:
            stop(dagster)


if __name__ == "__main__":
    sys.exit(main())
