"""The social composer (endpoints/social_text.py): golden texts, and the rules no cut may break."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from syndicate.delivery.endpoints.social_text import (
    ELLIPSIS,
    Limit,
    PostTooLong,
    attribution_line,
    compose,
    graphemes,
    hashtag,
)

MASTODON = Limit(500, url_size=23)
BLUESKY = Limit(300, "graphemes", max_bytes=3000, short_links=True)
ATTRIBUTION = attribution_line("Harbour Gazette", "© 2026 Harbour Gazette Ltd", "CC BY 4.0")
LINK = "https://example.org/news/2026/harbour-library-digitises-shipping-registers/"
#: what the attribution and link take, as Mastodon counts (the URL as 23) and as Bluesky does (graphemes)
FIXED = Limit(0, url_size=23).measure("\n\n" + ATTRIBUTION + "\n" + LINK)
FIXED_GRAPHEMES = graphemes("\n\n" + ATTRIBUTION + "\n" + LINK)


def test_a_short_post_is_whole_with_its_hashtags() -> None:
    post = compose(
        "Harbour library digitises registers",
        ATTRIBUTION,
        LINK,
        ("Libraries", "Middle East & North Africa", "2024"),
        MASTODON,
    )
    assert post.text == (
        "Harbour library digitises registers\n\n"
        "via Harbour Gazette, © 2026 Harbour Gazette Ltd · CC BY 4.0\n"
        "https://example.org/news/2026/harbour-library-digitises-shipping-registers/\n\n"
        "#Libraries #MiddleEastNorthAfrica"
    )
    assert not post.shortened and post.left_out == ()
    assert [(name, post.text[s.start : s.end]) for name, s in post.hashtags] == [
        ("Libraries", "#Libraries"),
        ("MiddleEastNorthAfrica", "#MiddleEastNorthAfrica"),
    ]


GOLDEN = [
    # a long English headline: cut at a word's end, then the ellipsis
    (
        "Harbour library digitises a century of shipping registers, ledgers and crew lists after a decade of work",
        Limit(FIXED + 40, url_size=23),
        "Harbour library digitises a century of…",
    ),
    # CJK has no spaces: cut between characters
    (
        "港口图书馆将一个世纪的航运登记册数字化并向公众开放查阅服务",
        Limit(FIXED + 14, url_size=23),
        "港口图书馆将一个世纪的航运…",
    ),
    # Mastodon counts code points: the family emoji takes 7 of them, and is kept or dropped whole
    (
        "Fans cheer 👏🏽👏🏽 as the 👨‍👩‍👧‍👦 ferry returns",
        Limit(FIXED + 30, url_size=23),
        "Fans cheer 👏🏽👏🏽 as the…",
    ),
    # emoji with a skin tone and a ZWJ family are one grapheme each on Bluesky: never split
    (
        "Fans cheer 👏🏽👏🏽 as the 👨‍👩‍👧‍👦 ferry returns to the harbour after repairs",
        Limit(FIXED_GRAPHEMES + 26, "graphemes"),
        "Fans cheer 👏🏽👏🏽 as the 👨‍👩‍👧‍👦…",
    ),
    # combining marks stay with their letter
    (
        "Cafe\u0301 owners in Mu\u0308nster protest the new harbour tax rules",
        Limit(FIXED_GRAPHEMES + 22, "graphemes"),
        "Cafe\u0301 owners in…",
    ),
    # a mark is never cut from its letter, counted in graphemes or in code points
    ("U\u0308" * 40, Limit(FIXED_GRAPHEMES + 12, "graphemes"), "U\u0308" * 11 + "…"),
    ("U\u0308" * 40, Limit(FIXED + 13, url_size=23), "U\u0308" * 6 + "…"),
]


@pytest.mark.parametrize(("headline", "limit", "expected"), GOLDEN)
def test_golden_cuts(headline: str, limit: Limit, expected: str) -> None:
    post = compose(headline, ATTRIBUTION, LINK, (), limit)
    assert post.text.split("\n\n")[0] == expected
    assert post.shortened
    assert limit.fits(post.text)
    assert post.text.endswith(ATTRIBUTION + "\n" + LINK)


def test_mastodon_counts_a_url_as_23() -> None:
    long_link = "https://example.org/" + "a" * 400
    post = compose("A headline", ATTRIBUTION, long_link, (), MASTODON)
    assert long_link in post.text and not post.shortened
    assert MASTODON.measure(post.text) == len("A headline\n\n" + ATTRIBUTION + "\n") + 23


def test_bluesky_shows_a_long_link_shortened_and_links_to_it_whole() -> None:
    long_link = "https://www.example.org/" + "a" * 300
    post = compose("A headline", ATTRIBUTION, long_link, (), BLUESKY)
    assert post.link == long_link
    assert post.link_span is not None
    shown = post.text[post.link_span.start : post.link_span.end]
    assert shown == "example.org/" + "a" * 17 + ELLIPSIS
    start, end = post.link_span.utf8(post.text)
    assert post.text.encode("utf-8")[start:end].decode("utf-8") == shown


def test_byte_offsets_count_utf8() -> None:
    post = compose("Ünïcödé 港口 👨‍👩‍👧‍👦", ATTRIBUTION, LINK, ("Häfen",), BLUESKY)
    data = post.text.encode("utf-8")
    assert post.link_span is not None
    start, end = post.link_span.utf8(post.text)
    assert data[start:end] == LINK.encode()
    name, span = post.hashtags[0]
    assert name == "Häfen"
    tag_start, tag_end = span.utf8(post.text)
    assert data[tag_start:tag_end].decode() == "#Häfen"


def test_hashtags_that_do_not_fit_are_left_out_whole() -> None:
    limit = Limit(len("Headline\n\n" + ATTRIBUTION + "\n") + 23 + len("\n\n#Alpha") + 3, url_size=23)
    post = compose("Headline", ATTRIBUTION, LINK, ("Alpha", "Beta"), limit)
    assert post.text.endswith("\n\n#Alpha")
    assert post.left_out == ("Beta",)


def test_attribution_and_link_that_cannot_fit_refuse_the_post() -> None:
    with pytest.raises(PostTooLong) as caught:
        compose("Headline", ATTRIBUTION, LINK, (), Limit(60, url_size=23))
    assert "attribution and the link" in caught.value.message


def test_bytes_limit() -> None:
    limit = Limit(300, "graphemes", max_bytes=200)
    post = compose("𝕳" * 250, ATTRIBUTION, LINK, (), limit)
    assert len(post.text.encode()) <= 200 and post.shortened


def test_hashtag_words() -> None:
    assert hashtag("climate change") == "ClimateChange"
    assert hashtag("2024") is None
    assert hashtag("São Paulo") == "SãoPaulo"
    assert hashtag("!!!") is None


@settings(max_examples=150, deadline=None)
@given(
    headline=st.text(min_size=1, max_size=600).filter(lambda s: s.strip()),
    size=st.integers(min_value=FIXED_GRAPHEMES + 12, max_value=600),
    unit=st.sampled_from(["characters", "graphemes"]),
)
def test_never_over_the_limit_never_without_attribution_or_link(headline: str, size: int, unit: str) -> None:
    limit = Limit(size, unit, url_size=23 if unit == "characters" else None)
    post = compose(headline, ATTRIBUTION, LINK, ("Tag one", "Tag two"), limit)
    assert limit.fits(post.text)
    assert (ATTRIBUTION + "\n" + LINK) in post.text
    assert graphemes(post.text) <= limit.measure(post.text) or unit == "characters"
