"""The no-derivatives normalisation and the copyright-year rule."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from syndicate.articles.front_matter import parse_article_text
from syndicate.checks.attribution import _check_original, body_hash, check_attribution, normalised_body

BODY = "First paragraph of the article.\n\nSecond paragraph, with a [link](https://a.example.org/).\n"


@pytest.mark.parametrize(
    "edited",
    [
        BODY.replace("\n\n", "\n\n\n\n"),
        BODY.replace(" ", "  ").replace("\n", "\r\n"),
        "  " + BODY + "\n\n",
        BODY + "\n---\n\nThis article first appeared in [The Wire](https://wire.example.org/x).\n",
        BODY + "\nCopyright © The Wire, 2024\n\n*Licensed under CC BY-ND 4.0.*\n",
    ],
    ids=["blank-lines", "spaces-and-crlf", "outer-space", "footer-added", "copyright-footer"],
)
def test_footer_and_whitespace_edits_do_not_change_the_hash(edited: str) -> None:
    assert body_hash(edited) == body_hash(BODY)


@pytest.mark.parametrize(
    "edited",
    [
        BODY.replace("First", "The first"),
        BODY.replace("https://a.example.org/", "https://b.example.org/"),
        BODY + "\nA new closing paragraph the editor wrote.\n",
        "Copyright © The Wire, 2024\n\n" + BODY,  # a notice at the top is not a footer
    ],
    ids=["word", "link", "added-paragraph", "leading-notice"],
)
def test_edits_to_the_text_change_the_hash(edited: str) -> None:
    assert body_hash(edited) != body_hash(BODY)


def test_unicode_is_compared_in_nfc() -> None:
    assert body_hash("Caf\u00e9 society.") == body_hash("Cafe\u0301 society.")


def test_normalised_body_is_one_line() -> None:
    assert (
        normalised_body(BODY)
        == "First paragraph of the article. Second paragraph, with a [link](https://a.example.org/)."
    )


@pytest.mark.parametrize(("year", "flagged"), [(1799, True), (1800, False), (2027, False), (2028, True)])
def test_copyright_year_must_be_plausible(year: int, flagged: bool) -> None:
    article = parse_article_text(f"---\ncopyright: {{holder: H, year: {year}}}\n---\nBody\n", "a.md")
    check_attribution(article, None, dt.date(2026, 11, 26))
    assert [f.code for f in article.findings] == (["implausible-year"] if flagged else [])


def _normalised_body_as_first_written(body: str) -> str:
    """The reference: body_hash values recorded in articles were made this way and must not change."""
    import re
    import unicodedata

    from syndicate.checks.attribution import _is_footer

    text = unicodedata.normalize("NFC", body).replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    while paragraphs and _is_footer(paragraphs[-1]):
        paragraphs.pop()
    return re.sub(r"\s+", " ", " ".join(paragraphs)).strip()


_SPACES = ["\n", "\r\n", "\r", " ", "\t", "\u00a0", "\u2028", "\x1c", "\x85", "\u3000", "\v", "\f"]
_PIECES = st.sampled_from(
    [*_SPACES, "---", "***", "*Licensed under CC BY-ND*", "Copyright © X", "word", "é", "e\u0301", "#", "> "]
)


@given(st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=40).map("".join))
def test_normalised_body_is_what_it_always_was(body: str) -> None:
    assert normalised_body(body) == _normalised_body_as_first_written(body)


def _missing_original_as_first_written(body: str, source_name: str) -> list[tuple[int, str]]:
    """The reference: the expression run over the whole body."""
    from syndicate.checks.attribution import _REPUBLICATION

    lower = body.lower()
    for match in _REPUBLICATION.finditer(lower):
        if not (source_name and source_name in match.group("rest")):
            return [(lower.count("\n", 0, match.start()), match.group(1))]
    return []


_PHRASES = st.sampled_from(
    ["First appeared", "first published", "originally published", "Originally appeared", "The original source of "
     "this article is", "first  published", "original", "first ", "The Wire", "the wire", "\n", " ", "x", "é"]
)  # fmt: skip


@given(st.lists(_PHRASES, max_size=30).map("".join), st.sampled_from(["", "The Wire", "the wire"]))
def test_missing_original_finds_what_it_always_found(body: str, source_name: str) -> None:
    article = parse_article_text(f"---\nsource: {{name: x}}\n---\n{body}", "a.md")
    article.body = body
    _check_original(article, {"source": {"name": source_name}})
    expected = _missing_original_as_first_written(body, source_name.lower())
    assert [f.line - article.body_line for f in article.findings] == [line for line, _ in expected]
    assert all(repr(phrase) in f.message for f, (_, phrase) in zip(article.findings, expected, strict=True))
