"""The content folder (paths.content): its article files, and refusing to act on a folder that looks lost.

A run compares the articles it finds with the ledger, and retracts the copies
of articles whose file is gone. A content folder that is missing (an unmounted
volume, a failed checkout, a typo in paths.content) or holds no article at
all would read as "every article was deleted": feeds emptied, every copy
retracted. So the commands that act on the whole site (run, feeds, plan,
push) stop with a usage error instead, before anything is written or sent.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable
from pathlib import Path

from syndicate.config import Config
from syndicate.errors import ConfigError, NoArticlesError, UsageError
from syndicate.site_paths import SUFFIXES, article_entries

#: what the errors below advise: the folder is more often lost than really empty
_HINT = "check paths.content; an unmounted volume or a failed checkout looks like this"


def _message(config: Config, what: str) -> str:
    return f"the content folder {config.paths.content} (paths.content in {config.path}) {what}; nothing was done"


def article_files(folder: Path) -> list[Path]:
    """The article files below `folder` (hidden files and folders skipped), sorted as their Paths
    sort: by their parts ("a/b.md" before "a-b/c.md"). Sorted as texts split at "/", before they
    are made Paths: 10,000 Paths compared with each other took 0.1 s, before any file was read."""
    # (every name starts with the folder as given: the parts Path drops, "." and empty ones, are
    # in that shared start, so the rest orders the names as Path does)
    return [Path(name) for name in sorted((name for name, _ in article_entries(str(folder))), key=_parts)]


def _parts(name: str) -> list[str]:
    return name.split("/")


def _missing(config: Config) -> ConfigError | None:
    folder = config.paths.content
    if folder.is_dir():
        return None
    return ConfigError(_message(config, "is not a folder" if folder.exists() else "does not exist"), _HINT)


def require_folder(config: Config) -> None:
    """Raise ConfigError unless paths.content is a folder."""
    missing = _missing(config)
    if missing is not None:
        raise missing


def lost_error(config: Config) -> UsageError:
    """The error for a content folder in which no article file was found: missing, not a folder, or empty."""
    suffixes = ", ".join(f"*{suffix}" for suffix in SUFFIXES)
    return _missing(config) or NoArticlesError(_message(config, f"holds no article ({suffixes}) files"), _HINT)


def require_articles(config: Config) -> None:
    """Raise unless paths.content is a folder with at least one article file (it stops at the first)."""
    # a link to nowhere is not an article here: a folder of links into an unmounted volume is lost too
    with contextlib.closing(article_entries(str(config.paths.content))) as entries:
        if not any(_reachable(entry) for _, entry in entries):
            raise lost_error(config)


def _reachable(entry: os.DirEntry[str]) -> bool:
    try:
        entry.stat()
    except OSError:
        return False
    return True


def content_files(config: Config) -> list[Path]:
    """The article files of the content folder; raises when there are none (see the module's docstring)."""
    files = article_files(config.paths.content)
    if not any(file.exists() for file in files):  # (a link to nowhere is no article: require_articles)
        raise lost_error(config)
    return files


#: a slug as the front matter of most articles writes it (plain, or quoted): enough to find a
#: duplicate cheaply; an article written otherwise is still checked in full by validate and run
_SLUG_LINE = re.compile(rb"""^slug:[ \t]*["']?([a-z0-9][a-z0-9-]*)["']?[ \t]*(?:#.*)?$""", re.MULTILINE)


def slugs_elsewhere(config: Config, named: Iterable[Path], wanted: Iterable[str]) -> dict[str, list[Path]]:
    """Which other article files of the content folder use one of the `wanted` slugs, by slug.

    For `validate FILE...` (the pre-commit hook names only the staged files): a new article
    that takes a slug already in the folder is found before it is committed. Only each file's
    front matter is read, and only its `slug:` line (about 20 us a file).
    """
    wanted = set(wanted)
    if not wanted or not config.paths.content.is_dir():
        return {}
    skip = {path.resolve() for path in named}
    names = {path.name for path in skip}
    found: dict[str, list[Path]] = {}
    for path in article_files(config.paths.content):
        if path.name in names and path.resolve() in skip:  # (resolved only when the name is one of them)
            continue
        try:
            with path.open("rb") as handle:
                head = handle.read(16 * 1024)
        except OSError:
            continue  # (unreadable: validate reports it when it reads the folder)
        end = head.find(b"\n---", 3)
        if not head.startswith(b"---") or end < 0:
            continue
        match = _SLUG_LINE.search(head, 0, end)
        if match is not None and match.group(1).decode() in wanted:
            found.setdefault(match.group(1).decode(), []).append(path)
    return found
