"""A run after one change writes exactly the feeds a run without the ledger's cache writes.

The run after a change reads only the changed file again and rebuilds only the feed documents
whose inputs changed (cron/incremental.py, feeds/generate.py); this compares what it leaves
with what a run that knows nothing of the last one (its ledger deleted: every file read and
every document built) leaves, from the same feeds folder, for each kind of change: an edit,
an article added (newest: the archive pages shift), one deleted, a tag added and removed, a
licence changed. With `[feeds] limit = 2` the site has archive pages, tag feeds and pages.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ALDER = "alder-valley-water-board-approves-tiered-rates"
HARBOUR = "harbour-library-digitises-shipping-registers"
NOW = "2026-12-01T12:00:00+00:00"


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _clone(content: Path, slug: str, published: str) -> Path:
    """A copy of the Alder Valley article under another slug (its source URL too), published then."""
    text = (content / f"{ALDER}.md").read_text(encoding="utf-8").replace(ALDER, slug)
    text = re.sub(r"^published: .*$", f"published: {published}", text, count=1, flags=re.M)
    text = re.sub(r"^  published: .*$", f"  published: {published}", text, count=1, flags=re.M)
    target = content / f"{slug}.md"
    target.write_text(text, encoding="utf-8")
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _title(content: Path) -> None:
    _edit(content / f"{HARBOUR}.md", 'title: "', 'title: "Changed: ')


def _oldest_title(content: Path) -> None:  # an entry on the first archive page
    _edit(content / "clone-1.md", 'title: "', 'title: "Changed: ')


def _added(content: Path) -> None:  # the newest article: every entry moves down one place
    _clone(content, "added-newest", "2026-11-30")


def _added_old(content: Path) -> None:  # the oldest: every archive page takes another entry
    _clone(content, "added-oldest", "2025-01-01")


def _deleted(content: Path) -> None:
    (content / "clone-2.md").unlink()


def _tag_added(content: Path) -> None:  # a tag no article had: a new tag feed
    _edit(content / f"{HARBOUR}.md", "tags:\n", "tags:\n  - Brand New Tag\n")


def _tag_removed(content: Path) -> None:  # the clones' tags, one fewer on one of them
    _edit(content / "clone-3.md", "  - Water\n", "")


def _licence(content: Path) -> None:  # CC BY-ND to CC BY-NC-ND: another rights line
    _edit(
        content / "clone-4.md",
        "  id: CC-BY-ND-4.0\n  url: https://creativecommons.org/licenses/by-nd/4.0/",
        "  id: CC-BY-NC-ND-4.0\n  url: https://creativecommons.org/licenses/by-nc-nd/4.0/",
    )


CHANGES: dict[str, Callable[[Path], None]] = {
    "title edited": _title,
    "title edited on the first archive page": _oldest_title,
    "added, newest": _added,
    "added, oldest": _added_old,
    "deleted": _deleted,
    "tag added": _tag_added,
    "tag removed": _tag_removed,
    "licence changed": _licence,
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_run_after_one_change_writes_what_a_run_without_the_cache_writes(
    site: Path, tmp_path: Path, run_cli: Any, change: str
) -> None:
    config = site / "syndicate.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n[feeds]\nlimit = 2\n", encoding="utf-8")
    for n in range(1, 7):
        _clone(site / "content", f"clone-{n}", f"2026-08-0{n}")
    assert run_cli("--config", str(config), "run", "--now", NOW).status == 0
    before = _files(site / "feeds")
    assert any(path.startswith("archive/") for path in before) and any(path.startswith("tags/") for path in before)

    CHANGES[change](site / "content")
    cold = tmp_path / "cold"
    shutil.copytree(site, cold, ignore=shutil.ignore_patterns(".syndicate", "out"))
    assert run_cli("--config", str(site / "syndicate.toml"), "run", "--now", NOW).status == 0
    assert run_cli("--config", str(cold / "syndicate.toml"), "run", "--now", NOW).status == 0

    after = _files(site / "feeds")
    assert after != before  # (each change shows in the feeds)
    assert after == _files(cold / "feeds")
