"""Reading and checking many article files on every core.

Checking an article is CPU work (YAML, schema, Markdown) that does not depend on
the other articles, so a large site is shared among worker processes forked
from this one: they inherit the config and the licences, and only paths go out
and results come back. Small sites, one core, or a platform without fork are
checked in this process. SYNDICATE_WORKERS=N sets the number of processes
(1: never fork).
"""

from __future__ import annotations

import collections
import gc
import hashlib
import itertools
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from syndicate.articles.front_matter import ParsedArticle, read_article_file
from syndicate.errors import UsageError
from syndicate.findings import Severity, display_path

if TYPE_CHECKING:
    from syndicate.checks.article_checks import Checks
    from syndicate.render.html_copy import RenderedCopy

T = TypeVar("T")
R = TypeVar("R")
WORKERS_ENV = "SYNDICATE_WORKERS"
#: below this many files a worker's start-up and the results' copying cost more than it saves
MIN_FILES_PER_WORKER = 200


@dataclass
class CheckedFile:
    article: ParsedArticle
    #: sha256 hex of the bytes read (of b"" when the file was not read); "" when only reported
    sha256: str
    #: the article's copy, when rendering was asked for and it is publishable
    rendered: RenderedCopy | None = None
    #: the checked article as `serialise` wrote it (on the worker), when asked for
    serialised: bytes = b""


@dataclass(frozen=True)
class _Job:
    checks: Checks
    max_bytes: int
    report_only: bool
    render: bool
    serialise: Callable[[ParsedArticle], bytes] | None
    bodies: bool = True
    json_ld: bool = True
    copy_wanted: Callable[[Mapping[str, Any]], bool] | None = None


#: what the files are checked against: set before the workers fork, so they inherit it
_job: _Job | None = None


def _check_one(path: Path) -> CheckedFile:
    from syndicate.checks.article_checks import check_article

    assert _job is not None
    article, raw = read_article_file(path, display_path(path), _job.max_bytes)
    check_article(article, _job.checks)
    rendered, publishable = _render(article, _job) if _job.render else (None, False)
    if rendered is not None and article.data is not None:  # (the copy's key, made here, not in the command)
        from syndicate.render.html_copy import front_matter_digest

        article.front_matter_digest = front_matter_digest(article.data)
    serialised = _job.serialise(article) if _job.serialise is not None else b""
    if publishable and not _job.bodies:  # the copy, or the file, is what is wanted of the body: it stays here
        article.body_key = body_key(article.body)
        article.body = ""
    # What comes after the checks needs neither the line of every key (but the slug's, for
    # duplicate-slug) nor, when it only reports, the body: neither is copied back.
    article.lines = {pointer: line for pointer, line in article.lines.items() if pointer == "/slug"}
    if _job.report_only:  # of an article only reported, only the slug is needed after (duplicate-slug) ...
        article.body = ""
        if article.data is not None:
            # ... and of a no-derivatives one what its body is checked against the ledger's with
            # (attribution.check_delivered_body; its digest is kept)
            keep = ("slug", "status", "license", "copyright") if article.body_digest else ("slug",)
            article.data = {key: article.data[key] for key in keep if key in article.data}
    # (the file's digest is for the caller that keeps the result: a report needs none)
    digest = "" if _job.report_only else hashlib.sha256(raw).hexdigest()
    return CheckedFile(article, digest, rendered, serialised)


def body_key(body: str) -> bytes:
    """What the copy of a body left on a worker is known by (ParsedArticle.body_key)."""
    return hashlib.sha256(body.encode("utf-8", "surrogatepass")).digest()


def _render(article: ParsedArticle, job: _Job) -> tuple[RenderedCopy | None, bool]:
    """The copy of an article that feeds and endpoints will carry (`job.json_ld`: endpoints, not
    only feeds), and whether the article can be published. No copy for an article that cannot, nor
    for one whose copy `job.copy_wanted` does not want (the caller reads its file again if it must)."""
    data = article.data
    if (
        data is None
        or data.get("status", "ready") != "ready"
        or any(f.severity is Severity.ERROR for f in article.findings)
    ):
        return None, False
    license_ = data.get("license")
    profile = job.checks.registry.get(license_["id"]) if isinstance(license_, dict) else None
    if profile is None:
        return None, False
    if job.copy_wanted is not None and not job.copy_wanted(data):
        return None, True
    from syndicate.render.html_copy import render_copy_uncached

    return render_copy_uncached(data, article.body, profile, job.json_ld), True


