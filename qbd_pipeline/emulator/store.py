"""SQLite storage for every emulated company file: records, deletions and counters.

Records live as JSON in the wire shape, with the columns the list filters need indexed beside
them, so a company of 100,000 customers costs disk pages rather than Python heap. The same
database file is the emulator's state file: point `--state-file` at it and a demo company
survives restarts; leave it out and it lives in a temporary file removed on exit.
"""

import json
import sqlite3
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    end_user TEXT NOT NULL,
    path TEXT NOT NULL,
    id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    updated_utc INTEGER NOT NULL,
    is_active INTEGER NOT NULL,
    namespace TEXT,
    name_key TEXT,
    name_lower TEXT,
    parent_id TEXT,
    ref_number TEXT,
    txn_date TEXT,
    entity_id TEXT,
    data TEXT NOT NULL,
    PRIMARY KEY (end_user, path, id)
);
CREATE INDEX IF NOT EXISTS records_by_id ON records (end_user, id);
CREATE INDEX IF NOT EXISTS records_by_seq ON records (end_user, path, seq);
CREATE INDEX IF NOT EXISTS records_by_updated ON records (end_user, path, updated_utc);
CREATE INDEX IF NOT EXISTS records_by_name ON records (end_user, path, name_key);
CREATE INDEX IF NOT EXISTS records_by_parent ON records (end_user, parent_id);
CREATE UNIQUE INDEX IF NOT EXISTS records_unique_name ON records (end_user, namespace, name_key)
    WHERE namespace IS NOT NULL;
