"""[ledger]: where the ledger lives when it is not the SQLite file at [paths] state.

A `[ledger] url = "postgresql://user@host:port/database"` puts the ledger in
PostgreSQL, where several `run` and `push` processes (on one machine or many)
share it (delivery/ledger_pg.py). The password never comes from the file: libpq
reads PGPASSWORD (or ~/.pgpass), or `password_env` names the variable that
holds it. Each site has its own schema in the database (`site`, by default
the host of [site] url), so one PostgreSQL serves a network of sites.

At the bottom of the package: config.py imports it, and it imports only the
standard library and errors.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from syndicate.errors import ConfigError

#: seconds a runner's claim on a delivery lasts before another runner may take it over
DEFAULT_LEASE = 300.0
#: deliveries a sending thread claims at a time
DEFAULT_BATCH = 4
#: what a site's name may be: it names the site's schema
SITE_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,47}$")


@dataclass(frozen=True)
class LedgerSettings:
    #: postgresql://user@host:port/database (libpq's URI; no password in it)
    url: str
    #: this site's name in the database: its rows are in the schema "syndicate:<site>"
    site: str
    #: the environment variable that holds the password (None: libpq's PGPASSWORD or ~/.pgpass)
    password_env: str | None = None
    #: seconds a claim lasts: a killed runner's deliveries return to the pool after it
    lease: float = DEFAULT_LEASE
    #: deliveries a sending thread claims in one transaction
    batch: int = DEFAULT_BATCH

    @property
    def schema(self) -> str:
        return f"syndicate:{self.site}"

    @property
    def display(self) -> str:
        """The URL as messages show it: without a password or query (neither should be there)."""
        parts = urllib.parse.urlsplit(self.url)
        host = parts.hostname or ""
        netloc = (f"{parts.username}@" if parts.username else "") + host + (f":{parts.port}" if parts.port else "")
        return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", "")) + f" (site {self.site})"


def ledger_settings(data: Mapping[str, Any], site_url: str) -> LedgerSettings | None:
    """The [ledger] table (the schema checked its keys' types); None without a url: SQLite at [paths] state."""
    url = data.get("url")
    if not url:
        return None
    check_url(url, "ledger.url")
    # (a password in it is a configuration problem already: config_secrets.py)
    site = data.get("site") or (urllib.parse.urlsplit(site_url).hostname or "").lower()
    if not SITE_NAME.match(site):
        raise ConfigError(
            f"ledger.site: {site!r} cannot name a site in the ledger",
            "give [ledger] site: lower-case letters, digits, '.', '_' and '-', up to 48 characters",
        )
    return LedgerSettings(
        url=url,
        site=site,
        password_env=data.get("password_env"),
        lease=float(data.get("lease", DEFAULT_LEASE)),
        batch=int(data.get("batch", DEFAULT_BATCH)),
    )


def check_url(url: str, where: str) -> None:
    """A ConfigError when `url` is not one urllib can read (a port that is not a number, a broken
    IPv6 address): every message names the ledger by its URL, read with urllib (LedgerSettings.display).
    (The URL is not repeated: it may hold a password, which config_secrets.py reports.)"""
    try:
        urllib.parse.urlsplit(url).port  # noqa: B018 (read for the ValueError it raises)
    except ValueError as e:
        raise ConfigError(
            f"{where}: not a URL that can be read ({e})",
            "write it as postgresql://user@host:port/database (the port a number; an IPv6 host in [brackets])",
        ) from e
