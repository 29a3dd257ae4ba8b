"""Reading scraped Markdown: paragraphs with their place in the text, links, plain text.

Nothing here changes the article's text; the importer cuts paragraphs out of
the original and keeps the rest byte for byte.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from markdown_it import MarkdownIt

#: [text](href "title") and ![alt](src); the text may hold one level of brackets and line breaks
LINK = re.compile(
    r"(?P<image>!?)\[(?P<text>(?:[^\[\]]|\[[^\[\]]*\])*)\]"
    r"\((?P<href>[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+\"[^\"]*\")?\)"
)
_AUTOLINK = re.compile(r"<(https?://[^>\s]+|mailto:[^>\s]+)>")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!$<>|~\"'])")
_EMPHASIS = re.compile(r"(?<![\w*])(\*{1,3}|_{1,3})(?=\S)|(?<=\S)(\*{1,3}|_{1,3})(?![\w*])")
#: escaped characters are moved here (Unicode's private use area) while emphasis marks are removed
_SHELTER = 0xF0000
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_BREAK = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_SEPARATORS = re.compile(r"[\s,;|·•/&]+|\band\b|\bet\b")
_markdown = MarkdownIt("commonmark")
#: what every link to nowhere holds: "](" then nothing, "#", "<", "\\" or "&" (an escape or an entity),
#: or a reference's definition "]:"
_MAYBE_PLACEHOLDER = re.compile(r"\]\(\s*[#<&)\\]|\]:")


@dataclass(frozen=True)
class Block:
    """A paragraph (or heading, list, fenced code) and where it is in the text: text[start:end]."""

    start: int
    end: int
    text: str

    @functools.cached_property
    def plain(self) -> str:
        return plain(self.text)


@dataclass(frozen=True)
class Link:
    text: str
    href: str
    image: bool

    @property
    def absolute(self) -> bool:
        return is_absolute(self.href)

    @property
    def placeholder(self) -> bool:
        return self.href.strip() in ("", "#")


def split_blocks(text: str, offset: int = 0) -> list[Block]:
    """The blank-line separated blocks of text[offset:]; a fenced code block stays whole."""
    blocks: list[Block] = []
    start: int | None = None
    fence: str | None = None
    position = offset
    for line in text[offset:].splitlines(keepends=True):
        stripped = line.strip()
        opening = _FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1) == fence:
                fence = None
        elif opening:
            fence = opening.group(1)
        if not stripped and fence is None:
            if start is not None:
                blocks.append(Block(start, position, text[start:position].rstrip("\n")))
                start = None
        elif start is None:
            start = position
        position += len(line)
    if start is not None:
        blocks.append(Block(start, len(text), text[start:].rstrip("\n")))
    return [Block(b.start, b.start + len(b.text), b.text) for b in blocks]


def links(markdown: str) -> list[Link]:
    return [Link(m.group("text"), m.group("href"), bool(m.group("image"))) for m in LINK.finditer(markdown)]


def is_absolute(href: str) -> bool:
    return re.match(r"https?://[^\s/?#]+", href.strip()) is not None


@functools.lru_cache(maxsize=1024)  # a paragraph's is asked for by several readers in turn
def plain(markdown: str) -> str:
    """The text a reader sees: link texts, no images, no emphasis or escapes, whitespace folded."""
    text = LINK.sub(lambda m: "" if m.group("image") else m.group("text"), markdown)
    text = _AUTOLINK.sub(lambda m: m.group(1).removeprefix("mailto:"), text)
    text = text.replace("`", "").replace("\u00ad", "")  # soft hyphens: invisible to the reader
    # an escaped character ("Expert\\*innen") is the text's own: kept apart from emphasis marks
    text = _ESCAPE.sub(lambda m: chr(_SHELTER + ord(m.group(1))), text)
    text = _EMPHASIS.sub("", text)
    text = re.sub(f"[{chr(_SHELTER)}-{chr(_SHELTER + 127)}]", lambda m: chr(ord(m.group()) - _SHELTER), text)
    text = re.sub(r"^\s{0,3}#{1,6}\s+|\s+#+\s*$", "", text)
    return re.sub(r"\s+", " ", text).strip()


def is_thematic_break(markdown: str) -> bool:
    return _BREAK.match(markdown) is not None


def links_only(markdown: str) -> bool:
    """Whether the text is nothing but links (and separators), e.g. "[Asia](#), [Europe](#)"."""
    return bool(links(markdown)) and not _SEPARATORS.sub("", LINK.sub("", markdown).replace("*", ""))


def count_placeholder_links(body: str) -> int:
    """Links that point nowhere ([text](#), [text]()), counted as `syndicate validate` counts them."""
    if not _MAYBE_PLACEHOLDER.search(body):
        return 0  # no link could point nowhere: the page need not be parsed
    count = 0
    for block in _markdown.parse(body):
        for token in block.children or ():
            if token.type == "link_open" and str(token.attrs.get("href", "")).strip() in ("", "#"):
                count += 1
    return count


def quoted(before: str) -> bool:
    """Whether the text that follows `before` (on its line) is inside a quotation still open."""
    pairs = (("“", "”"), ("«", "»"))
    return any(before.rfind(o) > before.rfind(c) for o, c in pairs) or before.count('"') % 2 == 1


def glued_splitter(openings: Iterable[str]) -> re.Pattern[str]:
    """A pattern finding where a footer line starting with one of `openings` (regexes) is glued to
    the text before it: after a sentence's end on the same line, or with no space at all (but not
    after an opening quotation mark: that is a quotation)."""
    alternatives = "|".join(f"(?:{o})" for o in openings)
    return re.compile(
        r"(?:(?<=[.!?)”\"»\]])[ \t]+|(?<=[^\s\[*(_“\"«„‘']))(?=(?:\*\*|\*|\[|_)?(?:" + alternatives + "))",
    )


def split_glued(text: str, splitter: re.Pattern[str]) -> tuple[str, int]:
    """Put a paragraph break where a footer line was glued to the one before; also returns how many."""
    return splitter.subn("\n\n", text)


def unlink_placeholders(body: str) -> tuple[str, int]:
    """The body with each placeholder link ([text](#), [text]()) replaced by its text, outside
    fenced code; and how many were replaced."""
    count = 0

    def text_only(match: re.Match[str]) -> str:
        nonlocal count
        if match.group("image") or match.group("href").strip() not in ("", "#"):
            return match.group(0)
        count += 1
        return match.group("text")

    parts = re.split(r"(^\s{0,3}(?:```|~~~)[^\n]*\n.*?^\s{0,3}(?:```|~~~)[ \t]*$)", body, flags=re.M | re.S)
    body = "".join(part if index % 2 else LINK.sub(text_only, part) for index, part in enumerate(parts))
    return body, count
