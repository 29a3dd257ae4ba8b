"""The ledger's schema, made and changed by named migrations: applied in order, each recorded
in `schema_migrations` by name (ledger.Ledger._migrate). Never edit one that has shipped: add another.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable


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


def _0002_create_run_state(db: sqlite3.Connection) -> None:
    """What `run` remembers between runs: each article file as last read, and when endpoints were pushed."""
    db.execute(
        """
        CREATE TABLE article_files (
            path TEXT PRIMARY KEY,            -- absolute
            mtime_ns INTEGER NOT NULL,
            size INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            parsed TEXT NOT NULL              -- JSON: front matter, body, body line, findings
        )
        """
    )
    db.execute("CREATE TABLE endpoint_pushes (endpoint TEXT PRIMARY KEY, last_push_at TEXT NOT NULL)")
    db.execute("CREATE TABLE run_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


def _0003_files_digest(db: sqlite3.Connection) -> None:
    """run compares one digest of the content folder's stat with the scan, no longer every row: derive it."""
    from syndicate.cron.noop import files_digest

    rows = db.execute("SELECT path, mtime_ns, size FROM article_files").fetchall()
    if rows:
        stats = {row[0]: (row[1], row[2]) for row in rows}
        db.execute("INSERT OR REPLACE INTO run_state VALUES ('files_digest', ?)", (files_digest(stats),))


#: applied in order; never edit one that has shipped: add another
def _0004_rendered_copies(db: sqlite3.Connection) -> None:
    """Each article file's rendered copy too (render.RenderedCopy.to_bytes): a run after a small
    change renders only what changed, where it rendered the whole site for the feeds."""
    db.execute("ALTER TABLE article_files ADD COLUMN rendered BLOB")


def _0005_delivered_body(db: sqlite3.Connection) -> None:
    """The digest of the body each live copy carries (attribution.body_hash's form), which pins the
    body of a no-derivatives article once delivered. Rows delivered before have NULL: what their
    copies carry is not known (content_hash covers the rendered copy, not the body's text)."""
    db.execute("ALTER TABLE deliveries ADD COLUMN body_hash TEXT")


def _0006_unknown_state(db: sqlite3.Connection) -> None:
    """State `unknown`: a copy a rebuilt ledger cannot vouch for (a webhook cannot be asked); SQLite
    changes a CHECK only by copying the table."""
    (sql,) = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'deliveries'").fetchone()
    db.execute(
        sql.replace("CREATE TABLE deliveries", "CREATE TABLE deliveries_new", 1).replace(
            "'refused', 'retracted')", "'refused', 'retracted', 'unknown')", 1
        )
    )
    db.execute("INSERT INTO deliveries_new SELECT * FROM deliveries")
    db.execute("DROP TABLE deliveries")
    db.execute("ALTER TABLE deliveries_new RENAME TO deliveries")


def _0007_audits(db: sqlite3.Connection) -> None:
    """What each `audit` found at each copy's address, one row per copy per audit: the next audit
    says what changed since (audit_store.py)."""
    db.execute(
        """
        CREATE TABLE audits (
            id INTEGER PRIMARY KEY,
            article TEXT NOT NULL,            -- the article's slug
            endpoint TEXT NOT NULL,
            url TEXT NOT NULL,                -- the address read (the ledger's remote_url)
            checked_at TEXT NOT NULL,         -- ISO 8601 UTC
            http_status INTEGER,              -- of the last answer; NULL: none came
            checked INTEGER NOT NULL,         -- 1: the page was read and checked; 0: it could not be
            findings TEXT NOT NULL            -- JSON: [{code, severity, message, hint}]
        )
        """
    )
    db.execute("CREATE INDEX audits_by_copy ON audits (article, endpoint, checked, id)")


def _0008_audit_tracking(db: sqlite3.Connection) -> None:
    """Conditional requests (each audit keeps the page's ETag and Last-Modified, and a digest of what
    the copy was judged against, so that a 304 may keep the last result: audit_store.py), and the
    addresses an editor registers by hand (`syndicate track`: audit_tracked.py)."""
    db.execute("ALTER TABLE audits ADD COLUMN etag TEXT")
    db.execute("ALTER TABLE audits ADD COLUMN last_modified TEXT")
    db.execute("ALTER TABLE audits ADD COLUMN judged_against TEXT")
    db.execute(
        """
        CREATE TABLE tracked (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,         -- the page an editor found the copy at
            article TEXT NOT NULL,            -- the slug of the article it copies
            contact TEXT,                     -- whom a notice about it is addressed to
            canonical TEXT NOT NULL DEFAULT 'original',  -- the policy it is checked against
            added_at TEXT NOT NULL            -- ISO 8601 UTC
        )
        """
    )


MIGRATIONS: tuple[tuple[str, Callable[[sqlite3.Connection], None]], ...] = (
    ("0001_create_deliveries", _0001_create_deliveries),
    ("0002_create_run_state", _0002_create_run_state),
    ("0003_files_digest", _0003_files_digest),
    ("0004_rendered_copies", _0004_rendered_copies),
    ("0005_delivered_body", _0005_delivered_body),
    ("0006_unknown_state", _0006_unknown_state),
    ("0007_audits", _0007_audits),
    ("0008_audit_tracking", _0008_audit_tracking),
)
