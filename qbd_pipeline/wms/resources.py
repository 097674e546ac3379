"""The WMS database resource: one SQLAlchemy engine per URL and process."""

import os
import threading
from pathlib import Path

import dagster as dg
import sqlalchemy as sa
from pydantic import Field

from ..settings import WMS_URL_VAR, default_wms_url, wms_lock_timeout_seconds

_ENGINES: dict[str, sa.Engine] = {}
# PostgreSQL backend pids of this process's WMS connections, per URL (`waiting_for_locks`).
BACKENDS: dict[str, set[int]] = {}
_LOCK = threading.Lock()


def make_engine(url: str) -> sa.Engine:
    """An engine for the WMS; SQLite gets foreign keys, WAL and a busy timeout."""
    with _LOCK:
        engine = _ENGINES.get(url)
        if engine is not None:
            return engine
        parsed = sa.make_url(url)
        if parsed.get_backend_name() == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            engine = sa.create_engine(url, connect_args={"timeout": wms_lock_timeout_seconds()})

            @sa.event.listens_for(engine, "connect")
            def _sqlite_pragmas(dbapi_connection, _record) -> None:
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA foreign_keys=ON")
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.close()
        else:
            # No server-side prepared statements: a generic plan for `qbd_id IN (...500 ids)` can
            # choose a scan, which makes each batch slower as the table grows.
            # A lock the warehouse app holds is waited for QBD_WMS_LOCK_TIMEOUT_SECONDS at most (then
            # WMS_LOCKED), and a connection attempt 10 s (a WMS that stopped answering is retried).
            lock_ms = int(wms_lock_timeout_seconds() * 1000)
            engine = sa.create_engine(url, pool_pre_ping=True,
                                      connect_args={"prepare_threshold": None, "connect_timeout": 10})

            pids = BACKENDS.setdefault(url, set())

            @sa.event.listens_for(engine, "connect")
            def _lock_timeout(dbapi_connection, _record) -> None:
                with dbapi_connection.cursor() as cursor:
                    cursor.execute(f"SET lock_timeout = {lock_ms}")
                    cursor.execute("SELECT pg_backend_pid()")
                    pids.add(cursor.fetchone()[0])  # so a step can tell when its own writes wait for a lock
                dbapi_connection.commit()
        _ENGINES[url] = engine
        return engine


def dispose_engine(url: str) -> None:
    """Close and forget the engine for `url` (tests that drop their database)."""
    with _LOCK:
        engine = _ENGINES.pop(url, None)
    if engine is not None:
        engine.dispose()


class WmsDatabase(dg.ConfigurableResource):
    """The warehouse-management database (SQLite or PostgreSQL)."""

    url: str | None = Field(
        default=None,
        description=f"SQLAlchemy URL; set from ${WMS_URL_VAR} with dg.EnvVar. Unset: the local SQLite file.",
    )

    def engine(self) -> sa.Engine:
        return make_engine(self.url or default_wms_url())


def wms_from_env() -> WmsDatabase:
    """The resource as deployments configure it; a URL with a password stays an EnvVar (masked)."""
    return WmsDatabase(url=dg.EnvVar(WMS_URL_VAR) if os.environ.get(WMS_URL_VAR) else None)


def engine_from_env() -> sa.Engine:
    """The WMS engine outside a run (CLI, demo, dev server): `$WMS_DATABASE_URL`, else the local file."""
    return make_engine(os.environ.get(WMS_URL_VAR) or default_wms_url())


# What a sensor meets when the WMS is down or not migrated yet: it skips the tick saying so.
NOT_READY = (sa.exc.OperationalError, sa.exc.ProgrammingError)


def not_ready(exc: BaseException) -> str:
    """A sensor's skip reason for a WMS it cannot use yet."""
    return f"the WMS is not reachable or not migrated (run `qbd-pipeline db upgrade`): {str(exc).splitlines()[0]}"


def waiting_for_locks(engine: sa.Engine, at_least_seconds: float = 3.0) -> list[dict]:
    """This process's WMS statements waiting for a lock for `at_least_seconds` or more, with who holds
    it (PostgreSQL; SQLite's busy wait cannot be seen from outside)."""
    pids = sorted(BACKENDS.get(engine.url.render_as_string(hide_password=False), ()))
    if engine.dialect.name != "postgresql" or not pids:
        return []
    with engine.connect() as connection:
        return [r._asdict() for r in connection.execute(sa.text(
            "SELECT a.pid, extract(epoch FROM now() - a.query_start) AS seconds, "
            "(SELECT b.pid || ' (' || coalesce(b.application_name, '') || '): ' || left(b.query, 200) "
            "   FROM pg_stat_activity b WHERE b.pid = ANY(pg_blocking_pids(a.pid)) LIMIT 1) AS held_by "
            "FROM pg_stat_activity a WHERE a.pid = ANY(:pids) AND a.wait_event_type = 'Lock' "
            "AND now() - a.query_start >= make_interval(secs => :least)"), {"pids": pids, "least": at_least_seconds})]
