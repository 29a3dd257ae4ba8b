"""syndicate.toml: found, parsed and validated once, into frozen dataclasses.

Lookup order: `--config PATH`, else `$SYNDICATE_CONFIG`, else `./syndicate.toml`.
Relative paths inside the file are relative to the file's folder.

Secrets never live in the file: endpoints name the environment variables that
hold them (`secret_env`, `username_env`, `password_env`). A value under a
secret-looking key (password, token, secret, api_key, ...), credentials in a
URL (`user:password@`, `?token=`) or a secret written where a variable's name
belongs is a configuration error that names the key and never repeats the value.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from syndicate.config_rules import (
    bad_schedules,
    duplicate_names,
    endpoints_in_content,
    feeds_folder,
    unreadable_urls,
)
from syndicate.config_secrets import literal_secrets, redact_secrets
from syndicate.errors import ConfigError, UsageError
from syndicate.findings import Code
from syndicate.ledger_settings import LedgerSettings, ledger_settings
from syndicate.schemas import did_you_mean, load_schema, schema_problems
from syndicate.site_paths import CONFIG_ENV as CONFIG_ENV
from syndicate.site_paths import CONFIG_NAME as CONFIG_NAME
from syndicate.site_paths import SitePaths

#: the default of [limits] max_article_bytes (front_matter.MAX_FILE_BYTES)
MAX_ARTICLE_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Site:
    title: str
    url: str
    channel: str
    description: str = ""
    language: str = ""
    rights: str = ""
    article_url: str = ""
    #: W3C TDMRep: text and data mining rights reserved on the site's copies and feeds, and the policy
    tdm_reservation: bool = False
    tdm_policy: str = ""
    #: an RSL 1.0 licence file (https://rslstandard.org/) the site's copies and feeds link to
    rsl_license: str = ""


@dataclass(frozen=True)
class FeedSettings:
    #: where the feeds folder is served: self links and archive links start here
    url: str
    limit: int = 50
    hubs: tuple[str, ...] = ()
    tag_feeds: bool = True
    #: write feed.xsl and link every feed to it (an xml-stylesheet instruction): browsers are removing XSLT
    xsl: bool = False
    #: "full": every entry carries the article; "summary": archive pages and tag feeds carry summaries
    archive_content: str = "full"


@dataclass(frozen=True)
class RunSettings:
    #: delete the copies of an article whose file was deleted ([run] deleted = "retract")
    retract_deleted: bool = False
    #: after this many failed attempts of a delivery, run stops retrying it until it changes
    max_attempts: int = 5


@dataclass(frozen=True)
class Limits:
    #: an article file larger than this is refused (file-too-large) without being read
    max_article_bytes: int = MAX_ARTICLE_BYTES


@dataclass(frozen=True)
class AuditSettings:
    """How `audit` reads the copies out in the world."""

    #: seconds between two requests to one host (politeness: partners' servers are not ours)
    per_host_interval: float = 1.0
    #: seconds a connection, and the whole page, may take (None: the HTTP default)
    timeout: float | None = None
    #: audits of each copy the ledger keeps
    keep: int = 30
    #: `run` audits when this many seconds have passed since its last audit (None: never)
    every: int | None = None


@dataclass(frozen=True)
class StatusSettings:
    #: run (and audit) write the status page, status.html, in the feeds folder
    page: bool = False


@dataclass(frozen=True)
class Paths:
    content: Path
    feeds: Path
    state: Path
    licenses: Path | None = None


@dataclass(frozen=True)
class Endpoint:
    """An endpoint as configured: what every type has, and its type's own keys in `settings`
    (each type reads them into its typed settings: DirectorySettings, WebhookSettings, WordPressSettings)."""

    name: str
    type: str
    channel: str
    enabled: bool = True
    #: deliveries sent at once
    concurrency: int = 2
    #: tries of a transient failure within one push
    retries: int = 3
    #: seconds a connection, and the whole answer, may take (None: the HTTP types' default)
    timeout: float | None = None
    #: a cron expression: pushed only when a scheduled time has passed (None: every run)
    schedule: str | None = None
    #: in plain words, for permission requests: "our commercial website" (None: the channel's words)
    description: str | None = None
    #: what the copy tells search engines: "original" (rel=canonical to the original), "copy" (the copy
    #: is canonical: no link to the original) or "noindex" (robots noindex, and rel=canonical to the original)
    canonical: str = "original"
    #: the partner's rights contact (an e-mail address or a page), whom audit notices are addressed to
    contact: str | None = None
    #: the [site] url of the config it belongs to: the markers that tell this site's copies from others'
    site_url: str = ""
    #: the type-specific keys (path, url, *_env, status, ...), read-only
    settings: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class Config:
    path: Path
    site: Site
    paths: Paths
    feeds: FeedSettings
    endpoints: tuple[Endpoint, ...] = ()
    run: RunSettings = field(default_factory=RunSettings)
    limits: Limits = field(default_factory=Limits)
    audit: AuditSettings = field(default_factory=AuditSettings)
    status: StatusSettings = field(default_factory=StatusSettings)
    #: [ledger]: the ledger in PostgreSQL (None: the SQLite file at paths.state)
    ledger: LedgerSettings | None = None
    #: sha256 of the file's bytes as validated (run remembers it to skip revalidation)
    digest: str = ""

    @property
    def root(self) -> Path:
        return self.path.parent

    @property
    def ledger_at(self) -> LedgerSettings | Path:
        """Where the ledger is: [ledger] when it names a database, else the SQLite file at paths.state."""
        return self.ledger or self.paths.state

    def endpoint(self, name: str) -> Endpoint | None:
        return next((e for e in self.endpoints if e.name == name), None)

    def require_endpoint(self, name: str) -> Endpoint:
        """The endpoint `name`; a usage error (exit 2) with a suggestion when there is none."""
        found = self.endpoint(name)
        if found is None:
            names = [e.name for e in self.endpoints]
            raise UsageError(
                f"no endpoint {name!r} in {self.path.name}",
                did_you_mean(name, names) + f"configured endpoints: {', '.join(names) or '(none)'}",
            )
        return found


def find_config(explicit: str | None, environ: Mapping[str, str] = os.environ) -> Path | None:
    """The config file to use, or None when none was named and ./syndicate.toml does not exist."""
    for named, origin in ((explicit, "--config"), (environ.get(CONFIG_ENV), f"${CONFIG_ENV}")):
        if named:
            path = Path(named)
            if not path.is_file():
                raise ConfigError(
                    f"{path}: config file not found (named by {origin})",
                    f"check the path, or create it: see examples/demo/{CONFIG_NAME}",
                )
            return path
    default = Path(CONFIG_NAME)
    return default if default.is_file() else None


def load_config(path: Path, trusted: Callable[[bytes], bool] | None = None) -> Config:
    """Parse and validate `path`; every problem is reported at once in one ConfigError.

    `trusted(raw)` may say that these exact bytes were validated before (by the
    last run), so that a cron run with nothing to do skips importing jsonschema.
    """
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ConfigError(
            f"{path}: cannot read the config file: {e.strerror}", "check the path and its permissions"
        ) from e
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: the config file is not UTF-8", "save it as UTF-8") from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(
            f"{path}: TOML syntax: {e}",
            "check quotes, brackets and '=' on that line; strings need double quotes",
        ) from e
    secrets: set[str] = set()
    problems = literal_secrets(data, "", secrets)
    # checked even for trusted bytes: the folders' symbolic links may have changed since
    problems += endpoints_in_content(path, data) + feeds_folder(path, data)
    if not problems and trusted is not None and trusted(raw):
        return _build(path, data, raw)
    found = schema_problems("config", data)
    # an endpoint of an unknown type gets its type named, not the keys that only its (unknown) type would take
    untyped = {p.pointer.rpartition("/")[0] + "/" for p in found if p.keyword == "enum" and p.pointer.endswith("/type")}
    problems += [
        f"{p.message} (hint: {p.hint})"
        for p in found
        if not (
            p.code == Code.UNKNOWN_FIELD
            and p.pointer.rpartition("/")[0] + "/" in untyped
            and p.pointer.rpartition("/")[2] in _typed_endpoint_keys()
        )
    ]
    problems += duplicate_names(data)
    problems += bad_schedules(data) + unreadable_urls(data)
    problems = [redact_secrets(problem, secrets) for problem in problems]
    if problems:
        raise ConfigError(
            f"{path}: {len(problems)} configuration problem{'s' if len(problems) > 1 else ''}",
            "fix the keys named above; the schema is schemas/config.schema.json",
            tuple(problems),
        )
    return _build(path, data, raw)


@functools.cache
def _typed_endpoint_keys() -> frozenset[str]:
    """The keys some endpoint type takes besides the keys every endpoint takes (path, url, ...)."""
    branches = load_schema("config")["$defs"]["endpoint"]["allOf"]
    return frozenset(key for branch in branches for key in branch["then"].get("properties", {}))


#: the keys every endpoint type has (Endpoint's fields); the rest are its type's
_COMMON_KEYS = frozenset(
    {
        "name",
        "type",
        "channel",
        "description",
        "enabled",
        "concurrency",
        "retries",
        "timeout",
        "schedule",
        "canonical",
        "contact",
    }
)


#: the channel of the endpoint types that have one when the config names none (the schema requires the others')
DEFAULT_CHANNELS = {"mastodon": "social", "bluesky": "social"}


def _build(path: Path, data: dict[str, Any], raw: bytes) -> Config:
    paths = SitePaths.of(str(path), data.get("paths", {}))
    endpoints = tuple(
        # the schema checked each key's type and range; a key left out takes Endpoint's default
        Endpoint(
            **({"channel": DEFAULT_CHANNELS.get(e["type"], "")} | {k: v for k, v in e.items() if k in _COMMON_KEYS}),
            settings=MappingProxyType({k: v for k, v in e.items() if k not in _COMMON_KEYS}),
            site_url=data["site"]["url"],
        )
        for e in data.get("endpoints", [])
    )
    site = Site(**data["site"])
    feeds = data.get("feeds", {})
    return Config(
        path=path.resolve(),
        site=site,
        feeds=FeedSettings(
            url=feeds.get("url", site.url.rstrip("/") + "/feeds/"),
            limit=feeds.get("limit", 50),
            hubs=tuple(feeds.get("hubs", ())),
            tag_feeds=feeds.get("tag_feeds", True),
            xsl=feeds.get("xsl", False),
            archive_content=feeds.get("archive_content", "full"),
        ),
        paths=Paths(
            content=Path(paths.content),
            feeds=Path(paths.feeds),
            state=Path(paths.state),
            licenses=Path(paths.licenses) if paths.licenses else None,
        ),
        endpoints=endpoints,
        limits=Limits(max_article_bytes=data.get("limits", {}).get("max_article_bytes", MAX_ARTICLE_BYTES)),
        digest=hashlib.sha256(raw).hexdigest(),
        run=RunSettings(
            retract_deleted=data.get("run", {}).get("deleted", "keep") == "retract",
            max_attempts=data.get("run", {}).get("max_attempts", 5),
        ),
        audit=_audit_settings(data.get("audit", {})),
        status=StatusSettings(page=data.get("status", {}).get("page", False)),
        ledger=ledger_settings(data.get("ledger", {}), site.url),
    )


def _audit_settings(audit: dict[str, Any]) -> AuditSettings:
    timeout, every = audit.get("timeout"), audit.get("every")
    return AuditSettings(
        per_host_interval=float(audit.get("per_host_interval", 1.0)),
        timeout=float(timeout) if timeout is not None else None,
        keep=int(audit.get("keep", AuditSettings.keep)),
        every=int(every[:-1]) * {"m": 60, "h": 3600, "d": 86400}[every[-1]] if every else None,  # (schema: "1d")
    )
