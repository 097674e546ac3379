"""Column types of the WMS schema, apart from the schema so that migrations can name them.

A migration may import this module and nothing else of the project: these types only say how a
value is stored, so what an old migration does never changes with today's mapping.
"""

from datetime import timezone

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator):
    """Timezone-aware datetimes stored as UTC, so SQLite (no time zones) and PostgreSQL agree."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the WMS stores instants only")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
