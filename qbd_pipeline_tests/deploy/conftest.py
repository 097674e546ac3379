"""Fixtures of the deployment tests."""

import uuid

import pytest
import sqlalchemy as sa

from qbd_pipeline_tests.conftest import POSTGRES_URL, require_postgres


@pytest.fixture
def dagster_database():
    """A fresh PostgreSQL database for Dagster's own storage."""
    require_postgres()
    name = f"qbd_dagster_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield name
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()
