"""Where a site keeps its files, and the names everything agrees on: the config file and its
environment variable, the default [paths], the suffixes of article files, and the walk that
finds them.

At the bottom of the package: anything may import it, and it imports only the standard
library, for the quick no-op exit (cron/noop.py) imports it before anything else loads. Paths
are str through `os`, for the same reason.
"""

# str paths through os on purpose (see above):
# ruff: noqa: PTH118, PTH120
from __future__ import annotations

import os

TYPE_CHECKING = False  # typing costs 3 ms to import, and nothing here needs it at run time
if TYPE_CHECKING:
    from collections.abc import Generator, Mapping

#: article files
SUFFIXES = (".md", ".markdown")
#: the config's [paths] when it says nothing, relative to the config file's folder
DEFAULT_PATHS = {"content": "content", "feeds": "feeds", "state": ".syndicate/state.db"}
#: the config file: --config, else $SYNDICATE_CONFIG, else ./syndicate.toml
CONFIG_ENV = "SYNDICATE_CONFIG"
CONFIG_NAME = "syndicate.toml"


class SitePaths:
    """Where a site keeps its files, as absolute str paths: its config file and the config's [paths]."""

    __slots__ = ("config", "content", "feeds", "licenses", "state")

    def __init__(self, config: str, content: str, feeds: str, state: str, licenses: str | None) -> None:
        self.config, self.content, self.feeds, self.state, self.licenses = config, content, feeds, state, licenses

    @classmethod
    def of(cls, config_path: str, paths: Mapping[str, object]) -> SitePaths:
        """The config's [paths], relative to the config file's folder (symbolic links resolved)."""
        config = os.path.realpath(config_path)
        root = os.path.dirname(config)
        merged = {**DEFAULT_PATHS, **paths}
        licenses = merged.get("licenses")
        return cls(
            config=config,
            content=os.path.join(root, str(merged["content"])),
            feeds=os.path.join(root, str(merged["feeds"])),
            state=os.path.join(root, str(merged["state"])),
            licenses=os.path.join(root, str(licenses)) if licenses else None,
        )

    def remember(self) -> dict[str, str]:
        """As run_state keeps them: the early answer reads them there instead of parsing the config."""
        values = (self.config, self.content, self.feeds, self.state, self.licenses or "")
        return dict(zip(_REMEMBERED, values, strict=True))

    @classmethod
    def remembered(cls, state: Mapping[str, str]) -> SitePaths | None:
        values = [state.get(key) for key in _REMEMBERED]
        if any(value is None for value in values):
            return None
        config, content, feeds, state_path, licenses = (str(value) for value in values)
        return cls(config, content, feeds, state_path, licenses or None)


_REMEMBERED = ("site_config", "site_content", "site_feeds", "site_state", "site_licenses")


def article_entries(root: str) -> Generator[tuple[str, os.DirEntry[str]], None, None]:
    """(path, entry) of every article file below `root`: hidden files and folders skipped,
    symbolic links to files taken, to folders not followed. Paths start with `root` as given."""
    stack = [root]
    while stack:
        folder = stack.pop()
        prefix = folder if folder.endswith("/") else folder + "/"
        try:
            # listed through a descriptor, each stat looks up one name rather than the whole path
            fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            entries = list(os.scandir(fd))
        except OSError:
            entries = []
        try:
            for entry in entries:
                name = entry.name
                if name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append(prefix + name)
                elif name.lower().endswith(SUFFIXES) and (entry.is_file() or entry.is_symlink()):
                    # (a link to nowhere is yielded too: reading it gives a finding, not silence)
                    yield prefix + name, entry  # (its stat() works while the folder is open)
        finally:
            os.close(fd)
