"""The tag feeds already in the feeds folder, as generate.py reads them (a tag feed stays once
published: when its tag's last article leaves the feeds, its documents are written empty)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Set
from pathlib import Path

from syndicate.config import Config
from syndicate.feeds.feed_xml import EPOCH


def published_tags(
    config: Config, root: Path, current: Set[str] = frozenset()
) -> dict[str, tuple[str, dt.datetime | None]]:
    """The tag feeds already in the feeds folder: folder name -> the tag's name, as their Atom
    feed's title gives it (after the site's title; else the folder name), and its updated.
    Folders in `current` (tags of entries in the feeds now) are left out: only a tag feed with
    no entry left needs what it said (38 feeds read up to their first entry were 9 ms of a run
    after one change at 10,000 articles)."""
    from lxml import etree

    found: dict[str, tuple[str, dt.datetime | None]] = {}
    folders = sorted((root / "tags").iterdir()) if (root / "tags").is_dir() else []
    prefix = f"{config.site.title}: "
    for folder in folders:
        atom = folder / "atom.xml"
        if folder.name in current:
            continue
        if not re.fullmatch(r"[a-z0-9-]+", folder.name) or folder.is_symlink() or not folder.is_dir():
            continue  # (not a folder tag_slug makes)
        if not (atom.is_file() or (folder / "rss.xml").is_file()):
            continue
        name, updated = folder.name, None
        try:
            title, updated_text = _feed_head(atom)
            updated = dt.datetime.fromisoformat(updated_text)
        except (OSError, ValueError, etree.XMLSyntaxError):
            title = ""
        if title.startswith(prefix) and title[len(prefix) :].strip():
            name = title[len(prefix) :]
        found[folder.name] = (name, updated if updated and updated.tzinfo and updated > EPOCH else None)
    return found


_ATOM = "{http://www.w3.org/2005/Atom}"


def _feed_head(atom: Path) -> tuple[str, str]:
    """An Atom feed's own title and updated, read up to its first entry (a tag feed of full
    entries is half a megabyte: parsing 38 of them whole was a tenth of a run after one change).
    Our own documents, read with no entity expanded and nothing fetched."""
    from lxml import etree

    found = {f"{_ATOM}title": "", f"{_ATOM}updated": ""}
    events = etree.iterparse(str(atom), events=("start", "end"), resolve_entities=False, no_network=True)
    depth = 0
    for event, element in events:
        depth += 1 if event == "start" else -1
        if event == "start" and element.tag == f"{_ATOM}entry":
            break
        if event == "end" and depth == 1 and element.tag in found:
            found[element.tag] = element.text or ""
    return found[f"{_ATOM}title"], found[f"{_ATOM}updated"]
