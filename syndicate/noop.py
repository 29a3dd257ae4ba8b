"""Deciding that a cron run has nothing to do, in one place.

`syndicate run` is started by cron every few minutes, and most runs find
nothing changed. `unchanged` is that decision (run.py makes it through
incremental.nothing_to_do): one stat per article file, hashed into one
digest that is compared with the digest the last run stored, instead of a
ledger row per file. The module imports only what the check needs from the
standard library, and touches files through `os` with str paths, without
pathlib's import and per-call cost.
"""

# str paths through os on purpose (see above):
# ruff: noqa: PTH112, PTH113, PTH118, PTH120, PTH123, PTH208
from __future__ import annotations

import datetime as dt
import hashlib
import os
from typing import TYPE_CHECKING

from syndicate import __version__

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

SUFFIXES = (".md", ".markdown")
DEFAULT_PATHS = {"content": "content", "feeds": "feeds", "state": ".syndicate/state.db"}


class SitePaths:
    """Where a site keeps its files, as absolute str paths."""

    __slots__ = ("content", "feeds", "licenses", "state")

    def __init__(self, content: str, feeds: str, state: str, licenses: str | None) -> None:
        self.content, self.feeds, self.state, self.licenses = content, feeds, state, licenses

    @classmethod
    def of(cls, config_path: str, paths: Mapping[str, object]) -> SitePaths:
        """The config's [paths], relative to the config file's folder (symbolic links resolved)."""
        root = os.path.dirname(os.path.realpath(config_path))
        merged = {**DEFAULT_PATHS, **paths}
        licenses = merged.get("licenses")
        return cls(
            content=os.path.join(root, str(merged["content"])),
            feeds=os.path.join(root, str(merged["feeds"])),
            state=os.path.join(root, str(merged["state"])),
            licenses=os.path.join(root, str(licenses)) if licenses else None,
        )


def ledger_state(state: str) -> dict[str, str]:
    """The ledger's run_state, read only (the Ledger class would migrate and take a write lock)."""
    import sqlite3

    uri = "file:" + state.replace("%", "%25").replace("?", "%3f").replace("#", "%23") + "?mode=ro"
    db = sqlite3.connect(uri, uri=True)
    try:
        return {key: str(value) for key, value in db.execute("SELECT key, value FROM run_state")}
    finally:
        db.close()


def scan(root: str) -> dict[str, tuple[int, int]]:
    """Every article file below the resolved folder `root` (hidden ones skipped): path -> (mtime_ns, size)."""
    found: dict[str, tuple[int, int]] = {}
    stack = [root]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            elif name.lower().endswith(SUFFIXES) and entry.is_file():
                stat = entry.stat()
                found[entry.path] = (stat.st_mtime_ns, stat.st_size)
    return found


def files_digest(stats: Mapping[str, tuple[int, int]]) -> str:
    """One hash of a scan, so that a run compares one value with the ledger instead of a row per file."""
    paths = sorted(stats)
    digest = hashlib.sha256("\0".join(paths).encode("utf-8", "surrogateescape"))
    digest.update(b"\0\0" + repr([stats[p] for p in paths]).encode())
    return digest.hexdigest()


def config_digest(config_sha256: str) -> str:
    """What the ledger remembers of a validated config: the hash of its bytes, for this version."""
    return f"{__version__}:{config_sha256}"


def fingerprint(config_sha256: str, licenses: str | None) -> str:
    """Changes when anything validation depends on changes, besides the articles and the day."""
    digest = hashlib.sha256(config_digest(config_sha256).encode())
    if licenses is not None and os.path.isdir(licenses):
        for name in sorted(n for n in os.listdir(licenses) if n.endswith(".json")):
            with open(os.path.join(licenses, name), "rb") as profile:
                digest.update(name.encode() + profile.read())
    return digest.hexdigest()


def unchanged(
    state: Callable[[str], str | None], site: SitePaths, config_sha256: str, now: dt.datetime, content_root: str
) -> bool:
    """True when the last run's work still stands: same files, same config, no time has come.

    `state` reads the ledger's run_state; `content_root` is the content folder, resolved.
    """
    wake = state("next_wakeup")
    if wake and dt.datetime.fromisoformat(wake) <= now:
        return False
    if state("validated_on") != now.date().isoformat():
        return False
    if state("fingerprint") != fingerprint(config_sha256, site.licenses):
        return False
    if not os.path.isfile(os.path.join(site.feeds, "atom.xml")):
        return False
    stored = state("files_digest")
    return stored is not None and stored == files_digest(scan(content_root))
