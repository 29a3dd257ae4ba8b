"""A file's record stands across days unless the article's checks depend on the day (a grant that
expires: cron/records.bound_to_the_day); a new year reads every file again (the copyright year's
check). The first run of each day was a cold run: every file read, checked and rendered again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from syndicate.checks import parallel
from syndicate.config import load_config
from syndicate.cron.records import bound_to_the_day
from syndicate.cron.run import run
from tests.conftest import settled

EASTBROOK = "eastbrook-council-election-turnout-by-ward"


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files each run reads and checks again, as it reads them."""
    read: list[str] = []
    check_files = parallel.check_files

    def recording(paths: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        read.extend(Path(path).name for path in paths)
        return check_files(paths, *args, **kwargs)

    monkeypatch.setattr(parallel, "check_files", recording)
    return read


def _run_at(site: Path, when: str) -> Any:
    return run(load_config(site / "syndicate.toml"), dt.datetime.fromisoformat(when), {})


def test_on_a_new_day_only_the_files_whose_checks_depend_on_the_day_are_read_again(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    eastbrook = site / "content" / f"{EASTBROOK}.md"
    text = eastbrook.read_text(encoding="utf-8")
    granted = "      date: 2026-10-02\n"
    eastbrook.write_text(text.replace(granted, granted + "      expires: 2027-06-30\n"), encoding="utf-8")
    for path in (site / "content").iterdir():
        settled(path)
    read = _reads(monkeypatch)
    _run_at(site, "2026-12-01T12:00:00+00:00")
    assert len(read) == 4
    read.clear()
    assert not _run_at(site, "2026-12-02T12:00:00+00:00").noop
    assert read == [f"{EASTBROOK}.md"]  # (its grant may have expired)
    read.clear()
    _run_at(site, "2027-01-04T12:00:00+00:00")
    assert len(read) == 4  # a new year: the copyright year's bounds moved


@pytest.mark.parametrize(
    ("licence", "bound"),
    [
        ({"id": "CC-BY-4.0"}, False),
        ({"id": "all-rights-reserved", "grants": [{"channels": ["community-web"], "date": "2026-10-02"}]}, False),
        ({"id": "x", "grants": [{"channels": ["print"], "date": "2026-10-02", "expires": "2027-01-01"}]}, True),
        ({"id": "x", "grants": [{"date": "2026-10-02"}, {"expires": "not a date"}]}, True),
        ({"id": "x", "grants": "not a list"}, False),
    ],
)
def test_an_article_is_bound_to_the_day_by_a_grant_that_expires(licence: dict[str, Any], bound: bool) -> None:
    assert bound_to_the_day({"slug": "a", "license": licence}) is bound
    assert not bound_to_the_day(None)
