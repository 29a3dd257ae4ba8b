"""The ledger: one row per article x endpoint, so that every push is idempotent.

A delivery is recorded in two steps, each its own transaction: the attempt
(state `pending`, with its idempotency key) before anything is sent, and the
outcome after. A crash between the two leaves a `pending` row whose key tells
the next run to look the copy up at the endpoint (or send the same key again)
instead of creating a second copy. Each step is one statement (an upsert),
committed on its own: push makes two per delivery, from several threads.

On SQLite (the default: the file at [paths] state) the journal is WAL with
synchronous=NORMAL: a killed process loses nothing committed; a power cut may
undo the last commits (the database stays consistent). FULL would fsync twice
per delivery. On PostgreSQL ([ledger] url) the same class runs the same
statements (ledger_pg.py), and several runners share the rows (ledger_claims.py).

The schema is created and changed by named migrations, applied in order and
recorded in `schema_migrations`. SQLite's errors (a damaged file, a full disk)
come out as a LedgerError naming the file (ledger_errors.py); a transaction
that fails, its COMMIT too, leaves nothing of itself behind.
"""

from __future__ import annotations

import datetime as dt
import itertools
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Set
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from syndicate.delivery.ledger_errors import ledger_error, not_a_file
from syndicate.delivery.ledger_migrations import MIGRATIONS
from syndicate.delivery.ledger_receipt import (
    LEDGER_ID,
    Receipt,
    lost_ledger,
    new_ledger_id,
    read_receipt,
    write_receipt,
)
from syndicate.errors import LedgerError, os_reason

