"""Reading and checking many article files on every core.

Checking an article is CPU work (YAML, schema, Markdown) that does not depend on
the other articles, so a large site is shared among worker processes forked
from this one: they inherit the config and the licences, and only paths go out
and results come back. Small sites, one core, or a platform without fork are
checked in this process. SYNDICATE_WORKERS=N sets the number of processes
(1: never fork).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from syndicate.errors import UsageError
from syndicate.findings import display_path
from syndicate.front_matter import ParsedArticle, read_article_file

if TYPE_CHECKING:
    from syndicate.validate import Checks

WORKERS_ENV = "SYNDICATE_WORKERS"
#: below this many files a worker's start-up and the results' copying cost more than it saves
MIN_FILES_PER_WORKER = 200


@dataclass
class CheckedFile:
    article: ParsedArticle
    #: sha256 hex of the bytes read (of b"" when the file was not read)
    sha256: str


@dataclass(frozen=True)
class _Job:
    checks: Checks
    max_bytes: int
    keep_body: bool


#: what the files are checked against: set before the workers fork, so they inherit it
_job: _Job | None = None


def _check_one(path: Path) -> CheckedFile:
    from syndicate.validate import check_article

    assert _job is not None
    article, raw = read_article_file(path, display_path(path), _job.max_bytes)
    check_article(article, _job.checks)
    if not _job.keep_body:
        article.body = ""  # nothing after the checks reads it: do not copy it back
    return CheckedFile(article, hashlib.sha256(raw).hexdigest())


def worker_count(files: int, environ: dict[str, str] | None = None) -> int:
    """How many processes check `files` files: SYNDICATE_WORKERS, else one a core they keep busy."""
    setting = (os.environ if environ is None else environ).get(WORKERS_ENV, "").strip()
    if setting:
        if not setting.isdigit() or int(setting) < 1:
            raise UsageError(
                f"{WORKERS_ENV}={setting!r} is not a number of processes",
                f"set it to 1 or more, or unset it to use every core ({os.cpu_count()} here)",
            )
        return int(setting)
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, files // MIN_FILES_PER_WORKER))


def check_files(
    paths: Sequence[Path],
    checks: Checks,
    max_bytes: int,
    keep_body: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> list[CheckedFile]:
    """Read and check each file (in order); `progress(done, total)` after each."""
    global _job
    workers = worker_count(len(paths))
    _job = _Job(checks, max_bytes, keep_body)
    try:
        if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
            results = map(_check_one, paths)
            return _collect(results, len(paths), progress)
        chunk = max(1, min(64, len(paths) // (workers * 8)))
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return _collect(pool.map(_check_one, paths, chunksize=chunk), len(paths), progress)
    finally:
        _job = None


def _collect(
    results: Iterable[CheckedFile], total: int, progress: Callable[[int, int], None] | None
) -> list[CheckedFile]:
    collected: list[CheckedFile] = []
    for item in results:
        collected.append(item)
        if progress is not None:
            progress(len(collected), total)
    return collected
