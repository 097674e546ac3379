"""Fixtures shared by the whole suite: emulators on real ports and SDK clients talking to them."""

import os
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import conductor
import pytest

from qbd_pipeline.emulator.generator import CompanySizes
from qbd_pipeline.emulator.server import EmulatorServer
from qbd_pipeline.emulator.state import EmulatorConfig

SECRET_KEY = "sk_test_suite_0123456789"
END_USER = "end_usr_suite_a"
OTHER_END_USER = "end_usr_suite_b"
HISTORY_END = datetime(2026, 6, 1, tzinfo=timezone.utc)
SMALL = CompanySizes(
    customers=60, vendors=12, inventory_items=15, non_inventory_items=4, service_items=3, discount_items=2,
    inventory_assembly_items=2, other_charge_items=2, sales_orders=40, purchase_orders=15, invoices=40,
    inventory_adjustments=10,
)
SPEC_PATH = Path(__file__).resolve().parents[2] / "shared" / "reference" / "openapi.json"


def small_config(**overrides) -> EmulatorConfig:
    values = dict(secret_keys=(SECRET_KEY,), end_user_ids=(END_USER, OTHER_END_USER), seed=7, sizes=SMALL,
                  history_end=HISTORY_END, utc_offset="-05:00")
    values.update(overrides)
    return EmulatorConfig(**values)


def sdk_client(server: EmulatorServer, **options) -> conductor.Conductor:
    options.setdefault("max_retries", 0)
    return conductor.Conductor(api_key=SECRET_KEY, base_url=server.base_url,
                               _strict_response_validation=True, **options)


@pytest.fixture(scope="session")
def shared_server():
    """One seeded emulator for read-mostly tests (tests that write use `server`)."""
    with EmulatorServer(small_config()) as server:
        yield server


@pytest.fixture
def server():
    """A fresh, seeded emulator per test, for tests that change the company."""
    with EmulatorServer(small_config()) as server:
        yield server


@pytest.fixture
def client(server):
    return sdk_client(server)


@pytest.fixture
def shared_client(shared_server):
    yield sdk_client(shared_server)
    shared_server.emulator.faults.clear()


@pytest.fixture(scope="session")
def openapi_spec() -> dict:
    """Conductor's OpenAPI spec from ../shared (never copied into the project)."""
    import json

    if not SPEC_PATH.exists():
        if os.environ.get("CI"):
            pytest.fail(f"Conductor OpenAPI spec not found at {SPEC_PATH}")
        pytest.skip(f"Conductor OpenAPI spec not found at {SPEC_PATH}")
    return json.loads(SPEC_PATH.read_text())


# --- WMS databases ------------------------------------------------------------------------------------
POSTGRES_URL = os.environ.get("QBD_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _postgres_reachable() -> str | None:
    import sqlalchemy as sa

    try:
        engine = sa.create_engine(POSTGRES_URL)
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
        engine.dispose()
        return None
    except Exception as exc:  # any failure to connect means: no server here
        return f"{type(exc).__name__}: {exc}".splitlines()[0]


def require_postgres() -> None:
    """Skip (locally) or fail (under CI) when the PostgreSQL server is not reachable."""
    problem = _postgres_reachable()
    if problem:
        message = f"PostgreSQL not reachable at {POSTGRES_URL} ({problem}); set QBD_TEST_POSTGRES_URL"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@contextmanager
def postgres_schema():
    """A URL of a private, empty schema on the PostgreSQL server, dropped afterwards."""
    import uuid

    import sqlalchemy as sa

    from qbd_pipeline.wms.resources import dispose_engine

    require_postgres()
    schema = f"qbd_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in POSTGRES_URL else "?"
    url = f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    try:
        yield url
    finally:
        dispose_engine(url)
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def wms_url(request, tmp_path):
    """A fresh, empty WMS database: a SQLite file, or a private schema on the PostgreSQL server."""
    from qbd_pipeline.wms.resources import dispose_engine

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'wms.sqlite'}"
        yield url
        dispose_engine(url)
        return
    with postgres_schema() as url:
        yield url


@pytest.fixture
def postgres_wms_url():
    """A fresh, empty WMS schema on the PostgreSQL server (for tests of the PostgreSQL deployment)."""
    with postgres_schema() as url:
        yield url


@pytest.fixture
def wms(wms_url):
    """The WMS resource on a migrated database (a copy of one migrated per worker: see migrated.py)."""
    from qbd_pipeline.wms.resources import WmsDatabase
    from qbd_pipeline_tests.migrated import migrated

    migrated(wms_url, POSTGRES_URL, postgres_schema)
    return WmsDatabase(url=wms_url)