STATES = ("pending", "delivered", "failed", "refused", "retracted", "unknown")
#: what every write of a delivery row sets besides its own columns: a new version, and no claim on it
_WRITTEN = "version = deliveries.version + 1, claimed_by = NULL, lease_until = NULL"
#: (claimed_by, version) of the claim an outcome is written under (ledger_claims.py): the write is
#: made only while the row is still so, so that a runner whose lease lapsed writes nothing over a newer one
Held = tuple[str, int]


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
    #: attribution.body_hash of the body the live copy carries; None when no copy is out there,
    #: or it was delivered before the ledger recorded it
    body_hash: str | None = None
    #: raised by every write: whether the row is still as a plan read it (ledger_claims.py)
    version: int = 0
    #: the runner delivering it, and until when its claim holds (ISO 8601 UTC); None: no claim
    claimed_by: str | None = None
    lease_until: str | None = None


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Ledger:
    """The ledger at `path` (created with its folder when missing). Thread-safe: writes are serialised."""

    #: what a claim adds to its SELECT (ledger_claims.py): SQLite's writers take turns; PostgreSQL's
    skip_locked = ""

    def __init__(self, path: Path, clock: Callable[[], str] = utc_now, adopt: bool = False) -> None:
        """`adopt`: open a ledger that does not hold the id its receipt names (reconcile, which
        rebuilds it, then takes the id over); any other command refuses it (ledger_receipt.py)."""
        self.path = path
        self.clock = clock
        self._lock = threading.Lock()
        self._giving = threading.Lock()  # one id, however many of push's workers record a first attempt
        self._ledger_id: str | None = None
        kind = not_a_file(path)
        if kind:
            raise LedgerError.cannot_open(path, kind)
        self._opening = True  # SQLite's errors until migrated say "cannot open the ledger"
        db = None
        try:
            with self._sqlite_errors():
                path.parent.mkdir(parents=True, exist_ok=True)
                db = self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
                db.row_factory = sqlite3.Row
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                self._migrate()
            self._opening = False  # open: what SQLite says from here on is about using it
            self._ledger_id = self._check_receipt(adopt)
        except (OSError, LedgerError) as e:
            if db is not None:
                db.close()
            if isinstance(e, OSError):
                raise LedgerError.cannot_open(path, os_reason(e)) from e
            raise
        self._opening = False

    def _check_receipt(self, adopt: bool) -> str | None:
        """This ledger's id, once it has recorded a delivery; refuses a ledger its receipt disowns."""
        held = self.get_state(LEDGER_ID)
        receipt = read_receipt(self.path)
        if receipt is not None and receipt.ledger_id != held and not adopt:
            raise lost_ledger(self.path, receipt, held)
        if held is None and receipt is None:
            with self._locked() as db:
                delivered = db.execute("SELECT 1 FROM deliveries WHERE remote_id IS NOT NULL LIMIT 1").fetchone()
            if delivered:  # a ledger from before receipts: given one now
                held = self._give_id()
        elif held is not None and receipt is None:  # the receipt was removed: written again
            write_receipt(self.path, Receipt(held, self.clock()))
        return held

    def _give_id(self, ledger_id: str | None = None, since: str | None = None) -> str:
        """Give this ledger an id (new, or the receipt's that reconcile takes over) and write its receipt."""
        ledger_id = ledger_id or new_ledger_id()
        self.set_state({LEDGER_ID: ledger_id})
        write_receipt(self.path, Receipt(ledger_id, since or self.clock()))
        self._ledger_id = ledger_id
        return ledger_id

    def adopt_receipt(self) -> None:
        """Take over the receipt's id (after reconcile rebuilt the record), or get one."""
        receipt = read_receipt(self.path)
        self._give_id(receipt.ledger_id if receipt else None, receipt.since if receipt else None)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _sqlite_errors(self) -> Iterator[None]:
        """SQLite's errors (a damaged file, a full disk) as a LedgerError naming the ledger."""
        try:
            yield
        except sqlite3.Error as e:
            raise ledger_error(self.path, e, self._opening) from e

    @contextmanager
    def _locked(self) -> Iterator[sqlite3.Connection]:
        """The connection, to one thread at a time (push's workers share it), its errors as LedgerErrors."""
        with self._lock, self._sqlite_errors():
            yield self._db

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """All the statements of the block, or (whatever fails, the COMMIT too) none of them."""
        with self._locked() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                db.execute("COMMIT")
            except BaseException:
                # SQLite rolls back by itself on some errors (full disk, I/O): a 2nd ROLLBACK's error would hide the 1st
                if db.in_transaction:
                    with suppress(sqlite3.Error):
                        db.execute("ROLLBACK")
                raise

    def connection(self, write: bool = False) -> AbstractContextManager[sqlite3.Connection]:  # audit_store.py's
        return self._transaction() if write else self._locked()  # (seam: a transaction of its own when writing)

    def _migrate(self) -> None:
        with self._transaction() as db:
            self._migrating(db)
            db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
            done = {row[0] for row in db.execute("SELECT name FROM schema_migrations")}
            for name, migrate in MIGRATIONS:
                if name not in done:
                    migrate(db)
                    db.execute("INSERT INTO schema_migrations VALUES (?, ?)", (name, self.clock()))

    def _migrating(self, db: sqlite3.Connection) -> None:
        """Before migrating, in the same transaction (PostgreSQL: one runner at a time migrates)."""

    def applied_migrations(self) -> list[str]:
        with self._locked() as db:
            return [row[0] for row in db.execute("SELECT name FROM schema_migrations ORDER BY name")]

    def get(self, article: str, endpoint: str) -> Delivery | None:
        with self._locked() as db:  # push reads while its workers write on the same connection
            row = db.execute(
                "SELECT * FROM deliveries WHERE article = ? AND endpoint = ?", (article, endpoint)
            ).fetchone()
        return Delivery(**dict(row)) if row else None

    def all(self) -> list[Delivery]:
        with self._locked() as db:
            rows = db.execute("SELECT * FROM deliveries ORDER BY article, endpoint").fetchall()
        return [Delivery(**dict(row)) for row in rows]

    def _upsert(self, article: str, endpoint: str, held: Held | None = None, **fields: object) -> bool:
        """Set `fields` of one row, inserting it if missing: one statement, so one transaction and no read first.
        `held`: only while the row is under that claim; False when it no longer was (nothing written)."""
        now = self.clock()
        condition = " WHERE deliveries.claimed_by = ? AND deliveries.version = ?" if held else ""
        names = ", ".join(fields)
        marks = ", ".join("?" for _ in fields)
        assignments = ", ".join(f"{name} = excluded.{name}" for name in fields)
        with self._locked() as db:
            cursor = db.execute(
                f"INSERT INTO deliveries (article, endpoint, {names}, created_at, updated_at, version) "  # noqa: S608 (names are ours)
                f"VALUES (?, ?, {marks}, ?, ?, 1) "
                f"ON CONFLICT (article, endpoint) DO UPDATE SET {assignments}, updated_at = excluded.updated_at, "
                f"{_WRITTEN}{condition}",
                (article, endpoint, *fields.values(), now, now, *(held or ())),
            )
            return bool(cursor.rowcount == 1)

    def begin_attempt(self, article: str, endpoint: str, action: str, key: str) -> int:
        """Record, before sending, that `action` is under way with idempotency `key`; returns the attempt number.

        Committed when this returns: the upsert is one statement in autocommit mode. The first
        attempt a ledger records gives it its id and receipt, before anything is sent.
        """
        self._identify()
        now = self.clock()
        with self._locked() as db:
            # UPSERT (SQLite 3.24), not RETURNING (3.35): Pythons linked to older SQLites are still about
            db.execute(
                "INSERT INTO deliveries (article, endpoint, state, action, idempotency_key, attempts, "
                "created_at, updated_at, version) VALUES (?, ?, 'pending', ?, ?, 1, ?, ?, 1) "
                "ON CONFLICT (article, endpoint) DO UPDATE SET state = 'pending', action = excluded.action, "
                "idempotency_key = excluded.idempotency_key, attempts = deliveries.attempts + 1, "
                "updated_at = excluded.updated_at, version = deliveries.version + 1, claimed_by = NULL, "
                "lease_until = NULL",
                (article, endpoint, action, key, now, now),
            )
            row = db.execute(
                "SELECT attempts FROM deliveries WHERE article = ? AND endpoint = ?", (article, endpoint)
            ).fetchone()
        return int(row[0])

    def _identify(self) -> None:
        """Before the first attempt this ledger records: give it its id (and receipt)."""
        if self._ledger_id is None:
            with self._giving:
                if self._ledger_id is None:
                    self._give_id()

    def delivered(
        self,
        article: str,
        endpoint: str,
        remote_id: str,
        remote_url: str,
        content_hash: str | None,
        body_hash: str | None,
        held: Held | None = None,
    ) -> bool:
        """The copy (`content_hash`) with the body `body_hash` (attribution.body_hash) is at the endpoint;
        either None: not known (reconcile found the copy), so the next push updates it. `held`: see _upsert."""
        copy = {"remote_id": remote_id, "remote_url": remote_url, "content_hash": content_hash, "body_hash": body_hash}
        return self._upsert(
            article, endpoint, held, state="delivered", **copy, attempts=0, next_attempt_at=None, last_error=None
        )

    def removed(self, article: str, endpoint: str, held: Held | None = None) -> bool:
        """The copy was taken down at the endpoint (retraction, back to draft, or no longer allowed).

        Its remote id is kept: an endpoint that keeps what it took down (WordPress's trash or
        drafts) publishes the same post again if the article comes back. Its body no longer
        pins the article's (no copy carries it).
        """
        gone = {"body_hash": None, "attempts": 0, "next_attempt_at": None, "last_error": None}
        return self._upsert(article, endpoint, held, state="retracted", **gone)

    def failed(
        self, article: str, endpoint: str, error: str, next_attempt_at: str | None, held: Held | None = None
    ) -> bool:
        return self._upsert(article, endpoint, held, state="failed", last_error=error, next_attempt_at=next_attempt_at)

    def unknown(self, article: str, endpoint: str) -> None:
        """A rebuilt ledger cannot tell whether the endpoint holds this copy (a webhook cannot be asked)."""
        self._upsert(article, endpoint, state="unknown", remote_id=None, content_hash=None, next_attempt_at=None)

    def forget_unknown(self, endpoint: str) -> int:
        """Drop the endpoint's `unknown` rows (reconcile --assume-new / --assume-delivered decides them)."""
        with self._transaction() as db:
            return db.execute("DELETE FROM deliveries WHERE endpoint = ? AND state = 'unknown'", (endpoint,)).rowcount

    def refused(self, article: str, endpoint: str, reason: str) -> None:
        self._upsert(article, endpoint, state="refused", last_error=reason, next_attempt_at=None)

    def requeue(self, article: str | None = None) -> int:
        """Make failed rows (of one article, or all) due now, with their attempts reset."""
        with self._transaction() as db:
            where, args = ("AND article = ?", (article,)) if article else ("", ())
            cursor = db.execute(
                f"UPDATE deliveries SET attempts = 0, next_attempt_at = ?, updated_at = ?, {_WRITTEN} WHERE state IN ('failed', 'pending') {where}",  # noqa: E501,S608
                (self.clock(), self.clock(), *args),
            )
            return cursor.rowcount

    def delivered_bodies(self) -> dict[str, dict[str, str]]:
        """article -> endpoint -> the body digest its live copy carries (rows that record one), in one query."""
        bodies: dict[str, dict[str, str]] = {}
        with self._locked() as db:
            rows = db.execute(
                "SELECT article, endpoint, body_hash FROM deliveries "
                "WHERE body_hash IS NOT NULL AND state != 'retracted'"
            )
            for article, endpoint, digest in rows:
                bodies.setdefault(article, {})[endpoint] = digest
        return bodies

    # -- what run remembers ------------------------------------------------------------

    def get_state(self, key: str) -> str | None:
        with self._locked() as db:
            row = db.execute("SELECT value FROM run_state WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_state(self, values: dict[str, str]) -> None:
        with self._transaction() as db:
            db.executemany(
                "INSERT INTO run_state VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                values.items(),
            )

    def cached_files(self) -> dict[str, tuple[int, int, str, str | bytes, bytes | None]]:
        """path -> (mtime_ns, size, sha256, parsed article (compressed JSON; JSON text in older
        ledgers), rendered copy or None)."""
        with self._locked() as db:
            rows = db.execute("SELECT path, mtime_ns, size, sha256, parsed, rendered FROM article_files")
            return {row[0]: (row[1], row[2], row[3], row[4], row[5]) for row in rows}

    def update_files(
        self, rows: Iterable[tuple[str, int, int, str, str | bytes, bytes | None, bytes | None]], present: Set[str]
    ) -> None:
        """Store the rows of files read again, each with its record (cron/records.py) or none, and
        forget every file not in `present` (each of which has its row once these are stored), in
        one transaction, in batches. Rows of unchanged files stay as they are."""
        with self._transaction() as db:
            pending = iter(rows)
            while batch := list(itertools.islice(pending, 500)):
                db.executemany(
                    "INSERT INTO article_files VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (path) DO UPDATE SET "
                    "mtime_ns = excluded.mtime_ns, size = excluded.size, sha256 = excluded.sha256, "
                    "parsed = excluded.parsed, rendered = excluded.rendered",
                    [row[:6] for row in batch],
                )
                db.executemany("DELETE FROM article_records WHERE path = ?", [(row[0],) for row in batch])
                records = [(row[0], row[6]) for row in batch if row[6] is not None]
                db.executemany("INSERT INTO article_records (path, record) VALUES (?, ?)", records)
            if db.execute("SELECT COUNT(*) FROM article_files").fetchone()[0] != len(present):  # (else none gone)
                gone = [(p,) for (p,) in db.execute("SELECT path FROM article_files").fetchall() if p not in present]
                db.executemany("DELETE FROM article_files WHERE path = ?", gone)
                db.executemany("DELETE FROM article_records WHERE path = ?", gone)

    def last_pushes(self) -> dict[str, str]:
        with self._locked() as db:
            return {row[0]: row[1] for row in db.execute("SELECT endpoint, last_push_at FROM endpoint_pushes")}

    def pushed(self, endpoint: str, when: str) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO endpoint_pushes VALUES (?, ?) ON CONFLICT (endpoint) DO UPDATE "
                "SET last_push_at = excluded.last_push_at",
                (endpoint, when),
            )


def ledger_exists(state: Path) -> bool:
    """Whether there is a ledger at `state` (a lost one, whose receipt is left, raises: see lost_ledger)."""
    try:
        state.stat()
    except FileNotFoundError:
        receipt = read_receipt(state)
        if receipt is not None:  # the ledger is gone, not yet made: plan would say "create" for every copy
            raise lost_ledger(state, receipt, None) from None
        return False
    except OSError:
        pass  # a parent that is a file, say: opening the ledger names the problem
    return True
