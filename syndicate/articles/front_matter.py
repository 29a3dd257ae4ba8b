"""Reading an article file: bytes to front matter (with the line of every key) and body.

The front matter is read by `yaml_fast` when it has the plain form most articles
have, else by `yaml_walk` (libyaml's composer, then one walk over the nodes),
which also reports what is wrong with it. Only the plain YAML types are
accepted; nothing is executed.

Hostile files cost little: a file over the size limit is refused from its size
alone (`read_article_file` never reads more than the limit), and `yaml_walk`
counts the parser's events before any node is built, so that neither a huge
front matter nor an alias bomb can take much time or memory.
"""

from __future__ import annotations

import re
from pathlib import Path

from syndicate import fast_paths
from syndicate.articles import yaml_fast, yaml_walk
from syndicate.articles.parsed_article import ParsedArticle as ParsedArticle  # (re-exported: what callers import)
from syndicate.articles.yaml_walk import MAX_DEPTH as MAX_DEPTH
from syndicate.files import read_bounded
from syndicate.findings import Code

#: an article is text: a few hundred KB at most. Larger files are refused from their size alone
#: (syndicate.toml: [limits] max_article_bytes).
MAX_FILE_BYTES = 4 * 1024 * 1024
#: the finding for a file over the limit (findings.Code.FILE_TOO_LARGE)
FILE_TOO_LARGE = "file-too-large"
#: front matter of the plain form read by yaml_fast (BENCHMARKS.md: what it buys), else by yaml_walk
_YAML_FAST = fast_paths.enabled("yaml")
#: UTF-16 halves alone: a str can hold them (surrogateescape, bad JSON), no UTF-8 file can
_SURROGATE = re.compile("[\ud800-\udfff]")
_DELIMITER = re.compile(r"---[ \t]*(\n|\Z)")
_CLOSERS = re.compile(r"^(---|\.\.\.)[ \t]*$", re.MULTILINE)


def read_article_file(path: Path, shown: str, max_bytes: int = MAX_FILE_BYTES) -> tuple[ParsedArticle, bytes]:
    """Read and parse one article file, shown as `shown` in findings; also returns the bytes read.

    A file over `max_bytes` is refused from its size before it is read (and a
    file that grows while it is read, or a device, is never read past the
    limit): the finding is `file-too-large` and the bytes are empty.
    """
    try:
        size, raw = read_bounded(path, max_bytes)
    except OSError as e:
        result = ParsedArticle(shown)
        if path.is_symlink() and not path.exists():
            target = path.readlink()
            result.add(
                Code.UNREADABLE,
                f"the file is a symbolic link to {target}, which does not exist",
                "fix the link or remove it",
                line=0,
            )
        else:
            result.add(Code.UNREADABLE, f"cannot read the file: {e.strerror}", "check its permissions", line=0)
        return result, b""
    if size > max_bytes or len(raw) > max_bytes:
        return _too_large(shown, max(size, len(raw)), max_bytes), b""
    return parse_article_bytes(raw, shown, max_bytes), raw


def _too_large(path: str, size: int, max_bytes: int) -> ParsedArticle:
    result = ParsedArticle(path)
    more = f"{size:,} bytes" if size > max_bytes else "still growing"
    result.add(
        FILE_TOO_LARGE,
        f"the file is larger than the limit of {max_bytes:,} bytes ({more}): not read",
        "an article is a few hundred KB of text at most: check that this is the right file, "
        "or raise [limits] max_article_bytes in syndicate.toml",
        line=0,
    )
    return result


def parse_article_bytes(raw: bytes, path: str, max_bytes: int = MAX_FILE_BYTES) -> ParsedArticle:
    """Decode and parse one article file. Never raises on bad input: problems become findings."""
    if len(raw) > max_bytes:
        return _too_large(path, len(raw), max_bytes)
    result = ParsedArticle(path)
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    if not raw.strip():
        result.add(
            Code.EMPTY_FILE,
            "the file is empty",
            "an article starts with '---', its front matter, '---', then the body",
            line=0,
        )
        return result
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        utf16 = raw.startswith((b"\xff\xfe", b"\xfe\xff"))
        result.add(
            Code.NOT_UTF8,
            "the file is UTF-16, not UTF-8" if utf16 else f"byte 0x{raw[e.start]:02x} is not valid UTF-8",
            "save the file as UTF-8 (most editors: 'Save with encoding')",
            line=line,
        )
        return result
    return parse_article_text(text, path, decoded=True)


def parse_article_text(text: str, path: str, decoded: bool = False) -> ParsedArticle:
    """Parse an article already decoded (`decoded`: from UTF-8 bytes, so without lone surrogates).
    Never raises on bad input: problems become findings."""
    result = ParsedArticle(path)
    surrogate = None if decoded else _SURROGATE.search(text)
    if surrogate is not None:
        result.add(
            Code.NOT_UTF8,
            f"U+{ord(surrogate.group()):04X} is half of a UTF-16 pair, not a character",
            "save the file as UTF-8 (most editors: 'Save with encoding')",
            line=text.count("\n", 0, surrogate.start()) + 1,
        )
        return result
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not _DELIMITER.match(text):
        result.add(
            Code.NO_FRONT_MATTER,
            "the file has no front matter",
            "start the file with a line '---', then the YAML fields (title, slug, ...), then a line '---'",
            line=1,
        )
        result.body = text
        return result
    start = text.find("\n") + 1  # (searched on the text, not split into lines: bodies are long)
    close = _CLOSERS.search(text, start) if start else None
    if close is None:
        result.add(
            Code.UNCLOSED_FRONT_MATTER,
            "the front matter opened on line 1 is never closed",
            "end the front matter with a line '---' before the body",
            line=1,
        )
        return result
    result.body = text[close.end() + 1 :]
    result.body_line = text.count("\n", 0, close.end()) + 2
    _load_yaml(text[start : close.start()] or "\n", result, first_line=2)
    return result


def _load_yaml(source: str, result: ParsedArticle, first_line: int) -> None:
    # the common form, fast; None (or the fast path switched off): read it the full way
    plain = yaml_fast.load(source, first_line) if _YAML_FAST else None
    if plain is not None:
        result.data, result.lines = plain
        return
    yaml_walk.load(source, result, first_line)
