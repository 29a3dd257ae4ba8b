"""A file edited again within its file system's timestamp tick, at the same size, is still read again.

The ledger keeps each file's stat (mtime, size) and takes a file whose stat stands as unchanged
(its row, its record, the no-op check). On a file system whose timestamps are coarse (2 s on FAT,
1 s on HFS+ and many network mounts), an edit just after a run scanned the file can leave the
same stat on other content: it was never seen (until the config or the day changed).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from syndicate.cron.incremental import RACY_NS, RACY_SIZE, racy_marked

NOW = "2030-01-01T10:00:00+00:00"


def test_an_edit_within_the_timestamp_tick_of_the_scan_is_read_by_the_next_run(site: Path, run_cli: Any) -> None:
    config = str(site / "syndicate.toml")
    article = next((site / "content").glob("*.md"))
    text = article.read_text()
    assert "republished" in text
    article.write_text(text)  # (edited just before the run: its mtime is now)
    assert run_cli("--config", config, "run", "--now", NOW).status == 0
    before = article.stat()
    article.write_text(text.replace("republished", "REPUBLISHED", 1))  # the same size, in the same tick:
    os.utime(article, ns=(before.st_atime_ns, before.st_mtime_ns))  # (as a 1 s file system would leave it)
    assert (article.stat().st_mtime_ns, article.stat().st_size) == (before.st_mtime_ns, before.st_size)
    done = run_cli("--config", config, "run", "--now", NOW)
    assert done.status == 0, done.err
    copies = [p.read_text() for p in (site / "out").rglob("*.html")]
    assert any("REPUBLISHED" in copy for copy in copies)


def test_only_files_modified_close_to_the_scan_are_kept_racy() -> None:
    scanned_at = 10 * RACY_NS
    stats = {
        "old": (scanned_at - RACY_NS - 1, 10),
        "fresh": (scanned_at - RACY_NS, 10),
        "later": (scanned_at + RACY_NS, 7),
        "ahead": (scanned_at + RACY_NS + 1, 7),  # (a clock set wrong: an edit now leaves another mtime)
    }
    assert racy_marked(stats, scanned_at) == {
        "old": (scanned_at - RACY_NS - 1, 10),
        "fresh": (scanned_at - RACY_NS, RACY_SIZE),
        "later": (scanned_at + RACY_NS, RACY_SIZE),
        "ahead": (scanned_at + RACY_NS + 1, 7),
    }