def worker_count(items: int, environ: dict[str, str] | None = None, per_worker: int = MIN_FILES_PER_WORKER) -> int:
    """How many processes share `items` pieces of work: SYNDICATE_WORKERS, else one a core that
    gets at least `per_worker` of them."""
    setting = (os.environ if environ is None else environ).get(WORKERS_ENV, "").strip()
    if setting:
        if not setting.isdigit() or int(setting) < 1:
            raise UsageError(
                f"{WORKERS_ENV}={setting!r} is not a number of processes",
                f"set it to 1 or more, or unset it to use every core ({os.cpu_count()} here)",
            )
        return int(setting)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if min(cores, items // per_worker) <= 1:
        return 1  # (without importing multiprocessing, 10 ms of a run after one change)
    import multiprocessing

    return min(cores, items // per_worker) if "fork" in multiprocessing.get_all_start_methods() else 1


def resident_mb() -> float:
    """This process's resident memory now (0 where /proc does not tell)."""
    try:
        with open("/proc/self/statm") as statm:  # noqa: PTH123 (a hot path: no Path)
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


def fork_map(
    function: Callable[[T], R],
    items: Sequence[T],
    per_worker: int,
    chunk: int | None = None,
    max_parent_mb: float | None = None,
) -> Iterator[R]:
    """`function(item)` for each item, in order: on workers forked from this process when there
    are enough items, else here. The workers inherit this process's memory, so `function` (a
    module-level function) finds its context in module globals set before the call. At most two
    chunks a worker are in flight, so results do not pile up ahead of a slow consumer (`chunk`:
    items a chunk; default: an eighth of a worker's share, at most 64).

    A worker copies each page of this process's memory it touches (reference counts are writes),
    so work that reads much of a large process's data is done here once the process holds more
    than `max_parent_mb`: two workers would double its memory to save a fraction of the time.
    """
    workers = worker_count(len(items), per_worker=per_worker)
    if max_parent_mb is not None and workers > 1 and resident_mb() > max_parent_mb:
        workers = 1
    if workers > 1:  # (multiprocessing imported only to fork: 10 ms of a run that checks one file)
        import multiprocessing

        workers = workers if "fork" in multiprocessing.get_all_start_methods() else 1
    if workers <= 1:
        yield from map(function, items)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    size = chunk or max(1, min(64, len(items) // (workers * 8)))
    chunks = iter([items[start : start + size] for start in range(0, len(items), size)])
    # (workers collect cycles as usual even when this process has paused its collector)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=gc.enable) as pool:
        pending = collections.deque(
            pool.submit(_map_chunk, function, chunk) for chunk in itertools.islice(chunks, 2 * workers)
        )
        while pending:
            done = pending.popleft().result()
            following = next(chunks, None)
            if following is not None:
                pending.append(pool.submit(_map_chunk, function, following))
            yield from done


def _map_chunk(function: Callable[[T], R], chunk: Sequence[T]) -> list[R]:
    return [function(item) for item in chunk]


def check_files(
    paths: Sequence[Path],
    checks: Checks,
    max_bytes: int,
    report_only: bool = False,
    progress: Callable[[int, int], None] | None = None,
    render: bool = False,
    serialise: Callable[[ParsedArticle], bytes] | None = None,
    bodies: bool = True,
    json_ld: bool = True,
    copy_wanted: Callable[[Mapping[str, Any]], bool] | None = None,
) -> Iterator[CheckedFile]:
    """Read and check each file, in order, as the workers finish them; `progress(done, total)`
    after each. With `report_only`, the articles come back with their findings and slug only
    (no body or data). With `render`, each publishable article's copy is rendered too, and kept
    for `render.render_copy`: feeds and push then find it made. With `serialise`, each checked
    article is also written as text by it, on the workers (what the caller stores, e.g. a cache).
    Without `bodies`, a rendered article comes back without its body (which is most of what
    would be copied back and kept: 80 of 240 MB at 10,000 articles), known by its `body_key`:
    for a caller that needs the copies, not the bodies (`feeds`). Without `json_ld`, the copies
    are the feeds' alone (RenderedCopy.complete): no JSON-LD script nor digest, which only a
    pushed copy carries. With `copy_wanted`, only the copies of the (validated) front matters it
    wants are rendered (the feeds' summaries: feeds/chosen.py); without `bodies` the others' bodies
    stay in their files too.
    """
    global _job
    job = _job = _Job(checks, max_bytes, report_only, render, serialise, bodies, json_ld, copy_wanted)
    # (imported only to render: `validate` starts without the renderer's 50 ms of imports)
    if render:
        from syndicate.render.html_copy import keep_for_site, prepare, remember

        keep_for_site(len(paths))
        prepare()  # here once, before the workers fork, not in each of them
    try:
        for done, item in enumerate(fork_map(_check_one, paths, MIN_FILES_PER_WORKER), 1):
            if item.rendered is not None and item.article.data is not None:
                license_id = item.article.data["license"]["id"]
                article = item.article
                remember(article.front_matter_digest, article.body, license_id, item.rendered, article.body_key)
            if progress is not None:
                progress(done, len(paths))
            yield item
    finally:
        # (only its own: an earlier generator left unfinished and collected now must not end this one's job)
        if _job is job:
            _job = None
