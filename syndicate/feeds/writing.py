"""Writing the feeds folder: every changed document, as a whole or not at all.

A feeds folder is a set of documents that link to each other: atom.xml to the
newest archive page, each archive page to its neighbours. Written one by one,
a full disk could leave atom.xml pointing at archive/atom-39.xml while only
pages 1 to 4 exist. So every changed document is first written to a temporary
file beside its place, and only when all of them are written are they renamed
into place, each page before the pages that link to it; a write that fails
leaves the previous feeds as they were.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from syndicate.config import Config
from syndicate.errors import WriteError, os_reason
from syndicate.files import contained, put_in_place, staged_write

#: the folders syndicate owns in a feeds folder: stale pages there are removed
MANAGED_FOLDERS = ("archive", "tags")
#: shows a feed as a page in a browser ([feeds] xsl = true); linked from every feed by a relative href
STYLESHEET = "feed.xsl"
#: W3C TDMRep's file, which syndicate writes when [site] tdm_reservation is true and removes otherwise
TDMREP_FILE = ".well-known/tdmrep.json"
#: what to check when a feed cannot be written
FEEDS_HINT = "check paths.feeds in syndicate.toml (or feeds --out): it must be a folder syndicate may write in"
_PAGE_NUMBER = re.compile(r"-(\d+)\.xml$")


@dataclass
class FeedsResult:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    entries: int = 0
    #: what a later run needs to tell an unchanged document (generate_feeds' `known`), by relative path
    marks: dict[str, str] = field(default_factory=dict)

    #: the output folder, resolved
    root: Path | None = None

    @property
    def changed(self) -> bool:
        return bool(self.written or self.removed)

    def changed_topics(self, config: Config) -> list[str]:
        """The public URLs of the subscription feeds (not archive pages) that were rewritten."""
        if self.root is None:
            return []
        base = config.feeds.url.rstrip("/") + "/"
        relative = [p.relative_to(self.root).as_posix() for p in self.written]
        return [base + r for r in relative if r.endswith(".xml") and not r.startswith("archive/")]


def write_feed_files(out_dir: Path, files: Iterable[tuple[str, bytes | None, str]]) -> FeedsResult:
    """Write what changed, as each document comes (None: known unchanged, not built), to a
    temporary file beside it; once all are written, rename them into place in `_link_order`,
    then remove stale pages in the folders syndicate owns (and a tdmrep.json or feed.xsl no longer wanted).
    A write that fails (WriteError) removes the temporary files and changes no document. `marks`
    get each written or unchanged file's input digest, modification time and size."""
    root = out_dir.resolve()
    result = FeedsResult(root=root)
    targets: dict[str, tuple[Path, str]] = {}
    staged: list[tuple[str, Path]] = []
    try:
        for relative, content, digest in files:
            # tag_slug makes escaping impossible; checked all the same, of each document written
            # (a document known unchanged is not: 2 realpaths of each of 313 documents at 10,000 articles)
            target = root / relative if content is None else contained(root, relative)
            targets[relative] = (target, digest)
            if content is None or _holds(target, content):
                result.unchanged.append(target)
            else:
                staged.append((relative, staged_write(target, content, FEEDS_HINT)))
        staged.sort(key=lambda item: _link_order(item[0]))
        while staged:
            relative, temp = staged[0]
            put_in_place(temp, targets[relative][0], FEEDS_HINT)
            staged.pop(0)
            result.written.append(targets[relative][0])
    finally:
        for _, temp in staged:
            temp.unlink(missing_ok=True)
    for relative, (target, digest) in targets.items():
        if digest:
            stat = target.stat()
            result.marks[relative] = f"{digest}:{stat.st_mtime_ns}:{stat.st_size}"
    owned = [root / name for name in (TDMREP_FILE, STYLESHEET) if (root / name).is_file()]
    for folder in MANAGED_FOLDERS:
        for pattern in ("*.xml", "*.html"):
            owned += sorted((root / folder).rglob(pattern)) if (root / folder).is_dir() else []
    for stale in owned:
        if stale.relative_to(root).as_posix() not in targets:
            try:
                stale.unlink()
            except OSError as e:
                raise WriteError(f"cannot remove the stale page {stale}: {os_reason(e)}", FEEDS_HINT) from e
            result.removed.append(stale)
    for folder in MANAGED_FOLDERS:
        _remove_empty_folders(root / folder)
    result.written.sort()
    result.unchanged.sort()
    return result


def _remove_empty_folders(top: Path) -> None:
    """Remove the folders left empty under `top` (and `top` itself): a tag feed's folder once its
    pages are gone, an archive/ no longer needed. A folder holding anything stays."""
    if top.is_symlink() or not top.is_dir():
        return
    # deepest first (a path sorts after its parent's), so that a parent emptied by it goes too
    folders = sorted((p for p in top.rglob("*") if p.is_dir() and not p.is_symlink()), reverse=True)
    for folder in [*folders, top]:
        try:
            if not any(folder.iterdir()):
                folder.rmdir()
        except OSError as e:
            raise WriteError(f"cannot remove the empty folder {folder}: {os_reason(e)}", FEEDS_HINT) from e


def _link_order(relative: str) -> tuple[int, int, str]:
    """Each document after those it links to: the stylesheet (every feed's), the archive pages
    oldest first (each links to the one before), the tag feeds, then rss.xml and atom.xml
    (atom.xml links to the newest archive page). A feed and its page link to each other: the
    pages go first, with the stylesheet (a reader fetches the feed; a person who opens the page
    finds its feeds renamed into place a moment later). Stale pages go after all of them."""
    if not relative.endswith(".xml"):
        return 0, 0, relative
    if relative.startswith("archive/"):
        number = _PAGE_NUMBER.search(relative)
        return 1, int(number[1]) if number else 0, relative
    return (2 if relative.startswith("tags/") else 3), 0, relative


def _holds(target: Path, content: bytes) -> bool:
    """Whether `target` is a file that holds `content` already (one that cannot be read is written again)."""
    try:
        return target.is_file() and target.stat().st_size == len(content) and target.read_bytes() == content
    except OSError:
        return False
