"""What makes a cron run cheap: files are re-read and re-validated only when they changed.

`run` keeps, in the ledger database, each article file's stat (mtime, size),
content hash and parsed, validated result, and one digest of all the stats.
A run first stats the content folder and compares the digest of what it
finds with that one (`nothing_to_do`, in noop.py); when nothing changed,
no time has come (embargo, retry, schedule) and the config is the same, it
stops there, before any heavy import. Otherwise only changed files are read
again; of an unchanged file only its record is read (records.py, site_records.py),
its row only when more is asked of it. Everything is re-validated when the config, the licence profiles, the
syndicate version or the year changes, and on a new day those whose licence decisions depend
on the day (a grant that expires: records.bound_to_the_day).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from syndicate.articles.content_folder import lost_error
from syndicate.config import Config
from syndicate.cron import noop
from syndicate.cron.records import (
    Loader,
    Record,
    RecordedArticle,
    Validity,
    kept_findings,
    make_record,
    parsed_from_row,
    read_record,
    stored_records,
    stored_rows,
)
from syndicate.render import compression
from syndicate.site_paths import SitePaths

if TYPE_CHECKING:
    from syndicate.checks.validate import SiteContent
    from syndicate.delivery.ledger import Ledger


def scan_content(folder: Path) -> dict[str, tuple[int, int]]:
    """Every article file below `folder` (hidden ones skipped): absolute path -> (mtime_ns, size);
    the early no-op check's scan when it made one in this process (noop.take_scan)."""
    root = str(folder.resolve())
    scanned = noop.take_scan(root)
    return scanned if scanned is not None else noop.scan(root)


#: how close to the scan a file's modification time makes its stat untrustworthy: an edit made
#: within the file system's timestamp granularity of the scan (2 s on FAT, 1 s on HFS+ and many
#: network mounts, a few ms on ext4) can leave the same mtime and size on other content; 1 s more
#: for the scan the early no-op check made before the time is taken (noop.take_scan)
RACY_NS = 3_000_000_000
#: the size stored for such a file: it matches no scan, so the next run reads the file again
RACY_SIZE = -2


def racy_marked(stats: dict[str, tuple[int, int]], scanned_at: int) -> dict[str, tuple[int, int]]:
    """`stats` as the ledger keeps them: a file modified within RACY_NS of the scan (`scanned_at`,
    ns since the epoch, taken just before it) is kept with RACY_SIZE, so that neither its row,
    its record nor the no-op check takes it as unchanged next run, which reads it again (git's
    "racily clean" entries). Without this, an edit that keeps the size within the same timestamp
    tick as the scan was never seen (until the config or the day changed). A modification time
    further ahead (a clock set wrong elsewhere) is not: an edit now leaves another one."""
    low, high = scanned_at - RACY_NS, scanned_at + RACY_NS
    # (a stat not marked is the same tuple: 100,000 new ones were 13 MB)
    return {key: (stat[0], RACY_SIZE) if low <= stat[0] <= high else stat for key, stat in stats.items()}


def fingerprint(config: Config) -> str:
    """Changes when anything validation depends on changes, besides the articles and the day."""
    return noop.fingerprint(config.digest, str(config.paths.licenses) if config.paths.licenses else None)


def config_known(path: Path, raw: bytes) -> bool:
    """Whether the last finished run validated exactly these config bytes (read from its ledger)."""
    import sqlite3
    import tomllib

    try:
        state = SitePaths.of(str(path), tomllib.loads(raw.decode("utf-8")).get("paths", {})).state
        if not Path(state).is_file():
            return False
        known = noop.ledger_state(state).get("config_digest")
    except (ValueError, OSError, sqlite3.Error, AttributeError, TypeError):
        return False
    return known == noop.config_digest(hashlib.sha256(raw).hexdigest())


def site_paths(config: Config) -> SitePaths:
    paths = config.paths
    licenses = str(paths.licenses) if paths.licenses else None
    return SitePaths(str(config.path), str(paths.content), str(paths.feeds), str(paths.state), licenses)


def nothing_to_do(config: Config, ledger: Ledger, now: dt.datetime) -> bool:
    """True when the last run's work still stands: same files, same config, no time has come."""
    content = str(config.paths.content.resolve())
    return noop.unchanged(ledger.get_state, site_paths(config), config.digest, now, content)


