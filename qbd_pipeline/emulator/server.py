"""Run the emulator over real HTTP: in a background thread (tests, demo) or in the foreground (CLI)."""

import socket
import threading
import time

import uvicorn

from ..spec.entities import RESOURCES
from ..spec.request_rules import warm_rules
from .app import create_app
from .state import Emulator, EmulatorConfig


class EmulatorServer:
    """An emulator on a port of this machine; use as a context manager or start()/stop()."""

    def __init__(self, config: EmulatorConfig | None = None, host: str = "127.0.0.1", port: int | None = None):
        self.config = config or EmulatorConfig()
        self.host = host
        # The socket is bound here and handed to uvicorn, so no other process can take the port between
        # choosing it and serving on it (tests run side by side).
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((host, port or 0))
        self.port = self._socket.getsockname()[1]
        self.emulator = Emulator(self.config)
        self._server = uvicorn.Server(uvicorn.Config(
            create_app(self.emulator), host=self.host, port=self.port, log_level="warning",
            access_log=False, lifespan="off", timeout_keep_alive=30))
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """What `conductor.Conductor(base_url=...)` takes."""
        return f"http://{self.host}:{self.port}/v1"

    @property
    def root_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 15.0) -> "EmulatorServer":
        warm_rules(RESOURCES)  # before any request thread: the rules are derived once, here
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]},
                                        name=f"emulator:{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the emulator did not start on {self.host}:{self.port}")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._socket.close()
        self.emulator.close()

    def __enter__(self) -> "EmulatorServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
