"""syndicate.toml: found, parsed and validated once, into frozen dataclasses.

Lookup order: `--config PATH`, else `$SYNDICATE_CONFIG`, else `./syndicate.toml`.
Relative paths inside the file are relative to the file's folder.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from syndicate.errors import ConfigError
from syndicate.schemas import schema_problems

CONFIG_ENV = "SYNDICATE_CONFIG"
CONFIG_NAME = "syndicate.toml"
DEFAULT_PATHS = {"content": "content", "feeds": "feeds", "state": ".syndicate/state.db"}


@dataclass(frozen=True)
class Site:
    title: str
    url: str
    channel: str
    description: str = ""
    language: str = ""
    rights: str = ""
    article_url: str = ""


@dataclass(frozen=True)
class FeedSettings:
    #: where the feeds folder is served: self links and archive links start here
    url: str
    limit: int = 50
    hubs: tuple[str, ...] = ()
    tag_feeds: bool = True


@dataclass(frozen=True)
class RunSettings:
    #: delete the copies of an article whose file was deleted ([run] deleted = "retract")
    retract_deleted: bool = False
    #: after this many failed attempts of a delivery, run stops retrying it until it changes
    max_attempts: int = 5


@dataclass(frozen=True)
class Paths:
    content: Path
    feeds: Path
    state: Path
    licenses: Path | None = None


@dataclass(frozen=True)
class Endpoint:
    name: str
    type: str
    channel: str
    enabled: bool = True
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
    #: sha256 of the file's bytes as validated (run remembers it to skip revalidation)
    digest: str = ""

    @property
    def root(self) -> Path:
        return self.path.parent

    def endpoint(self, name: str) -> Endpoint | None:
        return next((e for e in self.endpoints if e.name == name), None)


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
    if trusted is not None and trusted(raw):
        return _build(path, data, raw)
    problems = [f"{p.message} (hint: {p.hint})" for p in schema_problems("config", data)]
    problems += _duplicate_names(data)
    problems += _bad_schedules(data)
    if problems:
        raise ConfigError(
            f"{path}: {len(problems)} configuration problem{'s' if len(problems) > 1 else ''}",
            "fix the keys named above; the schema is schemas/config.schema.json",
            tuple(problems),
        )
    return _build(path, data, raw)


def _duplicate_names(data: dict[str, Any]) -> list[str]:
    seen: set[str] = set()
    problems = []
    endpoints = data.get("endpoints")
    for index, endpoint in enumerate(endpoints if isinstance(endpoints, list) else []):
        name = endpoint.get("name") if isinstance(endpoint, dict) else None
        if isinstance(name, str):
            if name in seen:
                problems.append(
                    f"endpoints[{index}].name {name!r} is a duplicate (hint: each endpoint needs its own name)"
                )
            seen.add(name)
    return problems


def _bad_schedules(data: dict[str, Any]) -> list[str]:
    endpoints = data.get("endpoints")
    scheduled = [
        (i, e["schedule"])
        for i, e in enumerate(endpoints if isinstance(endpoints, list) else [])
        if isinstance(e, dict) and isinstance(e.get("schedule"), str)
    ]
    if not scheduled:
        return []
    from croniter import croniter  # only configs with schedules pay for the import

    return [
        f"endpoints[{i}].schedule {expr!r} is not a cron expression (hint: minute hour day month weekday, "
        'e.g. "0 6 * * *")'
        for i, expr in scheduled
        if not croniter.is_valid(expr)
    ]


def _build(path: Path, data: dict[str, Any], raw: bytes) -> Config:
    root = path.resolve().parent
    paths = {**DEFAULT_PATHS, **data.get("paths", {})}
    licenses = paths.get("licenses")
    endpoints = tuple(
        Endpoint(
            name=e["name"],
            type=e["type"],
            channel=e["channel"],
            enabled=e.get("enabled", True),
            settings=MappingProxyType({k: v for k, v in e.items() if k not in ("name", "type", "channel", "enabled")}),
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
        ),
        paths=Paths(
            content=root / paths["content"],
            feeds=root / paths["feeds"],
            state=root / paths["state"],
            licenses=root / licenses if licenses else None,
        ),
        endpoints=endpoints,
        digest=hashlib.sha256(raw).hexdigest(),
        run=RunSettings(
            retract_deleted=data.get("run", {}).get("deleted", "keep") == "retract",
            max_attempts=data.get("run", {}).get("max_attempts", 5),
        ),
    )