def load_site_cached(
    config: Config,
    ledger: Ledger,
    today: dt.date,
    progress: Callable[[int, int], None] | None = None,
    store: bool = True,
    lazy: bool = False,
) -> SiteContent:
    """load_site(), reading and validating only the files that changed since the last run;
    `progress(done, total)` after each of those. `store`: keep what was read for the next run
    (a runner that shares the ledger without the site's lock leaves that to the one holding it).
    `lazy` (with `store`): an unchanged file's article is made from its record, and read from
    its row only when more is asked of it (records.py): `ledger` must stay open while it is used.
    So is a file read again, once its row and record are stored (unless its body is checked
    against the copies delivered): a cold run holds records, not whole articles and copies.

    Like load_site, it raises when the content folder is missing or holds no article.
    """
    with _collector_paused():
        return _load_site_cached(config, ledger, today, progress, store, lazy and store)


def _load_site_cached(
    config: Config,
    ledger: Ledger,
    today: dt.date,
    progress: Callable[[int, int], None] | None,
    store: bool,
    lazy: bool,
) -> SiteContent:
    from syndicate.articles.front_matter import ParsedArticle
    from syndicate.checks.article_checks import Checks
    from syndicate.checks.parallel import CheckedFile, check_files
    from syndicate.cron.site_records import Paths, left_to_its_record, needs_row, site_from
    from syndicate.render.html_copy import RenderedCopy, keep_for_site

    checks = Checks.for_config(config, today)
    scanned_at = time.time_ns()
    stats = scan_content(config.paths.content)
    # never taken as "every article was deleted": nothing is stored, retracted or written (links to
    # nowhere do not count: a folder of links into an unmounted volume is lost too)
    if all(stat == noop.UNREACHABLE for stat in stats.values()):
        raise lost_error(config)
    current = fingerprint(config)
    same_checks = ledger.get_state("fingerprint") == current
    # (the rows' findings are of the day they were made; the records say what they are valid under)
    reuse = same_checks and ledger.get_state("validated_on") == today.isoformat()
    keys = sorted(stats)
    keep_for_site(len(keys))
    delivered = ledger.delivered_bodies()
    # a file's record stands while its stat does (records.py); a file without one is read back
    # from its row while its stat stands; the others are read again
    made = Validity.of(current, today)
    kept = racy_marked(stats, scanned_at)  # (the stats stored: those of files changed just now match no scan)
    records: dict[str, Record] = {}
    checked_again: set[str] = set()  # (files with a record whose body is checked against the ledger's)
    # (a runner without the site's lock reads rows alone: the one that holds it may rewrite a
    # row between its record and its row being read)
    copy_hashes: dict[str, str] = {}
    for key, (stored, copy_hash) in (stored_records(ledger) if same_checks and store else {}).items():
        stat = stats.get(key)
        record = read_record(stored, stat, made) if stat is not None else None
        if record is not None and delivered and needs_row(record, delivered, checks):
            checked_again.add(key)
        elif record is not None:
            records[key] = record
            if copy_hash is not None:
                copy_hashes[key] = copy_hash
    wanted = [key for key in stats if key not in records] if reuse else []
    still = {key: row[2:] for key, row in stored_rows(ledger, wanted).items() if row[:2] == stats[key]}
    # (each Path made when the workers are given it: 100,000 of them held were 36 MB)
    changed = Paths([key for key in keys if key not in records and key not in still])

    # taken as the workers finish them, so that each row is stored (and let go) as it comes
    # (a site without endpoints pushes no copy: only the feeds' copies are wanted of the bodies,
    # which stay on the workers; the rows stored keep them)
    def finish(path: Path, item: CheckedFile) -> CheckedFile:
        """On the worker: the file's record and copy's bytes; and, `lazy`, of an article not checked
        against the copies delivered, nothing more: its record stands for it (read back from the
        ledger when more is asked of it). Whole articles and their copies, sent back and held, were
        most of a cold run's memory (BENCHMARKS.md, "Memory of a cold run")."""
        key, rendered = str(path), item.rendered
        copy_hash = rendered.content_hash if rendered is not None else None
        item.record = make_record(item.article, kept[key], item.sha256, copy_hash, path, checks, made)
        item.copy = rendered.to_bytes() if rendered is not None else None
        if lazy:
            left_to_its_record(item, kept[key], made, delivered, checks)
        return item

    checked = check_files(
        changed,
        checks,
        config.limits.max_article_bytes,
        progress=progress,
        render=True,
        serialise=_to_row,
        bodies=bool(config.endpoints),
        finish=finish,
    )
    parsed: list[ParsedArticle | None] = []  # (None: the file's record stands for it)
    read_again: set[str] = set()  # (files read again that their records stand for)

    def rows() -> Iterator[tuple[str, int, int, str, bytes | str, bytes | None, bytes | None]]:
        # the rows of files read again, one at a time into the ledger (10,000 rows of JSON held
        # at once were 200 MB); every article read goes into `parsed` on the way
        for key in keys:
            if key in records:
                parsed.append(None)
                continue
            known = still.pop(key, None)  # (let go as it is used)
            if known is None:
                fresh = next(checked)
                if fresh.recorded:  # (its record was read on the worker: it is one of this run)
                    read_again.add(key)
                    standing = read_record(fresh.record, kept[key], made)
                    assert standing is not None
                    records[key] = standing
                parsed.append(None if fresh.recorded else fresh.article)
                yield (key, *kept[key], fresh.sha256, fresh.serialised, fresh.copy, fresh.record)
                continue
            sha256, row, rendered_row = known
            article = parsed_from_row(row, rendered_row)
            parsed.append(article)
            if store and key not in checked_again:  # (a row stored without a record: it is made once)
                copy_hash = RenderedCopy.from_bytes(rendered_row).content_hash if rendered_row else None
                record = make_record(article, kept[key], sha256, copy_hash, Path(key), checks, made)
                yield (key, *kept[key], sha256, row, rendered_row, record)

    if store:
        ledger.update_files(rows(), set(stats))
        digest = noop.files_digest(kept)
        ledger.set_state({"fingerprint": current, "validated_on": today.isoformat(), "files_digest": digest})
    else:
        for _ in rows():  # (each article into `parsed`)
            pass
    # (every result taken: the workers end now, not when the site made below is let go, where the
    # command is at its largest: two workers were 80 MB of a cold run's PSS at 100,000 articles)
    checked.close()
    # (the bodies delivered are read every run, never kept with a file's findings: a file's
    # cached row stands while the file does, the ledger changes without it)
    site = site_from(keys, parsed, records, checks, delivered, Loader(ledger), lazy, copy_hashes)
    for article in site.articles:  # (those whose record this run made: their files were read again)
        if isinstance(article, RecordedArticle) and article.file in read_again:
            article.__dict__["read_again"] = True
    return site


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while thousands of articles are read back: each is a tree
    of new containers that live on, and the collector walked them all again and again (a tenth
    of a run after one change at 10,000 articles). They hold no cycles; any made meanwhile are
    collected once it is back on. (Forked workers turn it on again: parallel.fork_map.)

    Then they are put out of its sight (gc.freeze) for the rest of the run, which uses them to
    its end: its first full collection walked them all once more (0.14 s of a run after one
    change at 10,000 articles). run.run lets them back (gc.unfreeze) when it ends."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_on:
            gc.enable()


def _to_row(article: Any) -> bytes:
    """The checked article as the ledger keeps it, zstd-compressed (a third of the size: 84 MB of
    rows at 10,000 articles become 28 MB): the JSON of all but the body, a NUL (which JSON
    text never holds), then the body as UTF-8 (read back in half the time of a JSON string)."""
    findings = kept_findings(article)  # (those recomputed across files, and against the ledger, each run left out)
    text = json.dumps(
        {
            "path": article.path,
            "data": article.data,
            "body_line": article.body_line,
            "findings": findings,
            # the rendered copy's key, so that a later run need not serialise the front matter again
            "front_matter_digest": article.front_matter_digest.hex(),
            # compared with the bodies delivered each run, without taking it again
            "body_digest": article.body_digest,
        },
        ensure_ascii=False,
    )
    return compression.compress(
        b"\0".join([text.encode("utf-8", "surrogatepass"), article.body.encode("utf-8", "surrogatepass")])
    )


#: (the spool of `feeds` keeps rows as the ledger does: feeds/spool.py)
to_row = _to_row
