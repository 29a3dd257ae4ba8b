"""`syndicate ledger migrate --to postgresql://...`: a SQLite ledger copied into PostgreSQL, checked row by row.

Both ledgers have the same tables (the same migrations made them). Every row
of the ledger's record is copied in one transaction, into a site that holds
nothing yet; then both are read back, table by table in key order, and
compared row by row: any difference is an error, and the copy is removed
again (the SQLite ledger is never changed). The article cache (article_files)
is not copied: it names files on this machine, and the next run reads what it
needs again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from syndicate.delivery.ledger import Ledger
from syndicate.delivery.ledger_pg import PostgresLedger
from syndicate.errors import LedgerError

#: the tables copied, each with the columns it is ordered by
TABLES = (
    ("deliveries", "article, endpoint"),
    ("run_state", "key"),
    ("endpoint_pushes", "endpoint"),
    ("audits", "id"),
    ("tracked", "id"),
)
#: the tables not copied: the article cache and its records (see above), what a run keeps for
#: the next (computed again when missing), and the migrations, which made both ledgers
NOT_COPIED = ("article_files", "article_records", "kept_state", "schema_migrations")


@dataclass
class Copied:
    #: table -> rows copied and found the same in both
    rows: dict[str, int] = field(default_factory=dict)


def _read(ledger: Ledger, table: str, order: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    with ledger._locked() as db:
        cursor = db.execute(f"SELECT * FROM {table} ORDER BY {order}")  # noqa: S608 (names are ours)
        names = [column[0] for column in cursor.description]
        return names, [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in cursor]


def _holds_record(target: PostgresLedger) -> bool:
    """Whether any table the copy writes already holds a row (a tracked address alone counts)."""
    if target.get_state("ledger_id") is not None:
        return True
    with target._locked() as db:
        return any(db.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() for table, _ in TABLES)  # noqa: S608


def copy_ledger(source: Ledger, target: PostgresLedger) -> Copied:
    """Copy `source`'s record into `target` (which must hold none), then compare them row by row."""
    if _holds_record(target):
        raise LedgerError(
            f"{target.path}: this site's ledger in the database already holds a record; nothing copied",
            "give another site name (--site), or drop its schema if it is a failed attempt",
        )
    copied = Copied()
    with target._transaction() as db:
        for table, _order in TABLES:
            names, rows = _read(source, table, _order)
            marks = ", ".join("?" for _ in names)
            db.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})", rows)  # noqa: S608
            copied.rows[table] = len(rows)
        # the ids of audits and tracked addresses were copied as they are: the next one follows the last
        for table in ("audits", "tracked"):
            db.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM {table}"  # noqa: S608
            )
    mismatches = list(_differences(source, target))
    if mismatches:
        with target._transaction() as db:
            for table, _ in TABLES:
                db.execute(f"DELETE FROM {table}")  # noqa: S608 (names are ours)
        raise LedgerError(
            f"{target.path}: the copy differs from the SQLite ledger ({mismatches[0]}); the copy was removed",
            "report it with the line above; the SQLite ledger is unchanged and still in use",
        )
    return copied


def _differences(source: Ledger, target: Ledger) -> Iterator[str]:
    if source.applied_migrations() != target.applied_migrations():
        yield "they differ in their migrations: upgrade syndicate where the SQLite ledger was last used"
    for table, order in TABLES:
        names, rows = _read(source, table, order)
        copied_names, copied = _read(target, table, order)
        if names != copied_names or len(rows) != len(copied):
            yield f"{table}: {len(rows)} rows, {len(copied)} copied"
            continue
        for row, again in zip(rows, copied, strict=True):
            if row != again:
                yield f"{table}: the row {row[0]!r} differs"
