"""`body-altered`: under a no-derivatives licence, the copy's text against the article's.

The article's side is its body as the no-derivatives hash covers it
(attribution.body_paragraphs: the trailing attribution paragraphs left out,
as normalised_body leaves them out), rendered as the copy renders it, one line
per block. The page's side is its main text as the extractor finds it
(audit_page.py), one line per block. Both are cut into sentences, and each
sentence normalised as body_hash normalises a body (Unicode, runs of
whitespace as one space) and, since WordPress "texturizes" what it shows,
with typographic quotes, dashes and ellipses as plain ones.

The sentences are compared in order (difflib), only between the page's first
and last sentence of the article: what a partner's theme puts before the
article or after it (a title, a byline, "Share this", related stories) is not
the article. Within it:

- an article sentence the page's main text lacks is changed or removed,
  unless a reader sees it elsewhere on the page (the extractor left a short
  paragraph out);
- a sentence of the page's main text that is not in the article is changed
  or added, unless it has fewer than MIN_ADDED_WORDS words (a theme's label
  inside the article: "Advertisement", "Read more").

Text appended after the article's last sentence is not seen (a theme's
material and a partner's note look alike there).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from difflib import SequenceMatcher

from syndicate.checks.attribution import body_paragraphs
from syndicate.delivery.audit_page import TYPOGRAPHIC, block_lines, fold
from syndicate.render.html_copy import render_markdown

#: a sentence of the page that is not the article's, shorter than this, is taken for a theme's label
MIN_ADDED_WORDS = 4
#: changes shown in a finding's message
SHOWN = 3
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_BULLET = re.compile(r"^(?:[-*•|]\s+)+")
_DASHES = re.compile(r"-{2,}")


def article_sentences(body: str) -> tuple[str, ...]:
    """The article's sentences as a copy of it must carry them, normalised."""
    return tuple(_sentences(block_lines(render_markdown("\n\n".join(body_paragraphs(body))))))


def changes(article: Sequence[str], main_lines: Sequence[str], visible: str) -> list[tuple[list[str], list[str]]]:
    """The changes between the article's sentences and the page's, each as (article's, page's)
    sentences; [] when the text is the article's (or the page shows none of it: copy-missing says so)."""
    page = list(_sentences(main_lines))
    known = set(article)
    shared = [i for i, sentence in enumerate(page) if sentence in known]
    if not shared:
        return []
    # from the first to the last of the article's sentences on the page, widened by those of the
    # article's before and after them that the page lacks (a changed first sentence is in it)
    # (a sentence the article repeats: its first occurrence opens it, its last closes it)
    first = article.index(page[shared[0]])
    last = len(article) - 1 - article[::-1].index(page[shared[-1]])
    start = max(0, shared[0] - first)
    page = page[start : shared[-1] + len(article) - last]
    page_text, article_text = " ".join(page), " ".join(article)
    found: list[tuple[list[str], list[str]]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, article, page, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        lost = [s for s in article[i1:i2] if s not in page_text and fold(s) not in visible]
        added = [s for s in page[j1:j2] if s not in article_text and len(s.split()) >= MIN_ADDED_WORDS]
        if lost or added:
            found.append((lost, added))
    return found


def describe(found: list[tuple[list[str], list[str]]]) -> str:
    """The changes in words: “was” became “is”; “was” removed; “is” added (the first SHOWN)."""
    said = []
    for lost, added in found[:SHOWN]:
        was, now = " ".join(lost), " ".join(added)
        if was and now:
            was, now = _narrowed(was, now)
            said.append(f"{_quoted(was)} became {_quoted(now)}")
        elif was:
            said.append(f"{_quoted(was)} removed")
        else:
            said.append(f"{_quoted(now)} added")
    more = len(found) - SHOWN
    return "; ".join(said) + (f"; and {more} more change{'s' if more > 1 else ''}" if more > 0 else "")


def _sentences(lines: Sequence[str]) -> list[str]:
    found: list[str] = []
    for line in lines:
        line = _BULLET.sub("", _normal(line))
        found.extend(s for s in _SENTENCE_END.split(line) if s)
    return found


def _normal(text: str) -> str:
    """NFKC (… as ...), typographic quotes and dashes as plain ones, "--" as "-", one space for each run."""
    text = unicodedata.normalize("NFKC", text).translate(TYPOGRAPHIC)
    return " ".join(_DASHES.sub("-", text).split())


def _narrowed(was: str, now: str, context: int = 3) -> tuple[str, str]:
    """The two sentences cut to where they differ, with `context` words either side."""
    a, b = was.split(), now.split()
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    start, cut = max(0, head - context), max(0, tail - context)

    def part(words: list[str]) -> str:
        shown = " ".join(words[start : len(words) - cut])
        return ("…" if start else "") + shown + ("…" if cut else "")

    return part(a), part(b)


def _quoted(sentence: str, limit: int = 100) -> str:
    return "“" + (sentence if len(sentence) <= limit else sentence[: limit - 1] + "…") + "”"
