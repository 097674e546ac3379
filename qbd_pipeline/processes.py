"""Child processes of `make demo` and `make dev`: the emulator is started by command, never imported.

Nothing in the product depends on the emulator (it is a test double of Conductor); the demo and the
dev server run it the way a user would, as `python -m qbd_pipeline.emulator` in a process of its own.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def stop(process: subprocess.Popen, timeout: float = 30.0) -> None:
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


def answers(port: int) -> bool:
    """Whether something listens on `port` of this machine."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@contextlib.contextmanager
def emulator_process(state_file: Path, port: int, timeout: float = 300.0,
                     end_users: list[str] | None = None) -> Iterator[subprocess.Popen]:
    """The emulator serving the company files kept in `state_file` on `port`, until the block ends
    (`end_users`, default `CONDUCTOR_END_USER_ID`'s).

    It listens only once its company is seeded or opened, so the first answer means ready. Its own
    process group, so one Ctrl-C of the parent stops it exactly once.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "qbd_pipeline.emulator", "--port", str(port), "--state-file", str(state_file),
         "--secret-key", os.environ["CONDUCTOR_SECRET_KEY"],
         *[arg for user in end_users or [os.environ["CONDUCTOR_END_USER_ID"]] for arg in ("--end-user-id", user)],
         "--log-level", "warning"],
        start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while not answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the emulator did not start on port {port} (taken? set QBD_EMULATOR_PORT)")
            time.sleep(0.1)
        yield process
    finally:
        stop(process)
