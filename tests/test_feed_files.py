"""The feeds folder as a whole: written completely or not at all, and only where it may be."""

from __future__ import annotations

import errno
import os
import shutil
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from syndicate.errors import WriteError
from tests.test_feeds import build

ALDER = "alder-valley-water-board-approves-tiered-rates"
ATOM = "{http://www.w3.org/2005/Atom}"


def _files(folder: Path) -> dict[str, bytes]:
    """Every file below `folder`, hidden (temporary) ones too."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def add_articles(site: Path, count: int) -> None:
    """`count` more ready articles, each a day apart, in August (older than the demo's)."""
    text = (site / "content" / f"{ALDER}.md").read_text()
    for day in range(1, count + 1):
        copy = text.replace(f"slug: {ALDER}", f"slug: older-{day}", 1)
        (site / "content" / f"older-{day}.md").write_text(
            copy.replace("published: 2026-09-17", f"published: 2026-08-{day:02}", 1)
        )


def dangling_links(feeds: Path) -> list[str]:
    """Every archive link (prev-archive, next-archive, current) in the folder that points at no file."""
    dangling = []
    for path in sorted(feeds.rglob("*.xml")):
        for link in etree.parse(str(path)).iter(f"{ATOM}link"):
            if link.get("rel") in ("prev-archive", "next-archive", "current"):
                relative = urllib.parse.urlsplit(link.get("href")).path.removeprefix("/feeds/")
                if not (feeds / relative).is_file():
                    dangling.append(f"{path.relative_to(feeds)} -> {relative}")
    return dangling


def full_disk_on_write(monkeypatch: pytest.MonkeyPatch, failing: int) -> list[int]:
    """The `failing`-th file syndicate syncs to disk (0: none) fails as on a full disk; returns the count of syncs."""
    synced = [0]
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced[0] += 1
        if synced[0] == failing:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr("syndicate.files.os.fsync", fsync)  # (os.fsync itself, while the block runs)
    return synced


def test_a_full_disk_leaves_the_previous_feeds_whole_and_consistent(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (site / "syndicate.toml").write_text((site / "syndicate.toml").read_text() + "\n[feeds]\nlimit = 1\n")
    build(site)
    feeds = site / "feeds"
    before = _files(feeds)
    assert sorted(p.name for p in (feeds / "archive").iterdir()) == ["atom-1.xml", "atom-2.xml"]
    add_articles(site, 6)  # 8 archive pages, and every tag feed changes
    with monkeypatch.context() as patched:  # the new feeds, built once to count their writes
        synced = full_disk_on_write(patched, 0)
        build(site)
    writes, built = synced[0], _files(feeds)
    shutil.rmtree(feeds)
    for relative, content in before.items():
        (feeds / relative).parent.mkdir(parents=True, exist_ok=True)
        (feeds / relative).write_bytes(content)
    assert writes == 10  # the 8 archive pages, atom.xml and rss.xml (which link to the newest)
    for failing in sorted({1, 2, writes // 2, writes - 1, writes}):
        with monkeypatch.context() as patched:
            full_disk_on_write(patched, failing)
            with pytest.raises(WriteError, match="No space left on device"):
                build(site)
        assert _files(feeds) == before, failing  # nothing replaced, no temporary file left
        assert dangling_links(feeds) == []
    result = build(site)
    assert len(result.written) == writes and _files(feeds) == built
    assert len(list((feeds / "archive").iterdir())) == 8 and dangling_links(feeds) == []


@pytest.fixture
def no_feed_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Should the check ever go, a test of it must not write at the root of the machine that runs it."""

    def refused(*args: object) -> None:
        raise AssertionError("feeds were written")

    monkeypatch.setattr("syndicate.feeds.writing.staged_write", refused)


@pytest.mark.usefixtures("no_feed_writes")
@pytest.mark.parametrize(
    ("out", "problem"),
    [
        ("/", "/ is the root of the file system"),
        ("", "an empty path would write into the working folder"),
        (" ", "an empty path would write into the working folder"),
        ("content", "is the content folder"),
        ("linked-content/", "is the content folder"),
        ("content/feeds", "is inside the content folder"),
        (".", "holds the content folder"),
    ],
)
def test_feeds_are_never_written_at_the_root_here_or_among_the_articles(
    site: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch, out: str, problem: str
) -> None:
    """`--out /` wrote at the root of the file system, `--out ''` into the working folder, and the content
    folder was taken: syndicate removes stale pages from archive/ and tags/ wherever it writes."""
    (site / "linked-content").symlink_to(site / "content")
    monkeypatch.chdir(site)
    before = _files(site)
    result = run_cli("--config", "syndicate.toml", "feeds", "--out", out)
    assert result.status == 2, result.err
    assert f"feeds --out {out!r}: " in result.err and problem in result.err
    assert "hint: give the feeds a folder of their own" in result.err and "Traceback" not in result.err
    assert _files(site) == before


@pytest.mark.usefixtures("no_feed_writes")
@pytest.mark.parametrize(
    ("feeds", "problem"), [("/", "is the root of the file system"), (" ", "an empty path"), (".", "holds the content")]
)
def test_a_feeds_path_at_the_root_or_around_the_articles_is_a_config_error(
    site: Path, run_cli: Any, feeds: str, problem: str
) -> None:
    config = site / "syndicate.toml"
    config.write_text(config.read_text().replace('feeds = "feeds"', f'feeds = "{feeds}"', 1))
    for command in ("feeds", "run"):
        result = run_cli("--config", str(config), command)
        assert result.status == 2, result.err
        assert f"paths.feeds {feeds!r}: " in result.err and problem in result.err
    assert not (site / "feeds").exists() and not (site / "atom.xml").exists()
