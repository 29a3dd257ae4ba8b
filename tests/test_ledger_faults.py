"""A ledger that SQLite cannot use, and a lock file that is not one: a clean error, exit 2, nothing lost.

The damaged ledgers are real files, damaged as a disk or a stray write would: a
table's page overwritten, garbage behind a valid header. A full disk cannot be
made here: SQLite's own limit (PRAGMA max_page_count) makes it say
SQLITE_FULL where a run's transaction must grow the file, and, where a
statement has to fail at a chosen point, the connection raises the error
SQLite raises. The lock tests put a symbolic link, a hard link and a FIFO where the lock
file goes, and run the real command (the early no-op answer takes the lock too).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from syndicate.delivery.ledger import Ledger
from syndicate.errors import LedgerError
from tests.loopback import Recorder, recording_server

ALDER = "alder-valley-water-board-approves-tiered-rates"
COMMANDS = [["run"], ["push"], ["plan"], ["status"], ["retry", "--all"]]


def state_db(site: Path) -> Path:
    return site / ".syndicate" / "state.db"


def syndicate(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real command, in its own process (its early no-op answer included); a hang fails, not blocks."""
    command = [sys.executable, "-m", "syndicate", "--config", str(site / "syndicate.toml"), *args]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)


def tables(state: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the ledger."""
    with contextlib.closing(sqlite3.connect(state)) as db:
        names = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {name: db.execute(f"SELECT * FROM {name} ORDER BY 1, 2").fetchall() for name in names}


def damage(state: Path, *names: str) -> None:
    """Overwrite the root page of each of these tables (all their rows, in a small ledger) with junk."""
    with contextlib.closing(sqlite3.connect(state)) as db:
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
        roots = [db.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (n,)).fetchone()[0] for n in names]
    assert not Path(f"{state}-wal").exists()  # every page is in the file itself
    with state.open("r+b") as file:
        for root in roots:
            file.seek((root - 1) * page_size)
            file.write(b"\xa5" * page_size)


RECORD = "the record of every copy delivered (a new, empty one would send them all again)"


def recover_steps(state: Path) -> str:
    return (
        f"recover it, with no run going: `sqlite3 {state} .recover | sqlite3 {state}.recovered`, then move {state} "
        f"(and any -wal and -shm beside it) aside and {state}.recovered in its place; README: A damaged ledger"
    )


# --- a damaged ledger ----------------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
def test_a_damaged_page_is_one_line_naming_the_ledger(run_cli: Any, site: Path, command: list[str]) -> None:
    config = str(site / "syndicate.toml")
    assert run_cli("--config", config, "run").status == 0
    damage(state_db(site), "deliveries", "run_state")
    damaged = state_db(site).read_bytes()
    result = run_cli("--config", config, *command)
    assert result.status == 2
    assert result.err.splitlines() == [
        f"syndicate: error: {state_db(site)}: cannot use the ledger: database disk image is malformed",
        f"  hint: the ledger is {RECORD}: {recover_steps(state_db(site))}",
    ]
    assert state_db(site).read_bytes() == damaged  # left as it is, to be recovered


@pytest.mark.parametrize("command", COMMANDS)
def test_garbage_behind_a_valid_header_is_not_taken_for_a_ledger(run_cli: Any, site: Path, command: list[str]) -> None:
    state_db(site).parent.mkdir()
    garbage = b"SQLite format 3\0" + bytes(range(256)) * 64
    state_db(site).write_bytes(garbage)
    result = run_cli("--config", str(site / "syndicate.toml"), *command)
    assert result.status == 2
    assert result.err.splitlines() == [
        f"syndicate: error: {state_db(site)}: cannot open the ledger: file is not a database",
        f"  hint: if paths.state names another file, correct it; if it names the ledger, that is {RECORD}: "
        + recover_steps(state_db(site)),
    ]
    assert state_db(site).read_bytes() == garbage
    assert not (site / "out").exists()


def test_the_early_no_op_answer_leaves_a_damaged_ledger_to_the_full_run(site: Path) -> None:
    assert syndicate(site, "run").returncode == 0
    damage(state_db(site), "run_state")
    result = syndicate(site, "run")
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == (
        f"syndicate: error: {state_db(site)}: cannot use the ledger: database disk image is malformed"
    )
    assert len(result.stderr.splitlines()) == 2


# --- a full disk ---------------------------------------------------------------------------------


@contextlib.contextmanager
def no_room_to_grow(state: Path) -> Iterator[None]:
    """The ledger's connections may not make the file any larger: SQLite says "database or disk is full"."""
    real_connect = sqlite3.connect

    def connect(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        db: sqlite3.Connection = real_connect(database, *args, **kwargs)
        if os.fspath(database) == os.fspath(state):
            pages = db.execute("PRAGMA page_count").fetchone()[0]
            db.execute(f"PRAGMA max_page_count = {pages}")
        return db

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sqlite3, "connect", connect)
        yield


def full() -> sqlite3.OperationalError:
    """The error SQLite raises when the disk is full."""
    error = sqlite3.OperationalError("database or disk is full")
    error.sqlite_errorcode = sqlite3.SQLITE_FULL
    error.sqlite_errorname = "SQLITE_FULL"
    return error


@contextlib.contextmanager
def disk_fills_up(when: Callable[[str, Any], bool]) -> Iterator[None]:
    """Every ledger statement for which `when(sql, parameters)` is true fails as on a full disk."""

    class FullDisk(sqlite3.Connection):
        def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
            if when(sql, parameters):
                raise full()
            return super().execute(sql, parameters)

    real_connect = sqlite3.connect
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sqlite3, "connect", lambda *args, **kwargs: real_connect(*args, factory=FullDisk, **kwargs))
        yield


