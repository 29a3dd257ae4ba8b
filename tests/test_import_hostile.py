"""`syndicate import` given hostile input: huge files, pipes, terminal escape sequences, endless lines."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from syndicate.errors import UsageError
from syndicate.importer.drafts import ImportResult, import_html, import_source, import_text
from syndicate.importer.fetch import MAX_PAGE_BYTES
from syndicate.importer.layout_model import NOTE_MAX, QUOTE_MAX

#: what a terminal may act on: C0 controls but tab and newline, DEL, C1 controls
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
HOSTILE = "\x1b]0;owned\x07\x1b[2J\x1b[31m\x9b1;1H\x1bc\x00"


def _notes(result: ImportResult) -> list[str]:
    return result.found + result.missing


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


# --- what notes quote ------------------------------------------------------------------------------


def test_notes_quote_one_short_line_however_long_the_text() -> None:
    word = "x" * 200_000  # one endless word, and a paragraph that does not end a sentence
    result = import_text(f"{'T' * 5000}\n\nBy Ann Lee\n\nFirst line\nsecond line {word}\n", "endless.txt")
    ending = next(n for n in result.missing if "ends mid-sentence" in n)
    assert re.search(rf"\('\.\.\.x{{{QUOTE_MAX - 1}}}'\)", ending)  # the end of the last line, cut
    title = next(n for n in result.found if n.startswith("title: "))
    assert title == "title: " + "T" * (QUOTE_MAX - 1) + "…"
    assert result.front_matter["title"] == "T" * 5000  # the draft keeps the value itself
    assert all(len(n) <= NOTE_MAX and "\n" not in n for n in _notes(result))
    assert word not in result.to_markdown().split("\n---\n")[0]  # nor into the draft's comments


def test_notes_quote_a_short_part_of_a_page_value() -> None:
    title = "A title\n" + "y" * 100_000
    page = f'<head><meta property="og:title" content="{title}"></head><article><p>Text.</p></article>'
    result = import_html(page, "page.html")
    assert result.front_matter["title"].startswith("A title yyy")  # a title is one line
    note = next(n for n in result.found if n.startswith("title: A title yyy"))
    assert note.endswith('… (from the page: <meta property="og:title">)')
    assert all(len(n) <= NOTE_MAX for n in _notes(result))


# --- terminal escape sequences ---------------------------------------------------------------------


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_escape_sequences_are_removed_from_the_draft_and_the_notes() -> None:
    text = (
        f"A {HOSTILE}Title\n\nBy Ann{HOSTILE} Lee\n\nPublished on June 3, 2024\n\n"
        f"Some {HOSTILE}words.\n\nCopyright © {HOSTILE}Ann Lee 2024 ends mid{HOSTILE}"
    )
    result = import_text(text, "escapes.txt")
    assert result.front_matter["title"] == "A Title"
    assert result.front_matter["authors"] == [{"name": "Ann Lee"}]
    assert "Some words." in result.body and "owned" not in result.body
    assert not CONTROL.search(result.to_markdown())
    assert not any(CONTROL.search(n) for n in _notes(result))
    assert "text: 30 terminal control sequence(s) or control character(s) removed" in " ".join(result.missing)


#: bidi embeddings, overrides and isolates: shown, they reorder the text around them ("Trojan Source")
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def test_bidi_overrides_are_removed_from_the_draft_and_escaped_when_printed(run_cli: Any, tmp_path: Path) -> None:
    text = (
        "A \u202eeltiT\u202c Title\n\nBy Ann \u2067Lee\u2069\n\nPublished on June 3, 2024\n\n"
        "Some \u202awords\u202b and \u202dmore\u2066\u2068.\n\nCopyright © Ann Lee 2024\n"
    )
    result = import_text(text, "bidi.txt")
    assert result.front_matter["title"] == "A eltiT Title"
    assert result.front_matter["authors"] == [{"name": "Ann Lee"}]
    assert "Some words and more." in result.body
    assert not BIDI.search(result.to_markdown()) and not any(BIDI.search(n) for n in _notes(result))
    assert "text: 9 terminal control sequence(s) or control character(s) removed" in " ".join(result.missing)
    hostile = tmp_path / "invoice\u202etxt.exe"  # shown as "invoiceexe.txt"
    hostile.write_text("A Title\n\nBy Ann Lee\n\nSome words.\n")
    printed = run_cli("import", str(hostile), "--out", str(tmp_path / "out"))
    assert printed.status == 0 and not BIDI.search(printed.out + printed.err)
    assert "invoice\\u202etxt.exe" in printed.out


def test_escapes_in_a_pages_json_ld_are_removed_too() -> None:
    page = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "A \\u001b]0;owned\\u0007Title",'
        ' "author": {"@type": "Person", "name": "Ann \\u001b[2JLee"}}</script><article><p>Text.</p></article>'
    )
    result = import_html(page, "page.html")
    assert result.front_matter["title"] == "A Title" and result.front_matter["slug"] == "a-title"
    assert result.front_matter["authors"] == [{"name": "Ann Lee"}]
    assert not any(CONTROL.search(s) for s in [*_strings(result.front_matter), *_notes(result)])


def test_import_prints_no_escape_sequence(run_cli: Any, tmp_path: Path) -> None:
    hostile = tmp_path / f"n{HOSTILE.replace(chr(0), '')}ame.txt"  # a file name saved from a title
    hostile.write_text(f"A {HOSTILE.replace(chr(0), '')}Title\n\nBy Ann Lee\n\nSome words.\n")
    missing = tmp_path / "gone\x1b[2J.txt"
    result = run_cli("import", str(hostile), str(missing), "--out", str(tmp_path / "out"))
    assert result.status == 2  # the missing one
    assert not CONTROL.search(result.out) and not CONTROL.search(result.err)
    assert "n\\x1b]0;owned\\x07\\x1b[2J" in result.out  # the name is shown, escaped
    assert "gone\\x1b[2J.txt: no such file" in result.err
    assert (tmp_path / "out" / "a-title.md").is_file()
