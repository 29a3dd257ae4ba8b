"""`syndicate import` given hostile input: huge files, pipes."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from syndicate.errors import UsageError
from syndicate.importer import import_source
from syndicate.layouts.fetch import MAX_PAGE_BYTES

# --- size ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["page.html", "article.txt"])
def test_a_file_over_the_limit_is_refused_before_it_is_read(run_cli: Any, tmp_path: Path, name: str) -> None:
    big = tmp_path / name
    with big.open("wb") as handle:
        handle.truncate(MAX_PAGE_BYTES + 1)  # sparse: no disk space, and never read
    result = run_cli("import", str(big), "--out", str(tmp_path / "out"))
    assert result.status == 2
    assert f"{big}: the file is larger than the limit of {MAX_PAGE_BYTES:,} bytes" in result.err
    assert "hint: " in result.err and "Traceback" not in result.err
    assert not (tmp_path / "out").exists()


def test_the_limit_is_the_one_pages_fetched_from_a_url_have(tmp_path: Path) -> None:
    text = tmp_path / "article.txt"
    text.write_text("A Title\n\nBy Ann Lee\n\n" + "Some words. " * 200)
    assert import_source(str(text), max_bytes=10_000).front_matter["title"] == "A Title"
    with pytest.raises(UsageError, match=r"larger than the limit of 1,000 bytes \(2,4\d\d bytes\)"):
        import_source(str(text), max_bytes=1_000)


@contextmanager
def _writing(fifo: Path, data: bytes, forever: bool = False) -> Iterator[None]:
    """A thread that writes `data` into the pipe (again and again with `forever`, until it is closed)."""

    def write() -> None:
        try:
            with fifo.open("wb", buffering=0) as handle:  # blocks until the import opens the pipe
                handle.write(data)
                while forever:
                    handle.write(data)
        except BrokenPipeError:  # the reader stopped at its limit: what the test wants
            pass

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    yield
    thread.join(timeout=10)
    assert not thread.is_alive()


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    os.mkfifo(path)
    return path


def test_a_pipe_is_read_like_a_file(fifo: Path) -> None:  # syndicate import <(curl ...)
    with _writing(fifo, b"A Title\n\nBy Ann Lee\n\nSome words.\n"):
        result = import_source(str(fifo))
    assert result.front_matter["authors"] == [{"name": "Ann Lee"}]


def test_a_pipe_that_never_ends_is_read_up_to_the_limit_only(fifo: Path) -> None:
    with _writing(fifo, b"x" * 65536, forever=True), pytest.raises(UsageError) as error:
        import_source(str(fifo), max_bytes=100_000)
    assert error.value.message == (
        f"{fifo}: the file is larger than the limit of 100,000 bytes (more arrived as it was read): not read"
    )


def test_a_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="a folder, not a file"):
        import_source(str(tmp_path))