CREATE TABLE IF NOT EXISTS deleted (
    end_user TEXT NOT NULL,
    kind TEXT NOT NULL,
    type TEXT NOT NULL,
    id TEXT NOT NULL,
    label TEXT,
    created_at TEXT NOT NULL,
    deleted_utc INTEGER NOT NULL,
    deleted_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS deleted_by_time ON deleted (end_user, kind, type, deleted_utc);
CREATE TABLE IF NOT EXISTS counters (
    end_user TEXT NOT NULL,
    name TEXT NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (end_user, name)
);
"""

INDEX_COLUMNS = (
    "updated_utc", "is_active", "namespace", "name_key", "name_lower", "parent_id", "ref_number",
    "txn_date", "entity_id",
)


_CACHE_SIZE = 5_000  # hot references (items, customers of recent orders), not the company
_UPSERT = (
    f"INSERT INTO records (end_user, path, id, seq, {', '.join(INDEX_COLUMNS)}, data)"
    f" VALUES (?, ?, ?, ?, {', '.join('?' for _ in INDEX_COLUMNS)}, ?)"
    " ON CONFLICT (end_user, path, id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in (*INDEX_COLUMNS, "data"))
)


@dataclass(frozen=True)
class Row:
    """A stored record's indexed columns plus its wire JSON."""

    path: str
    id: str
    data: dict


class Store:
    """One SQLite database for all end users; every call is serialized by one lock."""

    def __init__(self, state_file: str | Path | None = None) -> None:
        # Without a state file the company still lives on disk (a temporary file, removed on close),
        # so a large company costs disk pages, not memory.
        self._scratch = None if state_file else tempfile.TemporaryDirectory(prefix="qbd-emulator-")
        target = Path(state_file) if state_file else Path(self._scratch.name) / "company.sqlite"
        target.parent.mkdir(parents=True, exist_ok=True)
        self.location = str(target)
        self._db = sqlite3.connect(self.location, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL" if state_file else "PRAGMA synchronous=OFF")
        self._db.executescript(_SCHEMA)
        self.lock = threading.RLock()
        self._depth = 0
        self._counters: dict[tuple[str, str], int] = {
            (u, n): v for u, n, v in self._db.execute("SELECT end_user, name, value FROM counters")}
        self._dirty: set[tuple[str, str]] = set()
        self._cache: dict[tuple[str, str], Row] = {}  # (end_user, id) -> decoded record, bounded

    def close(self) -> None:
        with self.lock:
            self._db.close()
            if self._scratch is not None:
                self._scratch.cleanup()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All-or-nothing: a write that fails half-way leaves the company as it was."""
        with self.lock:
            outer = self._depth == 0
            if outer:
                self._db.execute("BEGIN")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if outer:
                    self._db.execute("ROLLBACK")
                    self._cache.clear()
                    self._counters = {(u, n): v for u, n, v in self._db.execute(
                        "SELECT end_user, name, value FROM counters")}
                    self._dirty.clear()
                raise
            self._depth -= 1
            if outer:
                self._flush_counters()
                self._db.execute("COMMIT")

    # counters ---------------------------------------------------------------------------------
    def next_value(self, end_user: str, name: str, start: int = 1) -> int:
        """The next value of a per-company counter (kept in memory, written at commit)."""
        with self.lock:
            key = (end_user, name)
            value = self._counters[key] + 1 if key in self._counters else start
            self._counters[key] = value
            self._dirty.add(key)
            if self._depth == 0:
                self._flush_counters()
            return value

    def _flush_counters(self) -> None:
        if self._dirty:
            self._db.executemany(
                "INSERT INTO counters (end_user, name, value) VALUES (?, ?, ?) "
                "ON CONFLICT (end_user, name) DO UPDATE SET value = excluded.value",
                [(u, n, self._counters[(u, n)]) for u, n in self._dirty])
            self._dirty.clear()

    def has_company(self, end_user: str) -> bool:
        with self.lock:
            return self._db.execute(
                "SELECT 1 FROM counters WHERE end_user = ? AND name = 'created'", (end_user,)
            ).fetchone() is not None

    def mark_company(self, end_user: str) -> None:
        with self.lock:
            self._db.execute(
                "INSERT OR IGNORE INTO counters (end_user, name, value) VALUES (?, 'created', 1)",
                (end_user,),
            )

    # records ----------------------------------------------------------------------------------
    def put(self, end_user: str, path: str, record_id: str, data: dict, columns: dict) -> None:
        """Insert or replace a record; `columns` holds the indexed values in INDEX_COLUMNS."""
        values = [columns.get(c) for c in INDEX_COLUMNS]
        with self.lock:
            seq = self.next_value(end_user, "seq")  # used only when the record is new
            self._db.execute(_UPSERT, (end_user, path, record_id, seq, *values,
                                       json.dumps(data, separators=(",", ":"))))
            self._remember(end_user, Row(path, record_id, data))

    def _remember(self, end_user: str, row: Row) -> None:
        if len(self._cache) >= _CACHE_SIZE:
            self._cache.pop(next(iter(self._cache)))
        self._cache[(end_user, row.id)] = row

    def get(self, end_user: str, path: str, record_id: str) -> dict | None:
        with self.lock:
            row = self._db.execute(
                "SELECT data FROM records WHERE end_user = ? AND path = ? AND id = ?",
                (end_user, path, record_id),
            ).fetchone()
        return json.loads(row[0]) if row else None

    def find(self, end_user: str, record_id: str) -> Row | None:
        """A record by id whatever its type (ids are unique within a company file).

        The data may be shared with the cache: callers either only read it or save what they change
        through `put` in the same transaction (a rollback empties the cache).
        """
        with self.lock:
            cached = self._cache.get((end_user, record_id))
            if cached is not None:
                return cached
            row = self._db.execute(
                "SELECT path, id, data FROM records WHERE end_user = ? AND id = ?", (end_user, record_id)
            ).fetchone()
        if row is None:
            return None
        found = Row(row[0], row[1], json.loads(row[2]))
        self._remember(end_user, found)
        return found

    def get_many(self, end_user: str, path: str, ids: list[str]) -> list[dict]:
        """Records in the order of `ids`; ids no longer present are skipped."""
        if not ids:
            return []
        with self.lock:
            rows = self._db.execute(
                f"SELECT id, data FROM records WHERE end_user = ? AND path = ? "
                f"AND id IN ({', '.join('?' for _ in ids)})",
                (end_user, path, *ids),
            ).fetchall()
        found = {rid: data for rid, data in rows}
        return [json.loads(found[i]) for i in ids if i in found]

    def delete(self, end_user: str, path: str, record_id: str) -> None:
        with self.lock:
            self._cache.pop((end_user, record_id), None)
            self._db.execute(
                "DELETE FROM records WHERE end_user = ? AND path = ? AND id = ?", (end_user, path, record_id)
            )

    def name_taken(self, end_user: str, namespace: str, name_key: str, except_id: str | None) -> bool:
        with self.lock:
            row = self._db.execute(
                "SELECT id FROM records WHERE end_user = ? AND namespace = ? AND name_key = ?",
                (end_user, namespace, name_key),
            ).fetchone()
        return row is not None and row[0] != except_id

    def referenced(self, end_user: str, record_id: str) -> bool:
        """Whether any other record refers to this id (QuickBooks refuses to delete such a list object)."""
        with self.lock:
            row = self._db.execute(
                "SELECT 1 FROM records WHERE end_user = ? AND id != ? AND data LIKE ? LIMIT 1",
                (end_user, record_id, f'%"id":"{record_id}"%'),
            ).fetchone()
        return row is not None

    def children(self, end_user: str, parent_id: str) -> list[Row]:
        with self.lock:
            rows = self._db.execute(
                "SELECT path, id, data FROM records WHERE end_user = ? AND parent_id = ?",
                (end_user, parent_id),
            ).fetchall()
        return [Row(p, i, json.loads(d)) for p, i, d in rows]

    def select_ids(self, end_user: str, path: str, where: Iterable[tuple[str, tuple]], order: str) -> list[str]:
        """Ids of one type matching ANDed SQL conditions over the indexed columns."""
        clauses = ["end_user = ?", "path = ?"]
        params: list = [end_user, path]
        for clause, args in where:
            clauses.append(clause)
            params.extend(args)
        with self.lock:
            rows = self._db.execute(
                f"SELECT id FROM records WHERE {' AND '.join(clauses)} ORDER BY {order}", params
            ).fetchall()
        return [r[0] for r in rows]

    def count(self, end_user: str, path: str | None = None) -> int:
        with self.lock:
            if path is None:
                return self._db.execute("SELECT count(*) FROM records WHERE end_user = ?",
                                        (end_user,)).fetchone()[0]
            return self._db.execute(
                "SELECT count(*) FROM records WHERE end_user = ? AND path = ?", (end_user, path)
            ).fetchone()[0]

    def iter_records(self, end_user: str, path: str, batch: int = 1000) -> Iterator[dict]:
        """Every record of one type in creation order, read in batches (for exports and tests)."""
        last = -1
        while True:
            with self.lock:
                rows = self._db.execute(
                    "SELECT seq, data FROM records WHERE end_user = ? AND path = ? AND seq > ? "
                    "ORDER BY seq LIMIT ?",
                    (end_user, path, last, batch),
                ).fetchall()
            if not rows:
                return
            for seq, data in rows:
                last = seq
                yield json.loads(data)

    # deletions --------------------------------------------------------------------------------
    def log_deletion(self, end_user: str, kind: str, type_: str, record_id: str, label: str | None,
                     created_at: str, deleted_utc: int, deleted_at: str) -> None:
        with self.lock:
            self._db.execute(
                "INSERT INTO deleted (end_user, kind, type, id, label, created_at, deleted_utc, deleted_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (end_user, kind, type_, record_id, label, created_at, deleted_utc, deleted_at),
            )

    def deletions(self, end_user: str, kind: str, types: list[str], after_utc: int | None,
                  before_utc: int | None) -> list[tuple]:
        clauses = ["end_user = ?", "kind = ?", f"type IN ({', '.join('?' for _ in types)})"]
        params: list = [end_user, kind, *types]
        if after_utc is not None:
            clauses.append("deleted_utc >= ?")
            params.append(after_utc)
        if before_utc is not None:
            clauses.append("deleted_utc <= ?")
            params.append(before_utc)
        with self.lock:
            return self._db.execute(
                f"SELECT type, id, label, created_at, deleted_at FROM deleted WHERE {' AND '.join(clauses)}"
                " ORDER BY type, deleted_utc, rowid",
                params,
            ).fetchall()
