"""What makes a cron run cheap: files are re-read and re-validated only when they changed.

`run` keeps, in the ledger database, each article file's stat (mtime, size),
content hash and parsed, validated result, and one digest of all the stats.
A run first stats the content folder and compares the digest of what it
finds with that one (`nothing_to_do`, in noop.py); when nothing changed,
no time has come (embargo, retry, schedule) and the config is the same, it
stops there, before any heavy import. Otherwise only changed files are read
again. Everything is re-validated when the config, the licence profiles, the
syndicate version or the day changes (decisions depend on dates).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from syndicate.articles.content_folder import lost_error
from syndicate.config import Config
from syndicate.cron import noop
from syndicate.findings import Code, Finding, Severity
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
) -> SiteContent:
    """load_site(), reading and validating only the files that changed since the last run;
    `progress(done, total)` after each of those. `store`: keep what was read for the next run
    (a runner that shares the ledger without the site's lock leaves that to the one holding it).

    Like load_site, it raises when the content folder is missing or holds no article.
    """
    with _collector_paused():
        return _load_site_cached(config, ledger, today, progress, store)


def _load_site_cached(
    config: Config, ledger: Ledger, today: dt.date, progress: Callable[[int, int], None] | None, store: bool
) -> SiteContent:
    from syndicate.articles.front_matter import ParsedArticle
    from syndicate.checks.article_checks import Checks
    from syndicate.checks.parallel import check_files
    from syndicate.checks.validate import site_content
    from syndicate.render.html_copy import RenderedCopy, front_matter_digest, keep_for_site, remember

    checks = Checks.for_config(config, today)
    stats = scan_content(config.paths.content)
    # never taken as "every article was deleted": nothing is stored, retracted or written (links to
    # nowhere do not count: a folder of links into an unmounted volume is lost too)
    if all(stat == noop.UNREACHABLE for stat in stats.values()):
        raise lost_error(config)
    current = fingerprint(config)
    reuse = ledger.get_state("fingerprint") == current and ledger.get_state("validated_on") == today.isoformat()
    files = [Path(p) for p in sorted(stats)]
    keep_for_site(len(files))
    # a cached result stands while its file's stat does; the others are read again
    # (no name keeps the whole cache: each row is let go as it is used, below)
    still = {key: row for key, row in (ledger.cached_files() if reuse else {}).items() if row[:2] == stats.get(key)}
    changed = [path for path in files if str(path) not in still]
    # taken as the workers finish them, so that each row is stored (and let go) as it comes
    # (a site without endpoints pushes no copy: only the feeds' copies are wanted of the bodies,
    # which stay on the workers; the rows stored keep them)
    checked = check_files(
        changed,
        checks,
        config.limits.max_article_bytes,
        progress=progress,
        render=True,
        serialise=_to_row,
        bodies=bool(config.endpoints),
    )
    parsed: list[ParsedArticle] = []

    def rows() -> Iterator[tuple[str, int, int, str, bytes, bytes | None]]:
        # the rows of files read again, one at a time into the ledger (10,000 rows of JSON held
        # at once were 200 MB); every article, cached or not, goes into `parsed` on the way
        for path in files:
            known = still.pop(str(path), None)  # (let go as it is used)
            if known is None:
                fresh = next(checked)
                parsed.append(fresh.article)
                rendered = fresh.rendered.to_bytes() if fresh.rendered is not None else None
                yield (str(path), *stats[str(path)], fresh.sha256, fresh.serialised, rendered)
                continue
            article = _from_row(known[3])
            if known[4] is not None and article.data is not None:
                if not article.front_matter_digest:  # (a row stored before the digest was)
                    article.front_matter_digest = front_matter_digest(article.data)
                license_id = article.data["license"]["id"]
                remember(article.front_matter_digest, article.body, license_id, RenderedCopy.from_bytes(known[4]))
            parsed.append(article)

    if store:
        ledger.update_files(rows(), set(stats))
        digest = noop.files_digest(stats)
        ledger.set_state({"fingerprint": current, "validated_on": today.isoformat(), "files_digest": digest})
    else:
        for _ in rows():  # (each article into `parsed`)
            pass
    # (the bodies delivered are read every run, never kept with a file's findings: a file's
    # cached row stands while the file does, the ledger changes without it)
    return site_content(files, parsed, [], checks, already_checked=True, delivered=ledger.delivered_bodies())


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
    findings = [f.to_dict() | {"permission_request": f.permission_request} for f in article.findings]
    # recomputed across files, and against the ledger, each run
    findings = [f for f in findings if f["code"] not in (Code.DUPLICATE_SLUG, Code.BODY_CHANGED_SINCE_DELIVERY)]
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


def _from_row(row: str | bytes) -> Any:
    """_to_row() read back; a row of an older ledger is JSON text, the body in it."""
    from syndicate.articles.front_matter import ParsedArticle

    if isinstance(row, str):
        stored = json.loads(row)
    else:
        head, _, body = compression.decompress(row).partition(b"\0")
        stored = json.loads(head.decode("utf-8", "surrogatepass"))
        stored["body"] = body.decode("utf-8", "surrogatepass")
    article = ParsedArticle(
        path=stored["path"],
        data=stored["data"],
        body=stored["body"],
        body_line=stored["body_line"],
        front_matter_digest=bytes.fromhex(stored.get("front_matter_digest", "")),
        body_digest=stored.get("body_digest", ""),
    )
    article.findings = [
        dataclasses.replace(
            Finding(f["path"], f["line"], f["code"], f["message"], f["hint"], f["pointer"], Severity(f["severity"])),
            permission_request=f.get("permission_request", ""),
        )
        for f in stored["findings"]
    ]
    return article
