"""Scripted failures: the control API queues them, matching requests consume them."""

import threading
from dataclasses import asdict, dataclass

KINDS = ("rate_limit", "server_error", "qbd_offline", "latency", "drop_after_commit", "expire_cursor", "qbd_error")


@dataclass
class Fault:
    kind: str
    count: int = 1
    method: str | None = None
    path_contains: str | None = None
    seconds: float = 1.0
    skip: int = 0  # let this many matching requests through first (e.g. to hit a later cursor page)
    code: str | None = None  # qbd_error: QuickBooks' status code (integrationCode), e.g. "3175"
    message: str | None = None  # qbd_error: its message (default: QuickBooks' usual one for the code)

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method.upper() == method.upper()) and (
            self.path_contains is None or self.path_contains in path)


class FaultRegistry:
    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> None:
        if fault.kind not in KINDS:
            raise ValueError(f"unknown fault kind {fault.kind!r}; expected one of {', '.join(KINDS)}")
        if fault.count < 1:
            raise ValueError("count must be at least 1")
        if fault.skip < 0:
            raise ValueError("skip must not be negative")
        if fault.kind == "qbd_error" and not fault.code:
            raise ValueError("a qbd_error fault needs QuickBooks' status code, e.g. {\"code\": \"3175\"}")
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def pending(self) -> list[dict]:
        with self._lock:
            return [asdict(f) for f in self._faults]

    def consume(self, method: str, path: str) -> Fault | None:
        """The first queued fault matching this request, with one use taken off it."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    if fault.skip:
                        fault.skip -= 1
                        continue
                    fault.count -= 1
                    if fault.count == 0:
                        self._faults.remove(fault)
                    return fault
        return None
