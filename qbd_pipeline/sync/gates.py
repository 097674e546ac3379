"""Gates in front of every automatic run: quiet hours, then whether QuickBooks Desktop answers.

The schedule and the sensor ask `gate()` before requesting a run. While QuickBooks is offline (the
company file closed, the PC off, the Web Connector stopped) they skip with the reason instead of
launching runs that can only fail, and start again on their own when it answers. The health check
is short (a few seconds) and its answer is kept briefly, so ticks stay quick. Quiet hours (off by
default) keep the sync away from QuickBooks at given local times, e.g. during the nightly backup.
"""

import os
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from datetime import time as clock
from zoneinfo import ZoneInfo

from ..conductor.errors import KeyRefused, Offline, classify
from ..conductor.resource import ConductorResource, MissingSetting

QUIET_HOURS_VAR = "QBD_QUIET_HOURS"  # e.g. "22:00-06:00"; unset or empty: none
QUIET_TIMEZONE_VAR = "QBD_QUIET_HOURS_TIMEZONE"  # an IANA zone, e.g. "America/Chicago"; default UTC
HEALTH_TIMEOUT_SECONDS = 10.0
HEALTH_CACHE_SECONDS = 30.0


@dataclass(frozen=True)
class Gate:
    open: bool
    reason: str = ""


OPEN = Gate(True)


def parse_quiet_hours(spec: str | None) -> tuple[clock, clock] | None:
    """`"22:00-06:00"` -> (22:00, 06:00); None or "" -> None. A bad value is an error, not silence."""
    if not spec or not spec.strip():
        return None
    try:
        start, end = (clock.fromisoformat(part.strip()) for part in spec.split("-"))
    except ValueError as exc:
        raise ValueError(f"{QUIET_HOURS_VAR}={spec!r}: expected HH:MM-HH:MM, e.g. 22:00-06:00") from exc
    return start, end


def in_quiet_hours(now: datetime, window: tuple[clock, clock] | None, zone: str = "UTC") -> bool:
    """Whether `now` falls in the local-time window (which may run past midnight; its end is open)."""
    if window is None:
        return False
    local = now.astimezone(ZoneInfo(zone)).time().replace(tzinfo=None)
    start, end = window
    if start <= end:
        return start <= local < end
    return local >= start or local < end


_cache: dict[tuple, tuple[float, Gate]] = {}
_cache_lock = threading.Lock()


def quickbooks_health(conductor: ConductorResource, *, timeout: float = HEALTH_TIMEOUT_SECONDS,
                      cache_seconds: float = HEALTH_CACHE_SECONDS) -> Gate:
    """Conductor's health check for the company file, answered from a brief cache when recent."""
    try:
        conductor.require()
    except MissingSetting as exc:
        return Gate(False, str(exc))
    key = (conductor.base_url, conductor.end_user_id)
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None and time.monotonic() - cached[0] < cache_seconds:
        return cached[1]
    try:
        conductor.health_check(timeout_seconds=timeout)
        answer = OPEN
    except Exception as exc:
        problem = classify(exc)
        checked = f"(health check at {datetime.now(timezone.utc).isoformat(timespec='seconds')})"
        if isinstance(problem, KeyRefused):  # no run can succeed, and waiting does not help
            answer = Gate(False, f"{problem} {checked}; set CONDUCTOR_SECRET_KEY and restart the daemon")
        else:
            what = ("QuickBooks Desktop is offline" if isinstance(problem, Offline)
                    else "QuickBooks Desktop did not answer")
            answer = Gate(False, f"{what} for company file {conductor.end_user_id}: {problem} {checked}; "
                                 "runs start again by themselves once it answers")
    with _cache_lock:
        _cache[key] = (time.monotonic(), answer)
    return answer


def forget_health() -> None:
    """Drop cached answers (tests, and after an operator says QuickBooks is back)."""
    with _cache_lock:
        _cache.clear()


def gate(conductor: ConductorResource, now: datetime | None = None, *, quiet_hours: str | None = None,
         quiet_timezone: str | None = None) -> Gate:
    """Whether an automatic run may talk to the resource's company file now, and if not, why.

    The company's own quiet hours (from `companies`) come first, then `QBD_QUIET_HOURS`.
    """
    now = now or datetime.now(timezone.utc)
    spec = quiet_hours if quiet_hours else os.environ.get(QUIET_HOURS_VAR)
    zone = (quiet_timezone if quiet_hours else None) or os.environ.get(QUIET_TIMEZONE_VAR) or "UTC"
    try:
        window = parse_quiet_hours(spec)
    except ValueError as exc:
        return Gate(False, str(exc))
    if in_quiet_hours(now, window, zone):
        until = window[1].isoformat("minutes")
        return Gate(False, f"quiet hours {spec} ({zone}): no QuickBooks requests until {until}")
    return quickbooks_health(conductor)
