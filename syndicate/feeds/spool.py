"""`feeds` without holding the site: each checked article kept in a spool file, read back per document.

`feeds` has no ledger to keep what it reads (`run` stores rows and records there:
cron/incremental.py). Held whole until the feeds were written, each article was about 10 KB
(front matter, Article, its copy): 1 GB at 100,000. Here the workers make each file's record
(cron/records.py) and its row; this process writes the row and the copy to the spool, a
temporary file in the state folder (in the system's temporary folder when there is none),
and keeps the record; the feeds read the articles of each document back from the spool just
before building it (staging.py).

The spool is made unlinked (`tempfile.TemporaryFile`: no name in the folder on Linux and
other POSIX systems), so that nothing is left behind, whatever ends the command, and no later
command can read a spool it did not write; it is closed when the command's `with` ends.
"""

from __future__ import annotations

import datetime as dt
import os
import struct
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from syndicate.articles.article import Article
from syndicate.cron.records import (
    Loader,
    Record,
    RecordedArticle,
    Validity,
    make_record,
    parsed_from_row,
    read_record,
)
from syndicate.errors import WriteError

if TYPE_CHECKING:
    from syndicate.articles.parsed_article import ParsedArticle
    from syndicate.checks.parallel import CheckedFile
    from syndicate.checks.validate import SiteContent
    from syndicate.config import Config

#: a copy as the spool keeps it: body_end, content_end, then the compressed HTML (RenderedCopy.packed)
_COPY = struct.Struct("<II")
#: from how many article files `feeds` spools them: the spool costs CPU (each article written as
#: a row and a record on the workers, read back for its documents: 10,000 articles took 13.0 s of
#: CPU instead of 10.6, 102 MB instead of 169) that a site held whole in a few hundred MB needs not
#: pay (BENCHMARKS.md, "Memory of a cold run")
SPOOL_FROM = 20_000
#: what a record is made under, for the spool of one command (never compared with another's)
_MADE = Validity("spool", "spool")
_NO_STAT = (0, 0)


class Spool:
    """Rows (incremental.to_row) and copies of checked articles, in a temporary file."""

    def __init__(self, folder: Path | None) -> None:
        where = str(folder) if folder is not None and folder.is_dir() else None
        try:
            self._file = tempfile.TemporaryFile(prefix="syndicate-spool-", dir=where)  # noqa: SIM115 (closed by close())
        except OSError as e:
            raise WriteError(
                f"cannot make the feeds' spool in {where or tempfile.gettempdir()}: {e.strerror or e}",
                "syndicate feeds keeps the articles of a large site in a temporary file beside the ledger "
                "(paths.state): let it write there, or free some space",
            ) from e
        self._fd, self._end = self._file.fileno(), 0
        #: file key -> (offset, row length, copy length or -1)
        self._where: dict[str, tuple[int, int, int]] = {}

    def put(self, key: str, row: bytes, copy: bytes | None) -> None:
        data = row + (copy or b"")
        written = 0
        while written < len(data):  # (at its end: what was written is never moved; a write may be short)
            written += os.pwrite(self._fd, memoryview(data)[written:], self._end + written)
        self._where[key] = (self._end, len(row), len(copy) if copy is not None else -1)
        self._end += len(data)

    def get(self, key: str) -> tuple[bytes, bytes | None]:
        offset, row, copy = self._where[key]
        data = os.pread(self._fd, row + max(copy, 0), offset)
        return data[:row], data[row:] if copy >= 0 else None

    def close(self) -> None:
        self._file.close()


def copy_bytes(item: CheckedFile) -> bytes | None:
    """A feeds' copy (RenderedCopy.complete False: no digest) as the spool keeps it."""
    copy = item.rendered
    return None if copy is None else _COPY.pack(copy.body_end, copy.content_end) + copy.packed


class SpoolLoader(Loader):
    """Reads articles known by their records from the spool (records.Loader reads the ledger)."""

    def __init__(self, spool: Spool) -> None:
        self._spool = spool

    def load(self, articles: Iterable[Article]) -> None:
        from syndicate.render.html_copy import RenderedCopy, remember

        for article in articles:
            if not isinstance(article, RecordedArticle) or article.loaded:
                continue
            row, copy = self._spool.get(article.file)
            full = parsed_from_row(row, None)
            assert full.data is not None
            if copy is not None:
                body_end, content_end = _COPY.unpack_from(copy)
                rendered = RenderedCopy(copy[_COPY.size :], body_end, content_end, b"")
                remember(full.front_matter_digest, full.body, full.data["license"]["id"], rendered)
            article.fill(Article.from_data(article.path, full.data, full.body, full.front_matter_digest))


@contextmanager
def spooled_site(
    config: Config, today: dt.date | None = None, copy_wanted: Callable[[Mapping[str, Any]], bool] | None = None
) -> Iterator[SiteContent]:
    """load_site(config, bodies=False, copy_wanted=...) for the feeds. A site of SPOOL_FROM files or
    more: its articles known by their records and read back from a spool while the `with` lasts
    (closed, and so removed, when it ends); a copy `copy_wanted` does not want is made from the
    body in the spool when its entry is."""
    from syndicate.articles.content_folder import content_files
    from syndicate.checks.validate import load_site

    files = content_files(config)
    if len(files) < SPOOL_FROM:
        yield load_site(config, bodies=False, copy_wanted=copy_wanted, files=files)
        return
    spool = Spool(config.paths.state.parent)
    try:
        yield _load(config, files, spool, today, copy_wanted)
    finally:
        spool.close()


def _load(
    config: Config,
    files: list[Path],
    spool: Spool,
    today: dt.date | None,
    copy_wanted: Callable[[Mapping[str, Any]], bool] | None,
) -> SiteContent:
    from syndicate.checks.article_checks import Checks
    from syndicate.checks.parallel import check_files
    from syndicate.cron.incremental import to_row
    from syndicate.cron.site_records import left_to_its_record, site_from
    from syndicate.delivery.ledger_open import bodies_at

    checks = Checks.for_config(config, today)
    delivered = bodies_at(config.ledger_at)

    def finish(path: Path, item: CheckedFile) -> CheckedFile:
        # on the worker: its record; and of an article not checked against the copies delivered
        # nothing more comes back (its row and copy are written to the spool)
        item.record = make_record(item.article, _NO_STAT, item.sha256, None, path, checks, _MADE)
        copy = copy_bytes(item)
        if left_to_its_record(item, _NO_STAT, _MADE, delivered, checks):
            item.copy = copy
        return item

    keys = [str(path) for path in files]
    records: dict[str, Record] = {}
    parsed: list[ParsedArticle | None] = []
    max_bytes = config.limits.max_article_bytes
    checked = check_files(
        files,
        checks,
        max_bytes,
        render=True,
        serialise=to_row,
        bodies=False,
        json_ld=False,
        copy_wanted=copy_wanted,
        finish=finish,
    )
    for key, item in zip(keys, checked, strict=True):
        if not item.recorded:
            parsed.append(item.article)
            continue
        spool.put(key, item.serialised, item.copy)
        standing = read_record(item.record, _NO_STAT, _MADE)
        assert standing is not None
        records[key] = standing
        parsed.append(None)
    return site_from(keys, parsed, records, checks, delivered, SpoolLoader(spool), lazy=True)
