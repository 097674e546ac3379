"""A WMS that stops answering, or a lock the warehouse app holds too long, told apart from any other
database error and handled as what it is.

- Lost (the server or the network went away): the step waits for the WMS to answer again, up to
  `QBD_WMS_RETRY_SECONDS`, and then does the work again (every write of the sync can be repeated:
  upserts by QuickBooks id, and the push's lost-answer rules). Past that, `WmsUnreachable`.
- Locked (PostgreSQL's `lock_timeout`, SQLite's busy timeout, both `QBD_WMS_LOCK_TIMEOUT_SECONDS`):
  waiting longer would hold the company file's runs behind the warehouse app's transaction, so the
  step stops at once with `WmsLocked`; the next run goes on where this one stopped.
Both carry the catalogue's code and a one-line message instead of the driver's traceback.
"""

import logging
import time
from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa

from ..settings import WMS_LOCK_TIMEOUT_VAR, wms_lock_timeout_seconds, wms_retry_seconds
from ..spec import catalogue

log = logging.getLogger(__name__)
T = TypeVar("T")
_LOCKED = ("lock timeout", "database is locked", "database table is locked", "locknotavailable")


class WmsFault(Exception):
    code = ""

    def __init__(self, detail: str) -> None:
        super().__init__(catalogue.message(self.code, detail))


class WmsUnreachable(WmsFault):
    code = "WMS_UNREACHABLE"


class WmsLocked(WmsFault):
    code = "WMS_LOCKED"


def kind_of(exc: BaseException) -> str | None:
    """`locked`, `lost`, or None for any other error (a real bug or a bad statement stays itself)."""
    if isinstance(exc, WmsFault):
        return "locked" if isinstance(exc, WmsLocked) else "lost"
    if not isinstance(exc, sa.exc.DBAPIError):
        return None
    text = f"{type(exc.orig).__name__} {exc.orig}".lower()
    if any(marker in text for marker in _LOCKED) or getattr(exc.orig, "sqlstate", None) == "55P03":
        return "locked"
    if exc.connection_invalidated or (isinstance(exc, sa.exc.OperationalError | sa.exc.InterfaceError)
                                      and "sqlite" not in type(exc.orig).__module__):
        return "lost"
    return None


def first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return (str(orig).strip().splitlines() or [type(orig).__name__])[0][:300]


def as_fault(exc: BaseException, what: str) -> WmsFault | None:
    """The fault an error is, said for `what` the step was doing (None: not a WMS fault)."""
    kind = kind_of(exc)
    if kind is None or isinstance(exc, WmsFault):
        return exc if isinstance(exc, WmsFault) else None
    if kind == "locked":
        return WmsLocked(f"{what}: waited {wms_lock_timeout_seconds():g} s ({WMS_LOCK_TIMEOUT_VAR}) for a lock "
                         f"the warehouse application holds ({first_line(exc)})")
    return WmsUnreachable(f"{what}: {first_line(exc)}")


def answers(engine: sa.Engine) -> bool:
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
        return True
    except sa.exc.DBAPIError:
        return False


def retrying(engine: sa.Engine, work: Callable[[], T], *, what: str, say: Callable[[str], None] = log.warning,
             window: float | None = None, every: float = 2.0) -> T:
    """`work()`, done again once the WMS answers after it stopped answering (for `window` seconds at
    most, default `QBD_WMS_RETRY_SECONDS`); a lock held too long, or a WMS gone past the window, raises
    the fault. Every wait is said (`say`), and so is the end of it."""
    window = wms_retry_seconds() if window is None else window
    lost_at: float | None = None
    while True:
        try:
            done = work()
        except Exception as exc:
            fault = as_fault(exc, what)
            if fault is None or isinstance(fault, WmsLocked):
                if fault is None:
                    raise
                raise fault from exc
            lost_at = lost_at or time.monotonic()
            say(f"{what}: the WMS does not answer ({first_line(exc)}); waiting up to {window:g} s for it")
            while not answers(engine):
                if time.monotonic() - lost_at > window:
                    raise WmsUnreachable(f"{what}: no answer for {window:g} s ({first_line(exc)})") from exc
                time.sleep(every)
            continue
        if lost_at is not None:
            say(f"{what}: the WMS answered again after {time.monotonic() - lost_at:.0f} s; went on")
        return done
