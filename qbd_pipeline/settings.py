"""Environment-driven settings shared by the code location, the CLI and the demo."""

import os
from pathlib import Path

WMS_URL_VAR = "WMS_DATABASE_URL"
DATA_DIR_VAR = "QBD_DATA_DIR"
PULL_START_VAR = "QBD_PULL_START"
DEFAULT_PULL_START = "2026-11-01"


def data_dir() -> Path:
    """Where local state lives (SQLite WMS, demo emulator state, the demo Dagster instance)."""
    return Path(os.environ.get(DATA_DIR_VAR, "data")).resolve()


def default_wms_url() -> str:
    return f"sqlite:///{data_dir() / 'wms.sqlite'}"


LOOKBACK_VAR = "QBD_PULL_LOOKBACK_MINUTES"


def pull_lookback_minutes() -> int:
    """How far every pull window reaches back before the high-water mark, for a QuickBooks clock that lags."""
    return int(os.environ.get(LOOKBACK_VAR) or 15)


FRESHNESS_VAR = "QBD_FRESHNESS_HOURS"


def freshness_hours() -> float:
    """A pull asset not refreshed for this long is stale (Dagster's freshness, red in the UI); it
    warns after two thirds of it. The hourly schedule refreshes every asset once an hour."""
    return float(os.environ.get(FRESHNESS_VAR) or 3)


def pull_start() -> str:
    """The first daily partition of the pull (`YYYY-MM-DD`, UTC): the go-live day. It also takes all
    older history. An hourly value of earlier releases (`YYYY-MM-DD-HH:MM`) names its day."""
    return (os.environ.get(PULL_START_VAR) or DEFAULT_PULL_START).strip()[:10]


END_USER_VAR = "CONDUCTOR_END_USER_ID"
# Every run that talks to QuickBooks carries its company file's Conductor end user in this tag; the
# instance configs allow one run per value at a time (and per `dagster/partition/company`, the tag
# Dagster gives a run of the pull assets' partitions however it was started).
COMPANY_TAG = "qbd/end_user"
PARTITION_COMPANY_TAG = "dagster/partition/company"


def default_company() -> str | None:
    """The company file of `CONDUCTOR_END_USER_ID`, if set: registered as the first company, and the
    one a run names when it names none (a deployment of one company file needs nothing else)."""
    return (os.environ.get(END_USER_VAR) or "").strip() or None


WMS_LOCK_TIMEOUT_VAR = "QBD_WMS_LOCK_TIMEOUT_SECONDS"
WMS_RETRY_VAR = "QBD_WMS_RETRY_SECONDS"


def wms_lock_timeout_seconds() -> float:
    """How long a sync write waits for a lock the warehouse app holds before the step fails with
    WMS_LOCKED (default 120 s: minutes, never the run's hours)."""
    return float(os.environ.get(WMS_LOCK_TIMEOUT_VAR) or 120)


def wms_retry_seconds() -> float:
    """How long a step waits for a WMS that stopped answering before it fails with WMS_UNREACHABLE."""
    return float(os.environ.get(WMS_RETRY_VAR) or 120)