FULL_DISK = "  hint: free space on the disk that holds it, then run again: what could not be recorded is done again, and no copy twice"  # noqa: E501


def test_a_run_that_fills_the_disk_records_nothing_half(run_cli: Any, site: Path) -> None:
    config = str(site / "syndicate.toml")
    assert run_cli("--config", config, "run").status == 0
    before = tables(state_db(site))
    alder = (site / "content" / f"{ALDER}.md").read_text()
    for n in range(20):  # new articles: their rows must grow the file
        (site / "content" / f"copy-{n}.md").write_text(alder.replace(f"slug: {ALDER}", f"slug: copy-{n}"))
    with no_room_to_grow(state_db(site)):
        result = run_cli("--config", config, "run")
    assert result.status == 2
    assert result.err.splitlines() == [
        f"syndicate: error: {state_db(site)}: cannot use the ledger: database or disk is full",
        FULL_DISK,
    ]
    after = tables(state_db(site))
    # the transaction that failed left none of its rows; only the mark that this run began stays
    # (run.py), and the feeds the last run kept are gone: taken out before any file is stored, a
    # cache the next run makes again (feeds/kept.py)
    assert after["kept_state"] == [] and before["kept_state"] != []
    changed = ("run_state", "kept_state")
    assert {name: rows for name, rows in after.items() if name not in changed} == {
        name: rows for name, rows in before.items() if name not in changed
    }
    assert [row for row in after["run_state"] if row[0] != "next_wakeup"] == [
        row for row in before["run_state"] if row[0] != "next_wakeup"
    ]
    assert not (site / "out" / "archive" / "copy-0.html").exists()
    again = run_cli("-v", "--config", config, "run")
    assert again.status == 0, again.err
    assert (site / "out" / "archive" / "copy-0.html").exists()


def test_a_transaction_that_cannot_grow_the_file_leaves_nothing(tmp_path: Path) -> None:
    with Ledger(tmp_path / "state.db") as ledger:
        ledger.update_files([("/a.md", 1, 1, "0" * 64, "{}", None, None)], {"/a.md"})
    rows = [("/b.md", 2, 2, "1" * 64, "{}", None, None), ("/c.md", 3, 3, "2" * 64, "{}", os.urandom(200_000), b"{}")]
    with no_room_to_grow(tmp_path / "state.db"), Ledger(tmp_path / "state.db") as ledger:
        with pytest.raises(LedgerError, match="database or disk is full"):
            ledger.update_files(rows, {"/b.md", "/c.md"})  # /b.md fits; /c.md does not
        assert list(ledger.cached_files()) == ["/a.md"]  # /b.md rolled back, /a.md not forgotten
        ledger.set_state({"after": "yes"})  # no transaction left open
    with Ledger(tmp_path / "state.db") as ledger:
        assert list(ledger.cached_files()) == ["/a.md"] and ledger.get_state("after") == "yes"


def add_hook(site: Path, hook: Recorder) -> None:
    config = site / "syndicate.toml"
    config.write_text(
        config.read_text()
        + f'\n[[endpoints]]\nname = "hook"\ntype = "webhook"\nchannel = "community-web"\nurl = "{hook.url}"\n'
        + "concurrency = 1\nretries = 1\n"
    )


