"""QuickBooks list iterators behind Conductor's cursors.

A listing's cursor keeps one value across all its pages; each request that carries it pops the
next page (so a retried request skips one), and it dies when the next request does not arrive
within the window (10 s by default) after the previous response.
"""

import threading
import time
import uuid
from dataclasses import dataclass

from . import errors


@dataclass
class _Iterator:
    end_user: str
    path: str
    ids: list[str]
    position: int
    expires_at: float


class CursorRegistry:
    def __init__(self, ttl_seconds: float = 10.0) -> None:
        self.ttl_seconds = ttl_seconds
        self._iterators: dict[str, _Iterator] = {}
        self._lock = threading.Lock()

    def open(self, end_user: str, path: str, ids: list[str], first_page: int) -> str:
        """Start an iterator whose first `first_page` ids were already served."""
        cursor = str(uuid.uuid4())
        with self._lock:
            now = time.monotonic()
            for key in [k for k, it in self._iterators.items() if it.expires_at < now]:
                del self._iterators[key]
            self._iterators[cursor] = _Iterator(end_user, path, ids, first_page, now + self.ttl_seconds)
        return cursor

    def take(self, cursor: str, end_user: str, path: str, limit: int) -> tuple[list[str], int]:
        """The next page of ids and how many remain after it; the iterator closes when drained."""
        with self._lock:
            it = self._iterators.get(cursor)
            if it is None or it.end_user != end_user or it.path != path:
                raise errors.invalid_cursor()  # another listing's cursor: leave that listing alone
            if it.expires_at < time.monotonic():
                del self._iterators[cursor]
                raise errors.invalid_cursor()
            page = it.ids[it.position:it.position + limit]
            it.position += len(page)
            remaining = len(it.ids) - it.position
            if remaining == 0:
                del self._iterators[cursor]
            else:
                # Provisional: `touch` restarts the window when this response is sent.
                it.expires_at = time.monotonic() + self.ttl_seconds
            return page, remaining

    def touch(self, cursor: str) -> None:
        """Start the window for the next page, counted from this response."""
        with self._lock:
            it = self._iterators.get(cursor)
            if it is not None:
                it.expires_at = time.monotonic() + self.ttl_seconds

    def expire_all(self, end_user: str | None = None) -> int:
        with self._lock:
            doomed = [k for k, it in self._iterators.items() if end_user is None or it.end_user == end_user]
            for key in doomed:
                del self._iterators[key]
            return len(doomed)
