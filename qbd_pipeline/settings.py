"""Environment-driven settings shared by the code location, the CLI and the demo."""

import os
from pathlib import Path

WMS_URL_VAR = "WMS_DATABASE_URL"
DATA_DIR_VAR = "QBD_DATA_DIR"
PULL_START_VAR = "QBD_PULL_START"
DEFAULT_PULL_START = "2026-11-01-00:00"


def data_dir() -> Path:
    """Where local state lives (SQLite WMS, demo emulator state, the demo Dagster instance)."""
    return Path(os.environ.get(DATA_DIR_VAR, "data")).resolve()


def default_wms_url() -> str:
    return f"sqlite:///{data_dir() / 'wms.sqlite'}"


def pull_start() -> str:
    """First hourly partition of the pull (`YYYY-MM-DD-HH:MM`, UTC); it also takes all older history."""
    return os.environ.get(PULL_START_VAR, DEFAULT_PULL_START)
