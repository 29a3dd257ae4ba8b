"""The early no-op answer on a PostgreSQL ledger (cron/noop_pg.py): one query, psycopg only, and
never while a runner holds the site's lock. Needs PostgreSQL (tests/pg.py); skipped, saying how to
start it, without. (Its SQLite half: tests/test_noop.py.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from syndicate.cron import noop
from syndicate.delivery.ledger_open import open_ledger, shared
from syndicate.ledger_settings import LedgerSettings
from tests.conftest import demo_copy
from tests.pg import fresh_site, use_postgresql
from tests.test_noop import NOW, first_run, probe_script, touch


@pytest.fixture
def pg_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, LedgerSettings]]:
    """The demo site, its ledger a site of its own in the test database, after a first run."""
    site = demo_copy(tmp_path)
    with fresh_site(monkeypatch) as settings:
        use_postgresql(site, settings)
        yield site, settings


@pytest.mark.parametrize("args", [["run"], ["-v", "run"], ["-q", "run", "--format", "json"]])
def test_the_early_answer_is_what_the_command_line_says(
    pg_site: tuple[Path, LedgerSettings], run_cli: Any, args: list[str]
) -> None:
    config = first_run(pg_site[0], run_cli)
    argv = ["--config", config, *args, "--now", NOW]
    answer = noop.answer_noop(argv, os.environ)
    assert answer is not None
    normal = run_cli(*argv)
    assert (normal.status, normal.out, normal.err) == (answer[2], answer[0], answer[1]) and answer[2] == 0


def test_no_early_answer_while_a_runner_holds_the_sites_lock(
    pg_site: tuple[Path, LedgerSettings], run_cli: Any
) -> None:
    """A runner that holds the lock may be at work that run_state does not show yet (it writes
    next_wakeup after taking the lock): the early answer leaves the decision to the command line,
    which delivers its share when there is work, and never takes the lock itself."""
    site, settings = pg_site
    config = first_run(site, run_cli)
    argv = ["--config", config, "run", "--format", "json", "--now", NOW]
    with shared(settings) as (_, alone):
        assert alone  # this test is the runner at work
        assert noop.answer_noop(argv, os.environ) is None
        done = run_cli(*argv)
        assert done.status == 0 and json.loads(done.out)["noop"] is True  # decided by the command line
    assert noop.answer_noop(argv, os.environ) is not None
    with shared(settings) as (_, alone):
        assert alone  # the answer left no lock behind


def test_no_early_answer_when_the_run_has_work(pg_site: tuple[Path, LedgerSettings], run_cli: Any) -> None:
    site, settings = pg_site
    config = first_run(site, run_cli)
    argv = ["--config", config, "run", "--format", "json", "--now", NOW]
    assert noop.answer_noop(argv, os.environ) is not None
    touch(site)
    assert noop.answer_noop(argv, os.environ) is None
    assert json.loads(run_cli(*argv).out)["noop"] is False
    assert noop.answer_noop(argv, os.environ) is not None
    with open_ledger(settings) as ledger:  # a run under way (its next_wakeup written) has work
        ledger.set_state({"next_wakeup": NOW})
    assert noop.answer_noop(argv, os.environ) is None


def test_no_early_answer_from_a_database_it_cannot_use(
    pg_site: tuple[Path, LedgerSettings], run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    site, settings = pg_site
    config = first_run(site, run_cli)
    argv = ["--config", config, "run", "--now", NOW]
    with monkeypatch.context() as wrong:
        wrong.setenv("PGPASSWORD", "not-the-password")
        assert noop.answer_noop(argv, os.environ) is None
        done = run_cli(*argv)
        assert done.status == 2 and "cannot open the ledger" in done.err and "not-the-password" not in done.err
    text = (site / "syndicate.toml").read_text()
    (site / "syndicate.toml").write_text(text.replace(f'site = "{settings.site}"', f'site = "{settings.site}-new"'))
    assert noop.answer_noop(argv, os.environ) is None  # a site the database does not hold yet


def test_the_command_answers_a_noop_importing_only_psycopg(pg_site: tuple[Path, LedgerSettings], run_cli: Any) -> None:
    config = first_run(pg_site[0], run_cli)
    heavy = "('click', 'syndicate.cli', 'syndicate.config', 'syndicate.delivery.ledger', 'jsonschema')"
    probe = probe_script(heavy, ", 'psycopg' in sys.modules")
    argv = ["--config", config, "-v", "run", "--now", NOW]
    done = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True, check=False)
    assert (done.stdout, done.stderr) == ("0 [] True\n", noop.NOTHING_CHANGED + "\n")
