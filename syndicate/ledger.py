"""The ledger: one SQLite row per article x endpoint, so that every push is idempotent.

A delivery is recorded in two steps, each its own transaction: the attempt
(state `pending`, with its idempotency key) before anything is sent, and the
outcome after. A crash between the two leaves a `pending` row whose key tells
the next run to look the copy up at the endpoint (or send the same key again)
instead of creating a second copy.

The schema is created and changed by named migrations, applied in order and
recorded in `schema_migrations`.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from syndicate.errors import SyndicateError

STATES = ("pending", "delivered", "failed", "refused", "retracted")


def _0001_create_deliveries(db: sqlite3.Connection) -> None:
    db.execute(
        """
        CREATE TABLE deliveries (
            article TEXT NOT NULL,            -- the article's slug
            endpoint TEXT NOT NULL,           -- the endpoint's name in syndicate.toml
            state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed', 'refused', 'retracted')),
            action TEXT,                      -- what the last attempt did: create, update, delete
            remote_id TEXT,
            remote_url TEXT,
            content_hash TEXT,                -- of the copy last delivered
            idempotency_key TEXT,             -- of the attempt in flight or last made
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT,             -- ISO 8601 UTC; NULL: no retry scheduled
            last_error TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (article, endpoint)
        )
        """
    )


#: applied in order; never edit one that has shipped: add another
MIGRATIONS: tuple[tuple[str, Callable[[sqlite3.Connection], None]], ...] = (
    ("0001_create_deliveries", _0001_create_deliveries),
)


@dataclass(frozen=True)
class Delivery:
    article: str
    endpoint: str
    state: str
    action: str | None = None
    remote_id: str | None = None
    remote_url: str | None = None
    content_hash: str | None = None
    idempotency_key: str | None = None
    attempts: int = 0
    next_attempt_at: str | None = None
    last_error: str | None = None
    created_at: str = ""
    updated_at: str = ""


class LedgerError(SyndicateError):
    pass


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Ledger:
    """The ledger at `path` (created with its folder when missing). Thread-safe: writes are serialised."""

    def __init__(self, path: Path, clock: Callable[[], str] = utc_now) -> None:
        self.path = path
        self.clock = clock
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        except (OSError, sqlite3.Error) as e:
            raise LedgerError(
                f"{path}: cannot open the ledger: {e}",
                "check paths.state in syndicate.toml and that its folder is writable",
            ) from e

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _migrate(self) -> None:
        with self._transaction() as db:
            db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
            done = {row[0] for row in db.execute("SELECT name FROM schema_migrations")}
            for name, migrate in MIGRATIONS:
                if name not in done:
                    migrate(db)
                    db.execute("INSERT INTO schema_migrations VALUES (?, ?)", (name, self.clock()))

    def applied_migrations(self) -> list[str]:
        return [row[0] for row in self._db.execute("SELECT name FROM schema_migrations ORDER BY name")]

    def get(self, article: str, endpoint: str) -> Delivery | None:
        row = self._db.execute(
            "SELECT * FROM deliveries WHERE article = ? AND endpoint = ?", (article, endpoint)
        ).fetchone()
        return Delivery(**dict(row)) if row else None

    def all(self) -> list[Delivery]:
        rows = self._db.execute("SELECT * FROM deliveries ORDER BY article, endpoint")
        return [Delivery(**dict(row)) for row in rows]

    def _upsert(self, article: str, endpoint: str, **fields: object) -> None:
        now = self.clock()
        with self._transaction() as db:
            exists = db.execute(
                "SELECT 1 FROM deliveries WHERE article = ? AND endpoint = ?", (article, endpoint)
            ).fetchone()
            if exists:
                assignments = ", ".join(f"{name} = ?" for name in fields)
                db.execute(
                    f"UPDATE deliveries SET {assignments}, updated_at = ? WHERE article = ? AND endpoint = ?",  # noqa: S608 (names are ours)
                    (*fields.values(), now, article, endpoint),
                )
            else:
                names = ", ".join(fields)
                marks = ", ".join("?" for _ in fields)
                db.execute(
                    f"INSERT INTO deliveries (article, endpoint, {names}, created_at, updated_at) "  # noqa: S608
                    f"VALUES (?, ?, {marks}, ?, ?)",
                    (article, endpoint, *fields.values(), now, now),
                )

    def begin_attempt(self, article: str, endpoint: str, action: str, key: str) -> None:
        """Record, before sending, that `action` is under way with idempotency `key`."""
        current = self.get(article, endpoint)
        self._upsert(
            article,
            endpoint,
            state="pending",
            action=action,
            idempotency_key=key,
            attempts=(current.attempts if current else 0) + 1,
        )

    def delivered(self, article: str, endpoint: str, remote_id: str, remote_url: str, content_hash: str) -> None:
        self._upsert(
            article,
            endpoint,
            state="delivered",
            remote_id=remote_id,
            remote_url=remote_url,
            content_hash=content_hash,
            attempts=0,
            next_attempt_at=None,
            last_error=None,
        )

    def removed(self, article: str, endpoint: str) -> None:
        """The copy was deleted at the endpoint (retraction, or no longer allowed)."""
        self._upsert(
            article, endpoint, state="retracted", remote_id=None, attempts=0, next_attempt_at=None, last_error=None
        )

    def failed(self, article: str, endpoint: str, error: str, next_attempt_at: str | None) -> None:
        self._upsert(article, endpoint, state="failed", last_error=error, next_attempt_at=next_attempt_at)

    def refused(self, article: str, endpoint: str, reason: str) -> None:
        self._upsert(article, endpoint, state="refused", last_error=reason, next_attempt_at=None)
