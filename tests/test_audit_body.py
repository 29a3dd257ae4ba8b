"""`body-altered`'s comparison (audit_body.changes) on sentences, without a page server."""

from __future__ import annotations

from syndicate.delivery.audit_body import changes

ARTICLE = (
    "The bridge over the Alder reopened on Friday morning.",
    "Officials say it is open.",
    "Crews worked through the night to finish the deck.",
    "Officials say it is open.",
)
RELATED = "Related: New ferry timetable announced for the summer season."


def test_an_article_that_repeats_a_sentence_ends_at_its_last_one() -> None:
    """The page's last sentence of the article is the article's last occurrence of it: what a
    theme puts after the article (related stories) is not taken for text added to it."""
    assert changes(ARTICLE, [*ARTICLE, RELATED], "") == []


def test_a_changed_last_sentence_is_still_seen() -> None:
    """(The sentence it replaced is on the page, earlier: the change is told as an addition.)"""
    page = [*ARTICLE[:-1], "Officials say it is closed again.", RELATED]
    assert changes(ARTICLE, page, "") == [([], ["Officials say it is closed again."])]
