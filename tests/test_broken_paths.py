"""Through the command line: a ledger or feeds folder that cannot be used is one clean error, exit 2.

The tests run as root, whom file modes do not stop: a file standing where a folder
should be (or the other way round) is the real fault they make; a permission
error is shown with the one os function that meets it made to fail.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


def state_db(site: Path) -> Path:
    return site / ".syndicate" / "state.db"


def parent_is_a_file(site: Path) -> str:
    (site / ".syndicate").write_text("x\n")
    return f"{site}/.syndicate is a file, not a folder"


def state_is_a_folder(site: Path) -> str:
    state_db(site).mkdir(parents=True)
    return "it is a folder, not a file"


def not_a_database(site: Path) -> str:
    state_db(site).parent.mkdir()
    state_db(site).write_text("not sqlite\n")
    return "file is not a database"


def state_is_a_fifo(site: Path) -> str:
    state_db(site).parent.mkdir()
    os.mkfifo(state_db(site))
    return "it is a FIFO, not a file"  # (SQLite says only "disk I/O error")


@pytest.mark.parametrize("break_state", [parent_is_a_file, state_is_a_folder, not_a_database, state_is_a_fifo])
@pytest.mark.parametrize("command", [["run"], ["push"], ["plan"], ["status"], ["retry", "--all"]])
def test_a_ledger_that_cannot_be_opened_is_a_configuration_error(
    run_cli: Any, site: Path, break_state: Callable[[Path], str], command: list[str]
) -> None:
    reason = break_state(site)
    result = run_cli("--config", str(site / "syndicate.toml"), *command)
    assert result.status == 2
    lines = result.err.splitlines()
    assert lines[0] == f"syndicate: error: {state_db(site)}: cannot open the ledger: {reason}"
    assert lines[1].startswith("  hint: ") and len(lines) == 2
    assert not (site / "out").exists()


def test_a_file_that_is_not_a_ledger_says_so(run_cli: Any, site: Path) -> None:
    not_a_database(site)
    result = run_cli("--config", str(site / "syndicate.toml"), "status")
    assert result.err.splitlines()[1].startswith(
        "  hint: if paths.state names another file, correct it; if it names the ledger, that is the record of "
        "every copy delivered (a new, empty one would send them all again): recover it"
    )
    assert state_db(site).read_text() == "not sqlite\n"  # left as it was, for the editor to look at


def test_a_state_folder_syndicate_may_not_write(run_cli: Any, site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = os.open

    def refusing(path: Any, flags: int, mode: int = 0o777, **kwargs: Any) -> int:
        if os.fspath(path).endswith(".lock"):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_open(path, flags, mode, **kwargs)

    monkeypatch.setattr(os, "open", refusing)  # lock.run_lock opens the lock file with it
    result = run_cli("--config", str(site / "syndicate.toml"), "run")
    assert result.status == 2
    assert result.err == (
        f"syndicate: error: {state_db(site)}: cannot open the ledger: Permission denied: {state_db(site)}.lock\n"
        "  hint: check paths.state in syndicate.toml and that its folder is writable\n"
    )


def test_status_and_plan_before_the_first_push_make_no_ledger(run_cli: Any, site: Path) -> None:
    config = str(site / "syndicate.toml")
    result = run_cli("--config", config, "status")
    assert (result.status, result.out) == (0, "")
    assert result.err == f"no deliveries recorded yet: no ledger at {state_db(site)}\n"
    assert run_cli("--config", config, "status", "--format", "json").out == "[]\n"
    planned = run_cli("--config", config, "plan")  # plan only reads too
    assert planned.status == 0 and planned.out.count("create") == 3
    assert run_cli("--config", config, "push", "--dry-run").status == 0
    assert not (site / ".syndicate").exists()
    assert run_cli("--config", config, "push").status == 0
    assert run_cli("--config", config, "status").out.count("delivered") == 3
    with contextlib.closing(sqlite3.connect(state_db(site))) as db:
        assert db.execute("SELECT count(*) FROM deliveries").fetchone() == (3,)


def feeds_is_a_file(site: Path) -> tuple[str, str]:
    (site / "feeds").write_text("x\n")
    return f"{site}/feeds/atom.xml", f"{site}/feeds is a file, not a folder"


def tag_folder_is_a_file(site: Path) -> tuple[str, str]:
    (site / "feeds" / "tags").mkdir(parents=True)
    (site / "feeds" / "tags" / "water").write_text("x\n")
    return f"{site}/feeds/tags/water/atom.xml", f"{site}/feeds/tags/water is a file, not a folder"


def feed_is_a_folder(site: Path) -> tuple[str, str]:
    (site / "feeds" / "rss.xml").mkdir(parents=True)
    return f"{site}/feeds/rss.xml", f"Is a directory: {site}/feeds/rss.xml"


@pytest.mark.parametrize("block", [feeds_is_a_file, tag_folder_is_a_file, feed_is_a_folder])
@pytest.mark.parametrize("command", ["feeds", "run"])
def test_a_feeds_folder_that_cannot_be_written_is_a_configuration_error(
    run_cli: Any, site: Path, block: Callable[[Path], tuple[str, str]], command: str
) -> None:
    target, reason = block(site)
    result = run_cli("--config", str(site / "syndicate.toml"), command)
    assert result.status == 2
    assert result.err.splitlines() == [
        f"syndicate: error: cannot write {target}: {reason}",
        "  hint: check paths.feeds in syndicate.toml (or feeds --out): it must be a folder syndicate may write in",
    ]
    assert not (site / "out").exists()  # run stops before it pushes


def test_the_run_after_the_feeds_folder_is_fixed_does_the_work(run_cli: Any, site: Path) -> None:
    config = str(site / "syndicate.toml")
    feeds_is_a_file(site)
    assert run_cli("--config", config, "run").status == 2
    (site / "feeds").unlink()
    again = run_cli("-v", "--config", config, "run")
    assert again.status == 0
    assert "3 entries, 36 files written; push: 3 created" in again.err
    assert (site / "feeds" / "tags" / "water" / "atom.xml").is_file()


def test_feeds_out_below_a_file(run_cli: Any, site: Path) -> None:
    (site / "public").write_text("x\n")
    result = run_cli("--config", str(site / "syndicate.toml"), "feeds", "--out", str(site / "public" / "feeds"))
    assert result.status == 2
    assert result.err.startswith(
        f"syndicate: error: cannot write {site}/public/feeds/atom.xml: {site}/public is a file, not a folder\n"
    )


def test_a_stale_page_that_cannot_be_removed(run_cli: Any, site: Path) -> None:
    (site / "feeds" / "archive" / "atom-9.xml").mkdir(parents=True)
    result = run_cli("--config", str(site / "syndicate.toml"), "feeds")
    assert result.status == 2
    assert result.err.splitlines()[0] == (
        f"syndicate: error: cannot remove the stale page {site}/feeds/archive/atom-9.xml: "
        f"Is a directory: {site}/feeds/archive/atom-9.xml"
    )


def test_a_folder_endpoint_that_cannot_be_written_is_still_a_failed_delivery(run_cli: Any, site: Path) -> None:
    (site / "out").write_text("x\n")
    result = run_cli("--config", str(site / "syndicate.toml"), "push")
    assert result.status == 1
    failures = result.err.splitlines()
    assert len(failures) == 3  # each copy tried and recorded; push went on
    assert failures[0] == (
        f"syndicate: create alder-valley-water-board-approves-tiered-rates -> archive failed: endpoint 'archive': "
        f"cannot write {site}/out/archive/alder-valley-water-board-approves-tiered-rates.html: "
        f"{site}/out is a file, not a folder (hint: check the endpoint's path in syndicate.toml, "
        "and that syndicate may write in that folder)"
    )
    status = run_cli("--config", str(site / "syndicate.toml"), "status", "--failed")
    assert status.out.count("failed") == 3