def test_a_push_on_a_full_disk_sends_nothing_it_cannot_record(run_cli: Any, site: Path) -> None:
    config = str(site / "syndicate.toml")
    with recording_server() as hook:
        add_hook(site, hook)
        assert run_cli("--config", config, "push").status == 0
        sent = len(hook.requests)
        article = site / "content" / f"{ALDER}.md"
        article.write_text(article.read_text().replace('title: "', 'title: "Updated: ', 1))
        before = tables(state_db(site))
        with disk_fills_up(lambda sql, _: sql.lstrip().startswith(("INSERT", "UPDATE", "DELETE"))):
            result = run_cli("--config", config, "push")
        assert result.status == 2
        assert result.err.splitlines() == [
            f"syndicate: error: {state_db(site)}: cannot use the ledger: database or disk is full",
            FULL_DISK,
        ]
        assert len(hook.requests) == sent  # the attempt could not be recorded: nothing was sent
        assert tables(state_db(site)) == before


def test_a_delivery_made_but_not_recorded_is_not_made_twice(run_cli: Any, site: Path) -> None:
    config = str(site / "syndicate.toml")
    with recording_server() as hook:
        add_hook(site, hook)
        # the disk fills up once the copy is out: its outcome cannot be recorded, its attempt is
        with disk_fills_up(lambda sql, parameters: "delivered" in parameters):
            result = run_cli("--config", config, "push", "--endpoint", "hook")
        assert result.status == 2 and "database or disk is full" in result.err
        assert "Traceback" not in result.err
        assert {row[2] for row in tables(state_db(site))["deliveries"]} == {"pending"}
        assert run_cli("--config", config, "push", "--endpoint", "hook").status == 0
        assert {row[2] for row in tables(state_db(site))["deliveries"]} == {"delivered"}
        keys: dict[str, set[str]] = {}
        for request in hook.requests:
            keys.setdefault(json.loads(request.body)["article"], set()).add(request.headers["Idempotency-Key"])
        assert keys and all(len(sent) == 1 for sent in keys.values())  # sent again with the same key: one copy


def test_a_commit_that_fails_is_rolled_back(run_cli: Any, site: Path) -> None:
    config = str(site / "syndicate.toml")
    assert run_cli("--config", config, "push").status == 0
    with Ledger(state_db(site)) as ledger:
        ledger.failed(ALDER, "archive", "timed out", None)
    before = tables(state_db(site))
    statements: list[str] = []

    def requeue_committed(sql: str, _: Any) -> bool:
        statements.append(sql)
        return sql == "COMMIT" and any(s.startswith("UPDATE deliveries") for s in statements)

    with disk_fills_up(requeue_committed):
        result = run_cli("--config", config, "retry", "--all")
    assert result.status == 2
    assert result.err.splitlines()[0] == (
        f"syndicate: error: {state_db(site)}: cannot use the ledger: database or disk is full"
    )
    assert tables(state_db(site)) == before  # the re-queue did not happen half


# --- the lock file -------------------------------------------------------------------------------


LOCK_HINT = "  hint: remove it: syndicate makes the lock file itself, and writes its pid in it"


#: how the lock file is made a link to another file, and what syndicate says of it
LINKS = {
    "symbolic": (Path.symlink_to, "the run lock is a symbolic link; syndicate does not follow it"),
    "hard": (Path.hardlink_to, "the run lock is a hard link (2 names for one file); syndicate does not write it"),
}


@pytest.mark.parametrize("link", LINKS)
@pytest.mark.parametrize("command", [["run"], ["push"], ["retry", "--all"], ["audit"]])
def test_a_lock_that_is_a_link_to_another_file_is_not_written(site: Path, command: list[str], link: str) -> None:
    assert syndicate(site, "run").returncode == 0  # (a second run would be answered early: that path too)
    victim = site / "victim.txt"  # (in the site: a hard link needs the same file system)
    victim.write_text("someone else's file\n")
    lock = Path(f"{state_db(site)}.lock")
    lock.unlink()
    make, said = LINKS[link]
    make(lock, victim)
    result = syndicate(site, *command)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"syndicate: error: {lock}: {said}", LOCK_HINT]
    assert victim.read_text() == "someone else's file\n"


@pytest.mark.parametrize("command", [["run"], ["push"], ["retry", "--all"]])
def test_a_lock_that_is_a_fifo_neither_hangs_nor_crashes(site: Path, command: list[str]) -> None:
    assert syndicate(site, "run").returncode == 0
    lock = Path(f"{state_db(site)}.lock")
    lock.unlink()
    os.mkfifo(lock)
    result = syndicate(site, *command)  # (a hang would fail at the timeout)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"syndicate: error: {lock}: the run lock is a FIFO, not a file",
        LOCK_HINT,
    ]
