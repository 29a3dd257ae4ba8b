"""The PostgreSQL the ledger tests use: found through PG_TEST_ENV_FILE, as WordPress's tests find theirs.

scripts/postgresql-test-server.sh starts a throwaway cluster on 127.0.0.1:18432
and writes the file (default /tmp/syndicate-pg.env: PG_TEST_URL, PGPASSWORD);
.ci/run starts it, so that on CI nothing here is skipped. Each test gets a site
(schema) of its own, dropped after.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from syndicate.delivery.ledger import Ledger
from syndicate.ledger_settings import LedgerSettings

ENV_FILE = Path(os.environ.get("PG_TEST_ENV_FILE", "/tmp/syndicate-pg.env"))
HOW = (
    f"PostgreSQL for the ledger tests is not running ({ENV_FILE} missing or the server down): "
    "start it with scripts/postgresql-test-server.sh start (or set PG_TEST_ENV_FILE)"
)
#: seconds a claim lasts in tests: a killed runner's claims come back soon
LEASE = 3.0
#: the engines a ledger test runs on
ENGINES = ("sqlite", "postgresql")


def server() -> dict[str, str]:
    """PG_TEST_URL and PGPASSWORD; skips the test, saying how to start the server, when it is not up."""
    try:
        lines = ENV_FILE.read_text().splitlines()
    except OSError:
        pytest.skip(HOW)
    env = dict(line.split("=", 1) for line in lines if "=" in line)
    import psycopg

    try:
        psycopg.connect(env["PG_TEST_URL"], password=env.get("PGPASSWORD"), connect_timeout=3).close()
    except (psycopg.Error, KeyError):
        pytest.skip(HOW)
    return env


@contextmanager
def fresh_site(monkeypatch: pytest.MonkeyPatch) -> Iterator[LedgerSettings]:
    """A site of its own in the test database (PGPASSWORD set for this process and its children); dropped after."""
    env = server()
    monkeypatch.setenv("PGPASSWORD", env["PGPASSWORD"])
    settings = LedgerSettings(env["PG_TEST_URL"], f"t-{uuid.uuid4().hex[:12]}")
    try:
        yield settings
    finally:
        drop(settings)


def drop(settings: LedgerSettings) -> None:
    import psycopg

    with psycopg.connect(settings.url, autocommit=True) as db:
        db.execute(f'DROP SCHEMA IF EXISTS "{settings.schema}" CASCADE')  # (a name the test made)


def use_postgresql(site: Path, settings: LedgerSettings, lease: float = LEASE) -> None:
    """Point the site's config at `settings`' database ([ledger] before the endpoints, so that a test
    that cuts them off keeps it)."""
    config = site / "syndicate.toml"
    table = f'[ledger]\nurl = "{settings.url}"\nsite = "{settings.site}"\nlease = {lease}\n\n'
    text = config.read_text()
    cut = text.find("[[endpoints]]")
    config.write_text(text[:cut] + table + text[cut:] if cut >= 0 else text + "\n" + table)


@contextmanager
def on_engine(site: Path, engine: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """`site` with its ledger on `engine`: as it is (SQLite), or in a site of its own in the test database."""
    if engine == "sqlite":
        yield site
        return
    with fresh_site(monkeypatch) as settings:
        use_postgresql(site, settings)
        yield site


def lapse(ledger: Ledger, article: str, endpoint: str) -> None:
    """Force the lease on a claim to lapse (as a send slower than the lease makes it), without waiting."""
    with ledger._transaction() as db:
        db.execute(
            "UPDATE deliveries SET lease_until = ? WHERE article = ? AND endpoint = ?",
            ("2000-01-01T00:00:00+00:00", article, endpoint),
        )
