"""`syndicate ledger migrate --to postgresql://...`: a site moves its SQLite ledger into PostgreSQL
and goes on as if nothing happened (needs PostgreSQL: tests/pg.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from syndicate.delivery.ledger import Ledger
from syndicate.delivery.ledger_pg import PostgresLedger
from tests.loopback import recording_server
from tests.pg import fresh_site, use_postgresql
from tests.test_run import add_hook


def test_a_ledger_moved_to_postgresql_is_the_same_and_sends_nothing_again(
    site: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = ["--config", str(site / "syndicate.toml")]
    with fresh_site(monkeypatch) as settings, recording_server() as hook:
        add_hook(site, hook)
        assert run_cli(*config, "run").status == 0
        assert len(hook.requests) == 2
        with Ledger(site / ".syndicate" / "state.db") as kept:
            kept.set_state({"audited": "yes"})
            before = kept.all()
        moved = run_cli(*config, "ledger", "migrate", "--to", settings.url, "--site", settings.site)
        assert moved.status == 0, moved.err
        assert "checked row by row" in moved.err and f"{len(before)} rows of deliveries" in moved.err
        with PostgresLedger(settings) as copy:
            assert copy.all() == before
            assert copy.get_state("audited") == "yes"
        again = run_cli(*config, "ledger", "migrate", "--to", settings.url, "--site", settings.site)
        assert again.status == 2 and "already holds a record" in again.err
        use_postgresql(site, settings)
        hook.requests.clear()
        assert run_cli(*config, "run").status == 0
        assert hook.requests == []  # every copy was delivered: the moved ledger says so


def test_a_password_in_the_url_is_refused_and_never_repeated(site: Path, run_cli: Any) -> None:
    refused = run_cli(
        "--config", str(site / "syndicate.toml"), "ledger", "migrate", "--to", "postgresql://u:s3cret@h/d"
    )
    assert refused.status == 2 and "without a password" in refused.err
    assert "s3cret" not in refused.err + refused.out


@pytest.mark.parametrize(
    "url", ["postgresql://u@127.0.0.1:abc/db", "postgresql://u@127.0.0.1:99999/db", "postgresql://u@[::1/db"]
)
def test_a_ledger_url_that_cannot_be_read_is_a_configuration_error(site: Path, run_cli: Any, url: str) -> None:
    config = site / "syndicate.toml"
    text = config.read_text()
    cut = text.find("[[endpoints]]")
    config.write_text(text[:cut] + f'[ledger]\nurl = "{url}"\n\n' + text[cut:])
    for command in ("status", "push"):
        said = run_cli("--config", str(config), command)
        assert said.status == 2 and "ledger.url is not a URL that can be read" in said.err, said.err
        assert "Traceback" not in said.err


@pytest.mark.parametrize(
    "url", ["postgresql://u@127.0.0.1:abc/db", "postgresql://u@[::1/db", "postgresql://u@h/d?password=s3cret"]
)
def test_migrate_to_a_url_that_cannot_be_read_or_holds_a_password_is_refused(
    site: Path, run_cli: Any, url: str
) -> None:
    config = ["--config", str(site / "syndicate.toml")]
    assert run_cli(*config, "run").status == 0
    refused = run_cli(*config, "ledger", "migrate", "--to", url)
    assert refused.status == 2 and "--to" in refused.err, refused.err
    assert "Traceback" not in refused.err and "s3cret" not in refused.err + refused.out


def test_every_table_of_the_ledger_is_copied_or_named_as_not(tmp_path: Path) -> None:
    """A table a later migration adds is copied too (or ledger_copy.py says why not)."""
    from syndicate.delivery.ledger_copy import NOT_COPIED, TABLES

    with Ledger(tmp_path / "state.db") as ledger, ledger._locked() as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables - {"sqlite_sequence"} == {name for name, _ in TABLES} | set(NOT_COPIED)


def test_tracked_addresses_move_with_the_ledger(site: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    config = ["--config", str(site / "syndicate.toml")]
    with fresh_site(monkeypatch) as settings:
        assert run_cli(*config, "run").status == 0
        slug = Ledger(site / ".syndicate" / "state.db").all()[0].article
        assert run_cli(*config, "track", "https://copier.example/a", "--article", slug).status == 0
        moved = run_cli(*config, "ledger", "migrate", "--to", settings.url, "--site", settings.site)
        assert moved.status == 0, moved.err
        use_postgresql(site, settings)
        assert run_cli(*config, "track", "https://copier.example/b", "--article", slug).status == 0
        listed = run_cli(*config, "track", "--list").out
        assert "track:1 https://copier.example/a" in listed and "track:2 https://copier.example/b" in listed


def test_a_site_that_holds_only_tracked_addresses_is_refused_whole(
    site: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not a database error half way through: one line saying the site's ledger holds a record."""
    config = ["--config", str(site / "syndicate.toml")]
    with fresh_site(monkeypatch) as settings:
        assert run_cli(*config, "run").status == 0
        slug = Ledger(site / ".syndicate" / "state.db").all()[0].article
        assert run_cli(*config, "track", "https://copier.example/a", "--article", slug).status == 0
        text = (site / "syndicate.toml").read_text()
        use_postgresql(site, settings)  # the database's site gets a tracked address of its own, nothing else
        assert run_cli(*config, "track", "https://copier.example/b", "--article", slug).status == 0
        (site / "syndicate.toml").write_text(text)
        moved = run_cli(*config, "ledger", "migrate", "--to", settings.url, "--site", settings.site)
        assert moved.status == 2 and "already holds a record" in moved.err, moved.err
        assert "duplicate key" not in moved.err
