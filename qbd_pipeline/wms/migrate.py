"""Apply the WMS schema migrations (Alembic), on SQLite or PostgreSQL."""

import shutil
import sys
import tempfile
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str, migrations: Path = MIGRATIONS) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: sa.Engine, revision: str = "head", migrations: Path = MIGRATIONS) -> None:
    """Bring the database to `revision` (idempotent: an up-to-date database is left as it is)."""
    with engine.begin() as connection:
        config = alembic_config(engine.url.render_as_string(hide_password=False), migrations)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(engine: sa.Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def downgrade(engine: sa.Engine, revision: str) -> None:
    with engine.begin() as connection:
        config = alembic_config(engine.url.render_as_string(hide_password=False))
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def new_revision(message: str, migrations: Path = MIGRATIONS) -> Path:
    """Write the next migration: Alembic's autogenerate plus the capture triggers, compared against a
    scratch SQLite database at head (never a live database), numbered after the newest one."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/scratch.sqlite"
        engine = sa.create_engine(url)
        upgrade(engine, migrations=migrations)
        head = current_revision(engine) or "0000"
        config = alembic_config(url, migrations)
        config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
        ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
        if ruff:  # the new file is ruff-clean as written
            config.set_section_option("post_write_hooks", "hooks", "fix, format")
            for hook, options in (("fix", "check --fix --quiet REVISION_SCRIPT_FILENAME"),
                                  ("format", "format --quiet REVISION_SCRIPT_FILENAME")):
                config.set_section_option("post_write_hooks", f"{hook}.type", "exec")
                config.set_section_option("post_write_hooks", f"{hook}.executable", ruff)
                config.set_section_option("post_write_hooks", f"{hook}.options", options)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            config.attributes["autogenerate_triggers"] = True
            script = command.revision(config, message=message, autogenerate=True, rev_id=f"{int(head) + 1:04d}")
        engine.dispose()
    return Path(script.path)
